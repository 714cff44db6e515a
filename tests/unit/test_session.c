/* Unit tests for src/interview/session: answers, live show_if, navigation,
 * validation, progress, the review, and the strict draft encoding. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "config/embed.h"
#include "crypto/record.h"
#include "form/form.h"
#include "interview/session.h"
#include "util/xmem.h"

static const char form_yaml[] =
    "id: test-form\n"
    "version: 2\n"
    "languages: [sv, en]\n"
    "title: {sv: Test, en: Test}\n"
    "intro: {sv: Inledning, en: Introduction}\n"
    "sections:\n"
    "  - id: first\n"
    "    title: {sv: Del 1, en: Part 1}\n"
    "    questions:\n"
    "      - id: reason\n"			/* 0 */
    "        type: single\n"
    "        label: {sv: Varför?, en: Why?}\n"
    "        required: true\n"
    "        choices:\n"
    "          - id: pay\n"
    "            label: {sv: Lön, en: Pay}\n"
    "          - id: boss\n"
    "            label: {sv: Chef, en: Boss}\n"
    "      - id: boss_score\n"		/* 1 */
    "        type: scale\n"
    "        label: {sv: Chefen, en: The boss}\n"
    "        show_if: \"reason == boss\"\n"
    "        min_label: {sv: Dålig, en: Bad}\n"
    "        max_label: {sv: Bra, en: Good}\n"
    "      - id: boss_text\n"		/* 2 */
    "        type: text\n"
    "        label: {sv: Berätta, en: Tell}\n"
    "        show_if: \"boss_score <= 2\"\n"
    "        max_length: 10\n"
    "      - id: many\n"			/* 3 */
    "        type: multi\n"
    "        label: {sv: Flera, en: Several}\n"
    "        required: soft\n"
    "        max: 2\n"
    "        choices:\n"
    "          - id: a\n"
    "            label: {sv: A, en: A}\n"
    "          - id: b\n"
    "            label: {sv: B, en: B}\n"
    "          - id: c\n"
    "            label: {sv: C, en: C}\n"
    "      - id: years\n"			/* 4 */
    "        type: number\n"
    "        label: {sv: År, en: Years}\n"
    "        min: 0\n"
    "        max: 50\n"
    "      - id: recommend\n"		/* 5 */
    "        type: nps\n"
    "        label: {sv: Rekommendera, en: Recommend}\n"
    "        min_label: {sv: Inte alls, en: Not at all}\n"
    "        max_label: {sv: Absolut, en: Certainly}\n"
    "      - id: return\n"			/* 6 */
    "        type: yesno\n"
    "        label: {sv: Tillbaka?, en: Come back?}\n"
    "  - id: second\n"
    "    title: {sv: Del 2, en: Part 2}\n"
    "    show_if: \"return == yes\"\n"
    "    questions:\n"
    "      - id: when\n"			/* 7 */
    "        type: text\n"
    "        label: {sv: När?, en: When?}\n"
    "        required: true\n";

enum { Q_REASON, Q_SCORE, Q_BTEXT, Q_MANY, Q_YEARS, Q_NPS, Q_RETURN,
	Q_WHEN, NQ };

static struct form *
load(const char *yaml)
{
	struct form_diags d;
	struct form *f;
	size_t i;

	memset(&d, 0, sizeof d);
	f = form_load_buf("test.yaml", yaml, strlen(yaml), &d);
	for (i = 0; f == NULL && i < d.n; i++)
		print_error("%s\n", d.msg[i]);
	form_diags_free(&d);
	assert_non_null(f);
	return f;
}

static int
setup(void **state)
{
	*state = load(form_yaml);
	return 0;
}

static int
teardown(void **state)
{
	form_free(*state);
	return 0;
}

static struct session *
fresh(const struct form *f)
{
	struct err e;
	struct session *s;

	s = session_new(f, 0, "K1234", 2026, 0, &e);
	assert_non_null(s);
	return s;
}

static void
put_num(struct session *s, size_t q, int32_t v)
{
	struct form_answer a;
	struct err e;

	memset(&a, 0, sizeof a);
	a.state = FORM_ANSWERED;
	a.num = v;
	assert_int_equal(session_put(s, q, &a, &e), 0);
}

