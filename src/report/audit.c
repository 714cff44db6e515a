/* audit: for every suppressed cell of every published table, the interval
 * an attacker holding all of them can still place it in, by linear
 * programming (GLPK); and every group whose sensitive answer the tables
 * determine.
 *
 * The model. An atom is the records of one unit, one year and one batch
 * (a release's records are batch 0; interviews that arrived after it and
 * entered a revision are batch 1, and so on). For each atom and question
 * the unknowns are the numbers not shown, skipped, declined and answered
 * (they add up to the number asked, a group size the attacker is given)
 * and the count of each category (single-choice kinds: they add up to
 * the answered; multi: each choice a yes/no cell, at most the answered).
 * Every shown figure says its members' unknowns add up to what it shows;
 * a banded figure (GATE_BAND) says its sensitive count is at least its
 * answered minus t; a follow-up whose show_if is a plain "or" of
 * "question == value" terms is shown to at least each term's count and
 * at most their sum. Atoms shown in a table of their own batch alone are
 * known constants. The LP relaxation is what an attacker can prove; an
 * integer attacker can only do better by rounding, which the pinned test
 * (width below one) already counts as pinned.
 *
 * Protected cells are those of figures hidden as GATE_FEW or GATE_BAND:
 * a category count pinned to a value above zero is a disclosure (pinned
 * at zero says that nobody in the group gave it, which is what the gate
 * allows: it protects that someone gave an answer, not that nobody did).
 * A figure hidden as a complement has k answers or more: working it out
 * is no more than showing it, and any hidden figure it would give away is
 * protected itself. Decomposed by year and by question group (a question
 * with the questions that open it), so that each LP stays small. */
#include "report/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glpk.h>
#include <sodium.h>

#include "util/i18n.h"
#include "util/xmem.h"

#define AU_STATES 4		/* not shown, skipped, declined, answered */
enum { AU_NS, AU_SK, AU_DE, AU_AN };
#define AU_MAXTERMS 16

struct au_code {
	const char *code;
	size_t row;
};

struct au_tab {
	const struct gate_table *t;
	struct au_code *codes;	/* unit rows by code, sorted */
	size_t ncodes;
	size_t *colof;		/* question key -> col, AGG_NONE */
	size_t ncolof;
	char *label;
	int base;		/* index of the base table, -1 */
	int batch;		/* the batch of records new in this table */
	size_t *qk;		/* col -> question key index */
};

/* One question across tables, by form id, id, type and categories. */
struct au_q {
	char *key;
	const struct agg_question *aq;	/* metadata, of the first table */
	const struct gate_table *t0;
	size_t col0;
	size_t group;			/* link group (union-find root) */
	uint64_t sens;			/* sensitive categories */
	size_t band_cat;		/* the one a band speaks of, or -1 */
	size_t nterm;			/* show_if terms: opener q, category */
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
enum { AU_T_CELL, AU_T_SENS, AU_T_AN };

struct au_target {
	int kind;
	size_t tab, row;
	const struct au_q *q;
	size_t cat;
	char *rowname;		/* NULL: the table row's name */
	int n;
	int *ind;
	double *val;
	double k;
	double omin, omax;	/* seen in feasible solutions */
	double lo, hi;		/* exact, when exact */
	int exact;
	int zero;		/* a cell at 0 in a feasible point: never
				 * pinned above zero */
};

/* The LP of one year and question group. */
struct au_lp {
	glp_prob *lp;
	struct audit *au;
	unsigned year;
	struct au_atom *atoms;
	size_t natoms;
	size_t *ah, ahcap;		/* atoms by code and batch: index + 1 */
	size_t *gq;			/* questions of the group */
	size_t ngq;
	int *col;			/* [atom * ngq + i]: first column, 0:
					 * known */
	double *known;			/* [(atom * ngq + i) * stride + v] */
	size_t stride;			/* AU_STATES + max ncat */
	int *ind;
	double *val;
	size_t cap;
	int *objset;
	size_t nobjset;
	struct au_target *targets;
	size_t ntargets;
	double k;			/* scratch: a form's known part */
	uint64_t rng;
	/* Certificates (see au_certify): a feasible integer point x of the
	 * whole model and the matrix by columns. */
	uint64_t *sig;			/* [atom * ngq + i]: the published
					 * figures counting it, hashed */
	int has_x;
	size_t ncols, nrows;
	double *x;			/* [col] */
	int *catom, *cq, *cv;		/* [col]: atom, group q, variable */
	double *cub;			/* [col]: upper bound */
	int *cst, *crow;		/* by columns: rows of col j are
					 * crow[cst[j] .. cst[j + 1]) */
	double *cval;
	double *act, *rlo, *rhi;	/* [row]: activity at x, bounds */
	double *rdelta, *tcoef;		/* scratch, zero between uses */
	int *rtouch;
	unsigned char *rmark;
	size_t ntouch;
};

struct audit *
audit_new(const struct audit_params *p)
{
	struct audit *au = xcalloc(1, sizeof(*au));

	au->max_list = p != NULL && p->max_list ? p->max_list :
	    AUDIT_DEFAULT_LIST;
	au->no_list = p != NULL && p->no_list;
	au->no_certificates = p != NULL && p->no_certificates;
	au->no_cache = p != NULL && p->no_cache;
	return au;
}

void
audit_free(struct audit *au)
{
	size_t i;

	if (au == NULL)
		return;
	for (i = 0; i < au->ntabs; i++) {
		free(au->tabs[i].label);
		free(au->tabs[i].qk);
		free(au->tabs[i].codes);
		free(au->tabs[i].colof);
	}
	for (i = 0; i < au->nqs; i++)
		free(au->qs[i].key);
	free(au->tabs);
	free(au->qs);
	free(au);
}

static char *
au_qkey(const struct agg_question *q)
{
	return xasprintf("%s\037%s\037%d\037%zu", q->form_id, q->id,
	    (int)q->type, q->ncat);
}

static size_t
au_find_q(struct audit *au, const char *key)
{
	size_t i;

	for (i = 0; i < au->nqs; i++)
		if (strcmp(au->qs[i].key, key) == 0)
			return i;
	return AGG_NONE;
}

/* Category of value text v of question q, or AGG_NONE. */
static size_t
au_cat_of(const struct agg_question *q, const char *v)
{
	size_t c;
	long n;
	char *end;

	switch (q->type) {
	case FORM_SINGLE:
	case FORM_MULTI:
		for (c = 0; c < q->ncat; c++)
			if (q->cat_ids != NULL && strcmp(q->cat_ids[c], v) == 0)
				return c;
		return AGG_NONE;
	case FORM_YESNO:
		return strcmp(v, "yes") == 0 ? 1 : strcmp(v, "no") == 0 ? 0 :
		    AGG_NONE;
	case FORM_SCALE:
	case FORM_NPS:
		n = strtol(v, &end, 10);
		if (*end != '\0' || n < q->min || n > q->max)
			return AGG_NONE;
		return (size_t)(n - q->min);
	default:
		return AGG_NONE;
	}
}

/* The terms of a show_if that is a plain "or" of "id == v" and "id in
 * [v, ...]": found from its canonical text; anything else links nothing
 * (the gate still hides the follow-up wherever an opener is hidden). */
static void
au_terms(struct audit *au, struct au_q *fq)
{
	const struct agg_question *aq = fq->aq;
	const struct form *f = aq->form;
	const struct form_question *q;
	const struct form_expr *x;
	char *s, *p, *w, *save = NULL;
	size_t i, n = 0;
	int ok = 1;

	if (f == NULL || aq->fq >= f->nquestions)
		return;
	q = &f->questions[aq->fq];
	x = q->show_if;
	if (q->section < f->nsections && f->sections[q->section].show_if) {
		if (x != NULL)
			return;
		x = f->sections[q->section].show_if;
	}
	if (x == NULL)
		return;
	s = form_expr_str(x, f);
	if (strstr(s, " and ") || strstr(s, "not ") || strstr(s, "!=") ||
	    strchr(s, '<') || strchr(s, '>')) {
		free(s);
		return;
	}
	/* "((a == x) or (b in [y, z]))" -> "a == x or b in y z" */
	for (p = w = s; *p; p++)
		if (*p != '(' && *p != ')' && *p != '[' && *p != ']' &&
		    *p != ',')
			*w++ = *p;
	*w = '\0';
	p = s;
	while (ok && p != NULL && *p != '\0') {
		char *term = p, *id, *op, *v;
		const struct agg_question *oq;
		size_t oi, c;

		p = strstr(p, " or ");
		if (p != NULL) {
			*p = '\0';
			p += 4;
		}
		id = strtok_r(term, " ", &save);
		op = strtok_r(NULL, " ", &save);
		if (id == NULL || op == NULL || (strcmp(op, "==") != 0 &&
		    strcmp(op, "in") != 0)) {
			ok = 0;
			break;
		}
		oi = AGG_NONE;
		for (i = 0; i < agg_nquestions(fq->t0->agg); i++) {
			oq = agg_question(fq->t0->agg, i);
			if (strcmp(oq->form_id, aq->form_id) == 0 &&
			    strcmp(oq->id, id) == 0) {
				char *k = au_qkey(oq);

				oi = au_find_q(au, k);
				free(k);
				break;
			}
		}
		if (oi == AGG_NONE) {
			ok = 0;
			break;
		}
		while ((v = strtok_r(NULL, " ", &save)) != NULL) {
			c = au_cat_of(au->qs[oi].aq, v);
			if (c == AGG_NONE || n == AU_MAXTERMS) {
				ok = 0;
				break;
			}
			fq->term_q[n] = oi;
			fq->term_c[n++] = c;
		}
	}
	free(s);
	fq->nterm = ok ? n : 0;
}

int
audit_add(struct audit *au, const struct gate_table *t, const char *label,
    const struct gate_table *base, struct err *e)
{
	struct au_tab *at;
	size_t c, i;

	if (t == NULL || t->agg == NULL)
		return err_setc(e, ERR_USAGE, _("a table without its questions "
		    "cannot be audited"));
	au->tabs = xreallocarray(au->tabs, au->ntabs + 1, sizeof(*au->tabs));
	at = &au->tabs[au->ntabs];
	memset(at, 0, sizeof(*at));
	at->t = t;
	at->label = xstrdup(label != NULL ? label : "");
	at->base = -1;
	for (i = 0; base != NULL && i < au->ntabs; i++)
		if (au->tabs[i].t == base)
			at->base = (int)i;
	if (base != NULL && at->base < 0)
		return err_setc(e, ERR_USAGE, _("the base of a revision must "
		    "be added to the audit first"));
	at->batch = au->nbatch++;
	at->qk = xcalloc(t->ncols ? t->ncols : 1, sizeof(*at->qk));
	for (c = 0; c < t->ncols; c++) {
		const struct agg_question *aq = agg_question(t->agg, c);
		char *k = au_qkey(aq);
		size_t qi = au_find_q(au, k);

		if (qi == AGG_NONE) {
			struct au_q *q;

			au->qs = xreallocarray(au->qs, au->nqs + 1,
			    sizeof(*au->qs));
			q = &au->qs[au->nqs];
			memset(q, 0, sizeof(*q));
			q->key = k;
			q->aq = aq;
			q->t0 = t;
			q->col0 = c;
			q->group = au->nqs;
			q->sens = gate_sensitive_cats(aq);
			q->band_cat = AGG_NONE;
			if (q->sens != 0 && (q->sens & (q->sens - 1)) == 0)
				for (q->band_cat = 0; !(q->sens &
				    ((uint64_t)1 << q->band_cat));
				    q->band_cat++)
					;
			qi = au->nqs++;
		} else {
			free(k);
		}
		at->qk[c] = qi;
	}
	au->ntabs++;
	return 0;
}

int
audit_add_late(struct audit *au, const struct gate_table *g,
    const char *label, const struct gate_table *of, struct err *e)
{
	size_t i;
	int batch = -1;

	for (i = 0; of != NULL && i < au->ntabs; i++)
		if (au->tabs[i].t == of && au->tabs[i].base >= 0)
			batch = au->tabs[i].batch;
	if (batch < 0 || g == NULL || g->year != of->year)
		return err_setc(e, ERR_USAGE, _("the difference of a "
		    "revision must follow the revision, added with its base"));
	if (audit_add(au, g, label, NULL, e) != 0)
		return -1;
	au->nbatch--;
	au->tabs[au->ntabs - 1].batch = batch;
	return 0;
}

static size_t
au_root(struct audit *au, size_t q)
{
	while (au->qs[q].group != q)
		q = au->qs[q].group = au->qs[au->qs[q].group].group;
	return q;
}

/* ---- one LP ------------------------------------------------------------ */

static size_t
au_nvar(const struct au_q *q)
{
	return AU_STATES + q->aq->ncat;
}

static int
au_cmp_code(const void *x, const void *y)
{
	const struct au_code *a = x, *b = y;

	return strcmp(a->code, b->code);
}

/* The unit row of code in table at, or AGG_NONE (binary search). */
static size_t
au_row_of(const struct au_tab *at, const char *code)
{
	struct au_code key, *hit;

	key.code = code;
	hit = bsearch(&key, at->codes, at->ncodes, sizeof(*at->codes),
	    au_cmp_code);
	return hit != NULL ? hit->row : AGG_NONE;
}

/* Column of table tab for question key qi, or AGG_NONE. */
static size_t
au_col(const struct au_tab *at, size_t qi)
{
	return qi < at->ncolof ? at->colof[qi] : AGG_NONE;
}

/* Lookups of table tab: unit rows by code, columns by question key. */
static void
au_tab_index(struct audit *au, struct au_tab *at)
{
	size_t r, c;

	free(at->codes);
	free(at->colof);
	at->codes = xcalloc(at->t->nrows + 1, sizeof(*at->codes));
	at->ncodes = 0;
	for (r = 0; r < at->t->nrows; r++)
		if (at->t->rows[r].kind == GATE_ROW_UNIT) {
			at->codes[at->ncodes].code = at->t->rows[r].code;
			at->codes[at->ncodes++].row = r;
		}
	qsort(at->codes, at->ncodes, sizeof(*at->codes), au_cmp_code);
	at->ncolof = au->nqs;
	at->colof = xcalloc(au->nqs + 1, sizeof(*at->colof));
	for (c = 0; c < au->nqs; c++)
		at->colof[c] = AGG_NONE;
	for (c = at->t->ncols; c-- > 0;)
		at->colof[at->qk[c]] = c;
}

static uint64_t
au_hash(const char *s, int batch)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)(unsigned)batch;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static size_t
au_atom(struct au_lp *L, const char *code, int batch, size_t tab)
{
	size_t i, m;

	if (L->natoms * 2 + 2 > L->ahcap) {
		free(L->ah);
		L->ahcap = L->ahcap ? L->ahcap * 4 : 256;
		L->ah = xcalloc(L->ahcap, sizeof(*L->ah));
		for (i = 0; i < L->natoms; i++) {
			m = (size_t)au_hash(L->atoms[i].code,
			    L->atoms[i].batch) & (L->ahcap - 1);
			while (L->ah[m] != 0)
				m = (m + 1) & (L->ahcap - 1);
			L->ah[m] = i + 1;
		}
	}
	m = (size_t)au_hash(code, batch) & (L->ahcap - 1);
	while (L->ah[m] != 0) {
		i = L->ah[m] - 1;
		if (L->atoms[i].batch == batch &&
		    strcmp(L->atoms[i].code, code) == 0)
			return i;
		m = (m + 1) & (L->ahcap - 1);
	}
	L->ah[m] = L->natoms + 1;
	L->atoms = xreallocarray(L->atoms, L->natoms + 1, sizeof(*L->atoms));
	L->atoms[L->natoms].code = code;
	L->atoms[L->natoms].batch = batch;
	L->atoms[L->natoms].tab = tab;
	return L->natoms++;
}

