/* audit_cert: certificates: a second feasible integer point that shows a
 * hidden cell is not pinned without an LP (the records' own point, moves
 * between twin atoms, small integer programs). See audit.c. */
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

uint64_t
au_mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void
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
		return 0; /* not asked there: fixed at 0 */
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
void
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
			L->crow = xreallocarray(L->crow, cap, sizeof(*L->crow));
			L->cval = xreallocarray(L->cval, cap, sizeof(*L->cval));
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

		L->rlo[j] = type == GLP_FR || type == GLP_UP ?
		    -1e300 :
		    glp_get_row_lb(L->lp, j);
		L->rhi[j] = type == GLP_FR || type == GLP_LO ?
		    1e300 :
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

void
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
au_patterns(const struct au_q *q, int v, double D, int pv[][3], double pd[][3],
    int pn[], size_t max)
{
	size_t n = 0, ncat = q->aq->ncat;
	int multi = q->aq->type == FORM_MULTI, w, s;

#define AU_PAT(a, da, b, db, c, dc, k) \
	do { \
		if (n < max) { \
			pv[n][0] = (a); \
			pd[n][0] = (da); \
			pv[n][1] = (b); \
			pd[n][1] = (db); \
			pv[n][2] = (c); \
			pd[n][2] = (dc); \
			pn[n++] = (k); \
		} \
	} while (0)
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

int
au_cmp_sa(const void *x, const void *y)
{
	const struct au_sa *a = x, *b = y;

	if (a->sig != b->sig)
		return a->sig < b->sig ? -1 : 1;
	return a->atom < b->atom ? -1 : a->atom > b->atom;
}

/* Append the triples of au_patterns' pattern k to o. */
static void
au_pat_cat(struct au_pat *o, int q, int pv[][3], double pd[][3], const int pn[],
    size_t k)
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
				    base->q[j] == io &&
				    base->v[j] ==
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
			nq2 = au_patterns(&L->au->qs[L->gq[i2]],
			    AU_STATES + (int)q->term_c[tm], D2, qv, qd, qn, 64);
			for (p = 0; p < np && n < max; p++)
				for (r = 0; r < nq2 && n < max; r++) {
					struct au_pat o;

					o.n = 0;
					au_pat_cat(&o, i, pv, pd, pn, p);
					au_pat_cat(&o, i2, qv, qd, qn, r);
					au_pat_follow(L, &o, 0, i2, i, out, &n,
					    max);
				}
		}
	}
	return n;
}

/* Try to change target t by dir (+1 or -1) with one move; on success
 * apply it (x moves; *out is the move, to take back) and return 1. */
int
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
		for (lo = me;
		     lo > 0 && tw[base + lo - 1].sig == tw[base + me].sig; lo--)
			;
		for (hi = me + 1;
		     hi < twn[i] && tw[base + hi].sig == tw[base + me].sig;
		     hi++)
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
						(size_t)P->q[k]],
					    c2;

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

double
au_xeval(const struct au_lp *L, const struct au_target *t)
{
	double v = t->k;
	int j;

	for (j = 1; j <= t->n; j++)
		v += t->val[j] * L->x[t->ind[j]];
	return v;
}

void
au_seen(struct au_target *t, double v)
{
	if (v < t->omin)
		t->omin = v;
	if (v > t->omax)
		t->omax = v;
}

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

int
au_sub(struct au_lp *L, const struct au_target *t, const struct au_sa *tw,
    const size_t *twn, const size_t *twpos, int dir, double want, double *got)
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

		for (lo = me;
		     lo > 0 && tw[base + lo - 1].sig == tw[base + me].sig; lo--)
			;
		for (hi = me + 1;
		     hi < twn[i] && tw[base + hi].sig == tw[base + me].sig;
		     hi++)
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
	fcol = xcalloc(L->ncols + 1, sizeof(*fcol));   /* col -> sub col */
	rowof = xcalloc(L->nrows + 1, sizeof(*rowof)); /* row -> sub row */
	frow = xcalloc(L->ncols + 1, sizeof(*frow));   /* free cols */
	fx = xcalloc(L->ncols + 1, sizeof(*fx));
	sp = glp_create_prob();
	for (j = 0; j < na; j++)
		for (k = 0; k < L->ngq; k++) {
			int c0 = L->col[atoms[j] * L->ngq + k], v;

			for (v = 0;
			     c0 != 0 && v < (int)au_nvar(&L->au->qs[L->gq[k]]);
			     v++) {
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
		if ((rc != 0 && rc != GLP_ETMLIM) ||
		    (glp_mip_status(sp) != GLP_OPT &&
			glp_mip_status(sp) != GLP_FEAS))
			continue;
		/* x moved to the solution, checked on the whole model */
		for (j = 0; j < nf; j++) {
			fx[frow[j]] = L->x[frow[j]];
			L->x[frow[j]] = (double)(long)(glp_mip_col_val(sp,
							   fcol[frow[j]]) +
			    0.5);
		}
		/* the rows' activity at the solution */
		for (j = 0; j < nf; j++)
			for (p = L->cst[frow[j]]; p < L->cst[frow[j] + 1]; p++)
				L->act[L->crow[p]] += L->cval[p] *
				    (L->x[frow[j]] - fx[frow[j]]);
		for (j = 0; j < nf; j++)
			if (L->x[frow[j]] < -1e-9 ||
			    L->x[frow[j]] > L->cub[frow[j]] + 1e-9)
				bad++;
		for (r = 1; r <= (int)L->nrows; r++)
			if (rowof[r] &&
			    (L->act[r] < L->rlo[r] - 1e-6 ||
				L->act[r] > L->rhi[r] + 1e-6))
				bad++;
		v = au_xeval(L, t);
		if (bad == 0 &&
		    ((d > 0 && v >= want - 0.5 && v > x0 + 0.5) ||
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
