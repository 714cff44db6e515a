/* cache: a second open of the same central.db in a fraction of the first.
 * After a full load the used records are kept, re-encoded, in one file
 * beside the store, encrypted under a key only the HR secret key derives
 * and bound to the store's exact set of envelopes and approved forms;
 * beside it the aggregation itself (the aggregate file, cache_agg.c),
 * so that an open reads no record and opens only what is new. */
#ifndef AVSLUT_CACHE_H
#define AVSLUT_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/env.h"
#include "form/form.h"
#include "report/agg.h"
#include "report/hrload.h"
#include "store/central.h"
#include "util/err.h"

#define CACHE_SUFFIX "-cache"	/* the file: central.db-cache, 0600 */
#define CACHE_MAGIC "AVSLUTC\n" /* 8 bytes */
#define CACHE_VERSION \
	6				/* 2: each record after its id; 3: in
				 * id order, the ids covered, extended;
				 * 4: the store's set digest in the
				 * header; 5: sealed in chunks; 6:
				 * records by unit, year and id */
#define CACHE_MAX_BYTES (2048ULL << 20) /* a bigger file is not read */
/* The aggregate file beside it: central.db-aggcache, 0600. */
#define CACHE_AGG_SUFFIX "-aggcache"
#define CACHE_AGG_MAGIC "AVSLUTA\n" /* 8 bytes */
#define CACHE_AGG_VERSION 1
#define CACHE_AGG_CONTEXT "avslut-hr aggregate cache v1"

/* hrload_run with the cache. The file covers a set of envelopes (their
 * ids are in it) under the approved forms: if it opens with a key derived
 * from sk, was made under the same approved forms and covers only
 * envelopes the store still holds, the aggregation is fed from it, and
 * only the envelopes the store holds beyond it (an ingest since) are
 * opened; when the store's envelope-set digest (central_set_digest) is
 * the one the file was made under, the set is the same and the store's
 * ids are not even read. Otherwise hrload_run's work is done in full.
 * All of it in one read snapshot of the store. In both cases, if
 * anything was opened, the file is written afresh by a background thread
 * (cache_wait, called at exit and by the next cache_run, waits for it; a
 * failure to write it is not an error: the next run opens more). Same
 * results and return codes as hrload_run; the file is decoded by one
 * thread per core (at most 4) into aggs merged in record order, and the
 * tap is then called from them one at a time, in no fixed order.
 *
 * Before all that, the aggregate file (avslut-cache(5), THE AGGREGATE
 * FILE): a must be empty; if the file opens with its own key derived
 * from sk, was made under the same forms, units and reasons theme (a's)
 * and tap digest (opts->tap_digest), and covers only envelopes the
 * store holds, a and the tap's state (opts->tap_get) are read from it
 * and only the envelopes beyond it are opened; the record file is then
 * neither read nor written. Anything that does not fit leaves a and the
 * tap as they were and the record path runs (but a file whose tap state
 * was taken and left bytes behind, a fault of avslut-hr: -1, e set,
 * the file removed). After a load that opened
 * something, or took the record path, the aggregate file's plaintext is
 * made before cache_run returns (the tap's state may change afterwards)
 * and written by the background thread; cache_keep writes it again at
 * the end of a run whose tap's state changed. A tap without the three
 * state hooks: the aggregate file is neither used nor written. With
 * AVSLUT_CACHE_TRACE set, one line on stderr says which path ran.
 *
 * What is on disk: the records, as env_open would give them, with the
 * ids of every envelope covered (used or rejected) and the counts and
 * notes of the loads that made it, encrypted (XChaCha20-Poly1305) under
 * BLAKE2b(sk, context), the approved forms' digest and the store's set
 * digest authenticated with it: unreadable, and unforgeable, without the
 * HR secret key, which is what central.db's envelopes already demand.
 * Records are kept in the order of unit, year and id, ids in id order
 * (random ids), so the file is a function of the envelope set: no order
 * of arrival, not even which envelopes came last. A purge makes the file stale (it covers envelopes
 * the store lost, and the set digest changes: rebuilt), an approval too
 * (another forms digest); cache_remove deletes it.
 *
 * The set digest is the store's own (central_digest.c: a sum of keyed
 * BLAKE2b terms, one per envelope, under central.db-key), kept by ingest
 * and purge and checked against the envelopes by every HR open that
 * shows figures (CENTRAL_VERIFY). Two sets with one digest cannot be
 * made without that key; who holds it can change the store undetected
 * anyway (avslut-hr(1) SECURITY CONSIDERATIONS).
 *
 * The format, version 6 (integers big-endian, as util/buf writes them):
 *
 *   header, 113 bytes, the associated data of every chunk:
 *     "AVSLUTC\n"; u32 version 6; 32 bytes forms digest: BLAKE2b-256 of
 *     "avslut-hr record cache v1\0" then the approved forms' 32-byte
 *     hashes sorted bytewise; u8 1 if the store had a set digest, else
 *     0; 32 bytes that digest (zeros without one); 24 bytes nonce; u64
 *     the plaintext's length P; u32 the chunk size C (1 MiB)
 *   the ciphertext, P bytes, then one 16-byte tag per chunk: chunk i is
 *     plaintext bytes i*C up to (i+1)*C (the last one shorter), sealed
 *     with XChaCha20-Poly1305 (IETF, detached), the header as
 *     associated data, the nonce the header's with its last 8 bytes
 *     XORed with i (big-endian). The file is exactly 113 + P + 16 *
 *     ceil(P / C) bytes. The key: BLAKE2b-256 keyed with the 32-byte
 *     HR secret key (the X25519 crypto_box secret key hr.key wraps) of
 *     the 26 bytes "avslut-hr record cache v1\0"
 *   plaintext: records, then the trailer, then u32 the trailer's length
 *   record (cache_rec.c), one per used envelope, in the order of their
 *     unit (its bytes, as strcmp orders them), year and envelope id
 *     (each group's records together: the aggregation's counts of one
 *     group stay in the processor's cache while they are fed):
 *     16 bytes envelope id; u8 unit length L, L bytes unit, a NUL; u16
 *     year; u8 form index (in the trailer's hash list); per question of
 *     that form: u8 state (0 not shown, 1 skipped, 2 declined, 3
 *     answered), and if answered, by the question's type: single and
 *     multi: u8 other, u32 num, u64 choices, text; text: text; any other
 *     type: u32 num. A text is u32 length N (0xffffffff: none), then N
 *     bytes and a NUL
 *   trailer: u64 total, used, unreadable, unapproved, invalid,
 *     notes dropped; u32 number of notes, each u32 length and bytes,
 *     sorted bytewise; u32 number of forms, their 32-byte hashes in the
 *     order the records index them; u64 number of records (= used); u32
 *     mark interval M; one u64 per M records: the offset of record i * M
 *     from the first record; u64 number of ids (= total); the ids, 16
 *     bytes each, ascending: every envelope covered, used or not */