/* The batches table tab counts: its own and its bases'. */
static size_t
au_batches(const struct audit *au, size_t tab, int *out)
{
	size_t n = 0;
	int i = (int)tab;

	while (i >= 0) {
		out[n++] = au->tabs[i].batch;
		i = au->tabs[i].base;
	}
	return n;
}

static void
au_reserve(struct au_lp *L, size_t n)
{
	if (n + 1 <= L->cap)
		return;
	L->cap = (n + 1) * 2;
	L->ind = xreallocarray(L->ind, L->cap, sizeof(*L->ind));
	L->val = xreallocarray(L->val, L->cap, sizeof(*L->val));
}

/* Atom a's asked count of group question i (its size). */
static double
au_asked(struct au_lp *L, size_t a, size_t i)
{
	const struct au_atom *at = &L->atoms[a];
	const struct au_tab *tb = &L->au->tabs[at->tab];
	size_t qi = L->gq[i], c = au_col(tb, qi), r;
	double n;

	if (c == AGG_NONE || (r = au_row_of(tb, at->code)) == AGG_NONE)
		return 0;
	n = tb->t->asked[r * tb->t->ncols + c];
	if (tb->base >= 0) {
		const struct au_tab *bt = &L->au->tabs[tb->base];
		size_t bc = au_col(bt, qi), br = au_row_of(bt, at->code);

		if (bc != AGG_NONE && br != AGG_NONE)
			n -= bt->t->asked[br * bt->t->ncols + bc];
	}
	return n > 0 ? n : 0;
}

/* Unknowns of each atom and question, or constants where the atom's own
 * table shows it and nothing else counts its records. */
static void
au_vars(struct au_lp *L)
{
	size_t a, i, v, c;
	int ind[3];
	double val[3];

	L->col = xcalloc(L->natoms * L->ngq + 1, sizeof(*L->col));
	L->known = xcalloc((L->natoms * L->ngq + 1) * L->stride,
	    sizeof(*L->known));
	for (a = 0; a < L->natoms; a++) {
		const struct au_tab *tb = &L->au->tabs[L->atoms[a].tab];

		for (i = 0; i < L->ngq; i++) {
			const struct au_q *q = &L->au->qs[L->gq[i]];
			size_t col = au_col(tb, L->gq[i]);
			size_t r = au_row_of(tb, L->atoms[a].code);
			double n = au_asked(L, a, i), *k;
			int first, row;

			k = &L->known[(a * L->ngq + i) * L->stride];
			if (col != AGG_NONE && r != AGG_NONE && tb->base < 0) {
				const struct gate_fig *f =
				    gate_fig(tb->t, r, col);

				if (f->reason == GATE_SHOWN ||
				    f->reason == GATE_NO_DATA) {
					k[AU_NS] = f->notshown;
					k[AU_SK] = f->skipped;
					k[AU_DE] = f->declined;
					k[AU_AN] = f->answered;
					for (c = 0; c < q->aq->ncat &&
					    f->counts != NULL; c++)
						k[AU_STATES + c] = f->counts[c];
					continue;
				}
			}
			first = glp_add_cols(L->lp, (int)au_nvar(q));
			L->col[a * L->ngq + i] = first;
			for (v = 0; v < au_nvar(q); v++)
				glp_set_col_bnds(L->lp, first + (int)v,
				    n > 0 ? GLP_DB : GLP_FX, 0, n);
			/* states add up to the number asked */
			au_reserve(L, AU_STATES + q->aq->ncat);
			for (v = 0; v < AU_STATES; v++) {
				L->ind[v + 1] = first + (int)v;
				L->val[v + 1] = 1;
			}
			row = glp_add_rows(L->lp, 1);
			glp_set_mat_row(L->lp, row, AU_STATES, L->ind, L->val);
			glp_set_row_bnds(L->lp, row, GLP_FX, n, n);
			if (q->aq->ncat == 0)
				continue;
			if (q->aq->type != FORM_MULTI) {
				/* categories add up to the answered */
				for (c = 0; c < q->aq->ncat; c++) {
					L->ind[c + 1] = first + AU_STATES +
					    (int)c;
					L->val[c + 1] = 1;
				}
				L->ind[c + 1] = first + AU_AN;
				L->val[c + 1] = -1;
				row = glp_add_rows(L->lp, 1);
				glp_set_mat_row(L->lp, row,
				    (int)q->aq->ncat + 1, L->ind, L->val);
				glp_set_row_bnds(L->lp, row, GLP_FX, 0, 0);
				continue;
			}
			/* multi: each choice at most the answered */
			for (c = 0; c < q->aq->ncat; c++) {
				ind[1] = first + AU_STATES + (int)c;
				val[1] = 1;
				ind[2] = first + AU_AN;
				val[2] = -1;
				row = glp_add_rows(L->lp, 1);
				glp_set_mat_row(L->lp, row, 2, ind, val);
				glp_set_row_bnds(L->lp, row, GLP_UP, 0, 0);
			}
		}
	}
}

/* A linear form over the atoms of a figure: sum of unknown v (or of an
 * and minus cat when band) of question i; the known part goes to *k. */
static int
au_form(struct au_lp *L, const size_t *atoms, size_t na, size_t i,
    size_t v, size_t vneg, double *k)
{
	size_t j;
	int n = 0;

	au_reserve(L, 2 * na);
	*k = 0;
	for (j = 0; j < na; j++) {
		size_t a = atoms[j];
		int c0 = L->col[a * L->ngq + i];
		const double *kn = &L->known[(a * L->ngq + i) * L->stride];

		if (c0 == 0) {
			*k += kn[v] - (vneg != AGG_NONE ? kn[vneg] : 0);
			continue;
		}
		L->ind[++n] = c0 + (int)v;
		L->val[n] = 1;
		if (vneg != AGG_NONE) {
			L->ind[++n] = c0 + (int)vneg;
			L->val[n] = -1;
		}
	}
	return n;
}

static void
au_fix(struct au_lp *L, const size_t *atoms, size_t na, size_t i, size_t v,
    double value)
{
	double k;
	int n = au_form(L, atoms, na, i, v, AGG_NONE, &k), row;

	if (n == 0)
		return;
	row = glp_add_rows(L->lp, 1);
	glp_set_mat_row(L->lp, row, n, L->ind, L->val);
	glp_set_row_bnds(L->lp, row, GLP_FX, value - k, value - k);
}

