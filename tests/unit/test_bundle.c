/* Unit tests for src/store/bundle: the signed bundle and the receipt,
 * round trips, and every way a damaged or forged one must be refused. */
#include "rmtree.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "store/bundle.h"
#include "store/central.h"
#include "util/xmem.h"

static uint8_t sk[crypto_sign_SECRETKEYBYTES];
static uint8_t pk[crypto_sign_PUBLICKEYBYTES];

/* n envelopes with ids 1..n and len(i) bytes of pattern. */
static struct bundle_env *
mk_envs(size_t n, size_t len)
{
	struct bundle_env *v = xcalloc(n, sizeof *v);
	size_t i;

	for (i = 0; i < n; i++) {
		v[i].id[0] = (uint8_t)(i + 1);
		v[i].id[15] = 0xaa;
		v[i].len = len + i;
		v[i].data = xmalloc(v[i].len);
		memset(v[i].data, (int)('a' + i), v[i].len);
	}
	return v;
}

static void
free_envs(struct bundle_env *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].data);
	free(v);
}

/* The bytes bundle_write produces (through a temporary file). */
static uint8_t *
encode(const struct bundle_env *v, size_t n, const uint8_t *key,
    size_t *len)
{
	FILE *f = tmpfile();
	struct err e;
	uint8_t *buf;
	long sz;

	assert_non_null(f);
	assert_int_equal(bundle_write(fileno(f), v, n, key, &e), 0);
	sz = lseek(fileno(f), 0, SEEK_END);
	assert_true(sz > 0);
	buf = xmalloc((size_t)sz);
	assert_int_equal(pread(fileno(f), buf, (size_t)sz, 0), sz);
	fclose(f);
	*len = (size_t)sz;
	return buf;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	crypto_sign_keypair(pk, sk);
	return 0;
}

static void
test_round_trip(void **state)
{
	struct bundle_env *v = mk_envs(3, 100);
	struct bundle b;
	struct err e;
	uint8_t *buf;
	size_t len, i;

	(void)state;
	buf = encode(v, 3, sk, &len);
	assert_int_equal(len, 16 + 3 * 20 + 100 + 101 + 102 + 32 + 64);
	assert_memory_equal(buf, BUNDLE_MAGIC, 8);
	assert_int_equal(bundle_read_buf(buf, len, &b, &e), 0);
	assert_int_equal(b.n, 3);
	assert_memory_equal(b.signer, pk, 32);
	for (i = 0; i < 3; i++) {
		assert_memory_equal(b.envs[i].id, v[i].id, 16);
		assert_int_equal(b.envs[i].len, v[i].len);
		assert_memory_equal(b.envs[i].data, v[i].data, v[i].len);
	}
	bundle_free(&b);
	free(buf);
	free_envs(v, 3);
}

static void
test_empty_bundle(void **state)
{
	struct bundle b;
	struct err e;
	uint8_t *buf;
	size_t len;

	(void)state;
	buf = encode(NULL, 0, sk, &len);
	assert_int_equal(bundle_read_buf(buf, len, &b, &e), 0);
	assert_int_equal(b.n, 0);
	bundle_free(&b);
	free(buf);
}

/* Through a pipe, written by another process: the reader never seeks. */
static void
test_pipe_stream(void **state)
{
	struct bundle_env *v = mk_envs(40, 3000);	/* > one pipe buffer */
	struct bundle b;
	struct err e;
	int fds[2], st;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		_exit(bundle_write(fds[1], v, 40, sk, &e) == 0 ? 0 : 1);
	}
	close(fds[1]);
	assert_int_equal(bundle_read(fds[0], &b, &e), 0);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(b.n, 40);
	assert_memory_equal(b.envs[39].data, v[39].data, v[39].len);
	bundle_free(&b);
	free_envs(v, 40);
}

static void
test_flip_every_byte(void **state)
{
	struct bundle_env *v = mk_envs(2, 20);
	struct bundle b;
	struct err e;
	uint8_t *buf;
	size_t len, i;
	int bit;

	(void)state;
	buf = encode(v, 2, sk, &len);
	for (i = 0; i < len; i++)
		for (bit = 0; bit < 8; bit += 7) {
			buf[i] ^= (uint8_t)(1u << bit);
			assert_int_equal(bundle_read_buf(buf, len, &b, &e),
			    -1);
			buf[i] ^= (uint8_t)(1u << bit);
		}
	assert_int_equal(bundle_read_buf(buf, len, &b, &e), 0);
	bundle_free(&b);
	free(buf);
	free_envs(v, 2);
}

