/* Unit tests for src/report/agg: counts, shares, means, sd, eNPS, reasons
 * ranking, HME, version merging, turnover flags and coverage, each figure
 * computed by hand in the comments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/agg.h"
#include "report_fixture.h"

#define EPS 1e-9

static const struct agg_unit units[] = {
	{"A", "Avdelning A", "North"},
	{"B", "Avdelning B", "North"},
	{"C", "Avdelning C", "South"},
};

/* reasons(multi: leadership pay workload, other) lead(scale 1..5)
 * rec(nps) offered(yesno) change(text) */
static struct form *
basic_form(void)
{
	struct form *f = fx_form("exit", 1);
	struct form_question *q;

	q = fx_q(f, "reasons", FORM_MULTI, "leadership pay workload", 0, 0);
	q->other = 1;
	q->theme = xstrdup("why");
	fx_q(f, "lead", FORM_SCALE, NULL, 1, 5);
	fx_q(f, "rec", FORM_NPS, NULL, 0, 10);
	fx_q(f, "offered", FORM_YESNO, NULL, 0, 0);
	fx_q(f, "change", FORM_TEXT, NULL, 0, 0);
	return f;
}

static void
test_distribution(void **state)
{
	struct form *f = basic_form();
	const struct form *forms[1] = {f};
	struct agg *a = agg_new(forms, 1, units, 3, "why");
	const struct agg_cell *c;
	const struct agg_question *q;
	struct agg_stats st;
	size_t order[4];
	/* L=1 P=2 W=4 */
	const int v[7][5] = {
		{1 | 2, 1, 10, 1, 0},
		{1, 2, 9, 1, SK},
		{4, 2, 9, 0, 0},
		{1 | 4 | OT, 4, 7, 1, 0},
		{2, 5, 3, DE, 0},
		{0, DE, 0, SK, SK},
		{DE, NS, SK, NS, SK},
	};
	const char *t3[5] = {NULL, NULL, NULL, NULL, "mer personal"};
	const char *t4[5] = {"  ", NULL, NULL, NULL, " \n "};
	const char *t0[5] = {NULL, NULL, NULL, NULL, "bättre chefer"};
	const char *tx[5] = {NULL, NULL, NULL, NULL, NULL};
	const char *t33[5] = {"min chef", NULL, NULL, NULL, "mer personal"};
	int i;

	(void)state;
	for (i = 0; i < 7; i++) {
		const char *const *t = i == 0 ? t0 : i == 3 ? t33 :
		    i == 2 ? t3 : i == 4 ? t4 : tx;

		/* Record 5's "change" is blank; record 6 chose nothing. */
		assert_int_equal(fx_add(a, f, "A", 2024, v[i], t), 0);
	}
	assert_int_equal(agg_interviews(a, 0, 2024), 7);
	assert_int_equal(agg_interviews(a, AGG_NONE, 2024), 7);
	assert_int_equal(agg_interviews(a, 1, 2024), 0);
	assert_null(agg_cell(a, 1, 2024, 0));
	assert_int_equal(agg_nyears(a), 1);
	assert_int_equal(agg_year(a, 0), 2024);

	/* reasons: L in 1,2,4 = 3; P in 1,5 = 2; W in 3,4 = 2; other 1;
	 * answered 6 (record 6 chose nothing but answered), declined 1. */
	c = agg_cell(a, 0, 2024, agg_reasons(a));
	q = agg_question(a, agg_reasons(a));
	assert_string_equal(q->id, "reasons");
	assert_int_equal(q->ncat, 4);
	assert_string_equal(q->cat_ids[3], "other");
	assert_int_equal(c->answered, 6);
	assert_int_equal(c->declined, 1);
	assert_int_equal(c->counts[0], 3);
	assert_int_equal(c->counts[1], 2);
	assert_int_equal(c->counts[2], 2);
	assert_int_equal(c->counts[3], 1);
	assert_int_equal(c->ntexts, 1);		/* "min chef"; "  " is blank */
	assert_string_equal(c->texts[0], "min chef");
	agg_rank(q, c->counts, order);
	assert_int_equal(order[0], 0);
	assert_int_equal(order[1], 1);	/* pay before workload: a tie */
	assert_int_equal(order[2], 2);
	assert_int_equal(order[3], 3);

	/* lead: 1 2 2 4 5, declined 1, not shown 1: mean 14/5 = 2.8;
	 * squares of deviations 3.24 .64 .64 1.44 4.84 = 10.8, /4 = 2.7. */
	q = agg_question(a, agg_find(a, "lead"));
	c = agg_cell(a, 0, 2024, agg_find(a, "lead"));
	assert_int_equal(c->asked, 7);
	assert_int_equal(c->answered, 5);
	assert_int_equal(c->declined, 1);
	assert_int_equal(c->notshown, 1);
	assert_int_equal(c->skipped, 0);
	assert_int_equal(c->counts[0], 1);
	assert_int_equal(c->counts[1], 2);
	assert_int_equal(c->counts[2], 0);
	assert_int_equal(c->counts[3], 1);
	assert_int_equal(c->counts[4], 1);
	agg_stats(q, c, &st);
	assert_int_equal(st.n, 5);
	assert_true(st.has_mean && st.has_sd && !st.has_enps);
	assert_true(fabs(st.mean - 2.8) < EPS);
	assert_true(fabs(st.sd - sqrt(2.7)) < EPS);

	/* rec: 10 9 9 7 3 0, skipped 1: promoters 3, detractors 2 (3, 0),
	 * eNPS = (3 - 2) / 6 * 100 = 16.67; mean 38/6. */
	q = agg_question(a, agg_find(a, "rec"));
	c = agg_cell(a, 0, 2024, agg_find(a, "rec"));
	agg_stats(q, c, &st);
	assert_int_equal(st.n, 6);
	assert_int_equal(c->skipped, 1);
	assert_true(st.has_enps);
	assert_true(fabs(st.enps - 100.0 / 6) < EPS);
	assert_true(fabs(st.mean - 38.0 / 6) < EPS);

	/* offered: yes 1,2,4 no 3; declined 5; skipped 6; not shown 7. */
	c = agg_cell(a, 0, 2024, agg_find(a, "offered"));
	assert_int_equal(c->counts[1], 3);
	assert_int_equal(c->counts[0], 1);
	assert_int_equal(c->declined, 1);
	assert_int_equal(c->skipped, 1);
	assert_int_equal(c->notshown, 1);
	agg_stats(agg_question(a, agg_find(a, "offered")), c, &st);
	assert_false(st.has_mean);

	/* change: 3 non-blank texts of 4 answered, 3 skipped. */
	c = agg_cell(a, 0, 2024, agg_find(a, "change"));
	assert_int_equal(c->answered, 4);
	assert_int_equal(c->skipped, 3);
	assert_int_equal(c->ntexts, 3);
	assert_string_equal(c->texts[0], "bättre chefer");

	agg_free(a);
	fx_form_free(f);
}

