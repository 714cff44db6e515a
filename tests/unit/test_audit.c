/* Unit tests for src/report/audit: tables written by hand (not by the
 * gate), whose feasible intervals are worked out in the comments; a
 * multiple-choice pool, a follow-up with its opener, a late arrival
 * between two releases of a year, a reorganisation, a sensitive band,
 * and the audit over the gate's own tables of random regions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "report/agg.h"
#include "report/audit.h"
#include "report/gate.h"
#include "report_fixture.h"

static const struct agg_unit units[] = {
	{"A", "Unit A", "North"}, {"B", "Unit B", "North"},
	{"C", "Unit C", "North"}, {"D", "Unit D", "South"},
};
#define NU 4

enum { Q_WHY, Q_OPEN, Q_FOLLOW, Q_HAR, NQ };

static struct form *
audit_form(void)
{
	struct form *f = fx_form("aud", 1);
	struct err e = { .msg = "" };
	size_t pos;
	const char *x = "open == yes";

	fx_q(f, "why", FORM_MULTI, "a b", 0, 0);
	fx_q(f, "open", FORM_YESNO, NULL, 0, 0);
	fx_q(f, "follow", FORM_SINGLE, "x y", 0, 0);
	fx_q(f, "har", FORM_YESNO, NULL, 0, 0)->sensitive =
	    (uint64_t)1 << FORM_YES;
	assert_int_equal(form_expr_parse(&f->questions[Q_FOLLOW].show_if, f,
	    Q_FOLLOW, x, strlen(x), &pos, &e), 0);
	return f;
}

static void
audit_form_free(struct form *f)
{
	form_expr_free(f->questions[Q_FOLLOW].show_if);
	fx_form_free(f);
}

/* ---- tables by hand ---------------------------------------------------- */

/* Rows: 0 region, 1 North, 2 South, 3..6 units A-D, 7 pool North, 8 pool
 * South, 9 region pool. Every figure starts hidden as a complement with
 * the given unit sizes asked of every question. */
enum { R_REG, R_N, R_S, R_A, R_B, R_C, R_D, R_PN, R_PS, R_RP, NR };

static struct gate_table *
tb_new(const struct agg *a, unsigned year, const uint32_t size[NU])
{
	struct gate_table *t = xcalloc(1, sizeof(*t));
	size_t r, q, u;

	t->year = year;
	t->k = 5;
	t->text_k = 8;
	t->sens_t = 1;
	t->agg = a;
	t->ncols = agg_nquestions(a);
	t->nrows = NR;
	t->rows = xcalloc(NR, sizeof(*t->rows));
	t->figs = xcalloc(NR * t->ncols, sizeof(*t->figs));
	t->asked = xcalloc(NR * t->ncols, sizeof(*t->asked));
	t->hme = xcalloc(NR, sizeof(*t->hme));
	t->reasons_q = AGG_NONE;
	t->rows[R_REG].kind = GATE_ROW_REGION;
	t->rows[R_REG].unit = t->rows[R_REG].area_ix = AGG_NONE;
	for (r = R_N; r <= R_S; r++) {
		t->rows[r].kind = GATE_ROW_AREA;
		t->rows[r].area_ix = r - R_N;
		t->rows[r].area = t->rows[r].name = r == R_N ? "North" :
		    "South";
		t->rows[r].unit = AGG_NONE;
		t->rows[r + R_PN - R_N].kind = GATE_ROW_POOL;
		t->rows[r + R_PN - R_N].area_ix = r - R_N;
		t->rows[r + R_PN - R_N].area = t->rows[r].area;
		t->rows[r + R_PN - R_N].unit = AGG_NONE;
	}
	t->rows[R_RP].kind = GATE_ROW_POOL;
	t->rows[R_RP].unit = t->rows[R_RP].area_ix = AGG_NONE;
	for (u = 0; u < NU; u++) {
		struct gate_row *w = &t->rows[R_A + u];

		w->kind = GATE_ROW_UNIT;
		w->code = units[u].code;
		w->name = units[u].name;
		w->area = units[u].area;
		w->area_ix = strcmp(units[u].area, "North") == 0 ? 0 : 1;
		w->unit = u;
		w->interviews = size[u];
	}
	for (r = 0; r < NR; r++)
		for (q = 0; q < t->ncols; q++) {
			t->figs[r * t->ncols + q].reason = GATE_COMPLEMENT;
			if (r >= R_A && r <= R_D)
				t->asked[r * t->ncols + q] = size[r - R_A];
		}
	return t;
}