static int
put_text(struct session *s, size_t q, const char *t)
{
	struct form_answer a;
	struct err e;

	memset(&a, 0, sizeof a);
	a.state = FORM_ANSWERED;
	a.text = (char *)t;
	return session_put(s, q, &a, &e);
}

static void
test_new(void **state)
{
	const struct form *f = *state;
	struct session *s;
	struct err e;
	size_t i, n;

	assert_int_equal(f->nquestions, NQ);
	s = fresh(f);
	assert_int_equal(session_where(s), SESSION_INTRO);
	assert_string_equal(session_unit(s), "K1234");
	assert_int_equal(session_year(s), 2026);
	assert_int_equal(session_quarter(s), 0);
	session_progress(s, &i, &n);
	assert_int_equal(i, 0);
	assert_int_equal(n, 5);		/* reason many years recommend return */
	assert_true(session_visible(s, Q_REASON));
	assert_false(session_visible(s, Q_SCORE));
	assert_false(session_visible(s, Q_BTEXT));
	assert_false(session_visible(s, Q_WHEN));
	assert_int_equal(session_back(s), -1);
	session_free(s);

	assert_null(session_new(f, 2, "K1", 2026, 0, &e));
	assert_null(session_new(f, -1, "K1", 2026, 0, &e));
	assert_null(session_new(f, 0, "", 2026, 0, &e));
	assert_null(session_new(f, 0, "K\x1b", 2026, 0, &e));
	assert_null(session_new(f, 0, "K1", 2026, 5, &e));
	s = session_new(f, 1, "Avd 3 Öst", 2026, 4, &e);
	assert_non_null(s);
	assert_int_equal(session_lang(s), 1);
	session_free(s);
}

static void
test_required_and_decline(void **state)
{
	const struct form *f = *state;
	struct session *s = fresh(f);
	struct err e;
	size_t i, n;

	assert_int_equal(session_next(s, &e), SESSION_MOVED);	/* intro */
	assert_int_equal(session_where(s), SESSION_QUESTION);
	assert_int_equal(session_pos(s), Q_REASON);
	session_progress(s, &i, &n);
	assert_int_equal(i, 1);
	assert_int_equal(n, 5);
	/* required: true blocks, every time */
	assert_int_equal(session_next(s, &e), SESSION_BLOCKED);
	assert_non_null(strstr(e.msg, "reason"));
	assert_int_equal(session_next(s, &e), SESSION_BLOCKED);
	assert_int_equal(session_pos(s), Q_REASON);
	/* prefer not to answer satisfies it */
	session_decline(s, Q_REASON);
	assert_int_equal(session_answer(s, Q_REASON)->state, FORM_DECLINED);
	assert_int_equal(session_next(s, &e), SESSION_MOVED);
	assert_int_equal(session_pos(s), Q_MANY);
	/* soft warns once, then lets go on, recorded as skipped */
	assert_int_equal(session_next(s, &e), SESSION_WARNED);
	assert_int_equal(session_pos(s), Q_MANY);
	assert_int_equal(session_next(s, &e), SESSION_MOVED);
	assert_int_equal(session_pos(s), Q_YEARS);
	assert_int_equal(session_answer(s, Q_MANY)->state, FORM_SKIPPED);
	/* optional: goes on, skipped */
	assert_int_equal(session_next(s, &e), SESSION_MOVED);
	assert_int_equal(session_answer(s, Q_YEARS)->state, FORM_SKIPPED);
	assert_int_equal(session_pos(s), Q_NPS);
	session_free(s);
}

