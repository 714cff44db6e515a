/* Unit tests for src/crypto/key and profile: round trips, wrong
 * passphrases, every flipped byte, truncation, versions, KDF limits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/key.h"
#include "crypto/profile.h"
#include "util/fsx.h"
#include "util/paths.h"
#include "util/xmem.h"

#define HRKEY_SIZE 200
#define PROFILE_SIZE 296
#define OFF_VERSION 8
#define OFF_FLAGS 12
#define OFF_ALG 16
#define OFF_OPS 20
#define OFF_MEM 24
#define OFF_PUB 48

static const uint8_t masks[] = { 0x01, 0x80, 0xff };

/* A refusal is -1 with a class: klass gives the class (-1 for success),
 * assert_fails checks both against the caller's struct err e. */
static int
klass(int rc, const struct err *e)
{
	return rc == 0 ? -1 : rc == -1 ? (int)e->cls : -2;
}
#define assert_fails(call, c) assert_int_equal(klass((call), &e), (int)(c))

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

/* A fresh temporary directory per test, removed afterwards. */
static int
setup(void **state)
{
	char *d = xstrdup("/tmp/avslut-key-XXXXXX");

	if (mkdtemp(d) == NULL)
		return -1;
	*state = d;
	return 0;
}

static int
teardown(void **state)
{
	nftw(*state, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	free(*state);
	return 0;
}

static void
slurp(const char *path, uint8_t **buf, size_t *len)
{
	struct err e;
	char *b;

	assert_int_equal(fsx_read_file(path, 1 << 20, &b, len, &e), 0);
	*buf = (uint8_t *)b;
}

static void
spit(const char *path, const void *buf, size_t len)
{
	struct err e;

	assert_int_equal(fsx_write_atomic(path, buf, len, 0600, 0, &e), 0);
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Recompute the unkeyed checksum, as a forger would. */
static void
rechecksum(uint8_t *buf, size_t len)
{
	crypto_generichash(buf + len - 16, 16, buf, len - 16, NULL, 0);
}

static void
make_hr(const char *dir, uint8_t pk[KEY_PK_BYTES])
{
	struct err e;

	assert_int_equal(key_generate(dir, "correct horse", KEY_KDF_TEST, pk,
	    &e), 0);
}

static void
test_fingerprint(void **state)
{
	uint8_t pk[KEY_PK_BYTES] = { 0 };
	char f[KEY_FPR_TEXT];

	(void)state;
	key_fingerprint(pk, f);
	assert_string_equal(f, "ff0f 2249 2f44 bac4 c4b3 0ae5 8d0e 8daa");
	assert_int_equal(strlen(f), KEY_FPR_TEXT - 1);
}

static void
test_pub_line(void **state)
{
	uint8_t pk[KEY_PK_BYTES], got[KEY_PK_BYTES];
	char *line, *bad;
	size_t len, i, m;
	struct err e;

	(void)state;
	randombytes_buf(pk, sizeof pk);
	line = key_pub_format(KEY_PUB_HR, pk);
	len = strlen(line);
	assert_true(strncmp(line, "avslut-hr-pub-v1 ", 17) == 0);
	assert_int_equal(key_pub_parse(KEY_PUB_HR, "hr.pub", line, len, got,
	    &e), 0);
	assert_memory_equal(got, pk, sizeof pk);
	/* The newline may be missing; nothing else may differ. */
	assert_int_equal(key_pub_parse(KEY_PUB_HR, "hr.pub", line, len - 1,
	    got, &e), 0);
	assert_fails(key_pub_parse(KEY_PUB_INTERVIEWER, "i.pub", line,
	    len, got, &e), ERR_DATA);
	assert_non_null(strstr(e.msg, "is an HR public key file, not an "
	    "interviewer"));
	bad = xasprintf("%.*s\r\n", (int)len - 1, line);
	assert_fails(key_pub_parse(KEY_PUB_HR, "hr.pub", bad, len + 1,
	    got, &e), ERR_DATA);
	free(bad);
	bad = xasprintf("%s\n", line);
	assert_fails(key_pub_parse(KEY_PUB_HR, "hr.pub", bad, len + 1,
	    got, &e), ERR_DATA);
	free(bad);
	bad = xstrdup(line);
	bad[15] = '2';
	assert_fails(key_pub_parse(KEY_PUB_HR, "hr.pub", bad, len, got,
	    &e), ERR_DATA);
	assert_non_null(strstr(e.msg, "version 2, newer"));
	/* A low-order point (all zeros) cannot be sealed to: refused. */
	{
		uint8_t zero[KEY_PK_BYTES] = { 0 };
		char *z = key_pub_format(KEY_PUB_HR, zero);

		assert_fails(key_pub_parse(KEY_PUB_HR, "hr.pub", z,
		    strlen(z), got, &e), ERR_DATA);
		assert_non_null(strstr(e.msg, "low-order"));
		free(z);
	}
	/* Every byte, flipped three ways, is refused and the file named. */
	for (i = 0; i < len; i++)
		for (m = 0; m < sizeof masks; m++) {
			memcpy(bad, line, len);
			bad[i] = (char)(bad[i] ^ masks[m]);
			e.msg[0] = '\0';
			if (klass(key_pub_parse(KEY_PUB_HR, "hr.pub", bad,
			    len, got, &e), &e) != ERR_DATA)
				fail_msg("hr.pub byte %zu ^ 0x%02x accepted",
				    i, masks[m]);
			assert_non_null(strstr(e.msg, "hr.pub"));
		}
	/* Truncated anywhere but at the newline: refused. */
	for (i = 0; i + 1 < len; i++) {
		e.msg[0] = '\0';
		if (klass(key_pub_parse(KEY_PUB_HR, "hr.pub", line, i, got,
		    &e), &e) != ERR_DATA)
			fail_msg("hr.pub cut to %zu bytes accepted", i);
		assert_non_null(strstr(e.msg, "hr.pub"));
	}
	free(bad);
	free(line);
	line = key_pub_format(KEY_PUB_INTERVIEWER, pk);
	assert_true(strncmp(line, "avslut-interviewer-v1 ", 22) == 0);
	assert_int_equal(key_pub_parse(KEY_PUB_INTERVIEWER, "i.pub", line,
	    strlen(line), got, &e), 0);
	assert_memory_equal(got, pk, sizeof pk);
	free(line);
	assert_fails(key_pub_parse(KEY_PUB_HR, "x", "", 0, got, &e),
	    ERR_DATA);
	assert_non_null(strstr(e.msg, "x is not an HR public key file"));
}

static void
test_key_roundtrip(void **state)
{
	const char *dir = *state;
	uint8_t pk[KEY_PK_BYTES], pk2[KEY_PK_BYTES], chk[KEY_PK_BYTES];
	char *kpath = paths_join(dir, KEY_HR_KEY);
	char *ppath = paths_join(dir, KEY_HR_PUB);
	struct key_hr *k;
	struct stat st;
	struct err e;
	unsigned long runs;
	int test = 0;

	make_hr(dir, pk);
	assert_int_equal(stat(kpath, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, HRKEY_SIZE);
	assert_int_equal(key_pub_load(KEY_PUB_HR, ppath, pk2, &e), 0);
	assert_memory_equal(pk, pk2, sizeof pk);
	assert_int_equal(key_peek(kpath, pk2, &test, &e), 0);
	assert_memory_equal(pk, pk2, sizeof pk);
	assert_int_equal(test, 1);
	runs = key_kdf_runs();
	assert_int_equal(key_unlock(kpath, "correct horse", &k, &e), 0);
	assert_int_equal(key_kdf_runs(), runs + 1);
	assert_memory_equal(k->pk, pk, sizeof pk);
	crypto_scalarmult_base(chk, k->sk);
	assert_memory_equal(chk, pk, sizeof pk);
	assert_int_equal(k->kdf_test, 1);
	key_hr_free(k);
	assert_fails(key_unlock(kpath, "wrong horse", &k, &e), ERR_PERM);
	assert_null(k);
	assert_non_null(strstr(e.msg, "wrong passphrase for"));
	assert_non_null(strstr(e.msg, kpath));
	/* Never overwritten, neither file. */
	assert_fails(key_generate(dir, "x", KEY_KDF_TEST, pk2, &e),
	    ERR_EXISTS);
	assert_non_null(strstr(e.msg, "refusing to overwrite"));
	unlink(kpath);
	assert_fails(key_generate(dir, "x", KEY_KDF_TEST, pk2, &e),
	    ERR_EXISTS);
	assert_false(fsx_exists(kpath));
	unlink(ppath);
	assert_fails(key_unlock(kpath, "x", &k, &e), ERR_NOINPUT);
	assert_non_null(strstr(e.msg, kpath));
	free(kpath);
	free(ppath);
}

static void
test_key_default_params(void **state)
{
	(void)state;
	/* The default must pass its own floor and cap. */
	assert_true(KEY_OPS_DEFAULT >= KEY_OPS_MIN);
	assert_true(KEY_OPS_DEFAULT <= KEY_OPS_MAX);
	assert_true(KEY_MEM_DEFAULT >= KEY_MEM_MIN);
	assert_true(KEY_MEM_DEFAULT <= KEY_MEM_MAX);
	assert_true(KEY_MEM_TEST < KEY_MEM_MIN);
}

/* Flip every byte of file (three ways): each is refused, naming the file,
 * and no KDF runs. unlock is key_unlock or a profile wrapper. */
static void
flip_all(const char *path, int (*unlock)(const char *, const char *,
    struct err *))
{
	uint8_t *orig, *b;
	size_t len, i, m;
	unsigned long runs = key_kdf_runs();
	struct err e;
	int rc;

	slurp(path, &orig, &len);
	b = xmalloc(len);
	for (i = 0; i < len; i++)
		for (m = 0; m < sizeof masks; m++) {
			memcpy(b, orig, len);
			b[i] ^= masks[m];
			spit(path, b, len);
			e.msg[0] = '\0';
			rc = klass(unlock(path, "correct horse", &e), &e);
			if (rc != (int)ERR_DATA)
				fail_msg("%s: byte %zu ^ 0x%02x: rc %d: %s",
				    path, i, masks[m], rc, e.msg);
			if (strstr(e.msg, path) == NULL)
				fail_msg("message does not name the file: %s",
				    e.msg);
		}
	assert_int_equal(key_kdf_runs(), runs);
	spit(path, orig, len);
	assert_int_equal(unlock(path, "correct horse", &e), 0);
	free(b);
	free(orig);
}

static int
hr_unlock(const char *path, const char *pass, struct err *e)
{
	struct key_hr *k;
	int rc = key_unlock(path, pass, &k, e);

	key_hr_free(k);
	return rc;
}

static int
prof_unlock(const char *path, const char *pass, struct err *e)
{
	struct profile *p;
	char *dir = xstrdup(path);
	int rc;

	*strrchr(dir, '/') = '\0';
	rc = profile_unlock(dir, pass, &p, e);
	profile_free(p);
	free(dir);
	return rc;
}

static void
test_key_flipped(void **state)
{
	const char *dir = *state;
	char *kpath = paths_join(dir, KEY_HR_KEY);
	uint8_t pk[KEY_PK_BYTES];

	make_hr(dir, pk);
	flip_all(kpath, hr_unlock);
	free(kpath);
}

/* Truncated at every length, one byte too many: refused before any KDF. */
static void
truncate_all(const char *path, int (*unlock)(const char *, const char *,
    struct err *))
{
	uint8_t *orig, *b;
	size_t len, n;
	unsigned long runs = key_kdf_runs();
	struct err e;

	slurp(path, &orig, &len);
	for (n = 0; n < len; n++) {
		spit(path, orig, n);
		e.msg[0] = '\0';
		assert_fails(unlock(path, "correct horse", &e), ERR_DATA);
		assert_non_null(strstr(e.msg, path));
		if (n >= 8)
			assert_non_null(strstr(e.msg, "truncated"));
	}
	b = xmalloc(len + 1);
	memcpy(b, orig, len);
	b[len] = '\n';
	spit(path, b, len + 1);
	assert_fails(unlock(path, "correct horse", &e), ERR_DATA);
	assert_non_null(strstr(e.msg, "1 bytes after the end"));
	assert_int_equal(key_kdf_runs(), runs);
	spit(path, orig, len);
	free(b);
	free(orig);
}

static void
test_key_truncated(void **state)
{
	const char *dir = *state;
	char *kpath = paths_join(dir, KEY_HR_KEY);
	uint8_t pk[KEY_PK_BYTES];

	uint8_t big[5000] = { 0 };
	struct err e;
	char *sub;

	make_hr(dir, pk);
	truncate_all(kpath, hr_unlock);
	/* Far too large, or not a file at all: bad data, not I/O. */
	memcpy(big, "avslutHK", 8);
	spit(kpath, big, sizeof big);
	assert_fails(hr_unlock(kpath, "correct horse", &e), ERR_DATA);
	assert_non_null(strstr(e.msg, "too large"));
	sub = paths_join(dir, "sub");
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_fails(hr_unlock(sub, "correct horse", &e), ERR_DATA);
	assert_non_null(strstr(e.msg, "not a regular file"));
	assert_fails(key_pub_load(KEY_PUB_HR, sub, pk, &e), ERR_DATA);
	free(sub);
	free(kpath);
}

/* Rewrite a header field with a valid checksum; expect rc and msg, and
 * (for everything judged before the KDF) no KDF run. */
static void
forge(const char *path, size_t off, const uint8_t *val, size_t n,
    int (*unlock)(const char *, const char *, struct err *), int rc,
    const char *msg, int kdf_runs)
{
	uint8_t *orig, *b;
	size_t len;
	unsigned long runs = key_kdf_runs();
	struct err e;

	slurp(path, &orig, &len);
	b = xmalloc(len);
	memcpy(b, orig, len);
	memcpy(b + off, val, n);
	rechecksum(b, len);
	spit(path, b, len);
	e.msg[0] = '\0';
	assert_int_equal(klass(unlock(path, "correct horse", &e), &e), rc);
	if (strstr(e.msg, msg) == NULL)
		fail_msg("expected \"%s\" in \"%s\"", msg, e.msg);
	assert_non_null(strstr(e.msg, path));
	assert_int_equal(key_kdf_runs(), runs + (unsigned long)kdf_runs);
	spit(path, orig, len);
	free(b);
	free(orig);
}

static void
forge_headers(const char *path, int (*unlock)(const char *, const char *,
    struct err *))
{
	uint8_t v[8];

	put32(v, 2);
	forge(path, OFF_VERSION, v, 4, unlock, ERR_DATA, "format version 2, "
	    "newer than this program reads (1): upgrade", 0);
	put32(v, 0);
	forge(path, OFF_VERSION, v, 4, unlock, ERR_DATA, "unsupported", 0);
	put32(v, 1000);
	forge(path, OFF_OPS, v, 4, unlock, ERR_DATA, "above the cap", 0);
	put32(v, 0xffffffffu);
	forge(path, OFF_OPS, v, 4, unlock, ERR_DATA, "above the cap", 0);
	memset(v, 0xff, 8);
	forge(path, OFF_MEM, v, 8, unlock, ERR_DATA, "above the cap", 0);
	put32(v, 0);
	put32(v + 4, (1u << 30) + 1024);
	forge(path, OFF_MEM, v, 8, unlock, ERR_DATA, "above the cap", 0);
	put32(v, 0);
	forge(path, OFF_OPS, v, 4, unlock, ERR_DATA, "below the floor", 0);
	put32(v, 0);
	put32(v + 4, 1024);
	forge(path, OFF_MEM, v, 8, unlock, ERR_DATA, "below the floor", 0);
	/* Dropping the test flag leaves test limits below the real floor. */
	put32(v, 0);
	forge(path, OFF_FLAGS, v, 4, unlock, ERR_DATA, "below the floor", 0);
	put32(v, 3);
	forge(path, OFF_FLAGS, v, 4, unlock, ERR_DATA, "unknown flags", 0);
	put32(v, 2);
	forge(path, OFF_ALG, v, 4, unlock, ERR_DATA, "unknown key derivation",
	    0);
	/* Limits within range but not the sealed ones: another key comes out
	 * of Argon2id, so the passphrase looks wrong. */
	put32(v, 2);
	forge(path, OFF_OPS, v, 4, unlock, ERR_PERM, "wrong passphrase", 1);
}

static void
test_key_forged(void **state)
{
	const char *dir = *state;
	char *kpath = paths_join(dir, KEY_HR_KEY);
	uint8_t pk[KEY_PK_BYTES], other[KEY_PK_BYTES];

	make_hr(dir, pk);
	forge_headers(kpath, hr_unlock);
	/* A different public key in hr.key: the passphrase tag catches it. */
	randombytes_buf(other, sizeof other);
	forge(kpath, OFF_PUB, other, sizeof other, hr_unlock, ERR_DATA,
	    "has been altered", 1);
	free(kpath);
}

static void
test_key_passwd(void **state)
{
	const char *dir = *state;
	char *kpath = paths_join(dir, KEY_HR_KEY);
	uint8_t pk[KEY_PK_BYTES], sk[KEY_SK_BYTES], *before, *after;
	size_t blen, alen;
	struct key_hr *k;
	struct err e;
	enum key_kdf kdf = KEY_KDF_TEST;

	make_hr(dir, pk);
	assert_int_equal(key_unlock(kpath, "correct horse", &k, &e), 0);
	memcpy(sk, k->sk, sizeof sk);
	key_hr_free(k);
	slurp(kpath, &before, &blen);
	assert_fails(key_passwd(kpath, "wrong", "new one", NULL, &e),
	    ERR_PERM);
	assert_non_null(strstr(e.msg, "wrong passphrase"));
	slurp(kpath, &after, &alen);
	assert_int_equal(alen, blen);
	assert_memory_equal(after, before, blen);
	free(after);
	assert_int_equal(key_passwd(kpath, "correct horse", "new one", &kdf,
	    &e), 0);
	assert_fails(key_unlock(kpath, "correct horse", &k, &e),
	    ERR_PERM);
	assert_int_equal(key_unlock(kpath, "new one", &k, &e), 0);
	assert_memory_equal(k->pk, pk, sizeof pk);
	assert_memory_equal(k->sk, sk, sizeof sk);
	assert_int_equal(k->kdf_test, 1);
	key_hr_free(k);
	/* A fresh salt: the file changed as a whole. */
	slurp(kpath, &after, &alen);
	assert_memory_not_equal(after + 32, before + 32, 16);
	free(after);
	free(before);
	sodium_memzero(sk, sizeof sk);
	free(kpath);
}

/* --- profile ------------------------------------------------------------- */

static void
make_profile(const char *dir, uint8_t hr_pk[KEY_PK_BYTES],
    uint8_t sign_pk[PROFILE_SIGN_PK_BYTES])
{
	struct err e;

	randombytes_buf(hr_pk, KEY_PK_BYTES);
	assert_int_equal(profile_create(dir, hr_pk, "correct horse",
	    KEY_KDF_TEST, sign_pk, &e), 0);
}

static void
test_profile_roundtrip(void **state)
{
	char *dir = paths_join(*state, "data/avslut");
	char *path = paths_join(dir, PROFILE_FILE);
	char *ppath = paths_join(dir, PROFILE_PUB);
	uint8_t hr[KEY_PK_BYTES], spk[PROFILE_SIGN_PK_BYTES], got[32];
	uint8_t sig[crypto_sign_BYTES], zero[PROFILE_DRAFT_KEY_BYTES] = { 0 };
	unsigned long runs;
	struct profile *p;
	struct stat st;
	struct err e;

	assert_false(profile_exists(dir));
	assert_fails(profile_unlock(dir, "x", &p, &e), ERR_NOINPUT);
	assert_non_null(strstr(e.msg, "avslut init"));
	make_profile(dir, hr, spk);
	assert_true(profile_exists(dir));
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, PROFILE_SIZE);
	assert_int_equal(stat(ppath, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(key_pub_load(KEY_PUB_INTERVIEWER, ppath, got, &e), 0);
	assert_memory_equal(got, spk, sizeof spk);
	runs = key_kdf_runs();
	assert_int_equal(profile_unlock(dir, "correct horse", &p, &e), 0);
	assert_int_equal(key_kdf_runs(), runs + 1);
	assert_memory_equal(p->hr_pk, hr, sizeof hr);
	assert_memory_equal(p->sign_pk, spk, sizeof spk);
	assert_memory_not_equal(p->draft_key, zero, sizeof zero);
	assert_int_equal(p->kdf_test, 1);
	crypto_sign_detached(sig, NULL, (const uint8_t *)"bundle", 6,
	    p->sign_sk);
	assert_int_equal(crypto_sign_verify_detached(sig,
	    (const uint8_t *)"bundle", 6, spk), 0);
	profile_free(p);
	assert_int_equal(profile_peek(dir, got, NULL, &e), 0);
	assert_memory_equal(got, hr, sizeof hr);
	assert_fails(profile_unlock(dir, "wrong", &p, &e), ERR_PERM);
	assert_null(p);
	assert_non_null(strstr(e.msg, "wrong passphrase for"));
	assert_non_null(strstr(e.msg, path));
	assert_fails(profile_create(dir, hr, "x", KEY_KDF_TEST, NULL, &e),
	    ERR_EXISTS);
	assert_non_null(strstr(e.msg, "refusing to overwrite"));
	assert_int_equal(profile_unlock(dir, "correct horse", &p, &e), 0);
	assert_memory_equal(p->sign_pk, spk, sizeof spk);
	profile_free(p);
	free(path);
	free(ppath);
	free(dir);
}

/* A directory others may write to is no place for keys: they could swap
 * interviewer.pub (which HR registers) or hr.pub. Nothing is created. */
static void
test_shared_dir(void **state)
{
	char *dir = paths_join(*state, "shared");
	char *ppath = paths_join(dir, PROFILE_PUB);
	char *kpath = paths_join(dir, KEY_HR_KEY), want[400];
	uint8_t hr[KEY_PK_BYTES], pk[KEY_PK_BYTES];
	struct err e;

	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	randombytes_buf(hr, sizeof hr);
	snprintf(want, sizeof want, "%s can be written by other users (mode "
	    "777): refusing to keep keys there; run chmod 700 %s", dir, dir);
	assert_fails(profile_create(dir, hr, "correct horse",
	    KEY_KDF_TEST, NULL, &e), ERR_PERM);
	assert_string_equal(e.msg, want);
	assert_false(profile_exists(dir));
	assert_false(fsx_exists(ppath));
	assert_fails(key_generate(dir, "correct horse", KEY_KDF_TEST, pk,
	    &e), ERR_PERM);
	assert_string_equal(e.msg, want);
	assert_false(fsx_exists(kpath));
	/* Group-writable is as bad; private is fine. */
	assert_int_equal(chmod(dir, 0770), 0);
	assert_fails(key_generate(dir, "correct horse", KEY_KDF_TEST, pk,
	    &e), ERR_PERM);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(key_generate(dir, "correct horse", KEY_KDF_TEST, pk,
	    &e), 0);
	free(dir);
	free(ppath);
	free(kpath);
}

static void
test_profile_flipped(void **state)
{
	const char *dir = *state;
	char *path = paths_join(dir, PROFILE_FILE);
	uint8_t hr[KEY_PK_BYTES], spk[PROFILE_SIGN_PK_BYTES];

	make_profile(dir, hr, spk);
	flip_all(path, prof_unlock);
	truncate_all(path, prof_unlock);
	free(path);
}

static void
test_profile_forged(void **state)
{
	const char *dir = *state;
	char *path = paths_join(dir, PROFILE_FILE);
	uint8_t hr[KEY_PK_BYTES], spk[PROFILE_SIGN_PK_BYTES];
	uint8_t other[KEY_PK_BYTES];

	make_profile(dir, hr, spk);
	forge_headers(path, prof_unlock);
	/* A swapped HR key (checksum fixed up) is caught at unlock. */
	make_hr(dir, other);
	forge(path, OFF_PUB, other, sizeof other, prof_unlock, ERR_DATA,
	    "has been altered", 1);
	/* So is a swapped signing public key. */
	randombytes_buf(other, sizeof other);
	forge(path, OFF_PUB + KEY_PK_BYTES, other, sizeof other, prof_unlock,
	    ERR_DATA, "has been altered", 1);
	free(path);
}

static void
test_profile_passwd(void **state)
{
	const char *dir = *state;
	char *path = paths_join(dir, PROFILE_FILE);
	uint8_t hr[KEY_PK_BYTES], spk[PROFILE_SIGN_PK_BYTES];
	uint8_t dk[PROFILE_DRAFT_KEY_BYTES], ssk[PROFILE_SIGN_SK_BYTES];
	uint8_t *before, *after;
	size_t blen, alen;
	struct profile *p;
	struct err e;

	make_profile(dir, hr, spk);
	assert_int_equal(profile_unlock(dir, "correct horse", &p, &e), 0);
	memcpy(dk, p->draft_key, sizeof dk);
	memcpy(ssk, p->sign_sk, sizeof ssk);
	profile_free(p);
	slurp(path, &before, &blen);
	assert_fails(profile_passwd(dir, "wrong", "new one", NULL, &e),
	    ERR_PERM);
	slurp(path, &after, &alen);
	assert_int_equal(alen, blen);
	assert_memory_equal(after, before, blen);
	free(after);
	assert_int_equal(profile_passwd(dir, "correct horse", "new one", NULL,
	    &e), 0);
	assert_fails(profile_unlock(dir, "correct horse", &p, &e),
	    ERR_PERM);
	assert_int_equal(profile_unlock(dir, "new one", &p, &e), 0);
	assert_memory_equal(p->draft_key, dk, sizeof dk);
	assert_memory_equal(p->sign_sk, ssk, sizeof ssk);
	assert_memory_equal(p->sign_pk, spk, sizeof spk);
	assert_memory_equal(p->hr_pk, hr, sizeof hr);
	assert_int_equal(p->kdf_test, 1);
	profile_free(p);
	slurp(path, &after, &alen);
	assert_memory_not_equal(after + 32, before + 32, 16);
	free(after);
	free(before);
	sodium_memzero(dk, sizeof dk);
	sodium_memzero(ssk, sizeof ssk);
	free(path);
}

/* The parsers alone, as the fuzzer drives them. */
static void
test_file_check(void **state)
{
	const char *dir = *state;
	char *kpath = paths_join(dir, KEY_HR_KEY);
	char *path = paths_join(dir, PROFILE_FILE);
	uint8_t hr[KEY_PK_BYTES], spk[PROFILE_SIGN_PK_BYTES], *b;
	size_t len;
	struct err e;

	make_hr(dir, hr);
	make_profile(dir, hr, spk);
	slurp(kpath, &b, &len);
	assert_int_equal(key_file_check("k", b, len, &e), 0);
	assert_fails(profile_file_check("p", b, len, &e), ERR_DATA);
	assert_non_null(strstr(e.msg, "p is not an avslut interviewer "
	    "profile"));
	free(b);
	slurp(path, &b, &len);
	assert_int_equal(profile_file_check("p", b, len, &e), 0);
	assert_fails(key_file_check("k", b, len, &e), ERR_DATA);
	free(b);
	free(kpath);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_pub_line),
		cmocka_unit_test(test_key_default_params),
		cmocka_unit_test_setup_teardown(test_key_roundtrip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_key_flipped, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_key_truncated, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_key_forged, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_key_passwd, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_profile_roundtrip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_shared_dir, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_profile_flipped, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_profile_forged, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_profile_passwd, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_file_check, setup,
		    teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
