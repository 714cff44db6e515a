/* record: the binary encoding of one interview (man avslut-record(5)) and
 * its strict decoder. Everything is big-endian, length-prefixed, checked. */
#include "crypto/record.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"
#include "util/xmem.h"

static const uint8_t record_magic[4] = {'A', 'V', 'R', 'C'};

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
		    "record: the unit code is missing or not "
		    "valid (1..%d bytes of printable UTF-8)",
		    RECORD_MAX_UNIT);
	if (r->year < RECORD_YEAR_MIN || r->year > RECORD_YEAR_MAX)
		return err_setc(e, ERR_DATA, "record: year %u is outside "
		    "%d..%d",
		    (unsigned)r->year, RECORD_YEAR_MIN, RECORD_YEAR_MAX);
	if (r->quarter > 4)
		return err_setc(e, ERR_DATA,
		    "record: quarter %u is not 0..4", (unsigned)r->quarter);
	if (r->form_id == NULL ||
	    !valid_form_id(r->form_id, strlen(r->form_id)))
		return err_setc(e, ERR_DATA,
		    "record: the form id is missing or not valid");
	if (r->form_version < 1)
		return err_setc(e, ERR_DATA, "record: form version 0 is not "
		    "valid");
	if (r->lang == NULL || !valid_lang(r->lang, strlen(r->lang)))
		return err_setc(e, ERR_DATA, "record: the language code is "
		    "missing or not valid");
	if (r->nanswers > FORM_MAX_QUESTIONS)
		return err_setc(e, ERR_DATA, "record: %zu answers, at most %d "
		    "allowed",
		    r->nanswers, FORM_MAX_QUESTIONS);
	if (r->nanswers > 0 && r->answers == NULL)
		return err_setc(e, ERR_DATA, "record: answers missing");
	return 0;
}

/* --- encoder -------------------------------------------------------------- */

struct wbuf {
	uint8_t *p;
	size_t len, cap;
};

/* Grow by doubling; the old buffer holds answers, so it is wiped. */
static void
w_put(struct wbuf *w, const void *src, size_t n)
{
	if (w->cap - w->len < n) {
		size_t cap = w->cap ? w->cap : 256;
		uint8_t *np;

		while (cap - w->len < n)
			cap *= 2;
		np = xmalloc(cap);
		if (w->len > 0)
			memcpy(np, w->p, w->len);
		if (w->p != NULL)
			xfree_wipe(w->p, w->cap);
		w->p = np;
		w->cap = cap;
	}
	memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void
w_u8(struct wbuf *w, uint8_t v)
{
	w_put(w, &v, 1);
}

static void
w_u16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	w_put(w, b, 2);
}

static void
w_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v};

	w_put(w, b, 4);
}

static void
w_u64(struct wbuf *w, uint64_t v)
{
	w_u32(w, (uint32_t)(v >> 32));
	w_u32(w, (uint32_t)v);
}