static void
test_skip_logic(void **state)
{
	const struct form *f = *state;
	struct session *s = fresh(f);
	struct err e;
	size_t i, n;

	session_start(s);
	put_num(s, Q_REASON, 1);			/* boss */
	assert_true(session_visible(s, Q_SCORE));
	assert_false(session_visible(s, Q_BTEXT));
	session_progress(s, &i, &n);
	assert_int_equal(n, 6);
	assert_int_equal(session_next(s, &e), SESSION_MOVED);
	assert_int_equal(session_pos(s), Q_SCORE);
	put_num(s, Q_SCORE, 2);
	assert_true(session_visible(s, Q_BTEXT));
	assert_int_equal(session_next(s, &e), SESSION_MOVED);
	assert_int_equal(session_pos(s), Q_BTEXT);
	assert_int_equal(put_text(s, Q_BTEXT, "Så här"), 0);
	session_progress(s, &i, &n);
	assert_int_equal(i, 3);
	assert_int_equal(n, 7);

	/* un-trigger: both dependants hide, answers kept but not seen */
	put_num(s, Q_REASON, 0);			/* pay */
	assert_false(session_visible(s, Q_SCORE));
	assert_false(session_visible(s, Q_BTEXT));
	assert_int_equal(session_answer(s, Q_SCORE)->num, 2);
	session_progress(s, &i, &n);
	assert_int_equal(n, 5);
	/* re-trigger: they come back with their answers */
	put_num(s, Q_REASON, 1);
	assert_true(session_visible(s, Q_BTEXT));
	assert_string_equal(session_answer(s, Q_BTEXT)->text, "Så här");
	/* a higher score hides only the text */
	put_num(s, Q_SCORE, 4);
	assert_true(session_visible(s, Q_SCORE));
	assert_false(session_visible(s, Q_BTEXT));
	/* a section's show_if */
	put_num(s, Q_RETURN, FORM_YES);
	assert_true(session_visible(s, Q_WHEN));
	put_num(s, Q_RETURN, FORM_NO);
	assert_false(session_visible(s, Q_WHEN));
	/* jump refuses hidden questions */
	assert_int_equal(session_jump(s, Q_BTEXT), -1);
	assert_int_equal(session_jump(s, Q_WHEN), -1);
	assert_int_equal(session_jump(s, NQ), -1);
	assert_int_equal(session_jump(s, Q_YEARS), 0);
	assert_int_equal(session_pos(s), Q_YEARS);
	session_free(s);
}

static void
test_checks(void **state)
{
	const struct form *f = *state;
	struct session *s = fresh(f);
	struct form_answer a;
	struct err e;

	memset(&a, 0, sizeof a);
	a.state = FORM_ANSWERED;
	/* number range */
	a.num = 51;
	assert_int_equal(session_put(s, Q_YEARS, &a, &e), -1);
	a.num = -1;
	assert_int_equal(session_put(s, Q_YEARS, &a, &e), -1);
	assert_int_equal(session_answer(s, Q_YEARS)->state, FORM_NOT_SHOWN);
	a.num = 50;
	assert_int_equal(session_put(s, Q_YEARS, &a, &e), 0);
	/* scale and nps ranges */
	a.num = 6;
	assert_int_equal(session_put(s, Q_SCORE, &a, &e), -1);
	a.num = 11;
	assert_int_equal(session_put(s, Q_NPS, &a, &e), -1);
	a.num = 0;
	assert_int_equal(session_put(s, Q_NPS, &a, &e), 0);
	/* single: choice index */
	a.num = 2;
	assert_int_equal(session_put(s, Q_REASON, &a, &e), -1);
	/* multi: max 2 */
	a.num = 0;
	a.choices = 7;
	assert_int_equal(session_put(s, Q_MANY, &a, &e), -1);
	a.choices = 5;
	assert_int_equal(session_put(s, Q_MANY, &a, &e), 0);
	assert_int_equal(session_answer(s, Q_MANY)->choices, 5);
	/* an empty multi answer is stored as skipped */
	a.choices = 0;
	assert_int_equal(session_put(s, Q_MANY, &a, &e), 0);
	assert_int_equal(session_answer(s, Q_MANY)->state, FORM_SKIPPED);
	/* text: max_length counts characters, not bytes */
	assert_int_equal(put_text(s, Q_BTEXT, "åäöåäöåäöå"), 0);
	assert_int_equal(put_text(s, Q_BTEXT, "åäöåäöåäöåä"), -1);
	assert_string_equal(session_answer(s, Q_BTEXT)->text, "åäöåäöåäöå");
	assert_int_equal(put_text(s, Q_BTEXT, " \n "), 0);
	assert_int_equal(session_answer(s, Q_BTEXT)->state, FORM_SKIPPED);
	assert_null(session_answer(s, Q_BTEXT)->text);
	/* control characters are refused */
	assert_int_equal(put_text(s, Q_BTEXT, "a\x1b[2J"), -1);
	/* declining drops a value */
	session_decline(s, Q_YEARS);
	assert_int_equal(session_answer(s, Q_YEARS)->state, FORM_DECLINED);
	assert_int_equal(session_answer(s, Q_YEARS)->num, 0);
	assert_int_equal(session_put(s, NQ, &a, &e), -1);
	session_free(s);
}