/* The atoms of figure (row, col) of table tab. */
static size_t
au_fig_atoms(struct au_lp *L, size_t tab, size_t row, size_t col,
    size_t *out, size_t *units)
{
	const struct gate_table *t = L->au->tabs[tab].t;
	int batches[64];
	size_t nu = gate_fig_members(t, row, col, units), nb, j, b, n = 0;

	nb = au_batches(L->au, tab, batches);
	for (j = 0; j < nu; j++) {
		size_t r = gate_row_unit(t, units[j]);

		for (b = 0; b < nb; b++)
			out[n++] = au_atom(L, t->rows[r].code, batches[b],
			    tab);
	}
	return n;
}

/* ---- findings ---------------------------------------------------------- */

static char *
au_rowname(const struct gate_table *t, size_t r)
{
	const struct gate_row *w = &t->rows[r];

	switch (w->kind) {
	case GATE_ROW_REGION:
		return xstrdup("region");
	case GATE_ROW_AREA:
		return w->area != NULL ? xasprintf("area %s", w->area) :
		    xstrdup("units without an area");
	case GATE_ROW_UNIT:
		return xstrdup(w->code);
	default:
		if (w->area_ix == AGG_NONE)
			return xstrdup("other units");
		return w->area != NULL ? xasprintf("other units of %s",
		    w->area) : xstrdup("other units without an area");
	}
}

static char *
au_catname(const struct agg_question *q, size_t c)
{
	if (c == AGG_NONE)
		return NULL;
	switch (q->type) {
	case FORM_SINGLE:
	case FORM_MULTI:
		return xstrdup(q->cat_ids[c]);
	case FORM_YESNO:
		return xstrdup(c ? "yes" : "no");
	default:
		return xasprintf("%ld", (long)q->min + (long)c);
	}
}

static void
au_cell(struct audit_cell *out, enum audit_kind kind, const struct au_tab *tb,
    size_t r, const struct agg_question *q, size_t c, double width)
{
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->year = tb->t->year;
	out->release = xstrdup(tb->label);
	out->row = au_rowname(tb->t, r);
	out->question = q != NULL ? xstrdup(q->id) : NULL;
	out->category = q != NULL ? au_catname(q, c) : NULL;
	out->width = width;
}

static void
au_cell_free(struct audit_cell *c)
{
	free(c->release);
	free(c->row);
	free(c->question);
	free(c->category);
}

static void
au_bad(struct audit_result *res, const struct audit_cell *c)
{
	res->bad = xreallocarray(res->bad, res->nbad + 1, sizeof(*res->bad));
	res->bad[res->nbad++] = *c;
}

/* Keep the max narrowest, widest last. */
static void
au_narrow(struct audit_result *res, size_t max, struct audit_cell *c)
{
	size_t i;

	if (res->nnarrow == max && max > 0 &&
	    c->width >= res->narrow[max - 1].width) {
		au_cell_free(c);
		return;
	}
	if (res->nnarrow == max) {
		au_cell_free(&res->narrow[max - 1]);
		res->nnarrow--;
	}
	res->narrow = xreallocarray(res->narrow, res->nnarrow + 1,
	    sizeof(*res->narrow));
	for (i = res->nnarrow; i > 0 && res->narrow[i - 1].width > c->width;
	    i--)
		res->narrow[i] = res->narrow[i - 1];
	res->narrow[i] = *c;
	res->nnarrow++;
}

static int
au_solve(struct au_lp *L, int dir, const int *ind, const double *val,
    int n, double *out, struct audit_result *res, struct err *e)
{
	glp_smcp parm;
	int j, rc;

	for (j = 0; j < (int)L->nobjset; j++)
		glp_set_obj_coef(L->lp, L->objset[j], 0);
	L->objset = xreallocarray(L->objset, (size_t)n + 1,
	    sizeof(*L->objset));
	L->nobjset = 0;
	for (j = 1; j <= n; j++) {
		glp_set_obj_coef(L->lp, ind[j], glp_get_obj_coef(L->lp,
		    ind[j]) + val[j]);
		L->objset[L->nobjset++] = ind[j];
	}
	glp_set_obj_dir(L->lp, dir);
	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	rc = glp_simplex(L->lp, &parm);
	if (rc == GLP_EBADB || rc == GLP_ESING || rc == GLP_ECOND) {
		glp_adv_basis(L->lp, 0);
		rc = glp_simplex(L->lp, &parm);
	}
	res->lps++;
	if (rc != 0 || glp_get_status(L->lp) != GLP_OPT)
		return err_setc(e, ERR_SOFTWARE, _("the disclosure audit could "
		    "not solve its model of the published tables (GLPK %d, "
		    "status %d): report this as a bug"), rc,
		    glp_get_status(L->lp));
	*out = glp_get_obj_val(L->lp);
	return 0;
}

static int
au_protected(enum gate_reason r)
{
	return r == GATE_FEW || r == GATE_BAND;
}


