/* audit_decide: what the certificates leave undecided, pushed together
 * and solved. See audit.c. */
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
			if (au_step(L, t, -1, tw, twn, twpos, &budget, m,
				pats) ||
			    au_step(L, t, 1, tw, twn, twpos, &budget, m,
				pats)) {
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
		    au_step(L, t, 1, tw, twn, twpos, &budget, &m[ns], pats)) {
			ns++;
			v = au_xeval(L, t);
		}
		while (ns > 0)
			au_move_apply(L, &m[--ns], -1);
		if (v < thr - 0.5 && au_sub(L, t, tw, twn, twpos, 1, thr, &got))
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

#define AU_SCREEN 4   /* random objectives before any target alone */
#define AU_ROUNDS 160 /* pushes of the undecided together */
#define AU_NARROW 3   /* per LP: the narrowest made exact for the list */

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
int
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
				sign[i] = 0; /* settled already */
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
				sign[i] = !und	       ? 0 :
				    (L->rng >> 40) & 1 ? 1 :
							 -1;
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
			break; /* a whole cycle moved none */
	}
	/* cells seen only at zero whose sum cannot leave zero: pinned at
	 * zero together, one LP */
	for (i = 0; i < L->ntargets; i++)
		sign[i] = au_undecided(L, i) &&
		    L->targets[i].kind == AU_T_CELL && L->targets[i].omax < 0.5;
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
			au_cell(&cell, AUDIT_DETERMINED, tb, t->row, t->q->aq,
			    t->cat, 0);
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
			rc = au_exact(L, (size_t)(t - L->targets), GLP_MAX, &hi,
			    res, e);
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
