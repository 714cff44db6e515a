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
#include "report/agg_int.h"
#include "util/buf.h"

#define AGG_UNIT_MAX_TEST AGG_UNIT_MAX

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

/* --- snapshots (agg_snap_put, agg_snap_get) ------------------------------ */

struct snap_rec {
	const char *unit;
	unsigned year;
	int v[5];
	const char *other;  /* reasons: "other, namely" */
	const char *change; /* text; NULL: skipped */
};

/* Texts that sort otherwise than they come (and one twice). */
static const struct snap_rec snap_recs[] = {
	{"B", 2024, {1 | OT, 3, 9, 1, 0}, "lön", "mer folk"},
	{"A", 2025, {2, 5, 10, 0, 0}, NULL, "bättre chefer"},
	{"A", 2024, {4, 1, 0, DE, 0}, NULL, NULL},
	{"C", 2023, {OT, NS, SK, 1, 0}, "Zebra", "alpha"},
	{"B", 2024, {1, 2, 7, 0, 0}, NULL, "mer folk"},
	{"A", 2024, {2 | OT, 4, 8, 1, 0}, "arbetstid", "Ändra schemat"},
	{"B", 2023, {DE, DE, DE, DE, 0}, NULL, NULL},
	{"A", 2024, {1, 3, 6, 1, 0}, NULL, "alpha"},
	{"C", 2025, {4 | OT, 2, 5, 0, 0}, "chef", "zzz"},
	{"A", 2024, {OT, 5, 10, 1, 0}, "Chef", "Bättre"},
	{"B", 2024, {2, SK, 3, SK, 0}, NULL, "a"},
};
#define SNAP_N (sizeof(snap_recs) / sizeof(snap_recs[0]))

static int
snap_add(struct agg *a, const struct form *f, const struct snap_rec *x)
{
	int v[5];
	const char *t[5] = {x->other, NULL, NULL, NULL, x->change};

	memcpy(v, x->v, sizeof(v));
	if (x->change == NULL)
		v[4] = SK;
	return fx_add(a, f, x->unit, x->year, v, t);
}

/* Records i of snap_recs for i in [from, to), taken in order k*step. */
static void
snap_fill(struct agg *a, const struct form *f, size_t from, size_t to,
    size_t step)
{
	size_t k;

	for (k = from; k < to; k++)
		assert_int_equal(snap_add(a, f, &snap_recs[k * step % SNAP_N]),
		    0);
}

static void
snap_put(const struct agg *a, struct buf *b)
{
	buf_init(b);
	agg_snap_put(a, b);
}

static void
assert_buf_equal(const struct buf *x, const struct buf *y)
{
	assert_int_equal(buf_len(x), buf_len(y));
	assert_memory_equal(buf_data(x), buf_data(y), buf_len(x));
}

static int
snap_cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Same counts, sums (bit for bit) and texts (as a multiset). */
static void
assert_cell_equal(const struct agg_cell *x, const struct agg_cell *y,
    const struct agg_question *q)
{
	char **sx, **sy;
	size_t k;

	assert_int_equal(x == NULL, y == NULL);
	if (x == NULL)
		return;
	assert_int_equal(x->asked, y->asked);
	assert_int_equal(x->answered, y->answered);
	assert_int_equal(x->declined, y->declined);
	assert_int_equal(x->skipped, y->skipped);
	assert_int_equal(x->notshown, y->notshown);
	for (k = 0; k < q->ncat; k++)
		assert_int_equal(x->counts[k], y->counts[k]);
	assert_memory_equal(&x->sum, &y->sum, sizeof(x->sum));
	assert_memory_equal(&x->sumsq, &y->sumsq, sizeof(x->sumsq));
	assert_int_equal(x->ntexts, y->ntexts);
	if (x->ntexts == 0)
		return;
	sx = xcalloc(x->ntexts, sizeof(*sx));
	sy = xcalloc(x->ntexts, sizeof(*sy));
	memcpy(sx, x->texts, x->ntexts * sizeof(*sx));
	memcpy(sy, y->texts, x->ntexts * sizeof(*sy));
	qsort(sx, x->ntexts, sizeof(*sx), snap_cmp_str);
	qsort(sy, x->ntexts, sizeof(*sy), snap_cmp_str);
	for (k = 0; k < x->ntexts; k++)
		assert_string_equal(sx[k], sy[k]);
	free(sx);
	free(sy);
}

