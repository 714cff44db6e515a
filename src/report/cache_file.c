/* cache_file: the cache files as bytes (the record cache and the
 * aggregate file share a container): the approved forms'
 * digest and the file key they are bound to, the header, the plaintext
 * sealed and opened in chunks on several cores, reading it (or only its
 * header). The records and the load are cache.c's; the format is
 * avslut-cache(5). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "report/cache.h"
#include "report/cache_int.h"
#include "util/buf.h"
#include "util/fsx.h"
#include "util/xmem.h"

static int
cmp_hash(const void *x, const void *y)
{
	return memcmp(*(const uint8_t *const *)x, *(const uint8_t *const *)y,
	    FORM_HASH_BYTES);
}

/* What the file is bound to besides its list of envelope ids: the
 * approved forms' hashes (sorted). An approval changes it, and so
 * rebuilds the file: the envelopes of a newly approved form count. */
void
cache_digest(const struct form *const *forms, size_t nforms,
    uint8_t out[CACHE_DIGEST_BYTES])
{
	crypto_generichash_state st;
	const uint8_t **h;
	size_t i;

	crypto_generichash_init(&st, NULL, 0, CACHE_DIGEST_BYTES);
	crypto_generichash_update(&st, (const uint8_t *)CACHE_KEY_CONTEXT,
	    sizeof CACHE_KEY_CONTEXT);
	h = xcalloc(nforms ? nforms : 1, sizeof *h);
	for (i = 0; i < nforms; i++)
		h[i] = forms[i]->hash;
	qsort(h, nforms, sizeof *h, cmp_hash);
	for (i = 0; i < nforms; i++)
		crypto_generichash_update(&st, h[i], FORM_HASH_BYTES);
	free(h);
	crypto_generichash_final(&st, out, CACHE_DIGEST_BYTES);
}

/* Each file's magic, version and key context (with its NUL). */
static const struct {
	const char *magic, *context;
	size_t contextlen;
	uint32_t version;
} cache_kinds[] = {
	[CACHE_RECORDS] = { CACHE_MAGIC, CACHE_KEY_CONTEXT,
	    sizeof CACHE_KEY_CONTEXT, CACHE_VERSION },
	[CACHE_AGGREGATE] = { CACHE_AGG_MAGIC, CACHE_AGG_CONTEXT,
	    sizeof CACHE_AGG_CONTEXT, CACHE_AGG_VERSION },
};

/* The file key: keyed BLAKE2b of a fixed context under the HR secret
 * key, so that only its holder can read the file or make one the next
 * run would accept. (The digest is authenticated as associated data.) */
void
cache_key(uint8_t key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES],
    const uint8_t sk[ENV_SK_BYTES], enum cache_kind kind)
{
	crypto_generichash(key, crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
	    (const uint8_t *)cache_kinds[kind].context,
	    cache_kinds[kind].contextlen, sk, ENV_SK_BYTES);
}

/* The same in locked memory, for a key kept after the HR key is wiped
 * (the background writer, the write at exit). */