static void
test_reject(void **state)
{
	struct form *f = basic_form(), *g = basic_form();
	const struct form *forms[1] = {f};
	struct agg *a = agg_new(forms, 1, units, 3, NULL);
	const int ok[5] = {1, 3, 5, 1, SK};
	const int badscale[5] = {1, 6, 5, 1, SK};
	const int badnps[5] = {1, 3, 11, 1, SK};
	const int badyes[5] = {1, 3, 5, 2, SK};
	const int badmulti[5] = {8, 3, 5, 1, SK};
	const int badtext[5] = {1, 3, 5, 1, 0};	/* answered, no text */
	struct agg_rec r;
	struct err e;

	(void)state;
	g->hash[5] = 1;			/* another form: not approved */
	assert_int_equal(fx_add(a, g, "A", 2024, ok, NULL), -1);
	assert_int_equal(fx_add(a, f, "A", 2024, badscale, NULL), -1);
	assert_int_equal(fx_add(a, f, "A", 2024, badnps, NULL), -1);
	assert_int_equal(fx_add(a, f, "A", 2024, badyes, NULL), -1);
	assert_int_equal(fx_add(a, f, "A", 2024, badmulti, NULL), -1);
	assert_int_equal(fx_add(a, f, "A", 2024, badtext, NULL), -1);
	agg_reject(a);
	assert_int_equal(agg_rejected(a), 7);
	assert_int_equal(agg_records(a), 0);
	memset(&r, 0, sizeof(r));
	r.unit = "A";
	r.year = 2024;
	r.form_hash = f->hash;
	r.nanswers = 3;
	assert_int_equal(agg_add(a, &r, &e), -1);
	assert_non_null(strstr(e.msg, "does not fit form exit version 1"));
	/* A unit the config does not name is rejected, never a row. */
	assert_int_equal(fx_add(a, f, "Z9", 2023, ok, NULL), -1);
	assert_int_equal(agg_nunits(a), 3);
	assert_int_equal(agg_rejected(a), 9);
	assert_int_equal(agg_unit_find(a, "Z9"), AGG_NONE);
	/* The reasons question by id when no theme matches. */
	assert_int_equal(agg_reasons(a), agg_find(a, "reasons"));
	agg_free(a);
	fx_form_free(f);
	fx_form_free(g);
}