/* agg_snap_put's reservation hint is 4 + the length of every text. */
static void
assert_textbytes(const struct agg *a)
{
	size_t n = 0, i, q, k;

	for (i = 0; i < a->ngroups; i++)
		for (q = 0; q < a->nqs; q++)
			for (k = 0; k < a->groups[i].cells[q].ntexts; k++)
				n += 4 + strlen(a->groups[i].cells[q].texts[k]);
	assert_int_equal(a->textbytes, n);
}

/* Every figure agg_ gives out the same in x and y (units by code). */
static void
assert_agg_equal(const struct agg *x, const struct agg *y)
{
	size_t u, v, i, q;
	unsigned year;

	assert_textbytes(x);
	assert_textbytes(y);
	assert_int_equal(agg_records(x), agg_records(y));
	assert_int_equal(agg_rejected(x), agg_rejected(y));
	assert_int_equal(agg_nyears(x), agg_nyears(y));
	assert_int_equal(agg_nquestions(x), agg_nquestions(y));
	for (i = 0; i < agg_nyears(x); i++) {
		year = agg_year(x, i);
		assert_int_equal(year, agg_year(y, i));
		assert_int_equal(agg_interviews(x, AGG_NONE, year),
		    agg_interviews(y, AGG_NONE, year));
		for (u = 0; u < agg_nunits(x); u++) {
			v = agg_unit_find(y, agg_unit(x, u)->code);
			if (v == AGG_NONE) {
				assert_int_equal(agg_interviews(x, u, year), 0);
				continue;
			}
			assert_int_equal(agg_interviews(x, u, year),
			    agg_interviews(y, v, year));
			for (q = 0; q < agg_nquestions(x); q++)
				assert_cell_equal(agg_cell(x, u, year, q),
				    agg_cell(y, v, year, q),
				    agg_question(x, q));
		}
	}
	for (u = 0; u < agg_nunits(y); u++)
		assert_int_not_equal(agg_unit_find(x, agg_unit(y, u)->code),
		    AGG_NONE);
}

/* Put; get into an agg made alike; put again: the same bytes, every
 * figure the same, every byte read. Returns the copy. */
static struct agg *
snap_roundtrip(const struct agg *x)
{
	struct agg *y = agg_new_like(x);
	struct buf b1, b2;
	struct buf_rd r;

	snap_put(x, &b1);
	buf_rd_init(&r, buf_data(&b1), buf_len(&b1));
	assert_int_equal(agg_snap_get(y, &r), 0);
	assert_int_equal(buf_rd_left(&r), 0);
	assert_false(buf_rd_failed(&r));
	snap_put(y, &b2);
	assert_buf_equal(&b1, &b2);
	assert_agg_equal(x, y);
	assert_agg_equal(y, x);
	buf_free(&b1);
	buf_free(&b2);
	return y;
}

static void
test_snap_roundtrip(void **state)
{
	struct form *f = basic_form();
	const struct form *forms[1] = {f};
	struct agg *x, *y;
	struct buf b1, b2;
	char text[32];
	int strict, i;

	(void)state;
	for (strict = 0; strict < 2; strict++) {
		x = agg_new(forms, 1, units, strict ? 3 : 0, "why");
		snap_fill(x, f, 0, SNAP_N, 1);
		agg_reject(x);
		assert_int_equal(agg_records(x), SNAP_N);
		y = snap_roundtrip(x);
		assert_int_equal(agg_nyears(y), 3);
		assert_int_equal(agg_year(y, 0), 2023);
		assert_int_equal(agg_year(y, 2), 2025);
		assert_int_equal(agg_interviews(y, agg_unit_find(y, "A"), 2024),
		    4);
		assert_int_equal(agg_rejected(y), 1);
		/* Records added after a get land as in the original: the
		 * texts array (8 texts, then 9: past its first room) grows
		 * from what the get allocated. */
		for (i = 0; i < 40; i++) {
			const struct snap_rec more = {"B", 2024,
			    {1 | OT, 3, 9, 1, 0}, text, text};

			/* "m.." between the copy's sorted texts, "svar .."
			 * after them: both ends of the merge in agg_snap_put. */
			snprintf(text, sizeof text, i % 2 ? "svar %02d" : "m%02d",
			    40 - i);
			assert_int_equal(snap_add(x, f, &more), 0);
			assert_int_equal(snap_add(y, f, &more), 0);
			snap_put(x, &b1);
			snap_put(y, &b2);
			assert_buf_equal(&b1, &b2);
			buf_free(&b1);
			buf_free(&b2);
		}
		assert_agg_equal(x, y);
		agg_free(y);
		agg_free(x);
	}
	fx_form_free(f);
}