/* Record a target from the form in L->ind/val (n terms) and L->k. */
static void
au_target(struct au_lp *L, int kind, size_t tab, size_t row,
    const struct au_q *q, size_t cat, int n, const char *rowname)
{
	struct au_target *t;

	L->targets = xreallocarray(L->targets, L->ntargets + 1,
	    sizeof(*L->targets));
	t = &L->targets[L->ntargets++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->tab = tab;
	t->row = row;
	t->q = q;
	t->cat = cat;
	t->rowname = rowname != NULL ? xstrdup(rowname) : NULL;
	t->n = n;
	t->k = L->k;
	t->ind = xcalloc((size_t)n + 1, sizeof(*t->ind));
	t->val = xcalloc((size_t)n + 1, sizeof(*t->val));
	if (n > 0) {
		memcpy(t->ind, L->ind, ((size_t)n + 1) * sizeof(*t->ind));
		memcpy(t->val, L->val, ((size_t)n + 1) * sizeof(*t->val));
	}
	t->omin = 1e300;
	t->omax = -1e300;
}

static double
au_eval(const struct au_lp *L, const struct au_target *t)
{
	double v = t->k;
	int j;

	for (j = 1; j <= t->n; j++)
		v += t->val[j] * glp_get_col_prim(L->lp, t->ind[j]);
	return v;
}

static void
au_observe(struct au_lp *L)
{
	size_t i;
	double v;

	for (i = 0; i < L->ntargets; i++) {
		v = au_eval(L, &L->targets[i]);
		if (v < L->targets[i].omin)
			L->targets[i].omin = v;
		if (v > L->targets[i].omax)
			L->targets[i].omax = v;
	}
}

/* Minimise sum of sign_i * form_i over the targets picked (sign 0: not
 * in it); every solution found is observed for all targets. */
static int
au_solve_mix(struct au_lp *L, const signed char *sign, int dir, double *out,
    struct audit_result *res, struct err *e)
{
	int ncol = glp_get_num_cols(L->lp), j, *ind;
	double *coef, *val;
	size_t i;
	int n = 0, rc;

	coef = xcalloc((size_t)ncol + 1, sizeof(*coef));
	for (i = 0; i < L->ntargets; i++)
		for (j = 1; sign[i] != 0 && j <= L->targets[i].n; j++)
			coef[L->targets[i].ind[j]] += sign[i] *
			    L->targets[i].val[j];
	ind = xcalloc((size_t)ncol + 1, sizeof(*ind));
	val = xcalloc((size_t)ncol + 1, sizeof(*val));
	for (j = 1; j <= ncol; j++)
		if (coef[j] != 0) {
			ind[++n] = j;
			val[n] = coef[j];
		}
	rc = au_solve(L, dir, ind, val, n, out, res, e);
	if (rc == 0)
		au_observe(L);
	free(coef);
	free(ind);
	free(val);
	return rc;
}

/* Exact min or max of target i alone. */
static int
au_exact(struct au_lp *L, size_t i, int dir, double *out,
    struct audit_result *res, struct err *e)
{
	struct au_target *t = &L->targets[i];
	int rc;

	if (t->n == 0) {
		*out = t->k;
		return 0;
	}
	rc = au_solve(L, dir, t->ind, t->val, t->n, out, res, e);
	if (rc == 0) {
		au_observe(L);
		*out += t->k;
	}
	return rc;
}

static int
au_cmp_spread(const void *x, const void *y)
{
	const struct au_target *a = *(const struct au_target *const *)x;
	const struct au_target *b = *(const struct au_target *const *)y;
	double wa = a->exact ? a->hi - a->lo : a->omax - a->omin;
	double wb = b->exact ? b->hi - b->lo : b->omax - b->omin;

	return wa < wb ? -1 : wa > wb;
}

/* ---- certificates -------------------------------------------------------
 *
 * Most suppressed cells are decided without an LP. The records' own
 * figures are a feasible integer point x of the model (read from the agg
 * of a first release; checked against every row and bound of the LP, so
 * a point that is not feasible, as when the load holds late arrivals,
 * is never used: that year and group then go to GLPK as before). A cell
 * that is 0 at x can never be pinned above zero. A cell above zero is
 * not pinned if a move d of integers keeps x + d feasible (every row and
 * bound checked) and changes the cell: one unit of a category moved to
 * another category or state inside one atom, and the reverse inside a
 * partner atom counted by the same published figures (a "twin", found by
 * a hash of the figures that count it; the check decides, not the
 * hash). x and x + d are two feasible integer points with different
 * values of the cell: not pinned, exactly, without rounding. A sensitive
 * group is not determined if x, or x moved step by step, has t members
 * or more without the sensitive answer. What no move decides goes to the
 * LP below. */

#define AU_MOVE_MAX 24
#define AU_CERT_TRIES 1000	/* move checks per target at most */

struct au_move {
	int n;
	int col[AU_MOVE_MAX];
	double d[AU_MOVE_MAX];
};

static uint64_t
au_mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void
au_truth_free(struct au_lp *L)
{
	free(L->x);
	free(L->catom);
	free(L->cq);
	free(L->cv);
	free(L->cub);
	free(L->cst);
	free(L->crow);
	free(L->cval);
	free(L->act);
	free(L->rlo);
	free(L->rhi);
	free(L->rdelta);
	free(L->tcoef);
	free(L->rtouch);
	free(L->rmark);
	L->x = L->cub = L->cval = L->act = L->rlo = L->rhi = L->rdelta =
	    L->tcoef = NULL;
	L->catom = L->cq = L->cv = L->cst = L->crow = L->rtouch = NULL;
	L->rmark = NULL;
	L->has_x = 0;
}

/* Value v of the agg cell c (NULL: no records). */
static double
au_cellval(const struct agg_cell *c, size_t v)
{
	if (c == NULL)
		return 0;
	switch (v) {
	case AU_NS:
		return c->notshown;
	case AU_SK:
		return c->skipped;
	case AU_DE:
		return c->declined;
	case AU_AN:
		return c->answered;
	default:
		return c->counts != NULL ? c->counts[v - AU_STATES] : 0;
	}
}

/* Value v of question key qk in unit code as table tab counts it: its
 * agg less its minus, less its base's (a revision's new records). 0 and
 * *ok cleared if that cannot be read. */
static double
au_tval(const struct audit *au, int tab, const char *code, unsigned year,
    size_t qk, size_t v, int *ok)
{
	const struct au_tab *tb = &au->tabs[tab];
	const struct agg *m = tb->t->minus;
	size_t col = au_col(tb, qk), u, um;
	double x;

	if (col == AGG_NONE)
		return 0;	/* not asked there: fixed at 0 */
	u = agg_unit_find(tb->t->agg, code);
	if (u == AGG_NONE) {
		*ok = 0;
		return 0;
	}
	x = au_cellval(agg_cell(tb->t->agg, u, year, col), v);
	if (m != NULL) {
		if (agg_nquestions(m) != agg_nquestions(tb->t->agg) ||
		    strcmp(agg_question(m, col)->id,
		    agg_question(tb->t->agg, col)->id) != 0 ||
		    (um = agg_unit_find(m, code)) == AGG_NONE) {
			*ok = 0;
			return 0;
		}
		x -= au_cellval(agg_cell(m, um, year, col), v);
	}
	if (tb->base >= 0)
		x -= au_tval(au, tb->base, code, year, qk, v, ok);
	return x;
}

/* x from the records, the matrix by columns, and the check that x is
 * feasible. Sets L->has_x. */
static void
au_truth(struct au_lp *L)
{
	struct audit *au = L->au;
	int nc = glp_get_num_cols(L->lp), nr = glp_get_num_rows(L->lp);
	int j, p, n, *ind, ok = 1;
	double *val;
	size_t a, i, v, nnz = 0, cap;

	L->has_x = 0;
	if (nc == 0)
		return;
	L->ncols = (size_t)nc;
	L->nrows = (size_t)nr;
	L->x = xcalloc((size_t)nc + 1, sizeof(*L->x));
	L->catom = xcalloc((size_t)nc + 1, sizeof(*L->catom));
	L->cq = xcalloc((size_t)nc + 1, sizeof(*L->cq));
	L->cv = xcalloc((size_t)nc + 1, sizeof(*L->cv));
	L->cub = xcalloc((size_t)nc + 1, sizeof(*L->cub));
	for (a = 0; a < L->natoms && ok; a++) {
		for (i = 0; i < L->ngq && ok; i++) {
			int c0 = L->col[a * L->ngq + i];

			if (c0 == 0)
				continue;
			for (v = 0; v < au_nvar(&au->qs[L->gq[i]]); v++) {
				L->catom[c0 + (int)v] = (int)a;
				L->cq[c0 + (int)v] = (int)i;
				L->cv[c0 + (int)v] = (int)v;
				L->x[c0 + (int)v] = au_tval(au,
				    (int)L->atoms[a].tab, L->atoms[a].code,
				    L->year, L->gq[i], v, &ok);
			}
		}
	}
	if (!ok) {
		au_truth_free(L);
		return;
	}
	ind = xcalloc((size_t)nr + 1, sizeof(*ind));
	val = xcalloc((size_t)nr + 1, sizeof(*val));
	cap = (size_t)nc * 8 + 16;
	L->cst = xcalloc((size_t)nc + 2, sizeof(*L->cst));
	L->crow = xcalloc(cap, sizeof(*L->crow));
	L->cval = xcalloc(cap, sizeof(*L->cval));
	L->act = xcalloc((size_t)nr + 1, sizeof(*L->act));
	L->rlo = xcalloc((size_t)nr + 1, sizeof(*L->rlo));
	L->rhi = xcalloc((size_t)nr + 1, sizeof(*L->rhi));
	for (j = 1; j <= nc; j++) {
		L->cst[j] = (int)nnz;
		L->cub[j] = glp_get_col_ub(L->lp, j);
		if (glp_get_col_type(L->lp, j) == GLP_FX)
			L->cub[j] = glp_get_col_lb(L->lp, j);
		if (L->x[j] < -1e-9 || L->x[j] > L->cub[j] + 1e-9)
			ok = 0;
		n = glp_get_mat_col(L->lp, j, ind, val);
		if (nnz + (size_t)n > cap) {
			cap = (nnz + (size_t)n) * 2;
			L->crow = xreallocarray(L->crow, cap,
			    sizeof(*L->crow));
			L->cval = xreallocarray(L->cval, cap,
			    sizeof(*L->cval));
		}
		for (p = 1; p <= n; p++) {
			L->crow[nnz] = ind[p];
			L->cval[nnz++] = val[p];
			L->act[ind[p]] += val[p] * L->x[j];
		}
	}
	L->cst[nc + 1] = (int)nnz;
	for (j = 1; j <= nr; j++) {
		int type = glp_get_row_type(L->lp, j);

		L->rlo[j] = type == GLP_FR || type == GLP_UP ? -1e300 :
		    glp_get_row_lb(L->lp, j);
		L->rhi[j] = type == GLP_FR || type == GLP_LO ? 1e300 :
		    glp_get_row_ub(L->lp, j);
		if (L->act[j] < L->rlo[j] - 1e-6 ||
		    L->act[j] > L->rhi[j] + 1e-6)
			ok = 0;
	}
	free(ind);
	free(val);
	L->rdelta = xcalloc((size_t)nr + 1, sizeof(*L->rdelta));
	L->rtouch = xcalloc((size_t)nr + 1, sizeof(*L->rtouch));
	L->rmark = xcalloc((size_t)nr + 1, 1);
	L->tcoef = xcalloc((size_t)nc + 1, sizeof(*L->tcoef));
	if (!ok) {
		au_truth_free(L);
		return;
	}
	L->has_x = 1;
}

/* 1 if x + m is feasible: every bound and every row m touches. */
static int
au_move_ok(struct au_lp *L, const struct au_move *m)
{
	int k, p, r, ok = 1;
	size_t t;

	for (k = 0; k < m->n; k++) {
		double nx = L->x[m->col[k]] + m->d[k];

		if (nx < -1e-9 || nx > L->cub[m->col[k]] + 1e-9)
			return 0;
	}
	L->ntouch = 0;
	for (k = 0; k < m->n; k++)
		for (p = L->cst[m->col[k]]; p < L->cst[m->col[k] + 1]; p++) {
			r = L->crow[p];
			if (!L->rmark[r]) {
				L->rmark[r] = 1;
				L->rtouch[L->ntouch++] = r;
			}
			L->rdelta[r] += L->cval[p] * m->d[k];
		}
	for (t = 0; t < L->ntouch; t++) {
		double nv;

		r = L->rtouch[t];
		nv = L->act[r] + L->rdelta[r];
		if (nv < L->rlo[r] - 1e-6 || nv > L->rhi[r] + 1e-6)
			ok = 0;
		L->rdelta[r] = 0;
		L->rmark[r] = 0;
	}
	return ok;
}

static void
au_move_apply(struct au_lp *L, const struct au_move *m, double sign)
{
	int k, p;

	for (k = 0; k < m->n; k++) {
		L->x[m->col[k]] += sign * m->d[k];
		for (p = L->cst[m->col[k]]; p < L->cst[m->col[k] + 1]; p++)
			L->act[L->crow[p]] += sign * L->cval[p] * m->d[k];
	}
}

static void
au_move_add(struct au_move *m, int col, double d)
{
	int k;

	for (k = 0; k < m->n; k++)
		if (m->col[k] == col) {
			m->d[k] += d;
			return;
		}
	if (m->n < AU_MOVE_MAX) {
		m->col[m->n] = col;
		m->d[m->n++] = d;
	}
}

/* The patterns inside one atom that change variable v of question q by
 * D and keep the atom's own sums: into pat (variables, deltas), at most
 * max; returns how many. Each pattern is up to 3 (var, delta) pairs. */
static size_t
au_patterns(const struct au_q *q, int v, double D, int pv[][3],
    double pd[][3], int pn[], size_t max)
{
	size_t n = 0, ncat = q->aq->ncat;
	int multi = q->aq->type == FORM_MULTI, w, s;

#define AU_PAT(a, da, b, db, c, dc, k) do { if (n < max) { \
	pv[n][0] = (a); pd[n][0] = (da); pv[n][1] = (b); pd[n][1] = (db); \
	pv[n][2] = (c); pd[n][2] = (dc); pn[n++] = (k); } } while (0)
	if (v >= AU_STATES) {
		if (multi)
			AU_PAT(v, D, 0, 0, 0, 0, 1);
		for (w = AU_STATES; w < AU_STATES + (int)ncat; w++)
			if (w != v)
				AU_PAT(v, D, w, -D, 0, 0, 2);
		for (s = 0; !multi && s < AU_AN; s++)
			AU_PAT(v, D, AU_AN, D, s, -D, 3);
		if (multi)
			for (s = 0; s < AU_AN; s++)
				AU_PAT(v, D, AU_AN, D, s, -D, 3);
		return n;
	}
	for (s = 0; s < AU_STATES; s++) {
		if (s == v)
			continue;
		if (v == AU_AN && !multi && ncat > 0) {
			for (w = AU_STATES; w < AU_STATES + (int)ncat; w++)
				AU_PAT(v, D, s, -D, w, D, 3);
		} else if (s == AU_AN && !multi && ncat > 0) {
			for (w = AU_STATES; w < AU_STATES + (int)ncat; w++)
				AU_PAT(v, D, s, -D, w, -D, 3);
		} else {
			AU_PAT(v, D, s, -D, 0, 0, 2);
		}
	}
#undef AU_PAT
	return n;
}

/* Atoms by (question, hash of the figures counting them): twins side
 * by side. */
struct au_sa {
	uint64_t sig;
	size_t atom;
};

static int
au_cmp_sa(const void *x, const void *y)
{
	const struct au_sa *a = x, *b = y;

	if (a->sig != b->sig)
		return a->sig < b->sig ? -1 : 1;
	return a->atom < b->atom ? -1 : a->atom > b->atom;
}

/* A move inside one atom: (group question, variable, delta) triples. */
#define AU_PAT_MAX 12
struct au_pat {
	int n;
	int q[AU_PAT_MAX], v[AU_PAT_MAX];
	double d[AU_PAT_MAX];
};

/* Append the triples of au_patterns' pattern k to o. */
static void
au_pat_cat(struct au_pat *o, int q, int pv[][3], double pd[][3],
    const int pn[], size_t k)
{
	int j;

	for (j = 0; j < pn[k] && o->n < AU_PAT_MAX; j++) {
		o->q[o->n] = q;
		o->v[o->n] = pv[k][j];
		o->d[o->n++] = pd[k][j];
	}
}

/* Every follow-up (but skip) of a category of opener io that base moves,
 * moved by one of its "not shown" patterns (against the opener's net
 * change; both ways if that is none) or left alone, appended to base:
 * into out from *n (at most max). */
static void
au_pat_follow(const struct au_lp *L, const struct au_pat *base, int from,
    int io, int skip, struct au_pat *out, size_t *n, size_t max)
{
	int pv[64][3], pn[64];
	double pd[64][3], net, D;
	size_t np, k, tm;
	int f, j, touched;

	for (f = from; f < (int)L->ngq; f++) {
		const struct au_q *qf = &L->au->qs[L->gq[f]];

		if (f == skip || f == io)
			continue;
		net = 0;
		touched = 0;
		for (tm = 0; tm < qf->nterm; tm++)
			for (j = 0; j < base->n; j++)
				if (qf->term_q[tm] == L->gq[io] &&
				    base->q[j] == io && base->v[j] ==
				    AU_STATES + (int)qf->term_c[tm]) {
					net += base->d[j];
					touched = 1;
				}
		if (!touched)
			continue;
		/* f left alone first (the plainest move), then f moved
		 * along; and the later follow-ups */
		au_pat_follow(L, base, f + 1, io, skip, out, n, max);
		for (D = -1; D <= 1; D += 2) {
			if ((net > 0 && D > 0) || (net < 0 && D < 0))
				continue;
			np = au_patterns(qf, AU_NS, D, pv, pd, pn, 64);
			for (k = 0; k < np && *n < max; k++) {
				struct au_pat o = *base;

				au_pat_cat(&o, f, pv, pd, pn, k);
				au_pat_follow(L, &o, f + 1, io, skip, out, n,
				    max);
			}
		}
		return;
	}
	if (*n < max)
		out[(*n)++] = *base;
}

