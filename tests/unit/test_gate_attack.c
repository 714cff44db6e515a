/* Attacks on the publish gate, one per class of issue 10, by an attacker
 * written here that reads only the published tables (plus, to be safe,
 * each hidden unit's number of answers) and solves for hidden cells with
 * its own linear program (GLPK). It calls nothing of the gate but
 * gate_publish and the table's public fields: not gate_fig_members, not
 * the audit. Classes: a choice of a multiple-choice question as its own
 * yes/no table; a follow-up linked with its opener; homogeneous groups on
 * a sensitive question; padding; and random regions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glpk.h>
#include <sodium.h>

#include "report/agg.h"
#include "report/gate.h"
#include "report_fixture.h"

#define NU 12
#define MAXC 8

static const struct agg_unit units[NU] = {
	{"A", "Unit A", "North"}, {"B", "Unit B", "North"},
	{"C", "Unit C", "North"}, {"D", "Unit D", "South"},
	{"E", "Unit E", "South"}, {"F", "Unit F", NULL},
	{"G", "Unit G", "West"}, {"H", "Unit H", "West"},
	{"I", "Unit I", "West"}, {"J", "Unit J", "East"},
	{"K", "Unit K", "East"}, {"L", "Unit L", NULL},
};

/* ---- the attacker ------------------------------------------------------ */

/* Sensitive categories read from the form (yesno: yes is counts[1];
 * choice i is category i). */
static uint64_t
sens_cats(const struct agg_question *q)
{
	uint64_t s = q->form->questions[q->fq].sensitive;

	if (q->type == FORM_YESNO)
		return (s & ((uint64_t)1 << FORM_YES)) ? 2 : 0;
	return s;
}

static int
hid(enum gate_reason r)
{
	return r != GATE_SHOWN && r != GATE_NO_DATA;
}

static const struct gate_fig *
fig(const struct gate_table *t, size_t row, size_t q)
{
	return &t->figs[row * t->ncols + q];
}

static size_t
unit_row(const struct gate_table *t, size_t u)
{
	size_t r;

	for (r = 0; r < t->nrows; r++)
		if (t->rows[r].kind == GATE_ROW_UNIT && t->rows[r].unit == u)
			return r;
	return (size_t)-1;
}

/* Whether unit u is in the published sum row r of question q, as the
 * attacker reads the table: regions and areas by the area map, pools as
 * the hidden units they say they pool. Implausible units are in none. */
static int
member(const struct gate_table *t, size_t r, size_t q, size_t u)
{
	const struct gate_row *row = &t->rows[r];
	const struct gate_row *ur = &t->rows[unit_row(t, u)];
	size_t ar;

	if (fig(t, unit_row(t, u), q)->reason == GATE_IMPLAUSIBLE)
		return 0;
	switch (row->kind) {
	case GATE_ROW_REGION:
		return 1;
	case GATE_ROW_AREA:
		return ur->area_ix == row->area_ix;
	case GATE_ROW_POOL:
		if (!hid(fig(t, unit_row(t, u), q)->reason))
			return 0;
		if (row->area_ix != AGG_NONE)
			return ur->area_ix == row->area_ix;
		for (ar = 0; ar < t->nrows; ar++)
			if (t->rows[ar].kind == GATE_ROW_AREA &&
			    t->rows[ar].area_ix == ur->area_ix)
				return hid(fig(t, ar, q)->reason);
		return 0;
	default:
		return r == unit_row(t, u);
	}
}

struct atk {
	glp_prob *lp;
	const struct gate_table *t;
	const struct agg *a;
	int col[FX_MAXQ][NU][MAXC];	/* 0: known */
	long known[FX_MAXQ][NU][MAXC];
	int used[FX_MAXQ];
};

