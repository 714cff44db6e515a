/* Unit tests for src/dashboard/dash_model: the overview table (Swedish
 * name order, sorting with hidden cells last, area filter, search), the
 * texts of cells and their marks, bars, sparklines, heat levels and the
 * unit view's document, on a fixture with hand-computed figures. */
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

#include "dashboard/dash_model.h"
#include "report_fixture.h"

/* Codes in one order, names in another: Swedish order puts Åby and Öby
 * after Zeta, where byte order would not. */
static const struct agg_unit units[] = {
	{"VC-A", "Åby", "Norr"},
	{"VC-B", "Zeta", "Norr"},
	{"VC-C", "Alby", "Syd"},
	{"VC-D", "Öby", "Syd"},
	{"VC-E", "Ekby", "Syd"},
	{"VC-F", "Fjärran", NULL},
};
#define NUNITS 6

enum { Q_LEAD, Q_WHY, Q_ENPS, Q_TXT, NQ };

struct fx {
	struct form *f;
	struct agg *a;
	struct agg_turnover to[4];
	struct hme_row staff[1];
	struct dash *d;
};

/* n records of unit in year, lead = lead[i % nlead], reasons: b for
 * all, text "svar i" in every one if text. */
static void
add(struct fx *x, const char *unit, unsigned year, int n, const int *lead,
    int nlead, int text)
{
	int v[NQ], i;
	const char *t[NQ] = { NULL, NULL, NULL, NULL };
	char buf[32];

	for (i = 0; i < n; i++) {
		v[Q_LEAD] = lead[i % nlead];
		v[Q_WHY] = 2;		/* "b" */
		v[Q_ENPS] = i % 2 ? 10 : 3;
		snprintf(buf, sizeof(buf), "svar %d", i);
		v[Q_TXT] = text ? 0 : SK;
		t[Q_TXT] = text ? buf : NULL;
		assert_int_equal(fx_add(x->a, x->f, unit, year, v, t), 0);
	}
}

static int
setup(void **state)
{
	static const int l_a[] = { 1, 2, 3, 4, 5, 5 };
	static const int l_c[] = { 4 };
	static const int l_d[] = { 2 };
	static const int l_e[] = { 3, 5 };
	struct fx *x = xcalloc(1, sizeof(*x));
	const struct form *forms[1];
	struct dash_input in;
	struct err e;

	if (sodium_init() < 0)
		return -1;
	x->f = fx_form("exit", 1);
	fx_q(x->f, "lead", FORM_SCALE, NULL, 1, 5);
	fx_q(x->f, "why", FORM_MULTI, "a b c", 0, 0)->theme = xstrdup(
	    "reasons");
	fx_q(x->f, "enps", FORM_NPS, NULL, 0, 10);
	fx_q(x->f, "txt", FORM_TEXT, NULL, 0, 0);
	forms[0] = x->f;
	x->a = agg_new(forms, 1, units, NUNITS, NULL);
	add(x, "VC-A", 2024, 6, l_a, 6, 0);
	add(x, "VC-B", 2024, 2, l_c, 1, 0);
	add(x, "VC-C", 2024, 7, l_c, 1, 0);
	add(x, "VC-D", 2024, 5, l_d, 1, 0);
	add(x, "VC-E", 2024, 9, l_e, 2, 1);
	add(x, "VC-C", 2023, 6, l_d, 1, 0);
	add(x, "VC-E", 2023, 6, l_d, 1, 0);
	add(x, "VC-C", 2026, 6, l_c, 1, 0);
	x->to[0] = (struct agg_turnover){ "VC-A", 2022, 100, 12 };
	x->to[1] = (struct agg_turnover){ "VC-A", 2023, 100, 15 };
	x->to[2] = (struct agg_turnover){ "VC-A", 2024, 100, 10 };
	x->to[3] = (struct agg_turnover){ "VC-C", 2024, 50, 2 };
	x->staff[0] = (struct hme_row){ "VC-C", 2024, 71.4, 0, 0, 0 };
	memset(&in, 0, sizeof(in));
	in.agg = x->a;
	in.turnover = x->to;
	in.nturnover = 4;
	in.staff = x->staff;
	in.nstaff = 1;
	in.region = "Region Test";
	in.threshold = 0.10;
	in.tyears = 3;
	in.gp.k = 5;
	in.gp.text_k = 8;
	in.gp.now_year = 2026;
	in.gp.now_month = 6;
	in.gp.grace_months = 2;
	if (dash_new(&x->d, &in, &e) != 0)
		return -1;
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *x = *state;

	dash_free(x->d);
	agg_free(x->a);
	free(x->f->questions[Q_WHY].theme);
	x->f->questions[Q_WHY].theme = NULL;
	fx_form_free(x->f);
	free(x);
	return 0;
}

