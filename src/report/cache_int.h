/* cache_int: what cache.c (the load) and cache_file.c (the file: its
 * digest, key, header, chunked sealing and reading) share; the format is
 * avslut-cache(5). Internal to src/report. */
#ifndef AVSLUT_CACHE_INT_H
#define AVSLUT_CACHE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "crypto/env.h"
#include "form/form.h"
#include "store/central.h"

#define CACHE_DIGEST_BYTES 32
#define CACHE_NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define CACHE_TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
/* The header, authenticated as associated data of every chunk: magic,
 * version, the approved forms' digest, whether the store had a set
 * digest (1 byte) and that digest, the nonce, the plaintext's length
 * (u64) and the chunk size (u32). */
#define CACHE_SETD_BYTES CENTRAL_SET_DIGEST_BYTES
#define CACHE_OFF_FORMS 12
#define CACHE_OFF_HASSET (CACHE_OFF_FORMS + CACHE_DIGEST_BYTES)
#define CACHE_OFF_SET (CACHE_OFF_HASSET + 1)
#define CACHE_OFF_NONCE (CACHE_OFF_SET + CACHE_SETD_BYTES)
#define CACHE_OFF_PLEN (CACHE_OFF_NONCE + CACHE_NONCE_BYTES)
#define CACHE_OFF_CHUNK (CACHE_OFF_PLEN + 8)
#define CACHE_HEAD_BYTES (CACHE_OFF_CHUNK + 4)
/* The plaintext is sealed in chunks of this many bytes (the last one
 * shorter), each with a tag of its own, so that every core decrypts a
 * share of the file. */
#define CACHE_CHUNK (1u << 20)
#define CACHE_MAX_CHUNK (1u << 26)
#define CACHE_KEY_CONTEXT "avslut-hr record cache v1"

/* The two files of avslut-cache(5), in one container (header, chunks,
 * key derived from the HR secret key) told apart by magic, version and
 * the key's context: the record cache and the aggregate file. */
enum cache_kind {
	CACHE_RECORDS,
	CACHE_AGGREGATE
};

/* The approved forms' digest the file is bound to; the file key from
 * the HR secret key (on the stack, or in sodium_malloc memory the
 * caller sodium_frees: NULL if there is none to be had); the body's
 * geometry from a header (0 or -1); the
 * file read whole (NULL: none, or not one); its header alone (0 or -1);
 * 1 if the header's set digest is setd; the chunks sealed (seal 1) or
 * opened in place (0 or -1); the file opened with its key (0 or -1). */
void cache_digest(const struct form *const *forms, size_t nforms,
    uint8_t out[CACHE_DIGEST_BYTES]);
void cache_key(uint8_t key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES],
    const uint8_t sk[ENV_SK_BYTES], enum cache_kind kind);
uint8_t *cache_key_new(const uint8_t sk[ENV_SK_BYTES], enum cache_kind kind);
int cache_geometry(const uint8_t *b, size_t flen, size_t *plen, size_t *chunk,
    size_t *nchunks);
uint8_t *cache_read_file(const char *path, enum cache_kind kind,
    size_t *memlen);
int cache_peek(const char *path, uint8_t head[CACHE_HEAD_BYTES]);
int cache_same_set(const uint8_t *b, const uint8_t setd[CACHE_SETD_BYTES]);
int cache_crypt(uint8_t *b, size_t flen, const uint8_t *key, int seal);
int cache_decrypt(uint8_t *b, size_t flen, const uint8_t *key,
    size_t *plain_len);

/* One record's bytes (its id first). */
struct cspan {
	const uint8_t *p;
	size_t len;
	uint64_t k1, k2; /* cache_write's sort keys (cache_span_keys) */
};
/* The writer's order of records (avslut-cache(5): unit, year, id):
 * the sort keys of a record, the comparison of two, and two sorted runs
 * of v (0..m-1, m..n-1) merged into a new array (v is freed). */
void cache_span_keys(struct cspan *sp);
int cmp_span(const void *x, const void *y);
void *cache_merge(void *v, size_t m, size_t n, size_t sz,
    int (*cmp)(const void *, const void *));

#endif
