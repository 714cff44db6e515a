/* cache_int: what cache.c (the load and the record cache), cache_agg.c
 * (the aggregate file, the background writer) and cache_file.c (the
 * files: digest, key, header, chunked sealing and reading) share; the
 * format is avslut-cache(5). Internal to src/report. */
#ifndef AVSLUT_CACHE_INT_H
#define AVSLUT_CACHE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "crypto/env.h"
#include "form/form.h"
#include "report/agg.h"
#include "report/hrload.h"
#include "store/central.h"
#include "util/buf.h"
#include "util/err.h"

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
/* A file's header into b (empty): its kind's magic and version, the
 * forms digest, the set digest (hasset 0: none), a fresh nonce, the
 * plaintext's length left 0 and the chunk size; then, the plaintext
 * appended after it, the whole sealed in place and written atomically
 * (0600) at path (0, or -1: not written). b is freed (wiped). */
void cache_head_put(struct buf *b, enum cache_kind kind,
    const uint8_t digest[CACHE_DIGEST_BYTES], int hasset,
    const uint8_t setd[CACHE_SETD_BYTES], uint32_t chunk);
int cache_seal_write(struct buf *b, const uint8_t *key, uint32_t chunk,
    const char *path);

/* Envelope ids, 16 bytes each (cache.c): one added; freed; their order. */
struct idlist {
	uint8_t (*v)[ENV_ID_BYTES];
	size_t n, cap;
};
void cache_ids_push(struct idlist *l, const uint8_t *id);
void cache_ids_free(struct idlist *l);
int cache_cmp_id(const void *x, const void *y);
/* The store's ids in id order, read by cache_ids_thread (on a thread of
 * its own or not: done is then 1, rc central_env_id_foreach's). */
struct cache_ids {
	struct central *c;
	struct idlist ids;
	struct err e;
	int rc, done;
};
void *cache_ids_thread(void *arg);
/* The store's ids (in id order) against a file's nids ids (in id
 * order): -1 if the file covers an envelope the store no longer holds
 * (a purge, or a store changed by other means: rebuild), else 0 with
 * the store's envelopes the file lacks in fresh. */
int cache_fresh(const uint8_t (*ids)[ENV_ID_BYTES], size_t nids,
    const struct idlist *store, struct idlist *fresh);
/* from's counts and notes added to to's; the counts as the files keep
 * them (total, used, unreadable, unapproved, invalid, notes dropped). */
void cache_res_add(struct hrload_result *to, const struct hrload_result *from);
void cache_res_counts(struct hrload_result *r, const uint64_t v[6]);

/* Envelopes opened in this run (cache.c): into the aggregation and the
 * tap, their ids kept, and, unless failed (set from the start when only
 * the aggregate file is made), their records encoded for the record
 * cache. cache_fill_fn is the hrload_fn; cache_fill_settle makes the
 * records agg_add refused invalid in res. */
struct cache_fill {
	const struct hrload_opts *opts;
	struct agg *a;
	struct hrload_result adj; /* agg_add refused: invalid, notes */
	const struct form *const *forms;
	size_t nforms;
	struct buf recs;
	size_t (*sp)[2]; /* each record's offset and length */
	size_t nsp, capsp;
	struct idlist ids; /* every envelope read, used or not */
	int failed;
};
void cache_fill_init(struct cache_fill *f, struct agg *a,
    const struct form *const *forms, size_t nforms,
    const struct hrload_opts *opts, size_t expect);
int cache_fill_fn(void *ctx, const uint8_t id[ENV_ID_BYTES],
    enum hrload_status st, const struct record *r, struct err *e);
void cache_fill_settle(struct cache_fill *f, struct hrload_result *res);
void cache_fill_free(struct cache_fill *f);

/* The aggregate file (cache_agg.c). cache_agg_begin, at the start of a
 * load into the empty a: whether the file may be used and written (the
 * tap's state can be kept), its key, path and binding. cache_agg_load:
 * the load from it if it fits (*used 1: a, the tap and res hold what it
 * covers and what was opened beyond it; the store's ids may be left in
 * d for the record path), else nothing done (*used 0). cache_agg_queue:
 * after a load by the record path, the file's plaintext made now (the
 * ids covered: nold in order, and fresh), written by the writer. */
void cache_agg_begin(const char *dbpath, const uint8_t sk[ENV_SK_BYTES],
    const struct agg *a, const struct hrload_opts *opts,
    const uint8_t digest[CACHE_DIGEST_BYTES], int hasset,
    const uint8_t setd[CACHE_SETD_BYTES]);
int cache_agg_load(struct central *c, const uint8_t pk[ENV_PK_BYTES],
    const uint8_t sk[ENV_SK_BYTES], const struct form *const *forms,
    size_t nforms, struct agg *a, const struct hrload_opts *opts,
    struct cache_ids *d, struct hrload_result *res, int *used, struct err *e);
void cache_agg_queue(const struct agg *a, const struct hrload_opts *opts,
    const struct hrload_result *res, const uint8_t (*old)[ENV_ID_BYTES],
    size_t nold, const struct idlist *fresh);
/* The background writer (cache_agg.c): the queued aggregate file, then
 * j (NULL: none), written off the caller's path; cache_write writes j's
 * record cache (cache.c) and frees j. */
struct cache_job;
void cache_spawn(struct cache_job *j);
void cache_write(struct cache_job *j);
/* The trace of avslut-cache(5) (AVSLUT_CACHE_TRACE): the file used
 * ("aggregate file", "record file", NULL: none), the envelopes it
 * covered and those opened. */
void cache_trace(const char *file, size_t covered, size_t opened);

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