/* Show figure (r, q): answered, not shown, then the category counts. */
static void
tb_show(struct gate_table *t, size_t r, size_t q, uint32_t answered,
    uint32_t notshown, ...)
{
	struct gate_fig *f = &t->figs[r * t->ncols + q];
	size_t c, n = agg_question(t->agg, q)->ncat;
	va_list ap;

	f->reason = GATE_SHOWN;
	f->answered = answered;
	f->notshown = notshown;
	f->counts = xcalloc(n ? n : 1, sizeof(*f->counts));
	va_start(ap, notshown);
	for (c = 0; c < n; c++)
		f->counts[c] = va_arg(ap, uint32_t);
	va_end(ap);
}

static void
tb_reason(struct gate_table *t, size_t r, size_t q, enum gate_reason why)
{
	t->figs[r * t->ncols + q].reason = why;
}

static void
tb_free(struct gate_table *t)
{
	gate_table_free(t);
}

struct run {
	struct audit_result r;
	int verdict;
};

static void
run_audit(struct run *out, struct gate_table *const *t,
    const struct gate_table *const *base, const char *const *label, size_t n)
{
	struct audit *au = audit_new(NULL);
	struct err e = { .msg = "" };
	size_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(audit_add(au, t[i], label[i], base[i], &e), 0);
	if (audit_run(au, &out->r, &e) != 0)
		fail_msg("%s", e.msg);
	out->verdict = audit_verdict(&out->r, &e);
	if (out->verdict != 0) {
		/* the message names cells, never a value */
		assert_non_null(strstr(e.msg, "hidden figure"));
		assert_int_equal(e.cls, ERR_DATA);
	}
	audit_free(au);
}

/* The width the audit found for a suppressed cell, or -1 if pinned (in
 * bad), -2 if not reported at all. */
static double
width_of(const struct audit_result *r, const char *row, const char *q,
    const char *cat)
{
	size_t i;

	for (i = 0; i < r->nbad; i++)
		if (r->bad[i].kind == AUDIT_PINNED &&
		    strcmp(r->bad[i].row, row) == 0 &&
		    strcmp(r->bad[i].question, q) == 0 &&
		    strcmp(r->bad[i].category, cat) == 0)
			return -1;
	for (i = 0; i < r->nnarrow; i++)
		if (strcmp(r->narrow[i].row, row) == 0 &&
		    strcmp(r->narrow[i].question, q) == 0 &&
		    strcmp(r->narrow[i].category, cat) == 0)
			return r->narrow[i].width;
	return -2;
}

static struct agg *
empty_agg(const struct form *f)
{
	const struct form *forms[1] = {f};

	return agg_new(forms, 1, units, NU, NULL);
}

static int
setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

/* A multiple-choice pool. North: A 6 (complement), B 1 (few), C 9
 * (shown); the pool A+B shows 7 answers, a ticked by 7, b by 3.
 * A's a is at most 6, so B's a = 7 - A's a is at least 1, and at most 1:
 * pinned. B's b: 3 - A's b with A's b in [2, 3]... in [0, 1]: width 1.
 * With a ticked by 6 in the pool, B's a is in [0, 1]: width 1. */
static void
test_multi_pool(void **state)
{
	struct form *f = audit_form();
	struct agg *a = empty_agg(f);
	const uint32_t size[NU] = {6, 1, 9, 9};
	struct gate_table *t = tb_new(a, 2024, size);
	const struct gate_table *base[1] = {NULL};
	const char *label[1] = {"2024"};
	struct run x;

	(void)state;
	tb_show(t, R_C, Q_WHY, 9, 0, 4, 5);
	tb_reason(t, R_B, Q_WHY, GATE_FEW);
	tb_show(t, R_PN, Q_WHY, 7, 0, 7, 3);
	run_audit(&x, &t, base, label, 1);
	assert_int_equal(x.r.pinned, 1);
	assert_true(width_of(&x.r, "B", "why", "a") == -1);
	assert_true(width_of(&x.r, "B", "why", "b") == 1);
	assert_int_not_equal(x.verdict, 0);
	audit_result_free(&x.r);

	t->figs[R_PN * t->ncols + Q_WHY].counts[0] = 6;
	run_audit(&x, &t, base, label, 1);
	assert_int_equal(x.r.pinned, 0);
	assert_true(width_of(&x.r, "B", "why", "a") == 1);
	assert_int_equal(x.verdict, 0);
	assert_true(x.r.lps > 0);
	audit_result_free(&x.r);
	tb_free(t);
	agg_free(a);
	audit_form_free(f);
}

