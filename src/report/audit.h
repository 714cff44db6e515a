/* audit: the disclosure audit, the attacker's tool turned on ourselves.
 * Given every table ever published (several years, several releases of a
 * year, each with the unit-to-area map it was published under), it finds
 * by linear programming (GLPK) the interval each suppressed cell can still
 * take, and the groups whose sensitive answer is determined. It reports
 * which cells and how wide their intervals are, never a hidden value.
 *
 * What it reads of a gate_table (so that a frozen release rebuilt from
 * central.db works as well as a fresh one): year, sens_t, rows (kind,
 * code, area_ix), figs (reason, answered, declined, skipped, notshown,
 * counts), asked (the group sizes, not published) and, for question
 * metadata only, agg_question(t->agg, col): form_id, id, type, ncat,
 * cat_ids, form and fq (for show_if links and sensitive marks). It never
 * reads an answer from the agg. */
#ifndef AVSLUT_AUDIT_H
#define AVSLUT_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "report/gate.h"
#include "util/err.h"

#define AUDIT_DEFAULT_LIST 10

struct audit;

/* What kind of finding an audit_cell is. */
enum audit_kind {
	AUDIT_INTERVAL,	  /* a suppressed cell and its interval width */
	AUDIT_PINNED,	  /* a suppressed cell pinned to one value */
	AUDIT_DETERMINED, /* a group whose sensitive answer is known for
				 * all its members, or all but fewer than t */
	AUDIT_IMPLAUSIBLE /* a unit-year with more interviews than
				 * leavers: not published, check it */
};

/* One finding. Strings are owned by the result. */
struct audit_cell {
	enum audit_kind kind;
	unsigned year;
	char *release;	/* the label given to audit_add */
	char *row;	/* "VC-ALBY", "area Nord", "other units of
				 * Nord", "region", "other units" */
	char *question; /* question id; NULL for AUDIT_IMPLAUSIBLE */
	char *category; /* choice id or value ("3"), "shown" for the
				 * number shown a follow-up; NULL: none */
	double width;	/* hi - lo of the feasible interval; 0 when
				 * pinned. Never the value itself. */
};

struct audit_result {
	size_t tables;		  /* tables read */
	size_t figures;		  /* published figures (row x question) read */
	size_t cells;		  /* cells checked (figure x category) */
	size_t suppressed;	  /* of them suppressed */
	size_t lps;		  /* linear programs solved */
	size_t certified;	  /* suppressed cells and sensitive groups
				 * decided without an LP: a second feasible
				 * integer point found by a move (or zero
				 * feasible: never pinned above zero) */
	size_t groups, groups_lp; /* question groups x years audited;
					 * of them needing an LP */
	size_t groups_kept;	  /* of them a clean verdict kept from
					 * an earlier audit of the same
					 * tables in this process */
	size_t pinned;		  /* suppressed cells pinned */
	size_t determined;  /* groups with a determined sensitive answer */
	size_t implausible; /* unit-years flagged */
	struct audit_cell *narrow; /* the narrowest suppressed cells,
					 * widest last, at most max_list */
	size_t nnarrow;
	struct audit_cell *bad; /* every pinned cell, determined
					 * group and implausible unit-year */
	size_t nbad;
};

struct audit_params {
	size_t max_list;     /* narrowest cells kept; 0: default 10 */
	int no_list;	     /* no list of the narrowest cells (its exact
				 * intervals cost LPs); every view's audit */
	int no_certificates; /* every cell by LP (tests compare) */
	int no_cache;	     /* no verdict kept from an earlier audit in
				 * this process (kept only with no_list) */
};

struct audit *audit_new(const struct audit_params *p);
void audit_free(struct audit *au);

/* Add one published table; it is borrowed until audit_run returns.
 * label names it in findings ("2024", "2024 revision 1"). base: NULL if
 * the table's records were all published for the first time; else the
 * earlier release of the same year whose records this table contains
 * (plus the interviews that arrived after it): both tables then share
 * the earlier records' cells, and the late arrivals are cells of their
 * own that must not be pinned either. Tables of different years are
 * linked where a figure spans years. Returns 0, or -1 (ERR_USAGE) if
 * the table cannot be read (no agg for its questions). */
int audit_add(struct audit *au, const struct gate_table *t, const char *label,
    const struct gate_table *base, struct err *e);

/* The difference of revision `of` (added with a base) from its base, as
 * the gate publishes it over the interviews that arrived in between
 * alone (a release of its own, g over an agg of those interviews): its
 * shown figures are known to the attacker (the difference gives them),
 * and its hidden ones (fewer than k, banded) and sensitive groups are the
 * late arrivals' cells to protect, instead of every late cell of every
 * unit. Returns 0, or -1 (ERR_USAGE). */
int audit_add_late(struct audit *au, const struct gate_table *g,
    const char *label, const struct gate_table *of, struct err *e);

/* Solve: fills r (zeroed first; free with audit_result_free). -1 with e
 * (ERR_SOFTWARE) only if GLPK fails; findings are not errors. */
int audit_run(struct audit *au, struct audit_result *r, struct err *e);
void audit_result_free(struct audit_result *r);

/* 0 if nothing is pinned or determined, else -1 with e (ERR_DATA) whose
 * message names the first cells (row, question, category: no values) and
 * says what to do. Implausible unit-years alone are not refused: the gate
 * never publishes them. */
int audit_verdict(const struct audit_result *r, struct err *e);

/* The audit every view runs before it shows anything: the n tables (one
 * release each, labelled by year) audited together; r (may be NULL)
 * receives the result. Returns audit_verdict's answer, or -1 if the
 * audit could not run. */
int audit_check_tables(const struct gate_table *const *t, size_t n,
    struct audit_result *r, struct err *e);

#endif
