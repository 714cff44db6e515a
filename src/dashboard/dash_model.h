/* dash_model: what the dashboard shows, as plain data: the published
 * tables of every year (through the gate only), the overview table with
 * its sorting and filtering, cell texts, bars, sparklines and heat maps
 * rendered into strings. Pure: no ncurses, so it is unit-tested. */
#ifndef AVSLUT_DASH_MODEL_H
#define AVSLUT_DASH_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "report/agg.h"
#include "report/gate.h"
#include "util/err.h"

#define DASH_SEARCH_MAX 64 /* bytes of search text */
#define DASH_TO_YEARS 3	   /* turnover columns in the overview */

/* What the dashboard is built from; all borrowed, must outlive it. */
struct dash_input {
	const struct agg *agg;
	const struct agg_turnover *turnover;
	size_t nturnover;
	const struct hme_row *staff;
	size_t nstaff;
	const char *region;	/* the region's name, for titles */
	const char *region_row; /* for the region's row; NULL: region
					 * (titles may carry EXEMPELDATA) */
	double threshold;	/* turnover flag, fraction */
	unsigned tyears;	/* years in a row at or above it */
	struct gate_params gp;	/* k, text_k, today */
	/* Where a year's table comes from: NULL publishes it through the
	 * gate; the program passes the releases (release_view), which also
	 * say how many late interviews are held back. */
	int (*publish)(void *ctx, unsigned year, const struct gate_params *gp,
	    struct gate_table **out, uint32_t *held, struct err *e);
	void *publish_ctx;
};

/* Every year's published table. Owns the tables. */
struct dash {
	struct dash_input in;
	unsigned *years; /* ascending */
	size_t nyears;
	struct gate_table **tabs; /* one per year */
	uint32_t *held;		  /* per year: held back (releases) */
	size_t enps_q;		  /* first nps question, AGG_NONE */
	size_t *scale_q;	  /* the scale questions shown by
					 * mean in the overview, form order */
	size_t nscale;
};

/* Publish every year of in->agg. Returns -1 with e set on failure. */
int dash_new(struct dash **out, const struct dash_input *in, struct err *e);
void dash_free(struct dash *d);
/* Interviews of year y that arrived after its release, held back. */
uint32_t dash_held(const struct dash *d, unsigned y);
/* The table of year y, or NULL if no interview was held in it. */
const struct gate_table *dash_table(const struct dash *d, unsigned y);
/* The year the dashboard opens on: the newest closed year with
 * interviews, else the newest year; 0 if there are none. */
unsigned dash_default_year(const struct dash *d);
/* The nearest year in d->years before (dir < 0) or after y; y if none. */
unsigned dash_year_step(const struct dash *d, unsigned y, int dir);

/* A cell as shown: a figure, a hidden figure (with the gate's reason),
 * or nothing to show. */
enum dash_state {
	DASH_NONE, /* no data, or not applicable */
	DASH_SHOWN,
	DASH_HIDDEN /* suppressed by the gate: see reason */
};

struct dash_cell {
	enum dash_state state;
	enum gate_reason reason; /* DASH_HIDDEN: why */
	double v;		 /* DASH_SHOWN: the value */
	const char *text;	 /* text cells: borrowed label */
};

/* Cells: nothing to show; a shown value; hidden by the gate for r
 * (GATE_NO_DATA is nothing to show). */
struct dash_cell dash_cell_none(void);
struct dash_cell dash_cell_value(double v);
struct dash_cell dash_cell_hidden(enum gate_reason r);

/* The overview's columns; DASH_COL_Q0 + i is d->scale_q[i]'s mean. */
enum dash_col {
	DASH_COL_NAME,
	DASH_COL_N,	/* interviews in the year */
	DASH_COL_TO2,	/* turnover two years before */
	DASH_COL_TO1,	/* the year before */
	DASH_COL_TO0,	/* the chosen year */
	DASH_COL_FLAG,	/* flagged: high turnover tyears in a row */
	DASH_COL_COV,	/* coverage: interviews / leavers */
	DASH_COL_HME,	/* leavers' HME */
	DASH_COL_STAFF, /* the unit's staff-survey HME */
	DASH_COL_ENPS,
	DASH_COL_TOP, /* the top reason for leaving */
	DASH_COL_Q0
};

/* How a column's values read. */
enum dash_fmt {
	DASH_FMT_TEXT,
	DASH_FMT_INT,
	DASH_FMT_PCT, /* fraction shown as whole percent */
	DASH_FMT_FLAG,
	DASH_FMT_INDEX,	 /* 0..100, whole */
	DASH_FMT_SIGNED, /* eNPS: +12, -40 */
	DASH_FMT_MEAN	 /* one decimal */
};

struct dash_ov_row {
	size_t unit;			/* agg unit, AGG_NONE: the region */
	const char *code, *name, *area; /* borrowed; region: name only */
	struct dash_cell *cells;	/* ncols */
};

/* The overview of one year: the region row and one row per unit, the
 * shown rows after the area filter and the search, in sort order. */
struct dash_ov {
	const struct dash *d;
	unsigned year;
	int li; /* language index wanted, "sv"/"en" */
	char lang[4];
	size_t ncols;
	struct dash_ov_row region;
	struct dash_ov_row *rows;
	size_t nrows;
	size_t *shown; /* indices into rows */
	size_t nshown;
	size_t sort; /* column */
	int desc;
	char *area; /* filter: NULL all, "" no area */
	char search[DASH_SEARCH_MAX + 1];
};

