/* Unit tests for src/crypto/record: round trips of every answer kind, the
 * strict decoder against truncation, flipped bytes and future versions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/record.h"
#include "util/fsx.h"
#include "util/xmem.h"

#define NQ 13
#define SV_TEXT "Hälsa på å ä ö Å Ä Ö 😀\nrad två"

/* A record with one answer of every kind and every state. */
static void
sample(struct record *r)
{
	struct form_answer *a;
	size_t i;

	memset(r, 0, sizeof *r);
	r->unit = xstrdup("AVD-12 Ortopedi");
	r->year = 2026;
	r->quarter = 4;
	r->form_id = xstrdup("exit-interview");
	r->form_version = 3;
	for (i = 0; i < FORM_HASH_BYTES; i++)
		r->form_hash[i] = (uint8_t)(i * 7 + 1);
	r->lang = xstrdup("sv");
	r->nanswers = NQ;
	r->answers = a = xcalloc(NQ, sizeof *a);
	a[0] = (struct form_answer){FORM_ANSWERED, 0, 2, 0, NULL};
	a[1] = (struct form_answer){
	    FORM_ANSWERED, 1, -1, 0, xstrdup("annat, nämligen: chefen")};
	a[2] = (struct form_answer){
	    FORM_ANSWERED, 1, 0, UINT64_C(0x8000000000000005), xstrdup("😀 ö")};
	a[3] = (struct form_answer){FORM_ANSWERED, 0, 4, 0, NULL};
	a[4] = (struct form_answer){FORM_ANSWERED, 0, 0, 0, NULL};
	a[5] = (struct form_answer){FORM_ANSWERED, 0, FORM_YES, 0, NULL};
	a[6] = (struct form_answer){FORM_ANSWERED, 0, -123456, 0, NULL};
	a[7] = (struct form_answer){FORM_ANSWERED, 0, 0, 0, xstrdup(SV_TEXT)};
	a[8] = (struct form_answer){FORM_NOT_SHOWN, 0, 0, 0, NULL};
	a[9] = (struct form_answer){FORM_SKIPPED, 0, 0, 0, NULL};
	a[10] = (struct form_answer){FORM_DECLINED, 0, 0, 0, NULL};
	a[11] = (struct form_answer){FORM_ANSWERED, 0, INT32_MIN, 0, NULL};
	a[12] =
	    (struct form_answer){FORM_ANSWERED, 0, INT32_MAX, 0, xstrdup("")};
}

static void
encode_sample(uint8_t **buf, size_t *len)
{
	struct record r;
	struct err e = { .msg = "" };

	sample(&r);
	assert_int_equal(record_encode(&r, buf, len, &e), 0);
	record_free(&r);
}

static void
assert_same(const struct record *a, const struct record *b)
{
	size_t i;

	assert_string_equal(a->unit, b->unit);
	assert_int_equal(a->year, b->year);
	assert_int_equal(a->quarter, b->quarter);
	assert_string_equal(a->form_id, b->form_id);
	assert_int_equal(a->form_version, b->form_version);
	assert_memory_equal(a->form_hash, b->form_hash, FORM_HASH_BYTES);
	assert_string_equal(a->lang, b->lang);
	assert_int_equal(a->nanswers, b->nanswers);
	for (i = 0; i < a->nanswers; i++) {
		const struct form_answer *x = &a->answers[i],
					 *y = &b->answers[i];

		assert_int_equal(x->state, y->state);
		assert_int_equal(x->other, y->other);
		assert_int_equal(x->num, y->num);
		assert_true(x->choices == y->choices);
		if (x->text == NULL)
			assert_null(y->text);
		else
			assert_string_equal(x->text, y->text);
	}
}