/* v1 and v2 of one form: "lead" unchanged merges; "why" with the same
 * choice ids in another order merges, in v2's order; "tired" changes its
 * scale and "prof" gains a choice, so each version stands alone. */
static void
test_merge_versions(void **state)
{
	struct form *f1 = fx_form("exit", 1), *f2 = fx_form("exit", 2);
	const struct form *forms[2] = {f1, f2};
	struct agg *a;
	const struct agg_question *q;
	const struct agg_cell *c;
	size_t i, n;
	const int r1[4] = {4, 1, 3, 1};		/* why = b, prof = y */
	const int r2[4] = {4, 1, 7, 2};		/* why = a (v2 index 1) */

	(void)state;
	fx_q(f1, "lead", FORM_SCALE, NULL, 1, 5);
	fx_q(f1, "why", FORM_SINGLE, "a b", 0, 0);
	fx_q(f1, "tired", FORM_SCALE, NULL, 1, 5);
	fx_q(f1, "prof", FORM_SINGLE, "x y", 0, 0);
	fx_q(f2, "lead", FORM_SCALE, NULL, 1, 5);
	fx_q(f2, "why", FORM_SINGLE, "b a", 0, 0);
	fx_q(f2, "tired", FORM_SCALE, NULL, 1, 7);
	fx_q(f2, "prof", FORM_SINGLE, "x y z", 0, 0);
	a = agg_new(forms, 2, units, 3, NULL);
	assert_int_equal(agg_nquestions(a), 6);
	assert_int_equal(fx_add(a, f1, "A", 2024, r1, NULL), 0);
	assert_int_equal(fx_add(a, f2, "A", 2024, r2, NULL), 0);

	q = agg_question(a, agg_find(a, "lead"));
	assert_string_equal(q->versions, "1, 2");
	assert_ptr_equal(q->form, f2);
	c = agg_cell(a, 0, 2024, agg_find(a, "lead"));
	assert_int_equal(c->answered, 2);
	assert_int_equal(c->counts[3], 2);

	q = agg_question(a, agg_find(a, "why"));
	assert_string_equal(q->versions, "1, 2");
	assert_string_equal(q->cat_ids[0], "b");
	c = agg_cell(a, 0, 2024, agg_find(a, "why"));
	/* v1 answered index 1 = b; v2 answered index 1 = a */
	assert_int_equal(c->counts[0], 1);
	assert_int_equal(c->counts[1], 1);

	for (n = 0, i = 0; i < agg_nquestions(a); i++) {
		q = agg_question(a, i);
		if (strcmp(q->id, "tired") != 0 && strcmp(q->id, "prof") != 0)
			continue;
		n++;
		c = agg_cell(a, 0, 2024, i);
		assert_int_equal(c->asked, 1);
		assert_int_equal(c->answered, 1);
		assert_true(strcmp(q->versions, "1") == 0 ||
		    strcmp(q->versions, "2") == 0);
		if (strcmp(q->id, "tired") == 0 && q->max == 7)
			assert_int_equal(c->counts[6], 1);
	}
	assert_int_equal(n, 4);
	agg_free(a);
	fx_form_free(f1);
	fx_form_free(f2);
}

