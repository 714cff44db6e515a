/* record: the binary encoding of one interview (man avslut-record(5)) and
 * its strict decoder. Everything is big-endian, length-prefixed, checked. */
#include "crypto/record.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "util/i18n.h"

static const uint8_t record_magic[4] = { 'A', 'V', 'R', 'C' };

#define FLAG_OTHER 0x01
#define FLAG_TEXT 0x02
#define FLAGS_KNOWN (FLAG_OTHER | FLAG_TEXT)

/* --- validation shared by the encoder and the decoder --------------------- */

/* The unit code: clean UTF-8 (it reaches terminals and reports), no
 * newline, no NUL, 1..RECORD_MAX_UNIT bytes. */
static int
valid_unit(const char *s, size_t n)
{
	size_t bad;
	uint32_t cp;

	if (n == 0 || n > RECORD_MAX_UNIT || memchr(s, '\0', n) != NULL)
		return 0;
	return utf8_clean(s, n, 0, &bad, &cp);
}

/* Form ids as avslut-form(5) defines them: [a-z0-9][a-z0-9-]{0,63}. */
static int
valid_form_id(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (c == '-' && i > 0)
			continue;
		return 0;
	}
	return 1;
}

/* Language codes: [a-z]{2,3}. */
static int
valid_lang(const char *s, size_t n)
{
	size_t i;

	if (n < 2 || n > 3)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	return 1;
}

/* Answer text: valid UTF-8 with no NUL; which characters a question
 * allows is form_answer_check's business (record_check). */
static int
valid_text(const char *s, size_t n)
{
	if (n > RECORD_MAX_TEXT || memchr(s, '\0', n) != NULL)
		return 0;
	return utf8_valid(s, n, NULL);
}

static int
check_header(const struct record *r, struct err *e)
{
	if (r->unit == NULL || !valid_unit(r->unit, strlen(r->unit)))
		return err_setc(e, ERR_DATA,
		    _("record: the unit code is missing or not "
		      "valid (1..%d bytes of printable UTF-8)"),
		    RECORD_MAX_UNIT);
	if (r->year < RECORD_YEAR_MIN || r->year > RECORD_YEAR_MAX)
		return err_setc(e, ERR_DATA,
		    _("record: year %u is outside "
		      "%d..%d"),
		    (unsigned)r->year, RECORD_YEAR_MIN, RECORD_YEAR_MAX);
	if (r->quarter > 4)
		return err_setc(e, ERR_DATA,
		    _("record: quarter %u is not 0..4"), (unsigned)r->quarter);
	if (r->form_id == NULL ||
	    !valid_form_id(r->form_id, strlen(r->form_id)))
		return err_setc(e, ERR_DATA,
		    _("record: the form id is missing or not valid"));
	if (r->form_version < 1)
		return err_setc(e, ERR_DATA,
		    _("record: form version 0 is not "
		      "valid"));
	if (r->lang == NULL || !valid_lang(r->lang, strlen(r->lang)))
		return err_setc(e, ERR_DATA,
		    _("record: the language code is "
		      "missing or not valid"));
	if (r->nanswers > FORM_MAX_QUESTIONS)
		return err_setc(e, ERR_DATA,
		    _("record: %zu answers, at most %d "
		      "allowed"),
		    r->nanswers, FORM_MAX_QUESTIONS);
	if (r->nanswers > 0 && r->answers == NULL)
		return err_setc(e, ERR_DATA, _("record: answers missing"));
	return 0;
}

/* --- encoder -------------------------------------------------------------- */