/* The unknowns and the published sums of question q. */
static void
atk_question(struct atk *k, size_t q)
{
	const struct gate_table *t = k->t;
	const struct agg_question *aq = agg_question(k->a, q);
	size_t u, r, c, nu = agg_nunits(k->a);
	int ind[NU * MAXC + 1];
	double val[NU * MAXC + 1];

	assert_true(aq->ncat <= MAXC);
	k->used[q] = 1;
	for (u = 0; u < nu; u++) {
		const struct gate_fig *f = fig(t, unit_row(t, u), q);
		const struct agg_cell *cell = agg_cell(k->a, u, t->year, q);
		uint32_t n = cell != NULL ? cell->answered : 0;
		int row;

		for (c = 0; c < aq->ncat; c++) {
			k->col[q][u][c] = 0;
			k->known[q][u][c] = 0;
			if (!hid(f->reason)) {
				if (f->counts != NULL)
					k->known[q][u][c] = f->counts[c];
				continue;
			}
			if (n == 0 || f->reason == GATE_IMPLAUSIBLE)
				continue;
			k->col[q][u][c] = glp_add_cols(k->lp, 1);
			glp_set_col_bnds(k->lp, k->col[q][u][c], GLP_DB, 0, n);
		}
		if (!hid(f->reason) || n == 0 ||
		    f->reason == GATE_IMPLAUSIBLE)
			continue;
		if (aq->type != FORM_MULTI) {	/* the answers partition */
			row = glp_add_rows(k->lp, 1);
			for (c = 0; c < aq->ncat; c++) {
				ind[c + 1] = k->col[q][u][c];
				val[c + 1] = 1;
			}
			glp_set_mat_row(k->lp, row, (int)aq->ncat, ind, val);
			glp_set_row_bnds(k->lp, row, GLP_FX, n, n);
		}
		if (f->reason == GATE_BAND) {	/* all but at most t */
			for (c = 0; c < aq->ncat; c++) {
				if (!(sens_cats(aq) &
				    ((uint64_t)1 << c)) || aq->type ==
				    FORM_MULTI || aq->ncat > 2)
					continue;
				glp_set_col_bnds(k->lp, k->col[q][u][c], GLP_DB,
				    n > t->sens_t ? n - t->sens_t : 0, n);
			}
		}
	}
	for (r = 0; r < t->nrows; r++) {
		const struct gate_fig *f = fig(t, r, q);

		if (t->rows[r].kind == GATE_ROW_UNIT || f->reason != GATE_SHOWN)
			continue;
		for (c = 0; c < aq->ncat; c++) {
			long rhs = f->counts[c];
			int n = 0, row;

			for (u = 0; u < nu; u++) {
				if (!member(t, r, q, u))
					continue;
				if (k->col[q][u][c]) {
					ind[++n] = k->col[q][u][c];
					val[n] = 1;
				} else {
					rhs -= k->known[q][u][c];
				}
			}
			if (n == 0) {
				assert_int_equal(rhs, 0);
				continue;
			}
			row = glp_add_rows(k->lp, 1);
			glp_set_mat_row(k->lp, row, n, ind, val);
			glp_set_row_bnds(k->lp, row, GLP_FX, rhs, rhs);
		}
	}
}

/* Follow-up fq is shown exactly to those who gave category oc of opener
 * oq: every published "shown" count of fq is a sum of oq's cells. */
static void
atk_link(struct atk *k, size_t oq, size_t oc, size_t fq)
{
	const struct gate_table *t = k->t;
	size_t u, r, nu = agg_nunits(k->a);
	int ind[NU + 1];
	double val[NU + 1];

	for (r = 0; r < t->nrows; r++) {
		const struct gate_fig *f = fig(t, r, fq);
		long rhs;
		int n = 0, row;

		if (f->reason != GATE_SHOWN)
			continue;
		rhs = (long)f->answered + f->declined + f->skipped;
		for (u = 0; u < nu; u++) {
			if (!member(t, r, fq, u))
				continue;
			if (k->col[oq][u][oc]) {
				ind[++n] = k->col[oq][u][oc];
				val[n] = 1;
			} else {
				rhs -= k->known[oq][u][oc];
			}
		}
		if (n == 0)
			continue;
		row = glp_add_rows(k->lp, 1);
		glp_set_mat_row(k->lp, row, n, ind, val);
		glp_set_row_bnds(k->lp, row, GLP_FX, rhs, rhs);
	}
}