/* A follow-up. open: A 6 (complement), B 2 (few), C 8 shown (yes 4),
 * pool A+B shows 8 answers, yes 7. Alone, B's yes = 7 - A's yes with A's
 * yes at most 6: B's yes in [1, 2], width 1. follow (shown to those who
 * said yes) is shown for A with 1 not shown of 6: A's yes = 5, so B's
 * yes = 2: pinned. */
static void
test_follow_up(void **state)
{
	struct form *f = audit_form();
	struct agg *a = empty_agg(f);
	const uint32_t size[NU] = {6, 2, 8, 9};
	struct gate_table *t = tb_new(a, 2024, size);
	const struct gate_table *base[1] = {NULL};
	const char *label[1] = {"2024"};
	struct run x;

	(void)state;
	tb_show(t, R_C, Q_OPEN, 8, 0, 4, 4);
	tb_reason(t, R_B, Q_OPEN, GATE_FEW);
	tb_show(t, R_PN, Q_OPEN, 8, 0, 1, 7);
	tb_reason(t, R_B, Q_FOLLOW, GATE_FEW);
	run_audit(&x, &t, base, label, 1);
	assert_int_equal(x.r.pinned, 0);
	assert_true(width_of(&x.r, "B", "open", "yes") == 1);
	assert_true(width_of(&x.r, "B", "open", "no") == 1);
	audit_result_free(&x.r);

	tb_show(t, R_A, Q_FOLLOW, 5, 1, 3, 2);
	run_audit(&x, &t, base, label, 1);
	assert_int_equal(x.r.pinned, 1);
	assert_true(width_of(&x.r, "B", "open", "yes") == -1);
	assert_int_not_equal(x.verdict, 0);
	audit_result_free(&x.r);
	tb_free(t);
	agg_free(a);
	audit_form_free(f);
}

/* Two releases of 2024. The first: B (2, few) and A (6) pooled, a by 5
 * of 8. One interview for B arrives later; the revision pools A and B
 * again, a by 6 of 9: the late one ticked a, pinned, though no table
 * shows it alone. Had the revision hidden its pool, nothing is pinned:
 * the late interview's a is then in [0, 1]. */