/* The moves inside atom a1 that change variable v of group question i by
 * D: alone, or with an opener's term category moved along (when i is a
 * follow-up), and with the follow-ups of a moved opener category moved
 * between "not shown" and shown, so that the follow-up rows can hold.
 * Into out (at most max); returns how many. */
static size_t
au_pats(const struct au_lp *L, int i, int v, double D, struct au_pat *out,
    size_t max)
{
	int pv[64][3], pn[64], qv[64][3], qn[64];
	double pd[64][3], qd[64][3];
	const struct au_q *q = &L->au->qs[L->gq[i]];
	size_t np, n = 0, p, r, tm, nq2;
	int i2;
	double D2;

	np = au_patterns(q, v, D, pv, pd, pn, 64);
	for (p = 0; p < np && n < max; p++) {
		struct au_pat o;

		o.n = 0;
		au_pat_cat(&o, i, pv, pd, pn, p);
		/* alone, and with the follow-ups its categories open */
		au_pat_follow(L, &o, 0, i, -1, out, &n, max);
	}
	/* i is a follow-up: one of its openers' term categories along */
	for (tm = 0; tm < q->nterm && n < max; tm++) {
		for (i2 = 0; i2 < (int)L->ngq; i2++)
			if (L->gq[i2] == q->term_q[tm])
				break;
		if (i2 == (int)L->ngq || i2 == i)
			continue;
		for (D2 = -1; D2 <= 1; D2 += 2) {
			nq2 = au_patterns(&L->au->qs[L->gq[i2]], AU_STATES +
			    (int)q->term_c[tm], D2, qv, qd, qn, 64);
			for (p = 0; p < np && n < max; p++)
				for (r = 0; r < nq2 && n < max; r++) {
					struct au_pat o;

					o.n = 0;
					au_pat_cat(&o, i, pv, pd, pn, p);
					au_pat_cat(&o, i2, qv, qd, qn, r);
					au_pat_follow(L, &o, 0, i2, i, out,
					    &n, max);
				}
		}
	}
	return n;
}

#define AU_PATS 4096

/* Try to change target t by dir (+1 or -1) with one move; on success
 * apply it (x moves; *out is the move, to take back) and return 1. */
static int
au_step(struct au_lp *L, const struct au_target *t, double dir,
    const struct au_sa *tw, const size_t *twn, const size_t *twpos,
    size_t *budget, struct au_move *out, struct au_pat *pats)
{
	int j, k;
	size_t np, pi, lo, hi, c;
	int found = 0;

	for (j = 1; j <= t->n; j++)
		L->tcoef[t->ind[j]] += t->val[j];
	for (j = 1; j <= t->n && !found && *budget > 0; j++) {
		int col = t->ind[j], a1 = L->catom[col], i = L->cq[col];
		double D = dir * (t->val[j] > 0 ? 1 : -1);
		size_t base = (size_t)i * L->natoms, me;

		if (L->tcoef[col] == 0)
			continue;
		np = au_pats(L, i, L->cv[col], D, pats, AU_PATS);
		me = twpos[(size_t)a1 * L->ngq + (size_t)i];
		/* the twins of a1: the run of equal hashes around it */
		for (lo = me; lo > 0 && tw[base + lo - 1].sig ==
		    tw[base + me].sig; lo--)
			;
		for (hi = me + 1; hi < twn[i] && tw[base + hi].sig ==
		    tw[base + me].sig; hi++)
			;
		for (pi = 0; pi < np && !found && *budget > 0; pi++) {
			const struct au_pat *P = &pats[pi];

			/* c == hi: no partner */
			for (c = lo; c <= hi && !found && *budget > 0; c++) {
				struct au_move m;
				double ch = 0;
				size_t a2 = c < hi ? tw[base + c].atom : 0;
				int ok = 1;

				if (c == me)
					continue;
				m.n = 0;
				for (k = 0; k < P->n && ok; k++) {
					int c1 = L->col[(size_t)a1 * L->ngq +
					    (size_t)P->q[k]], c2;

					if (c1 == 0) {
						ok = 0;
						break;
					}
					au_move_add(&m, c1 + P->v[k], P->d[k]);
					if (c == hi)
						continue;
					c2 = L->col[a2 * L->ngq +
					    (size_t)P->q[k]];
					if (c2 == 0) {
						ok = 0;
						break;
					}
					au_move_add(&m, c2 + P->v[k], -P->d[k]);
				}
				if (!ok)
					continue;
				for (k = 0; k < m.n; k++)
					ch += L->tcoef[m.col[k]] * m.d[k];
				if (ch * dir < 0.5)
					continue;
				(*budget)--;
				if (au_move_ok(L, &m)) {
					au_move_apply(L, &m, 1);
					*out = m;
					found = 1;
				}
			}
		}
	}
	for (j = 1; j <= t->n; j++)
		L->tcoef[t->ind[j]] = 0;
	return found;
}

static double
au_xeval(const struct au_lp *L, const struct au_target *t)
{
	double v = t->k;
	int j;

	for (j = 1; j <= t->n; j++)
		v += t->val[j] * L->x[t->ind[j]];
	return v;
}

static void
au_seen(struct au_target *t, double v)
{
	if (v < t->omin)
		t->omin = v;
	if (v > t->omax)
		t->omax = v;
}

#define AU_MAX_STEPS 16

/* What no single move decides: a small integer program (GLPK's
 * branch and cut) over the target's atoms and their twins, every other
 * column held at x. Its rows are those that touch a free column, their
 * bounds less the held part. A solution is rounded and checked against
 * every row and bound of the whole model like a move before it counts:
 * then x and it are two feasible integer points. Returns 1 if the target
 * took value *got != its value at x in the direction asked (dir +1: at
 * least want; -1: below x's; 0: either). */
#define AU_SUB_ATOMS 16
#define AU_SUB_MS 200

static int
au_sub(struct au_lp *L, const struct au_target *t, const struct au_sa *tw,
    const size_t *twn, const size_t *twpos, int dir, double want,
    double *got)
{
	size_t atoms[AU_SUB_ATOMS], na = 0, j, k, lo, hi, nf = 0;
	int *fcol, *rowof, *frow, p, r, nr = 0, col, rc, found = 0;
	glp_prob *sp;
	glp_iocp parm;
	double *fx, x0 = au_xeval(L, t);
	int pass;

	/* the atoms: the target's, and their twins */
	for (j = 1; j <= (size_t)t->n; j++) {
		size_t a1 = (size_t)L->catom[t->ind[j]];
		size_t i = (size_t)L->cq[t->ind[j]], base = i * L->natoms;
		size_t me = twpos[a1 * L->ngq + i];

		for (lo = me; lo > 0 && tw[base + lo - 1].sig ==
		    tw[base + me].sig; lo--)
			;
		for (hi = me + 1; hi < twn[i] && tw[base + hi].sig ==
		    tw[base + me].sig; hi++)
			;
		for (k = lo; k < hi; k++) {
			size_t a = tw[base + k].atom, q;

			for (q = 0; q < na && atoms[q] != a; q++)
				;
			if (q == na) {
				if (na == AU_SUB_ATOMS)
					return 0;
				atoms[na++] = a;
			}
		}
	}
	fcol = xcalloc(L->ncols + 1, sizeof(*fcol));	/* col -> sub col */
	rowof = xcalloc(L->nrows + 1, sizeof(*rowof));	/* row -> sub row */
	frow = xcalloc(L->ncols + 1, sizeof(*frow));	/* free cols */
	fx = xcalloc(L->ncols + 1, sizeof(*fx));
	sp = glp_create_prob();
	for (j = 0; j < na; j++)
		for (k = 0; k < L->ngq; k++) {
			int c0 = L->col[atoms[j] * L->ngq + k], v;

			for (v = 0; c0 != 0 && v < (int)au_nvar(
			    &L->au->qs[L->gq[k]]); v++) {
				col = glp_add_cols(sp, 1);
				fcol[c0 + v] = col;
				frow[nf++] = c0 + v;
				glp_set_col_kind(sp, col, GLP_IV);
				if (L->cub[c0 + v] > 0)
					glp_set_col_bnds(sp, col, GLP_DB, 0,
					    L->cub[c0 + v]);
				else
					glp_set_col_bnds(sp, col, GLP_FX, 0, 0);
			}
		}
	/* rows touching a free column: bounds less the held part */
	for (j = 0; j < nf; j++)
		for (p = L->cst[frow[j]]; p < L->cst[frow[j] + 1]; p++) {
			r = L->crow[p];
			if (rowof[r] == 0)
				rowof[r] = ++nr;
		}
	glp_add_rows(sp, nr);
	{
		double *held = xcalloc((size_t)nr + 1, sizeof(*held));
		int *rn = xcalloc((size_t)nr + 1, sizeof(*rn));
		int **ri = xcalloc((size_t)nr + 1, sizeof(*ri));
		double **rv = xcalloc((size_t)nr + 1, sizeof(*rv));

		for (r = 1; r <= (int)L->nrows; r++)
			if (rowof[r])
				held[rowof[r]] = L->act[r];
		for (j = 0; j < nf; j++)
			for (p = L->cst[frow[j]]; p < L->cst[frow[j] + 1];
			    p++) {
				int s = rowof[L->crow[p]];

				held[s] -= L->cval[p] * L->x[frow[j]];
				ri[s] = xreallocarray(ri[s], (size_t)rn[s] + 2,
				    sizeof(**ri));
				rv[s] = xreallocarray(rv[s], (size_t)rn[s] + 2,
				    sizeof(**rv));
				ri[s][++rn[s]] = fcol[frow[j]];
				rv[s][rn[s]] = L->cval[p];
			}
		for (r = 1; r <= (int)L->nrows; r++) {
			int s = rowof[r];
			double rl, rh;

			if (!s)
				continue;
			glp_set_mat_row(sp, s, rn[s], ri[s], rv[s]);
			rl = L->rlo[r] - held[s];
			rh = L->rhi[r] - held[s];
			if (L->rlo[r] < -1e299 && L->rhi[r] > 1e299)
				glp_set_row_bnds(sp, s, GLP_FR, 0, 0);
			else if (L->rlo[r] < -1e299)
				glp_set_row_bnds(sp, s, GLP_UP, 0, rh);
			else if (L->rhi[r] > 1e299)
				glp_set_row_bnds(sp, s, GLP_LO, rl, 0);
			else if (rh - rl < 1e-9)
				glp_set_row_bnds(sp, s, GLP_FX, rl, rl);
			else
				glp_set_row_bnds(sp, s, GLP_DB, rl, rh);
		}
		for (r = 0; r <= nr; r++) {
			free(ri[r]);
			free(rv[r]);
		}
		free(ri);
		free(rv);
		free(rn);
		free(held);
	}
	/* the target as the objective (its held part does not move) */
	for (j = 1; j <= (size_t)t->n; j++)
		if (fcol[t->ind[j]])
			glp_set_obj_coef(sp, fcol[t->ind[j]],
			    glp_get_obj_coef(sp, fcol[t->ind[j]]) + t->val[j]);
	for (pass = 0; pass < 2 && !found; pass++) {
		int d = pass == 0 ? (dir < 0 ? -1 : 1) : -1;
		double v;
		size_t bad = 0;

		if (pass == 1 && dir != 0)
			break;
		glp_set_obj_dir(sp, d > 0 ? GLP_MAX : GLP_MIN);
		glp_init_iocp(&parm);
		parm.msg_lev = GLP_MSG_OFF;
		parm.presolve = GLP_ON;
		parm.tm_lim = AU_SUB_MS;
		rc = glp_intopt(sp, &parm);
		if ((rc != 0 && rc != GLP_ETMLIM) || (glp_mip_status(sp) !=
		    GLP_OPT && glp_mip_status(sp) != GLP_FEAS))
			continue;
		/* x moved to the solution, checked on the whole model */
		for (j = 0; j < nf; j++) {
			fx[frow[j]] = L->x[frow[j]];
			L->x[frow[j]] = (double)(long)(glp_mip_col_val(sp,
			    fcol[frow[j]]) + 0.5);
		}
		/* the rows' activity at the solution */
		for (j = 0; j < nf; j++)
			for (p = L->cst[frow[j]]; p < L->cst[frow[j] + 1]; p++)
				L->act[L->crow[p]] += L->cval[p] *
				    (L->x[frow[j]] - fx[frow[j]]);
		for (j = 0; j < nf; j++)
			if (L->x[frow[j]] < -1e-9 || L->x[frow[j]] >
			    L->cub[frow[j]] + 1e-9)
				bad++;
		for (r = 1; r <= (int)L->nrows; r++)
			if (rowof[r] && (L->act[r] < L->rlo[r] - 1e-6 ||
			    L->act[r] > L->rhi[r] + 1e-6))
				bad++;
		v = au_xeval(L, t);
		if (bad == 0 && ((d > 0 && v >= want - 0.5 && v > x0 + 0.5) ||
		    (d < 0 && v < x0 - 0.5))) {
			*got = v;
			found = 1;
		}
		/* x back */
		for (j = 0; j < nf; j++)
			for (p = L->cst[frow[j]]; p < L->cst[frow[j] + 1]; p++)
				L->act[L->crow[p]] -= L->cval[p] *
				    (L->x[frow[j]] - fx[frow[j]]);
		for (j = 0; j < nf; j++)
			L->x[frow[j]] = fx[frow[j]];
	}
	glp_delete_prob(sp);
	free(fcol);
	free(rowof);
	free(frow);
	free(fx);
	return found;
}