static double
atk_solve(struct atk *k, int col, int dir)
{
	glp_smcp parm;
	int i, n = glp_get_num_cols(k->lp);

	for (i = 1; i <= n; i++)
		glp_set_obj_coef(k->lp, i, i == col ? 1 : 0);
	glp_set_obj_dir(k->lp, dir);
	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	assert_int_equal(glp_simplex(k->lp, &parm), 0);
	assert_int_equal(glp_get_status(k->lp), GLP_OPT);
	return glp_get_obj_val(k->lp);
}

static void
atk_init(struct atk *k, const struct gate_table *t, const struct agg *a)
{
	memset(k, 0, sizeof(*k));
	k->lp = glp_create_prob();
	k->t = t;
	k->a = a;
}

static void
atk_dump(const struct atk *k, size_t q)
{
	const struct gate_table *t = k->t;
	size_t r, c;

	for (r = 0; r < t->nrows; r++) {
		const struct gate_fig *f = fig(t, r, q);

		print_message("row %zu kind %d area %zu unit %zu reason %d "
		    "ans %u:", r, t->rows[r].kind, t->rows[r].area_ix,
		    t->rows[r].unit, f->reason, f->answered);
		for (c = 0; f->counts != NULL &&
		    c < agg_question(k->a, q)->ncat; c++)
			print_message(" %u", f->counts[c]);
		if (t->rows[r].kind == GATE_ROW_UNIT && agg_cell(k->a,
		    t->rows[r].unit, t->year, q) != NULL)
			print_message(" true %u/%u", agg_cell(k->a,
			    t->rows[r].unit, t->year, q)->counts[0],
			    agg_cell(k->a, t->rows[r].unit, t->year,
			    q)->counts[1]);
		print_message("\n");
	}
}

/* Hidden cells of question q of units with fewer than k answers (or a
 * banded sensitive answer) pinned to a value above 0; sensitive answers
 * determined (all but fewer than t) in any group. Returns how many; adds
 * the cells it checked to *checked. */
static size_t
atk_findings(struct atk *k, size_t q, size_t *checked)
{
	const struct gate_table *t = k->t;
	const struct agg_question *aq = agg_question(k->a, q);
	uint64_t sens = sens_cats(aq);
	size_t u, c, r, bad = 0, nu = agg_nunits(k->a);

	for (u = 0; u < nu; u++) {
		const struct gate_fig *f = fig(t, unit_row(t, u), q);
		const struct agg_cell *cell = agg_cell(k->a, u, t->year, q);

		if (!hid(f->reason) || cell == NULL || cell->answered == 0 ||
		    f->reason == GATE_IMPLAUSIBLE)
			continue;
		for (c = 0; c < aq->ncat; c++) {
			double lo, hi;

			if (!k->col[q][u][c])
				continue;
			lo = atk_solve(k, k->col[q][u][c], GLP_MIN);
			hi = atk_solve(k, k->col[q][u][c], GLP_MAX);
			if (cell->answered < t->k || f->reason == GATE_BAND) {
				(*checked)++;
				if (hi - lo < 0.5 && hi > 0.5) {
					print_message("pinned: %s %s cat %zu "
					    "(reason %d, %u answers)\n",
					    units[u].code, aq->id, c, f->reason,
					    cell->answered);
					if (getenv("ATK_DEBUG"))
						atk_dump(k, q);
					bad++;
				}
			}
			if ((sens & ((uint64_t)1 << c)) &&
			    lo > (double)cell->answered - t->sens_t + 0.5) {
				print_message("determined: %s %s\n",
				    units[u].code, aq->id);
				bad++;
			}
		}
	}
	for (r = 0; r < t->nrows; r++) {
		const struct gate_fig *f = fig(t, r, q);

		if (f->reason != GATE_SHOWN)
			continue;
		for (c = 0; c < aq->ncat; c++)
			if ((sens & ((uint64_t)1 << c)) && f->answered > 0 &&
			    f->answered - f->counts[c] < t->sens_t) {
				print_message("determined: row %zu %s\n", r,
				    aq->id);
				bad++;
			}
	}
	return bad;
}

