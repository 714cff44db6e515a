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

#include <sodium.h>

#include "form/form.h"
#include "util/xmem.h"

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
	    "other, max, min, min_label, max_label, max_length, short, "
	    "sensitive", NULL);
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

/* A minimal valid form; tests append questions from line 24 on. */
static const char mini_yaml[] =
"id: t\n"
"version: 1\n"
"languages: [sv, en]\n"
"title: {sv: T, en: T}\n"
"intro: {sv: I, en: I}\n"
"sections:\n"
"  - id: s\n"
"    title: {sv: S, en: S}\n"
"    questions:\n"
"      - id: q1\n"
"        type: single\n"
"        label: {sv: Q, en: Q}\n"
"        choices:\n"
"          - id: a\n"
"            label: {sv: A, en: A}\n"
"          - id: b\n"
"            label: {sv: B, en: B}\n"
"        other: true\n"
"      - id: q2\n"
"        type: scale\n"
"        label: {sv: Q, en: Q}\n"
"        min_label: {sv: L, en: L}\n"
"        max_label: {sv: H, en: H}\n";

/* mini_yaml + extra must fail with exactly the messages given. */
static void
expect_mini(const char *extra, ...)
{
	char *y = xasprintf("%s%s", mini_yaml, extra);
	va_list ap;

	va_start(ap, extra);
	vexpect(y, ap);
	va_end(ap);
	free(y);
}

#define YESNO(id) "      - id: " id "\n        type: yesno\n" \
	"        label: {sv: Q, en: Q}\n"

static void
test_mini_loads(void **state)
{
	struct form_diags d;
	struct form *f;

	(void)state;
	f = load(mini_yaml, &d);
	assert_non_null(f);
	assert_int_equal(f->nquestions, 2);
	form_free(f);
}

static void
test_err_unknown_key_section(void **state)
{
	(void)state;
	expect_mini("  - id: s2\n    titel: {sv: S, en: S}\n    questions:\n"
	    YESNO("q3"),
	    "t.yaml:24:5: missing key 'title' in section 's2'",
	    "t.yaml:25:5: unknown key 'titel' in a section: expected id, "
	    "title, show_if, questions, mode", NULL);
}

static void
test_err_duplicates(void **state)
{
	(void)state;
	expect_mini(YESNO("q1"),
	    "t.yaml:24:13: duplicate question id 'q1' (first at line 10)",
	    NULL);
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: Q, en: Q}\n        type: text\n",
	    "t.yaml:27:9: duplicate key 'type' in a question (first at line "
	    "25)", NULL);
	expect_mini("      - id: q3\n        type: multi\n"
	    "        label: {sv: Q, en: Q}\n        choices:\n"
	    "          - {id: x, label: {sv: X, en: X}}\n"
	    "          - {id: x, label: {sv: X, en: X}}\n",
	    "t.yaml:29:18: duplicate choice id 'x' in question 'q3' (first "
	    "at line 28)", NULL);
	expect_mini("  - id: s\n    title: {sv: S, en: S}\n    questions:\n"
	    YESNO("q3"),
	    "t.yaml:24:9: duplicate section id 's'", NULL);
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: Q, en: Q, sv: R}\n",
	    "t.yaml:26:31: label: duplicate language 'sv'", NULL);
	expect_diags("id: t\nversion: 1\nlanguages: [sv, en, sv]\n",
	    "t.yaml:1:1: missing key 'title' in the form",
	    "t.yaml:1:1: missing key 'intro' in the form",
	    "t.yaml:1:1: missing key 'sections' in the form",
	    "t.yaml:3:21: languages: duplicate language 'sv'", NULL);
}

static void
test_err_languages(void **state)
{
	(void)state;
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: Q}\n",
	    "t.yaml:26:16: label: missing text for language 'en'", NULL);
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: Q, en: Q, de: Q}\n",
	    "t.yaml:26:31: label: language 'de' is not declared in "
	    "languages", NULL);
	/* A misspelt language is both undeclared and a missing one. */
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: Q, eb: Q}\n",
	    "t.yaml:26:16: label: missing text for language 'en'",
	    "t.yaml:26:24: label: language 'eb' is not declared in "
	    "languages", NULL);
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: Q, en: }\n",
	    "t.yaml:26:28: label: expected the 'en' text as a string, found "
	    "nothing", NULL);
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: Q, en: \"\"}\n",
	    "t.yaml:26:28: label: the 'en' text is empty", NULL);
	expect_diags("id: t\nversion: 1\nlanguages: [sv, EN]\n"
	    "title: {sv: T}\nintro: {sv: I}\nsections: []\n",
	    "t.yaml:3:17: languages: expected a language code of 2 or 3 "
	    "letters a-z, found 'EN'",
	    "t.yaml:6:11: sections: expected a list of sections, found an "
	    "empty list", NULL);
}

static void
test_err_show_if(void **state)
{
	(void)state;
	/* Later questions, and the question itself. */
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: Q, en: Q}\n        show_if: q4 == yes\n"
	    YESNO("q4"),
	    "t.yaml:27:18: show_if: 'q4' is not an earlier question: "
	    "show_if may only refer to questions before it", NULL);
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: Q, en: Q}\n        show_if: q3 == yes\n",
	    "t.yaml:27:18: show_if: 'q3' is not an earlier question: "
	    "show_if may only refer to questions before it", NULL);
	/* A section's show_if may not look into the section. */
	expect_mini("  - id: s2\n    title: {sv: S, en: S}\n"
	    "    show_if: \"q3 == yes\"\n    questions:\n" YESNO("q3"),
	    "t.yaml:26:15: show_if: 'q3' is not an earlier question: "
	    "show_if may only refer to questions before it", NULL);
	/* Unknown question, pointed at inside the quoted scalar. */
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: Q, en: Q}\n"
	    "        show_if: \"q1 == a and qx == 1\"\n",
	    "t.yaml:27:31: show_if: unknown question 'qx'", NULL);
	/* Values the question cannot take. */
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: Q, en: Q}\n        show_if: \"q1 == c\"\n",
	    "t.yaml:27:25: show_if: 'q1' has no choice 'c'", NULL);
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: Q, en: Q}\n        show_if: \"q2 >= 6\"\n",
	    "t.yaml:27:25: show_if: '6' is outside the range 1..5 of 'q2'",
	    NULL);
	expect_mini(YESNO("q3") "      - id: q4\n        type: yesno\n"
	    "        label: {sv: Q, en: Q}\n        show_if: \"q3 == true\"\n",
	    "t.yaml:30:25: show_if: 'q3' is a yesno question: expected yes "
	    "or no, found 'true'", NULL);
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: Q, en: Q}\n        show_if: \"q1 < a\"\n",
	    "t.yaml:27:22: show_if: '<' needs a scale, nps or number "
	    "question; 'q1' is single", NULL);
	expect_mini("      - id: q3\n        type: text\n"
	    "        label: {sv: Q, en: Q}\n      - id: q4\n"
	    "        type: yesno\n        label: {sv: Q, en: Q}\n"
	    "        show_if: \"q3 == a\"\n",
	    "t.yaml:30:19: show_if: 'q3' is a text question and cannot be "
	    "compared", NULL);
	/* Syntax errors, in quoted and plain scalars. */
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: Q, en: Q}\n"
	    "        show_if: \"(q1 == a or q2 > 2\"\n",
	    "t.yaml:27:37: show_if: expected ')' to match the '(' 18 "
	    "characters earlier, found the end", NULL);
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: Q, en: Q}\n        show_if: q1 in [a b]\n",
	    "t.yaml:27:27: show_if: expected ',' or ']', found 'b'", NULL);
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: Q, en: Q}\n        show_if: q1 = a\n",
	    "t.yaml:27:21: show_if: expected '==', found '='", NULL);
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: Q, en: Q}\n        show_if: [q1]\n",
	    "t.yaml:27:18: show_if: expected an expression such as \"q == "
	    "choice\", found a list", NULL);
}