static void
test_late_arrival(void **state)
{
	struct form *f = audit_form();
	struct agg *a = empty_agg(f);
	const uint32_t s1[NU] = {6, 2, 9, 9}, s2[NU] = {6, 3, 9, 9};
	struct gate_table *t[2];
	const struct gate_table *base[2];
	const char *label[2] = {"2024", "2024 revision 1"};
	struct run x;

	(void)state;
	t[0] = tb_new(a, 2024, s1);
	t[1] = tb_new(a, 2024, s2);
	base[0] = NULL;
	base[1] = t[0];
	tb_show(t[0], R_C, Q_WHY, 9, 0, 4, 5);
	tb_show(t[1], R_C, Q_WHY, 9, 0, 4, 5);
	tb_reason(t[0], R_B, Q_WHY, GATE_FEW);
	tb_show(t[0], R_PN, Q_WHY, 8, 0, 5, 4);
	tb_reason(t[1], R_B, Q_WHY, GATE_FEW);
	tb_show(t[1], R_PN, Q_WHY, 9, 0, 6, 4);
	run_audit(&x, t, base, label, 2);
	assert_true(width_of(&x.r, "B, arrived after 2024", "why", "a") == -1);
	/* b: 4 and 4, pinned at zero: not a disclosure, not listed */
	assert_true(width_of(&x.r, "B, arrived after 2024", "why", "b") == -2);
	assert_int_not_equal(x.verdict, 0);
	audit_result_free(&x.r);

	/* The difference as a release of its own (audit_add_late): the
	 * gate over the one late interview hides B's figure (fewer than k):
	 * B's late a is protected there and pinned (6 - 5 = 1): refused.
	 * Had the difference shown B's late figure (as it would for k late
	 * interviews), it is published and nothing is protected: no
	 * finding. */
	{
		const uint32_t sl[NU] = {0, 1, 0, 0};
		struct gate_table *g = tb_new(a, 2024, sl);
		struct audit *au = audit_new(NULL);
		struct err e = { .msg = "" };

		tb_reason(g, R_B, Q_WHY, GATE_FEW);
		assert_int_equal(audit_add(au, t[0], "2024", NULL, &e), 0);
		assert_int_equal(audit_add(au, t[1], "2024 revision 1", t[0],
		    &e), 0);
		assert_int_equal(audit_add_late(au, g, "2024 difference", t[1],
		    &e), 0);
		assert_int_equal(audit_run(au, &x.r, &e), 0);
		assert_true(width_of(&x.r, "B", "why", "a") == -1);
		assert_int_not_equal(audit_verdict(&x.r, &e), 0);
		audit_result_free(&x.r);
		audit_free(au);
		tb_show(g, R_B, Q_WHY, 1, 0, 1, 0);
		au = audit_new(NULL);
		assert_int_equal(audit_add(au, t[0], "2024", NULL, &e), 0);
		assert_int_equal(audit_add(au, t[1], "2024 revision 1", t[0],
		    &e), 0);
		assert_int_equal(audit_add_late(au, g, "2024 difference", t[1],
		    &e), 0);
		/* not after a revision: refused */
		assert_int_equal(audit_add_late(au, g, "x", t[0], &e), -1);
		assert_int_equal(audit_run(au, &x.r, &e), 0);
		assert_int_equal(x.r.pinned, 0);
		assert_int_equal(audit_verdict(&x.r, &e), 0);
		audit_result_free(&x.r);
		audit_free(au);
		tb_free(g);
	}

	tb_reason(t[1], R_PN, Q_WHY, GATE_COMPLEMENT);
	run_audit(&x, t, base, label, 2);
	assert_int_equal(x.r.pinned, 0);
	assert_true(width_of(&x.r, "B, arrived after 2024", "why", "a") == 1);
	audit_result_free(&x.r);
	tb_free(t[0]);
	tb_free(t[1]);
	agg_free(a);
	audit_form_free(f);
}

/* A reorganisation: the same records published again with B moved to
 * South. First: North pool A+B (a by 3 of 7), South D shown. Then South
 * (B and D) is shown as an area total, a by 7 of 10, and D still shown
 * with a by 6 of 9: South minus D is B: a by 1 of 1. Pinned. */
static void
test_reorganisation(void **state)
{
	struct form *f = audit_form();
	struct agg *a = empty_agg(f);
	const uint32_t s[NU] = {6, 1, 9, 9}, s0[NU] = {0, 0, 0, 0};
	struct gate_table *t[2];
	const struct gate_table *base[2];
	const char *label[2] = {"2024", "2024 after the reorganisation"};
	struct run x;

	(void)state;
	t[0] = tb_new(a, 2024, s);
	t[1] = tb_new(a, 2024, s);
	base[0] = NULL;
	base[1] = t[0];		/* the same records, nothing new */
	(void)s0;
	tb_show(t[0], R_C, Q_WHY, 9, 0, 4, 5);
	tb_show(t[1], R_C, Q_WHY, 9, 0, 4, 5);
	tb_reason(t[0], R_B, Q_WHY, GATE_FEW);
	tb_show(t[0], R_PN, Q_WHY, 7, 0, 3, 5);
	tb_show(t[0], R_D, Q_WHY, 9, 0, 6, 4);
	t[1]->rows[R_B].area_ix = 1;
	t[1]->rows[R_B].area = "South";
	tb_reason(t[1], R_B, Q_WHY, GATE_FEW);
	tb_show(t[1], R_D, Q_WHY, 9, 0, 6, 4);
	tb_show(t[1], R_S, Q_WHY, 10, 0, 7, 4);
	run_audit(&x, t, base, label, 2);
	assert_true(x.r.pinned >= 1);
	assert_true(width_of(&x.r, "B", "why", "a") == -1);
	audit_result_free(&x.r);
	/* published under the first map only: B's a in [0, 1] */
	run_audit(&x, t, base, label, 1);
	assert_int_equal(x.r.pinned, 0);
	audit_result_free(&x.r);
	tb_free(t[0]);
	tb_free(t[1]);
	agg_free(a);
	audit_form_free(f);
}