int
record_encode(const struct record *r, uint8_t **out, size_t *len, struct err *e)
{
	struct wbuf w = {NULL, 0, 0};
	size_t i;

	*out = NULL;
	*len = 0;
	if (check_header(r, e) == -1)
		return -1;
	w_put(&w, record_magic, sizeof record_magic);
	w_u16(&w, RECORD_VERSION);
	w_u8(&w, (uint8_t)strlen(r->unit));
	w_put(&w, r->unit, strlen(r->unit));
	w_u16(&w, r->year);
	w_u8(&w, r->quarter);
	w_u8(&w, (uint8_t)strlen(r->form_id));
	w_put(&w, r->form_id, strlen(r->form_id));
	w_u32(&w, r->form_version);
	w_put(&w, r->form_hash, FORM_HASH_BYTES);
	w_u8(&w, (uint8_t)strlen(r->lang));
	w_put(&w, r->lang, strlen(r->lang));
	w_u16(&w, (uint16_t)r->nanswers);
	for (i = 0; i < r->nanswers; i++) {
		const struct form_answer *a = &r->answers[i];
		size_t tl = a->text != NULL ? strlen(a->text) : 0;
		uint8_t flags = 0;

		if (a->state > FORM_ANSWERED) {
			err_setc(e, ERR_DATA, "record: answer %zu: state %u "
			    "is not valid",
			    i + 1, (unsigned)a->state);
			goto fail;
		}
		w_u8(&w, a->state);
		if (a->state != FORM_ANSWERED)
			continue;
		if (a->other > 1) {
			err_setc(e, ERR_DATA,
			    "record: answer %zu: other flag %u is not "
			    "0 or 1",
			    i + 1, (unsigned)a->other);
			goto fail;
		}
		if (a->text != NULL && !valid_text(a->text, tl)) {
			err_setc(e, ERR_DATA,
			    "record: answer %zu: the text is longer than "
			    "%d bytes or not valid UTF-8",
			    i + 1, RECORD_MAX_TEXT);
			goto fail;
		}
		if (a->other)
			flags |= FLAG_OTHER;
		if (a->text != NULL)
			flags |= FLAG_TEXT;
		w_u8(&w, flags);
		w_u32(&w, (uint32_t)a->num);
		w_u64(&w, a->choices);
		if (a->text != NULL) {
			w_u32(&w, (uint32_t)tl);
			w_put(&w, a->text, tl);
		}
		if (w.len > RECORD_MAX_BYTES) {
			err_setc(e, ERR_DATA,
			    "record: longer than %d bytes: shorten the "
			    "text answers",
			    RECORD_MAX_BYTES);
			goto fail;
		}
	}
	*out = w.p;
	*len = w.len;
	return 0;
fail:
	if (w.p != NULL)
		xfree_wipe(w.p, w.cap);
	return -1;
}

/* --- decoder -------------------------------------------------------------- */

struct rbuf {
	const uint8_t *p;
	size_t len, off;
	struct err *e;
};

/* Take n bytes, or fail naming the field and where the input ended. */
static int
r_take(struct rbuf *b, size_t n, const char *what, const uint8_t **out)
{
	if (b->len - b->off < n)
		return err_setc(b->e, ERR_DATA,
		    "record: truncated: %s needs %zu bytes at "
		    "offset %zu, only %zu left",
		    what, n, b->off, b->len - b->off);
	*out = b->p + b->off;
	b->off += n;
	return 0;
}

static int
r_u8(struct rbuf *b, const char *what, uint8_t *v)
{
	const uint8_t *q = NULL;

	if (r_take(b, 1, what, &q) == -1)
		return -1;
	*v = q[0];
	return 0;
}

static int
r_u16(struct rbuf *b, const char *what, uint16_t *v)
{
	const uint8_t *q = NULL;

	if (r_take(b, 2, what, &q) == -1)
		return -1;
	*v = (uint16_t)((unsigned)q[0] << 8 | q[1]);
	return 0;
}

static int
r_u32(struct rbuf *b, const char *what, uint32_t *v)
{
	const uint8_t *q = NULL;

	if (r_take(b, 4, what, &q) == -1)
		return -1;
	*v = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 |
	     q[3];
	return 0;
}