int
record_encode(const struct record *r, uint8_t **out, size_t *len, struct err *e)
{
	struct buf w = BUF_INIT;
	size_t i;

	*out = NULL;
	*len = 0;
	if (check_header(r, e) == -1)
		return -1;
	/* check_header bounds every string below its u8 length */
	buf_put(&w, record_magic, sizeof record_magic);
	buf_put_u16(&w, RECORD_VERSION);
	(void)!buf_put_str8(&w, r->unit, strlen(r->unit));
	buf_put_u16(&w, r->year);
	buf_put_u8(&w, r->quarter);
	(void)!buf_put_str8(&w, r->form_id, strlen(r->form_id));
	buf_put_u32(&w, r->form_version);
	buf_put(&w, r->form_hash, FORM_HASH_BYTES);
	(void)!buf_put_str8(&w, r->lang, strlen(r->lang));
	buf_put_u16(&w, (uint16_t)r->nanswers);
	for (i = 0; i < r->nanswers; i++) {
		const struct form_answer *a = &r->answers[i];
		size_t tl = a->text != NULL ? strlen(a->text) : 0;
		uint8_t flags = 0;

		if (a->state > FORM_ANSWERED) {
			err_setc(e, ERR_DATA,
			    _("record: answer %zu: state %u "
			      "is not valid"),
			    i + 1, (unsigned)a->state);
			goto fail;
		}
		buf_put_u8(&w, a->state);
		if (a->state != FORM_ANSWERED)
			continue;
		if (a->other > 1) {
			err_setc(e, ERR_DATA,
			    _("record: answer %zu: other flag %u is not "
			      "0 or 1"),
			    i + 1, (unsigned)a->other);
			goto fail;
		}
		if (a->text != NULL && !valid_text(a->text, tl)) {
			err_setc(e, ERR_DATA,
			    _("record: answer %zu: the text is longer than "
			      "%d bytes or not valid UTF-8"),
			    i + 1, RECORD_MAX_TEXT);
			goto fail;
		}
		if (a->other)
			flags |= FLAG_OTHER;
		if (a->text != NULL)
			flags |= FLAG_TEXT;
		buf_put_u8(&w, flags);
		buf_put_u32(&w, (uint32_t)a->num);
		buf_put_u64(&w, a->choices);
		if (a->text != NULL)
			(void)!buf_put_str32(&w, a->text, tl);
		if (buf_len(&w) > RECORD_MAX_BYTES) {
			err_setc(e, ERR_DATA,
			    _("record: longer than %d bytes: shorten the "
			      "text answers"),
			    RECORD_MAX_BYTES);
			goto fail;
		}
	}
	*out = buf_steal(&w, len);
	return 0;
fail:
	buf_free(&w);
	return -1;
}

/* --- decoder -------------------------------------------------------------- */

struct rbuf {
	struct buf_rd r;
	struct err *e;
};

/* The reader failed: name the field and where the input ended. */
static int
truncated(struct rbuf *b, const char *what)
{
	return err_setc(b->e, ERR_DATA,
	    _("record: truncated: %s needs %zu bytes at "
	      "offset %zu, only %zu left"),
	    what, b->r.need, buf_rd_off(&b->r), buf_rd_left(&b->r));
}

/* A string of n bytes from the input, copied and NUL-terminated. */
static int
r_str(struct rbuf *b, size_t n, const char *what, char **out)
{
	const uint8_t *q = NULL;

	if (buf_get_ptr(&b->r, n, &q) == -1)
		return truncated(b, what);
	/* All n bytes, NULs included, so the checks see what was sent. */
	*out = xmalloc(n + 1);
	memcpy(*out, q, n);
	(*out)[n] = '\0';
	return 0;
}

/* A u8 length, then that string. */
static int
r_str8(struct rbuf *b, const char *lwhat, const char *what, char **out,
    uint8_t *n)
{
	if (buf_get_u8(&b->r, n) == -1)
		return truncated(b, lwhat);
	return r_str(b, *n, what, out);
}