uint8_t *
cache_key_new(const uint8_t sk[ENV_SK_BYTES], enum cache_kind kind)
{
	uint8_t *key = sodium_malloc(
	    crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

	if (key != NULL)
		cache_key(key, sk, kind);
	return key;
}

/* The body of a file of flen bytes whose header is b: the plaintext's
 * length, the chunk size and the number of chunks; 0, or -1 if the
 * length of the file is not what the header says. */
int
cache_geometry(const uint8_t *b, size_t flen, size_t *plen, size_t *chunk,
    size_t *nchunks)
{
	uint64_t p = buf_load_u64(b + CACHE_OFF_PLEN);
	uint32_t c = buf_load_u32(b + CACHE_OFF_CHUNK);
	uint64_t n;

	if (c < 1 || c > CACHE_MAX_CHUNK || p < 4 || p > CACHE_MAX_BYTES)
		return -1;
	n = (p + c - 1) / c;
	if ((uint64_t)flen != CACHE_HEAD_BYTES + p + n * CACHE_TAG_BYTES)
		return -1;
	*plen = (size_t)p;
	*chunk = c;
	*nchunks = (size_t)n;
	return 0;
}

/* The file, read whole: NULL if there is none, or if it is not one of
 * this version and the length its header says (the header is checked
 * once it is decrypted). *memlen its length. */
uint8_t *
cache_read_file(const char *path, enum cache_kind kind, size_t *memlen)
{
	struct err e;
	char *buf = NULL;
	size_t flen, plen, chunk, nchunks;

	if (fsx_read_file(path, CACHE_MAX_BYTES, &buf, &flen, &e) != 0)
		return NULL;
	if (flen < CACHE_HEAD_BYTES + CACHE_TAG_BYTES ||
	    memcmp(buf, cache_kinds[kind].magic, 8) != 0 ||
	    buf_load_u32((const uint8_t *)buf + 8) !=
		cache_kinds[kind].version ||
	    cache_geometry((const uint8_t *)buf, flen, &plen, &chunk,
		&nchunks) != 0) {
		free(buf);
		return NULL;
	}
	*memlen = flen;
	return (uint8_t *)buf;
}

/* The first CACHE_HEAD_BYTES of the file at path: 0, or -1 (none, or
 * shorter). Only to decide early whether the store's ids are needed. */
int
cache_peek(const char *path, uint8_t head[CACHE_HEAD_BYTES])
{
	ssize_t r;
	int fd;

	/* O_NONBLOCK: a FIFO must not hang the open (fsx_read_file then
	 * refuses it); on a regular file it changes nothing */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return -1;
	do
		r = read(fd, head, CACHE_HEAD_BYTES);
	while (r == -1 && errno == EINTR);
	close(fd);
	return r == CACHE_HEAD_BYTES ? 0 : -1;
}

/* 1 if the header of the file b says it covers the envelope set whose
 * digest (central_set_digest) is setd: the same set, so the store's ids
 * need not be read. Not yet authenticated: cache_decrypt is. */
int
cache_same_set(const uint8_t *b, const uint8_t setd[CACHE_SETD_BYTES])
{
	return b[CACHE_OFF_HASSET] == 1 &&
	    sodium_memcmp(b + CACHE_OFF_SET, setd, CACHE_SETD_BYTES) == 0;
}

/* Chunk i's nonce: the header's with its last 8 bytes XORed with i
 * (big-endian). */
static void
cache_chunk_nonce(uint8_t nonce[CACHE_NONCE_BYTES], const uint8_t *b,
    uint64_t i)
{
	size_t k;

	memcpy(nonce, b + CACHE_OFF_NONCE, CACHE_NONCE_BYTES);
	for (k = 0; k < 8; k++)
		nonce[CACHE_NONCE_BYTES - 1 - k] ^= (uint8_t)(i >> (8 * k));
}

/* A share of the chunks of one file, sealed or opened in place. */
struct cache_crypt {
	uint8_t *b; /* the file: header, body, tags */
	const uint8_t *key;
	size_t plen, chunk, from, to;
	int seal, failed;
};

static void *
cache_crypt_chunks(void *arg)
{
	struct cache_crypt *x = arg;
	uint8_t nonce[CACHE_NONCE_BYTES], *m, *tag;
	size_t i, len;

	for (i = x->from; i < x->to && !x->failed; i++) {
		m = x->b + CACHE_HEAD_BYTES + i * x->chunk;
		len = x->plen - i * x->chunk < x->chunk ?
		    x->plen - i * x->chunk :
		    x->chunk;
		tag = x->b + CACHE_HEAD_BYTES + x->plen + i * CACHE_TAG_BYTES;
		cache_chunk_nonce(nonce, x->b, i);
		if (x->seal)
			crypto_aead_xchacha20poly1305_ietf_encrypt_detached(m,
			    tag, NULL, m, len, x->b, CACHE_HEAD_BYTES, NULL,
			    nonce, x->key);
		else if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(m,
			     NULL, m, len, tag, x->b, CACHE_HEAD_BYTES, nonce,
			     x->key) != 0)
			x->failed = 1;
	}
	return NULL;
}