static void
test_err_choices(void **state)
{
	(void)state;
	expect_mini("      - id: q3\n        type: single\n"
	    "        label: {sv: Q, en: Q}\n        choices: []\n",
	    "t.yaml:27:18: choices: expected a list of 1 to 64 choices, "
	    "found an empty list", NULL);
	{
		char *y = xstrdup("      - id: q3\n        type: multi\n"
		    "        label: {sv: Q, en: Q}\n        choices:\n"), *t;

		for (int i = 0; i < 65; i++) {
			t = xasprintf("%s          - {id: c%d, label: {sv: C, "
			    "en: C}}\n", y, i);
			free(y);
			y = t;
		}
		expect_mini(y, "t.yaml:28:11: choices: expected a list of 1 "
		    "to 64 choices, found 65", NULL);
		free(y);
	}
	expect_mini(YESNO("q3") "        choices: []\n",
	    "t.yaml:27:9: key 'choices' does not apply to yesno questions",
	    NULL);
	expect_mini("      - id: q3\n        type: single\n"
	    "        label: {sv: Q, en: Q}\n",
	    "t.yaml:24:9: missing key 'choices' in question 'q3' (single "
	    "questions need it)", NULL);
	expect_mini("      - id: q3\n        type: multi\n"
	    "        label: {sv: Q, en: Q}\n        choices:\n"
	    "          - {id: x, label: {sv: X, en: X}}\n        max: 2\n",
	    "t.yaml:29:14: max: 2 is more than the number of choices (1)",
	    NULL);
	expect_mini("      - id: q3\n        type: single\n"
	    "        label: {sv: Q, en: Q}\n        choices:\n"
	    "          - {id: other, label: {sv: X, en: X}}\n",
	    "t.yaml:28:18: id: 'other' is reserved for the choice that "
	    "other: true adds", NULL);
	expect_mini("      - id: and\n        type: yesno\n"
	    "        label: {sv: Q, en: Q}\n",
	    "t.yaml:24:13: id: 'and' is a word of the show_if language (and, "
	    "or, not, in): choose another id", NULL);
}

static void
test_err_scale_labels(void **state)
{
	(void)state;
	expect_mini("      - id: q3\n        type: scale\n"
	    "        label: {sv: Q, en: Q}\n"
	    "        max_label: {sv: H, en: H}\n",
	    "t.yaml:24:9: missing key 'min_label' in question 'q3' (scale "
	    "questions need it)", NULL);
	expect_mini("      - id: q3\n        type: nps\n"
	    "        label: {sv: Q, en: Q}\n",
	    "t.yaml:24:9: missing key 'min_label' in question 'q3' (nps "
	    "questions need it)",
	    "t.yaml:24:9: missing key 'max_label' in question 'q3' (nps "
	    "questions need it)", NULL);
	expect_mini("      - id: q3\n        type: scale\n"
	    "        label: {sv: Q, en: Q}\n        min: 2\n        max: 11\n"
	    "        min_label: {sv: L, en: L}\n"
	    "        max_label: {sv: H, en: H}\n",
	    "t.yaml:27:14: min: expected an integer from 0 to 1, found '2'",
	    "t.yaml:28:14: max: expected an integer from 2 to 10, found '11'",
	    NULL);
}

/* short: a column heading per language, at most FORM_SHORT_MAX
 * characters (å counts as one), in the hash like help. */
static void
test_short_label(void **state)
{
	struct form_diags d;
	struct form *f;
	char *y;

	(void)state;
	y = edit("        label: {sv: Närmaste chef?, en: Nearest manager?}\n",
	    "        label: {sv: Närmaste chef?, en: Nearest manager?}\n"
	    "        short: {sv: Närm.chef, en: Manager}\n");
	f = load(y, &d);
	free(y);
	if (f == NULL)
		fail_msg("%s", d.msg[0]);
	assert_string_equal(f->questions[2].shortl.s[0], "Närm.chef");
	assert_string_equal(f->questions[2].shortl.s[1], "Manager");
	assert_null(f->questions[0].shortl.s[0]);
	form_free(f);
	expect_edit("        label: {sv: Närmaste chef?, en: Nearest "
	    "manager?}\n",
	    "        label: {sv: Närmaste chef?, en: Nearest manager?}\n"
	    "        short: {sv: Närmastechef, en: M}\n",
	    "t.yaml:48:16: short: the 'sv' text is longer than 10 "
	    "characters (it heads a dashboard column)", NULL);
	expect_edit("        label: {sv: Närmaste chef?, en: Nearest "
	    "manager?}\n",
	    "        label: {sv: Närmaste chef?, en: Nearest manager?}\n"
	    "        short: {sv: Chef}\n",
	    "t.yaml:48:16: short: missing text for language 'en'", NULL);
}

static void
test_err_number_range(void **state)
{
	(void)state;
	expect_mini("      - id: q3\n        type: number\n"
	    "        label: {sv: Q, en: Q}\n        min: 10\n        max: 5\n",
	    "t.yaml:27:14: min: 10 is greater than max 5", NULL);
	expect_mini("      - id: q3\n        type: number\n"
	    "        label: {sv: Q, en: Q}\n        min: 0\n",
	    "t.yaml:24:9: missing key 'max' in question 'q3' (number "
	    "questions need it)", NULL);
	expect_mini("      - id: q3\n        type: number\n"
	    "        label: {sv: Q, en: Q}\n        min: 010\n"
	    "        max: 3000000000\n",
	    "t.yaml:27:14: min: expected an integer from -2147483648 to "
	    "2147483647, found '010'",
	    "t.yaml:28:14: max: expected an integer from -2147483648 to "
	    "2147483647, found '3000000000'", NULL);
}