/* Walk to the review answering everything with the given reason. */
static void
walk(struct session *s, int32_t reason)
{
	struct err e;

	session_start(s);
	put_num(s, Q_REASON, reason);
	while (session_where(s) == SESSION_QUESTION) {
		switch (session_pos(s)) {
		case Q_SCORE:
			put_num(s, Q_SCORE, 1);
			break;
		case Q_BTEXT:
			assert_int_equal(put_text(s, Q_BTEXT, "Ärligt 😀"), 0);
			break;
		case Q_MANY:
			session_decline(s, Q_MANY);
			break;
		case Q_YEARS:
			put_num(s, Q_YEARS, 12);
			break;
		case Q_NPS:
			put_num(s, Q_NPS, 9);
			break;
		case Q_RETURN:
			put_num(s, Q_RETURN, FORM_NO);
			break;
		default:
			break;
		}
		assert_int_equal(session_next(s, &e), SESSION_MOVED);
	}
	assert_int_equal(session_where(s), SESSION_REVIEW);
}

static void
test_navigation(void **state)
{
	const struct form *f = *state;
	struct session *s = fresh(f);
	struct err e;
	size_t list[NQ], n, i, t, q;

	walk(s, 0);
	session_progress(s, &i, &t);
	assert_int_equal(i, 5);
	assert_int_equal(t, 5);
	assert_int_equal(session_answered(s), 5);
	n = session_list(s, list);
	assert_int_equal(n, 5);
	assert_int_equal(list[0], Q_REASON);
	assert_int_equal(list[1], Q_MANY);
	assert_int_equal(list[4], Q_RETURN);
	/* back from the review: the last visible question */
	assert_int_equal(session_back(s), 0);
	assert_int_equal(session_pos(s), Q_RETURN);
	assert_int_equal(session_back(s), 0);
	assert_int_equal(session_pos(s), Q_NPS);
	/* change an answer from the review: next returns to the review */
	session_review(s);
	assert_int_equal(session_jump(s, Q_YEARS), 0);
	put_num(s, Q_YEARS, 3);
	assert_int_equal(session_next(s, &e), SESSION_MOVED);
	assert_int_equal(session_where(s), SESSION_REVIEW);
	/* a change that reveals questions walks through the new ones only */
	assert_int_equal(session_jump(s, Q_REASON), 0);
	put_num(s, Q_REASON, 1);
	assert_int_equal(session_next(s, &e), SESSION_MOVED);
	assert_int_equal(session_pos(s), Q_SCORE);
	put_num(s, Q_SCORE, 2);
	assert_int_equal(session_next(s, &e), SESSION_MOVED);
	assert_int_equal(session_pos(s), Q_BTEXT);
	assert_int_equal(session_next(s, &e), SESSION_MOVED);
	assert_int_equal(session_where(s), SESSION_REVIEW);
	assert_int_equal(session_answer(s, Q_BTEXT)->state, FORM_SKIPPED);
	/* back to the intro from the first question */
	assert_int_equal(session_jump(s, Q_REASON), 0);
	assert_int_equal(session_back(s), 0);
	assert_int_equal(session_where(s), SESSION_INTRO);
	session_progress(s, &i, &t);
	assert_int_equal(i, 0);
	/* submit: a revealed required question blocks, until answered */
	put_num(s, Q_RETURN, FORM_YES);
	assert_int_equal(session_submit_check(s, &q, &e), SESSION_BLOCKED);
	assert_int_equal(q, Q_WHEN);
	assert_int_equal(put_text(s, Q_WHEN, "Snart"), 0);
	assert_int_equal(session_submit_check(s, &q, &e), SESSION_MOVED);
	session_free(s);
}