/* Seal or open every chunk of the file b (flen bytes, its header
 * complete) in place; 0, or -1 if a chunk does not open. In place: one
 * copy of 100 000 records in memory, not two. An open, which the caller
 * waits for, runs on up to 4 threads; a seal, in the background writer,
 * on that one thread, leaving the other cores to what the caller does
 * meanwhile (the gate, the dashboard's first screen). */
int
cache_crypt(uint8_t *b, size_t flen, const uint8_t *key, int seal)
{
	struct cache_crypt x[4];
	pthread_t t[4];
	size_t plen, chunk, nchunks, k, nt;
	long nc = sysconf(_SC_NPROCESSORS_ONLN);
	int started[4], failed = 0;

	if (cache_geometry(b, flen, &plen, &chunk, &nchunks) != 0)
		return -1;
	nt = seal || nc < 1 ? 1 : nc > 4 ? 4 : (size_t)nc;
	if (nt > nchunks)
		nt = nchunks;
	for (k = 0; k < nt; k++) {
		x[k].b = b;
		x[k].key = key;
		x[k].plen = plen;
		x[k].chunk = chunk;
		x[k].from = nchunks * k / nt;
		x[k].to = nchunks * (k + 1) / nt;
		x[k].seal = seal;
		x[k].failed = 0;
	}
	for (k = 1; k < nt; k++)
		started[k] = pthread_create(&t[k], NULL, cache_crypt_chunks,
				 &x[k]) == 0;
	cache_crypt_chunks(&x[0]);
	for (k = 1; k < nt; k++) {
		if (started[k])
			pthread_join(t[k], NULL);
		else
			cache_crypt_chunks(&x[k]);
	}
	for (k = 0; k < nt; k++)
		failed |= x[k].failed;
	return failed ? -1 : 0;
}

/* Decrypt the file read by cache_read_file in place with its key: 0
 * with the plaintext CACHE_HEAD_BYTES into b (*plain_len bytes), or -1. */
int
cache_decrypt(uint8_t *b, size_t flen, const uint8_t *key, size_t *plain_len)
{
	if (cache_crypt(b, flen, key, 0) != 0)
		return -1;
	*plain_len = (size_t)buf_load_u64(b + CACHE_OFF_PLEN);
	return 0;
}

void
cache_head_put(struct buf *b, enum cache_kind kind,
    const uint8_t digest[CACHE_DIGEST_BYTES], int hasset,
    const uint8_t setd[CACHE_SETD_BYTES], uint32_t chunk)
{
	uint8_t nonce[CACHE_NONCE_BYTES];

	buf_put(b, cache_kinds[kind].magic, 8);
	buf_put_u32(b, cache_kinds[kind].version);
	buf_put(b, digest, CACHE_DIGEST_BYTES);
	buf_put_u8(b, hasset ? 1 : 0);
	buf_put(b, setd, CACHE_SETD_BYTES);
	randombytes_buf(nonce, sizeof nonce);
	buf_put(b, nonce, sizeof nonce);
	buf_put_u64(b, 0); /* the plaintext's length, set by the seal */
	buf_put_u32(b, chunk);
}

int
cache_seal_write(struct buf *b, const uint8_t *key, uint32_t chunk,
    const char *path)
{
	struct err e;
	size_t plen = buf_len(b) - CACHE_HEAD_BYTES;
	int rc = -1;

	/* in place: the tags go after the ciphertext */
	buf_store_u64(b->p + CACHE_OFF_PLEN, plen);
	(void)buf_append(b, (plen + chunk - 1) / chunk * CACHE_TAG_BYTES);
	if (cache_crypt(b->p, buf_len(b), key, 1) == 0)
		rc = fsx_write_atomic(path, buf_data(b), buf_len(b), 0600, 0,
		    &e);
	buf_free(b);
	return rc;
}