/* Build the overview of year for d; lang "sv" or "en" picks form labels.
 * Sorted by name, no filter. Free with dash_ov_free. */
void dash_ov_build(struct dash_ov *ov, const struct dash *d, unsigned year,
    const char *lang);
void dash_ov_free(struct dash_ov *ov);
/* Rebuild for another year, keeping sort, filter and search. */
void dash_ov_set_year(struct dash_ov *ov, unsigned year);
/* Sort by column col (desc: highest first). Hidden and empty cells sort
 * last in both directions, then by name, so an order never hints at a
 * hidden value. */
void dash_ov_sort(struct dash_ov *ov, size_t col, int desc);
/* Filter by area (NULL: all; copied) and search text (NULL: none;
 * matched against name and code with collate_contains). */
void dash_ov_filter(struct dash_ov *ov, const char *area, const char *search);
/* Column facts. */
enum dash_fmt dash_col_fmt(size_t col);
/* The header of col at most w columns wide (a question column gives its
 * id); year labels the turnover columns. */
void dash_col_head(const struct dash_ov *ov, size_t col, char *out, size_t n);
/* A one-line description of col (question label, what the figure is). */
void dash_col_desc(const struct dash_ov *ov, size_t col, char *out, size_t n);
/* The areas of the units, sorted (Swedish order); "" stands for units
 * with no area if there are any. Returns the count; *areas borrowed
 * strings in a new array (caller frees the array). */
size_t dash_areas(const struct dash *d, const char ***areas);

/* The marks for cells that show no figure. */
struct dash_glyphs {
	const char *none;      /* no data */
	const char *hidden;    /* complementary or derived */
	const char *open;      /* the running period */
	const char *region;    /* region-only question */
	const char *flag;      /* turnover flag */
	const char *bar_empty; /* one column of an empty bar */
	const char *bullet;
	const char *dash; /* ranges: 2023–2025 */
	int ascii;
};
const struct dash_glyphs *dash_glyphs(int ascii);

/* The text of a cell in format f: a figure, or the mark for why it is
 * not shown ("<5" for fewer than k answers, k from the table). */
void dash_cell_text(const struct dash_cell *c, enum dash_fmt f, unsigned k,
    const struct dash_glyphs *g, char *out, size_t n);

/* s in ASCII for a terminal whose locale is not UTF-8: Latin letters
 * lose their accents (å -> a, Ö -> O), any other character becomes '?',
 * so columns keep their widths. Cut to fit n bytes. */
void dash_ascii(const char *s, char *out, size_t n);

/* A bar of share 0..1 in w columns: eighths of a block in UTF-8, '#' in
 * ASCII; the rest blank. out needs 3 * w + 1 bytes. */
void dash_bar(double share, int w, int ascii, char *out, size_t n);
/* A sparkline: one glyph per value between lo and hi; a value with
 * has[i] == 0 is a gap (a space). out needs 3 * nv + 1 bytes. */
void dash_spark(const double *v, const int *has, size_t nv, double lo,
    double hi, int ascii, char *out, size_t n);
/* Heat level 0..4 of v between lo and hi. */
int dash_heat_level(double v, double lo, double hi);

/* Figures of one question for one gate row: the cell as it reads (mean
 * for scale, nps, number; share of yes; share of category cat for
 * single and multi) and the range it lies in. */
struct dash_cell dash_qcell(const struct gate_table *t, size_t row, size_t q,
    size_t cat);
void dash_qrange(const struct agg_question *q, double *lo, double *hi);
/* The format dash_qcell's values read in. */
enum dash_fmt dash_qfmt(const struct agg_question *q);

/* The label of question q and of its category c in lang ("sv", "en");
 * borrowed from the form. */
const char *dash_qlabel(const struct agg_question *q, const char *lang);
/* The question's short: label in lang (a column heading), else its id. */
const char *dash_qshort(const struct agg_question *q, const char *lang);
/* v with d decimals, a decimal comma when the screens speak Swedish. */
void dash_num(char *buf, size_t n, double v, int decimals);
const char *dash_catlabel(const struct agg_question *q, size_t c,
    const char *lang);

/* A document of lines for a scrolling view (the unit view). */
enum dash_line_kind {
	DASH_L_BLANK,
	DASH_L_HEAD, /* a question's label */
	DASH_L_TEXT, /* figures */
	DASH_L_DIM,  /* notes, marks */
	DASH_L_BAR,  /* category label, bar, share */
	DASH_L_FREE  /* a free-text answer (sanitised) */
};
struct dash_line {
	enum dash_line_kind kind;
	char *text; /* whole line */
	int bar_x;  /* DASH_L_BAR: columns before the bar */
	char *bar;  /* DASH_L_BAR: the bar alone */
	size_t q;   /* the question the line belongs to */
};
struct dash_doc {
	struct dash_line *v;
	size_t n, cap;
	int w; /* columns it was laid out for */
};
/* The unit view of unit u (agg index) in year, w columns wide: every
 * question with its distribution as bars, the unit's mean beside the
 * region's, a sparkline over the years, free text when the gate allows
 * it. */
void dash_unit_doc(struct dash_doc *doc, const struct dash *d, size_t u,
    unsigned year, int w, const char *lang, int ascii);
void dash_doc_free(struct dash_doc *doc);
/* The first line of the question after (dir > 0) or before line i. */
size_t dash_doc_step(const struct dash_doc *doc, size_t i, int dir);

#endif