/* Decide what moves can: see the comment above. */
static void
au_certify(struct au_lp *L, struct audit_result *res)
{
	struct au_sa *tw;
	struct au_pat *pats;
	size_t *twn, *twpos, i, a, k, n;

	au_truth(L);
	if (!L->has_x)
		return;
	pats = xcalloc(AU_PATS, sizeof(*pats));
	tw = xcalloc(L->ngq * L->natoms + 1, sizeof(*tw));
	twn = xcalloc(L->ngq + 1, sizeof(*twn));
	twpos = xcalloc(L->ngq * L->natoms + 1, sizeof(*twpos));
	for (i = 0; i < L->ngq; i++) {
		struct au_sa *w = &tw[i * L->natoms];

		for (a = n = 0; a < L->natoms; a++)
			if (L->col[a * L->ngq + i] != 0) {
				w[n].sig = L->sig[a * L->ngq + i];
				w[n++].atom = a;
			}
		qsort(w, n, sizeof(*w), au_cmp_sa);
		twn[i] = n;
		for (k = 0; k < n; k++)
			twpos[w[k].atom * L->ngq + i] = k;
	}
	for (i = 0; i < L->ntargets; i++) {
		struct au_target *t = &L->targets[i];
		struct au_move m[AU_MAX_STEPS];
		double v = au_xeval(L, t), thr, got;
		size_t budget = AU_CERT_TRIES, ns = 0;

		au_seen(t, v);
		if (t->kind == AU_T_CELL) {
			if (v < 0.5) {
				t->zero = 1;
				res->certified++;
				continue;
			}
			if (au_step(L, t, -1, tw, twn, twpos, &budget, m, pats) ||
			    au_step(L, t, 1, tw, twn, twpos, &budget, m, pats)) {
				au_seen(t, au_xeval(L, t));
				au_move_apply(L, m, -1);
				res->certified++;
			} else if (au_sub(L, t, tw, twn, twpos, 0, v + 1,
			    &got)) {
				au_seen(t, got);
				res->certified++;
			}
			continue;
		}
		if (t->kind != AU_T_SENS)
			continue;
		thr = (double)L->au->tabs[t->tab].t->sens_t;
		while (v < thr - 0.5 && ns < AU_MAX_STEPS &&
		    au_step(L, t, 1, tw, twn, twpos, &budget, &m[ns],
		    pats)) {
			ns++;
			v = au_xeval(L, t);
		}
		while (ns > 0)
			au_move_apply(L, &m[--ns], -1);
		if (v < thr - 0.5 && au_sub(L, t, tw, twn, twpos, 1, thr,
		    &got))
			v = got;
		au_seen(t, v);
		if (v >= thr - 0.5)
			res->certified++;
	}
	free(tw);
	free(twn);
	free(twpos);
	free(pats);
}

#define AU_SCREEN 4	/* random objectives before any target alone */
#define AU_ROUNDS 160	/* pushes of the undecided together */
#define AU_NARROW 3	/* per LP: the narrowest made exact for the list */

/* Target i still undecided: a cell seen at one value only, or a
 * sensitive group never seen at t or more. */
static int
au_undecided(const struct au_lp *L, size_t i)
{
	const struct au_target *t = &L->targets[i];

	if (t->exact)
		return 0;
	if (t->kind == AU_T_CELL && t->zero)
		return 0;
	if (t->kind == AU_T_CELL)
		return t->omax - t->omin < 0.5;
	if (t->kind == AU_T_SENS)
		return t->omax < (double)L->au->tabs[t->tab].t->sens_t - 0.5;
	return 0;
}

/* Decide every target with as few LPs as can be: a few random mixtures
 * of all targets show most cells taking two values (not pinned) and most
 * sensitive groups far from t; the rest are solved alone. Cells seen
 * only at zero are first maximised together. Then the narrowest are
 * made exact for the list. */
static int
au_decide(struct au_lp *L, struct audit_result *res, struct err *e)
{
	struct audit *au = L->au;
	signed char *sign;
	struct au_target **order;
	size_t i, k, nz = 0, no, last, nund = 0;
	double v = 0, lo, hi;
	int rc = 0;

	if (L->ntargets == 0)
		return 0;
	if (!au->no_certificates)
		au_certify(L, res);
	for (i = 0; i < L->ntargets; i++)
		nund += au_undecided(L, i);
	sign = xcalloc(L->ntargets, 1);
	for (k = 0; k < AU_SCREEN && rc == 0 && nund > 0; k++) {
		for (i = 0; i < L->ntargets; i++) {
			L->rng = L->rng * 6364136223846793005ull +
			    1442695040888963407ull;
			sign[i] = (L->rng >> 40) & 1 ? 1 : -1;
			if (!au_undecided(L, i) && !L->au->no_certificates)
				sign[i] = 0;	/* settled already */
		}
		rc = au_solve_mix(L, sign, GLP_MIN, &v, res, e);
	}
	/* The undecided (cells seen at one value; sensitive groups seen
	 * below t) are pushed together, up and down, until a round moves
	 * none of them; what moved is decided. */
	for (k = 0, last = 0; k < AU_ROUNDS && rc == 0; k++) {
		size_t before = 0, after = 0;

		/* a cycle: up those seen at zero; down, then up, those seen
		 * above; random directions for all */
		for (i = 0; i < L->ntargets; i++) {
			int und = au_undecided(L, i);
			int zero = L->targets[i].omax < 0.5;

			before += und;
			L->rng = L->rng * 6364136223846793005ull +
			    1442695040888963407ull;
			switch (k % 4) {
			case 0:
				sign[i] = und && zero;
				break;
			case 1:
				sign[i] = und && !zero ? -1 : 0;
				break;
			case 2:
				sign[i] = und && !zero;
				break;
			default:
				sign[i] = !und ? 0 : (L->rng >> 40) & 1 ?
				    1 : -1;
			}
		}
		if (before == 0)
			break;
		rc = au_solve_mix(L, sign, GLP_MAX, &v, res, e);
		for (i = 0; i < L->ntargets; i++)
			after += au_undecided(L, i);
		if (after < before)
			last = k;
		else if (k >= last + 4)
			break;		/* a whole cycle moved none */
	}
	/* cells seen only at zero whose sum cannot leave zero: pinned at
	 * zero together, one LP */
	for (i = 0; i < L->ntargets; i++)
		sign[i] = au_undecided(L, i) && L->targets[i].kind ==
		    AU_T_CELL && L->targets[i].omax < 0.5;
	for (i = 0, nz = 0; i < L->ntargets; i++)
		nz += sign[i] != 0;
	if (rc == 0 && nz > 0)
		rc = au_solve_mix(L, sign, GLP_MAX, &v, res, e);
	if (rc == 0 && nz > 0 && v < 0.5)
		for (i = 0; i < L->ntargets; i++)
			if (sign[i]) {
				L->targets[i].exact = 1;
				L->targets[i].lo = L->targets[i].hi = 0;
			}
	/* what is left, alone */
	for (i = 0; i < L->ntargets && rc == 0; i++) {
		struct au_target *t = &L->targets[i];

		if (!au_undecided(L, i))
			continue;
		if (t->kind == AU_T_CELL) {
			rc = au_exact(L, i, GLP_MIN, &lo, res, e);
			if (rc == 0)
				rc = au_exact(L, i, GLP_MAX, &hi, res, e);
			t->lo = lo;
			t->hi = hi;
		} else {
			rc = au_exact(L, i, GLP_MAX, &hi, res, e);
			t->hi = hi;
		}
		t->exact = 1;
	}
	/* findings */
	for (i = 0; i < L->ntargets && rc == 0; i++) {
		struct au_target *t = &L->targets[i];
		const struct au_tab *tb = &au->tabs[t->tab];
		struct audit_cell cell;

		if (t->kind == AU_T_SENS) {
			if (!t->exact || t->hi > tb->t->sens_t - 0.5)
				continue;
			/* does the group have answers at all? (its answered
			 * count is the next target) */
			if (L->targets[i + 1].omax < 0.5) {
				rc = au_exact(L, i + 1, GLP_MAX, &hi, res, e);
				if (rc != 0 || hi < 0.5)
					continue;
			}
			res->determined++;
			au_cell(&cell, AUDIT_DETERMINED, tb, t->row,
			    t->q->aq, t->cat, 0);
			au_bad(res, &cell);
			continue;
		}
		if (t->kind != AU_T_CELL)
			continue;
		res->suppressed++;
		if (t->exact && t->hi - t->lo < 0.5 && t->hi >= 0.5) {
			res->pinned++;
			au_cell(&cell, AUDIT_PINNED, tb, t->row, t->q->aq,
			    t->cat, 0);
			if (t->rowname != NULL) {
				free(cell.row);
				cell.row = xstrdup(t->rowname);
			}
			au_bad(res, &cell);
		}
	}
	/* the narrowest: exact for the first few by what was seen */
	order = xcalloc(L->ntargets, sizeof(*order));
	for (i = no = 0; i < L->ntargets && !au->no_list; i++) {
		struct au_target *t = &L->targets[i];

		if (t->kind == AU_T_CELL && !(t->exact && t->hi < 0.5) &&
		    !(t->exact && t->hi - t->lo < 0.5))
			order[no++] = t;
	}
	qsort(order, no, sizeof(*order), au_cmp_spread);
	for (i = 0; i < no && i < AU_NARROW && rc == 0; i++) {
		struct au_target *t = order[i];

		if (t->exact)
			continue;
		rc = au_exact(L, (size_t)(t - L->targets), GLP_MIN, &lo, res,
		    e);
		if (rc == 0)
			rc = au_exact(L, (size_t)(t - L->targets), GLP_MAX,
			    &hi, res, e);
		t->lo = lo;
		t->hi = hi;
		t->exact = 1;
	}
	for (i = 0; i < no && i < AU_NARROW && rc == 0; i++) {
		struct au_target *t = order[i];
		struct audit_cell cell;

		au_cell(&cell, AUDIT_INTERVAL, &au->tabs[t->tab], t->row,
		    t->q->aq, t->cat, t->hi - t->lo);
		if (t->rowname != NULL) {
			free(cell.row);
			cell.row = xstrdup(t->rowname);
		}
		au_narrow(res, au->max_list, &cell);
	}
	free(order);
	free(sign);
	return rc;
}