/* ---- scenarios ---------------------------------------------------------- */

enum { Q_WHY, Q_HAR, Q_OPEN, Q_FOLLOW, NQ };

static struct form *
attack_form(void)
{
	struct form *f = fx_form("atk", 1);
	struct err e = { .msg = "" };
	size_t pos;
	const char *x = "open == yes";

	fx_q(f, "why", FORM_MULTI, "a b c", 0, 0);
	fx_q(f, "har", FORM_YESNO, NULL, 0, 0)->sensitive =
	    (uint64_t)1 << FORM_YES;
	fx_q(f, "open", FORM_YESNO, NULL, 0, 0);
	fx_q(f, "follow", FORM_SINGLE, "x y", 0, 0);
	assert_int_equal(form_expr_parse(&f->questions[Q_FOLLOW].show_if, f,
	    Q_FOLLOW, x, strlen(x), &pos, &e), 0);
	return f;
}

static void
attack_form_free(struct form *f)
{
	form_expr_free(f->questions[Q_FOLLOW].show_if);
	fx_form_free(f);
}

static void
params(struct gate_params *p)
{
	memset(p, 0, sizeof(*p));
	p->k = 5;
	p->text_k = 8;
	p->now_year = 2025;
	p->now_month = 6;
	p->grace_months = 2;
	p->sensitive_t = 1;
}

/* n records: why = bits, har, open; follow x if open, else not shown. */
static void
add(struct agg *a, const struct form *f, const char *unit, int n, int why,
    int har, int open)
{
	int v[NQ], i;

	for (i = 0; i < n; i++) {
		v[Q_WHY] = why;
		v[Q_HAR] = har;
		v[Q_OPEN] = open;
		v[Q_FOLLOW] = open ? i % 2 : NS;
		assert_int_equal(fx_add(a, f, unit, 2024, v, NULL), 0);
	}
}

static int
setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

/* 1. B's one leaver and A's six all ticked "a" (b varies): a pool of A
 * and B shows a = 7 of 7, so B's leaver ticked a. */
static void
test_multi_choice_pool(void **state)
{
	struct form *f = attack_form();
	const struct form *forms[1] = {f};
	struct agg *a = agg_new(forms, 1, units, 6, NULL);
	struct gate_params p;
	struct gate_table *t;
	struct atk k;
	size_t checked = 0;

	(void)state;
	add(a, f, "A", 3, 1 | 2, 0, 0);
	add(a, f, "A", 3, 1, 0, 0);
	add(a, f, "B", 1, 1, 0, 0);
	add(a, f, "C", 5, 2, 0, 0);
	add(a, f, "C", 4, 4, 0, 0);
	add(a, f, "D", 9, 2 | 4, 0, 0);
	params(&p);
	assert_int_equal(gate_publish(&t, a, 2024, &p, NULL), 0);
	atk_init(&k, t, a);
	atk_question(&k, Q_WHY);
	assert_int_equal(atk_findings(&k, Q_WHY, &checked), 0);
	assert_true(checked >= 3);
	glp_delete_prob(k.lp);
	gate_table_free(t);
	agg_free(a);
	attack_form_free(f);
}

/* 2. open: B (2 answers) hidden, A (6) its complement; the pool A+B is
 * shown. follow is shown to A's five who said yes: its "shown" count in
 * A is A's yes count, and the pool minus it is B's. */
