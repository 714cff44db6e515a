/* Unit tests for the report writers: the figures the gate shows are
 * there, hidden ones are not, texts are escaped, the HTML is well formed,
 * the CSV is what Swedish spreadsheets open. */
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
#include "report/gate.h"
#include "report/report.h"
#include "report_fixture.h"

static const struct agg_unit units[] = {
	{"A", "Unit A", "North"},
	{"B", "Unit B", "North"},
	{"C", "Unit C", "North"},
	{"D", "Unit D", "South"},
};

enum { Q_WHY, Q_SAT, Q_REC, Q_TXT, NQ };

struct fx {
	struct form *f;
	struct agg *a;
	struct gate_table *t24, *t23, *t25;
	struct agg_turnover to[4];
	struct agg_staff_hme staff[1];
	struct report_input in;
	const struct gate_table *tabs[3];
};

static void
add(struct agg *a, const struct form *f, const char *unit, unsigned year,
    int n, int seed, const char *text)
{
	int v[NQ], i;
	const char *t[NQ] = {NULL, NULL, NULL, NULL};

	for (i = 0; i < n; i++) {
		v[Q_WHY] = 1 + (i + seed) % 3;
		v[Q_SAT] = 1 + (i * 3 + seed) % 5;
		v[Q_REC] = (i * 7 + seed) % 11;
		v[Q_TXT] = text != NULL ? 0 : SK;
		t[Q_TXT] = text;
		assert_int_equal(fx_add(a, f, unit, year, v, t), 0);
	}
}

static int
setup(void **state)
{
	struct fx *x = xcalloc(1, sizeof(*x));
	const struct form *forms[1];
	struct gate_params p;
	struct form_question *q;

	if (sodium_init() < 0)
		return -1;
	x->f = fx_form("exit", 1);
	q = fx_q(x->f, "why", FORM_MULTI, "lead pay", 0, 0);
	q->theme = xstrdup("reasons");
	fx_q(x->f, "sat", FORM_SCALE, NULL, 1, 5);
	fx_q(x->f, "rec", FORM_NPS, NULL, 0, 10);
	fx_q(x->f, "txt", FORM_TEXT, NULL, 0, 0);
	forms[0] = x->f;
	x->a = agg_new(forms, 1, units, 4, NULL);
	add(x->a, x->f, "A", 2024, 9, 0, "<b>|x & \x1b[2J");
	add(x->a, x->f, "B", 2024, 2, 1, NULL);
	add(x->a, x->f, "C", 2024, 7, 2, NULL);
	add(x->a, x->f, "D", 2024, 8, 3, NULL);
	add(x->a, x->f, "A", 2023, 6, 1, NULL);
	add(x->a, x->f, "D", 2023, 6, 2, NULL);
	add(x->a, x->f, "D", 2025, 3, 2, NULL);
	memset(&p, 0, sizeof(p));
	p.k = 5;
	p.text_k = 8;
	p.now_year = 2025;
	p.now_month = 6;
	p.grace_months = 2;
	assert_int_equal(gate_publish(&x->t24, x->a, 2024, &p, NULL), 0);
	assert_int_equal(gate_publish(&x->t23, x->a, 2023, &p, NULL), 0);
	assert_int_equal(gate_publish(&x->t25, x->a, 2025, &p, NULL), 0);
	x->to[0] = (struct agg_turnover){"A", 2022, 100, 12};
	x->to[1] = (struct agg_turnover){"A", 2023, 100, 11};
	x->to[2] = (struct agg_turnover){"A", 2024, 90, 12};
	x->to[3] = (struct agg_turnover){"B", 2024, 100, 3};
	x->staff[0] = (struct agg_staff_hme){"A", 2024, 78.4, 80, 75, 79};
	x->tabs[0] = x->t23;
	x->tabs[1] = x->t24;
	x->tabs[2] = x->t25;
	x->in.region = "Region Test";
	x->in.year = 2024;
	x->in.cur = x->t24;
	x->in.tabs = x->tabs;
	x->in.ntabs = 3;
	x->in.turnover = x->to;
	x->in.nturnover = 4;
	x->in.staff = x->staff;
	x->in.nstaff = 1;
	x->in.threshold = 0.10;
	x->in.tyears = 3;
	x->in.lang = "sv";
	x->in.rejected = 2;
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *x = *state;

	gate_table_free(x->t23);
	gate_table_free(x->t24);
	gate_table_free(x->t25);
	agg_free(x->a);
	fx_form_free(x->f);
	free(x);
	return 0;
}

