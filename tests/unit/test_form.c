/* Unit tests for src/form: loading every question type, each kind of
 * load error with its exact position, hostile input, show_if, hashing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form/form.h"
#include "util/xmem.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif

/* The valid form every test starts from: every type, two languages. */
static const char good_yaml[] =
"id: test-form\n"
"version: 2\n"
"languages: [sv, en]\n"
"title: {sv: Testformulär, en: Test form}\n"
"intro:\n"
"  sv: |\n"
"    Första raden.\n"
"    Andra raden.\n"
"  en: |\n"
"    First line.\n"
"    Second line.\n"
"sections:\n"
"  - id: reasons\n"
"    title: {sv: Skäl, en: Reasons}\n"
"    questions:\n"
"      - id: reason\n"
"        type: single\n"
"        label: {sv: Främsta skälet?, en: Main reason?}\n"
"        help: {sv: \"Ett svar.\", en: \"One answer.\"}\n"
"        required: true\n"
"        theme: leadership\n"
"        choices:\n"
"          - id: leadership\n"
"            label: {sv: Ledarskap, en: Leadership}\n"
"          - id: pay\n"
"            label: {sv: Lön, en: Pay}\n"
"        other: true\n"
"      - id: factors\n"
"        type: multi\n"
"        label: {sv: Andra skäl?, en: Other reasons?}\n"
"        required: soft\n"
"        show_if: \"reason == leadership or reason == other\"\n"
"        choices:\n"
"          - id: workload\n"
"            label: {sv: Arbetsbelastning, en: Workload}\n"
"          - id: schedule\n"
"            label: {sv: Schema, en: Schedule}\n"
"          - id: pay\n"
"            label: {sv: Lön, en: Pay}\n"
"        max: 2\n"
"  - id: ratings\n"
"    title: {sv: Betyg, en: Ratings}\n"
"    show_if: \"not (reason == pay)\"\n"
"    questions:\n"
"      - id: manager\n"
"        type: scale\n"
"        label: {sv: Närmaste chef?, en: Nearest manager?}\n"
"        min_label: {sv: Dåligt, en: Poor}\n"
"        max_label: {sv: Bra, en: Good}\n"
"      - id: enps\n"
"        type: nps\n"
"        label: {sv: Rekommendera?, en: Recommend?}\n"
"        min_label: {sv: Inte alls, en: Not at all}\n"
"        max_label: {sv: Absolut, en: Certainly}\n"
"      - id: offered\n"
"        type: yesno\n"
"        label: {sv: Avslutningssamtal?, en: Exit conversation?}\n"
"      - id: years\n"
"        type: number\n"
"        label: {sv: År anställd?, en: Years employed?}\n"
"        min: 0\n"
"        max: 50\n"
"        report: region\n"
"        show_if: \"manager >= 3 and offered == yes\"\n"
"      - id: change\n"
"        type: text\n"
"        label: {sv: Vad borde ändras?, en: What should change?}\n"
"        max_length: 500\n"
"        report: region\n"
"        show_if: \"enps in [0, 1, 2, 3, 4, 5, 6] or factors == workload\"\n";

static struct form *
load(const char *yaml, struct form_diags *d)
{
	memset(d, 0, sizeof *d);
	return form_load_buf("t.yaml", yaml, strlen(yaml), d);
}