static void
test_err_characters(void **state)
{
	(void)state;
	/* Right-to-left override, written as is: the prescan refuses it
	 * anywhere in the file (the rule the config obeys too), at its
	 * exact column. */
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: \"Ja \xe2\x80\xae nej\", en: Q}\n",
	    "t.yaml:26:25: control or bidi character U+202E is not allowed",
	    NULL);
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        # \xe2\x80\xae in a comment\n"
	    "        label: {sv: Q, en: Q}\n",
	    "t.yaml:26:11: control or bidi character U+202E is not allowed",
	    NULL);
	/* An escape sequence: the scalar's start. */
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: \"Ja \\e[2J\", en: Q}\n",
	    "t.yaml:26:21: label: forbidden character U+001B in the 'sv' "
	    "text: no control or bidi-override characters", NULL);
	/* A tab inside a plain scalar (not indentation): refused by the
	 * prescan like every tab; written as an escape, by the text check. */
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: Ja\tnej, en: Q}\n",
	    "t.yaml:26:23: tab character: use spaces (a tab is not allowed "
	    "anywhere in the file)", NULL);
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: \"Ja\\tnej\", en: Q}\n",
	    "t.yaml:26:21: label: forbidden character U+0009 in the 'sv' "
	    "text: no control or bidi-override characters", NULL);
	/* Newlines only in intro and help: ">" keeps a final newline. */
	expect_mini("      - id: q3\n        type: yesno\n        label:\n"
	    "          sv: >\n            Ja nej\n          en: Q\n",
	    "t.yaml:27:15: label: line break in the 'sv' text: only intro "
	    "and help may have several lines (use >- to fold)", NULL);
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: Q, en: Q}\n"
	    "        help: {sv: \"Rad 1\\nRad 2\", en: \"x\\u2066x\"}\n",
	    "t.yaml:27:40: help: forbidden character U+2066 in the 'en' text:"
	    " no control or bidi-override characters", NULL);
	/* A key with a control character is shown sanitised. */
	expect_mini(YESNO("q3") "        \"a\\eb\": 1\n",
	    "t.yaml:27:9: unknown key 'a\xef\xbf\xbd" "b' (quoted, so a "
	    "string) in a question: expected id, type, label, help, required, "
	    "show_if, theme, report, choices, other, max, min, min_label, "
	    "max_label, max_length, short, sensitive", NULL);
}

static void
test_err_yaml_syntax(void **state)
{
	(void)state;
	expect_mini("      - id: q3\n        type: yesno\n"
	    "        label: {sv: Q, en: Q\n",
	    "t.yaml:27:1: YAML syntax error: did not find expected ',' or "
	    "'}' (while parsing a flow mapping)", NULL);
	expect_diags("id: t\nversion: 1: 2\n",
	    "t.yaml:2:11: YAML syntax error: mapping values are not allowed "
	    "in this context", NULL);
	/* Tabs are refused before libyaml sees them (one message for all). */
	expect_diags("id: x\n\tversion: 1\n",
	    "t.yaml:2:1: tab character: use spaces (a tab is not allowed "
	    "anywhere in the file)", NULL);
}

/* Several problems of different kinds: all in one run, in order. */
static void
test_err_all_in_one_run(void **state)
{
	(void)state;
	expect_mini("      - id: q3\n        type: number\n"
	    "        label: {sv: Q}\n        min: 9\n        max: 1\n"
	    "        show_if: \"q9 == 1\"\n"
	    "        colour: red\n" YESNO("q3"),
	    "t.yaml:26:16: label: missing text for language 'en'",
	    "t.yaml:27:14: min: 9 is greater than max 1",
	    "t.yaml:29:19: show_if: unknown question 'q9'",
	    "t.yaml:30:9: unknown key 'colour' in a question: expected id, "
	    "type, label, help, required, show_if, theme, report, choices, "
	    "other, max, min, min_label, max_label, max_length, short, "
	    "sensitive",
	    "t.yaml:31:13: duplicate question id 'q3' (first at line 24)",
	    NULL);
}

