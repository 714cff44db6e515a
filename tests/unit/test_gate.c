/* Unit tests for src/report/gate: for each hidden cell an attacker holding
 * every published figure (and, to be safe, each hidden unit's exact number
 * of answers) enumerates what the cell could still be; it must never be
 * pinned to one value. Plus: pools, closed periods and the before/after
 * sync attack, cross-year and cross-question (HME), texts, region-only. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "report/agg.h"
#include "report/gate.h"
#include "report_fixture.h"

static const struct agg_unit units[] = {
	{"A", "Unit A", "North"},
	{"B", "Unit B", "North"},
	{"C", "Unit C", "North"},
	{"D", "Unit D", "South"},
	{"E", "Unit E", "South"},
	{"F", "Unit F", NULL},
};
#define NUNITS 6

enum { Q_SAT, Q_YN, Q_WHY, Q_YEARS, Q_TXT, Q_PROF, Q_RTXT, NQ };

static struct form *
gate_form(void)
{
	struct form *f = fx_form("exit", 1);

	fx_q(f, "sat", FORM_SCALE, NULL, 1, 3);
	fx_q(f, "yn", FORM_YESNO, NULL, 0, 0);
	fx_q(f, "why", FORM_MULTI, "a b", 0, 0);
	fx_q(f, "years", FORM_NUMBER, NULL, 0, 40);
	fx_q(f, "txt", FORM_TEXT, NULL, 0, 0);
	fx_q(f, "prof", FORM_SINGLE, "n d", 0, 0)->report = FORM_SCOPE_REGION;
	fx_q(f, "rtxt", FORM_TEXT, NULL, 0, 0)->report = FORM_SCOPE_REGION;
	return f;
}

/* n records for unit in year; sat fixed if sat > 0, else varied by seed;
 * the first ntext records write "pfx i" as free text (both text
 * questions), the others skip them. */
static void
add_unit(struct agg *a, const struct form *f, const char *unit,
    unsigned year, int n, int seed, int sat, int ntext, const char *pfx)
{
	int v[NQ], i;
	char buf[64];
	const char *t[NQ];

	for (i = 0; i < n; i++) {
		memset(t, 0, sizeof(t));
		v[Q_SAT] = sat > 0 ? sat : 1 + (i * 7 + seed) % 3;
		v[Q_YN] = (i + seed) % 2;
		v[Q_WHY] = 1 + (i + seed) % 3;
		v[Q_YEARS] = (i * 5 + seed) % 40;
		v[Q_PROF] = i % 2;
		if (i < ntext) {
			snprintf(buf, sizeof(buf), "%s %d", pfx, i);
			t[Q_TXT] = t[Q_RTXT] = buf;
			v[Q_TXT] = v[Q_RTXT] = 0;
		} else {
			v[Q_TXT] = v[Q_RTXT] = SK;
		}
		assert_int_equal(fx_add(a, f, unit, year, v, t), 0);
	}
}

static void
params(struct gate_params *p, unsigned y, unsigned m)
{
	memset(p, 0, sizeof(*p));
	p->k = 5;
	p->text_k = 8;
	p->now_year = y;
	p->now_month = m;
	p->grace_months = 2;
}

/* ---- the attacker ------------------------------------------------------ */

#define MAXV 8
#define MAXC 4
#define MAXCON 16
#define MAXCAND 600

struct attack {
	size_t ncat;
	size_t nvar;
	size_t var_unit[MAXV];
	uint32_t (*cand[MAXV])[MAXC];	/* candidate vectors per variable */
	size_t ncand[MAXV];
	size_t ncon;
	int in[MAXCON][MAXV];		/* variable in constraint */
	long target[MAXCON][MAXC];
	size_t cur[MAXV];		/* candidate chosen */
	size_t seen[MAXV][2];		/* distinct candidates seen, +1 */
	int sens[MAXV];			/* fewer than k answers */
	unsigned long solutions;
};

static int
hidden(enum gate_reason r)
{
	return r == GATE_FEW || r == GATE_COMPLEMENT;
}

/* All count vectors a hidden cell with n answers could have. */
static void
candidates(struct attack *k, size_t v, const struct agg_question *q,
    uint32_t n)
{
	uint32_t (*c)[MAXC] = xcalloc(MAXCAND, sizeof(*c));
	size_t m = 0, i;
	uint32_t x[MAXC];

	memset(x, 0, sizeof(x));
	for (;;) {
		uint32_t s = 0;

		for (i = 0; i < k->ncat; i++)
			s += x[i];
		/* partition types sum to n; multi: each choice 0..n */
		if (q->type == FORM_MULTI || s == n) {
			assert_true(m < MAXCAND);
			memcpy(c[m++], x, sizeof(x));
		}
		for (i = 0; i < k->ncat; i++) {
			if (++x[i] <= n)
				break;
			x[i] = 0;
		}
		if (i == k->ncat)
			break;
	}
	k->cand[v] = c;
	k->ncand[v] = m;
}

