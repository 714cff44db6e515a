/* mkbundle: test helper for tests/e2e/test_ingest.sh, built by the test
 * against build/libavslut.a. Deterministic keys and envelopes:
 *   mkbundle pub SEED                 the interviewer .pub line
 *   mkbundle bundle SEED FIRST N      a signed bundle to stdout
 *   mkbundle verify FIRST N           check a receipt on stdin acks
 *                                     exactly envelopes FIRST..FIRST+N-1
 *   mkbundle random SEED N SIZE       a signed bundle of N envelopes with
 *                                     random ids and SIZE random bytes
 * SEED is one character; envelope k is 100 + k % 50 bytes of k's pattern. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/key.h"
#include "store/bundle.h"
#include "util/xmem.h"

static void
keys(const char *seed, uint8_t pk[32], uint8_t sk[64])
{
	uint8_t s[32];

	memset(s, seed[0], sizeof s);
	crypto_sign_seed_keypair(pk, sk, s);
}

static void
envelope(unsigned long k, struct bundle_env *v)
{
	size_t i;

	memset(v->id, 0, sizeof v->id);
	for (i = 0; i < 8; i++)
		v->id[15 - i] = (uint8_t)(k >> (8 * i));
	v->id[0] = 0xe2;
	v->len = 100 + k % 50;
	v->data = xmalloc(v->len);
	for (i = 0; i < v->len; i++)
		v->data[i] = (uint8_t)(k * 31 + i);
}

int
main(int argc, char **argv)
{
	uint8_t pk[32], sk[64], h[32];
	struct bundle_env *v;
	struct bundle_ack *a;
	struct err e;
	unsigned long first, n, i;
	size_t na;
	char *line;

	if (sodium_init() < 0)
		return 70;
	if (argc == 3 && strcmp(argv[1], "pub") == 0) {
		keys(argv[2], pk, sk);
		line = key_pub_format(KEY_PUB_INTERVIEWER, pk);
		fputs(line, stdout);
		free(line);
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "bundle") == 0) {
		keys(argv[2], pk, sk);
		first = strtoul(argv[3], NULL, 10);
		n = strtoul(argv[4], NULL, 10);
		v = xcalloc(n + 1, sizeof *v);
		for (i = 0; i < n; i++)
			envelope(first + i, &v[i]);
		if (bundle_write(STDOUT_FILENO, v, n, sk, &e) != 0) {
			fprintf(stderr, "mkbundle: %s\n", e.msg);
			return 1;
		}
		for (i = 0; i < n; i++)
			free(v[i].data);
		free(v);
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "random") == 0) {
		size_t size = strtoul(argv[4], NULL, 10);

		keys(argv[2], pk, sk);
		n = strtoul(argv[3], NULL, 10);
		v = xcalloc(n + 1, sizeof *v);
		for (i = 0; i < n; i++) {
			randombytes_buf(v[i].id, sizeof v[i].id);
			v[i].len = size;
			v[i].data = xmalloc(size);
			randombytes_buf(v[i].data, size);
		}
		if (bundle_write(STDOUT_FILENO, v, n, sk, &e) != 0) {
			fprintf(stderr, "mkbundle: %s\n", e.msg);
			return 1;
		}
		for (i = 0; i < n; i++)
			free(v[i].data);
		free(v);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "verify") == 0) {
		first = strtoul(argv[2], NULL, 10);
		n = strtoul(argv[3], NULL, 10);
		if (bundle_receipt_read(STDIN_FILENO, &a, &na, &e) != 0) {
			printf("bad receipt: %s\n", e.msg);
			return 1;
		}
		if (na != n) {
			printf("receipt has %zu entries, want %lu\n", na, n);
			return 1;
		}
		for (i = 0; i < n; i++) {
			struct bundle_env w;

			envelope(first + i, &w);
			bundle_env_hash(h, w.data, w.len);
			if (memcmp(a[i].id, w.id, 16) != 0 ||
			    memcmp(a[i].hash, h, 32) != 0) {
				printf("receipt entry %lu is wrong\n", i);
				return 1;
			}
			free(w.data);
		}
		free(a);
		printf("ok %lu\n", n);
		return 0;
	}
	fputs("usage: mkbundle pub SEED | bundle SEED FIRST N | "
	    "verify FIRST N | random SEED N SIZE\n", stderr);
	return 64;
}
