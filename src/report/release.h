/* release: frozen releases of closed years. The first time any view (a
 * report of any format, the dashboard, a CSV) shows a closed year, the
 * gate's tables of that year are its release: sealed to the HR public key
 * and kept in central.db with the unit-to-area map and the set of
 * envelope ids they were computed from. Every later view shows the
 * release. Interviews of that year that arrive later are held back and
 * counted; they enter a revision only when release_check finds that the
 * revision lets nothing be derived that the earlier releases and a gate
 * over the late interviews alone would not show (attack classes 3 and 4
 * of issue 10). No SQL here (central_release_*), no ncurses. */
#ifndef AVSLUT_RELEASE_H
#define AVSLUT_RELEASE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/env.h"
#include "form/form.h"
#include "report/agg.h"
#include "report/gate.h"
#include "store/central.h"
#include "util/err.h"

#define RELEASE_MAGIC "AVSLUTR1"       /* 8 bytes, first in every blob */
#define RELEASE_MAX_BYTES (512u << 20) /* a bigger blob is not opened */

/* Every release of one store, opened, and what the load saw of the years
 * that have one. */
struct release_set;

/* What a view of one year shows besides the tables. */
struct release_info {
	unsigned revision; /* 0: not released (the running year) */
	char date[11];	   /* of that revision, YYYY-MM-DD */
	uint32_t held;	   /* interviews of the year after it, held
				 * back */
	char why[256];	   /* held > 0: why no revision was made */
};

/* Read and open every release of c with the key pair (before the load:
 * the key is wiped after it). forms and units as the load's agg_new
 * got them (both copied; the forms themselves must outlive the set);
 * units is the configuration's map now. On a blob that does
 * not open (another key, damaged) the whole call fails: nothing may be
 * shown as if unreleased. */
int release_set_open(struct release_set **out, struct central *c,
    const uint8_t pk[ENV_PK_BYTES], const uint8_t sk[ENV_SK_BYTES],
    const struct form *const *forms, size_t nforms,
    const struct agg_unit *units, size_t nunits, struct err *e);
void release_set_free(struct release_set *rs);

/* For hrload_opts.tap: every record the load counted, with its envelope
 * id (serialised calls). Late records of a released year are counted
 * into the difference aggregates here. */
void release_set_tap(void *ctx, const uint8_t id[ENV_ID_BYTES],
    const struct agg_rec *r);

/* The table a view shows of year y of a (the whole load): the newest
 * release of y; or, for a closed year without one, the gate's table,
 * recorded now as release 1; or a revision when late interviews pass
 * release_check. Open years are published as they are (counts only) and
 * never recorded. The table borrows a and rs: free it with
 * gate_table_free before either. */
int release_view(struct release_set *rs, struct central *c,
    const uint8_t pk[ENV_PK_BYTES], const struct agg *a, unsigned y,
    const struct gate_params *gp, struct gate_table **out,
    struct release_info *info, struct err *e);

/* Every release of year y as a table over a's questions, in revision
 * order (each revision contains the records of the one before: its base
 * for audit_add). *out and each table are the caller's (gate_table_free;
 * they borrow a and rs). Returns 1 if y has a release, else 0 (*n 0). */
int release_tables(const struct release_set *rs, const struct agg *a,
    unsigned y, struct gate_table ***out, size_t *n);

/* The difference of the i-th release of year y (revision order, i >= 1)
 * from the one before, as the gate (with that release's k, text_k and
 * sensitive t) publishes the interviews it added alone: for
 * audit_add_late. *out NULL if there is none (i 0, no such release).
 * Returns 0, or -1 if the gate fails. */
int release_difference(const struct release_set *rs, unsigned y, size_t i,
    const struct gate_params *gp, struct gate_table **out, struct err *e);

/* One line per release for `avslut-hr releases`. */
struct release_entry {
	unsigned year, revision;
	char date[11];
	uint32_t interviews;
	uint32_t held; /* newest revision of its year only */
	char mapdigest[33];
};
size_t release_list(const struct release_set *rs,
    const struct release_entry **list);

/* The narrow check a revision must pass before the disclosure audit
 * (report/audit.h) runs over every release of the year and the revision
 * together: cand is the gate's table over every
 * record of the year; prev the earlier releases' tables; late[i] the
 * records of the year that release i did not include (as an agg made
 * with the same forms and units). Returns 1 if cand may be published,
 * 0 with why filled if not. */
int release_check(const struct gate_table *cand,
    const struct gate_table *const *prev, const struct agg *const *late,
    size_t nprev, const struct gate_params *gp, char *why, size_t whylen);

/* Purge: forget the releases of years before year in this account's
 * ledger of the store at dbpath (release_ledger.c), as central.db
 * forgets them. */
int release_ledger_purge(const char *dbpath, unsigned year, struct err *e);

/* Serialise a table (with its map and ids) and read it back; for tests. */
int release_encode(const struct gate_table *t, unsigned revision,
    const struct agg_unit *units, size_t nunits,
    const uint8_t (*ids)[ENV_ID_BYTES], size_t nids, uint8_t **out,
    size_t *outlen);

/* ---- the release set in the aggregate cache (avslut-cache(5)) ---------- */

struct buf;
struct buf_rd;

#define RELEASE_SET_DIGEST_BYTES 32
/* What the set was opened from: BLAKE2b-256 of "avslut-hr release
 * set v1\0" (25 bytes), u32 number of releases, then per release in
 * (year, revision) order: u16 year, u32 revision, the 32-byte
 * BLAKE2b-256 of its sealed blob as central.db holds it. A release
 * recorded by release_view joins it. */
void release_set_digest(const struct release_set *rs,
    uint8_t out[RELEASE_SET_DIGEST_BYTES]);
/* The load's part of the set (the tap's state: ids per year, the late
 * and fresh aggs of every release) as bytes, and back into a set just
 * opened (no tap call yet) from the same releases: 0, or -1 if the
 * bytes do not parse or do not fit rs (rs is then as opened). The
 * reader is left after the snapshot: more may follow. */
void release_set_snap_put(const struct release_set *rs, struct buf *b);
int release_set_snap_get(struct release_set *rs, struct buf_rd *r)
    __attribute__((warn_unused_result));
/* For hrload_opts (ctx is the set): the three above. */
void release_set_tap_digest(void *ctx, uint8_t out[32]);
void release_set_tap_put(void *ctx, struct buf *b);
int release_set_tap_get(void *ctx, struct buf_rd *r);
/* Counts the releases recorded by this process since the set was
 * opened (release_view). After each, the set is exactly what
 * release_set_open + the tap over the same records would make
 * (the new release's late agg empty; a revision's fresh agg the
 * records the revision before lacked), so its snapshot may be
 * cached again. */
unsigned release_set_generation(const struct release_set *rs);

#endif