static int
attack_ok(struct attack *k, size_t upto)
{
	size_t c, v, i;
	long s;
	int all;

	for (c = 0; c < k->ncon; c++) {
		all = 1;
		for (v = 0; v < k->nvar; v++)
			if (k->in[c][v] && v >= upto)
				all = 0;
		for (i = 0; i < k->ncat; i++) {
			s = 0;
			for (v = 0; v < upto; v++)
				if (k->in[c][v])
					s += k->cand[v][k->cur[v]][i];
			if (s > k->target[c][i] || (all && s != k->target[c][i]))
				return 0;
		}
	}
	return 1;
}

static int
attack_done(const struct attack *k)
{
	size_t v;

	if (k->solutions == 0)
		return 0;
	for (v = 0; v < k->nvar; v++)
		if (k->sens[v] && k->seen[v][1] == 0)
			return 0;
	return 1;
}

static void
attack_dfs(struct attack *k, size_t v)
{
	size_t i, j;

	if (attack_done(k))
		return;
	if (v == k->nvar) {
		k->solutions++;
		for (j = 0; j < k->nvar; j++) {
			if (k->seen[j][0] == 0)
				k->seen[j][0] = k->cur[j] + 1;
			else if (k->seen[j][0] != k->cur[j] + 1)
				k->seen[j][1] = k->cur[j] + 1;
		}
		return;
	}
	for (i = 0; i < k->ncand[v]; i++) {
		k->cur[v] = i;
		if (attack_ok(k, v + 1))
			attack_dfs(k, v + 1);
	}
}

/* Set up the linear system an attacker has for question q: every hidden
 * cell with answers is an unknown. Returns how many of them have fewer
 * than k answers (the ones to protect), *pinned how many of those the
 * published figures pin to one value. A hidden cell with k or more may be
 * pinned: that is no more than showing it. */
static size_t
attack(const struct gate_table *t, const struct agg *a, size_t q,
    size_t *pinned)
{
	const struct agg_question *aq = agg_question(a, q);
	struct attack k;
	size_t r, u, v, i, c, nu = agg_nunits(a);
	size_t var_of[NUNITS + 4];
	int area_hidden[8];

	memset(&k, 0, sizeof(k));
	k.ncat = aq->ncat;
	assert_true(k.ncat <= MAXC && nu <= NUNITS + 4);
	for (u = 0; u < nu; u++) {
		const struct gate_fig *f = gate_fig(t, gate_row_unit(t, u), q);
		const struct agg_cell *cell = agg_cell(a, u, t->year, q);

		var_of[u] = AGG_NONE;
		if (!hidden(f->reason) || cell == NULL || cell->answered == 0)
			continue;
		assert_null(f->counts);		/* nothing of it shown */
		assert_int_equal(f->answered, 0);
		assert_true(k.nvar < MAXV);
		var_of[u] = k.nvar;
		k.var_unit[k.nvar] = u;
		k.sens[k.nvar] = cell->answered < t->k;
		candidates(&k, k.nvar, aq, cell->answered);
		k.nvar++;
	}
	memset(area_hidden, 0, sizeof(area_hidden));
	for (r = 0; r < t->nrows; r++)
		if (t->rows[r].kind == GATE_ROW_AREA &&
		    gate_fig(t, r, q)->reason != GATE_SHOWN &&
		    gate_fig(t, r, q)->reason != GATE_NO_DATA)
			area_hidden[t->rows[r].area_ix] = 1;
	/* One constraint per shown sum row: its counts minus the shown (or
	 * empty) units in it. */
	for (r = 0; r < t->nrows; r++) {
		const struct gate_row *row = &t->rows[r];
		const struct gate_fig *f = gate_fig(t, r, q);
		int member[NUNITS + 4];

		if (row->kind == GATE_ROW_UNIT || f->reason != GATE_SHOWN)
			continue;
		for (u = 0; u < nu; u++) {
			const struct gate_fig *uf =
			    gate_fig(t, gate_row_unit(t, u), q);
			size_t ua = t->rows[gate_row_unit(t, u)].area_ix;

			switch (row->kind) {
			case GATE_ROW_REGION:
				member[u] = 1;
				break;
			case GATE_ROW_AREA:
				member[u] = ua == row->area_ix;
				break;
			default:	/* pools: the hidden units they pool */
				member[u] = hidden(uf->reason) &&
				    (row->area_ix == AGG_NONE ?
				    area_hidden[ua] : ua == row->area_ix);
			}
		}
		assert_true(k.ncon < MAXCON);
		for (i = 0; i < k.ncat; i++)
			k.target[k.ncon][i] = f->counts[i];
		for (u = 0; u < nu; u++) {
			const struct agg_cell *cell;

			if (!member[u])
				continue;
			if (var_of[u] != AGG_NONE) {
				k.in[k.ncon][var_of[u]] = 1;
				continue;
			}
			/* shown units are known; hidden ones without answers
			 * are known to be empty */
			cell = agg_cell(a, u, t->year, q);
			if (cell != NULL &&
			    !hidden(gate_fig(t, gate_row_unit(t, u),
			    q)->reason))
				for (i = 0; i < k.ncat; i++)
					k.target[k.ncon][i] -= cell->counts[i];
		}
		k.ncon++;
	}
	if (k.nvar == 0) {
		/* nothing hidden: every shown sum must add up exactly */
		for (c = 0; c < k.ncon; c++)
			for (i = 0; i < k.ncat; i++)
				assert_int_equal(k.target[c][i], 0);
		*pinned = 0;
		return 0;
	}
	attack_dfs(&k, 0);
	assert_true(k.solutions > 0);	/* the truth is always a solution */
	*pinned = 0;
	c = 0;
	for (v = 0; v < k.nvar; v++) {
		if (agg_cell(a, k.var_unit[v], t->year, q)->answered >= t->k) {
			free(k.cand[v]);
			continue;
		}
		c++;
		if (k.seen[v][1] == 0) {
			print_message("unit %s, question %s, year %u: pinned\n",
			    agg_unit(a, k.var_unit[v])->code, aq->id, t->year);
			(*pinned)++;
		}
		free(k.cand[v]);
	}
	return c;
}

