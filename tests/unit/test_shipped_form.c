/* Unit tests for the shipped forms/exit-interview.yaml: it loads, keeps
 * SKR's nine HME statements word for word, and its skip logic works. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/embed.h"
#include "form/form.h"
#include "util/xmem.h"

/* SKR's HME statements as ../shared/HME.md gives them. The form must
 * carry them unchanged, or the leavers' index cannot be compared. */
static const char *const hme[9] = {
	"Mitt arbete känns meningsfullt.",
	"Jag lär nytt och utvecklas i mitt dagliga arbete.",
	"Jag ser fram emot att gå till arbetet.",
	"Min närmaste chef visar uppskattning för mina arbetsinsatser.",
	"Min närmaste chef visar förtroende för mig som medarbetare.",
	"Min närmaste chef ger mig förutsättningar att ta ansvar i mitt arbete.",
	"Jag är insatt i min arbetsplats mål.",
	"Min arbetsplats mål följs upp och utvärderas på ett bra sätt.",
	"Jag vet vad som förväntas av mig i mitt arbete.",
};
static const char *const hme_theme[3] = { "hme_motivation",
	"hme_ledarskap", "hme_styrning" };

static int
setup(void **state)
{
	const char *root = getenv("AVSLUT_SRCDIR");
	char *path = xasprintf("%s/forms/exit-interview.yaml",
	    root != NULL ? root : ".");
	struct form_diags d = { .n = 0 };
	struct form *f = form_load_file(path, &d);

	free(path);
	if (f == NULL) {
		print_error("%s\n", d.n ? d.msg[0] : "?");
		form_diags_free(&d);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	form_free(*state);
	return 0;
}

static const struct form_question *
question(const struct form *f, const char *id)
{
	long i = form_find(f, id);

	if (i < 0)
		fail_msg("no question %s", id);
	return &f->questions[i];
}

static long
choice(const struct form_question *q, const char *id)
{
	size_t i;

	for (i = 0; i < q->nchoices; i++)
		if (strcmp(q->choices[i].id, id) == 0)
			return (long)i;
	fail_msg("question %s has no choice %s", q->id, id);
	return -1;
}

static void
test_shape(void **state)
{
	const struct form *f = *state;
	size_t i;

	assert_string_equal(f->id, "exit-interview");
	assert_int_equal(f->nlangs, 2);
	assert_string_equal(f->langs[0], "sv");
	assert_string_equal(f->langs[1], "en");
	assert_true(f->nquestions >= 30 && f->nquestions <= 40);
	for (i = 0; i < f->nquestions; i++)
		if (f->questions[i].theme == NULL)
			fail_msg("%s has no theme", f->questions[i].id);
	/* The intro tells the leaver the points DESIGN.md requires. */
	assert_non_null(strstr(f->intro.s[0], "inte anställd hos din "
	    "arbetsgivare"));
	assert_non_null(strstr(f->intro.s[0], "utan namn"));
	assert_non_null(strstr(f->intro.s[0], "går de inte att ta tillbaka"));
	assert_non_null(strstr(f->intro.s[1], "cannot be withdrawn"));
	assert_non_null(strstr(f->intro.s[1], "not employed by your "
	    "employer"));
}

static void
test_question_types(void **state)
{
	const struct form *f = *state;
	const struct form_question *q;
	static const char *const reasons[] = { "leadership", "workload",
		"schedule", "pay", "competence", "influence", "values",
		"work_environment" };
	size_t i;

	q = question(f, "reasons");
	assert_int_equal(q->type, FORM_MULTI);
	assert_true(q->other);
	assert_int_equal(q->required, FORM_SOFT);
	for (i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		choice(q, reasons[i]);
	q = question(f, "reason_main");
	assert_int_equal(q->type, FORM_SINGLE);
	assert_true(q->other);
	for (i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		choice(q, reasons[i]);
	assert_int_equal(question(f, "enps")->type, FORM_NPS);
	assert_string_equal(question(f, "enps")->theme, "enps");
	assert_int_equal(question(f, "exit_talk_offered")->type, FORM_YESNO);
	assert_int_equal(question(f, "exit_talk_by")->type, FORM_SINGLE);
	assert_int_equal(question(f, "return")->type, FORM_SINGLE);
	assert_int_equal(question(f, "change")->type, FORM_TEXT);
}

static void
test_hme_word_for_word(void **state)
{
	const struct form *f = *state;
	const struct form_question *q;
	char id[8];
	size_t i;

	for (i = 0; i < 9; i++) {
		snprintf(id, sizeof id, "hme_%zu", i + 1);
		q = question(f, id);
		assert_int_equal(q->type, FORM_SCALE);
		assert_string_equal(q->label.s[0], hme[i]);
		assert_string_equal(q->theme, hme_theme[i / 3]);
		assert_int_equal(q->min, 1);
		assert_int_equal(q->max, 5);
		assert_string_equal(q->min_label.s[0], "Stämmer mycket dåligt");
		assert_string_equal(q->max_label.s[0], "Stämmer mycket bra");
		assert_string_equal(q->min_label.s[1], "Strongly disagree");
		assert_string_equal(q->max_label.s[1], "Strongly agree");
		assert_int_equal(q->report, FORM_SCOPE_UNIT);
		assert_null(q->show_if);
		/* All nine in one section, under the lead-in. */
		assert_int_equal(q->section, question(f, "hme_1")->section);
	}
	assert_string_equal(f->sections[question(f, "hme_1")->section]
	    .title.s[0], "Tänk på hur det har varit på arbetsplatsen du nu "
	    "lämnar");
}

/* Profession, years employed and the leadership free text are
 * region-only; the rest is reported per unit. */
static void
test_region_only(void **state)
{
	const struct form *f = *state;
	size_t i, nregion = 0;

	assert_int_equal(question(f, "profession")->report,
	    FORM_SCOPE_REGION);
	assert_int_equal(question(f, "years_employed")->report,
	    FORM_SCOPE_REGION);
	assert_int_equal(question(f, "lead_text")->report, FORM_SCOPE_REGION);
	for (i = 0; i < f->nquestions; i++)
		nregion += f->questions[i].report == FORM_SCOPE_REGION;
	assert_int_equal(nregion, 3);
	assert_int_equal(question(f, "reasons")->report, FORM_SCOPE_UNIT);
}

static void
test_skip_logic(void **state)
{
	const struct form *f = *state;
	struct form_answer *a = xcalloc(f->nquestions, sizeof *a);
	long reasons = form_find(f, "reasons");
	long main_r = form_find(f, "reason_main");
	long what = form_find(f, "lead_what");
	long text = form_find(f, "lead_text");
	long offered = form_find(f, "exit_talk_offered");
	long by = form_find(f, "exit_talk_by");
	const struct form_question *qr = &f->questions[reasons];

	/* Nothing answered: the follow-ups stay hidden. */
	assert_false(form_visible(f, (size_t)what, a));
	assert_false(form_visible(f, (size_t)text, a));
	assert_false(form_visible(f, (size_t)by, a));
	assert_true(form_visible(f, (size_t)reasons, a));
	assert_true(form_visible(f, (size_t)form_find(f, "hme_1"), a));

	/* Leadership among the reasons. */
	a[reasons].state = FORM_ANSWERED;
	a[reasons].choices = (1ull << choice(qr, "workload")) |
	    (1ull << choice(qr, "leadership"));
	assert_true(form_visible(f, (size_t)what, a));
	assert_true(form_visible(f, (size_t)text, a));
	/* Other reasons only: hidden. */
	a[reasons].choices = 1ull << choice(qr, "pay");
	assert_false(form_visible(f, (size_t)what, a));
	/* Leadership as the main reason only. */
	a[main_r].state = FORM_ANSWERED;
	a[main_r].num = (int32_t)choice(&f->questions[main_r], "leadership");
	assert_true(form_visible(f, (size_t)what, a));
	/* "Prefer not to answer" does not open the follow-ups. */
	a[main_r].state = FORM_DECLINED;
	a[reasons].state = FORM_DECLINED;
	assert_false(form_visible(f, (size_t)what, a));

	/* Who held the exit conversation: only if one was offered. */
	a[offered].state = FORM_ANSWERED;
	a[offered].num = FORM_YES;
	assert_true(form_visible(f, (size_t)by, a));
	a[offered].num = FORM_NO;
	assert_false(form_visible(f, (size_t)by, a));
	a[offered].state = FORM_DECLINED;
	assert_false(form_visible(f, (size_t)by, a));
	free(a);
}

/* The copy compiled into the programs is the same form. */
static void
test_embedded(void **state)
{
	const struct form *f = *state;
	struct form_diags d = { .n = 0 };
	struct form *e = form_load_buf("embedded",
	    (const char *)embed_forms_exit_interview_yaml,
	    embed_forms_exit_interview_yaml_len, &d);

	assert_non_null(e);
	assert_memory_equal(e->hash, f->hash, FORM_HASH_BYTES);
	form_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_question_types),
		cmocka_unit_test(test_hme_word_for_word),
		cmocka_unit_test(test_region_only),
		cmocka_unit_test(test_skip_logic),
		cmocka_unit_test(test_embedded),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