static void
test_submit_soft(void **state)
{
	const struct form *f = *state;
	struct session *s = fresh(f);
	struct err e;
	size_t q = 99;

	/* nothing answered: the required one first */
	assert_int_equal(session_submit_check(s, &q, &e), SESSION_BLOCKED);
	assert_int_equal(q, Q_REASON);
	put_num(s, Q_REASON, 0);
	/* then the soft one, once */
	assert_int_equal(session_submit_check(s, &q, &e), SESSION_WARNED);
	assert_int_equal(q, Q_MANY);
	assert_int_equal(session_submit_check(s, &q, &e), SESSION_MOVED);
	session_free(s);
}

static void
assert_same(const struct session *a, const struct session *b)
{
	const struct form *f = session_form(a);
	const struct form_answer *x, *y;
	size_t q;

	assert_int_equal(session_where(a), session_where(b));
	assert_int_equal(session_pos(a), session_pos(b));
	assert_int_equal(session_lang(a), session_lang(b));
	assert_string_equal(session_unit(a), session_unit(b));
	assert_int_equal(session_year(a), session_year(b));
	assert_int_equal(session_quarter(a), session_quarter(b));
	for (q = 0; q < f->nquestions; q++) {
		x = session_answer(a, q);
		y = session_answer(b, q);
		assert_int_equal(x->state, y->state);
		assert_int_equal(x->other, y->other);
		assert_int_equal(x->num, y->num);
		assert_int_equal(x->choices, y->choices);
		if (x->text == NULL)
			assert_null(y->text);
		else
			assert_string_equal(x->text, y->text);
		assert_int_equal(session_visible(a, q), session_visible(b, q));
	}
}