static size_t
assert_unpinned(const struct gate_table *t, const struct agg *a, size_t q)
{
	size_t pinned, n = attack(t, a, q, &pinned);

	assert_int_equal(pinned, 0);
	return n;
}

static void
check_all(const struct gate_table *t, const struct agg *a, size_t *checked)
{
	*checked += assert_unpinned(t, a, Q_SAT);
	*checked += assert_unpinned(t, a, Q_YN);
	*checked += assert_unpinned(t, a, Q_WHY);
}

static enum gate_reason
reason(const struct gate_table *t, const char *unit, size_t q)
{
	size_t u = agg_unit_find(t->agg, unit);

	return gate_fig(t, gate_row_unit(t, u), q)->reason;
}

/* ---- tests ------------------------------------------------------------- */

static int
setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

/* B has 2 answers: hidden; the area North minus A and C would give it, so
 * A (the smallest other) is hidden too and both are shown pooled. */
static void
test_subtraction(void **state)
{
	struct form *f = gate_form();
	const struct form *forms[1] = {f};
	struct agg *a = agg_new(forms, 1, units, NUNITS, NULL);
	struct gate_params p;
	struct gate_table *t;
	const struct gate_fig *pool;
	size_t checked = 0;

	(void)state;
	add_unit(a, f, "A", 2024, 6, 0, 0, 0, "");
	add_unit(a, f, "B", 2024, 2, 1, 0, 0, "");
	add_unit(a, f, "C", 2024, 7, 2, 0, 0, "");
	add_unit(a, f, "D", 2024, 8, 0, 0, 0, "");
	add_unit(a, f, "E", 2024, 9, 1, 0, 0, "");
	add_unit(a, f, "F", 2024, 5, 2, 0, 0, "");
	params(&p, 2025, 6);
	assert_int_equal(gate_publish(&t, a, 2024, &p, NULL), 0);
	assert_false(t->open);
	assert_int_equal(reason(t, "B", Q_SAT), GATE_FEW);
	assert_int_equal(reason(t, "A", Q_SAT), GATE_COMPLEMENT);
	assert_int_equal(reason(t, "C", Q_SAT), GATE_SHOWN);
	assert_int_equal(reason(t, "D", Q_SAT), GATE_SHOWN);
	assert_int_equal(gate_fig(t, gate_row_area(t, "North"), Q_SAT)->reason,
	    GATE_SHOWN);
	pool = gate_fig(t, gate_row_pool(t, "North"), Q_SAT);
	assert_int_equal(pool->reason, GATE_SHOWN);
	assert_int_equal(pool->answered, 8);
	assert_int_equal(gate_fig(t, gate_row_pool(t, "South"), Q_SAT)->reason,
	    GATE_NO_DATA);
	assert_int_equal(gate_fig(t, 0, Q_SAT)->answered, 37);
	assert_int_equal(t->rows[gate_row_unit(t, 1)].interviews, 2);
	assert_int_equal(t->rows[gate_row_area(t, "North")].interviews, 15);
	assert_int_equal(t->rows[gate_row_area(t, "")].interviews, 5);
	check_all(t, a, &checked);
	assert_int_equal(checked, 3);	/* B, in three questions */
	gate_table_free(t);
	agg_free(a);
	fx_form_free(f);
}

/* The attacker itself: with A's figure shown (as a gate without
 * complementary suppression would), North minus A and C pins B. */