/* Render to memory through a temporary file. */
static char *
render(const struct report_input *in, enum report_format fmt)
{
	FILE *f = tmpfile();
	struct err e;
	long n;
	char *s;

	assert_non_null(f);
	assert_int_equal(report_write(f, fmt, in, &e), 0);
	n = ftell(f);
	rewind(f);
	s = xmalloc((size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

static void
test_md(void **state)
{
	struct fx *x = *state;
	char *s = render(&x->in, REPORT_MD);

	if (getenv("DUMP") != NULL)
		fputs(s, stderr);

	assert_non_null(strstr(s, "# Exit interviews 2024: Region Test\n"));
	assert_non_null(strstr(s, "26 interviews in 2024, at 4 units"));
	/* A is flagged (12 %, 11 %, 13 %): 12 leavers, 9 interviews, 75 % */
	assert_non_null(strstr(s, "| Unit A | North | 12 % | 11 % | 13 % | "
	    "12 | 9 | 75 % |"));
	assert_null(strstr(s, "| Unit B | North | "));
	/* B is hidden: only reasons, never a figure */
	assert_non_null(strstr(s, "### Unit B \\(North\\): 2 interviews"));
	assert_non_null(strstr(s, "| Label sat | – | – \\(too few answers\\) |"));
	/* free text escaped, control characters replaced */
	assert_non_null(strstr(s, "\\<b\\>\\|x \\& \xef\xbf\xbd\\[2J"));
	assert_null(strstr(s, "<b>"));
	assert_null(strstr(s, "\x1b"));
	assert_non_null(strstr(s, "## Method and anonymity"));
	assert_non_null(strstr(s, "## Trend"));
	free(s);
}

/* A tiny well-formedness check: every element closed in order, void
 * elements and self-closed SVG shapes aside. */
static void
assert_well_formed(const char *s)
{
	char stack[64][16];
	size_t depth = 0, n;
	const char *p, *end;

	for (p = s; (p = strchr(p, '<')) != NULL; p = end + 1) {
		char name[16];
		int closing = p[1] == '/';

		end = strchr(p, '>');
		assert_non_null(end);
		if (p[1] == '!')
			continue;
		for (n = 0; p[1 + closing + n] != '\0' && n < sizeof(name) - 1
		    && strchr(" />", p[1 + closing + n]) == NULL; n++)
			name[n] = p[1 + closing + n];
		name[n] = '\0';
		if (end[-1] == '/' || strcmp(name, "meta") == 0)
			continue;
		if (closing) {
			assert_true(depth > 0);
			if (strcmp(stack[depth - 1], name) != 0)
				fail_msg("</%s> closes <%s>", name,
				    stack[depth - 1]);
			depth--;
		} else {
			assert_true(depth < 64);
			snprintf(stack[depth++], sizeof(stack[0]), "%s", name);
		}
	}
	assert_int_equal(depth, 0);
}

static void
test_html(void **state)
{
	struct fx *x = *state;
	char *s = render(&x->in, REPORT_HTML);

	assert_well_formed(s);
	assert_true(strncmp(s, "<!DOCTYPE html>", 15) == 0);
	assert_non_null(strstr(s, "<style>"));
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "src=\""));	/* self-contained */
	assert_non_null(strstr(s, "<svg "));
	assert_non_null(strstr(s, "<desc>"));
	assert_non_null(strstr(s, "&lt;b&gt;|x &amp; \xef\xbf\xbd[2J"));
	assert_null(strstr(s, "<b>"));
	assert_non_null(strstr(s, "<th scope=\"row\">Unit A</th><td>North"));
	free(s);
}

static void
test_csv(void **state)
{
	struct fx *x = *state;
	char *s = render(&x->in, REPORT_CSV);
	const struct gate_fig *g;
	char want[128], mean[32];

	assert_true(strncmp(s, "\xef\xbb\xbfyear;level;area;unit;question;"
	    "versions;category;measure;value;status\r\n", 64) == 0);
	assert_non_null(strstr(s, "2024;unit;North;B;sat;1;;answered;;"
	    "too few answers\r\n"));
	assert_null(strstr(s, "2024;unit;North;B;sat;1;;mean"));
	assert_non_null(strstr(s, "2024;unit;North;A;;;;turnover;0,1333;"
	    "\r\n"));
	assert_non_null(strstr(s, "2024;unit;North;A;;;;coverage;0,7500;"
	    "\r\n"));
	assert_non_null(strstr(s, "2024;unit;North;A;;;;turnover_flag;1;"));
	assert_non_null(strstr(s, "2024;unit;North;A;;;;staff_hme;78,4;"));
	g = gate_fig(x->t24, gate_row_region(x->t24), Q_SAT);
	assert_int_equal(g->reason, GATE_SHOWN);
	report_num(mean, sizeof(mean), g->st.mean, 2, 1);
	snprintf(want, sizeof(want), "2024;region;;;sat;1;;mean;%s;\r\n",
	    mean);
	assert_non_null(strstr(s, want));
	assert_non_null(strchr(mean, ','));
	assert_null(strstr(s, "|x"));		/* no free text in the CSV */
	free(s);
}

static void
test_open_year(void **state)
{
	struct fx *x = *state;
	struct report_input in = x->in;
	char *s;

	in.year = 2025;
	in.cur = x->t25;
	s = render(&in, REPORT_MD);
	assert_non_null(strstr(s, "2025 is not closed yet"));
	assert_null(strstr(s, "Reasons for leaving"));
	assert_null(strstr(s, "mean"));
	free(s);
	s = render(&in, REPORT_CSV);
	assert_non_null(strstr(s, "2025;unit;South;D;;;;interviews;3;"));
	assert_null(strstr(s, ";sat;"));
	free(s);
}

static void
test_num(void **state)
{
	char b[32];
	enum report_format f;

	(void)state;
	report_num(b, sizeof(b), 3.14159, 2, 1);
	assert_string_equal(b, "3,14");
	report_num(b, sizeof(b), -0.04, 1, 0);
	assert_string_equal(b, "0.0");
	report_num(b, sizeof(b), -12.5, 0, 1);
	assert_string_equal(b, "-12");
	assert_int_equal(report_format_parse("html", &f), 0);
	assert_int_equal(f, REPORT_HTML);
	assert_int_equal(report_format_parse("pdf", &f), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_md),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_open_year),
		cmocka_unit_test(test_num),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