/* ---- verdicts kept ---------------------------------------------------
 *
 * A question group's verdict for a year depends on nothing but what is
 * hashed here: for every table of the year its batch, base and sensitive
 * t; its rows (kind, code, area, implausible); and, for every question of
 * the group (its key, sensitive answers and show_if terms), every figure
 * as published (reason, states, counts) and every group size. A clean
 * verdict (nothing pinned or determined) of a view's audit (no list) is
 * kept in this process under that digest, so the same tables (a frozen
 * release shown again, a dashboard opened again) are not audited twice.
 * A finding is never kept: it is found again. */
#define AU_CACHE 4096

struct au_kept {
	unsigned char d[32];
	size_t suppressed, certified;
};

static struct au_kept au_kept[AU_CACHE];
static size_t au_nkept, au_nextkept;

static void
au_h(crypto_generichash_state *h, const void *p, size_t n)
{
	crypto_generichash_update(h, p, n);
}

static void
au_hs(crypto_generichash_state *h, const char *s)
{
	uint32_t n = s != NULL ? (uint32_t)strlen(s) + 1 : 0;

	au_h(h, &n, sizeof(n));
	if (s != NULL)
		au_h(h, s, n);
}

static void
au_digest(const struct audit *au, unsigned y, const size_t *gq, size_t ngq,
    unsigned char out[32])
{
	crypto_generichash_state h;
	size_t tab, r, i, c;
	uint64_t w;

	crypto_generichash_init(&h, (const unsigned char *)"avslut audit 1",
	    14, 32);
	au_h(&h, &y, sizeof(y));
	au_h(&h, &au->no_certificates, sizeof(au->no_certificates));
	for (i = 0; i < ngq; i++) {
		const struct au_q *q = &au->qs[gq[i]];
		size_t tm;

		au_hs(&h, q->key);
		au_h(&h, &q->sens, sizeof(q->sens));
		for (tm = 0; tm < q->nterm; tm++) {
			au_hs(&h, au->qs[q->term_q[tm]].key);
			w = q->term_c[tm];
			au_h(&h, &w, sizeof(w));
		}
	}
	for (tab = 0; tab < au->ntabs; tab++) {
		const struct au_tab *tb = &au->tabs[tab];
		const struct gate_table *t = tb->t;

		if (t->year != y)
			continue;
		au_h(&h, &tab, sizeof(tab));
		au_h(&h, &tb->batch, sizeof(tb->batch));
		au_h(&h, &tb->base, sizeof(tb->base));
		au_h(&h, &t->sens_t, sizeof(t->sens_t));
		au_hs(&h, tb->label);
		for (r = 0; r < t->nrows; r++) {
			const struct gate_row *w0 = &t->rows[r];

			au_h(&h, &w0->kind, sizeof(w0->kind));
			au_hs(&h, w0->code);
			au_hs(&h, w0->area);
			au_h(&h, &w0->area_ix, sizeof(w0->area_ix));
			au_h(&h, &w0->implausible, sizeof(w0->implausible));
		}
		for (i = 0; i < ngq; i++) {
			size_t col = au_col(tb, gq[i]);

			w = col;
			au_h(&h, &w, sizeof(w));
			for (r = 0; col != AGG_NONE && r < t->nrows; r++) {
				const struct gate_fig *f = gate_fig(t, r, col);
				uint32_t s[5];

				s[0] = (uint32_t)f->reason;
				s[1] = f->answered;
				s[2] = f->declined;
				s[3] = f->skipped;
				s[4] = f->notshown;
				au_h(&h, s, sizeof(s));
				au_h(&h, &t->asked[r * t->ncols + col],
				    sizeof(*t->asked));
				for (c = 0; f->counts != NULL &&
				    c < au->qs[gq[i]].aq->ncat; c++)
					au_h(&h, &f->counts[c],
					    sizeof(*f->counts));
			}
		}
	}
	crypto_generichash_final(&h, out, 32);
}

static const struct au_kept *
au_kept_find(const unsigned char d[32])
{
	size_t i;

	for (i = 0; i < au_nkept; i++)
		if (memcmp(au_kept[i].d, d, 32) == 0)
			return &au_kept[i];
	return NULL;
}

static void
au_keep(const unsigned char d[32], size_t suppressed, size_t certified)
{
	struct au_kept *k = &au_kept[au_nextkept];

	memcpy(k->d, d, 32);
	k->suppressed = suppressed;
	k->certified = certified;
	au_nextkept = (au_nextkept + 1) % AU_CACHE;
	if (au_nkept < AU_CACHE)
		au_nkept++;
}

/* Build and solve the LP of year y and question group g. */
static int
au_group(struct audit *au, unsigned y, size_t g, struct audit_result *res,
    struct err *e)
{
	struct au_lp L;
	size_t tab, r, i, j, c, q, na, *atoms = NULL, *units = NULL, maxa = 0;
	size_t lps0, sup0, cert0, bad0;
	unsigned char digest[32];
	int rc = 0, any = 0;

	memset(&L, 0, sizeof(L));
	L.au = au;
	L.year = y;
	L.gq = xcalloc(au->nqs, sizeof(*L.gq));
	for (q = 0; q < au->nqs; q++)
		if (au_root(au, q) == g) {
			L.gq[L.ngq++] = q;
			if (AU_STATES + au->qs[q].aq->ncat > L.stride)
				L.stride = AU_STATES + au->qs[q].aq->ncat;
		}
	/* Anything to protect here? Else no LP at all. */
	for (tab = 0; tab < au->ntabs && !any; tab++) {
		const struct gate_table *t = au->tabs[tab].t;

		if (t->year != y)
			continue;
		if (au->tabs[tab].base >= 0)
			any = 1;
		for (i = 0; i < L.ngq && !any; i++) {
			size_t col = au_col(&au->tabs[tab], L.gq[i]);

			for (r = 0; col != AGG_NONE && r < t->nrows; r++)
				if (au_protected(gate_fig(t, r, col)->reason) ||
				    (au->qs[L.gq[i]].sens != 0 &&
				    gate_hidden(gate_fig(t, r, col)->reason)))
					any = 1;
		}
	}
	if (!any) {
		free(L.gq);
		return 0;
	}
	if (au->no_list && !au->no_cache) {
		const struct au_kept *k;

		au_digest(au, y, L.gq, L.ngq, digest);
		if ((k = au_kept_find(digest)) != NULL) {
			res->suppressed += k->suppressed;
			res->certified += k->certified;
			res->groups++;
			res->groups_kept++;
			free(L.gq);
			return 0;
		}
	}
	sup0 = res->suppressed;
	cert0 = res->certified;
	bad0 = res->nbad;
	L.lp = glp_create_prob();
	L.rng = 0x9e3779b97f4a7c15ull ^ ((uint64_t)y * 1000003u + g);
	/* the atoms: every unit of every table of the year */
	for (tab = 0; tab < au->ntabs; tab++) {
		const struct gate_table *t = au->tabs[tab].t;
		int batches[64];
		size_t nb, b;

		if (t->year != y)
			continue;
		nb = au_batches(au, tab, batches);
		if (t->nrows > maxa)
			maxa = t->nrows;
		for (r = 0; r < t->nrows; r++)
			if (t->rows[r].kind == GATE_ROW_UNIT &&
			    !t->rows[r].implausible)
				for (b = 0; b < nb; b++)
					au_atom(&L, t->rows[r].code,
					    batches[b], tab);
	}
	/* the table whose new batch an atom is */
	for (i = 0; i < L.natoms; i++)
		for (tab = 0; tab < au->ntabs; tab++)
			if (au->tabs[tab].batch == L.atoms[i].batch)
				L.atoms[i].tab = tab;
	au_vars(&L);
	L.sig = xcalloc(L.natoms * L.ngq + 1, sizeof(*L.sig));
	atoms = xcalloc(maxa * 64 + 1, sizeof(*atoms));
	units = xcalloc(maxa + 1, sizeof(*units));