static const char *
shown_name(const struct dash_ov *ov, size_t i)
{
	return ov->rows[ov->shown[i]].name;
}

static const struct dash_ov_row *
row_of(const struct dash_ov *ov, const char *code)
{
	size_t i;

	for (i = 0; i < ov->nrows; i++)
		if (strcmp(ov->rows[i].code, code) == 0)
			return &ov->rows[i];
	fail_msg("no row %s", code);
	return NULL;
}

static void
test_years(void **state)
{
	struct fx *x = *state;

	assert_int_equal(x->d->nyears, 3);
	/* 2026 is the running year on 2026-06: the default is 2024 */
	assert_int_equal(dash_default_year(x->d), 2024);
	assert_int_equal(dash_year_step(x->d, 2024, -1), 2023);
	assert_int_equal(dash_year_step(x->d, 2024, 1), 2026);
	assert_int_equal(dash_year_step(x->d, 2023, -1), 2023);
	assert_int_equal(dash_year_step(x->d, 2026, 1), 2026);
	assert_non_null(dash_table(x->d, 2023));
	assert_null(dash_table(x->d, 2025));
	assert_true(dash_table(x->d, 2026)->open);
	/* the scale question is an overview column, the nps one is eNPS */
	assert_int_equal(x->d->nscale, 1);
	assert_int_equal(x->d->scale_q[0], Q_LEAD);
	assert_int_equal(x->d->enps_q, Q_ENPS);
}

static void
test_name_order(void **state)
{
	struct fx *x = *state;
	static const char *const want[] = { "Alby", "Ekby", "Fjärran", "Zeta",
	    "Åby", "Öby" };
	struct dash_ov ov;
	size_t i;

	dash_ov_build(&ov, x->d, 2024, "sv");
	assert_int_equal(ov.nshown, NUNITS);
	for (i = 0; i < NUNITS; i++)
		assert_string_equal(shown_name(&ov, i), want[i]);
	dash_ov_sort(&ov, DASH_COL_NAME, 1);
	for (i = 0; i < NUNITS; i++)
		assert_string_equal(shown_name(&ov, i), want[NUNITS - 1 - i]);
	dash_ov_free(&ov);
}

static void
test_sort_numbers(void **state)
{
	struct fx *x = *state;
	struct dash_ov ov;
	const struct dash_cell *c;
	size_t i, col = DASH_COL_Q0;
	int seen_hidden;

	dash_ov_build(&ov, x->d, 2024, "sv");
	/* interviews: 9 (Ekby), 7 (Alby), 6 (Åby), 5 (Öby), 2 (Zeta), 0 */
	dash_ov_sort(&ov, DASH_COL_N, 1);
	assert_string_equal(shown_name(&ov, 0), "Ekby");
	assert_string_equal(shown_name(&ov, 1), "Alby");
	assert_string_equal(shown_name(&ov, 2), "Åby");
	assert_string_equal(shown_name(&ov, 3), "Öby");
	assert_string_equal(shown_name(&ov, 4), "Zeta");
	assert_string_equal(shown_name(&ov, 5), "Fjärran");
	for (int desc = 0; desc < 2; desc++) {
		dash_ov_sort(&ov, col, desc);
		seen_hidden = 0;
		for (i = 0; i < ov.nshown; i++) {
			c = &ov.rows[ov.shown[i]].cells[col];
			if (c->state != DASH_SHOWN) {
				seen_hidden = 1;
				continue;
			}
			/* a shown cell never comes after a hidden one */
			assert_false(seen_hidden);
			if (i > 0) {
				const struct dash_cell *p =
				    &ov.rows[ov.shown[i - 1]].cells[col];
				assert_true(desc ? p->v >= c->v : p->v <= c->v);
			}
		}
		assert_true(seen_hidden);	/* Zeta, Fjärran */
	}
	/* Öby's lead mean 2.0 is the lowest shown */
	dash_ov_sort(&ov, col, 0);
	assert_string_equal(shown_name(&ov, 0), "Öby");
	dash_ov_free(&ov);
}