/* Three leavers; declined statements left out:
 *	      m1 m2 m3 | l1 l2 l3 | s1 s2 s3
 *	r1:    5  4  3 |  4  4  4 |  2  3  -
 *	r2:    4  4  2 |  5  3  - |  3  3  4
 *	r3:    -  3  3 |  4  4  4 |  2  2  4
 * statement indices ((mean - 1) * 25): 87.5 66.67 41.67 | 83.33 66.67 75
 * | 33.33 41.67 75; motivation 65.28, ledarskap 75, styrning 50,
 * total (65.28 + 75 + 50) / 3 = 63.43. */
static void
test_hme(void **state)
{
	struct form *f = fx_form("exit", 1);
	const struct form *forms[1] = {f};
	const struct agg_cell *cells[AGG_HME_N];
	struct agg_hme h;
	struct agg *a;
	size_t idx[AGG_HME_N], i;
	char id[8];
	const int r[3][9] = {
		{5, 4, 3, 4, 4, 4, 2, 3, DE},
		{4, 4, 2, 5, 3, DE, 3, 3, 4},
		{DE, 3, 3, 4, 4, 4, 2, 2, 4},
	};

	(void)state;
	for (i = 0; i < AGG_HME_N; i++) {
		snprintf(id, sizeof(id), "hme_%zu", i + 1);
		fx_q(f, id, FORM_SCALE, NULL, 1, 5);
	}
	a = agg_new(forms, 1, units, 3, NULL);
	for (i = 0; i < 3; i++)
		assert_int_equal(fx_add(a, f, "B", 2023, r[i], NULL), 0);
	assert_int_equal(agg_hme_questions(a, idx), 9);
	for (i = 0; i < AGG_HME_N; i++)
		cells[i] = agg_cell(a, 1, 2023, idx[i]);
	agg_hme(cells, &h);
	assert_int_equal(h.n[0], 2);
	assert_int_equal(h.n[1], 3);
	assert_true(fabs(h.stmt[0] - 87.5) < EPS);
	assert_true(fabs(h.stmt[1] - 200.0 / 3) < EPS);
	assert_true(fabs(h.sub[0] - (87.5 + 200.0 / 3 + 125.0 / 3) / 3) < EPS);
	assert_true(fabs(h.sub[1] - 75) < EPS);
	assert_true(fabs(h.sub[2] - 50) < EPS);
	assert_true(h.has_total);
	assert_true(fabs(h.total - (h.sub[0] + 125) / 3) < EPS);
	assert_true(fabs(h.total - 63.425925925926) < 1e-9);
	/* A statement with no answer: its sub-index and the total go. */
	cells[4] = NULL;
	agg_hme(cells, &h);
	assert_true(h.has_sub[0] && !h.has_sub[1] && h.has_sub[2]);
	assert_false(h.has_total);
	assert_false(h.has_stmt[4]);
	agg_free(a);
	fx_form_free(f);
}

