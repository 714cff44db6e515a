/* audit_lp: one LP of the disclosure audit (its variables, rows and
 * solves), the findings it reports, and the audit of one question group
 * and year (au_group). See audit.c. */
#include "report/audit.h"
#include "report/audit_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glpk.h>
#include <sodium.h>

#include "util/i18n.h"
#include "util/xmem.h"

/* ---- one LP ------------------------------------------------------------ */

size_t
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
size_t
au_col(const struct au_tab *at, size_t qi)
{
	return qi < at->ncolof ? at->colof[qi] : AGG_NONE;
}

/* Lookups of table tab: unit rows by code, columns by question key. */
void
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
				L->atoms[i].batch) &
			    (L->ahcap - 1);
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
				const struct gate_fig *f = gate_fig(tb->t, r,
				    col);

				if (f->reason == GATE_SHOWN ||
				    f->reason == GATE_NO_DATA) {
					k[AU_NS] = f->notshown;
					k[AU_SK] = f->skipped;
					k[AU_DE] = f->declined;
					k[AU_AN] = f->answered;
					for (c = 0; c < q->aq->ncat &&
					     f->counts != NULL;
					     c++)
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
au_form(struct au_lp *L, const size_t *atoms, size_t na, size_t i, size_t v,
    size_t vneg, double *k)
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
au_fig_atoms(struct au_lp *L, size_t tab, size_t row, size_t col, size_t *out,
    size_t *units)
{
	const struct gate_table *t = L->au->tabs[tab].t;
	int batches[64];
	size_t nu = gate_fig_members(t, row, col, units), nb, j, b, n = 0;

	nb = au_batches(L->au, tab, batches);
	for (j = 0; j < nu; j++) {
		size_t r = gate_row_unit(t, units[j]);

		for (b = 0; b < nb; b++)
			out[n++] = au_atom(L, t->rows[r].code, batches[b], tab);
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
		return w->area != NULL ?
		    xasprintf("other units of %s", w->area) :
		    xstrdup("other units without an area");
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

void
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

void
au_cell_free(struct audit_cell *c)
{
	free(c->release);
	free(c->row);
	free(c->question);
	free(c->category);
}

void
au_bad(struct audit_result *res, const struct audit_cell *c)
{
	res->bad = xreallocarray(res->bad, res->nbad + 1, sizeof(*res->bad));
	res->bad[res->nbad++] = *c;
}

/* Keep the max narrowest, widest last. */
void
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
au_solve(struct au_lp *L, int dir, const int *ind, const double *val, int n,
    double *out, struct audit_result *res, struct err *e)
{
	glp_smcp parm;
	int j, rc;

	for (j = 0; j < (int)L->nobjset; j++)
		glp_set_obj_coef(L->lp, L->objset[j], 0);
	L->objset = xreallocarray(L->objset, (size_t)n + 1, sizeof(*L->objset));
	L->nobjset = 0;
	for (j = 1; j <= n; j++) {
		glp_set_obj_coef(L->lp, ind[j],
		    glp_get_obj_coef(L->lp, ind[j]) + val[j]);
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
		return err_setc(e, ERR_SOFTWARE,
		    _("the disclosure audit could "
		      "not solve its model of the published tables (GLPK %d, "
		      "status %d): report this as a bug"),
		    rc, glp_get_status(L->lp));
	*out = glp_get_obj_val(L->lp);
	return 0;
}

static int
au_protected(enum gate_reason r)
{
	return r == GATE_FEW || r == GATE_BAND;
}

/* Record a target from the form in L->ind/val (n terms) and L->k. */
void
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
int
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
int
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

int
au_cmp_spread(const void *x, const void *y)
{
	const struct au_target *a = *(const struct au_target *const *)x;
	const struct au_target *b = *(const struct au_target *const *)y;
	double wa = a->exact ? a->hi - a->lo : a->omax - a->omin;
	double wb = b->exact ? b->hi - b->lo : b->omax - b->omin;

	return wa < wb ? -1 : wa > wb;
}

/* Where au_fig_next is in the year's tables: table tab, question
 * L->gq[i] in column col, row r (SIZE_MAX: before the first). */
struct au_at {
	size_t tab, i, r, col;
};
static const struct au_at au_at_first = { 0, 0, SIZE_MAX, 0 };

/* The next figure of L's year for a question of L's group, table by
 * table, question by question, row by row; NULL after the last. */
static const struct gate_fig *
au_fig_next(const struct au_lp *L, struct au_at *at)
{
	const struct audit *au = L->au;

	for (; at->tab < au->ntabs; at->tab++, at->i = 0) {
		const struct gate_table *t = au->tabs[at->tab].t;

		if (t->year != L->year)
			continue;
		for (; at->i < L->ngq; at->i++, at->r = SIZE_MAX) {
			at->col = au_col(&au->tabs[at->tab], L->gq[at->i]);
			if (at->col != AGG_NONE && ++at->r < t->nrows)
				return gate_fig(t, at->r, at->col);
		}
	}
	return NULL;
}

/* Build and solve the LP of year y and question group g. */
int
au_group(struct audit *au, unsigned y, size_t g, struct audit_result *res,
    struct err *e)
{
	struct au_lp L;
	struct au_at at;
	const struct gate_fig *f;
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
	for (tab = 0; tab < au->ntabs; tab++)
		if (au->tabs[tab].t->year == y && au->tabs[tab].base >= 0)
			any = 1;
	for (at = au_at_first; !any && (f = au_fig_next(&L, &at)) != NULL;)
		if (au_protected(f->reason) ||
		    (au->qs[L.gq[at.i]].sens != 0 && gate_hidden(f->reason)))
			any = 1;
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
					au_atom(&L, t->rows[r].code, batches[b],
					    tab);
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
	at = au_at_first;
	while ((f = au_fig_next(&L, &at)) != NULL) {
		const struct gate_table *t = au->tabs[at.tab].t;
		const struct au_q *aq = &au->qs[L.gq[at.i]];
		size_t col = at.col;
		double k;
		int n, row;

		tab = at.tab;
		i = at.i;
		r = at.r;

		if (f->reason != GATE_SHOWN && f->reason != GATE_BAND)
			continue;
		na = au_fig_atoms(&L, tab, r, col, atoms, units);
		if (na == 0)
			continue;
		for (j = 0; j < na; j++)
			if (atoms[j] < L.natoms)
				L.sig[atoms[j] * L.ngq + i] += au_mix(
				    ((uint64_t)tab << 32) ^ r);
		if (f->reason == GATE_BAND) {
			if (aq->band_cat == AGG_NONE)
				continue;
			/* cat - an >= -t */
			n = au_form(&L, atoms, na, i, AU_STATES + aq->band_cat,
			    AU_AN, &k);
			if (n == 0)
				continue;
			row = glp_add_rows(L.lp, 1);
			glp_set_mat_row(L.lp, row, n, L.ind, L.val);
			glp_set_row_bnds(L.lp, row, GLP_LO,
			    -(double)t->sens_t - k, 0);
			continue;
		}
		au_fix(&L, atoms, na, i, AU_NS, f->notshown);
		au_fix(&L, atoms, na, i, AU_SK, f->skipped);
		au_fix(&L, atoms, na, i, AU_DE, f->declined);
		au_fix(&L, atoms, na, i, AU_AN, f->answered);
		for (c = 0; c < aq->aq->ncat; c++)
			au_fix(&L, atoms, na, i, AU_STATES + c, f->counts[c]);
	}

	/* follow-ups: shown >= each term's count, <= their sum, per atom */
	for (i = 0; i < L.ngq; i++) {
		const struct au_q *fq = &au->qs[L.gq[i]];
		size_t a, tm, oi;

		for (a = 0; fq->nterm > 0 && a < L.natoms; a++) {
			int f0 = L.col[a * L.ngq + i], n = 0, row, ok = 1;
			double kf;
			const double *kn = &L.known[(a * L.ngq + i) * L.stride];

			/* shown = asked - not shown */
			kf = f0 ? 0 : kn[AU_SK] + kn[AU_DE] + kn[AU_AN];
			au_reserve(&L, AU_MAXTERMS + 4);
			for (tm = 0; tm < fq->nterm; tm++) {
				for (oi = 0; oi < L.ngq; oi++)
					if (L.gq[oi] == fq->term_q[tm])
						break;
				if (oi == L.ngq ||
				    au_asked(&L, a, oi) != au_asked(&L, a, i))
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
				glp_set_row_bnds(L.lp, row, GLP_LO,
				    o0 ? -kf :
					 ko[AU_STATES + fq->term_c[tm]] - kf,
				    0);
			}
		}
	}

	/* protected cells, sensitive groups and late arrivals: targets */
	at = au_at_first;
	while ((f = au_fig_next(&L, &at)) != NULL) {
		const struct au_q *aq = &au->qs[L.gq[at.i]];
		size_t col = at.col;
		int prot = au_protected(f->reason);

		tab = at.tab;
		i = at.i;
		r = at.r;

		if (!gate_hidden(f->reason) || f->reason == GATE_IMPLAUSIBLE ||
		    f->reason == GATE_OPEN || f->reason == GATE_REGION_ONLY)
			continue;
		if (!prot && aq->sens == 0)
			continue;
		na = au_fig_atoms(&L, tab, r, col, atoms, units);
		if (na == 0)
			continue;
		for (c = 0; c < aq->aq->ncat; c++) {
			if (prot)
				au_target(&L, AU_T_CELL, tab, r, aq, c,
				    au_form(&L, atoms, na, i, AU_STATES + c,
					AGG_NONE, &L.k),
				    NULL);
			if (!(aq->sens & ((uint64_t)1 << c)))
				continue;
			au_target(&L, AU_T_SENS, tab, r, aq, c,
			    au_form(&L, atoms, na, i, AU_AN, AU_STATES + c,
				&L.k),
			    NULL);
			au_target(&L, AU_T_AN, tab, r, aq, c,
			    au_form(&L, atoms, na, i, AU_AN, AGG_NONE, &L.k),
			    NULL);
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
				continue; /* nothing arrived late */
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