static void
test_filter(void **state)
{
	struct fx *x = *state;
	struct dash_ov ov;
	const char **areas;
	size_t n;

	n = dash_areas(x->d, &areas);
	assert_int_equal(n, 3);
	assert_string_equal(areas[0], "Norr");
	assert_string_equal(areas[1], "Syd");
	assert_string_equal(areas[2], "");
	free(areas);
	dash_ov_build(&ov, x->d, 2024, "sv");
	dash_ov_filter(&ov, "Norr", NULL);
	assert_int_equal(ov.nshown, 2);
	assert_string_equal(shown_name(&ov, 0), "Zeta");
	assert_string_equal(shown_name(&ov, 1), "Åby");
	dash_ov_filter(&ov, "", NULL);
	assert_int_equal(ov.nshown, 1);
	assert_string_equal(shown_name(&ov, 0), "Fjärran");
	/* "by" is in Alby, Ekby, Åby and Öby; "å" only in Åby: å is a
	 * letter of its own, not an a */
	dash_ov_filter(&ov, NULL, "by");
	assert_int_equal(ov.nshown, 4);
	assert_string_equal(shown_name(&ov, 0), "Alby");
	assert_string_equal(shown_name(&ov, 3), "Öby");
	dash_ov_filter(&ov, NULL, "Å");
	assert_int_equal(ov.nshown, 1);
	assert_string_equal(shown_name(&ov, 0), "Åby");
	/* codes match too, case ignored */
	dash_ov_filter(&ov, NULL, "vc-d");
	assert_int_equal(ov.nshown, 1);
	assert_string_equal(shown_name(&ov, 0), "Öby");
	/* both filters at once, and the sort survives a year change */
	dash_ov_sort(&ov, DASH_COL_N, 1);
	dash_ov_filter(&ov, "Syd", "by");
	assert_int_equal(ov.nshown, 3);
	assert_string_equal(shown_name(&ov, 0), "Ekby");
	/* the search passed back in, as the area key does */
	dash_ov_filter(&ov, ov.area, ov.search);
	assert_int_equal(ov.nshown, 3);
	assert_string_equal(ov.search, "by");
	dash_ov_set_year(&ov, 2023);
	assert_int_equal(ov.sort, DASH_COL_N);
	assert_int_equal(ov.nshown, 3);
	assert_string_equal(ov.area, "Syd");
	dash_ov_free(&ov);
}

static void
cell_is(const struct dash_ov *ov, const struct dash_ov_row *r, size_t col,
    int ascii, const char *want)
{
	char buf[64];

	dash_cell_text(&r->cells[col], dash_col_fmt(col),
	    dash_table(ov->d, ov->year)->k, dash_glyphs(ascii), buf,
	    sizeof(buf));
	assert_string_equal(buf, want);
}