/* Sensitive answers. A shown group where all 6 said yes is determined.
 * Two banded units (A 6, C 9: each yes at least n - 1) pooled with yes =
 * 5 + 8 = 13 of 15 pin both; with 14 of 15, A's yes is in [5, 6]. */
static void
test_sensitive(void **state)
{
	struct form *f = audit_form();
	struct agg *a = empty_agg(f);
	const uint32_t size[NU] = {6, 0, 9, 9};
	struct gate_table *t = tb_new(a, 2024, size);
	const struct gate_table *base[1] = {NULL};
	const char *label[1] = {"2024"};
	struct run x;

	(void)state;
	tb_show(t, R_A, Q_HAR, 6, 0, 0, 6);
	run_audit(&x, &t, base, label, 1);
	assert_int_equal(x.r.determined, 1);
	assert_int_not_equal(x.verdict, 0);
	audit_result_free(&x.r);

	/* the region row is a group like any other (a region-only
	 * question is shown there alone): 24 of 24 said yes is determined,
	 * and with it every hidden group that has members (A, C, D, both
	 * areas, their pools, the region pool: 8 more); 23 of 24 (t 1: one
	 * without, who may be in any of them) determines none */
	tb_reason(t, R_A, Q_HAR, GATE_COMPLEMENT);
	free(t->figs[R_A * t->ncols + Q_HAR].counts);
	t->figs[R_A * t->ncols + Q_HAR].counts = NULL;
	tb_show(t, R_REG, Q_HAR, 24, 0, 0, 24);
	run_audit(&x, &t, base, label, 1);
	assert_int_equal(x.r.determined, 9);
	{
		size_t j;
		int reg = 0;

		for (j = 0; j < x.r.nbad; j++)
			reg += strcmp(x.r.bad[j].row, "region") == 0;
		assert_int_equal(reg, 1);
	}
	audit_result_free(&x.r);
	t->figs[R_REG * t->ncols + Q_HAR].counts[0] = 1;
	t->figs[R_REG * t->ncols + Q_HAR].counts[1] = 23;
	run_audit(&x, &t, base, label, 1);
	assert_int_equal(x.r.determined, 0);
	audit_result_free(&x.r);
	tb_reason(t, R_REG, Q_HAR, GATE_COMPLEMENT);
	free(t->figs[R_REG * t->ncols + Q_HAR].counts);
	t->figs[R_REG * t->ncols + Q_HAR].counts = NULL;
	tb_show(t, R_A, Q_HAR, 6, 0, 0, 6);

	tb_reason(t, R_A, Q_HAR, GATE_BAND);
	free(t->figs[R_A * t->ncols + Q_HAR].counts);
	t->figs[R_A * t->ncols + Q_HAR].counts = NULL;
	tb_reason(t, R_C, Q_HAR, GATE_BAND);
	tb_show(t, R_PN, Q_HAR, 15, 0, 2, 13);
	run_audit(&x, &t, base, label, 1);
	assert_true(width_of(&x.r, "A", "har", "yes") == -1);
	assert_int_not_equal(x.verdict, 0);
	audit_result_free(&x.r);
	t->figs[R_PN * t->ncols + Q_HAR].counts[0] = 1;
	t->figs[R_PN * t->ncols + Q_HAR].counts[1] = 14;
	run_audit(&x, &t, base, label, 1);
	assert_int_equal(x.r.pinned, 0);
	assert_int_equal(x.r.determined, 0);
	assert_true(width_of(&x.r, "A", "har", "yes") == 1);
	assert_int_equal(x.verdict, 0);
	audit_result_free(&x.r);
	tb_free(t);
	agg_free(a);
	audit_form_free(f);
}

