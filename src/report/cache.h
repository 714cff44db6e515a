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

#define CACHE_SUFFIX "-cache"		/* the file: central.db-cache, 0600 */
#define CACHE_MAGIC "AVSLUTC\n"		/* 8 bytes */
#define CACHE_VERSION 2		/* 2: each record after its id */
#define CACHE_MAX_BYTES (2048ULL << 20)	/* a bigger file is not read */

/* hrload_run with the cache: if the cache file matches the store (the
 * same envelope ids, the same approved forms) and opens with a key
 * derived from sk, the aggregation is fed from it and res filled as the
 * full load filled it; otherwise hrload_run's work is done and the cache
 * written afresh (a failure to write it is not an error: the next run
 * does the full load again). Same results and return codes as hrload_run.
 *
 * What is on disk: the records, as env_open would give them, encrypted
 * (XChaCha20-Poly1305) under BLAKE2b(sk, digest of the id set and form
 * hashes): unreadable, and unforgeable, without the HR secret key, which
 * is what central.db's envelopes already demand. Records are kept in the
 * order they were opened (random ids), so no arrival order is kept.
 * Purge and every ingest change the id set and so make the file stale;
 * cache_remove deletes it outright. */
int cache_run(struct central *c, const uint8_t pk[ENV_PK_BYTES],
    const uint8_t sk[ENV_SK_BYTES], const struct form *const *forms,
    size_t nforms, struct agg *a, const struct hrload_opts *opts,
    struct hrload_result *res, struct err *e);

/* The cache file of the store at dbpath (caller frees). */
char *cache_path(const char *dbpath);
/* Delete the cache of the store at dbpath; a missing file is fine. */
int cache_remove(const char *dbpath, struct err *e);

#endif