static void
test_cells(void **state)
{
	struct fx *x = *state;
	struct dash_ov ov;
	const struct dash_ov_row *a, *b, *c;
	char buf[32];

	dash_ov_build(&ov, x->d, 2024, "sv");
	a = row_of(&ov, "VC-A");
	b = row_of(&ov, "VC-B");
	c = row_of(&ov, "VC-C");
	cell_is(&ov, a, DASH_COL_N, 0, "6");
	cell_is(&ov, a, DASH_COL_TO2, 0, "12%");
	cell_is(&ov, a, DASH_COL_TO1, 0, "15%");
	cell_is(&ov, a, DASH_COL_TO0, 0, "10%");
	cell_is(&ov, a, DASH_COL_FLAG, 0, "\xe2\x96\xb2");
	cell_is(&ov, a, DASH_COL_FLAG, 1, "!");
	cell_is(&ov, a, DASH_COL_COV, 0, "60%");
	/* Alby: one year of 4 %, not flagged; coverage 7 / 2 */
	cell_is(&ov, c, DASH_COL_TO0, 0, "4%");
	cell_is(&ov, c, DASH_COL_TO2, 0, "\xe2\x80\x93");
	cell_is(&ov, c, DASH_COL_TO2, 1, "-");
	cell_is(&ov, c, DASH_COL_FLAG, 0, "");
	cell_is(&ov, c, DASH_COL_COV, 0, "350%");
	cell_is(&ov, c, DASH_COL_STAFF, 0, "71");
	cell_is(&ov, c, DASH_COL_Q0, 0, "4.0");
	/* Alby's eNPS: 4 of 7 answered 3, 3 answered 10: -14 */
	cell_is(&ov, c, DASH_COL_ENPS, 0, "-14");
	cell_is(&ov, c, DASH_COL_TOP, 0, "Choice b");
	/* Zeta: two interviews, no figure: "<5", and its count shown */
	cell_is(&ov, b, DASH_COL_N, 0, "2");
	assert_int_equal(b->cells[DASH_COL_Q0].state, DASH_HIDDEN);
	assert_int_equal(b->cells[DASH_COL_Q0].reason, GATE_FEW);
	assert_true(b->cells[DASH_COL_Q0].v == 0);
	cell_is(&ov, b, DASH_COL_Q0, 0, "<5");
	cell_is(&ov, b, DASH_COL_ENPS, 0, "<5");
	cell_is(&ov, b, DASH_COL_TOP, 0, "<5");
	/* the region row: every interview of the year */
	cell_is(&ov, &ov.region, DASH_COL_N, 0, "29");
	/* region turnover 12 of 150; coverage counts only the units with
	 * turnover figures: (6 + 7) / 12 */
	cell_is(&ov, &ov.region, DASH_COL_TO0, 0, "8%");
	cell_is(&ov, &ov.region, DASH_COL_COV, 0, "108%");
	/* the running year: counts only */
	dash_ov_set_year(&ov, 2026);
	c = row_of(&ov, "VC-C");
	cell_is(&ov, c, DASH_COL_N, 0, "6");
	cell_is(&ov, c, DASH_COL_Q0, 0, "\xe2\x80\xa6");
	cell_is(&ov, c, DASH_COL_Q0, 1, "..");
	cell_is(&ov, c, DASH_COL_ENPS, 0, "\xe2\x80\xa6");
	dash_ov_free(&ov);
	/* marks and formats one by one */
	{
		struct dash_cell k = { DASH_SHOWN, GATE_SHOWN, -0.3, NULL };

		dash_cell_text(&k, DASH_FMT_SIGNED, 5, dash_glyphs(0), buf,
		    sizeof(buf));
		assert_string_equal(buf, "0");
		k.v = 20;
		dash_cell_text(&k, DASH_FMT_SIGNED, 5, dash_glyphs(0), buf,
		    sizeof(buf));
		assert_string_equal(buf, "+20");
		k.state = DASH_HIDDEN;
		k.reason = GATE_COMPLEMENT;
		dash_cell_text(&k, DASH_FMT_MEAN, 5, dash_glyphs(0), buf,
		    sizeof(buf));
		assert_string_equal(buf, "\xc3\x97");
		dash_cell_text(&k, DASH_FMT_MEAN, 5, dash_glyphs(1), buf,
		    sizeof(buf));
		assert_string_equal(buf, "x");
		k.reason = GATE_REGION_ONLY;
		dash_cell_text(&k, DASH_FMT_MEAN, 5, dash_glyphs(0), buf,
		    sizeof(buf));
		assert_string_equal(buf, "R");
		k.reason = GATE_FEW;
		dash_cell_text(&k, DASH_FMT_MEAN, 3, dash_glyphs(1), buf,
		    sizeof(buf));
		assert_string_equal(buf, "<3");
	}
}

static void
test_bar(void **state)
{
	char buf[64];

	(void)state;
	dash_bar(0.5, 4, 1, buf, sizeof(buf));
	assert_string_equal(buf, "##  ");
	dash_bar(0.5, 4, 0, buf, sizeof(buf));
	assert_string_equal(buf, "\xe2\x96\x88\xe2\x96\x88  ");
	/* 0.3 of 4 columns = 9.6 eighths -> 10: one block and a quarter */
	dash_bar(0.3, 4, 0, buf, sizeof(buf));
	assert_string_equal(buf, "\xe2\x96\x88\xe2\x96\x8e  ");
	dash_bar(0, 3, 0, buf, sizeof(buf));
	assert_string_equal(buf, "   ");
	dash_bar(1.7, 3, 1, buf, sizeof(buf));
	assert_string_equal(buf, "###");
	dash_bar(NAN, 2, 1, buf, sizeof(buf));
	assert_string_equal(buf, "  ");
	/* never beyond the buffer */
	dash_bar(1, 10, 0, buf, 8);
	assert_true(strlen(buf) < 8);
}