static void
test_follow_up(void **state)
{
	struct form *f = attack_form();
	const struct form *forms[1] = {f};
	struct agg *a = agg_new(forms, 1, units, 6, NULL);
	struct gate_params p;
	struct gate_table *t;
	struct atk k;
	size_t checked = 0;

	(void)state;
	add(a, f, "A", 5, 2, 0, 1);
	add(a, f, "A", 1, 1, 0, 0);
	add(a, f, "B", 2, 1, 0, 1);
	add(a, f, "C", 4, 4, 0, 1);
	add(a, f, "C", 4, 4, 0, 0);
	add(a, f, "D", 9, 2, 0, 1);
	params(&p);
	assert_int_equal(gate_publish(&t, a, 2024, &p, NULL), 0);
	atk_init(&k, t, a);
	atk_question(&k, Q_OPEN);
	atk_question(&k, Q_FOLLOW);
	atk_link(&k, Q_OPEN, 1, Q_FOLLOW);
	assert_int_equal(atk_findings(&k, Q_OPEN, &checked), 0);
	assert_true(checked >= 2);
	glp_delete_prob(k.lp);
	gate_table_free(t);
	agg_free(a);
	attack_form_free(f);
}

/* 3. Every one of C's seven answered yes to the sensitive question: a
 * shown C would say each of them was harassed. */
static void
test_homogeneous_sensitive(void **state)
{
	struct form *f = attack_form();
	const struct form *forms[1] = {f};
	struct agg *a = agg_new(forms, 1, units, 6, NULL);
	struct gate_params p;
	struct gate_table *t;
	struct atk k;
	size_t checked = 0, r;

	(void)state;
	add(a, f, "A", 6, 1, 0, 0);
	add(a, f, "A", 2, 1, 1, 0);
	add(a, f, "C", 7, 2, 1, 0);
	add(a, f, "D", 5, 2, 0, 0);
	add(a, f, "D", 4, 2, 1, 0);
	add(a, f, "E", 6, 2, 0, 0);
	params(&p);
	assert_int_equal(gate_publish(&t, a, 2024, &p, NULL), 0);
	atk_init(&k, t, a);
	atk_question(&k, Q_HAR);
	assert_int_equal(atk_findings(&k, Q_HAR, &checked), 0);
	/* the reason says no more than the band: hidden, like a complement */
	r = unit_row(t, 2);
	assert_int_equal(fig(t, r, Q_HAR)->reason, GATE_BAND);
	assert_null(fig(t, r, Q_HAR)->counts);
	glp_delete_prob(k.lp);
	gate_table_free(t);
	agg_free(a);
	attack_form_free(f);
}

/* 4. B had one leaver; five interviews were made up for it. Shown, B's
 * figures minus the five known ones give the real leaver's answers; in a
 * sum, the same by subtraction. With turnover imported, B is in none. */
static void
test_padding(void **state)
{
	struct form *f = attack_form();
	const struct form *forms[1] = {f};
	struct agg *a = agg_new(forms, 1, units, 6, NULL);
	struct agg_turnover to[1] = {{"B", 2024, 30, 1}};
	struct gate_params p;
	struct gate_table *t, *t0;
	size_t r, q, u;

	(void)state;
	add(a, f, "A", 9, 1, 0, 0);
	add(a, f, "B", 5, 2, 0, 0);	/* the made-up ones */
	add(a, f, "B", 1, 4, 1, 1);	/* the real leaver */
	add(a, f, "D", 9, 2, 0, 1);
	params(&p);
	p.turnover = to;
	p.nturnover = 1;
	assert_int_equal(gate_publish(&t, a, 2024, &p, NULL), 0);
	r = unit_row(t, 1);
	assert_true(t->rows[r].implausible);
	for (q = 0; q < NQ; q++) {
		long sum = 0;

		assert_int_equal(fig(t, r, q)->reason, GATE_IMPLAUSIBLE);
		assert_null(fig(t, r, q)->counts);
		/* the region's answered is that of the others alone */
		for (u = 0; u < 6; u++)
			if (u != 1 && agg_cell(a, u, 2024, q) != NULL)
				sum += agg_cell(a, u, 2024, q)->answered;
		if (fig(t, 0, q)->reason == GATE_SHOWN)
			assert_int_equal(fig(t, 0, q)->answered, sum);
	}
	/* without turnover the padded unit is published (the attack) */
	p.turnover = NULL;
	p.nturnover = 0;
	assert_int_equal(gate_publish(&t0, a, 2024, &p, NULL), 0);
	assert_int_equal(fig(t0, r, Q_WHY)->reason, GATE_SHOWN);
	gate_table_free(t0);
	gate_table_free(t);
	agg_free(a);
	attack_form_free(f);
}