static void
test_hostile(void **state)
{
	struct form_diags d;
	char *big, *y, *msg;
	size_t i, n, len;

	(void)state;
	/* Over 1 MiB: refused before parsing. */
	big = xmalloc(FORM_MAX_BYTES + 1);
	memset(big, 'a', FORM_MAX_BYTES + 1);
	memset(&d, 0, sizeof d);
	assert_null(form_load_buf("t.yaml", big, FORM_MAX_BYTES + 1, &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.msg[0], "t.yaml:1:1: file too large: 1048577 "
	    "bytes, a form may have at most 1048576 (1 MiB)");
	form_diags_free(&d);
	free(big);

	expect_diags("\xef\xbb\xbfid: x\n",
	    "t.yaml:1:1: byte order mark (BOM) at the start: save the file "
	    "as UTF-8 without BOM", NULL);
	expect_diags("id: x\ntitle: åäö\xff\n",
	    "t.yaml:2:11: invalid UTF-8 (byte 0xff): save the file as UTF-8",
	    NULL);
	expect_diags("id: x\nab: \xed\xa0\x80\n",	/* a surrogate */
	    "t.yaml:2:5: invalid UTF-8 (byte 0xed): save the file as UTF-8",
	    NULL);
	memset(&d, 0, sizeof d);
	assert_null(form_load_buf("t.yaml", "id: x\nab: c\0d\n", 13, &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.msg[0],
	    "t.yaml:2:6: NUL byte: a form is a text file");
	form_diags_free(&d);

	/* Anchors and aliases: refused at the first, no expansion. */
	expect_diags("a: &x [1, 2]\nb: *x\n",
	    "t.yaml:1:4: anchor '&x': anchors and aliases are not allowed "
	    "in a form", NULL);
	expect_diags("a: *x\n",
	    "t.yaml:1:4: alias '*x': anchors and aliases are not allowed in "
	    "a form", NULL);
	expect_diags("a: &a [\"lol\",\"lol\"]\nb: &b [*a,*a,*a,*a]\n"
	    "c: &c [*b,*b,*b,*b]\n",
	    "t.yaml:1:4: anchor '&a': anchors and aliases are not allowed "
	    "in a form", NULL);
	expect_diags("id: !!str x\n",
	    "t.yaml:1:5: tag 'tag:yaml.org,2002:str': YAML tags are not "
	    "allowed in a form", NULL);
	expect_diags("id: !<%1b[2J> x\n",	/* an escape, decoded */
	    "t.yaml:1:5: tag '\xef\xbf\xbd[2J': YAML tags are not allowed "
	    "in a form", NULL);
	expect_diags("id: x\n---\nid: y\n",
	    "t.yaml:2:1: a second YAML document: a form file holds one",
	    NULL);
	expect_diags("", "t.yaml:1:1: empty file: expected a form (a mapping "
	    "with id, version, languages, title, intro and sections)", NULL);
	expect_diags("# nothing\n", "t.yaml:1:1: empty file: expected a form "
	    "(a mapping with id, version, languages, title, intro and "
	    "sections)", NULL);
	expect_diags("- a\n", "t.yaml:1:1: expected a form (a mapping with "
	    "id, version, languages, title, intro and sections), found a "
	    "list", NULL);

	/* Deep nesting stops at the limit. */
	y = xmalloc(2 * 5000 + 8);
	memcpy(y, "a: ", 3);
	memset(y + 3, '[', 5000);
	memset(y + 3 + 5000, ']', 5000);
	y[3 + 10000] = '\0';
	expect_diags(y, "t.yaml:1:13: nesting deeper than 10 levels: a form "
	    "needs far fewer", NULL);
	free(y);

	/* 10 000 questions: one message at the 1001st, bounded work. */
	n = 9998;
	len = strlen(mini_yaml) + n * 64 + 1;
	y = xmalloc(len);
	strcpy(y, mini_yaml);
	for (i = 0; i < n; i++)
		snprintf(y + strlen(y), len - strlen(y), "      - id: q%zu\n"
		    "        type: yesno\n        label: {sv: Q, en: Q}\n",
		    i + 3);
	msg = xasprintf("t.yaml:%d:9: more than 1000 questions in the form",
	    24 + 998 * 3);
	expect_diags(y, msg, NULL);
	free(msg);
	free(y);
}

static void
test_diags_limits(void **state)
{
	struct form_diags d;
	struct form *f;
	char *y = xstrdup("id: t\n"), *t;
	int i;

	(void)state;
	for (i = 0; i < 150; i++) {
		t = xasprintf("%sk%d: 1\n", y, i);
		free(y);
		y = t;
	}
	f = load(y, &d);
	assert_null(f);
	assert_int_equal(d.n, FORM_MAX_DIAGS);
	assert_int_equal(d.dropped, 55);
	assert_string_equal(d.msg[0], "t.yaml:1:1: missing key 'version' in "
	    "the form");
	assert_string_equal(d.msg[5], "t.yaml:2:1: unknown key 'k0' in the "
	    "form: expected id, version, languages, title, intro, sections");
	form_diags_free(&d);
	assert_int_equal(d.n, 0);
	free(y);

	/* A file that cannot be read: one message, and io is set. */
	memset(&d, 0, sizeof d);
	assert_null(form_load_file("/nonexistent/form.yaml", &d));
	assert_int_equal(d.n, 1);
	assert_true(d.io);
	assert_string_equal(d.msg[0], "cannot open /nonexistent/form.yaml: "
	    "No such file or directory");
	form_diags_free(&d);

	/* form_diags_add for other loaders. */
	memset(&d, 0, sizeof d);
	form_diags_add(&d, "c.yaml", 3, 7, "k: expected %d", 5);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.msg[0], "c.yaml:3:7: k: expected 5");
	form_diags_free(&d);
	/* A NULL d is allowed: the load just fails quietly. */
	assert_null(form_load_buf("t.yaml", "x", 1, NULL));
}

static struct form *
good(void)
{
	struct form_diags d;
	struct form *f = load(good_yaml, &d);

	assert_non_null(f);
	return f;
}

/* Parse s in f before question `before`, return the canonical text. */
static char *
parse_print(const struct form *f, size_t before, const char *s)
{
	struct form_expr *x = NULL;
	struct err e;
	size_t pos = 99;
	char *out;

	if (form_expr_parse(&x, f, before, s, strlen(s), &pos, &e) == -1)
		fail_msg("'%s': %s at %zu", s, e.msg, pos);
	out = form_expr_str(x, f);
	form_expr_free(x);
	return out;
}

static void
expect_print(const struct form *f, const char *s, const char *want)
{
	char *got = parse_print(f, f->nquestions, s);

	assert_string_equal(got, want);
	free(got);
}

static void
expect_expr_err(const struct form *f, size_t before, const char *s,
    size_t wantpos, const char *want)
{
	struct form_expr *x = NULL;
	struct err e;
	size_t pos = 9999;

	assert_int_equal(form_expr_parse(&x, f, before, s, strlen(s), &pos,
	    &e), -1);
	assert_null(x);
	assert_string_equal(e.msg, want);
	assert_int_equal(pos, wantpos);
}

static void
test_expr_parse(void **state)
{
	struct form *f = good();

	(void)state;
	expect_print(f, "reason == leadership", "(reason == leadership)");
	expect_print(f, "((offered==no))", "(offered == no)");
	expect_print(f, "reason == other", "(reason == other)");
	expect_print(f, "years >= -0 and years < 50",
	    "((years >= 0) and (years < 50))");
	/* not binds tighter than and, and tighter than or; both are left
	 * associative. */
	expect_print(f, "not reason == pay or factors in [workload,pay] and "
	    "manager >= 3", "((not (reason == pay)) or ((factors in "
	    "[workload, pay]) and (manager >= 3)))");
	expect_print(f, "enps == 1 or enps == 2 or enps == 3",
	    "(((enps == 1) or (enps == 2)) or (enps == 3))");
	expect_print(f, "not not offered == yes",
	    "(not (not (offered == yes)))");
	expect_print(f, "manager <= 2 and (enps > 8 or years != 0)",
	    "((manager <= 2) and ((enps > 8) or (years != 0)))");
	form_free(f);
}

static void
test_expr_errors(void **state)
{
	struct form *f = good();
	char *s;
	size_t n = f->nquestions;

	(void)state;
	expect_expr_err(f, n, "", 0, "empty expression: expected a "
	    "comparison such as 'q == choice'");
	expect_expr_err(f, n, "reason ==", 9, "expected a choice id of "
	    "'reason', found the end");
	expect_expr_err(f, n, "reason == leadership and", 24, "expected a "
	    "question id, 'not' or '(', found the end");
	expect_expr_err(f, n, "reason == leadership x", 21, "expected 'and', "
	    "'or' or the end, found 'x'");
	expect_expr_err(f, n, "reason == Leadership", 10,
	    "unexpected character 'L'");
	expect_expr_err(f, n, "reason == leadership\xc3\xa5", 20,
	    "unexpected character (byte 0xc3): use only a-z, 0-9, _, spaces "
	    "and operators");
	expect_expr_err(f, n, "change == x", 0, "'change' is a text question "
	    "and cannot be compared");
	expect_expr_err(f, n, "manager > 9", 10, "'9' is outside the range "
	    "1..5 of 'manager'");
	expect_expr_err(f, n, "enps in []", 9, "expected an integer for "
	    "'enps', found ']'");
	expect_expr_err(f, n, "enps in 3", 8, "expected '[' after 'in', "
	    "found '3'");
	expect_expr_err(f, n, "factors <= 3", 8, "'<=' needs a scale, nps or "
	    "number question; 'factors' is multi");
	expect_expr_err(f, n, "factors == other", 11, "'factors' has no "
	    "choice 'other' (it does not set other: true)");
	expect_expr_err(f, n, "factors == 1", 11, "expected a choice id of "
	    "'factors', found '1'");
	expect_expr_err(f, n, "offered yes", 8, "expected ==, !=, <, <=, >, "
	    ">= or in after 'offered', found 'yes'");
	expect_expr_err(f, n, "and == 1", 0, "expected a question id, 'not' "
	    "or '(', found 'and'");
	expect_expr_err(f, 4, "offered == yes", 0, "'offered' is not an "
	    "earlier question: show_if may only refer to questions before "
	    "it");
	expect_expr_err(f, n, "nobody == 1", 0, "unknown question 'nobody'");
	/* Bounded: nesting, the tree's height, and length. */
	s = xmalloc(1024);
	memset(s, '(', 67);
	strcpy(s + 67, "offered == yes");
	expect_expr_err(f, n, s, 66, "expression nested deeper than 32 "
	    "levels");
	s[0] = '\0';
	for (int i = 0; i < 33; i++)
		strcat(s, "not ");
	strcat(s, "offered == yes");
	expect_expr_err(f, n, s, strlen(s), "expression nested deeper than "
	    "32 levels");
	s[0] = '\0';
	for (int i = 0; i < 33; i++)
		strcat(s, "offered == yes or ");
	strcat(s, "offered == no");
	expect_expr_err(f, n, s, 33 * 18 - 3, "expression nested deeper "
	    "than 32 levels");
	free(s);
	/* 32 levels are fine, and print to something that parses again. */
	s = xmalloc(1024);
	s[0] = '\0';
	for (int i = 0; i < 31; i++)
		strcat(s, "offered == yes or ");
	strcat(s, "offered == no");
	{
		char *p1 = parse_print(f, n, s), *p2 = parse_print(f, n, p1);

		assert_string_equal(p1, p2);
		free(p1);
		free(p2);
	}
	free(s);
	s = xmalloc(FORM_EXPR_MAX_LEN + 2);
	memset(s, ' ', FORM_EXPR_MAX_LEN + 1);
	s[FORM_EXPR_MAX_LEN + 1] = '\0';
	expect_expr_err(f, n, s, 0, "expression longer than 1024 bytes");
	free(s);
	form_free(f);
}

/* Evaluate s against the answers. */
static int
eval(const struct form *f, const char *s, const struct form_answer *a)
{
	struct form_expr *x = NULL;
	struct err e;
	size_t pos;
	int r;

	if (form_expr_parse(&x, f, f->nquestions, s, strlen(s), &pos,
	    &e) == -1)
		fail_msg("'%s': %s", s, e.msg);
	r = form_expr_eval(x, f, a);
	form_expr_free(x);
	return r;
}

static void
test_expr_eval(void **state)
{
	struct form *f = good();
	struct form_answer a[7];

	(void)state;
	memset(a, 0, sizeof a);
	/* No value: every comparison is false, not of it is true. */
	assert_false(eval(f, "reason == leadership", a));
	assert_false(eval(f, "reason != pay", a));
	assert_false(eval(f, "reason in [leadership, pay, other]", a));
	assert_true(eval(f, "not reason == leadership", a));
	assert_false(eval(f, "manager < 3 or manager >= 3", a));
	a[0].state = FORM_DECLINED;
	assert_false(eval(f, "reason != pay", a));
	a[0].state = FORM_SKIPPED;
	assert_false(eval(f, "reason != pay", a));

	/* single */
	a[0].state = FORM_ANSWERED;
	a[0].num = 0;
	assert_true(eval(f, "reason == leadership", a));
	assert_true(eval(f, "reason != pay", a));
	assert_false(eval(f, "reason == other", a));
	assert_true(eval(f, "reason in [pay, leadership]", a));
	a[0].other = 1;		/* other, namely: num is ignored */
	assert_true(eval(f, "reason == other", a));
	assert_false(eval(f, "reason == leadership", a));
	assert_true(eval(f, "reason in [pay, other]", a));

	/* multi: == is membership, in is any of them */
	a[1].state = FORM_ANSWERED;
	a[1].choices = (1u << 0) | (1u << 2);	/* workload, pay */
	assert_true(eval(f, "factors == workload", a));
	assert_true(eval(f, "factors == pay", a));
	assert_false(eval(f, "factors == schedule", a));
	assert_true(eval(f, "factors != schedule", a));
	assert_false(eval(f, "factors != pay", a));
	assert_true(eval(f, "factors in [schedule, pay]", a));
	assert_false(eval(f, "factors in [schedule]", a));
	a[1].state = FORM_DECLINED;
	assert_false(eval(f, "factors != schedule", a));
	assert_true(eval(f, "not factors == schedule", a));

	/* numbers */
	a[2].state = FORM_ANSWERED;
	a[2].num = 3;
	assert_true(eval(f, "manager >= 3", a));
	assert_false(eval(f, "manager > 3", a));
	assert_false(eval(f, "manager < 3", a));
	assert_true(eval(f, "manager <= 3", a));
	assert_true(eval(f, "manager == 3", a));
	assert_false(eval(f, "manager != 3", a));
	assert_true(eval(f, "manager in [1, 3]", a));
	a[3].state = FORM_ANSWERED;
	a[3].num = 0;
	assert_true(eval(f, "enps in [0, 1, 2, 3, 4, 5, 6]", a));
	a[5].state = FORM_ANSWERED;
	a[5].num = 50;
	assert_true(eval(f, "years > 49 and years <= 50", a));

	/* yesno */
	a[4].state = FORM_ANSWERED;
	a[4].num = FORM_NO;
	assert_true(eval(f, "offered == no", a));
	assert_false(eval(f, "offered == yes", a));
	assert_true(eval(f, "offered != yes", a));
	form_free(f);
}

static void
test_visible(void **state)
{
	struct form *f = good();
	struct form_answer a[7];
	size_t i;

	(void)state;
	memset(a, 0, sizeof a);
	assert_true(form_visible(f, 0, a));
	assert_false(form_visible(f, 1, a));	/* reason has no value */
	assert_true(form_visible(f, 2, a));	/* section: not (...) */
	assert_false(form_visible(f, 5, a));
	assert_false(form_visible(f, 6, a));
	assert_false(form_visible(f, 7, a));	/* no such question */

	a[0].state = FORM_ANSWERED;
	a[0].num = 1;				/* pay: section hidden */
	for (i = 2; i < 7; i++)
		assert_false(form_visible(f, i, a));
	assert_false(form_visible(f, 1, a));

	a[0].num = 0;				/* leadership */
	assert_true(form_visible(f, 1, a));
	a[2].state = FORM_ANSWERED;
	a[2].num = 4;
	a[4].state = FORM_ANSWERED;
	a[4].num = FORM_YES;
	assert_true(form_visible(f, 5, a));
	a[1].state = FORM_ANSWERED;
	a[1].choices = 1;			/* workload */
	assert_true(form_visible(f, 6, a));
	form_free(f);
}

static void
expect_answer_err(const struct form *f, size_t q, const struct form_answer
    *a, const char *want)
{
	struct err e;

	assert_int_equal(form_answer_check(f, q, a, &e), -1);
	assert_string_equal(e.msg, want);
}

static void
test_answer_check(void **state)
{
	struct form *f = good();
	struct form_answer a;
	struct err e;
	char *t;

	(void)state;
	memset(&a, 0, sizeof a);
	for (size_t q = 0; q < f->nquestions; q++)
		assert_int_equal(form_answer_check(f, q, &a, &e), 0);
	a.state = FORM_DECLINED;
	assert_int_equal(form_answer_check(f, 0, &a, &e), 0);
	a.text = "secret";
	expect_answer_err(f, 6, &a, "question 'change': an answer that is "
	    "not given holds a value");
	a.text = NULL;
	a.state = 9;
	expect_answer_err(f, 0, &a, "question 'reason': unknown answer state "
	    "9");

	/* single */
	memset(&a, 0, sizeof a);
	a.state = FORM_ANSWERED;
	a.num = 1;
	assert_int_equal(form_answer_check(f, 0, &a, &e), 0);
	a.num = 2;
	expect_answer_err(f, 0, &a, "question 'reason': no choice 2");
	a.num = -1;
	a.other = 1;
	a.text = "Flytt";
	assert_int_equal(form_answer_check(f, 0, &a, &e), 0);
	a.other = 0;
	expect_answer_err(f, 0, &a, "question 'reason': text without "
	    "'other'");

	/* multi */
	memset(&a, 0, sizeof a);
	a.state = FORM_ANSWERED;
	expect_answer_err(f, 1, &a, "question 'factors': nothing chosen");
	a.choices = 0x3;
	assert_int_equal(form_answer_check(f, 1, &a, &e), 0);
	a.choices = 0x7;
	expect_answer_err(f, 1, &a, "question 'factors': 3 chosen, at most "
	    "2");
	a.choices = 0x8;
	expect_answer_err(f, 1, &a, "question 'factors': a choice beyond "
	    "its 3");
	a.choices = 0x1;
	a.other = 1;
	expect_answer_err(f, 1, &a, "question 'factors' has no 'other' "
	    "choice");
	a.other = 0;
	a.num = 7;
	expect_answer_err(f, 1, &a, "question 'factors': a value on a multi "
	    "question");

	/* scale, nps, yesno, number */
	memset(&a, 0, sizeof a);
	a.state = FORM_ANSWERED;
	expect_answer_err(f, 2, &a, "question 'manager': 0 is outside 1..5");
	a.num = 5;
	assert_int_equal(form_answer_check(f, 2, &a, &e), 0);
	a.num = 10;
	assert_int_equal(form_answer_check(f, 3, &a, &e), 0);
	a.num = 11;
	expect_answer_err(f, 3, &a, "question 'enps': 11 is outside 0..10");
	a.num = 2;
	expect_answer_err(f, 4, &a, "question 'offered': 2 is outside 0..1");
	a.num = 51;
	expect_answer_err(f, 5, &a, "question 'years': 51 is outside 0..50");
	a.choices = 1;
	a.num = 1;
	expect_answer_err(f, 5, &a, "question 'years': a choice set on a "
	    "number question");

	/* text: length in characters, clean, never quoted in messages */
	memset(&a, 0, sizeof a);
	a.state = FORM_ANSWERED;
	expect_answer_err(f, 6, &a, "question 'change': answered without "
	    "text");
	a.text = "Mer\npersonal, fler händer";
	assert_int_equal(form_answer_check(f, 6, &a, &e), 0);
	a.num = 1;
	expect_answer_err(f, 6, &a, "question 'change': a value on a text "
	    "question");
	a.num = 0;
	a.text = "hemligt\x1b[2J";
	expect_answer_err(f, 6, &a, "question 'change': the text has a "
	    "control or bidi-override character at byte 7");
	t = xmalloc(501 * 2 + 1);
	for (int i = 0; i < 500; i++)
		memcpy(t + 2 * i, "\xc3\xa5", 2);	/* 500 x å */
	t[1000] = '\0';
	a.text = t;
	assert_int_equal(form_answer_check(f, 6, &a, &e), 0);
	strcat(t, "a");
	expect_answer_err(f, 6, &a, "question 'change': the text longer than "
	    "500 characters");
	free(t);

	/* form_answer_clear frees and resets */
	a.text = xstrdup("hemligt");
	a.other = 1;
	form_answer_clear(&a);
	assert_null(a.text);
	assert_int_equal(a.state, FORM_NOT_SHOWN);
	assert_int_equal(a.other, 0);
	form_free(f);
}

static void
hash_of(const char *yaml, uint8_t out[FORM_HASH_BYTES])
{
	struct form_diags d;
	struct form *f = load(yaml, &d);

	if (f == NULL)
		fail_msg("%s", d.n ? d.msg[0] : "?");
	memcpy(out, f->hash, FORM_HASH_BYTES);
	form_free(f);
}

static char *
replace_all(const char *s, const char *from, const char *to)
{
	char *out = xstrdup(""), *t;
	const char *p;

	while ((p = strstr(s, from)) != NULL) {
		t = xasprintf("%s%.*s%s", out, (int)(p - s), s, to);
		free(out);
		out = t;
		s = p + strlen(from);
	}
	t = xasprintf("%s%s", out, s);
	free(out);
	return t;
}

/* The good form written differently: other key order, flow and block
 * styles, quotes, comments, explicit defaults, other spacing and
 * parentheses in show_if. Same meaning, so the same hash. */
static const char good_reformatted[] =
"# reformatted\n"
"languages:\n  - sv\n  - en\n"
"version: 2\n"
"intro: {en: \"First line.\\nSecond line.\\n\", sv: \"Första raden.\\n"
"Andra raden.\\n\"}\n"
"title:\n  en: 'Test form'\n  sv: Testformulär\n"
"id: \"test-form\"\n"
"sections:\n"
"- title: {en: Reasons, sv: Skäl}\n"
"  id: reasons\n"
"  questions:\n"
"  - choices:\n"
"    - {label: {en: Leadership, sv: Ledarskap}, id: leadership}\n"
"    - {id: pay, label: {sv: Lön, en: Pay}}\n"
"    other: true\n"
"    report: unit\n"
"    theme: leadership\n"
"    required: true\n"
"    help: {en: One answer., sv: Ett svar.}\n"
"    label: {en: Main reason?, sv: Främsta skälet?}\n"
"    type: single\n"
"    id: reason\n"
"  - id: factors\n"
"    max: 2\n"
"    type: multi\n"
"    label: {sv: Andra skäl?, en: Other reasons?}\n"
"    required: soft\n"
"    show_if: (reason==leadership) or (reason==other)\n"
"    choices: [{id: workload, label: {sv: Arbetsbelastning, en: Workload}},"
" {id: schedule, label: {sv: Schema, en: Schedule}},"
" {id: pay, label: {sv: Lön, en: Pay}}]\n"
"    other: false\n"
"- id: ratings\n"
"  show_if: not reason == pay   # same as not (reason == pay)\n"
"  title: {sv: Betyg, en: Ratings}\n"
"  questions:\n"
"  - {id: manager, type: scale, min: 1, max: 5, required: false,"
" label: {sv: Närmaste chef?, en: Nearest manager?},"
" min_label: {sv: Dåligt, en: Poor}, max_label: {sv: Bra, en: Good}}\n"
"  - {id: enps, type: nps, label: {sv: Rekommendera?, en: Recommend?},"
" min_label: {sv: Inte alls, en: Not at all},"
" max_label: {sv: Absolut, en: Certainly}}\n"
"  - {id: offered, type: yesno,"
" label: {sv: Avslutningssamtal?, en: Exit conversation?}}\n"
"  - id: years\n"
"    show_if: ((manager >= 3) and (offered == yes))\n"
"    report: region\n"
"    max: 50\n"
"    min: 0\n"
"    label: {sv: År anställd?, en: Years employed?}\n"
"    type: number\n"
"  - id: change\n"
"    type: text\n"
"    label: {sv: Vad borde ändras?, en: What should change?}\n"
"    max_length: 500\n"
"    report: region\n"
"    show_if: enps in [0,1,2,3,4,5,6] or factors == workload\n";

static void
test_hash_stable(void **state)
{
	uint8_t h0[FORM_HASH_BYTES], h1[FORM_HASH_BYTES];
	struct form_diags d;
	struct form *f;
	char hex[2 * FORM_HASH_BYTES + 1], *y;

	(void)state;
	hash_of(good_yaml, h0);
	hash_of(good_reformatted, h1);
	assert_memory_equal(h0, h1, FORM_HASH_BYTES);
	/* Windows line ends: the same form. */
	{
		char *crlf = replace_all(good_yaml, "\n", "\r\n");

		hash_of(crlf, h1);
		assert_memory_equal(h0, h1, FORM_HASH_BYTES);
		free(crlf);
		/* and positions still count CRLF as one line end */
		crlf = replace_all(mini_yaml, "\n", "\r\n");
		y = xasprintf("%s      - id: q3\r\n        type: yesno\r\n"
		    "        label: {sv: Q, en: Q}\r\n"
		    "        show_if: \"q1 == c\"\r\n", crlf);
		expect_diags(y, "t.yaml:27:25: show_if: 'q1' has no choice "
		    "'c'", NULL);
		free(y);
		free(crlf);
	}
	/* The hash is BLAKE2b-256 of the canonical text, and hex is it. */
	f = load(good_yaml, &d);
	assert_non_null(f);
	{
		size_t len;
		char *c = form_canonical(f, &len);
		uint8_t h2[FORM_HASH_BYTES];

		crypto_generichash(h2, sizeof h2, (unsigned char *)c, len,
		    NULL, 0);
		assert_memory_equal(h0, h2, FORM_HASH_BYTES);
		free(c);
	}
	form_hash_hex(f, hex);
	assert_int_equal(strlen(hex), 64);
	assert_int_equal(strncmp(hex, "025c4dab708b9c35", 16), 0);
	form_free(f);
}

struct change {
	const char *from, *to;
};

/* Each semantic change, however small, gives a new hash. */
static void
test_hash_changes(void **state)
{
	static const struct change ch[] = {
		{ "version: 2", "version: 3" },
		{ "id: test-form", "id: test-form2" },
		{ "languages: [sv, en]", "languages: [en, sv]" },
		{ "Test form}", "Test form.}" },
		{ "Första raden.", "Första raden!" },
		{ "Second line.", "Second  line." },
		{ "  - id: reasons", "  - id: why" },
		{ "Skäl, en", "Orsaker, en" },
		{ "Main reason?", "Main reason" },
		{ "One answer.", "One answer only." },
		{ "required: true", "required: soft" },
		{ "required: soft", "required: true" },
		{ "theme: leadership", "theme: lead" },
		{ "          - id: schedule\n", "          - id: shifts\n" },
		{ "Ledarskap,", "Ledarskapet," },
		{ "        max: 2\n", "        max: 2\n        other: true\n" },
		{ "        max: 2\n", "        max: 3\n" },
		{ "        max: 2\n", "" },
		{ "          - id: workload\n            label: {sv: "
		  "Arbetsbelastning, en: Workload}\n          - id: schedule\n"
		  "            label: {sv: Schema, en: Schedule}\n",
		  "          - id: schedule\n            label: {sv: Schema, "
		  "en: Schedule}\n          - id: workload\n            label: "
		  "{sv: Arbetsbelastning, en: Workload}\n" },
		{ "not (reason == pay)", "not (reason == leadership)" },
		{ "    show_if: \"not (reason == pay)\"\n", "" },
		{ "manager >= 3", "manager > 3" },
		{ "Dåligt", "Mycket dåligt" },
		{ "Good}\n", "Good}\n        max: 7\n" },
		{ "Good}\n", "Good}\n        min: 0\n" },
		{ "max: 50", "max: 60" },
		{ "        report: region\n        show_if: \"manager",
		  "        show_if: \"manager" },
		{ "max_length: 500", "max_length: 501" },
		{ "        label: {sv: Avslutningssamtal?, en: Exit "
		  "conversation?}\n", "        label: {sv: Avslutningssamtal?, "
		  "en: Exit conversation?}\n        help: {sv: H, en: H}\n" },
		{ "        label: {sv: Avslutningssamtal?, en: Exit "
		  "conversation?}\n", "        label: {sv: Avslutningssamtal?, "
		  "en: Exit conversation?}\n        short: {sv: Samtal, en: "
		  "Talk}\n" },
		{ "        label: {sv: Avslutningssamtal?, en: Exit "
		  "conversation?}\n", "        label: {sv: Avslutningssamtal?, "
		  "en: Exit conversation?}\n        sensitive: true\n" },
		{ "    max: 2\n", "    max: 2\n        sensitive: [workload]\n" },
		{ "    max: 2\n", "    max: 2\n        sensitive: [schedule]\n" },
		{ "offered", "conversation" },	/* every occurrence */
	};
	size_t n = sizeof ch / sizeof ch[0], i, j;
	uint8_t (*h)[FORM_HASH_BYTES] = xcalloc(n + 1, sizeof *h);

	(void)state;
	hash_of(good_yaml, h[n]);
	for (i = 0; i < n; i++) {
		char *y = strcmp(ch[i].from, "offered") == 0 ?
		    replace_all(good_yaml, ch[i].from, ch[i].to) :
		    edit(ch[i].from, ch[i].to);

		hash_of(y, h[i]);
		free(y);
	}
	for (i = 0; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (memcmp(h[i], h[j], FORM_HASH_BYTES) == 0)
				fail_msg("changes %zu and %zu hash the same", i,
				    j);
	free(h);
}

/* sensitive: yesno true marks yes; a list marks those choices; true on a
 * multi marks every choice; false marks none and hashes as absent; bad
 * ids and types are load errors. */
static void
test_sensitive(void **state)
{
	struct form *f;
	char *y;
	uint8_t h0[FORM_HASH_BYTES], h1[FORM_HASH_BYTES];
	long q;

	(void)state;
	y = edit("    max: 2\n", "    max: 2\n        sensitive: [schedule, "
	    "workload]\n");
	f = form_load_buf("t.yaml", y, strlen(y), NULL);
	free(y);
	assert_non_null(f);
	q = form_find(f, "factors");
	assert_true(q >= 0);
	assert_int_equal(f->questions[q].sensitive, 3);	/* workload, schedule */
	form_free(f);
	y = edit("    max: 2\n", "    max: 2\n        sensitive: true\n");
	f = form_load_buf("t.yaml", y, strlen(y), NULL);
	free(y);
	assert_non_null(f);
	q = form_find(f, "factors");
	assert_int_equal(f->questions[q].sensitive,
	    ((uint64_t)1 << f->questions[q].nchoices) - 1);
	form_free(f);
	hash_of(good_yaml, h0);
	y = edit("    max: 2\n", "    max: 2\n        sensitive: false\n");
	hash_of(y, h1);
	free(y);
	assert_memory_equal(h0, h1, FORM_HASH_BYTES);
	expect_mini(YESNO("q3") "        sensitive: [yes]\n",
	    "t.yaml:27:20: sensitive: expected true or false, found a list",
	    NULL);
	expect_mini("      - id: q3\n        type: scale\n        label: "
	    "{sv: S, en: S}\n        min_label: {sv: a, en: a}\n"
	    "        max_label: {sv: b, en: b}\n        sensitive: true\n",
	    "t.yaml:29:9: key 'sensitive' does not apply to scale questions",
	    NULL);
}

/* mode: self: parsed, in the hash only when self, and a show_if outside
 * the self section that would reveal a self answer is refused. */
static void
test_mode_self(void **state)
{
	static const char selfsec[] =
	    "  - id: alone\n    title: {sv: A, en: A}\n    mode: self\n"
	    "    questions:\n"
	    "      - {id: harass, type: yesno, label: {sv: H, en: H}}\n"
	    "      - {id: how, type: text, label: {sv: Hur, en: How},\n"
	    "         show_if: harass == yes}\n";
	struct form *f;
	char *y;
	uint8_t h0[FORM_HASH_BYTES], h1[FORM_HASH_BYTES];
	char *canon;
	size_t len;

	(void)state;
	y = xasprintf("%s%s", mini_yaml, selfsec);
	f = form_load_buf("t.yaml", y, strlen(y), NULL);
	free(y);
	assert_non_null(f);
	assert_int_equal(f->nsections, 2);
	assert_false(f->sections[0].self);
	assert_true(f->sections[1].self);
	canon = form_canonical(f, &len);
	assert_non_null(strstr(canon, "section.mode 4:self\n"));
	free(canon);
	form_free(f);
	/* mode: interviewer is the default and leaves the hash alone */
	hash_of(good_yaml, h0);
	y = edit("    title: {sv: Betyg, en: Ratings}\n",
	    "    title: {sv: Betyg, en: Ratings}\n    mode: interviewer\n");
	hash_of(y, h1);
	free(y);
	assert_memory_equal(h0, h1, FORM_HASH_BYTES);
	y = edit("    title: {sv: Betyg, en: Ratings}\n",
	    "    title: {sv: Betyg, en: Ratings}\n    mode: self\n");
	hash_of(y, h1);
	free(y);
	assert_memory_not_equal(h0, h1, FORM_HASH_BYTES);
	expect_edit("    title: {sv: Betyg, en: Ratings}\n",
	    "    title: {sv: Betyg, en: Ratings}\n    mode: alone\n",
	    "t.yaml:43:11: mode: expected interviewer or self, found 'alone'",
	    NULL);
	/* an interviewer-led question after it may not depend on it */
	y = xasprintf("%s%s%s", mini_yaml, selfsec,
	    "  - id: after\n    title: {sv: E, en: E}\n    questions:\n"
	    "      - {id: more, type: yesno, label: {sv: M, en: M},\n"
	    "         show_if: harass == yes}\n");
	f = form_load_buf("t.yaml", y, strlen(y), NULL);
	assert_null(f);
	{
		struct form_diags d;

		memset(&d, 0, sizeof d);
		f = form_load_buf("t.yaml", y, strlen(y), &d);
		assert_null(f);
		assert_int_equal(d.n, 1);
		assert_non_null(strstr(d.msg[0], "question 'more' depends on "
		    "'harass', which the leaver answers alone"));
		form_diags_free(&d);
	}
	free(y);
	/* nor may a section's show_if */
	y = xasprintf("%s%s%s", mini_yaml, selfsec,
	    "  - id: after\n    title: {sv: E, en: E}\n"
	    "    show_if: harass == no\n    questions:\n"
	    "      - {id: more, type: yesno, label: {sv: M, en: M}}\n");
	f = form_load_buf("t.yaml", y, strlen(y), NULL);
	free(y);
	assert_null(f);
}

/* show_if in words, as avslut print writes it. */
static void
test_expr_words(void **state)
{
	static const struct form_words w = {
		"question %zu", " is ", " is not ", " includes ", " excludes ",
		" is less than ", " is at most ", " is more than ",
		" is at least ", " is ", " and ", " or ", "not ", "Yes",
		"No", "Other"
	};
	struct form *f;
	char *s;
	long q;

	(void)state;
	f = form_load_buf("t.yaml", good_yaml, strlen(good_yaml), NULL);
	assert_non_null(f);
	q = form_find(f, "factors");
	s = form_expr_words(f->questions[q].show_if, f, 1, &w);
	assert_string_equal(s, "question 1 is Leadership or question 1 is "
	    "Other");
	free(s);
	s = form_expr_words(f->sections[1].show_if, f, 0, &w);
	assert_string_equal(s, "not (question 1 is Lön)");
	free(s);
	form_free(f);
}

/* The canonical text of a small form, byte for byte as specified in
 * avslut-form(5). */
static void
test_canonical_exact(void **state)
{
	static const char yaml[] =
	    "id: tiny\nversion: 1\nlanguages: [en]\ntitle: {en: T}\n"
	    "intro: {en: \"Line 1\\nLine 2\"}\nsections:\n"
	    "  - id: s\n    title: {en: S}\n    questions:\n"
	    "      - {id: a, type: yesno, label: {en: A?}}\n"
	    "      - {id: b, type: number, label: {en: B?}, min: -5, max: 5,\n"
	    "         show_if: a == yes or not a == no and a == yes}\n";
	static const char want[] =
	    "format 13:avslut-form-1\n"
	    "id 4:tiny\n"
	    "version 1:1\n"
	    "languages 2:en\n"
	    "title.en 1:T\n"
	    "intro.en 13:Line 1\nLine 2\n"
	    "section 1:s\n"
	    "section.title.en 1:S\n"
	    "question 1:a\n"
	    "type 5:yesno\n"
	    "label.en 2:A?\n"
	    "required 5:false\n"
	    "report 4:unit\n"
	    "question 1:b\n"
	    "type 6:number\n"
	    "label.en 2:B?\n"
	    "required 5:false\n"
	    "show_if 48:((a == yes) or ((not (a == no)) and (a == yes)))\n"
	    "report 4:unit\n"
	    "min 2:-5\n"
	    "max 1:5\n"
	    "end 0:\n";
	struct form_diags d;
	struct form *f;
	uint8_t h[FORM_HASH_BYTES];
	char hex[2 * FORM_HASH_BYTES + 1];
	size_t len;
	char *c;

	(void)state;
	f = load(yaml, &d);
	if (f == NULL)
		fail_msg("%s", d.msg[0]);
	c = form_canonical(f, &len);
	assert_string_equal(c, want);
	assert_int_equal(len, strlen(want));
	crypto_generichash(h, sizeof h, (const unsigned char *)want,
	    strlen(want), NULL, 0);
	assert_memory_equal(h, f->hash, FORM_HASH_BYTES);
	form_hash_hex(f, hex);
	assert_string_equal(hex, "facbe4103ced428390cdf7d1d9438727c728a57076"
	    "f7ff8303b0c7f782896b82");	/* as in avslut-form(5) */
	free(c);
	form_free(f);
}

/* The shipped form must load (when the real one has landed). */
static void
test_shipped_form(void **state)
{
	struct form_diags d;
	struct form *f;
	char *path;
	size_t i;

	(void)state;
	memset(&d, 0, sizeof d);
	path = xasprintf("%s/forms/exit-interview.yaml",
	    getenv("AVSLUT_SRCDIR") ? getenv("AVSLUT_SRCDIR") : ".");
	f = form_load_file(path, &d);
	free(path);
	if (f == NULL) {
		for (i = 0; i < d.n; i++)
			print_error("%s\n", d.msg[i]);
		form_diags_free(&d);
		fail();
	}
	assert_string_equal(f->id, "exit-interview");
	assert_true(f->nquestions >= 30);
	form_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_good),
		cmocka_unit_test(test_mini_loads),
		cmocka_unit_test(test_err_unknown_key),
		cmocka_unit_test(test_err_unknown_key_section),
		cmocka_unit_test(test_err_wrong_type),
		cmocka_unit_test(test_err_duplicates),
		cmocka_unit_test(test_err_languages),
		cmocka_unit_test(test_err_show_if),
		cmocka_unit_test(test_err_choices),
		cmocka_unit_test(test_err_scale_labels),
		cmocka_unit_test(test_err_number_range),
		cmocka_unit_test(test_err_characters),
		cmocka_unit_test(test_err_yaml_syntax),
		cmocka_unit_test(test_err_all_in_one_run),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_diags_limits),
		cmocka_unit_test(test_expr_parse),
		cmocka_unit_test(test_expr_errors),
		cmocka_unit_test(test_expr_eval),
		cmocka_unit_test(test_visible),
		cmocka_unit_test(test_answer_check),
		cmocka_unit_test(test_short_label),
		cmocka_unit_test(test_hash_stable),
		cmocka_unit_test(test_hash_changes),
		cmocka_unit_test(test_canonical_exact),
		cmocka_unit_test(test_sensitive),
		cmocka_unit_test(test_mode_self),
		cmocka_unit_test(test_expr_words),
		cmocka_unit_test(test_shipped_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
