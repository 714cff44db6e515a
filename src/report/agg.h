/* agg: aggregation of opened interview records into counts per unit, year
 * and question, the statistics derived from them, HME and turnover. Pure
 * C; nothing here is published as is: every figure goes through gate_. */
#ifndef AVSLUT_AGG_H
#define AVSLUT_AGG_H

#include <stddef.h>
#include <stdint.h>

#include "store/hmerow.h"

#include "form/form.h"
#include "util/err.h"

#define AGG_NONE ((size_t)-1)
#define AGG_HME_N 9 /* statements hme_1 .. hme_9 */
#define AGG_DEFAULT_REASONS_THEME "reasons"

/* A unit as the config names it; area NULL if it belongs to none. */
struct agg_unit {
	char *code;
	char *name;
	char *area;
};

/* One opened record, borrowed for the duration of agg_add. Build it from
 * a struct record: the quarter is not needed, reports are per year. */
struct agg_rec {
	const char *unit;
	unsigned year;
	const uint8_t *form_hash; /* FORM_HASH_BYTES */
	const struct form_answer *answers;
	size_t nanswers;
};

/* A question as reported: the versions of one form are merged where the
 * question keeps its id, type, choice ids (as a set), "other" and, for
 * scales, its range; otherwise each variant is its own agg_question with
 * the same id and a different versions string. */
struct agg_question {
	char *form_id;
	char *id;
	enum form_type type;
	enum form_scope report;	 /* region if any merged version says so */
	char *theme;		 /* of the newest version; NULL if none */
	const struct form *form; /* newest merged version: labels */
	size_t fq;		 /* index of the question in form */
	char *versions;		 /* "1, 2, 4" */
	/* Categories of counts[]: single and multi: the choices in the newest
	 * version's order, then "other" if other is set; scale and nps: the
	 * values min..max; yesno: [0] no, [1] yes; number and text: none. */
	size_t ncat;
	char **cat_ids;	  /* single, multi: choice ids, "other" */
	int32_t min, max; /* scale, nps, number */
	int other;
};

/* Counts of one question for one group of records. All counts add, so a
 * sum over units or areas is the sum of cells (agg_cell_add). */
struct agg_cell {
	uint32_t asked; /* records whose form version has the question */
	uint32_t answered;
	uint32_t declined; /* "prefer not to answer" */
	uint32_t skipped;  /* shown, left empty */
	uint32_t notshown; /* hidden by show_if or never reached */
	uint32_t *counts;  /* ncat; multi: respondents who chose each */
	double sum, sumsq; /* scale, nps, number: over answered values */
	char **texts;	   /* text: the non-empty answers; single/multi:
				 * the "other, namely" texts. Owned, wiped. */
	size_t ntexts;
};

/* What a cell says: shares are of those who answered (multi: of the
 * respondents, so they may sum above 1). sd is the sample standard
 * deviation (n - 1); has_sd needs two answers. */
struct agg_stats {
	uint32_t n;
	double mean, sd;
	int has_mean, has_sd;
	double enps; /* nps: promoters (9-10) minus detractors (0-6),
				 * in percentage points, -100..100 */
	int has_enps;
};

/* The leavers' HME (see agg_hme and avslut-hr(1)): statement indices,
 * the three sub-indices (motivation, ledarskap, styrning) and the total,
 * each 0..100; has_* is 0 where a statement had no answer. */
struct agg_hme {
	uint32_t n[AGG_HME_N]; /* answers per statement */
	double stmt[AGG_HME_N];
	int has_stmt[AGG_HME_N];
	double sub[3];
	int has_sub[3];
	double total;
	int has_total;
};

/* Staff turnover of a unit and year, from `turnover import`. */
struct agg_turnover {
	char *unit;
	unsigned year;
	double headcount; /* average headcount, > 0 */
	double leavers;	  /* >= 0 */
};

/* The unit's staff-survey HME, from `hme import`: struct hme_row
 * (store/hmerow.h). */

struct agg;

/* forms: the approved forms (borrowed; must outlive the agg). units: the
 * config's units (copied). reasons_theme: theme of the "reasons for
 * leaving" multi question, NULL for AGG_DEFAULT_REASONS_THEME. */
struct agg *agg_new(const struct form *const *forms, size_t nforms,
    const struct agg_unit *units, size_t nunits, const char *reasons_theme);
void agg_free(struct agg *a);

/* An empty agg made as a was (its forms, the config's units, the reasons
 * theme): for another thread's share of the records, to be merged back
 * with agg_merge. */