static void
test_attacker_finds(void **state)
{
	struct form *f = gate_form();
	const struct form *forms[1] = {f};
	struct agg *a = agg_new(forms, 1, units, NUNITS, NULL);
	struct gate_params p;
	struct gate_table *t;
	struct gate_fig *fa;
	size_t pinned, n;

	(void)state;
	add_unit(a, f, "A", 2024, 6, 0, 0, 0, "");
	add_unit(a, f, "B", 2024, 2, 1, 0, 0, "");
	add_unit(a, f, "C", 2024, 7, 2, 0, 0, "");
	add_unit(a, f, "D", 2024, 8, 0, 0, 0, "");
	params(&p, 2025, 6);
	assert_int_equal(gate_publish(&t, a, 2024, &p, NULL), 0);
	assert_int_equal(attack(t, a, Q_SAT, &pinned), 1);
	assert_int_equal(pinned, 0);
	fa = &t->figs[gate_row_unit(t, 0) * t->ncols + Q_SAT];
	assert_int_equal(fa->reason, GATE_COMPLEMENT);
	fa->reason = GATE_SHOWN;
	fa->counts = xcalloc(3, sizeof(uint32_t));
	memcpy(fa->counts, agg_cell(a, 0, 2024, Q_SAT)->counts,
	    3 * sizeof(uint32_t));
	fa->answered = 6;
	t->figs[gate_row_pool(t, "North") * t->ncols + Q_SAT].reason =
	    GATE_COMPLEMENT;
	n = attack(t, a, Q_SAT, &pinned);
	assert_int_equal(n, 1);
	assert_int_equal(pinned, 1);
	gate_table_free(t);
	agg_free(a);
	fx_form_free(f);
}

/* Many small random regions (a fixed LCG, so every run is the same):
 * the attacker never pins a hidden cell. */
static void
test_random_regions(void **state)
{
	struct form *f = gate_form();
	const struct form *forms[1] = {f};
	struct gate_params p;
	struct gate_table *t;
	uint32_t rng = 12345;
	size_t checked = 0, u;
	int iter, i, n, v[NQ];
	const char *tx[NQ] = {NULL};

	(void)state;
	params(&p, 2025, 6);
	/* GATE_ITER: more regions for a long local run */
	for (iter = 0; iter < (getenv("GATE_ITER") != NULL ?
	    atoi(getenv("GATE_ITER")) : 60); iter++) {
		struct agg *a = agg_new(forms, 1, units, NUNITS, NULL);

		p.k = 3 + iter % 3;
		for (u = 0; u < NUNITS; u++) {
			rng = rng * 1103515245u + 12345u;
			n = (int)((rng >> 16) % 8);
			for (i = 0; i < n; i++) {
				rng = rng * 1103515245u + 12345u;
				v[Q_SAT] = 1 + (int)((rng >> 16) % 3);
				v[Q_YN] = (int)((rng >> 20) % 2);
				v[Q_WHY] = 1 + (int)((rng >> 22) % 3);
				v[Q_YEARS] = (int)((rng >> 18) % 40);
				v[Q_PROF] = (int)((rng >> 24) % 2);
				v[Q_TXT] = v[Q_RTXT] = SK;
				if ((rng >> 26) % 5 == 0)
					v[Q_SAT] = DE;
				assert_int_equal(fx_add(a, f, units[u].code,
				    2024, v, tx), 0);
			}
		}
		assert_int_equal(gate_publish(&t, a, 2024, &p, NULL), 0);
		check_all(t, a, &checked);
		gate_table_free(t);
		agg_free(a);
	}
	print_message("random regions: %zu hidden cells checked\n", checked);
	assert_true(checked > 100);
	fx_form_free(f);
}

/* A and B answered alike: pooled they would show each one's answers, so C
 * is hidden too. */
static void
test_alike(void **state)
{
	struct form *f = gate_form();
	const struct form *forms[1] = {f};
	struct agg *a = agg_new(forms, 1, units, NUNITS, NULL);
	struct gate_params p;
	struct gate_table *t;
	size_t checked = 0;

	(void)state;
	add_unit(a, f, "A", 2023, 6, 0, 3, 0, "");
	add_unit(a, f, "B", 2023, 2, 1, 3, 0, "");
	add_unit(a, f, "C", 2023, 7, 2, 0, 0, "");
	add_unit(a, f, "D", 2023, 8, 0, 0, 0, "");
	add_unit(a, f, "E", 2023, 9, 1, 0, 0, "");
	params(&p, 2025, 1);
	assert_int_equal(gate_publish(&t, a, 2023, &p, NULL), 0);
	assert_int_equal(reason(t, "B", Q_SAT), GATE_FEW);
	assert_int_equal(reason(t, "A", Q_SAT), GATE_COMPLEMENT);
	assert_int_equal(reason(t, "C", Q_SAT), GATE_COMPLEMENT);
	assert_int_equal(gate_fig(t, gate_row_pool(t, "North"), Q_SAT)->answered,
	    15);
	/* F has no interviews: shown as no data, never a hidden figure. */
	assert_int_equal(reason(t, "F", Q_SAT), GATE_NO_DATA);
	check_all(t, a, &checked);
	assert_int_equal(checked, 3);
	gate_table_free(t);
	agg_free(a);
	fx_form_free(f);
}

/* South has only small units: its total is hidden; the region minus the
 * shown areas would give South, so one more unit elsewhere is hidden. */