static void
test_round_trip(void **state)
{
	struct record r, d;
	struct err e = { .msg = "" };
	uint8_t *buf, *buf2;
	size_t len, len2;

	(void)state;
	sample(&r);
	assert_int_equal(record_encode(&r, &buf, &len, &e), 0);
	assert_int_equal(record_decode(&d, buf, len, &e), 0);
	assert_same(&r, &d);
	assert_string_equal(d.answers[7].text, SV_TEXT);
	assert_int_equal(d.answers[11].num, INT32_MIN);
	assert_true(d.answers[2].choices == UINT64_C(0x8000000000000005));
	/* The encoding is canonical: decoding and encoding again gives the
	 * same bytes. */
	assert_int_equal(record_encode(&d, &buf2, &len2, &e), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(buf, buf2, len);
	free(buf);
	free(buf2);
	record_free(&r);
	record_free(&d);
	assert_null(d.unit);
	assert_null(d.answers);
	record_free(&d); /* twice is harmless */
	/* The year as a period: quarter 0. */
	sample(&r);
	r.quarter = 0;
	assert_int_equal(record_encode(&r, &buf, &len, &e), 0);
	assert_int_equal(record_decode(&d, buf, len, &e), 0);
	assert_int_equal(d.quarter, 0);
	free(buf);
	record_free(&r);
	record_free(&d);
}

/* An answer that was not given carries nothing but its state. */
static void
test_unanswered_carries_nothing(void **state)
{
	struct record r, d;
	struct err e = { .msg = "" };
	uint8_t *buf;
	size_t len, len_clean;

	(void)state;
	sample(&r);
	assert_int_equal(record_encode(&r, &buf, &len_clean, &e), 0);
	free(buf);
	r.answers[10].num = 7;
	r.answers[10].other = 1;
	r.answers[10].choices = 3;
	r.answers[10].text = xstrdup("stale");
	assert_int_equal(record_encode(&r, &buf, &len, &e), 0);
	assert_int_equal(len, len_clean);
	assert_int_equal(record_decode(&d, buf, len, &e), 0);
	assert_int_equal(d.answers[10].state, FORM_DECLINED);
	assert_int_equal(d.answers[10].num, 0);
	assert_int_equal(d.answers[10].other, 0);
	assert_null(d.answers[10].text);
	free(buf);
	record_free(&r);
	record_free(&d);
}

/* Every prefix of a valid record is refused with a message that says
 * what was cut. */
static void
test_truncation(void **state)
{
	struct record d;
	struct err e;
	uint8_t *buf, *cut;
	size_t len, n;
	int flags = 0, value = 0, choices = 0;

	(void)state;
	encode_sample(&buf, &len);
	for (n = 0; n < len; n++) {
		/* A copy of exactly n bytes, so ASan sees any over-read. */
		cut = xmalloc(n ? n : 1);
		memcpy(cut, buf, n);
		err_clear(&e);
		assert_int_equal(record_decode(&d, cut, n, &e), -1);
		if (n < 4)
			assert_string_equal(
			    e.msg, "not an avslut record (bad magic)");
		else if (strstr(e.msg, "record: truncated") == NULL)
			fail_msg("length %zu: %s", n, e.msg);
		/* a cut inside an answer's fixed fields names the field */
		flags += strstr(e.msg, "truncated: answer flags needs 1 ") != NULL;
		value += strstr(e.msg, "truncated: answer value needs 4 ") != NULL;
		choices +=
		    strstr(e.msg, "truncated: answer choices needs 8 ") != NULL;
		assert_null(d.unit);
		assert_null(d.answers);
		free(cut);
	}
	assert_true(flags > 0);
	assert_true(value > 0);
	assert_true(choices > 0);
	free(buf);
}

/* A changed byte anywhere is refused with a message, or decodes to a
 * record that encodes back to exactly those bytes (a changed value in a
 * text or the hash is not the decoder's to notice; record_check and the
 * seal are). */
static void
test_flipped_bytes(void **state)
{
	static const uint8_t masks[] = {0x01, 0x80, 0xff};
	struct record d;
	struct err e;
	uint8_t *buf, *bad, *again;
	size_t len, alen, i, m, refused = 0;

	(void)state;
	encode_sample(&buf, &len);
	bad = xmalloc(len);
	for (i = 0; i < len; i++) {
		for (m = 0; m < sizeof masks; m++) {
			memcpy(bad, buf, len);
			bad[i] ^= masks[m];
			err_clear(&e);
			if (record_decode(&d, bad, len, &e) == -1) {
				assert_true(e.msg[0] != '\0');
				refused++;
				continue;
			}
			assert_int_equal(
			    record_encode(&d, &again, &alen, &e), 0);
			assert_int_equal(alen, len);
			assert_memory_equal(again, bad, len);
			free(again);
			record_free(&d);
		}
	}
	/* Most structural bytes are checked. */
	assert_true(refused > len / 2);
	free(bad);
	free(buf);
}

static void
test_trailing_and_magic(void **state)
{
	struct record d;
	struct err e;
	uint8_t *buf, *big;
	size_t len;

	(void)state;
	encode_sample(&buf, &len);
	big = xmalloc(len + 2);
	memcpy(big, buf, len);
	big[len] = 0;
	big[len + 1] = 0;
	assert_int_equal(record_decode(&d, big, len + 1, &e), -1);
	assert_string_equal(
	    e.msg, "record: 1 trailing byte after the last answer");
	assert_int_equal(record_decode(&d, big, len + 2, &e), -1);
	assert_string_equal(
	    e.msg, "record: 2 trailing bytes after the last answer");
	memcpy(big, "AVRX", 4);
	assert_int_equal(record_decode(&d, big, len, &e), -1);
	assert_string_equal(e.msg, "not an avslut record (bad magic)");
	free(big);
	free(buf);
}

static void
test_versions(void **state)
{
	struct record d;
	struct err e;
	uint8_t *buf;
	size_t len;

	(void)state;
	encode_sample(&buf, &len);
	assert_int_equal(buf[4], 0);
	assert_int_equal(buf[5], RECORD_VERSION);
	buf[5] = 9;
	assert_int_equal(record_decode(&d, buf, len, &e), -1);
	assert_string_equal(e.msg, "record version 9 is newer than this "
				   "program understands: upgrade avslut-hr");
	/* Refused by version before anything else, even if truncated. */
	assert_int_equal(record_decode(&d, buf, 6, &e), -1);
	assert_string_equal(e.msg, "record version 9 is newer than this "
				   "program understands: upgrade avslut-hr");
	buf[4] = 1;
	buf[5] = 0;
	assert_int_equal(record_decode(&d, buf, len, &e), -1);
	assert_string_equal(e.msg, "record version 256 is newer than this "
				   "program understands: upgrade avslut-hr");
	buf[4] = 0;
	assert_int_equal(record_decode(&d, buf, len, &e), -1);
	assert_string_equal(e.msg, "record version 0 is not valid");
	free(buf);
}

/* Byte offset of field parts in the sample's encoding. */
#define OFF_UNIT 6
#define UNIT_LEN 15 /* "AVD-12 Ortopedi" */
#define OFF_YEAR (OFF_UNIT + 1 + UNIT_LEN)
#define OFF_QUARTER (OFF_YEAR + 2)
#define OFF_FORMID (OFF_QUARTER + 1)
#define OFF_FORMVER (OFF_FORMID + 1 + 14)
#define OFF_LANG (OFF_FORMVER + 4 + FORM_HASH_BYTES)
#define OFF_COUNT (OFF_LANG + 3)
#define OFF_A0 (OFF_COUNT + 2)

static void
expect_refused(
    const uint8_t *buf, size_t len, size_t off, uint8_t v, const char *msg)
{
	struct record d;
	struct err e;
	uint8_t *bad = xmalloc(len);

	memcpy(bad, buf, len);
	bad[off] = v;
	assert_int_equal(record_decode(&d, bad, len, &e), -1);
	assert_string_equal(e.msg, msg);
	free(bad);
}

static void
test_bad_values(void **state)
{
	uint8_t *buf;
	size_t len;

	(void)state;
	encode_sample(&buf, &len);
	assert_int_equal(buf[OFF_UNIT], UNIT_LEN);
	assert_int_equal(buf[OFF_COUNT + 1], NQ);
	assert_int_equal(buf[OFF_A0], FORM_ANSWERED);
	expect_refused(
	    buf, len, OFF_A0, 4, "record: answer 1: state 4 is not valid");
	expect_refused(
	    buf, len, OFF_A0 + 1, 0x04, "record: answer 1: unknown flags 0x04");
	expect_refused(
	    buf, len, OFF_QUARTER, 5, "record: quarter 5 is not 0..4");
	expect_refused(buf, len, OFF_YEAR, 0x0b,
	    "record: year 3050 is outside 2000..2999");
	free(buf);
}

static void
test_bad_strings(void **state)
{
	uint8_t *buf;
	size_t len;

	(void)state;
	encode_sample(&buf, &len);
	expect_refused(
	    buf, len, OFF_UNIT + 1, 0x1b, "record: the unit code is not valid");
	expect_refused(
	    buf, len, OFF_UNIT + 1, 0, "record: the unit code is not valid");
	expect_refused(
	    buf, len, OFF_UNIT, 0, "record: the unit code is not valid");
	expect_refused(
	    buf, len, OFF_FORMID + 1, 'E', "record: the form id is not valid");
	expect_refused(
	    buf, len, OFF_FORMID + 1, '-', "record: the form id is not valid");
	expect_refused(buf, len, OFF_FORMVER + 3, 0,
	    "record: form version 0 is not valid");
	expect_refused(buf, len, OFF_LANG + 1, 'S',
	    "record: the language code is not valid");
	expect_refused(
	    buf, len, OFF_LANG, 4, "record: the language code is not valid");
	free(buf);
}

/* Counts and lengths far beyond the input are refused without
 * allocating for them. */
static void
test_absurd_lengths(void **state)
{
	struct record d;
	struct err e;
	uint8_t *buf, *bad;
	size_t len, off;

	(void)state;
	encode_sample(&buf, &len);
	bad = xmalloc(len);
	memcpy(bad, buf, len);
	bad[OFF_COUNT] = 0xff;
	bad[OFF_COUNT + 1] = 0xff;
	assert_int_equal(record_decode(&d, bad, len, &e), -1);
	assert_string_equal(e.msg, "record: 65535 answers, at most 1000 "
				   "allowed");
	bad[OFF_COUNT] = 0x03;
	bad[OFF_COUNT + 1] = 0xe8; /* 1000 */
	assert_int_equal(record_decode(&d, bad, len, &e), -1);
	assert_non_null(strstr(e.msg, "record: truncated: 1000 answers"));
	/* Answer 2 (other, with text): state, flags, num, choices, length. */
	memcpy(bad, buf, len);
	off = OFF_A0 + 1 + 1 + 4 + 8;
	assert_int_equal(bad[off], FORM_ANSWERED);
	assert_int_equal(bad[off + 1], 0x03);
	off += 1 + 1 + 4 + 8;
	memset(bad + off, 0xff, 4);
	assert_int_equal(record_decode(&d, bad, len, &e), -1);
	assert_string_equal(e.msg, "record: answer 2: text of 4294967295 "
				   "bytes, at most 40000 allowed");
	bad[off] = 0;
	bad[off + 1] = 0;
	bad[off + 2] = 0x9c;
	bad[off + 3] = 0x40; /* 40000: allowed, but not there */
	assert_int_equal(record_decode(&d, bad, len, &e), -1);
	assert_non_null(strstr(e.msg, "record: truncated: answer text needs "
				      "40000 bytes"));
	free(bad);
	free(buf);
}

static void
test_bad_text(void **state)
{
	struct record r, d;
	struct err e;
	uint8_t *buf;
	size_t len, off;
	char *big;

	(void)state;
	sample(&r);
	xfree_str_wipe(r.answers[7].text);
	r.answers[7].text = xstrdup("bad \xc3 utf8");
	assert_int_equal(record_encode(&r, &buf, &len, &e), -1);
	assert_string_equal(e.msg, "record: answer 8: the text is longer "
				   "than 40000 bytes or not valid UTF-8");
	xfree_str_wipe(r.answers[7].text);
	big = xmalloc(RECORD_MAX_TEXT + 2);
	memset(big, 'a', RECORD_MAX_TEXT + 1);
	big[RECORD_MAX_TEXT + 1] = '\0';
	r.answers[7].text = big;
	assert_int_equal(record_encode(&r, &buf, &len, &e), -1);
	big[RECORD_MAX_TEXT] = '\0';
	assert_int_equal(record_encode(&r, &buf, &len, &e), 0);
	assert_int_equal(record_decode(&d, buf, len, &e), 0);
	assert_int_equal(strlen(d.answers[7].text), RECORD_MAX_TEXT);
	record_free(&d);
	/* A NUL or an invalid sequence inside a text is refused. */
	for (off = OFF_A0; memcmp(buf + off, "aaaaaaaa", 8) != 0; off++)
		assert_true(off + 8 < len);
	buf[off + 5] = 0;
	assert_int_equal(record_decode(&d, buf, len, &e), -1);
	assert_string_equal(e.msg, "record: answer 8: the text is not valid "
				   "UTF-8 or holds a NUL byte");
	buf[off + 5] = 0xc3;
	assert_int_equal(record_decode(&d, buf, len, &e), -1);
	free(buf);
	record_free(&r);
}

static void
test_encode_refuses(void **state)
{
	struct record r;
	struct err e;
	uint8_t *buf = (uint8_t *)"x";
	size_t len = 1;

	(void)state;
	sample(&r);
	r.year = 1999;
	assert_int_equal(record_encode(&r, &buf, &len, &e), -1);
	assert_string_equal(e.msg, "record: year 1999 is outside 2000..2999");
	assert_null(buf);
	assert_int_equal(len, 0);
	r.year = 2026;
	free(r.lang);
	r.lang = xstrdup("SV");
	assert_int_equal(record_encode(&r, &buf, &len, &e), -1);
	assert_non_null(strstr(e.msg, "language code"));
	free(r.lang);
	r.lang = xstrdup("sv");
	r.answers[3].state = 9;
	assert_int_equal(record_encode(&r, &buf, &len, &e), -1);
	assert_string_equal(e.msg, "record: answer 4: state 9 is not valid");
	r.answers[3].state = FORM_ANSWERED;
	r.answers[3].other = 2;
	assert_int_equal(record_encode(&r, &buf, &len, &e), -1);
	r.answers[3].other = 0;
	free(r.unit);
	r.unit = xstrdup("");
	assert_int_equal(record_encode(&r, &buf, &len, &e), -1);
	assert_non_null(strstr(e.msg, "unit code"));
	record_free(&r);
}

/* A small hand-built form matching the sample: enough for record_check. */
static struct form *
sample_form(void)
{
	static const enum form_type types[NQ] = {FORM_SINGLE, FORM_SINGLE,
	    FORM_MULTI, FORM_SCALE, FORM_NPS, FORM_YESNO, FORM_NUMBER,
	    FORM_TEXT, FORM_TEXT, FORM_TEXT, FORM_SCALE, FORM_NUMBER,
	    FORM_NUMBER};
	struct form *f = xcalloc(1, sizeof *f);
	size_t i;

	f->id = "exit-interview";
	f->version = 3;
	f->langs[0] = "sv";
	f->langs[1] = "en";
	f->nlangs = 2;
	for (i = 0; i < FORM_HASH_BYTES; i++)
		f->hash[i] = (uint8_t)(i * 7 + 1);
	f->nquestions = NQ;
	f->questions = xcalloc(NQ, sizeof *f->questions);
	for (i = 0; i < NQ; i++) {
		struct form_question *q = &f->questions[i];

		q->id = xasprintf("q%zu", i + 1);
		q->type = types[i];
		q->max_length = 2000;
		q->min = 1;
		q->max = 5;
	}
	f->questions[0].nchoices = 3;
	f->questions[1].nchoices = 3;
	f->questions[1].other = 1;
	f->questions[2].nchoices = 64;
	f->questions[2].other = 1;
	f->questions[4].min = 0;
	f->questions[4].max = 10;
	f->questions[5].min = 0;
	f->questions[5].max = 1;
	f->questions[6].min = -1000000;
	f->questions[6].max = 1000000;
	f->questions[11].min = INT32_MIN;
	f->questions[11].max = INT32_MAX;
	f->questions[12].min = INT32_MIN;
	f->questions[12].max = INT32_MAX;
	return f;
}

static void
free_form(struct form *f)
{
	size_t i;

	for (i = 0; i < f->nquestions; i++)
		free(f->questions[i].id);
	free(f->questions);
	free(f);
}

static void
test_check(void **state)
{
	struct form *f = sample_form();
	struct record r;
	struct err e;

	(void)state;
	sample(&r);
	xfree_str_wipe(r.answers[12].text); /* a number holds no text */
	r.answers[12].text = NULL;
	if (record_check(&r, f, &e) == -1)
		fail_msg("%s", e.msg);
	f->hash[31] ^= 1;
	assert_int_equal(record_check(&r, f, &e), -1);
	assert_string_equal(e.msg,
	    "record's form hash does not match "
	    "exit-interview version 3: the form was changed without a new "
	    "version");
	f->hash[31] ^= 1;
	f->version = 4;
	assert_int_equal(record_check(&r, f, &e), -1);
	assert_string_equal(e.msg, "record is for exit-interview version 3, "
				   "not 4");
	f->version = 3;
	f->id = "other-form";
	assert_int_equal(record_check(&r, f, &e), -1);
	assert_string_equal(
	    e.msg, "record is for form exit-interview, not other-form");
	f->id = "exit-interview";
	f->nquestions = NQ - 1;
	assert_int_equal(record_check(&r, f, &e), -1);
	assert_string_equal(e.msg, "record has 13 answers, form "
				   "exit-interview has 12 questions");
	f->nquestions = NQ;
	free(r.lang);
	r.lang = xstrdup("fi");
	assert_int_equal(record_check(&r, f, &e), -1);
	assert_string_equal(e.msg, "record is in language fi, which form "
				   "exit-interview does not have");
	free(r.lang);
	r.lang = xstrdup("en");
	assert_int_equal(record_check(&r, f, &e), 0);
	r.answers[3].num = 9; /* scale 1..5 */
	assert_int_equal(record_check(&r, f, &e), -1);
	assert_string_equal(e.msg, "record: question 'q4': 9 is outside 1..5");
	r.answers[3].num = 5;
	r.answers[10].text = xstrdup("stale"); /* declined, with a text */
	assert_int_equal(record_check(&r, f, &e), -1);
	assert_non_null(strstr(e.msg, "record: question 'q11'"));
	record_free(&r);
	free_form(f);
}

static const char cond_form[] = "id: t\n"
				"version: 1\n"
				"languages: [sv]\n"
				"title: {sv: T}\n"
				"intro: {sv: I}\n"
				"sections:\n"
				"  - id: s\n"
				"    title: {sv: S}\n"
				"    questions:\n"
				"      - id: a\n"
				"        type: yesno\n"
				"        label: {sv: A}\n"
				"      - id: b\n"
				"        type: text\n"
				"        label: {sv: B}\n"
				"        show_if: \"a == yes\"\n";

/* An answer to a question that the record's own answers hide is refused;
 * "not shown" for it, or any state for a shown one, is fine. */
static void
test_check_hidden(void **state)
{
	struct form_diags diags;
	struct form *f;
	struct record r;
	struct err e;

	(void)state;
	memset(&diags, 0, sizeof diags);
	f = form_load_buf("t.yaml", cond_form, strlen(cond_form), &diags);
	if (f == NULL)
		fail_msg("%s", diags.n > 0 ? diags.msg[0] : "no form");
	memset(&r, 0, sizeof r);
	r.unit = xstrdup("U");
	r.year = 2026;
	r.form_id = xstrdup("t");
	r.form_version = 1;
	memcpy(r.form_hash, f->hash, FORM_HASH_BYTES);
	r.lang = xstrdup("sv");
	r.nanswers = 2;
	r.answers = xcalloc(2, sizeof *r.answers);
	r.answers[0].state = FORM_ANSWERED;
	r.answers[0].num = FORM_YES;
	r.answers[1].state = FORM_ANSWERED;
	r.answers[1].text = xstrdup("synlig");
	assert_int_equal(record_check(&r, f, &e), 0);
	r.answers[0].num = FORM_NO;
	assert_int_equal(record_check(&r, f, &e), -1);
	assert_string_equal(e.msg, "record: question 'b' has an answer but "
				   "the other answers hide it");
	form_answer_clear(&r.answers[1]);
	r.answers[1].state = FORM_DECLINED;
	assert_int_equal(record_check(&r, f, &e), -1);
	r.answers[1].state = FORM_NOT_SHOWN;
	assert_int_equal(record_check(&r, f, &e), 0);
	r.answers[0].state = FORM_DECLINED;
	r.answers[0].num = 0;
	assert_int_equal(record_check(&r, f, &e), 0);
	record_free(&r);
	form_free(f);
	form_diags_free(&diags);
}

/* The fuzz seeds were written by hand from avslut-record(5), not by this
 * encoder: they pin the documented format. */
static void
test_seeds(void **state)
{
	static const char *const names[] = {
	    "every-kind", "no-answers", "unanswered"};
	const char *src = getenv("AVSLUT_SRCDIR");
	struct record r, want;
	struct err e;
	char *path, *buf;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		path = xasprintf("%s/tests/fuzz/corpus/fuzz_record/%s",
		    src != NULL ? src : ".", names[i]);
		if (fsx_read_file(path, 65536, &buf, &len, &e) == -1)
			fail_msg("%s", e.msg);
		if (record_decode(&r, (uint8_t *)buf, len, &e) == -1)
			fail_msg("%s: %s", path, e.msg);
		if (i == 0) {
			sample(&want);
			assert_same(&want, &r);
			record_free(&want);
		}
		record_free(&r);
		free(buf);
		free(path);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_unanswered_carries_nothing),
	    cmocka_unit_test(test_truncation),
	    cmocka_unit_test(test_flipped_bytes),
	    cmocka_unit_test(test_trailing_and_magic),
	    cmocka_unit_test(test_versions),
	    cmocka_unit_test(test_bad_values),
	    cmocka_unit_test(test_bad_strings),
	    cmocka_unit_test(test_absurd_lengths),
	    cmocka_unit_test(test_bad_text),
	    cmocka_unit_test(test_encode_refuses),
	    cmocka_unit_test(test_check),
	    cmocka_unit_test(test_check_hidden),
	    cmocka_unit_test(test_seeds),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