struct agg *agg_new_like(const struct agg *a);
/* Move src's counts and texts into dst (made alike, agg_new_like) and
 * free src: dst ends as if src's records had been added to it after its
 * own, in the same order (units, groups and texts come out the same). */
void agg_merge(struct agg *dst, struct agg *src);

/* Count one record. Returns -1 (and counts it as rejected) if its form
 * hash is not approved, its answers do not fit the form, or (when the agg
 * was made with units) its unit is not one of them; the message names no
 * answer. With no units given, every unit is added with no area. */
int agg_add(struct agg *a, const struct agg_rec *r, struct err *e);
/* Count a record that could not be opened (tampered, truncated). */
void agg_reject(struct agg *a);
size_t agg_rejected(const struct agg *a);
size_t agg_records(const struct agg *a);

size_t agg_nquestions(const struct agg *a);
const struct agg_question *agg_question(const struct agg *a, size_t i);
/* Index of the question with this id (the newest variant), or AGG_NONE. */
size_t agg_find(const struct agg *a, const char *id);
/* The reasons-for-leaving question: the multi question with the reasons
 * theme, else a multi question with id "reasons"; AGG_NONE if none. */
size_t agg_reasons(const struct agg *a);
/* The nine HME statements (id hme_1..hme_9, scale 1..5): fills idx with
 * question indices (AGG_NONE where missing); returns how many found. */
size_t agg_hme_questions(const struct agg *a, size_t idx[AGG_HME_N]);

size_t agg_nunits(const struct agg *a);
const struct agg_unit *agg_unit(const struct agg *a, size_t i);
size_t agg_unit_find(const struct agg *a, const char *code);

/* Years with at least one record, ascending. */
size_t agg_nyears(const struct agg *a);
unsigned agg_year(const struct agg *a, size_t i);

/* Interviews of unit u (AGG_NONE: all units) in year. */
uint32_t agg_interviews(const struct agg *a, size_t u, unsigned year);
/* The cell of unit u, year and question q; NULL if no record. */
const struct agg_cell *agg_cell(const struct agg *a, size_t u, unsigned year,
    size_t q);

/* Cells as values: init to zero for question q, add another cell (texts
 * are copied), free (texts wiped). */
void agg_cell_init(struct agg_cell *c, const struct agg_question *q);
void agg_cell_add(struct agg_cell *acc, const struct agg_cell *c,
    const struct agg_question *q);
void agg_cell_free(struct agg_cell *c);

void agg_stats(const struct agg_question *q, const struct agg_cell *c,
    struct agg_stats *out);
/* Category order by count, highest first, ties in category order: for the
 * ranking of reasons. order has q->ncat entries. */
void agg_rank(const struct agg_question *q, const uint32_t *counts,
    size_t *order);
/* HME from the nine statements' answer counts and sums (cells[i] may be
 * NULL): statement index = (mean - 1) * 25, sub-index = mean of its three
 * statement indices, total = mean of the nine; a sub-index or the total
 * only when every statement in it has answers. */
void agg_hme(const struct agg_cell *const cells[AGG_HME_N],
    struct agg_hme *out);

/* Turnover = leavers / average headcount; -1 if no row for unit, year. */
double agg_turnover_rate(const struct agg_turnover *rows, size_t n,
    const char *unit, unsigned year);
/* 1 if the unit's turnover is >= threshold in each of the nyears years
 * ending with year (a missing year is not flagged), else 0. */
int agg_turnover_flag(const struct agg_turnover *rows, size_t n,
    const char *unit, unsigned year, double threshold, unsigned nyears);
/* Coverage = interviews / leavers; -1 if no row or no leavers. */
double agg_coverage(const struct agg_turnover *rows, size_t n, const char *unit,
    unsigned year, uint32_t interviews);

struct buf;
struct buf_rd;
/* The counts and texts of a as bytes (the aggregate cache,
 * avslut-cache(5)): a function of the records counted, not of their
 * order (groups in unit/year order, each cell's texts sorted). */
void agg_snap_put(const struct agg *a, struct buf *b);
/* Read them back into a, which must be empty and made as the writer's
 * was (agg_new with the same forms, units and reasons theme, or
 * agg_new_like). Returns 0, or -1 if the bytes do not parse or do not
 * fit a (another question layout, a unit a does not have): a is then
 * left empty again (usable, freed by agg_free), and r failed. An a that
 * is not empty is a misuse: -1, a untouched. */
int agg_snap_get(struct agg *a, struct buf_rd *r)
    __attribute__((warn_unused_result));

#endif