static void
test_turnover(void **state)
{
	struct agg_turnover rows[] = {
		{"A", 2022, 100, 10},	/* 10 % */
		{"A", 2023, 100, 12},	/* 12 % */
		{"A", 2024, 90, 9},	/* 10 %, exactly at the threshold */
		{"B", 2022, 100, 20},
		{"B", 2024, 100, 30},	/* 2023 missing */
		{"C", 2024, 100, 150},	/* 150 %, imported with a warning */
		{"D", 2023, 50, 4},	/* 8 % */
		{"D", 2024, 50, 6},
		{"E", 2024, 40, 0},
	};
	size_t n = sizeof(rows) / sizeof(rows[0]);

	(void)state;
	assert_true(fabs(agg_turnover_rate(rows, n, "A", 2023) - 0.12) < EPS);
	assert_true(fabs(agg_turnover_rate(rows, n, "C", 2024) - 1.5) < EPS);
	assert_true(agg_turnover_rate(rows, n, "B", 2023) < 0);
	assert_int_equal(agg_turnover_flag(rows, n, "A", 2024, 0.10, 3), 1);
	assert_int_equal(agg_turnover_flag(rows, n, "A", 2024, 0.11, 3), 0);
	assert_int_equal(agg_turnover_flag(rows, n, "A", 2023, 0.10, 2), 1);
	assert_int_equal(agg_turnover_flag(rows, n, "A", 2023, 0.10, 3), 0);
	assert_int_equal(agg_turnover_flag(rows, n, "B", 2024, 0.10, 3), 0);
	assert_int_equal(agg_turnover_flag(rows, n, "B", 2024, 0.10, 1), 1);
	assert_int_equal(agg_turnover_flag(rows, n, "D", 2024, 0.10, 2), 0);
	assert_int_equal(agg_turnover_flag(rows, n, "D", 2024, 0.10, 1), 1);
	assert_int_equal(agg_turnover_flag(rows, n, "C", 2024, 0.10, 1), 1);
	assert_int_equal(agg_turnover_flag(rows, n, "X", 2024, 0.10, 1), 0);
	/* coverage: 6 interviews of 9 leavers */
	assert_true(fabs(agg_coverage(rows, n, "A", 2024, 6) - 6.0 / 9) < EPS);
	assert_true(agg_coverage(rows, n, "E", 2024, 1) < 0);
	assert_true(agg_coverage(rows, n, "A", 2021, 1) < 0);
}

static void
test_cell_sum(void **state)
{
	struct form *f = basic_form();
	const struct form *forms[1] = {f};
	struct agg *a = agg_new(forms, 1, units, 3, "why");
	const int r1[5] = {1, 5, 10, 1, 0}, r2[5] = {2, 3, 0, 0, 0};
	const int r3[5] = {2, 3, 0, 0, SK};
	const char *t[5] = {NULL, NULL, NULL, NULL, "text"};
	const struct agg_question *q;
	struct agg_cell sum;
	struct agg_stats st;
	size_t u, ql = 1;

	(void)state;
	assert_int_equal(fx_add(a, f, "A", 2024, r1, t), 0);
	assert_int_equal(fx_add(a, f, "B", 2024, r2, t), 0);
	assert_int_equal(fx_add(a, f, "C", 2024, r3, NULL), 0);
	q = agg_question(a, ql);
	agg_cell_init(&sum, q);
	for (u = 0; u < 3; u++)
		agg_cell_add(&sum, agg_cell(a, u, 2024, ql), q);
	agg_stats(q, &sum, &st);
	/* 5 3 3: mean 11/3, sd sqrt(((4/3)^2 + 2 (2/3)^2) / 2) = sqrt(4/3) */
	assert_true(fabs(st.mean - 11.0 / 3) < EPS);
	assert_true(fabs(st.sd - sqrt(4.0 / 3)) < EPS);
	agg_cell_free(&sum);
	q = agg_question(a, 4);
	agg_cell_init(&sum, q);
	for (u = 0; u < 3; u++)
		agg_cell_add(&sum, agg_cell(a, u, 2024, 4), q);
	assert_int_equal(sum.ntexts, 2);
	agg_cell_free(&sum);
	agg_free(a);
	fx_form_free(f);
}

/* Many units and years, with no configured units (every unit kept):
 * the indexes of units and of (unit, year) groups grow several times and
 * every lookup still finds what was added, and only that. */
static void
test_many_units(void **state)
{
	struct form *f = basic_form();
	const struct form *forms[1] = {f};
	struct agg *a = agg_new(forms, 1, NULL, 0, "why");
	const int r[5] = {1, 5, 10, 1, 0};
	const char *t[5] = {NULL, NULL, NULL, NULL, "text"};
	char code[16];
	size_t u, i;
	unsigned y;

	(void)state;
	for (i = 0; i < 700; i++) {
		snprintf(code, sizeof code, "U%zu", i);
		for (y = 2020; y < 2020 + 1 + i % 4; y++)
			assert_int_equal(fx_add(a, f, code, y, r, t), 0);
	}
	assert_int_equal(fx_add(a, f, "U7", 2020, r, t), 0);
	assert_int_equal(agg_nunits(a), 700);
	for (i = 0; i < 700; i++) {
		snprintf(code, sizeof code, "U%zu", i);
		u = agg_unit_find(a, code);
		assert_int_not_equal(u, AGG_NONE);
		assert_string_equal(agg_unit(a, u)->code, code);
		for (y = 2020; y < 2025; y++) {
			assert_int_equal(agg_cell(a, u, y, 1) != NULL,
			    y < 2020 + 1 + i % 4);
			assert_int_equal(agg_interviews(a, u, y),
			    y >= 2020 + 1 + i % 4 ? 0 : i == 7 && y == 2020 ?
			    2 : 1);
		}
	}
	assert_int_equal(agg_unit_find(a, "U700"), AGG_NONE);
	assert_int_equal(agg_unit_find(a, "U"), AGG_NONE);
	agg_free(a);
	fx_form_free(f);
}

