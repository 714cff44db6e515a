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
	struct hme_row staff[1];
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
	q = fx_q(x->f, "sat", FORM_SCALE, NULL, 1, 5);
	q->theme = xstrdup("leadership");
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
	x->staff[0] = (struct hme_row){"A", 2024, 78.4, 80, 75, 79};
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
	assert_non_null(strstr(s, "- 26 exit interviews were held in 2024, "
	    "at 4 units.\n"));
	/* the summary's sentences, from the gated figures */
	assert_non_null(strstr(s, "- 1 unit had a turnover of 10 % or more "
	    "in each of the 3 years up to 2024: Unit A (12 %, 11 % and "
	    "13 %).\n"));
	assert_non_null(strstr(s, "- At Unit A: Choice lead and Choice pay "
	    "(67 % each).\n"));
	/* a tie in a table is named as one, never as a winner */
	assert_non_null(strstr(s, "| Label why | 9 | tied: Choice lead and "
	    "Choice pay, 67 % each |"));
	/* plain text: no needless backslashes */
	assert_non_null(strstr(s, "| Label rec | -58 | -46 |"));
	assert_non_null(strstr(s, "eNPS -46, mean 4,8"));
	assert_null(strstr(s, "\\-"));
	assert_null(strstr(s, "\\."));
	assert_null(strstr(s, "\\("));
	/* A is flagged (12 %, 11 %, 13 %): 12 leavers, 9 interviews, 75 % */
	assert_non_null(strstr(s, "| Unit A (North) | 12 % | 11 % | 13 % | "
	    "12 | 9 | 75 % | 2022: 12 %, 2023: 11 %, 2024: 13 % |"));
	assert_null(strstr(s, "| Unit B (North) | "));
	/* B is hidden: one line why and where its answers count, no
	 * section of dashes */
	assert_null(strstr(s, "### Unit B"));
	assert_null(strstr(s, "| – |"));
	assert_non_null(strstr(s, "- Unit B (2 interviews): too few answers "
	    "for figures of its own; its answers are counted in \"Other "
	    "units in North\" and in the region.\n"));
	/* free text escaped, control characters replaced */
	assert_non_null(strstr(s, "\\<b>\\|x & \xef\xbf\xbd\\[2J"));
	for (const char *p = s; (p = strstr(p, "<b>")) != NULL; p++)
		assert_true(p > s && p[-1] == '\\');
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
	assert_non_null(strstr(s, "<th scope=\"row\">Unit A (North)</th>"
	    "<td>12 %</td>"));
	/* the sparkline: an SVG with its figures as its title */
	assert_non_null(strstr(s, "<title>2022: 12 %, 2023: 11 %, 2024: "
	    "13 %</title><polyline class=\"spark\""));
	/* the heat map: every cell's figure as a title and as text */
	assert_non_null(strstr(s, "<title>Unit A, Leadership: "));
	assert_non_null(strstr(s, "A4"));
	free(s);
}

static void
test_csv(void **state)
{
	struct fx *x = *state;
	struct report_input en = x->in;
	char *s;
	const struct gate_fig *g;
	char want[128], mean[32];

	/* Swedish names under sv */
	s = render(&x->in, REPORT_CSV);
	assert_true(strncmp(s, "\xef\xbb\xbf\xc3\xa5r;niv\xc3\xa5;"
	    "omr\xc3\xa5" "de;enhet;fr\xc3\xa5ga;versioner;kategori;"
	    "m\xc3\xa5tt;v\xc3\xa4rde;status\r\n", 70) == 0);
	assert_non_null(strstr(s, "2024;enhet;North;A;;;;"
	    "personalomsättning;0,1333;\r\n"));
	free(s);
	en.lang = "en";
	s = render(&en, REPORT_CSV);
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
	in.lang = "en";
	s = render(&in, REPORT_CSV);
	assert_non_null(strstr(s, "2025;unit;South;D;;;;interviews;3;"));
	assert_null(strstr(s, ";sat;"));
	free(s);
}

/* Cells a spreadsheet would run as formulas start with an apostrophe:
 * one area per OWASP trigger (= + - @ tab CR); numbers stay numbers. */