static void
test_truncate_every_length(void **state)
{
	struct bundle_env *v = mk_envs(2, 20);
	struct bundle b;
	struct err e;
	uint8_t *buf;
	size_t len, i;

	(void)state;
	buf = encode(v, 2, sk, &len);
	for (i = 0; i < len; i++) {
		assert_int_equal(bundle_read_buf(buf, i, &b, &e), -1);
		assert_non_null(strstr(e.msg, "truncated"));
		assert_int_equal(e.cls, ERR_DATA);
	}
	/* Without its signature, the message says where it ended. */
	assert_int_equal(bundle_read_buf(buf, len - 64, &b, &e), -1);
	assert_non_null(strstr(e.msg, "inside the signature"));
	assert_int_equal(bundle_read_buf(buf, len - 96, &b, &e), -1);
	assert_non_null(strstr(e.msg, "signer's key"));
	free(buf);
	free_envs(v, 2);
}

static void
test_trailing_bytes(void **state)
{
	struct bundle_env *v = mk_envs(1, 10);
	struct bundle b;
	struct err e;
	uint8_t *buf;
	size_t len;

	(void)state;
	buf = encode(v, 1, sk, &len);
	buf = xrealloc(buf, len + 1);
	buf[len] = 0;
	assert_int_equal(bundle_read_buf(buf, len + 1, &b, &e), -1);
	assert_non_null(strstr(e.msg, "trailing bytes"));
	free(buf);
	free_envs(v, 1);
}

static void
test_magic_and_version(void **state)
{
	struct bundle_env *v = mk_envs(1, 10);
	struct bundle b;
	struct err e;
	uint8_t *buf;
	size_t len;

	(void)state;
	buf = encode(v, 1, sk, &len);
	buf[0] = 'X';
	assert_int_equal(bundle_read_buf(buf, len, &b, &e), -1);
	assert_string_equal(e.msg, "not an avslut bundle (wrong magic number)");
	buf[0] = BUNDLE_MAGIC[0];
	put32(buf + 8, 2);
	assert_int_equal(bundle_read_buf(buf, len, &b, &e), -1);
	assert_string_equal(e.msg, "bundle version 2 is newer than this "
	    "program understands (1): update avslut");
	put32(buf + 8, 0);
	assert_int_equal(bundle_read_buf(buf, len, &b, &e), -1);
	assert_non_null(strstr(e.msg, "version 0 is not valid"));
	/* A receipt is not a bundle and the other way round. */
	put32(buf + 8, 1);
	memcpy(buf, RECEIPT_MAGIC, 8);
	assert_int_equal(bundle_read_buf(buf, len, &b, &e), -1);
	free(buf);
	free_envs(v, 1);
}

static void
test_absurd_lengths(void **state)
{
	struct bundle_env *v = mk_envs(1, 10);
	struct bundle b;
	struct err e;
	uint8_t *buf;
	size_t len;

	(void)state;
	buf = encode(v, 1, sk, &len);
	put32(buf + 12, 0xffffffffu);		/* count */
	assert_int_equal(bundle_read_buf(buf, len, &b, &e), -1);
	assert_non_null(strstr(e.msg, "claims 4294967295 envelopes"));
	put32(buf + 12, BUNDLE_MAX_COUNT + 1);
	assert_int_equal(bundle_read_buf(buf, len, &b, &e), -1);
	put32(buf + 12, 1);
	put32(buf + 16 + 16, 0xffffffffu);	/* envelope length */
	assert_int_equal(bundle_read_buf(buf, len, &b, &e), -1);
	assert_non_null(strstr(e.msg, "envelope 1 of the bundle claims "
	    "4294967295 bytes"));
	put32(buf + 16 + 16, 0);
	assert_int_equal(bundle_read_buf(buf, len, &b, &e), -1);
	assert_non_null(strstr(e.msg, "claims 0 bytes"));
	put32(buf + 16 + 16, BUNDLE_MAX_ENVELOPE + 1);
	assert_int_equal(bundle_read_buf(buf, len, &b, &e), -1);
	/* A length that is within bounds but larger than what follows. */
	put32(buf + 16 + 16, 1000);
	assert_int_equal(bundle_read_buf(buf, len, &b, &e), -1);
	assert_non_null(strstr(e.msg, "truncated"));
	/* A count larger than what follows. */
	put32(buf + 16 + 16, 10);
	put32(buf + 12, 5);
	assert_int_equal(bundle_read_buf(buf, len, &b, &e), -1);
	free(buf);
	free_envs(v, 1);
}

/* Validly signed, but signed by someone else than the key it names, or
 * with an envelope id used twice. */
static void
test_forged(void **state)
{
	struct bundle_env *v = mk_envs(2, 10);
	uint8_t pk2[32], sk2[64];
	struct bundle b;
	struct err e;
	uint8_t *buf;
	size_t len;

	(void)state;
	crypto_sign_keypair(pk2, sk2);
	buf = encode(v, 2, sk2, &len);
	memcpy(buf + len - 96, pk, 32);		/* claim to be pk */
	assert_int_equal(bundle_read_buf(buf, len, &b, &e), -1);
	assert_non_null(strstr(e.msg, "signature does not verify"));
	free(buf);
	memcpy(v[1].id, v[0].id, 16);
	buf = encode(v, 2, sk, &len);
	assert_int_equal(bundle_read_buf(buf, len, &b, &e), -1);
	assert_non_null(strstr(e.msg, "repeats an envelope id"));
	free(buf);
	free_envs(v, 2);
}