/* The same records in three orders: the same bytes. */
static void
test_snap_order(void **state)
{
	struct form *f = basic_form();
	const struct form *forms[1] = {f};
	const size_t steps[3] = {1, 5, SNAP_N - 1}; /* coprime to SNAP_N */
	struct agg *a;
	struct buf b[3];
	int strict, i;

	(void)state;
	for (strict = 0; strict < 2; strict++) {
		for (i = 0; i < 3; i++) {
			a = agg_new(forms, 1, units, strict ? 3 : 0, "why");
			snap_fill(a, f, 0, SNAP_N, steps[i]);
			snap_put(a, &b[i]);
			agg_free(a);
		}
		assert_buf_equal(&b[0], &b[1]);
		assert_buf_equal(&b[0], &b[2]);
		for (i = 0; i < 3; i++)
			buf_free(&b[i]);
	}
	fx_form_free(f);
}

/* Halves merged (either half first) give the bytes of all at once. */
static void
test_snap_merge(void **state)
{
	struct form *f = basic_form();
	const struct form *forms[1] = {f};
	struct agg *all, *a, *b;
	struct buf ball, bm;
	size_t cut;
	int strict, swap;

	(void)state;
	for (strict = 0; strict < 2; strict++) {
		all = agg_new(forms, 1, units, strict ? 3 : 0, "why");
		snap_fill(all, f, 0, SNAP_N, 1);
		snap_put(all, &ball);
		for (cut = 0; cut <= SNAP_N; cut++)
			for (swap = 0; swap < 2; swap++) {
				a = agg_new_like(all);
				b = agg_new_like(all);
				snap_fill(swap ? b : a, f, 0, cut, 1);
				snap_fill(swap ? a : b, f, cut, SNAP_N, 1);
				agg_merge(a, b);
				snap_put(a, &bm);
				assert_buf_equal(&ball, &bm);
				assert_agg_equal(all, a);
				buf_free(&bm);
				agg_free(a);
			}
		buf_free(&ball);
		agg_free(all);
	}
	fx_form_free(f);
}

/* No records (some rejected): the header and no group, and back. */
static void
test_snap_empty(void **state)
{
	struct form *f = basic_form();
	const struct form *forms[1] = {f};
	struct agg *x = agg_new(forms, 1, units, 3, "why"), *y;
	const int ok[5] = {1, 3, 5, 1, SK};
	char longunit[AGG_UNIT_MAX_TEST + 2];
	struct buf b;

	(void)state;
	snap_put(x, &b);
	/* Q, 5 ncat (4, 5, 11, 2, 0), records, rejected, G */
	assert_int_equal(buf_len(&b), 4 + 5 * 4 + 8 + 8 + 4);
	assert_int_equal(buf_data(&b)[4 + 4 * 2 + 3], 11);
	buf_free(&b);
	agg_reject(x);
	agg_reject(x);
	y = snap_roundtrip(x);
	assert_int_equal(agg_rejected(y), 2);
	assert_int_equal(agg_nyears(y), 0);
	agg_free(y);
	/* What the snapshot could not hold is never counted. */
	memset(longunit, 'u', sizeof longunit - 1);
	longunit[sizeof longunit - 1] = '\0';
	agg_free(x);
	x = agg_new(forms, 1, NULL, 0, "why");
	assert_int_equal(fx_add(x, f, longunit, 2024, ok, NULL), -1);
	longunit[AGG_UNIT_MAX_TEST] = '\0';
	assert_int_equal(fx_add(x, f, longunit, 2024, ok, NULL), 0);
	assert_int_equal(fx_add(x, f, "A", 65536, ok, NULL), -1);
	assert_int_equal(fx_add(x, f, "A", 65535, ok, NULL), 0);
	assert_int_equal(agg_rejected(x), 2);
	y = snap_roundtrip(x);
	assert_int_equal(agg_year(y, 1), 65535);
	agg_free(y);
	agg_free(x);
	fx_form_free(f);
}

/* After a refused get: empty, units as made, and a full get still works
 * (the agg is usable). */