static void
test_load_good(void **state)
{
	struct form_diags d;
	struct form *f;
	const struct form_question *q;

	(void)state;
	f = load(good_yaml, &d);
	if (f == NULL)
		fail_msg("%s", d.n ? d.msg[0] : "no message");
	assert_int_equal(d.n, 0);
	assert_string_equal(f->id, "test-form");
	assert_int_equal(f->version, 2);
	assert_int_equal(f->nlangs, 2);
	assert_string_equal(f->langs[0], "sv");
	assert_string_equal(f->langs[1], "en");
	assert_string_equal(f->title.s[0], "Testformulär");
	assert_string_equal(f->intro.s[1], "First line.\nSecond line.\n");
	assert_int_equal(f->nsections, 2);
	assert_int_equal(f->sections[0].first, 0);
	assert_int_equal(f->sections[0].count, 2);
	assert_int_equal(f->sections[1].first, 2);
	assert_int_equal(f->sections[1].count, 5);
	assert_non_null(f->sections[1].show_if);
	assert_int_equal(f->nquestions, 7);

	q = &f->questions[0];
	assert_string_equal(q->id, "reason");
	assert_int_equal(q->type, FORM_SINGLE);
	assert_int_equal(q->required, FORM_REQUIRED);
	assert_string_equal(q->theme, "leadership");
	assert_int_equal(q->nchoices, 2);
	assert_string_equal(q->choices[1].id, "pay");
	assert_string_equal(q->choices[1].label.s[0], "Lön");
	assert_true(q->other);
	assert_string_equal(q->help.s[1], "One answer.");
	assert_null(q->show_if);
	assert_int_equal(q->line, 16);
	assert_int_equal(q->section, 0);

	q = &f->questions[1];
	assert_int_equal(q->type, FORM_MULTI);
	assert_int_equal(q->required, FORM_SOFT);
	assert_int_equal(q->max_choices, 2);
	assert_false(q->other);
	assert_null(q->help.s[0]);
	assert_non_null(q->show_if);

	q = &f->questions[2];
	assert_int_equal(q->type, FORM_SCALE);
	assert_int_equal(q->min, 1);
	assert_int_equal(q->max, 5);
	assert_string_equal(q->max_label.s[1], "Good");
	assert_int_equal(q->required, FORM_OPTIONAL);
	assert_int_equal(q->report, FORM_SCOPE_UNIT);
	assert_int_equal(q->section, 1);

	q = &f->questions[3];
	assert_int_equal(q->type, FORM_NPS);
	assert_int_equal(q->min, 0);
	assert_int_equal(q->max, 10);
	assert_int_equal(f->questions[4].type, FORM_YESNO);
	q = &f->questions[5];
	assert_int_equal(q->type, FORM_NUMBER);
	assert_int_equal(q->min, 0);
	assert_int_equal(q->max, 50);
	assert_int_equal(q->report, FORM_SCOPE_REGION);
	q = &f->questions[6];
	assert_int_equal(q->type, FORM_TEXT);
	assert_int_equal(q->max_length, 500);

	assert_int_equal(form_find(f, "enps"), 3);
	assert_int_equal(form_find(f, "nope"), -1);
	assert_int_equal(form_lang_index(f, "en"), 1);
	assert_int_equal(form_lang_index(f, "de"), -1);
	assert_string_equal(form_text_get(&f->questions[0].label, 1),
	    "Main reason?");
	assert_string_equal(form_text_get(&f->questions[0].label, -1),
	    "Främsta skälet?");
	assert_string_equal(form_text_get(&f->questions[0].label, 7),
	    "Främsta skälet?");
	form_free(f);
}

/* Replace the first occurrence of from in good_yaml with to. */
static char *
edit(const char *from, const char *to)
{
	const char *p = strstr(good_yaml, from);
	char *out;

	if (p == NULL)
		fail_msg("edit: '%s' not in the good form", from);
	out = xasprintf("%.*s%s%s", (int)(p - good_yaml), good_yaml, to,
	    p + strlen(from));
	return out;
}

/* Load yaml and assert the exact list of messages. */
static void
vexpect(const char *yaml, va_list ap)
{
	struct form_diags d;
	struct form *f;
	const char *m;
	size_t i = 0;

	f = load(yaml, &d);
	if (f != NULL) {
		form_free(f);
		fail_msg("loaded a broken form");
	}
	while ((m = va_arg(ap, const char *)) != NULL) {
		if (i >= d.n)
			fail_msg("expected '%s', got no more messages", m);
		if (strcmp(d.msg[i], m) != 0) {
			print_error("expected: %s\n     got: %s\n", m,
			    d.msg[i]);
			fail();
		}
		i++;
	}
	if (i != d.n) {
		print_error("unexpected extra message: %s\n", d.msg[i]);
		fail();
	}
	form_diags_free(&d);
}