	/* published figures */
	for (tab = 0; tab < au->ntabs; tab++) {
		const struct gate_table *t = au->tabs[tab].t;

		if (t->year != y)
			continue;
		for (i = 0; i < L.ngq; i++) {
			const struct au_q *aq = &au->qs[L.gq[i]];
			size_t col = au_col(&au->tabs[tab], L.gq[i]);

			for (r = 0; col != AGG_NONE && r < t->nrows; r++) {
				const struct gate_fig *f = gate_fig(t, r, col);
				double k;
				int n, row;

				if (f->reason != GATE_SHOWN &&
				    f->reason != GATE_BAND)
					continue;
				na = au_fig_atoms(&L, tab, r, col, atoms,
				    units);
				if (na == 0)
					continue;
				for (j = 0; j < na; j++)
					if (atoms[j] < L.natoms)
						L.sig[atoms[j] * L.ngq + i] +=
						    au_mix(((uint64_t)tab <<
						    32) ^ r);
				if (f->reason == GATE_BAND) {
					if (aq->band_cat == AGG_NONE)
						continue;
					/* cat - an >= -t */
					n = au_form(&L, atoms, na, i,
					    AU_STATES + aq->band_cat, AU_AN,
					    &k);
					if (n == 0)
						continue;
					row = glp_add_rows(L.lp, 1);
					glp_set_mat_row(L.lp, row, n, L.ind,
					    L.val);
					glp_set_row_bnds(L.lp, row, GLP_LO,
					    -(double)t->sens_t - k, 0);
					continue;
				}
				au_fix(&L, atoms, na, i, AU_NS, f->notshown);
				au_fix(&L, atoms, na, i, AU_SK, f->skipped);
				au_fix(&L, atoms, na, i, AU_DE, f->declined);
				au_fix(&L, atoms, na, i, AU_AN, f->answered);
				for (c = 0; c < aq->aq->ncat; c++)
					au_fix(&L, atoms, na, i, AU_STATES + c,
					    f->counts[c]);
			}
		}
	}
	/* follow-ups: shown >= each term's count, <= their sum, per atom */
	for (i = 0; i < L.ngq; i++) {
		const struct au_q *fq = &au->qs[L.gq[i]];
		size_t a, tm, oi;

		for (a = 0; fq->nterm > 0 && a < L.natoms; a++) {
			int f0 = L.col[a * L.ngq + i], n = 0, row, ok = 1;
			double kf;
			const double *kn =
			    &L.known[(a * L.ngq + i) * L.stride];

			/* shown = asked - not shown */
			kf = f0 ? 0 : kn[AU_SK] + kn[AU_DE] + kn[AU_AN];
			au_reserve(&L, AU_MAXTERMS + 4);
			for (tm = 0; tm < fq->nterm; tm++) {
				for (oi = 0; oi < L.ngq; oi++)
					if (L.gq[oi] == fq->term_q[tm])
						break;
				if (oi == L.ngq || au_asked(&L, a, oi) !=
				    au_asked(&L, a, i))
					ok = 0;
			}
			if (!ok)
				continue;
			for (tm = 0; tm < fq->nterm; tm++) {
				int o0;
				const double *ko;

				for (oi = 0; L.gq[oi] != fq->term_q[tm]; oi++)
					;
				o0 = L.col[a * L.ngq + oi];
				ko = &L.known[(a * L.ngq + oi) * L.stride];
				/* shown - term >= 0 */
				n = 0;
				if (f0) {
					L.ind[++n] = f0 + AU_SK;
					L.val[n] = 1;
					L.ind[++n] = f0 + AU_DE;
					L.val[n] = 1;
					L.ind[++n] = f0 + AU_AN;
					L.val[n] = 1;
				}
				if (o0) {
					L.ind[++n] = o0 + AU_STATES +
					    (int)fq->term_c[tm];
					L.val[n] = -1;
				}
				if (n == 0)
					continue;
				row = glp_add_rows(L.lp, 1);
				glp_set_mat_row(L.lp, row, n, L.ind, L.val);
				glp_set_row_bnds(L.lp, row, GLP_LO, o0 ? -kf :
				    ko[AU_STATES + fq->term_c[tm]] - kf, 0);
			}
		}
	}

	/* protected cells, sensitive groups and late arrivals: targets */
	for (tab = 0; tab < au->ntabs; tab++) {
		const struct gate_table *t = au->tabs[tab].t;

		if (t->year != y)
			continue;
		for (i = 0; i < L.ngq; i++) {
			const struct au_q *aq = &au->qs[L.gq[i]];
			size_t col = au_col(&au->tabs[tab], L.gq[i]);

			for (r = 0; col != AGG_NONE && r < t->nrows; r++) {
				const struct gate_fig *f = gate_fig(t, r, col);
				int prot = au_protected(f->reason);

				if (!gate_hidden(f->reason) ||
				    f->reason == GATE_IMPLAUSIBLE ||
				    f->reason == GATE_OPEN ||
				    f->reason == GATE_REGION_ONLY)
					continue;
				if (!prot && aq->sens == 0)
					continue;
				na = au_fig_atoms(&L, tab, r, col, atoms,
				    units);
				if (na == 0)
					continue;
				for (c = 0; c < aq->aq->ncat; c++) {
					if (prot)
						au_target(&L, AU_T_CELL, tab, r,
						    aq, c, au_form(&L, atoms,
						    na, i, AU_STATES + c,
						    AGG_NONE, &L.k), NULL);
					if (!(aq->sens & ((uint64_t)1 << c)))
						continue;
					au_target(&L, AU_T_SENS, tab, r, aq,
					    c, au_form(&L, atoms, na, i,
					    AU_AN, AU_STATES + c, &L.k), NULL);
					au_target(&L, AU_T_AN, tab, r, aq, c,
					    au_form(&L, atoms, na, i, AU_AN,
					    AGG_NONE, &L.k), NULL);
				}
			}
		}
	}
	for (i = 0; i < L.natoms; i++) {
		const struct au_tab *tb = &au->tabs[L.atoms[i].tab];
		size_t r0 = au_row_of(tb, L.atoms[i].code);

		if (tb->base < 0 || r0 == AGG_NONE)
			continue;
		for (q = 0; q < L.ngq; q++) {
			const struct au_q *aq = &au->qs[L.gq[q]];
			int c0 = L.col[i * L.ngq + q];
			char *name;

			if (c0 == 0 || au_asked(&L, i, q) < 0.5)
				continue;	/* nothing arrived late */
			name = xasprintf("%s, arrived after %s",
			    L.atoms[i].code, au->tabs[tb->base].label);
			for (c = 0; c < aq->aq->ncat; c++) {
				au_reserve(&L, 1);
				L.ind[1] = c0 + AU_STATES + (int)c;
				L.val[1] = 1;
				L.k = 0;
				au_target(&L, AU_T_CELL, L.atoms[i].tab, r0, aq,
				    c, 1, name);
			}
			free(name);
		}
	}
	lps0 = res->lps;
	rc = au_decide(&L, res, e);
	res->groups++;
	res->groups_lp += res->lps > lps0;
	if (rc == 0 && au->no_list && !au->no_cache && res->nbad == bad0)
		au_keep(digest, res->suppressed - sup0, res->certified - cert0);
	au_truth_free(&L);
	free(L.sig);
	for (i = 0; i < L.ntargets; i++) {
		free(L.targets[i].ind);
		free(L.targets[i].val);
		free(L.targets[i].rowname);
	}
	free(L.targets);
	free(atoms);
	free(units);
	free(L.ind);
	free(L.val);
	free(L.objset);
	free(L.col);
	free(L.known);
	free(L.atoms);
	free(L.ah);
	free(L.gq);
	glp_delete_prob(L.lp);
	return rc;
}

int
audit_run(struct audit *au, struct audit_result *res, struct err *e)
{
	unsigned *years = NULL;
	size_t ny = 0, i, j, tab, r, c, q;

	memset(res, 0, sizeof(*res));
	glp_term_out(GLP_OFF);
	for (tab = 0; tab < au->ntabs; tab++)
		au_tab_index(au, &au->tabs[tab]);
	/* links: a question with the questions that open it */
	for (q = 0; q < au->nqs; q++)
		au_terms(au, &au->qs[q]);
	for (tab = 0; tab < au->ntabs; tab++) {
		const struct gate_table *t = au->tabs[tab].t;
		size_t op[64], n;

		for (c = 0; c < t->ncols; c++) {
			n = gate_openers(t->agg, c, op, 64);
			for (j = 0; j < n; j++) {
				size_t a = au_root(au, au->tabs[tab].qk[c]);
				size_t b = au_root(au, au->tabs[tab].qk[op[j]]);

				au->qs[a].group = b;
			}
		}
	}
	for (tab = 0; tab < au->ntabs; tab++) {
		const struct gate_table *t = au->tabs[tab].t;

		res->tables++;
		res->figures += t->nrows * t->ncols;
		for (r = 0; r < t->nrows; r++) {
			for (c = 0; c < t->ncols; c++) {
				const struct agg_question *aq =
				    agg_question(t->agg, c);
				const struct gate_fig *f = gate_fig(t, r, c);

				res->cells += aq->ncat ? aq->ncat : 1;
				/* a shown group must not show it either */
				for (j = 0; f->reason == GATE_SHOWN &&
				    j < aq->ncat && j < 64; j++) {
					struct audit_cell cell;

					if (!(gate_sensitive_cats(aq) &
					    ((uint64_t)1 << j)) ||
					    f->answered == 0 ||
					    f->answered - f->counts[j] >=
					    t->sens_t)
						continue;
					res->determined++;
					au_cell(&cell, AUDIT_DETERMINED,
					    &au->tabs[tab], r, aq, j, 0);
					au_bad(res, &cell);
				}
			}
			if (t->rows[r].kind == GATE_ROW_UNIT &&
			    t->rows[r].implausible) {
				struct audit_cell cell;

				res->implausible++;
				au_cell(&cell, AUDIT_IMPLAUSIBLE,
				    &au->tabs[tab], r, NULL, AGG_NONE, 0);
				au_bad(res, &cell);
			}
		}
		for (i = 0; i < ny && years[i] != t->year; i++)
			;
		if (i == ny) {
			years = xreallocarray(years, ny + 1, sizeof(*years));
			years[ny++] = t->year;
		}
	}
	for (i = 0; i < ny; i++)
		for (q = 0; q < au->nqs; q++)
			if (au_root(au, q) == q &&
			    au_group(au, years[i], q, res, e) != 0) {
				free(years);
				return -1;
			}
	free(years);
	return 0;
}

void
audit_result_free(struct audit_result *r)
{
	size_t i;

	for (i = 0; i < r->nnarrow; i++)
		au_cell_free(&r->narrow[i]);
	for (i = 0; i < r->nbad; i++)
		au_cell_free(&r->bad[i]);
	free(r->narrow);
	free(r->bad);
	memset(r, 0, sizeof(*r));
}

int
audit_verdict(const struct audit_result *r, struct err *e)
{
	char buf[512];
	size_t i, n = 0, len = 0;

	if (r->pinned == 0 && r->determined == 0)
		return 0;
	buf[0] = '\0';
	for (i = 0; i < r->nbad && n < 3; i++) {
		const struct audit_cell *c = &r->bad[i];

		if (c->kind != AUDIT_PINNED && c->kind != AUDIT_DETERMINED)
			continue;
		len += (size_t)snprintf(buf + len, len < sizeof(buf) ?
		    sizeof(buf) - len : 0, "%s%s, %u, %s%s%s", n ? "; " : "",
		    c->row, c->year, c->question, c->category ? " = " : "",
		    c->category ? c->category : "");
		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		n++;
	}
	return err_setc(e, ERR_DATA, _("the disclosure audit found hidden "
	    "figures that the published tables pin (%zu) and groups whose "
	    "sensitive answer they give away (%zu) (%s%s): nothing is shown; "
	    "run avslut-hr audit and report this as a bug in the publish "
	    "gate"), r->pinned, r->determined, buf,
	    r->pinned + r->determined > n ? "; ..." : "");
}

int
audit_check_tables(const struct gate_table *const *t, size_t n,
    struct audit_result *r, struct err *e)
{
	struct audit_params ap = { .no_list = 1 };
	struct audit *au = audit_new(&ap);
	struct audit_result mine;
	char label[16];
	size_t i;
	int rc = 0;

	if (r == NULL)
		r = &mine;
	memset(r, 0, sizeof(*r));
	for (i = 0; i < n && rc == 0; i++) {
		snprintf(label, sizeof(label), "%u", t[i]->year);
		rc = audit_add(au, t[i], label, NULL, e);
	}
	if (rc == 0)
		rc = audit_run(au, r, e);
	if (rc == 0)
		rc = audit_verdict(r, e);
	audit_free(au);
	if (r == &mine)
		audit_result_free(&mine);
	return rc;
}