static void
assert_snap_refused(const struct agg *x, const uint8_t *p, size_t n)
{
	struct agg *y = agg_new_like(x), *fresh = agg_new_like(x);
	struct buf b, bf, bx;
	struct buf_rd r;

	buf_rd_init(&r, p, n);
	assert_int_equal(agg_snap_get(y, &r), -1);
	assert_true(buf_rd_failed(&r));
	assert_int_equal(agg_records(y), 0);
	assert_int_equal(agg_rejected(y), 0);
	assert_int_equal(agg_nyears(y), 0);
	assert_int_equal(agg_nunits(y), agg_nunits(fresh));
	assert_int_equal(agg_interviews(y, AGG_NONE, 2024), 0);
	assert_null(agg_cell(y, 0, 2024, 0));
	snap_put(y, &b);
	snap_put(fresh, &bf);
	assert_buf_equal(&b, &bf);
	buf_free(&b);
	snap_put(x, &bx);
	buf_rd_init(&r, buf_data(&bx), buf_len(&bx));
	assert_int_equal(agg_snap_get(y, &r), 0);
	snap_put(y, &b);
	assert_buf_equal(&b, &bx);
	buf_free(&b);
	buf_free(&bf);
	buf_free(&bx);
	agg_free(y);
	agg_free(fresh);
}

static void
test_snap_truncated(void **state)
{
	struct form *f = basic_form();
	const struct form *forms[1] = {f};
	struct agg *x;
	struct buf b;
	size_t n;
	int strict;

	(void)state;
	for (strict = 0; strict < 2; strict++) {
		x = agg_new(forms, 1, units, strict ? 3 : 0, "why");
		snap_fill(x, f, 0, 6, 1);
		snap_put(x, &b);
		for (n = 0; n < buf_len(&b); n++)
			assert_snap_refused(x, buf_data(&b), n);
		buf_free(&b);
		agg_free(x);
	}
	fx_form_free(f);
}

/* One text question: offsets by hand. Header 4 + 4 + 8 + 8 + 4 = 28;
 * a group of unit "A": str8 (2), year (2), interviews (4) = 8; a cell:
 * 5 x u32, 16 bytes of sums, T at 36 into it. */
#define SNAP_HDR 28
#define SNAP_T (SNAP_HDR + 8 + 36)

static void
snap_set_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A copy of x's bytes with one u32 (at off) replaced: refused. */
static void
assert_snap_u32_refused(const struct agg *x, size_t off, uint32_t v)
{
	struct buf b;

	snap_put(x, &b);
	assert_true(off + 4 <= buf_len(&b));
	snap_set_u32(b.p + off, v);
	assert_snap_refused(x, buf_data(&b), buf_len(&b));
	buf_free(&b);
}