/* The gate's own tables of random regions pass the audit. */
static void
test_gate_passes(void **state)
{
	struct form *f = audit_form();
	const struct form *forms[1] = {f};
	struct gate_params p;
	uint32_t rng = 99;
	size_t cells = 0, regions = 0, lps = 0;
	int iter, i, n, u, v[NQ], iters = 30;

	(void)state;
	if (getenv("RANDOM_REGIONS") != NULL)
		iters = atoi(getenv("RANDOM_REGIONS"));
	memset(&p, 0, sizeof(p));
	p.k = 5;
	p.text_k = 8;
	p.now_year = 2026;
	p.now_month = 6;
	p.grace_months = 2;
	p.sensitive_t = 1;
	for (iter = 0; iter < iters; iter++) {
		struct agg *a = agg_new(forms, 1, units, NU, NULL);
		struct gate_table *t[2];
		const struct gate_table *base[2] = {NULL, NULL};
		const char *label[2] = {"2024", "2025"};
		struct run x;
		unsigned y;

		for (y = 2024; y <= 2025; y++)
			for (u = 0; u < NU; u++) {
				rng = rng * 1103515245u + 12345u;
				n = (int)((rng >> 16) % 12);
				for (i = 0; i < n; i++) {
					rng = rng * 1103515245u + 12345u;
					v[Q_WHY] = 1 + (int)((rng >> 16) % 3);
					v[Q_OPEN] = (int)((rng >> 19) % 2);
					v[Q_FOLLOW] = v[Q_OPEN] ?
					    (int)((rng >> 21) % 2) : NS;
					v[Q_HAR] = (rng >> 23) % 4 != 0;
					assert_int_equal(fx_add(a, f,
					    units[u].code, y, v, NULL), 0);
				}
			}
		assert_int_equal(gate_publish(&t[0], a, 2024, &p, NULL), 0);
		assert_int_equal(gate_publish(&t[1], a, 2025, &p, NULL), 0);
		run_audit(&x, t, base, label, 2);
		if (x.verdict != 0) {
			size_t j;

			for (j = 0; j < x.r.nbad; j++)
				print_message("iter %d: %d %s %u %s %s\n", iter,
				    x.r.bad[j].kind, x.r.bad[j].row,
				    x.r.bad[j].year, x.r.bad[j].question,
				    x.r.bad[j].category);
		}
		assert_int_equal(x.verdict, 0);
		cells += x.r.suppressed;
		lps += x.r.lps;
		regions++;
		audit_result_free(&x.r);
		gate_table_free(t[0]);
		gate_table_free(t[1]);
		agg_free(a);
	}
	print_message("audit of the gate: %zu regions, %zu suppressed cells, "
	    "%zu LPs\n", regions, cells, lps);
	assert_true(cells > 20);
	audit_form_free(f);
}

/* Show figure (r, c) of a gate table with its true counts (as a weak
 * gate would): members' cells summed from the agg. */
static void
reveal(struct gate_table *t, size_t r, size_t c)
{
	struct gate_fig *f = &t->figs[r * t->ncols + c];
	const struct agg_question *q = agg_question(t->agg, c);
	size_t mem[NU], n = gate_fig_members(t, r, c, mem), j, k;
	struct agg_cell sum;

	agg_cell_init(&sum, q);
	for (j = 0; j < n; j++)
		agg_cell_add(&sum, agg_cell(t->agg, mem[j], t->year, c), q);
	f->reason = GATE_SHOWN;
	f->answered = sum.answered;
	f->declined = sum.declined;
	f->skipped = sum.skipped;
	f->notshown = sum.notshown;
	free(f->counts);
	f->counts = xcalloc(q->ncat ? q->ncat : 1, sizeof(*f->counts));
	for (k = 0; k < q->ncat; k++)
		f->counts[k] = sum.counts[k];
	agg_cell_free(&sum);
}

/* The certificates (moves between feasible integer points, no LP) against
 * the LP alone: on random regions whose tables have complements shown
 * (a weak gate: cells get pinned), both find the same pinned cells and
 * determined groups, cell by cell; most cells are decided without an
 * LP. */