int cache_run(struct central *c, const uint8_t pk[ENV_PK_BYTES],
    const uint8_t sk[ENV_SK_BYTES], const struct form *const *forms,
    size_t nforms, struct agg *a, const struct hrload_opts *opts,
    struct hrload_result *res, struct err *e);

/* Wait for the background write of the files, if one is under way, and
 * wipe what was kept for cache_keep (the aggregate file's key). Called
 * at exit (atexit) and by the next cache_run. */
void cache_wait(void);

/* At the end of a run whose tap's state changed after the load (the
 * releases the views recorded: release_set_generation), before a and
 * the tap's context (the load's opts->tap_ctx) are freed: the aggregate
 * file written again now with a and the tap's state, so that the next
 * open uses it; then what was kept for it is wiped. Nothing if the
 * load neither used nor made the file, if a and tap_ctx are not the
 * last load's, or if the store c (the load's) no longer holds the set
 * the load counted (its set digest changed: a purge or an ingest by
 * another process since). */
void cache_keep(struct central *c, const struct agg *a, void *tap_ctx);

/* Remove the temporary files a killed writer of either cache file of the
 * store at dbpath left beside it (cache_remove and cache_run do). */
void cache_sweep(const char *dbpath);

/* The cache files of the store at dbpath (caller frees): the record
 * cache, the aggregate file. */
char *cache_path(const char *dbpath);
char *cache_agg_path(const char *dbpath);
/* Delete both cache files of the store at dbpath; a missing file is
 * fine. */
int cache_remove(const char *dbpath, struct err *e);

#endif