static void
test_csv_formula(void **state)
{
	static const struct agg_unit u6[] = {
		{"U1", "Unit 1", "=HYPERLINK(\"http://x\")"},
		{"U2", "Unit 2", "+SUM(A1)"},
		{"U3", "Unit 3", "-2+3"},
		{"U4", "Unit 4", "@SUM(A1)"},
		{"U5", "Unit 5", "\tcmd"},
		{"U6", "Unit 6", "\rcmd"},
	};
	static const char *const want[] = {
		";\"'=HYPERLINK(\"\"http://x\"\")\";U1;",
		";\"'+SUM(A1)\";U2;",
		";\"'-2+3\";U3;",
		";\"'@SUM(A1)\";U4;",
		";\"'\tcmd\";U5;",
		";\"'\rcmd\";U6;",
	};
	const struct form *forms[1];
	struct gate_table *t;
	struct report_input in;
	struct gate_params p;
	struct form *f;
	struct agg *a;
	int v[1];
	size_t i;
	char *s;

	(void)state;
	f = fx_form("exit", 1);
	fx_q(f, "rec", FORM_NPS, NULL, 0, 10);
	forms[0] = f;
	a = agg_new(forms, 1, u6, 6, NULL);
	for (i = 0; i < 6 * 6; i++) {
		v[0] = (int)(i % 3);	/* eNPS -100: a negative number */
		assert_int_equal(fx_add(a, f, u6[i % 6].code, 2024, v, NULL),
		    0);
	}
	memset(&p, 0, sizeof(p));
	p.k = 5;
	p.text_k = 8;
	p.now_year = 2025;
	p.now_month = 6;
	p.grace_months = 2;
	assert_int_equal(gate_publish(&t, a, 2024, &p, NULL), 0);
	memset(&in, 0, sizeof(in));
	in.year = 2024;
	in.cur = t;
	in.tabs = (const struct gate_table *const *)&t;
	in.ntabs = 1;
	in.lang = "en";
	s = render(&in, REPORT_CSV);
	for (i = 0; i < 6; i++)
		if (strstr(s, want[i]) == NULL)
			fail_msg("no %s in\n%s", want[i], s);
	/* every line starts with the year; no field starts with = + @ */
	assert_null(strstr(s, ";="));
	assert_null(strstr(s, ";+"));
	assert_null(strstr(s, ";@"));
	assert_non_null(strstr(s, ";enps;-100,0;"));	/* a number */
	free(s);
	/* the codebook: question id, type, text; then each category */
	s = render(&in, REPORT_CODEBOOK);
	assert_true(strncmp(s, "\xef\xbb\xbfquestion;type;theme;reported;"
	    "text;category;category_text\r\n", 60) == 0);
	assert_non_null(strstr(s, "rec;nps;;unit;Label rec;;\r\n"));
	assert_non_null(strstr(s, "rec;;;;;10;10\r\n"));
	free(s);
	gate_table_free(t);
	agg_free(a);
	fx_form_free(f);
}

/* Known figures: five leavers at one unit with five different main
 * reasons (a tie, never a winner), and two units whose leavers' HME is
 * 25 and 75 against the staff survey's 70 and 80. */