static void
test_certificates(void **state)
{
	struct form *f = audit_form();
	const struct form *forms[1] = {f};
	struct gate_params p;
	uint32_t rng = 7;
	size_t regions = 0, pinned = 0, certified = 0, suppressed = 0;
	size_t lp_cert = 0, lp_alone = 0;
	int iter, i, n, u, v[NQ], iters = 40;

	(void)state;
	if (getenv("RANDOM_REGIONS") != NULL)
		iters = atoi(getenv("RANDOM_REGIONS"));
	memset(&p, 0, sizeof(p));
	p.k = 3;
	p.text_k = 3;
	p.now_year = 2026;
	p.now_month = 6;
	p.grace_months = 2;
	p.sensitive_t = 1;
	for (iter = 0; iter < iters; iter++) {
		struct agg *a = agg_new(forms, 1, units, NU, NULL);
		struct gate_table *t;
		const struct gate_table *base[1] = {NULL};
		const char *label[1] = {"2024"};
		struct audit_params ap;
		struct audit_result r[2];
		struct err e = { .msg = "" };
		size_t j, k, rr, cc;
		int mode;

		for (u = 0; u < NU; u++) {
			rng = rng * 1103515245u + 12345u;
			n = (int)((rng >> 16) % 9);
			for (i = 0; i < n; i++) {
				rng = rng * 1103515245u + 12345u;
				v[Q_WHY] = 1 + (int)((rng >> 16) % 3);
				v[Q_OPEN] = (int)((rng >> 19) % 2);
				v[Q_FOLLOW] = v[Q_OPEN] ? (int)((rng >> 21) %
				    2) : NS;
				v[Q_HAR] = (rng >> 23) % 3 != 0;
				assert_int_equal(fx_add(a, f, units[u].code,
				    2024, v, NULL), 0);
			}
		}
		assert_int_equal(gate_publish(&t, a, 2024, &p, NULL), 0);
		/* the weak gate: two complements in three shown; then every
		 * shown figure counted again over its members (a pool's
		 * members change when a unit is shown) */
		for (rr = 0; rr < t->nrows; rr++)
			for (cc = 0; cc < t->ncols; cc++) {
				rng = rng * 1103515245u + 12345u;
				if (t->figs[rr * t->ncols + cc].reason ==
				    GATE_COMPLEMENT && (rng >> 20) % 3 != 0)
					t->figs[rr * t->ncols + cc].reason =
					    GATE_SHOWN;
			}
		for (rr = 0; rr < t->nrows; rr++)
			for (cc = 0; cc < t->ncols; cc++)
				if (t->figs[rr * t->ncols + cc].reason ==
				    GATE_SHOWN)
					reveal(t, rr, cc);
		for (mode = 0; mode < 2; mode++) {
			struct audit *au;

			memset(&ap, 0, sizeof(ap));
			ap.no_list = 1;
			ap.no_cache = 1;
			ap.no_certificates = mode;
			au = audit_new(&ap);
			assert_int_equal(audit_add(au, t, label[0], base[0],
			    &e), 0);
			if (audit_run(au, &r[mode], &e) != 0)
				fail_msg("%s", e.msg);
			audit_free(au);
		}
		/* the same findings, one by one */
		assert_int_equal(r[0].pinned, r[1].pinned);
		assert_int_equal(r[0].determined, r[1].determined);
		assert_int_equal(r[0].nbad, r[1].nbad);
		for (j = 0; j < r[0].nbad; j++) {
			for (k = 0; k < r[1].nbad; k++)
				if (r[0].bad[j].kind == r[1].bad[k].kind &&
				    strcmp(r[0].bad[j].row, r[1].bad[k].row) ==
				    0 && (r[0].bad[j].question == NULL ||
				    (strcmp(r[0].bad[j].question,
				    r[1].bad[k].question) == 0 &&
				    strcmp(r[0].bad[j].category,
				    r[1].bad[k].category) == 0)))
					break;
			assert_true(k < r[1].nbad);
		}
		assert_int_equal(r[1].certified, 0);
		pinned += r[0].pinned + r[0].determined;
		certified += r[0].certified;
		suppressed += r[0].suppressed;
		lp_cert += r[0].lps;
		lp_alone += r[1].lps;
		regions++;
		audit_result_free(&r[0]);
		audit_result_free(&r[1]);
		gate_table_free(t);
		agg_free(a);
	}
	print_message("certificates: %zu regions, %zu suppressed cells, %zu "
	    "findings (both ways), %zu decided without an LP; %zu LPs with "
	    "certificates, %zu without\n", regions, suppressed, pinned,
	    certified, lp_cert, lp_alone);
	/* the weak gate gives findings to agree on; moves decide most */
	assert_true(pinned > 5);
	assert_true(certified > suppressed / 2);
	assert_true(lp_cert < lp_alone);
	audit_form_free(f);
}