/* Records in the order of their unit (its bytes, shorter first where
 * one is a prefix of the other), year and envelope id: a function of the
 * set, and each (unit, year) group's records together, so that the
 * aggregation's counts for one group stay in the cache while it is fed.
 * This compares the records' bytes; cmp_span compares keys first. */
static int
cmp_span_full(const void *x, const void *y)
{
	const uint8_t *a = ((const struct cspan *)x)->p;
	const uint8_t *b = ((const struct cspan *)y)->p;
	size_t la = a[ENV_ID_BYTES], lb = b[ENV_ID_BYTES];
	int c = memcmp(a + ENV_ID_BYTES + 1, b + ENV_ID_BYTES + 1,
	    la < lb ? la : lb);
	unsigned ya, yb;

	if (c != 0 || la != lb)
		return c != 0 ? c : la < lb ? -1 : 1;
	ya = (unsigned)a[ENV_ID_BYTES + 2 + la] << 8 | a[ENV_ID_BYTES + 3 + la];
	yb = (unsigned)b[ENV_ID_BYTES + 2 + lb] << 8 | b[ENV_ID_BYTES + 3 + lb];
	if (ya != yb)
		return ya < yb ? -1 : 1;
	return memcmp(a, b, ENV_ID_BYTES);
}

/* The keys of sp in cmp_span_full's order, so that sorting compares
 * them in the array rather than each record's bytes, scattered over
 * 70 MB at 100 000 (most of the writer's sort): k1 the unit's first 7
 * bytes (zeros after a shorter unit) and the unit's length up to 8, k2
 * the year and the id's first 6 bytes. */
void
cache_span_keys(struct cspan *sp)
{
	const uint8_t *r = sp->p;
	size_t l = r[ENV_ID_BYTES], i;

	sp->k1 = 0;
	for (i = 0; i < 7; i++)
		sp->k1 = sp->k1 << 8 | (i < l ? r[ENV_ID_BYTES + 1 + i] : 0);
	sp->k1 = sp->k1 << 8 | (l < 8 ? l : 8);
	sp->k2 = (uint64_t)r[ENV_ID_BYTES + 2 + l] << 56 |
	    (uint64_t)r[ENV_ID_BYTES + 3 + l] << 48;
	for (i = 0; i < 6; i++)
		sp->k2 |= (uint64_t)r[i] << (40 - 8 * i);
}

/* cmp_span_full's order, from the keys where they decide: units of up
 * to 7 bytes are whole in k1 (a unit of 8 or more is compared in full
 * when the first 7 bytes are a tie); year and id then in k2. */
int
cmp_span(const void *x, const void *y)
{
	const struct cspan *a = x, *b = y;

	if (a->k1 != b->k1)
		return a->k1 < b->k1 ? -1 : 1;
	if ((a->k1 & 0xff) == 8 || a->k2 == b->k2)
		return cmp_span_full(x, y);
	return a->k2 < b->k2 ? -1 : 1;
}

/* v holds n elements of size sz, sorted in 0..m-1 and in m..n-1: the
 * same elements in one sorted array (v is freed; the result is new). */
void *
cache_merge(void *v, size_t m, size_t n, size_t sz,
    int (*cmp)(const void *, const void *))
{
	uint8_t *in = v, *out = xcalloc(n ? n : 1, sz);
	size_t i = 0, j = m, k = 0;

	while (i < m || j < n) {
		if (j >= n || (i < m && cmp(in + i * sz, in + j * sz) <= 0))
			memcpy(out + k++ * sz, in + i++ * sz, sz);
		else
			memcpy(out + k++ * sz, in + j++ * sz, sz);
	}
	free(v);
	return out;
}