/* expect_diags(yaml, msg..., NULL) */
static void
expect_diags(const char *yaml, ...)
{
	va_list ap;

	va_start(ap, yaml);
	vexpect(yaml, ap);
	va_end(ap);
}

/* One edit of the good form; the exact messages, NULL-terminated. */
static void
expect_edit(const char *from, const char *to, ...)
{
	char *y = edit(from, to);
	va_list ap;

	va_start(ap, to);
	vexpect(y, ap);
	va_end(ap);
	free(y);
}

static void
test_err_unknown_key(void **state)
{
	(void)state;
	expect_edit("version: 2\n", "version: 2\ncolour: red\n",
	    "t.yaml:3:1: unknown key 'colour' in the form: expected id, "
	    "version, languages, title, intro, sections", NULL);
	expect_edit("        theme: leadership\n",
	    "        theme: leadership\n        colour: red\n",
	    "t.yaml:22:9: unknown key 'colour' in a question: expected id, "
	    "type, label, help, required, show_if, theme, report, choices, "
	    "other, max, min, min_label, max_label, max_length", NULL);
	expect_edit("          - id: pay\n            label: {sv: Lön, en: Pay}"
	    "\n        other",
	    "          - id: pay\n            lable: {sv: Lön, en: Pay}"
	    "\n        other",
	    "t.yaml:25:13: missing key 'label' in a choice",
	    "t.yaml:26:13: unknown key 'lable' in a choice: expected id, label",
	    NULL);
}

static void
test_err_wrong_type(void **state)
{
	(void)state;
	expect_edit("version: 2", "version: two",
	    "t.yaml:2:10: version: expected an integer from 1 to 2147483647, "
	    "found 'two'", NULL);
	expect_edit("version: 2", "version: \"2\"",
	    "t.yaml:2:10: version: expected an integer from 1 to 2147483647, "
	    "found '2' (quoted, so a string)", NULL);
	expect_edit("title: {sv: Testformulär, en: Test form}",
	    "title: Test form",
	    "t.yaml:4:8: title: expected a mapping of language to text "
	    "(such as {sv: ...}), found 'Test form'", NULL);
	expect_edit("        required: true", "        required: yes",
	    "t.yaml:20:19: required: expected true, soft or false, found "
	    "'yes'", NULL);
	expect_edit("        type: single", "        type: choice",
	    "t.yaml:17:15: type: expected single, multi, scale, nps, yesno, "
	    "number or text, found 'choice'", NULL);
	expect_edit("        other: true", "        other: 1",
	    "t.yaml:27:16: other: expected true or false, found '1'",
	    "t.yaml:32:53: show_if: 'reason' has no choice 'other' (it does "
	    "not set other: true)", NULL);
}

static void
test_hostile_basic(void **state)
{
	(void)state;
	expect_diags("\xef\xbb\xbfid: x\n",
	    "t.yaml:1:1: byte order mark (BOM) at the start: save the file "
	    "as UTF-8 without BOM", NULL);
	expect_diags("a: &x [1, 2]\nb: *x\n",
	    "t.yaml:1:4: anchor '&x': anchors and aliases are not allowed "
	    "in a form", NULL);
	expect_diags("id: x\n\tversion: 1\n",
	    "t.yaml:2:1: YAML syntax error: found a tab character that "
	    "violates indentation (while scanning a plain scalar): tabs are "
	    "not allowed for indentation, use spaces", NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_good),
		cmocka_unit_test(test_err_unknown_key),
		cmocka_unit_test(test_err_wrong_type),
		cmocka_unit_test(test_hostile_basic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