static void
test_snap_malformed(void **state)
{
	struct form *f = basic_form(), *ft = fx_form("t", 1);
	const struct form *forms[1] = {f}, *formst[1] = {ft};
	struct agg *x, *a, *z, *y;
	const int v[1] = {0};
	const char *t[1] = {"b"};
	struct buf ba, bz, bad;
	struct buf_rd r;
	size_t g;

	(void)state;
	/* Another question layout: Q, then each ncat. */
	x = agg_new(forms, 1, units, 3, "why");
	snap_fill(x, f, 0, SNAP_N, 1);
	assert_snap_u32_refused(x, 0, 6);
	assert_snap_u32_refused(x, 0, 4);
	assert_snap_u32_refused(x, 4, 3);		/* reasons: 4 */
	assert_snap_u32_refused(x, 4 + 4 * 2, 10);	/* rec: 11 */
	assert_snap_u32_refused(x, 4 + 4 * 4, 1);	/* change: 0 */
	/* G larger than the bytes left (no huge allocation either). */
	assert_snap_u32_refused(x, 4 + 5 * 4 + 16, 0xffffffffu);
	assert_snap_u32_refused(x, 4 + 5 * 4 + 16, SNAP_N + 1);
	/* records not the sum of the interviews */
	assert_snap_u32_refused(x, 4 + 5 * 4 + 4, SNAP_N + 1);
	/* A unit the config does not name, into an agg made with units. */
	z = agg_new(forms, 1, NULL, 0, "why");
	snap_fill(z, f, 0, SNAP_N, 1);
	assert_int_equal(fx_add(z, f, "Z", 2024, (const int[]){1, 3, 9, 1, SK},
			     NULL),
	    0);
	snap_put(z, &bz);
	y = agg_new_like(x);
	buf_rd_init(&r, buf_data(&bz), buf_len(&bz));
	assert_int_equal(agg_snap_get(y, &r), -1);
	assert_int_equal(agg_records(y), 0);
	assert_int_equal(agg_nunits(y), 3);
	agg_free(y);
	assert_snap_refused(x, buf_data(&bz), buf_len(&bz));
	agg_free(snap_roundtrip(z));	/* the same bytes, no units: fine */
	/* A get into an agg that is not empty: refused, untouched. */
	buf_rd_init(&r, buf_data(&bz), buf_len(&bz));
	assert_int_equal(agg_snap_get(z, &r), -1);
	assert_int_equal(agg_records(z), SNAP_N + 1);
	buf_free(&bz);
	agg_free(z);
	agg_free(x);

	/* One text question, one group (A, 2024), texts "b" then more. */
	fx_q(ft, "c", FORM_TEXT, NULL, 0, 0);
	a = agg_new(formst, 1, units, 3, NULL);
	assert_int_equal(fx_add(a, ft, "A", 2024, v, t), 0);
	snap_put(a, &ba);
	assert_int_equal(buf_len(&ba), SNAP_T + 4 + 4 + 1);
	assert_int_equal(buf_data(&ba)[SNAP_T + 3], 1);	/* T */
	assert_int_equal(buf_data(&ba)[SNAP_T + 8], 'b');
	assert_snap_u32_refused(a, SNAP_T, 0x7fffffffu);	/* T */
	assert_snap_u32_refused(a, SNAP_T, 2);
	assert_snap_u32_refused(a, SNAP_T + 4, 0x7fffffffu); /* text length */
	assert_snap_u32_refused(a, SNAP_HDR + 4, 0);	/* interviews 0 */
	assert_snap_u32_refused(a, SNAP_HDR + 8, 2);	/* asked */
	assert_snap_u32_refused(a, SNAP_HDR + 8 + 4, 2); /* answered */
	/* A group twice (records 2: the sum of the interviews holds). */
	g = buf_len(&ba) - SNAP_HDR;
	buf_init(&bad);
	buf_put(&bad, buf_data(&ba), buf_len(&ba));
	buf_put(&bad, buf_data(&ba) + SNAP_HDR, g);
	snap_set_u32(bad.p + SNAP_HDR - 4, 2);
	snap_set_u32(bad.p + SNAP_HDR - 16, 2); /* records */
	assert_snap_refused(a, buf_data(&bad), buf_len(&bad));
	/* ... and the same with the second group another year: fine. */
	bad.p[SNAP_HDR + g + 2 + 1] = 2024 % 256 + 1;
	y = agg_new_like(a);
	buf_rd_init(&r, buf_data(&bad), buf_len(&bad));
	assert_int_equal(agg_snap_get(y, &r), 0);
	assert_int_equal(agg_nyears(y), 2);
	assert_int_equal(agg_interviews(y, 0, 2025), 1);
	assert_string_equal(agg_cell(y, 0, 2025, 0)->texts[0], "b");
	agg_free(y);
	/* Groups out of order (2025 before 2024). */
	bad.p[SNAP_HDR + 2 + 1] = 2024 % 256 + 2;
	assert_snap_refused(a, buf_data(&bad), buf_len(&bad));
	/* A text with a NUL; texts out of order; a NaN sum. */
	buf_free(&bad);
	buf_init(&bad);
	buf_put(&bad, buf_data(&ba), buf_len(&ba));
	bad.p[SNAP_T + 8] = '\0';
	assert_snap_refused(a, buf_data(&bad), buf_len(&bad));
	buf_free(&bad);
	assert_int_equal(fx_add(a, ft, "A", 2024, v, (const char *[]){"a"}),
	    0);
	buf_free(&ba);
	snap_put(a, &ba);
	assert_int_equal(buf_data(&ba)[SNAP_T + 8], 'a');	/* sorted */
	buf_init(&bad);
	buf_put(&bad, buf_data(&ba), buf_len(&ba));
	bad.p[SNAP_T + 8] = 'c';	/* "c", "b" */
	assert_snap_refused(a, buf_data(&bad), buf_len(&bad));
	bad.p[SNAP_T + 8] = 'b';	/* "b", "b": twice is fine */
	y = agg_new_like(a);
	buf_rd_init(&r, buf_data(&bad), buf_len(&bad));
	assert_int_equal(agg_snap_get(y, &r), 0);
	agg_free(y);
	memset(bad.p + SNAP_HDR + 8 + 20, 0xff, 8);	/* sum: NaN */
	assert_snap_refused(a, buf_data(&bad), buf_len(&bad));
	buf_free(&bad);
	buf_free(&ba);
	agg_free(a);
	fx_form_free(ft);
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
		cmocka_unit_test(test_snap_roundtrip),
		cmocka_unit_test(test_snap_order),
		cmocka_unit_test(test_snap_merge),
		cmocka_unit_test(test_snap_empty),
		cmocka_unit_test(test_snap_truncated),
		cmocka_unit_test(test_snap_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