static void
test_area_and_region(void **state)
{
	struct form *f = gate_form();
	const struct form *forms[1] = {f};
	struct agg *a = agg_new(forms, 1, units, NUNITS, NULL);
	struct gate_params p;
	struct gate_table *t;
	size_t checked = 0;

	(void)state;
	add_unit(a, f, "A", 2022, 6, 0, 0, 0, "");
	add_unit(a, f, "B", 2022, 5, 1, 0, 0, "");
	add_unit(a, f, "C", 2022, 7, 2, 0, 0, "");
	add_unit(a, f, "D", 2022, 2, 0, 0, 0, "");
	add_unit(a, f, "E", 2022, 2, 1, 0, 0, "");
	add_unit(a, f, "F", 2022, 5, 2, 0, 0, "");
	params(&p, 2023, 3);
	assert_int_equal(gate_publish(&t, a, 2022, &p, NULL), 0);
	assert_int_equal(reason(t, "D", Q_SAT), GATE_FEW);
	assert_int_equal(reason(t, "E", Q_SAT), GATE_FEW);
	assert_int_equal(gate_fig(t, gate_row_area(t, "South"), Q_SAT)->reason,
	    GATE_FEW);
	assert_int_equal(reason(t, "B", Q_SAT), GATE_COMPLEMENT);
	assert_int_equal(gate_fig(t, gate_row_area(t, "North"), Q_SAT)->reason,
	    GATE_COMPLEMENT);
	assert_int_equal(gate_fig(t, gate_row_pool(t, "North"), Q_SAT)->reason,
	    GATE_COMPLEMENT);
	assert_int_equal(gate_fig(t, 0, Q_SAT)->reason, GATE_SHOWN);
	assert_int_equal(gate_fig(t, gate_row_pool(t, NULL), Q_SAT)->answered,
	    9);
	check_all(t, a, &checked);
	assert_int_equal(checked, 6);
	gate_table_free(t);
	agg_free(a);
	fx_form_free(f);
}

/* Two areas each with one small unit: both area totals hidden, the
 * region (4 answers, k raised from 1 to 3) shown as they pool; with one
 * answer each, not even the region. */
static void
test_region_too_small(void **state)
{
	struct form *f = gate_form();
	const struct form *forms[1] = {f};
	struct agg *a = agg_new(forms, 1, units, NUNITS, NULL);
	struct gate_params p;
	struct gate_table *t;
	size_t r, checked = 0;

	(void)state;
	add_unit(a, f, "A", 2022, 2, 0, 0, 0, "");
	add_unit(a, f, "D", 2022, 2, 1, 0, 0, "");
	params(&p, 2024, 1);
	p.k = 1;			/* raised to 3 */
	assert_int_equal(gate_publish(&t, a, 2022, &p, NULL), 0);
	assert_int_equal(t->k, 3);
	assert_int_equal(gate_fig(t, gate_row_area(t, "North"), Q_SAT)->reason,
	    GATE_FEW);
	assert_int_equal(gate_fig(t, gate_row_area(t, "South"), Q_SAT)->reason,
	    GATE_FEW);
	assert_int_equal(gate_fig(t, 0, Q_SAT)->reason, GATE_SHOWN);
	assert_int_equal(gate_fig(t, gate_row_pool(t, NULL), Q_SAT)->answered,
	    4);
	assert_int_equal(t->rows[0].interviews, 4);
	check_all(t, a, &checked);
	assert_int_equal(checked, 6);
	gate_table_free(t);
	agg_free(a);

	a = agg_new(forms, 1, units, NUNITS, NULL);
	add_unit(a, f, "A", 2022, 1, 0, 0, 0, "");
	add_unit(a, f, "D", 2022, 1, 1, 0, 0, "");
	assert_int_equal(gate_publish(&t, a, 2022, &p, NULL), 0);
	for (r = 0; r < t->nrows; r++)
		assert_int_not_equal(gate_fig(t, r, Q_SAT)->reason, GATE_SHOWN);
	assert_int_equal(gate_fig(t, 0, Q_SAT)->reason, GATE_FEW);
	checked = 0;
	check_all(t, a, &checked);
	assert_int_equal(checked, 6);
	gate_table_free(t);
	agg_free(a);
	fx_form_free(f);
}

/* Nobody answered anywhere: no figure rests on k answers, so none is
 * shown, not even the number who declined. */
static void
test_nobody_answered(void **state)
{
	struct form *f = gate_form();
	const struct form *forms[1] = {f};
	struct agg *a = agg_new(forms, 1, units, NUNITS, NULL);
	struct gate_params p;
	struct gate_table *t;
	int v[NQ], i, j;
	const char *tx[NQ] = {NULL};
	const char *who[3] = {"A", "B", "D"};
	const int n[3] = {9, 3, 8};

	(void)state;
	for (j = 0; j < 3; j++)
		for (i = 0; i < n[j]; i++) {
			v[Q_SAT] = DE;
			v[Q_YN] = 1;
			v[Q_WHY] = 1;
			v[Q_YEARS] = 3;
			v[Q_PROF] = 0;
			v[Q_TXT] = v[Q_RTXT] = SK;
			assert_int_equal(fx_add(a, f, who[j], 2023, v, tx), 0);
		}
	params(&p, 2024, 6);
	assert_int_equal(gate_publish(&t, a, 2023, &p, NULL), 0);
	assert_int_equal(reason(t, "B", Q_SAT), GATE_FEW);
	assert_int_equal(reason(t, "A", Q_SAT), GATE_FEW);
	assert_int_equal(reason(t, "D", Q_SAT), GATE_FEW);
	assert_int_equal(gate_fig(t, 0, Q_SAT)->reason, GATE_FEW);
	for (i = 0; i < (int)t->nrows; i++) {
		assert_int_not_equal(gate_fig(t, (size_t)i, Q_SAT)->reason,
		    GATE_SHOWN);
		assert_int_equal(gate_fig(t, (size_t)i, Q_SAT)->declined, 0);
	}
	/* all 20 answered "yes": alike everywhere, so no unit can be shown
	 * without showing B's answers too */
	assert_int_equal(gate_fig(t, 0, Q_YN)->reason, GATE_COMPLEMENT);
	assert_int_equal(reason(t, "B", Q_YN), GATE_FEW);
	gate_table_free(t);
	agg_free(a);
	fx_form_free(f);
}

