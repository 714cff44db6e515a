/* gate: the one publish gate. Turns the aggregates of one year into the
 * table every view and export renders: each figure either shown or
 * suppressed with its reason. Nothing else may read agg cells for output. */
#ifndef AVSLUT_GATE_H
#define AVSLUT_GATE_H

#include <stddef.h>
#include <stdint.h>

#include "report/agg.h"
#include "util/err.h"

#define GATE_MIN_K 3
#define GATE_DEFAULT_K 5
#define GATE_DEFAULT_TEXT_K 8
#define GATE_DEFAULT_GRACE 2  /* months after the year ends */
#define GATE_DEFAULT_SENS_T 1 /* see gate_params.sensitive_t */

/* Why a figure is not shown. GATE_SHOWN: it is. */
enum gate_reason {
	GATE_SHOWN = 0,
	GATE_NO_DATA,	  /* nobody was asked: nothing to show */
	GATE_FEW,	  /* fewer than k answers (or texts) */
	GATE_COMPLEMENT,  /* hidden so that no other hidden figure can be
				 * worked out by subtraction */
	GATE_REGION_ONLY, /* report: region question, per-unit or area */
	GATE_OPEN,	  /* the running period: its count only */
	GATE_PARTS,	  /* derived (HME) from a hidden figure */
	GATE_BAND,	  /* a sensitive answer given by all but at most
				 * sensitive_t of the group: that band is all
				 * the reason says; the figure is hidden */
	GATE_IMPLAUSIBLE  /* the unit-year has more interviews than
				 * leavers: not published, in no sum */
};

enum gate_row_kind {
	GATE_ROW_REGION,
	GATE_ROW_AREA, /* name NULL: units with no area */
	GATE_ROW_UNIT,
	GATE_ROW_POOL /* "other units": the hidden units of an area
				 * (area set) or of the hidden areas (region) */
};

struct gate_row {
	enum gate_row_kind kind;
	const char *code;    /* unit code; NULL otherwise */
	const char *name;    /* unit name or area name; NULL: region, pool,
				 * no area */
	const char *area;    /* unit's area, pool's area; NULL if none */
	size_t area_ix;	     /* area, pool, unit: index of its area group
				 * (the units with no area form one); region
				 * and region pool: AGG_NONE */
	size_t unit;	     /* agg unit index or AGG_NONE */
	uint32_t interviews; /* always shown; 0 for pool rows */
	int implausible;     /* unit rows: more interviews than leavers */
};

/* One question in one row. When reason is GATE_SHOWN every field is set;
 * otherwise all are zero and counts is NULL. */
struct gate_fig {
	enum gate_reason reason;
	uint32_t answered, declined, skipped, notshown;
	uint32_t *counts;    /* agg_question ncat categories */
	struct agg_stats st; /* mean, sd, eNPS where they apply */
	/* Free text (text questions; single/multi: the "other" texts): shown
	 * only in unit rows, the region pool (unit questions) and the region
	 * row (region questions), at least text_k of them, in random order,
	 * control characters replaced. */
	enum gate_reason text_reason;
	char **texts;
	size_t ntexts;
};

/* The leavers' HME of one row, from the shown statement figures only. */
struct gate_hme {
	enum gate_reason reason; /* of the total */
	enum gate_reason sub_reason[3];
	struct agg_hme h; /* has_* set only for shown parts */
};

struct gate_params {
	unsigned k;	 /* >= GATE_MIN_K (raised if lower) */
	unsigned text_k; /* >= k (raised if lower) */
	/* Today, for closed periods: year Y is closed from the first day of
	 * month 1 + grace_months of year Y + 1. */
	unsigned now_year, now_month;
	unsigned grace_months;
	/* Group disclosure: no shown group of a sensitive answer (form key
	 * sensitive) may have fewer than t + 1 members who did not give
	 * it; such a group is hidden as GATE_BAND. Default 1. */
	unsigned sensitive_t;
	/* Imported turnover (borrowed, may be NULL): a unit-year with more
	 * interviews than leavers is GATE_IMPLAUSIBLE. */
	const struct agg_turnover *turnover;
	size_t nturnover;
};

struct gate_table {
	unsigned year;
	int open; /* the running period: counts only */
	unsigned k, text_k;
	unsigned sens_t;       /* gate_params.sensitive_t used */
	const struct agg *agg; /* columns: agg questions 0..ncols-1 */
	size_t ncols;
	struct gate_row *rows;
	size_t nrows;
	struct gate_fig *figs;	 /* figs[row * ncols + col] */
	struct gate_hme *hme;	 /* per row */
	size_t hme_q[AGG_HME_N]; /* the statements' columns */
	int has_hme;
	size_t reasons_q; /* column of reasons, AGG_NONE */
	/* Not published: records asked each question per row (the group
	 * sizes, [row * ncols + col]); the audit's bounds. */
	uint32_t *asked;
	size_t nimplausible; /* unit rows flagged implausible */
	/* Not published: the records of agg that this table does not count
	 * (a frozen release's late arrivals; same forms and units as agg),
	 * or NULL. The audit reads agg minus it as a feasible point of its
	 * model (checked there, never shown). */
	const struct agg *minus;
};

/* Defaults: k 5, text_k 8, grace 2 months, today from the clock. */
void gate_params_default(struct gate_params *p);

/* Publish year y of a. The table borrows a (keep it alive). */
int gate_publish(struct gate_table **out, const struct agg *a, unsigned year,
    const struct gate_params *p, struct err *e);
void gate_table_free(struct gate_table *t);

/* 1 if year y is closed on the params' date. */
int gate_closed(const struct gate_params *p, unsigned year);

const struct gate_fig *gate_fig(const struct gate_table *t, size_t row,
    size_t col);
size_t gate_row_region(const struct gate_table *t);
/* Row of an agg unit, of an area ("" for the units with no area), of an
 * area's pool ("" likewise; NULL: the region pool); AGG_NONE if none. */
size_t gate_row_unit(const struct gate_table *t, size_t unit);
size_t gate_row_area(const struct gate_table *t, const char *area);
size_t gate_row_pool(const struct gate_table *t, const char *area);

/* The agg units whose records figure (row, col) counts, into units
 * (room for agg_nunits); returns how many. A pool counts the hidden units
 * it pools; implausible unit-years are in no sum. */
size_t gate_fig_members(const struct gate_table *t, size_t row, size_t col,
    size_t *units);
/* 1 if reason r hides a figure that has data (not NO_DATA, not SHOWN). */
int gate_hidden(enum gate_reason r);
/* The agg categories of question q that are sensitive answers, as a bit
 * set (bit c = category c); 0 if none. */
uint64_t gate_sensitive_cats(const struct agg_question *q);
/* The agg questions whose answers decide whether q is shown (its and its
 * section's show_if), into out (room for max); returns how many. */
size_t gate_openers(const struct agg *a, size_t q, size_t *out, size_t max);

/* Short English reason for a suppressed figure ("fewer than k answers"). */
const char *gate_reason_text(enum gate_reason r);

#endif