static int
decode_answer(struct rbuf *b, size_t i, struct form_answer *a)
{
	struct buf_rd *r = &b->r;
	const uint8_t *q = NULL;
	uint8_t flags;
	uint32_t num, tl;

	if (buf_get_u8(r, &a->state) == -1)
		return truncated(b, "answer state");
	if (a->state > FORM_ANSWERED)
		return err_setc(b->e, ERR_DATA,
		    _("record: answer %zu: state %u is not valid"), i + 1,
		    (unsigned)a->state);
	if (a->state != FORM_ANSWERED)
		return 0;
	/* Flags, value and choices in one take when all 13 bytes are there
	 * (a refusal names no offset); field by field otherwise, so that a
	 * truncation names the field it cut. */
	if (buf_rd_left(r) >= 13 && buf_get_ptr(r, 13, &q) == 0) {
		flags = q[0];
		num = buf_load_u32(q + 1);
		a->choices = buf_load_u64(q + 5);
	} else if (buf_get_u8(r, &flags) == -1)
		return truncated(b, "answer flags");
	if (flags & ~FLAGS_KNOWN)
		return err_setc(b->e, ERR_DATA,
		    _("record: answer %zu: unknown "
		      "flags 0x%02x"),
		    i + 1, (unsigned)flags);
	a->other = (flags & FLAG_OTHER) != 0;
	if (q == NULL && buf_get_u32(r, &num) == -1)
		return truncated(b, "answer value");
	/* Two's complement back to int32 without implementation-defined
	 * conversion. */
	a->num = num <= INT32_MAX ? (int32_t)num : -(int32_t)(~num) - 1;
	if (q == NULL && buf_get_u64(r, &a->choices) == -1)
		return truncated(b, "answer choices");
	if (!(flags & FLAG_TEXT))
		return 0;
	if (buf_get_u32(r, &tl) == -1)
		return truncated(b, "text length");
	if (tl > RECORD_MAX_TEXT)
		return err_setc(b->e, ERR_DATA,
		    _("record: answer %zu: text of %lu bytes, at "
		      "most %d allowed"),
		    i + 1, (unsigned long)tl, RECORD_MAX_TEXT);
	if (r_str(b, tl, "answer text", &a->text) == -1)
		return -1;
	if (!valid_text(a->text, tl)) {
		/* strlen would stop at a NUL: wipe all of it here. */
		xfree_wipe(a->text, (size_t)tl + 1);
		a->text = NULL;
		return err_setc(b->e, ERR_DATA,
		    _("record: answer %zu: the text "
		      "is not valid UTF-8 or holds a NUL byte"),
		    i + 1);
	}
	return 0;
}

static int
decode(struct record *r, struct rbuf *b)
{
	struct buf_rd *rd = &b->r;
	uint16_t version, n16;
	uint8_t n8;
	size_t i;

	if (buf_rd_left(rd) < sizeof record_magic ||
	    memcmp(rd->p, record_magic, sizeof record_magic) != 0)
		return err_setc(b->e, ERR_DATA,
		    _("not an avslut record (bad "
		      "magic)"));
	(void)buf_skip(rd, sizeof record_magic);
	if (buf_get_u16(rd, &version) == -1)
		return truncated(b, "version");
	if (version > RECORD_VERSION)
		return err_setc(b->e, ERR_DATA,
		    _("record version %u is newer than this "
		      "program understands: upgrade avslut-hr"),
		    (unsigned)version);
	if (version < 1)
		return err_setc(b->e, ERR_DATA,
		    _("record version 0 is not "
		      "valid"));
	if (rd->len > RECORD_MAX_BYTES)
		return err_setc(b->e, ERR_DATA,
		    _("record: %zu bytes, at most "
		      "%d allowed"),
		    rd->len, RECORD_MAX_BYTES);

	if (r_str8(b, "unit length", "unit code", &r->unit, &n8) == -1)
		return -1;
	if (!valid_unit(r->unit, n8))
		return err_setc(b->e, ERR_DATA,
		    _("record: the unit code is not "
		      "valid"));
	if (buf_get_u16(rd, &r->year) == -1)
		return truncated(b, "year");
	if (r->year < RECORD_YEAR_MIN || r->year > RECORD_YEAR_MAX)
		return err_setc(b->e, ERR_DATA,
		    _("record: year %u is outside "
		      "%d..%d"),
		    (unsigned)r->year, RECORD_YEAR_MIN, RECORD_YEAR_MAX);
	if (buf_get_u8(rd, &r->quarter) == -1)
		return truncated(b, "quarter");
	if (r->quarter > 4)
		return err_setc(b->e, ERR_DATA,
		    _("record: quarter %u is not "
		      "0..4"),
		    (unsigned)r->quarter);
	if (r_str8(b, "form id length", "form id", &r->form_id, &n8) == -1)
		return -1;
	if (!valid_form_id(r->form_id, n8))
		return err_setc(b->e, ERR_DATA,
		    _("record: the form id is not "
		      "valid"));
	if (buf_get_u32(rd, &r->form_version) == -1)
		return truncated(b, "form version");
	if (r->form_version < 1)
		return err_setc(b->e, ERR_DATA,
		    _("record: form version 0 is "
		      "not valid"));
	if (buf_get(rd, r->form_hash, FORM_HASH_BYTES) == -1)
		return truncated(b, "form hash");
	if (r_str8(b, "language length", "language", &r->lang, &n8) == -1)
		return -1;
	if (!valid_lang(r->lang, n8))
		return err_setc(b->e, ERR_DATA,
		    _("record: the language code is "
		      "not valid"));
	if (buf_get_u16(rd, &n16) == -1)
		return truncated(b, "answer count");
	if (n16 > FORM_MAX_QUESTIONS)
		return err_setc(b->e, ERR_DATA,
		    _("record: %u answers, at most "
		      "%d allowed"),
		    (unsigned)n16, FORM_MAX_QUESTIONS);
	/* Each answer takes at least one byte: a count the input cannot
	 * hold is refused before allocating for it. */
	if (n16 > buf_rd_left(rd))
		return err_setc(b->e, ERR_DATA,
		    _("record: truncated: %u answers cannot fit "
		      "in the %zu bytes left"),
		    (unsigned)n16, buf_rd_left(rd));
	r->nanswers = n16;
	if (n16 > 0)
		r->answers = xcalloc(n16, sizeof *r->answers);
	for (i = 0; i < r->nanswers; i++)
		if (decode_answer(b, i, &r->answers[i]) == -1)
			return -1;
	if (buf_rd_left(rd) != 0)
		return err_setc(b->e, ERR_DATA,
		    _("record: %zu trailing byte%s after the "
		      "last answer"),
		    buf_rd_left(rd), buf_rd_left(rd) == 1 ? "" : "s");
	return 0;
}