/* Numbers: two hidden units with the same value would be pinned by the
 * pooled mean and sd; the gate hides one more. */
static void
test_numbers_alike(void **state)
{
	struct form *f = gate_form();
	const struct form *forms[1] = {f};
	struct agg *a = agg_new(forms, 1, units, NUNITS, NULL);
	struct gate_params p;
	struct gate_table *t;

	(void)state;
	/* seed 0 with 1 record: years 0; seed 40 wraps to 0 too */
	add_unit(a, f, "A", 2022, 3, 0, 0, 0, "");
	add_unit(a, f, "B", 2022, 3, 0, 0, 0, "");	/* same values */
	add_unit(a, f, "C", 2022, 9, 3, 0, 0, "");
	add_unit(a, f, "D", 2022, 9, 1, 0, 0, "");
	params(&p, 2024, 1);
	assert_int_equal(gate_publish(&t, a, 2022, &p, NULL), 0);
	/* A+B: 6 answers, years {0,5,10} twice: not alike, so safe */
	assert_int_equal(reason(t, "A", Q_YEARS), GATE_FEW);
	assert_int_equal(reason(t, "B", Q_YEARS), GATE_FEW);
	assert_int_equal(reason(t, "C", Q_YEARS), GATE_SHOWN);
	gate_table_free(t);
	agg_free(a);

	a = agg_new(forms, 1, units, NUNITS, NULL);
	add_unit(a, f, "A", 2022, 1, 0, 0, 0, "");	/* years 0 */
	add_unit(a, f, "B", 2022, 1, 0, 0, 0, "");	/* years 0 */
	add_unit(a, f, "D", 2022, 1, 8, 0, 0, "");	/* years 8 */
	add_unit(a, f, "C", 2022, 9, 3, 0, 0, "");
	add_unit(a, f, "E", 2022, 9, 1, 0, 0, "");
	p.k = 3;
	assert_int_equal(gate_publish(&t, a, 2022, &p, NULL), 0);
	/* A+B: 2 answers, both 0: C hidden too (North); D alone in South:
	 * South hidden, and the region residual D + ... */
	assert_int_equal(reason(t, "C", Q_YEARS), GATE_COMPLEMENT);
	gate_table_free(t);
	agg_free(a);
	fx_form_free(f);
}

/* The running year shows counts only, so one more interview changes
 * nothing but the counts; a closed year does not move when another year
 * gets records (only single years are published, never an all-years
 * total to take a year from). */
static void
test_before_after_sync(void **state)
{
	struct form *f = gate_form();
	const struct form *forms[1] = {f};
	struct agg *a = agg_new(forms, 1, units, NUNITS, NULL);
	struct gate_params p;
	struct gate_table *t1, *t2, *c1, *c2;
	size_t r, q;

	(void)state;
	add_unit(a, f, "A", 2025, 9, 0, 0, 9, "t");
	add_unit(a, f, "D", 2025, 8, 1, 0, 0, "");
	add_unit(a, f, "A", 2024, 9, 0, 0, 9, "t");
	add_unit(a, f, "D", 2024, 8, 1, 0, 0, "");
	params(&p, 2026, 2);		/* 2025 closes on 1 March 2026 */
	assert_false(gate_closed(&p, 2025));
	assert_true(gate_closed(&p, 2024));
	p.now_month = 3;
	assert_true(gate_closed(&p, 2025));
	p.now_month = 2;
	assert_int_equal(gate_publish(&t1, a, 2025, &p, NULL), 0);
	assert_int_equal(gate_publish(&c1, a, 2024, &p, NULL), 0);
	add_unit(a, f, "A", 2025, 1, 3, 0, 1, "new");
	assert_int_equal(gate_publish(&t2, a, 2025, &p, NULL), 0);
	assert_int_equal(gate_publish(&c2, a, 2024, &p, NULL), 0);
	assert_true(t1->open && t2->open && !c1->open);
	for (r = 0; r < t1->nrows; r++) {
		for (q = 0; q < t1->ncols; q++) {
			const struct gate_fig *x = gate_fig(t1, r, q);
			const struct gate_fig *y = gate_fig(t2, r, q);
			const struct gate_fig *cx = gate_fig(c1, r, q);
			const struct gate_fig *cy = gate_fig(c2, r, q);

			assert_int_equal(x->reason, GATE_OPEN);
			assert_int_equal(y->reason, GATE_OPEN);
			assert_null(x->counts);
			assert_null(y->counts);
			assert_int_equal(y->answered, 0);
			assert_int_equal(y->ntexts, 0);
			assert_int_equal(cx->reason, cy->reason);
			assert_int_equal(cx->answered, cy->answered);
			if (cx->counts != NULL)
				assert_memory_equal(cx->counts, cy->counts,
				    agg_question(a, q)->ncat *
				    sizeof(uint32_t));
		}
		assert_int_equal(t1->hme[r].reason, t2->hme[r].reason);
		assert_int_equal(c1->rows[r].interviews,
		    c2->rows[r].interviews);
	}
	assert_int_equal(t1->rows[0].interviews + 1, t2->rows[0].interviews);
	assert_int_equal(t2->rows[gate_row_unit(t2, 0)].interviews, 10);
	assert_int_equal(t2->rows[gate_row_unit(t2, 3)].interviews, 8);
	gate_table_free(t1);
	gate_table_free(t2);
	gate_table_free(c1);
	gate_table_free(c2);
	agg_free(a);
	fx_form_free(f);
}