static void
test_findings(void **state)
{
	static const struct agg_unit u2[] = {
		{"A", "Unit A", "North"},
		{"B", "Unit B", "North"},
	};
	struct hme_row staff[2] = {
		{"A", 2024, 70, 70, 70, 70}, {"B", 2024, 80, 80, 80, 80},
	};
	struct agg_turnover to[6] = {
		{"A", 2022, 50, 6}, {"A", 2023, 50, 6}, {"A", 2024, 50, 10},
		{"B", 2022, 50, 2}, {"B", 2023, 50, 6}, {"B", 2024, 50, 5},
	};
	const struct form *forms[1];
	const struct gate_table *tabs[2];
	struct gate_table *t23, *t24;
	struct report_input in;
	struct gate_params p;
	struct form *f;
	struct agg *a;
	char **s, id[8];
	int v[10], i, j;
	size_t n;

	(void)state;
	f = fx_form("exit", 1);
	fx_q(f, "main", FORM_MULTI, "lead pay hours load move", 0, 0)->theme =
	    xstrdup("reasons");
	for (i = 1; i <= 9; i++) {
		snprintf(id, sizeof(id), "hme_%d", i);
		fx_q(f, id, FORM_SCALE, NULL, 1, 5);
	}
	forms[0] = f;
	a = agg_new(forms, 1, u2, 2, "reasons");
	for (i = 0; i < 5; i++) {	/* A: five different reasons, HME 25 */
		v[0] = 1 << i;
		for (j = 1; j <= 9; j++)
			v[j] = 2;
		assert_int_equal(fx_add(a, f, "A", 2024, v, NULL), 0);
		v[0] = 2;		/* B: pay every time, HME 75 */
		for (j = 1; j <= 9; j++)
			v[j] = 4;
		assert_int_equal(fx_add(a, f, "B", 2024, v, NULL), 0);
		assert_int_equal(fx_add(a, f, "B", 2023, v, NULL), 0);
	}
	memset(&p, 0, sizeof(p));
	p.k = 5;
	p.text_k = 8;
	p.now_year = 2025;
	p.now_month = 6;
	p.grace_months = 2;
	assert_int_equal(gate_publish(&t23, a, 2023, &p, NULL), 0);
	assert_int_equal(gate_publish(&t24, a, 2024, &p, NULL), 0);
	tabs[0] = t23;
	tabs[1] = t24;
	memset(&in, 0, sizeof(in));
	in.region = "Region Test";
	in.year = 2024;
	in.cur = t24;
	in.tabs = tabs;
	in.ntabs = 2;
	in.turnover = to;
	in.nturnover = 6;
	in.staff = staff;
	in.nstaff = 2;
	in.threshold = 0.10;
	in.tyears = 3;
	in.lang = "sv";
	n = report_findings(&in, &s);
	if (getenv("DUMP") != NULL)
		for (size_t k = 0; k < n; k++)
			fprintf(stderr, "%s\n", s[k]);
	assert_true(n >= 6);
	assert_string_equal(s[0], "10 exit interviews were held in 2024, "
	    "at 2 units.");
	assert_string_equal(s[1], "At the units with turnover figures, 10 "
	    "of the 15 who left were interviewed (coverage 67 %).");
	/* A: 12 %, 12 %, 20 %; B: 4 % in 2022 */
	assert_string_equal(s[2], "1 unit had a turnover of 10 % or more in "
	    "each of the 3 years up to 2024: Unit A (12 %, 12 % and 20 %).");
	/* region: pay 6 of 10; the other four tie at 1 each (10 %): a long
	 * tie below the top is left out whole, none of it named first */
	assert_string_equal(s[3], "The reasons for leaving named most often "
	    "in the region: Choice pay (60 %).");
	/* the flagged unit: five reasons, five leavers: a tie of five */
	assert_string_equal(s[4], "At Unit A: Choice lead, Choice pay, Choice "
	    "hours, Choice load and Choice move (20 % each).");
	assert_string_equal(s[5], "Of the 2 units with both, the leavers' HME "
	    "differs most from the staff survey's at Unit A: 25 against 70, "
	    "lower among those who left.");
	assert_string_equal(s[6], "Compared with 2023: 10 interviews against "
	    "5.");
	assert_string_equal(s[7], "The largest change in the region: \"Label "
	    "hme_1\", from 4,0 to 3,0 (scale 1-5).");
	assert_string_equal(s[8], "Flagged this year, not the year before: "
	    "Unit A.");
	report_strings_free(s, n);
	/* the same tie in a unit's table line */
	{
		const struct gate_fig *g = gate_fig(t24, gate_row_unit(t24, 0),
		    0);
		char *top = report_top(agg_question(a, 0), g, "sv", 1);

		assert_string_equal(top, "5 answers tied at 20 % each");
		free(top);
	}
	gate_table_free(t23);
	gate_table_free(t24);
	agg_free(a);
	fx_form_free(f);
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
		cmocka_unit_test(test_findings),
		cmocka_unit_test(test_csv_formula),
		cmocka_unit_test(test_num),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