static void
test_spark(void **state)
{
	const double v[] = { 1, 2, 3, 4, 5 };
	const int all[] = { 1, 1, 1, 1, 1 };
	const int gap[] = { 1, 0, 1, 0, 1 };
	char buf[64];

	(void)state;
	dash_spark(v, all, 5, 1, 5, 0, buf, sizeof(buf));
	assert_string_equal(buf, "\xe2\x96\x81\xe2\x96\x83\xe2\x96\x85"
	    "\xe2\x96\x86\xe2\x96\x88");
	dash_spark(v, all, 5, 1, 5, 1, buf, sizeof(buf));
	assert_string_equal(buf, "_.=*#");
	dash_spark(v, gap, 5, 1, 5, 1, buf, sizeof(buf));
	assert_string_equal(buf, "_ = #");
	/* a flat range draws the middle, out of range values are clamped */
	dash_spark(v, all, 2, 3, 3, 1, buf, sizeof(buf));
	assert_string_equal(buf, "--");
	dash_spark(v, all, 1, 2, 3, 1, buf, sizeof(buf));
	assert_string_equal(buf, "_");
	assert_int_equal(dash_heat_level(1, 1, 5), 0);
	assert_int_equal(dash_heat_level(3, 1, 5), 2);
	assert_int_equal(dash_heat_level(5, 1, 5), 4);
	assert_int_equal(dash_heat_level(9, 1, 5), 4);
	assert_int_equal(dash_heat_level(3, 3, 3), 2);
}

static void
test_ascii(void **state)
{
	char buf[64];

	(void)state;
	dash_ascii("Åbacka vårdcentral", buf, sizeof(buf));
	assert_string_equal(buf, "Abacka vardcentral");
	dash_ascii("Öron- och Ärla \xc3\xa9 \xe2\x80\x93 \xe2\x96\x88 \x1b",
	    buf, sizeof(buf));
	assert_string_equal(buf, "Oron- och Arla e - ? ?");
	/* one character per character, so widths stay; cut to fit */
	dash_ascii("\xc3\xa5\xc3\xa4\xc3\xb6\xc3\x85\xc3\x84\xc3\x96", buf, 4);
	assert_string_equal(buf, "aao");
	dash_ascii("\xff\xfe", buf, sizeof(buf));
	assert_string_equal(buf, "??");
}

static int
doc_has(const struct dash_doc *doc, const char *needle)
{
	size_t i;

	for (i = 0; i < doc->n; i++)
		if (strstr(doc->v[i].text, needle) != NULL)
			return 1;
	return 0;
}

static void
test_unit_doc(void **state)
{
	struct fx *x = *state;
	struct dash_doc doc;
	size_t i, u, first;
	int texts = 0;

	/* Ekby 2024: lead 3,5,3,5,... (5 x 3, 4 x 5): mean 3.9; bars */
	u = agg_unit_find(x->a, "VC-E");
	dash_unit_doc(&doc, x->d, u, 2024, 78, "sv", 1);
	assert_true(doc_has(&doc, "1. Label lead"));
	assert_false(doc_has(&doc, "HME "));	/* no HME statements */
	assert_true(doc_has(&doc, "Mean 3.9 (region "));
	/* the trend: 2023 mean 2.0, 2024 mean 3.9 on 1..5 */
	assert_true(doc_has(&doc, "2023-2024 .*"));
	for (i = 0; i < doc.n; i++) {
		if (doc.v[i].kind == DASH_L_BAR)
			assert_true(strlen(doc.v[i].text) <= 78);
		if (doc.v[i].kind == DASH_L_FREE)
			texts++;
	}
	/* 9 free-text answers reach text_k 8: all shown */
	assert_int_equal(texts, 9);
	assert_true(doc_has(&doc, "* svar 8"));
	/* stepping goes from question to question */
	first = dash_doc_step(&doc, 0, 1);
	assert_int_equal(doc.v[first].kind, DASH_L_HEAD);
	assert_int_equal(doc.v[first].q, Q_WHY);
	assert_int_equal(dash_doc_step(&doc, first, -1), 0);
	dash_doc_free(&doc);
	/* Zeta: fewer than k, no figure at all */
	u = agg_unit_find(x->a, "VC-B");
	dash_unit_doc(&doc, x->d, u, 2024, 78, "en", 1);
	assert_true(doc_has(&doc, "fewer than 5 answers"));
	assert_false(doc_has(&doc, "Mean"));
	for (i = 0; i < doc.n; i++)
		assert_true(doc.v[i].kind != DASH_L_BAR &&
		    doc.v[i].kind != DASH_L_FREE);
	dash_doc_free(&doc);
	/* the running year: its count and nothing else */
	u = agg_unit_find(x->a, "VC-C");
	dash_unit_doc(&doc, x->d, u, 2026, 78, "en", 0);
	assert_true(doc_has(&doc, "Interviews in 2026: 6"));
	assert_false(doc_has(&doc, "Mean"));
	dash_doc_free(&doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_years),
		cmocka_unit_test(test_name_order),
		cmocka_unit_test(test_sort_numbers),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_bar),
		cmocka_unit_test(test_spark),
		cmocka_unit_test(test_unit_doc),
		cmocka_unit_test(test_ascii),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