static void
test_writer_checks(void **state)
{
	struct bundle_writer *w;
	struct err e;
	uint8_t id[16] = { 1 }, d = 7;
	FILE *f = tmpfile();

	(void)state;
	assert_null(bundle_writer_new(fileno(f), BUNDLE_MAX_COUNT + 1, sk,
	    &e));
	w = bundle_writer_new(fileno(f), 2, sk, &e);
	assert_non_null(w);
	assert_int_equal(bundle_writer_add(w, id, &d, 0, &e), -1);
	assert_int_equal(bundle_writer_add(w, id, &d, 1, &e), 0);
	assert_int_equal(bundle_writer_finish(w, &e), -1);
	assert_non_null(strstr(e.msg, "1 envelopes added, 2 announced"));
	fclose(f);
}

static void
test_receipt(void **state)
{
	struct bundle_ack a[3], *got;
	struct err e;
	uint8_t *buf;
	size_t len, n, i;

	(void)state;
	for (i = 0; i < 3; i++) {
		randombytes_buf(a[i].id, 16);
		randombytes_buf(a[i].hash, 32);
	}
	assert_int_equal(bundle_receipt_encode(a, 3, &buf, &len, &e), 0);
	assert_int_equal(len, 16 + 3 * 48 + 32);
	assert_int_equal(bundle_receipt_read_buf(buf, len, &got, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(got, a, sizeof a);
	free(got);
	for (i = 0; i < len; i++) {
		buf[i] ^= 0x10;
		assert_int_equal(bundle_receipt_read_buf(buf, len, &got, &n,
		    &e), -1);
		buf[i] ^= 0x10;
		assert_int_equal(bundle_receipt_read_buf(buf, i, &got, &n,
		    &e), -1);
		/* a cut names the field it falls in */
		if (i >= 16 && i < len - 32)
			assert_non_null(strstr(e.msg,
			    (i - 16) % 48 < 16 ? "inside the envelope id" :
						 "inside the envelope hash"));
		else if (i >= len - 32)
			assert_non_null(strstr(e.msg, "inside the checksum"));
	}
	free(buf);
}

/* A keyed receipt (version 2): no id or hash in it, each envelope's
 * digests found again with the key, damage and truncation refused, and
 * neither reader takes the other's version. */
static void
test_receipt_keyed(void **state)
{
	struct bundle_ack a[3], *got1;
	struct bundle_kack *got, want;
	struct err e;
	uint8_t key[BUNDLE_RKEY_BYTES], other[BUNDLE_RKEY_BYTES], *buf;
	size_t len, n, i, j, found;

	(void)state;
	randombytes_buf(key, sizeof key);
	randombytes_buf(other, sizeof other);
	for (i = 0; i < 3; i++) {
		randombytes_buf(a[i].id, 16);
		randombytes_buf(a[i].hash, 32);
	}
	assert_int_equal(bundle_receipt_encode_keyed(a, 3, key, &buf, &len,
	    &e), 0);
	assert_int_equal(len, 16 + 3 * 64 + 32);
	assert_int_equal(bundle_receipt_version(buf, len), 2);
	for (i = 0; i < 3; i++)
		for (j = 0; j + 16 <= len; j++) {
			assert_memory_not_equal(buf + j, a[i].id, 16);
			if (j + 32 <= len)
				assert_memory_not_equal(buf + j, a[i].hash,
				    32);
		}
	assert_int_equal(bundle_receipt_read_keyed(buf, len, &got, &n, &e),
	    0);
	assert_int_equal(n, 3);
	for (i = 0, found = 0; i < 3; i++) {
		bundle_receipt_mac(key, a[i].id, a[i].hash, &want);
		for (j = 0; j < n; j++)
			found += memcmp(&got[j], &want, sizeof want) == 0;
		bundle_receipt_mac(other, a[i].id, a[i].hash, &want);
		for (j = 0; j < n; j++)
			assert_memory_not_equal(&got[j], &want, sizeof want);
	}
	assert_int_equal(found, 3);
	free(got);
	assert_int_equal(bundle_receipt_read_buf(buf, len, &got1, &n, &e),
	    -1);
	for (i = 0; i < len; i++) {
		buf[i] ^= 0x10;
		assert_int_not_equal(bundle_receipt_read_keyed(buf, len, &got,
		    &n, &e), 0);
		buf[i] ^= 0x10;
		assert_int_not_equal(bundle_receipt_read_keyed(buf, i, &got,
		    &n, &e), 0);
		if (i >= 16 && i < len - 32)
			assert_non_null(strstr(e.msg, "inside the digest"));
	}
	free(buf);
	assert_int_equal(bundle_receipt_encode(a, 3, &buf, &len, &e), 0);
	assert_int_equal(bundle_receipt_read_keyed(buf, len, &got, &n, &e),
	    -1);
	free(buf);
}

static void
test_receipt_fd(void **state)
{
	struct bundle_ack a[2], *got;
	struct err e;
	size_t n;
	FILE *f = tmpfile();

	(void)state;
	memset(a, 0x5a, sizeof a);
	assert_int_equal(bundle_receipt_write(fileno(f), a, 2, &e), 0);
	lseek(fileno(f), 0, SEEK_SET);
	assert_int_equal(bundle_receipt_read(fileno(f), &got, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(got, a, sizeof a);
	free(got);
	/* An empty file is a truncated receipt, not an empty one. */
	assert_int_equal(ftruncate(fileno(f), 0), 0);
	lseek(fileno(f), 0, SEEK_SET);
	assert_int_equal(bundle_receipt_read(fileno(f), &got, &n, &e),
	    -1);
	assert_int_equal(e.cls, ERR_DATA);
	fclose(f);
}

/* A stream that cannot be read is an I/O error, not bad data: the
 * class tells ingest to exit 74, not 65. */
static void
test_read_error_class(void **state)
{
	struct bundle b;
	struct bundle_ack *got;
	struct err e;
	size_t n;
	int fd = open(".", O_RDONLY);	/* read(2) on a folder: EISDIR */

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(bundle_read(fd, &b, &e), -1);
	assert_int_equal(e.cls, ERR_IO);
	assert_non_null(strstr(e.msg, "cannot read the bundle"));
	assert_int_equal(bundle_receipt_read(fd, &got, &n, &e), -1);
	assert_int_equal(e.cls, ERR_IO);
	assert_non_null(strstr(e.msg, "cannot read the receipt"));
	close(fd);
}

static void
test_env_hash(void **state)
{
	uint8_t h[32], want[32];

	(void)state;
	bundle_env_hash(h, (const uint8_t *)"abc", 3);
	crypto_generichash(want, 32, (const uint8_t *)"abc", 3, NULL, 0);
	assert_memory_equal(h, want, 32);
}

/* Refused whole by the store: an unknown signer, a revoked one; nothing
 * of the bundle is stored. */
static void
test_signer_refused(void **state)
{
	char dir[] = "/tmp/avslut-tb-XXXXXX", *path;
	struct bundle_env *v = mk_envs(3, 50);
	struct central *c;
	struct bundle b;
	struct bundle_ack *acks;
	struct err e;
	uint8_t *buf;
	size_t len, n, added, count;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/central.db", dir);
	assert_int_equal(central_open(&c, path, CENTRAL_CREATE, &e), 0);
	buf = encode(v, 3, sk, &len);
	assert_int_equal(bundle_read_buf(buf, len, &b, &e), 0);
	assert_int_equal(central_ingest(c, &b, &acks, &n, &added, &e),
	    -1);
	assert_int_equal(e.cls, ERR_PERM);
	assert_non_null(strstr(e.msg, "not registered"));
	assert_int_equal(central_env_count(c, &count, &e), 0);
	assert_int_equal(count, 0);
	assert_int_equal(central_interviewer_add(c, pk, "A", &e), 0);
	assert_int_equal(central_interviewer_revoke(c, pk, &e), 0);
	assert_int_equal(central_ingest(c, &b, &acks, &n, &added, &e),
	    -1);
	assert_int_equal(e.cls, ERR_PERM);
	assert_non_null(strstr(e.msg, "revoked"));
	assert_int_equal(central_env_count(c, &count, &e), 0);
	assert_int_equal(count, 0);
	bundle_free(&b);
	central_close(c);
	free(buf);
	free_envs(v, 3);
	free(path);
	rmtree(dir); /* the store, its key file, whatever else */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_empty_bundle),
		cmocka_unit_test(test_pipe_stream),
		cmocka_unit_test(test_flip_every_byte),
		cmocka_unit_test(test_truncate_every_length),
		cmocka_unit_test(test_trailing_bytes),
		cmocka_unit_test(test_magic_and_version),
		cmocka_unit_test(test_absurd_lengths),
		cmocka_unit_test(test_forged),
		cmocka_unit_test(test_writer_checks),
		cmocka_unit_test(test_receipt),
		cmocka_unit_test(test_receipt_keyed),
		cmocka_unit_test(test_receipt_fd),
		cmocka_unit_test(test_read_error_class),
		cmocka_unit_test(test_env_hash),
		cmocka_unit_test(test_signer_refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
