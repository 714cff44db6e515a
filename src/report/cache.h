/* cache: a second open of the same central.db in a fraction of the first.
 * After a full load the used records are kept, re-encoded, in one file
 * beside the store, encrypted under a key only the HR secret key derives
 * and bound to the store's exact set of envelopes and approved forms. */
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
	3				/* 2: each record after its id; 3: in
				 * id order, the ids covered, extended */
#define CACHE_MAX_BYTES (2048ULL << 20) /* a bigger file is not read */

/* hrload_run with the cache. The file covers a set of envelopes (their
 * ids are in it) under the approved forms: if it opens with a key derived
 * from sk, was made under the same approved forms and covers only
 * envelopes the store still holds, the aggregation is fed from it, and
 * only the envelopes the store holds beyond it (an ingest since) are
 * opened; otherwise hrload_run's work is done in full. In both cases, if
 * anything was opened, the file is written afresh by a background thread
 * (cache_wait, called at exit and by the next cache_run, waits for it; a
 * failure to write it is not an error: the next run opens more). Same
 * results and return codes as hrload_run.
 *
 * What is on disk: the records, as env_open would give them, with the
 * ids of every envelope covered (used or rejected) and the counts and
 * notes of the loads that made it, encrypted (XChaCha20-Poly1305) under
 * BLAKE2b(sk, context), the approved forms' digest authenticated with
 * it: unreadable, and unforgeable, without the HR secret key, which is
 * what central.db's envelopes already demand. Records and ids are kept
 * in id order (random ids), so the file is a function of the envelope
 * set: no order of arrival, not even which envelopes came last. A purge
 * makes the file stale (it covers envelopes the store lost: rebuilt), an
 * approval too (another forms digest); cache_remove deletes it. */
int cache_run(struct central *c, const uint8_t pk[ENV_PK_BYTES],
    const uint8_t sk[ENV_SK_BYTES], const struct form *const *forms,
    size_t nforms, struct agg *a, const struct hrload_opts *opts,
    struct hrload_result *res, struct err *e);

/* Wait for the background write of the file, if one is under way. */
void cache_wait(void);

/* The cache file of the store at dbpath (caller frees). */
char *cache_path(const char *dbpath);
/* Delete the cache of the store at dbpath; a missing file is fine. */
int cache_remove(const char *dbpath, struct err *e);

#endif