int
record_decode(struct record *r, const uint8_t *buf, size_t len, struct err *e)
{
	struct rbuf b;

	buf_rd_init(&b.r, buf, len);
	b.e = e;
	memset(r, 0, sizeof *r);
	if (decode(r, &b) == -1) {
		record_free(r);
		return -1;
	}
	return 0;
}

/* --- checks and freeing --------------------------------------------------- */

/* 0 if question i is shown whatever the answers (neither it nor its
 * section has a show_if): form_visible need not run. */
static int
record_may_hide(const struct form *f, size_t i)
{
	const struct form_question *q = &f->questions[i];

	return q->show_if != NULL ||
	    (q->section < f->nsections &&
		f->sections[q->section].show_if != NULL);
}

int
record_check(const struct record *r, const struct form *f, struct err *e)
{
	size_t i;

	if (strcmp(r->form_id, f->id) != 0)
		return err_setc(e, ERR_DATA, _("record is for form %s, not %s"),
		    r->form_id, f->id);
	if (r->form_version != f->version)
		return err_setc(e, ERR_DATA,
		    _("record is for %s version %lu, "
		      "not %lu"),
		    f->id, (unsigned long)r->form_version,
		    (unsigned long)f->version);
	if (memcmp(r->form_hash, f->hash, FORM_HASH_BYTES) != 0)
		return err_setc(e, ERR_DATA,
		    _("record's form hash does not match %s "
		      "version %lu: the form was changed without a new version"),
		    f->id, (unsigned long)f->version);
	if (form_lang_index(f, r->lang) < 0)
		return err_setc(e, ERR_DATA,
		    _("record is in language %s, which form %s "
		      "does not have"),
		    r->lang, f->id);
	if (r->nanswers != f->nquestions)
		return err_setc(e, ERR_DATA,
		    _("record has %zu answers, form %s has %zu "
		      "questions"),
		    r->nanswers, f->id, f->nquestions);
	for (i = 0; i < r->nanswers; i++)
		if (form_answer_check(f, i, &r->answers[i], e) == -1)
			return err_prefix(e, _("record"));
	/* The session records a hidden question as "not shown"; an answer
	 * to a question its own answers hide was not made by avslut. */
	for (i = 0; i < r->nanswers; i++)
		if (r->answers[i].state != FORM_NOT_SHOWN &&
		    record_may_hide(f, i) && !form_visible(f, i, r->answers))
			return err_setc(e, ERR_DATA,
			    _("record: question '%s' "
			      "has an answer but the other answers hide it"),
			    f->questions[i].id);
	return 0;
}

void
record_free(struct record *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nanswers; i++)
		xfree_str_wipe(r->answers[i].text);
	if (r->answers != NULL)
		xfree_wipe(r->answers, r->nanswers * sizeof *r->answers);
	free(r->unit);
	free(r->form_id);
	free(r->lang);
	sodium_memzero(r, sizeof *r);
}