/* HME: a sub-index is the mean of its statements, so with two statements
 * shown it would give back a hidden third: hidden with it. */
static void
test_hme_parts(void **state)
{
	struct form *f = fx_form("hme", 1);
	const struct form *forms[1] = {f};
	struct agg *a;
	struct gate_params p;
	struct gate_table *t;
	int v[AGG_HME_N], i, j;
	char id[8];
	size_t ra, rr;

	(void)state;
	for (i = 0; i < AGG_HME_N; i++) {
		snprintf(id, sizeof(id), "hme_%d", i + 1);
		fx_q(f, id, FORM_SCALE, NULL, 1, 5);
	}
	a = agg_new(forms, 1, units, NUNITS, NULL);
	for (j = 0; j < 6; j++) {	/* unit A: hme_3 declined twice */
		for (i = 0; i < AGG_HME_N; i++)
			v[i] = 1 + (i + j) % 5;
		if (j < 2)
			v[2] = DE;
		assert_int_equal(fx_add(a, f, "A", 2023, v, NULL), 0);
	}
	for (j = 0; j < 12; j++) {
		for (i = 0; i < AGG_HME_N; i++)
			v[i] = 1 + (i * j) % 5;
		assert_int_equal(fx_add(a, f, j % 2 ? "B" : "C", 2023, v,
		    NULL), 0);
	}
	params(&p, 2024, 6);
	assert_int_equal(gate_publish(&t, a, 2023, &p, NULL), 0);
	assert_true(t->has_hme);
	ra = gate_row_unit(t, 0);
	assert_int_equal(gate_fig(t, ra, t->hme_q[2])->reason, GATE_FEW);
	assert_int_equal(gate_fig(t, ra, t->hme_q[0])->reason, GATE_SHOWN);
	assert_int_equal(t->hme[ra].sub_reason[0], GATE_PARTS);
	assert_false(t->hme[ra].h.has_sub[0]);
	assert_int_equal(t->hme[ra].sub_reason[1], GATE_SHOWN);
	assert_true(t->hme[ra].h.has_sub[1]);
	assert_int_equal(t->hme[ra].reason, GATE_PARTS);
	assert_false(t->hme[ra].h.has_total);
	/* The region's HME matches agg_hme over the region's cells. */
	rr = gate_row_region(t);
	assert_int_equal(t->hme[rr].reason, GATE_SHOWN);
	{
		struct agg_cell sum[AGG_HME_N];
		const struct agg_cell *cp[AGG_HME_N];
		struct agg_hme h;
		size_t u;

		for (i = 0; i < AGG_HME_N; i++) {
			agg_cell_init(&sum[i], agg_question(a, t->hme_q[i]));
			for (u = 0; u < 3; u++)
				agg_cell_add(&sum[i],
				    agg_cell(a, u, 2023, t->hme_q[i]),
				    agg_question(a, t->hme_q[i]));
			cp[i] = &sum[i];
		}
		agg_hme(cp, &h);
		assert_true(fabs(h.total - t->hme[rr].h.total) < 1e-9);
		for (i = 0; i < AGG_HME_N; i++)
			agg_cell_free(&sum[i]);
	}
	gate_table_free(t);
	agg_free(a);
	fx_form_free(f);
}

/* Free text: 8 or more non-empty answers per unit, shuffled; fewer go to
 * the one region pool; no area or region list; control characters out. */
