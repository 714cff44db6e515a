/* cache_rec: one record as the record cache holds it (see cache_rec.c).
 * Internal to src/report/cache*.c. */
#ifndef AVSLUT_CACHE_REC_H
#define AVSLUT_CACHE_REC_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/env.h"
#include "crypto/record.h"
#include "form/form.h"
#include "report/agg.h"
#include "util/buf.h"

/* Append r (of form f, index fi in the file's form table, envelope id)
 * to b. */
void cache_rec_encode(struct buf *b, const struct form *f, uint8_t fi,
    const uint8_t id[ENV_ID_BYTES], const struct record *r);
/* Read the next record from r into ar (its texts point into r's bytes),
 * using ans for its answers (room for the largest form) and byix to find
 * its form; *id points at its envelope id. 0, or -1 if the bytes do not
 * parse. */
int cache_rec_decode(struct buf_rd *r, const struct form *const *byix,
    size_t nix, struct form_answer *ans, struct agg_rec *ar,
    const uint8_t **id);

/* For the tests: files are written with a mark every mark records (0:
 * the default), decoded by parts threads where there are as many marks
 * (0: one per online core, at most 4), and sealed in chunks of chunk
 * bytes (0: the default), so that small stores take the paths of big
 * ones. */
void cache_test_split(unsigned mark, unsigned parts, unsigned chunk);
/* For the tests: off 1, the aggregate file is neither used nor written
 * (the record cache's own paths); 0, as normal. */
void cache_test_agg(int off);
/* For the tests: wait for the background write, keeping what was kept
 * for cache_keep (cache_wait wipes it). */
void cache_test_join(void);

#endif