static void
test_draft_roundtrip(void **state)
{
	const struct form *f = *state;
	struct session *s, *d;
	struct session_info in;
	struct err e;
	uint8_t *buf, *buf2;
	size_t len, len2;

	s = session_new(f, 1, "Avd 3 Öst", 2026, 3, &e);
	assert_non_null(s);
	walk(s, 1);
	assert_int_equal(session_jump(s, Q_BTEXT), 0);
	/* a hidden answer survives the draft too */
	put_num(s, Q_RETURN, FORM_YES);
	put_num(s, Q_RETURN, FORM_NO);
	session_encode(s, &buf, &len);
	d = session_decode(f, buf, len, &e);
	if (d == NULL)
		fail_msg("%s", e.msg);
	assert_same(s, d);
	session_encode(d, &buf2, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(buf, buf2, len);
	assert_int_equal(session_peek(buf, len, &in, &e), 0);
	assert_string_equal(in.form_id, "test-form");
	assert_int_equal(in.form_version, 2);
	assert_memory_equal(in.form_hash, f->hash, FORM_HASH_BYTES);
	assert_string_equal(in.unit, "Avd 3 Öst");
	assert_string_equal(in.lang, "en");
	assert_int_equal(in.year, 2026);
	assert_int_equal(in.quarter, 3);
	assert_int_equal(in.total, 7);
	assert_int_equal(in.answered, 7);
	xfree_wipe(buf2, len2);
	session_free(d);
	session_free(s);
	xfree_wipe(buf, len);

	/* a fresh session at the intro round-trips as well */
	s = fresh(f);
	session_encode(s, &buf, &len);
	d = session_decode(f, buf, len, &e);
	assert_non_null(d);
	assert_same(s, d);
	session_free(d);
	session_free(s);
	xfree_wipe(buf, len);
}

/* A version 1 draft, written by the little-endian encoder before the one
 * codec (util/buf): the session of test_draft_roundtrip, saved then. */
static const uint8_t draft_v1[] = {
	0x41, 0x56, 0x53, 0x44, 0x01, 0x09, 0x74, 0x65, 0x73, 0x74, 0x2d, 0x66,
	0x6f, 0x72, 0x6d, 0x02, 0x00, 0x00, 0x00, 0x3a, 0x42, 0xf8, 0x23, 0xcb,
	0xb8, 0x2f, 0x37, 0x7e, 0xbf, 0x72, 0x79, 0x2b, 0xd7, 0x6c, 0x21, 0xa8,
	0x8f, 0xe0, 0x9c, 0x3e, 0x2c, 0x55, 0x69, 0x61, 0x3e, 0x85, 0x95, 0xcb,
	0x4e, 0x5f, 0x26, 0x0a, 0x41, 0x76, 0x64, 0x20, 0x33, 0x20, 0xc3, 0x96,
	0x73, 0x74, 0x02, 0x65, 0x6e, 0xea, 0x07, 0x03, 0x07, 0x00, 0x00, 0x00,
	0x07, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,
	0x00, 0x00, 0x03, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, 0xc3,
	0x84, 0x72, 0x6c, 0x69, 0x67, 0x74, 0x20, 0xf0, 0x9f, 0x98, 0x80, 0x02,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x0c, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x03, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
};

/* An old draft still opens, as the same session, and saving it writes
 * today's big-endian version 2 (the home screen does so on opening). */
static void
test_draft_v1(void **state)
{
	const struct form *f = *state;
	struct session *s, *d;
	struct session_info in;
	struct err e;
	uint8_t *buf, *buf2;
	size_t len, len2;

	s = session_new(f, 1, "Avd 3 Öst", 2026, 3, &e);
	assert_non_null(s);
	walk(s, 1);
	assert_int_equal(session_jump(s, Q_BTEXT), 0);
	put_num(s, Q_RETURN, FORM_YES);
	put_num(s, Q_RETURN, FORM_NO);

	assert_int_equal(session_peek(draft_v1, sizeof draft_v1, &in, &e), 0);
	assert_int_equal(in.version, 1);
	assert_int_equal(in.form_version, 2);
	assert_int_equal(in.year, 2026);
	assert_int_equal(in.total, 7);
	assert_int_equal(in.answered, 7);
	d = session_decode(f, draft_v1, sizeof draft_v1, &e);
	if (d == NULL)
		fail_msg("%s", e.msg);
	assert_same(s, d);

	/* written back: version 2, big-endian, what a new draft gives */
	session_encode(d, &buf, &len);
	session_encode(s, &buf2, &len2);
	assert_int_equal(len, sizeof draft_v1);
	assert_int_equal(buf[4], SESSION_DRAFT_VERSION);
	assert_int_equal(SESSION_DRAFT_VERSION, 2);
	assert_int_equal(len, len2);
	assert_memory_equal(buf, buf2, len);
	assert_memory_not_equal(buf, draft_v1, len);
	/* the form version (u32 after the form id) is big-endian now */
	assert_memory_equal(buf + 5 + 1 + strlen(f->id), "\0\0\0\2", 4);
	assert_memory_equal(draft_v1 + 5 + 1 + strlen(f->id), "\2\0\0\0", 4);
	assert_int_equal(session_peek(buf, len, &in, &e), 0);
	assert_int_equal(in.version, 2);
	xfree_wipe(buf2, len2);
	xfree_wipe(buf, len);
	session_free(d);
	session_free(s);
}

static void
test_draft_strict(void **state)
{
	const struct form *f = *state;
	struct session *s, *d;
	struct err e;
	uint8_t *buf, *bad;
	size_t len, i;
	struct form *other;
	char *yaml;

	s = fresh(f);
	walk(s, 1);
	session_encode(s, &buf, &len);
	/* every truncation is refused */
	for (i = 0; i < len; i++) {
		d = session_decode(f, buf, i, &e);
		assert_null(d);
	}
	/* a trailing byte is refused */
	bad = xmalloc(len + 1);
	memcpy(bad, buf, len);
	bad[len] = 0;
	assert_null(session_decode(f, bad, len + 1, &e));
	assert_non_null(strstr(e.msg, "after the end"));
	/* flipping any single byte never yields a crash; most are refused */
	for (i = 0; i < len; i++) {
		memcpy(bad, buf, len);
		bad[i] ^= 0x80;
		d = session_decode(f, bad, len, &e);
		session_free(d);
	}
	/* a wrong magic, version, form hash or state byte is refused */
	memcpy(bad, buf, len);
	bad[0] = 'X';
	assert_null(session_decode(f, bad, len, &e));
	memcpy(bad, buf, len);
	bad[4] = 9;
	assert_null(session_decode(f, bad, len, &e));
	memcpy(bad, buf, len);
	bad[5 + 1 + strlen(f->id) + 4] ^= 1;		/* first hash byte */
	assert_null(session_decode(f, bad, len, &e));
	assert_non_null(strstr(e.msg, "not with this form"));
	xfree_wipe(bad, len + 1);

	/* the same form at another version is refused */
	yaml = xstrdup(form_yaml);
	memcpy(strstr(yaml, "version: 2"), "version: 3", 10);
	other = load(yaml);
	assert_null(session_decode(other, buf, len, &e));
	assert_non_null(strstr(e.msg, "not with this form"));
	form_free(other);
	free(yaml);
	xfree_wipe(buf, len);
	session_free(s);
}

/* What record_check asks of a record, checked here directly. */
static void
check_record(const struct record *r, const struct form *f)
{
	struct err e;
	size_t q;

	assert_string_equal(r->form_id, f->id);
	assert_int_equal(r->nanswers, f->nquestions);
	for (q = 0; q < r->nanswers; q++) {
		if (r->answers[q].state == FORM_ANSWERED)
			assert_int_equal(form_answer_check(f, q,
			    &r->answers[q], &e), 0);
		else
			assert_null(r->answers[q].text);
	}
}

static void
test_to_record(void **state)
{
	const struct form *f = *state;
	struct session *s;
	struct record r;
	struct err e;
	uint8_t *buf;
	size_t len;

	s = session_new(f, 1, "VC-ALBY", 2026, 2, &e);
	walk(s, 1);
	/* hide the two boss questions again: their answers are dropped */
	put_num(s, Q_REASON, 0);
	session_to_record(s, &r);
	assert_string_equal(r.unit, "VC-ALBY");
	assert_int_equal(r.year, 2026);
	assert_int_equal(r.quarter, 2);
	assert_string_equal(r.form_id, "test-form");
	assert_int_equal(r.form_version, 2);
	assert_memory_equal(r.form_hash, f->hash, FORM_HASH_BYTES);
	assert_string_equal(r.lang, "en");
	assert_int_equal(r.nanswers, NQ);
	assert_int_equal(r.answers[Q_REASON].state, FORM_ANSWERED);
	assert_int_equal(r.answers[Q_REASON].num, 0);
	assert_int_equal(r.answers[Q_SCORE].state, FORM_NOT_SHOWN);
	assert_int_equal(r.answers[Q_SCORE].num, 0);
	assert_int_equal(r.answers[Q_BTEXT].state, FORM_NOT_SHOWN);
	assert_null(r.answers[Q_BTEXT].text);
	assert_int_equal(r.answers[Q_MANY].state, FORM_DECLINED);
	assert_int_equal(r.answers[Q_YEARS].num, 12);
	assert_int_equal(r.answers[Q_WHEN].state, FORM_NOT_SHOWN);
	check_record(&r, f);
	assert_int_equal(record_encode(&r, &buf, &len, &e), 0);
	xfree_wipe(buf, len);
	record_free(&r);
	session_free(s);

	/* visible questions never reached are "skipped", not "not shown" */
	s = fresh(f);
	put_num(s, Q_REASON, 1);
	session_to_record(s, &r);
	assert_int_equal(r.answers[Q_SCORE].state, FORM_SKIPPED);
	assert_int_equal(r.answers[Q_MANY].state, FORM_SKIPPED);
	assert_int_equal(r.answers[Q_BTEXT].state, FORM_NOT_SHOWN);
	check_record(&r, f);
	record_free(&r);
	session_free(s);
}

/* The shipped form: every question reached by "next", declining each. */
static void
test_shipped_form(void **state)
{
	struct form *f;
	struct session *s;
	struct record r;
	struct err e;
	size_t i, n, steps = 0;
	uint8_t *buf;
	size_t len;

	(void)state;
	f = load((const char *)embed_forms_exit_interview_yaml);
	s = fresh(f);
	session_start(s);
	while (session_where(s) == SESSION_QUESTION) {
		session_progress(s, &i, &n);
		assert_int_equal(i, steps + 1);
		session_decline(s, session_pos(s));
		assert_int_equal(session_next(s, &e), SESSION_MOVED);
		steps++;
	}
	assert_true(steps >= 30);
	assert_int_equal(session_answered(s), steps);
	session_encode(s, &buf, &len);
	session_free(s);
	s = session_decode(f, buf, len, &e);
	assert_non_null(s);
	xfree_wipe(buf, len);
	session_to_record(s, &r);
	check_record(&r, f);
	record_free(&r);
	session_free(s);
	form_free(f);
}

/* mode: self: what the interviewer's screens are given (progress, lists,
 * answered counts, the submit check) never depends on a self answer. */
static void
test_self_masked(void **state)
{
	static const char yaml[] =
	    "id: s\nversion: 1\nlanguages: [sv]\ntitle: {sv: T}\n"
	    "intro: {sv: I}\nsections:\n"
	    "  - id: a\n    title: {sv: A}\n    questions:\n"
	    "      - {id: q1, type: yesno, label: {sv: Q1}}\n"
	    "  - id: b\n    title: {sv: B}\n    mode: self\n    questions:\n"
	    "      - {id: h, type: yesno, label: {sv: H}, required: soft}\n"
	    "      - {id: how, type: text, label: {sv: How}, "
	    "show_if: h == yes, required: true}\n"
	    "      - {id: w, type: yesno, label: {sv: W}}\n"
	    "  - id: c\n    title: {sv: C}\n    questions:\n"
	    "      - {id: q2, type: yesno, label: {sv: Q2}}\n";
	struct form *f = load(yaml);
	struct session *s;
	struct form_answer an;
	struct err e;
	size_t i, n, list[8], q;
	size_t tot[2], lst[2];
	int v;

	(void)state;
	assert_non_null(f);
	for (v = 0; v < 2; v++) {
		s = session_new(f, 0, "U", 2026, 0, &e);
		assert_non_null(s);
		session_start(s);
		memset(&an, 0, sizeof an);
		an.state = FORM_ANSWERED;
		an.num = v ? FORM_YES : FORM_NO;
		assert_int_equal(session_put(s, 1, &an, &e), 0);
		/* the follow-up really opens and closes ... */
		assert_int_equal(session_visible(s, 2), v);
		/* ... but nothing the interviewer sees changes */
		session_progress(s, &i, &n);
		tot[v] = n;
		lst[v] = session_list(s, list);
		assert_int_equal(lst[v], 3);
		assert_int_equal(list[1], 1);
		assert_true(session_self(s, 2));
		assert_false(session_self(s, 4));
		/* the required follow-up is empty, the soft ones too: the
		 * interviewer's submit check says nothing of them */
		an.num = FORM_YES;
		assert_int_equal(session_put(s, 0, &an, &e), 0);
		assert_int_equal(session_put(s, 4, &an, &e), 0);
		assert_int_equal(session_submit_check(s, &q, &e),
		    SESSION_MOVED);
		session_free(s);
	}
	assert_int_equal(tot[0], 5);
	assert_int_equal(tot[0], tot[1]);
	assert_int_equal(lst[0], lst[1]);
	form_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new),
		cmocka_unit_test(test_required_and_decline),
		cmocka_unit_test(test_skip_logic),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_navigation),
		cmocka_unit_test(test_submit_soft),
		cmocka_unit_test(test_draft_roundtrip),
		cmocka_unit_test(test_draft_strict),
		cmocka_unit_test(test_draft_v1),
		cmocka_unit_test(test_to_record),
		cmocka_unit_test(test_shipped_form),
		cmocka_unit_test(test_self_masked),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