/* Verdicts kept: the same tables audited again (a view's audit, no
 * list) take every clean verdict from the first, with no LP; a changed
 * published figure is audited again; a finding is never kept. */
static void
test_kept(void **state)
{
	struct form *f = audit_form();
	const struct form *forms[1] = {f};
	struct agg *a = agg_new(forms, 1, units, NU, NULL);
	struct gate_params p;
	struct gate_table *t;
	struct audit_result r[3];
	struct audit_params ap;
	struct err e = { .msg = "" };
	const uint32_t size[NU] = {6, 1, 9, 9};
	struct gate_table *h;
	int i, u, v[NQ], k;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.k = 5;
	p.text_k = 8;
	p.now_year = 2026;
	p.now_month = 6;
	p.grace_months = 2;
	p.sensitive_t = 1;
	for (u = 0; u < NU; u++)
		for (i = 0; i < (u == 1 ? 2 : 7); i++) {
			v[Q_WHY] = 1 + (i + u) % 3;
			v[Q_OPEN] = i % 2;
			v[Q_FOLLOW] = v[Q_OPEN] ? (i / 2) % 2 : NS;
			v[Q_HAR] = (i + u) % 4 != 0;
			assert_int_equal(fx_add(a, f, units[u].code, 2024, v,
			    NULL), 0);
		}
	assert_int_equal(gate_publish(&t, a, 2024, &p, NULL), 0);
	memset(&ap, 0, sizeof(ap));
	ap.no_list = 1;
	for (k = 0; k < 2; k++) {
		struct audit *au = audit_new(&ap);

		assert_int_equal(audit_add(au, t, "2024", NULL, &e), 0);
		assert_int_equal(audit_run(au, &r[k], &e), 0);
		audit_free(au);
	}
	assert_true(r[0].groups > 0);
	assert_int_equal(r[0].groups_kept, 0);
	assert_int_equal(r[1].groups_kept, r[0].groups);
	assert_int_equal(r[1].lps, 0);
	assert_int_equal(r[1].suppressed, r[0].suppressed);
	/* a published figure changes: its group is audited again */
	for (i = 0; i < (int)(t->nrows * t->ncols); i++)
		if (t->figs[i].reason == GATE_SHOWN && t->figs[i].answered > 0)
			break;
	assert_true(i < (int)(t->nrows * t->ncols));
	t->figs[i].notshown++;
	{
		struct audit *au = audit_new(&ap);

		assert_int_equal(audit_add(au, t, "2024", NULL, &e), 0);
		(void)audit_run(au, &r[2], &e);
		audit_free(au);
	}
	assert_true(r[2].groups_kept < r[0].groups);
	t->figs[i].notshown--;
	for (k = 0; k < 3; k++)
		audit_result_free(&r[k]);
	gate_table_free(t);
	/* a finding (test_multi_pool's pinned B) is found every time */
	h = tb_new(a, 2025, size);
	tb_show(h, R_C, Q_WHY, 9, 0, 4, 5);
	tb_reason(h, R_B, Q_WHY, GATE_FEW);
	tb_show(h, R_PN, Q_WHY, 7, 0, 7, 3);
	for (k = 0; k < 2; k++) {
		struct audit *au = audit_new(&ap);

		assert_int_equal(audit_add(au, h, "2025", NULL, &e), 0);
		assert_int_equal(audit_run(au, &r[k], &e), 0);
		assert_int_equal(r[k].pinned, 1);
		audit_free(au);
		audit_result_free(&r[k]);
	}
	tb_free(h);
	agg_free(a);
	audit_form_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multi_pool),
		cmocka_unit_test(test_follow_up),
		cmocka_unit_test(test_late_arrival),
		cmocka_unit_test(test_reorganisation),
		cmocka_unit_test(test_sensitive),
		cmocka_unit_test(test_gate_passes),
		cmocka_unit_test(test_certificates),
		cmocka_unit_test(test_kept),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