static int
r_u64(struct rbuf *b, const char *what, uint64_t *v)
{
	uint32_t hi, lo;

	if (r_u32(b, what, &hi) == -1 || r_u32(b, what, &lo) == -1)
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

/* A string of n bytes from the input, copied and NUL-terminated. */
static int
r_str(struct rbuf *b, size_t n, const char *what, char **out)
{
	const uint8_t *q = NULL;

	if (r_take(b, n, what, &q) == -1)
		return -1;
	/* All n bytes, NULs included, so the checks see what was sent. */
	*out = xmalloc(n + 1);
	memcpy(*out, q, n);
	(*out)[n] = '\0';
	return 0;
}

static int
decode_answer(struct rbuf *b, size_t i, struct form_answer *a)
{
	uint8_t flags;
	uint32_t num, tl;

	if (r_u8(b, "answer state", &a->state) == -1)
		return -1;
	if (a->state > FORM_ANSWERED)
		return err_setc(b->e, ERR_DATA,
		    "record: answer %zu: state %u is not valid", i + 1,
		    (unsigned)a->state);
	if (a->state != FORM_ANSWERED)
		return 0;
	if (r_u8(b, "answer flags", &flags) == -1)
		return -1;
	if (flags & ~FLAGS_KNOWN)
		return err_setc(b->e, ERR_DATA, "record: answer %zu: unknown "
		    "flags 0x%02x",
		    i + 1, (unsigned)flags);
	a->other = (flags & FLAG_OTHER) != 0;
	if (r_u32(b, "answer value", &num) == -1)
		return -1;
	/* Two's complement back to int32 without implementation-defined
	 * conversion. */
	a->num = num <= INT32_MAX ? (int32_t)num : -(int32_t)(~num) - 1;
	if (r_u64(b, "answer choices", &a->choices) == -1)
		return -1;
	if (!(flags & FLAG_TEXT))
		return 0;
	if (r_u32(b, "text length", &tl) == -1)
		return -1;
	if (tl > RECORD_MAX_TEXT)
		return err_setc(b->e, ERR_DATA,
		    "record: answer %zu: text of %lu bytes, at "
		    "most %d allowed",
		    i + 1, (unsigned long)tl, RECORD_MAX_TEXT);
	if (r_str(b, tl, "answer text", &a->text) == -1)
		return -1;
	if (!valid_text(a->text, tl)) {
		/* strlen would stop at a NUL: wipe all of it here. */
		xfree_wipe(a->text, (size_t)tl + 1);
		a->text = NULL;
		return err_setc(b->e, ERR_DATA, "record: answer %zu: the text "
		    "is not valid UTF-8 or holds a NUL byte", i + 1);
	}
	return 0;
}

static int
decode(struct record *r, struct rbuf *b)
{
	const uint8_t *q = NULL;
	uint16_t version, n16;
	uint8_t n8;
	size_t i;

	if (b->len < sizeof record_magic ||
	    memcmp(b->p, record_magic, sizeof record_magic) != 0)
		return err_setc(b->e, ERR_DATA, "not an avslut record (bad "
		    "magic)");
	b->off = sizeof record_magic;
	if (r_u16(b, "version", &version) == -1)
		return -1;
	if (version > RECORD_VERSION)
		return err_setc(b->e, ERR_DATA,
		    "record version %u is newer than this "
		    "program understands: upgrade avslut-hr",
		    (unsigned)version);
	if (version < 1)
		return err_setc(b->e, ERR_DATA, "record version 0 is not "
		    "valid");
	if (b->len > RECORD_MAX_BYTES)
		return err_setc(b->e, ERR_DATA, "record: %zu bytes, at most "
		    "%d allowed",
		    b->len, RECORD_MAX_BYTES);

	if (r_u8(b, "unit length", &n8) == -1 ||
	    r_str(b, n8, "unit code", &r->unit) == -1)
		return -1;
	if (!valid_unit(r->unit, n8))
		return err_setc(b->e, ERR_DATA, "record: the unit code is not "
		    "valid");
	if (r_u16(b, "year", &r->year) == -1)
		return -1;
	if (r->year < RECORD_YEAR_MIN || r->year > RECORD_YEAR_MAX)
		return err_setc(b->e, ERR_DATA, "record: year %u is outside "
		    "%d..%d",
		    (unsigned)r->year, RECORD_YEAR_MIN, RECORD_YEAR_MAX);
	if (r_u8(b, "quarter", &r->quarter) == -1)
		return -1;
	if (r->quarter > 4)
		return err_setc(b->e, ERR_DATA, "record: quarter %u is not "
		    "0..4",
		    (unsigned)r->quarter);
	if (r_u8(b, "form id length", &n8) == -1 ||
	    r_str(b, n8, "form id", &r->form_id) == -1)
		return -1;
	if (!valid_form_id(r->form_id, n8))
		return err_setc(b->e, ERR_DATA, "record: the form id is not "
		    "valid");
	if (r_u32(b, "form version", &r->form_version) == -1)
		return -1;
	if (r->form_version < 1)
		return err_setc(b->e, ERR_DATA, "record: form version 0 is "
		    "not valid");
	if (r_take(b, FORM_HASH_BYTES, "form hash", &q) == -1)
		return -1;
	memcpy(r->form_hash, q, FORM_HASH_BYTES);
	if (r_u8(b, "language length", &n8) == -1 ||
	    r_str(b, n8, "language", &r->lang) == -1)
		return -1;
	if (!valid_lang(r->lang, n8))
		return err_setc(b->e, ERR_DATA, "record: the language code is "
		    "not valid");
	if (r_u16(b, "answer count", &n16) == -1)
		return -1;
	if (n16 > FORM_MAX_QUESTIONS)
		return err_setc(b->e, ERR_DATA, "record: %u answers, at most "
		    "%d allowed",
		    (unsigned)n16, FORM_MAX_QUESTIONS);
	/* Each answer takes at least one byte: a count the input cannot
	 * hold is refused before allocating for it. */
	if (n16 > b->len - b->off)
		return err_setc(b->e, ERR_DATA,
		    "record: truncated: %u answers cannot fit "
		    "in the %zu bytes left",
		    (unsigned)n16, b->len - b->off);
	r->nanswers = n16;
	if (n16 > 0)
		r->answers = xcalloc(n16, sizeof *r->answers);
	for (i = 0; i < r->nanswers; i++)
		if (decode_answer(b, i, &r->answers[i]) == -1)
			return -1;
	if (b->off != b->len)
		return err_setc(b->e, ERR_DATA,
		    "record: %zu trailing byte%s after the "
		    "last answer",
		    b->len - b->off, b->len - b->off == 1 ? "" : "s");
	return 0;
}

int
record_decode(struct record *r, const uint8_t *buf, size_t len, struct err *e)
{
	struct rbuf b = {buf, len, 0, e};

	memset(r, 0, sizeof *r);
	if (decode(r, &b) == -1) {
		record_free(r);
		return -1;
	}
	return 0;
}

/* --- checks and freeing --------------------------------------------------- */

int
record_check(const struct record *r, const struct form *f, struct err *e)
{
	size_t i;

	if (strcmp(r->form_id, f->id) != 0)
		return err_setc(e, ERR_DATA,
		    "record is for form %s, not %s", r->form_id, f->id);
	if (r->form_version != f->version)
		return err_setc(e, ERR_DATA, "record is for %s version %lu, "
		    "not %lu",
		    f->id, (unsigned long)r->form_version,
		    (unsigned long)f->version);
	if (memcmp(r->form_hash, f->hash, FORM_HASH_BYTES) != 0)
		return err_setc(e, ERR_DATA,
		    "record's form hash does not match %s "
		    "version %lu: the form was changed without a new version",
		    f->id, (unsigned long)f->version);
	if (form_lang_index(f, r->lang) < 0)
		return err_setc(e, ERR_DATA,
		    "record is in language %s, which form %s "
		    "does not have",
		    r->lang, f->id);
	if (r->nanswers != f->nquestions)
		return err_setc(e, ERR_DATA,
		    "record has %zu answers, form %s has %zu "
		    "questions",
		    r->nanswers, f->id, f->nquestions);
	for (i = 0; i < r->nanswers; i++)
		if (form_answer_check(f, i, &r->answers[i], e) == -1)
			return err_prefix(e, "record");
	/* The session records a hidden question as "not shown"; an answer
	 * to a question its own answers hide was not made by avslut. */
	for (i = 0; i < r->nanswers; i++)
		if (r->answers[i].state != FORM_NOT_SHOWN &&
		    !form_visible(f, i, r->answers))
			return err_setc(e, ERR_DATA, "record: question '%s' "
			    "has an answer but the other answers hide it",
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