/* 5. Random regions: 12 units in 4 areas and none, 1 to 30 interviews,
 * the multi, the sensitive yes/no and the linked follow-up; the attacker
 * finds nothing. RANDOM_REGIONS=n for a longer run. */
static void
test_random_regions(void **state)
{
	struct form *f = attack_form();
	const struct form *forms[1] = {f};
	struct gate_params p;
	struct gate_table *t;
	uint32_t rng = 4242;
	size_t checked = 0, nreg = 0, u;
	int iter, i, n, v[NQ], iters = 40;

	(void)state;
	if (getenv("RANDOM_REGIONS") != NULL)
		iters = atoi(getenv("RANDOM_REGIONS"));
	params(&p);
	for (iter = 0; iter < iters; iter++) {
		struct agg *a = agg_new(forms, 1, units, NU, NULL);
		struct atk k;
		int skew;

		rng = rng * 1103515245u + 12345u;
		skew = (int)((rng >> 16) % 4);
		p.k = 3 + (unsigned)iter % 3;
		for (u = 0; u < NU; u++) {
			rng = rng * 1103515245u + 12345u;
			n = (rng >> 16) % 3 == 0 ? 0 :
			    1 + (int)((rng >> 18) % ((rng >> 28) % 2 ?
			    30 : 6));
			for (i = 0; i < n; i++) {
				rng = rng * 1103515245u + 12345u;
				v[Q_WHY] = 1 + (int)((rng >> 16) % 7);
				if (skew == 0)
					v[Q_WHY] |= 1;
				v[Q_HAR] = skew == 1 ? (rng >> 19) % 8 != 0 :
				    (int)((rng >> 19) % 2);
				v[Q_OPEN] = (int)((rng >> 21) % 3 != 0);
				v[Q_FOLLOW] = v[Q_OPEN] ?
				    (int)((rng >> 23) % 2) : NS;
				if ((rng >> 25) % 9 == 0)
					v[Q_HAR] = DE;
				assert_int_equal(fx_add(a, f, units[u].code,
				    2024, v, NULL), 0);
			}
		}
		assert_int_equal(gate_publish(&t, a, 2024, &p, NULL), 0);
		atk_init(&k, t, a);
		atk_question(&k, Q_WHY);
		atk_question(&k, Q_HAR);
		atk_question(&k, Q_OPEN);
		atk_question(&k, Q_FOLLOW);
		atk_link(&k, Q_OPEN, 1, Q_FOLLOW);
		assert_int_equal(atk_findings(&k, Q_WHY, &checked), 0);
		assert_int_equal(atk_findings(&k, Q_HAR, &checked), 0);
		assert_int_equal(atk_findings(&k, Q_OPEN, &checked), 0);
		glp_delete_prob(k.lp);
		gate_table_free(t);
		agg_free(a);
		nreg++;
	}
	print_message("random regions: %zu regions, %zu hidden cells "
	    "checked\n", nreg, checked);
	assert_true(checked > 100);
	attack_form_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multi_choice_pool),
		cmocka_unit_test(test_follow_up),
		cmocka_unit_test(test_homogeneous_sensitive),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_random_regions),
	};

	glp_term_out(GLP_OFF);
	return cmocka_run_group_tests(tests, setup, NULL);
}