/* Records added to two aggs (agg_new_like) and merged give what one agg
 * given all of them in order gives: units in the order they came (no
 * configured units), groups, counts, texts in order; with configured
 * units, a record of an unknown unit rejected in either half. */
static void
test_merge(void **state)
{
	struct form *f = basic_form();
	const struct form *forms[1] = {f};
	const int r[5] = {1 | 4, 3, 8, 1, 0};
	const char *codes[6] = {"Q", "B", "Q", "Z", "B", "A"};
	char text[6][16];
	const char *t[5] = {NULL, NULL, NULL, NULL, "först"};
	struct agg *one, *a, *b;
	const struct agg_cell *x, *y;
	size_t i, u, cut, k;
	int strict;

	(void)state;
	for (strict = 0; strict < 2; strict++)
		for (cut = 0; cut <= 6; cut++) {
			one = agg_new(forms, 1, units, strict ? 3 : 0, "why");
			a = agg_new(forms, 1, units, strict ? 3 : 0, "why");
			assert_int_equal(fx_add(a, f, "C", 2023, r, t), 0);
			assert_int_equal(fx_add(one, f, "C", 2023, r, t), 0);
			b = agg_new_like(a);
			assert_int_equal(agg_records(b), 0);
			assert_int_equal(agg_nunits(b), strict ? 3 : 0);
			for (i = 0; i < 6; i++) {
				snprintf(text[i], sizeof text[i], "svar %zu", i);
				t[4] = text[i];
				(void)fx_add(one, f, codes[i], 2024 + i % 2, r,
				    t);
				(void)fx_add(i < cut ? a : b, f, codes[i],
				    2024 + i % 2, r, t);
			}
			agg_merge(a, b);
			assert_int_equal(agg_records(a), agg_records(one));
			assert_int_equal(agg_rejected(a), agg_rejected(one));
			assert_int_equal(agg_records(a), strict ? 4 : 7);
			assert_int_equal(agg_nunits(a), agg_nunits(one));
			assert_int_equal(agg_nyears(a), agg_nyears(one));
			for (u = 0; u < agg_nunits(a); u++) {
				assert_string_equal(agg_unit(a, u)->code,
				    agg_unit(one, u)->code);
				for (k = 0; k < 5; k++) {
					x = agg_cell(a, u, 2024 + k % 2, k);
					y = agg_cell(one, u, 2024 + k % 2, k);
					assert_int_equal(x == NULL, y == NULL);
					if (x == NULL)
						continue;
					assert_int_equal(x->answered,
					    y->answered);
					assert_true(x->sum == y->sum);
					assert_int_equal(x->counts[0],
					    y->counts[0]);
					assert_int_equal(x->ntexts, y->ntexts);
					for (i = 0; i < x->ntexts; i++)
						assert_string_equal(x->texts[i],
						    y->texts[i]);
				}
				assert_int_equal(agg_interviews(a, u, 2024),
				    agg_interviews(one, u, 2024));
			}
			agg_free(a);
			agg_free(one);
		}
	fx_form_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distribution),
		cmocka_unit_test(test_reject),
		cmocka_unit_test(test_merge_versions),
		cmocka_unit_test(test_hme),
		cmocka_unit_test(test_turnover),
		cmocka_unit_test(test_cell_sum),
		cmocka_unit_test(test_many_units),
		cmocka_unit_test(test_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
