/* audit_int: what the disclosure audit's files share: the model
 * (audit.c: questions, tables, verdicts kept), one LP and the findings
 * (audit_lp.c), certificates (audit_cert.c) and deciding what they leave
 * (audit_decide.c). Internal to src/report/audit*.c; the API is audit.h. */
#ifndef AVSLUT_AUDIT_INT_H
#define AVSLUT_AUDIT_INT_H

#include <stddef.h>
#include <stdint.h>

#include <glpk.h>
#include <sodium.h>

#include "report/audit.h"

#define AU_STATES 4 /* not shown, skipped, declined, answered */
enum {
	AU_NS,
	AU_SK,
	AU_DE,
	AU_AN
};
#define AU_MAXTERMS 16

struct au_code {
	const char *code;
	size_t row;
};

struct au_tab {
	const struct gate_table *t;
	struct au_code *codes; /* unit rows by code, sorted */
	size_t ncodes;
	size_t *colof; /* question key -> col, AGG_NONE */
	size_t ncolof;
	char *label;
	int base;   /* index of the base table, -1 */
	int batch;  /* the batch of records new in this table */
	size_t *qk; /* col -> question key index */
};

/* One question across tables, by form id, id, type and categories. */
struct au_q {
	char *key;
	const struct agg_question *aq; /* metadata, of the first table */
	const struct gate_table *t0;
	size_t col0;
	size_t group;	 /* link group (union-find root) */
	uint64_t sens;	 /* sensitive categories */
	size_t band_cat; /* the one a band speaks of, or -1 */
	size_t nterm;	 /* show_if terms: opener q, category */
	size_t term_q[AU_MAXTERMS], term_c[AU_MAXTERMS];
};

struct audit {
	struct au_tab *tabs;
	size_t ntabs;
	struct au_q *qs;
	size_t nqs;
	int nbatch;
	size_t max_list;
	int no_list, no_certificates, no_cache;
};

/* An atom: unit code, batch; the table that brought its records. */
struct au_atom {
	const char *code;
	int batch;
	size_t tab;
};

/* What the audit must bound: a protected cell (its interval; pinned
 * above zero is a finding) or a sensitive group (an - cat: below t at
 * most is a finding). A linear form sum val * x + k. */
enum {
	AU_T_CELL,
	AU_T_SENS,
	AU_T_AN
};

struct au_target {
	int kind;
	size_t tab, row;
	const struct au_q *q;
	size_t cat;
	char *rowname; /* NULL: the table row's name */
	int n;
	int *ind;
	double *val;
	double k;
	double omin, omax; /* seen in feasible solutions */
	double lo, hi;	   /* exact, when exact */
	int exact;
	int zero; /* a cell at 0 in a feasible point: never
				 * pinned above zero */
};

/* The LP of one year and question group. */
struct au_lp {
	glp_prob *lp;
	struct audit *au;
	unsigned year;
	struct au_atom *atoms;
	size_t natoms;
	size_t *ah, ahcap; /* atoms by code and batch: index + 1 */
	size_t *gq;	   /* questions of the group */
	size_t ngq;
	int *col;      /* [atom * ngq + i]: first column, 0:
					 * known */
	double *known; /* [(atom * ngq + i) * stride + v] */
	size_t stride; /* AU_STATES + max ncat */
	int *ind;
	double *val;
	size_t cap;
	int *objset;
	size_t nobjset;
	struct au_target *targets;
	size_t ntargets;
	double k; /* scratch: a form's known part */
	uint64_t rng;
	/* Certificates (see au_certify): a feasible integer point x of the
	 * whole model and the matrix by columns. */
	uint64_t *sig; /* [atom * ngq + i]: the published
					 * figures counting it, hashed */
	int has_x;
	size_t ncols, nrows;
	double *x;	      /* [col] */
	int *catom, *cq, *cv; /* [col]: atom, group q, variable */
	double *cub;	      /* [col]: upper bound */
	int *cst, *crow;      /* by columns: rows of col j are
					 * crow[cst[j] .. cst[j + 1]) */
	double *cval;
	double *act, *rlo, *rhi; /* [row]: activity at x, bounds */
	double *rdelta, *tcoef;	 /* scratch, zero between uses */
	int *rtouch;
	unsigned char *rmark;
	size_t ntouch;
};

#define AU_MOVE_MAX 24
#define AU_CERT_TRIES 1000 /* move checks per target at most */
#define AU_PAT_MAX 12
#define AU_PATS 4096
#define AU_MAX_STEPS 16

struct au_move {
	int n;
	int col[AU_MOVE_MAX];
	double d[AU_MOVE_MAX];
};

/* Atoms by (question, hash of the figures counting them): twins side
 * by side. */
struct au_sa {
	uint64_t sig;
	size_t atom;
};

/* A move inside one atom: (group question, variable, delta) triples. */
struct au_pat {
	int n;
	int q[AU_PAT_MAX], v[AU_PAT_MAX];
	double d[AU_PAT_MAX];
};

struct au_kept {
	unsigned char d[32];
	size_t suppressed, certified;
};

/* audit.c */
size_t au_root(struct audit *au, size_t q);
void au_digest(const struct audit *au, unsigned y, const size_t *gq, size_t ngq,
    unsigned char out[32]);
const struct au_kept *au_kept_find(const unsigned char d[32]);
void au_keep(const unsigned char d[32], size_t suppressed, size_t certified);

/* audit_lp.c */
size_t au_nvar(const struct au_q *q);
size_t au_col(const struct au_tab *at, size_t qi);
void au_tab_index(struct audit *au, struct au_tab *at);
void au_cell(struct audit_cell *out, enum audit_kind kind,
    const struct au_tab *tb, size_t r, const struct agg_question *q, size_t c,
    double width);
void au_cell_free(struct audit_cell *c);
void au_bad(struct audit_result *res, const struct audit_cell *c);
void au_narrow(struct audit_result *res, size_t max, struct audit_cell *c);
void au_target(struct au_lp *L, int kind, size_t tab, size_t row,
    const struct au_q *q, size_t cat, int n, const char *rowname);
int au_solve_mix(struct au_lp *L, const signed char *sign, int dir, double *out,
    struct audit_result *res, struct err *e);
int au_exact(struct au_lp *L, size_t i, int dir, double *out,
    struct audit_result *res, struct err *e);
int au_cmp_spread(const void *x, const void *y);
int au_group(struct audit *au, unsigned y, size_t g, struct audit_result *res,
    struct err *e);

/* audit_cert.c */
uint64_t au_mix(uint64_t z);
void au_truth_free(struct au_lp *L);
void au_truth(struct au_lp *L);
void au_move_apply(struct au_lp *L, const struct au_move *m, double sign);
int au_cmp_sa(const void *x, const void *y);
int au_step(struct au_lp *L, const struct au_target *t, double dir,
    const struct au_sa *tw, const size_t *twn, const size_t *twpos,
    size_t *budget, struct au_move *out, struct au_pat *pats);
double au_xeval(const struct au_lp *L, const struct au_target *t);
void au_seen(struct au_target *t, double v);
int au_sub(struct au_lp *L, const struct au_target *t, const struct au_sa *tw,
    const size_t *twn, const size_t *twpos, int dir, double want, double *got);

/* audit_decide.c */
int au_decide(struct au_lp *L, struct audit_result *res, struct err *e);

#endif