static void
test_texts(void **state)
{
	struct form *f = gate_form();
	const struct form *forms[1] = {f};
	struct agg *a = agg_new(forms, 1, units, NUNITS, NULL);
	struct gate_params p;
	struct gate_table *t;
	const struct gate_fig *fa, *fc, *pool;
	char first[8][32];
	int orders = 0, run, i, j, same;
	const int esc[NQ] = {1, 1, 1, 1, 0, 0, 0};
	const char *et[NQ] = {NULL, NULL, NULL, NULL, "bad\x1b[2Jtext",
	    NULL, "x"};

	(void)state;
	add_unit(a, f, "A", 2023, 9, 0, 0, 8, "a");	/* 8 texts */
	add_unit(a, f, "C", 2023, 8, 0, 0, 6, "c");	/* 6 + 1 below */
	assert_int_equal(fx_add(a, f, "C", 2023, esc, et), 0);
	add_unit(a, f, "D", 2023, 5, 0, 0, 1, "d");	/* 1 */
	params(&p, 2024, 6);
	for (run = 0; run < 30; run++) {
		assert_int_equal(gate_publish(&t, a, 2023, &p, NULL), 0);
		fa = gate_fig(t, gate_row_unit(t, 0), Q_TXT);
		fc = gate_fig(t, gate_row_unit(t, 2), Q_TXT);
		pool = gate_fig(t, gate_row_pool(t, NULL), Q_TXT);
		assert_int_equal(fa->text_reason, GATE_SHOWN);
		assert_int_equal(fa->ntexts, 8);
		assert_int_equal(fc->text_reason, GATE_FEW);
		assert_int_equal(fc->ntexts, 0);
		assert_int_equal(pool->text_reason, GATE_SHOWN);
		assert_int_equal(pool->ntexts, 8);	/* C's 7 + D's 1 */
		for (i = 0; i < 8; i++)
			if (strstr(pool->texts[i], "bad") != NULL)
				assert_string_equal(pool->texts[i],
				    "bad\xef\xbf\xbd[2Jtext");
		assert_int_equal(gate_fig(t, 0, Q_TXT)->text_reason,
		    GATE_COMPLEMENT);
		assert_int_equal(gate_fig(t, gate_row_area(t, "North"),
		    Q_TXT)->text_reason, GATE_COMPLEMENT);
		/* every text of A once */
		for (i = 0; i < 8; i++) {
			char want[16];

			snprintf(want, sizeof(want), "a %d", i);
			for (same = 0, j = 0; j < 8; j++)
				same += strcmp(fa->texts[j], want) == 0;
			assert_int_equal(same, 1);
		}
		if (run == 0) {
			for (i = 0; i < 8; i++)
				snprintf(first[i], sizeof(first[i]), "%s",
				    fa->texts[i]);
		} else {
			for (same = 1, i = 0; i < 8; i++)
				same &= strcmp(first[i], fa->texts[i]) == 0;
			orders += !same;
		}
		/* region-only text: 8 + 7 + 1 = 16 texts, region row only */
		assert_int_equal(gate_fig(t, 0, Q_RTXT)->text_reason,
		    GATE_SHOWN);
		assert_int_equal(gate_fig(t, 0, Q_RTXT)->ntexts, 16);
		assert_int_equal(gate_fig(t, gate_row_unit(t, 0),
		    Q_RTXT)->text_reason, GATE_REGION_ONLY);
		gate_table_free(t);
	}
	assert_true(orders > 0);
	agg_free(a);
	fx_form_free(f);
}

/* report: region: only the region row, never a unit or an area. */
static void
test_region_only(void **state)
{
	struct form *f = gate_form();
	const struct form *forms[1] = {f};
	struct agg *a = agg_new(forms, 1, units, NUNITS, NULL);
	struct gate_params p;
	struct gate_table *t;
	size_t r;

	(void)state;
	add_unit(a, f, "A", 2023, 9, 0, 0, 0, "");
	add_unit(a, f, "D", 2023, 9, 0, 0, 0, "");
	params(&p, 2024, 6);
	assert_int_equal(gate_publish(&t, a, 2023, &p, NULL), 0);
	for (r = 1; r < t->nrows; r++)
		assert_int_equal(gate_fig(t, r, Q_PROF)->reason,
		    GATE_REGION_ONLY);
	assert_int_equal(gate_fig(t, 0, Q_PROF)->reason, GATE_SHOWN);
	assert_int_equal(gate_fig(t, 0, Q_PROF)->counts[0], 10);
	assert_int_equal(gate_fig(t, 0, Q_PROF)->counts[1], 8);
	assert_int_equal(reason(t, "A", Q_SAT), GATE_SHOWN);
	assert_string_equal(gate_reason_text(GATE_REGION_ONLY),
	    "reported for the whole region only");
	gate_table_free(t);
	agg_free(a);
	fx_form_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subtraction),
		cmocka_unit_test(test_attacker_finds),
		cmocka_unit_test(test_alike),
		cmocka_unit_test(test_random_regions),
		cmocka_unit_test(test_area_and_region),
		cmocka_unit_test(test_region_too_small),
		cmocka_unit_test(test_numbers_alike),
		cmocka_unit_test(test_nobody_answered),
		cmocka_unit_test(test_before_after_sync),
		cmocka_unit_test(test_hme_parts),
		cmocka_unit_test(test_texts),
		cmocka_unit_test(test_region_only),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
