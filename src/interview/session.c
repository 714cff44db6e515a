/* session: one interview's answers, position and live visibility, and the
 * strict binary draft encoding the outbox encrypts. */
#include "interview/session.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"
#include "util/xmem.h"

struct session {
	const struct form *f;
	int lang;
	char *unit;
	uint16_t year;
	uint8_t quarter;
	enum session_where where;
	size_t pos;
	int reviewed;		/* the review has been reached once */
	struct form_answer *ans;	/* stored answers, owned */
	struct form_answer *eff;	/* as seen: hidden ones zeroed;
					 * texts alias ans, never freed */
	uint8_t *vis;		/* 1 if shown */
	uint8_t *warned;	/* soft warning given */
};

#define SESSION_TEXT_MAX (4 * 10000)	/* bytes of one stored text */

/* Recompute visibility in form order. show_if refers only to earlier
 * questions, so one forward pass over the effective answers suffices. */
static void
session_update(struct session *s)
{
	const struct form *f = s->f;
	size_t q;

	for (q = 0; q < f->nquestions; q++) {
		memset(&s->eff[q], 0, sizeof s->eff[q]);
		s->vis[q] = form_visible(f, q, s->eff) ? 1 : 0;
		if (s->vis[q])
			s->eff[q] = s->ans[q];
	}
}

static struct session *
session_alloc(const struct form *f, int lang, const char *unit,
    uint16_t year, uint8_t quarter)
{
	struct session *s;
	size_t n = f->nquestions;

	s = xcalloc(1, sizeof *s);
	s->f = f;
	s->lang = lang;
	s->unit = xstrdup(unit);
	s->year = year;
	s->quarter = quarter;
	s->where = SESSION_INTRO;
	s->ans = xcalloc(n ? n : 1, sizeof *s->ans);
	s->eff = xcalloc(n ? n : 1, sizeof *s->eff);
	s->vis = xcalloc(n ? n : 1, 1);
	s->warned = xcalloc(n ? n : 1, 1);
	return s;
}

struct session *
session_new(const struct form *f, int lang, const char *unit,
    uint16_t year, uint8_t quarter, struct err *e)
{
	struct session *s;
	size_t n = strlen(unit);

	if (lang < 0 || (size_t)lang >= f->nlangs) {
		err_setc(e, ERR_DATA, "form %s has no language %d", f->id,
		    lang);
		return NULL;
	}
	if (n == 0 || n > SESSION_UNIT_MAX || !utf8_clean(unit, n, 0, NULL,
	    NULL)) {
		err_setc(e, ERR_USAGE, "unit codes are 1 to %d bytes of text",
		    SESSION_UNIT_MAX);
		return NULL;
	}
	if (quarter > 4) {
		err_setc(e, ERR_DATA, "quarter %u is not 0 (the year) or 1 to "
		    "4",
		    quarter);
		return NULL;
	}
	s = session_alloc(f, lang, unit, year, quarter);
	session_update(s);
	return s;
}

void
session_free(struct session *s)
{
	size_t q;

	if (s == NULL)
		return;
	for (q = 0; q < s->f->nquestions; q++)
		form_answer_clear(&s->ans[q]);
	free(s->ans);
	free(s->eff);
	free(s->vis);
	free(s->warned);
	free(s->unit);
	free(s);
}

const struct form *
session_form(const struct session *s)
{
	return s->f;
}

int
session_lang(const struct session *s)
{
	return s->lang;
}

const char *
session_unit(const struct session *s)
{
	return s->unit;
}

uint16_t
session_year(const struct session *s)
{
	return s->year;
}

uint8_t
session_quarter(const struct session *s)
{
	return s->quarter;
}

enum session_where
session_where(const struct session *s)
{
	return s->where;
}

size_t
session_pos(const struct session *s)
{
	return s->pos;
}

int
session_visible(const struct session *s, size_t q)
{
	return q < s->f->nquestions && s->vis[q];
}

const struct form_answer *
session_answer(const struct session *s, size_t q)
{
	return &s->ans[q];
}

int
session_visited(const struct session *s, size_t q)
{
	return s->ans[q].state != FORM_NOT_SHOWN;
}

/* 1 if the text holds nothing but white space. */
static int
text_blank(const char *t)
{
	if (t == NULL)
		return 1;
	for (; *t != '\0'; t++)
		if (*t != ' ' && *t != '\n' && *t != '\t' && *t != '\r')
			return 0;
	return 1;
}

/* An "answered" answer that carries nothing: no choice, blank text. */
static int
answer_empty(const struct form_question *qu, const struct form_answer *a)
{
	switch (qu->type) {
	case FORM_MULTI:
		return a->choices == 0 && !a->other;
	case FORM_TEXT:
		return text_blank(a->text);
	default:
		return 0;
	}
}

/* 1 if the answer satisfies "required". */
static int
answer_given(const struct form_answer *a)
{
	return a->state == FORM_ANSWERED || a->state == FORM_DECLINED;
}

int
session_put(struct session *s, size_t q, const struct form_answer *a,
    struct err *e)
{
	const struct form_question *qu;
	struct form_answer *dst;

	if (q >= s->f->nquestions)
		return err_setc(e, ERR_DATA, "no question %zu", q);
	qu = &s->f->questions[q];
	dst = &s->ans[q];
	if (a->state == FORM_DECLINED) {
		session_decline(s, q);
		return 0;
	}
	if (a->state != FORM_ANSWERED || answer_empty(qu, a)) {
		form_answer_clear(dst);
		dst->state = FORM_SKIPPED;
		session_update(s);
		return 0;
	}
	if (form_answer_check(s->f, q, a, e) == -1)
		return -1;
	form_answer_clear(dst);
	dst->state = FORM_ANSWERED;
	dst->other = a->other ? 1 : 0;
	dst->num = a->num;
	dst->choices = a->choices;
	dst->text = a->text != NULL && a->text[0] != '\0' ?
	    xstrdup(a->text) : NULL;
	session_update(s);
	return 0;
}

void
session_decline(struct session *s, size_t q)
{
	if (q >= s->f->nquestions)
		return;
	form_answer_clear(&s->ans[q]);
	s->ans[q].state = FORM_DECLINED;
	session_update(s);
}

/* The first visible question at or after q, or nquestions. */
static size_t
next_visible(const struct session *s, size_t q, int unvisited)
{
	for (; q < s->f->nquestions; q++)
		if (s->vis[q] && (!unvisited || !session_visited(s, q)))
			return q;
	return s->f->nquestions;
}

void
session_start(struct session *s)
{
	size_t q = next_visible(s, 0, 0);

	if (q < s->f->nquestions) {
		s->where = SESSION_QUESTION;
		s->pos = q;
	} else {
		s->where = SESSION_REVIEW;
		s->reviewed = 1;
	}
}

enum session_step
session_next(struct session *s, struct err *e)
{
	const struct form_question *qu;
	struct form_answer *a;
	size_t q;

	if (s->where == SESSION_INTRO) {
		session_start(s);
		return SESSION_MOVED;
	}
	if (s->where == SESSION_REVIEW)
		return SESSION_MOVED;
	qu = &s->f->questions[s->pos];
	a = &s->ans[s->pos];
	if (!answer_given(a)) {
		if (qu->required == FORM_REQUIRED) {
			err_setc(e, ERR_DATA, "question %s needs an answer",
			    qu->id);
			return SESSION_BLOCKED;
		}
		if (qu->required == FORM_SOFT && !s->warned[s->pos]) {
			s->warned[s->pos] = 1;
			err_setc(e, ERR_DATA, "question %s has no answer",
			    qu->id);
			return SESSION_WARNED;
		}
		if (a->state == FORM_NOT_SHOWN)
			a->state = FORM_SKIPPED;
	}
	q = next_visible(s, s->pos + 1, s->reviewed);
	if (q < s->f->nquestions) {
		s->pos = q;
	} else {
		s->where = SESSION_REVIEW;
		s->reviewed = 1;
	}
	return SESSION_MOVED;
}

int
session_back(struct session *s)
{
	size_t q;

	switch (s->where) {
	case SESSION_INTRO:
		return -1;
	case SESSION_REVIEW:
		q = s->f->nquestions;
		break;
	default:
		q = s->pos;
		break;
	}
	while (q > 0) {
		q--;
		if (s->vis[q]) {
			s->where = SESSION_QUESTION;
			s->pos = q;
			return 0;
		}
	}
	s->where = SESSION_INTRO;
	return 0;
}

int
session_jump(struct session *s, size_t q)
{
	if (!session_visible(s, q))
		return -1;
	s->where = SESSION_QUESTION;
	s->pos = q;
	return 0;
}

void
session_review(struct session *s)
{
	s->where = SESSION_REVIEW;
	s->reviewed = 1;
}

int
session_self(const struct session *s, size_t q)
{
	const struct form *f = s->f;

	return q < f->nquestions && f->questions[q].section < f->nsections &&
	    f->sections[f->questions[q].section].self;
}

/* Visibility as the interviewer may know it: a question of a self
 * section counts as shown whenever its section is (the section's show_if
 * may not look at self answers: form.c refuses that), so that counts
 * and lists never depend on what the leaver answered alone. */
static int
session_mvis(const struct session *s, size_t q)
{
	const struct form *f = s->f;

	if (!session_self(s, q))
		return s->vis[q];
	return form_expr_eval(f->sections[f->questions[q].section].show_if,
	    f, s->eff);
}

void
session_progress(const struct session *s, size_t *index, size_t *total)
{
	size_t q, n = 0, i = 0;

	for (q = 0; q < s->f->nquestions; q++) {
		if (!session_mvis(s, q))
			continue;
		n++;
		if (s->where == SESSION_QUESTION && q <= s->pos)
			i++;
	}
	if (s->where == SESSION_REVIEW)
		i = n;
	*index = i;
	*total = n;
}

int
session_self_visited(const struct session *s, size_t q)
{
	const struct form_section *sec =
	    &s->f->sections[s->f->questions[q].section];
	size_t i;

	for (i = sec->first; i < sec->first + sec->count; i++)
		if (s->vis[i] && session_visited(s, i))
			return 1;
	return 0;
}

size_t
session_answered(const struct session *s)
{
	size_t q, n = 0;

	for (q = 0; q < s->f->nquestions; q++) {
		if (!session_self(s, q)) {
			if (s->vis[q] && session_visited(s, q))
				n++;
		} else if (session_mvis(s, q) && session_self_visited(s, q))
			n++;
	}
	return n;
}

size_t
session_list(const struct session *s, size_t *out)
{
	size_t q, n = 0, sec = SIZE_MAX;

	for (q = 0; q < s->f->nquestions; q++) {
		if (!s->vis[q])
			continue;
		if (session_self(s, q)) {
			/* one row for the whole self section */
			if (s->f->questions[q].section == sec)
				continue;
			sec = s->f->questions[q].section;
		}
		out[n++] = q;
	}
	return n;
}

enum session_step
session_submit_check(struct session *s, size_t *qp, struct err *e)
{
	const struct form_question *qu;
	enum session_step step = SESSION_MOVED;
	size_t q;

	/* A self section's questions were asked of the leaver, who was
	 * held to required there; the interviewer is never told which of
	 * them stayed empty. */
	for (q = 0; q < s->f->nquestions; q++) {
		qu = &s->f->questions[q];
		if (session_self(s, q))
			continue;
		if (s->vis[q] && qu->required == FORM_REQUIRED &&
		    !answer_given(&s->ans[q])) {
			*qp = q;
			err_setc(e, ERR_DATA, "question %s needs an answer",
			    qu->id);
			return SESSION_BLOCKED;
		}
	}
	/* one warning for all of them: the next call seals */
	for (q = s->f->nquestions; q-- > 0;) {
		qu = &s->f->questions[q];
		if (session_self(s, q))
			continue;
		if (s->vis[q] && qu->required == FORM_SOFT &&
		    !answer_given(&s->ans[q]) && !s->warned[q]) {
			s->warned[q] = 1;
			*qp = q;
			err_setc(e, ERR_DATA, "question %s has no answer",
			    qu->id);
			step = SESSION_WARNED;
		}
	}
	return step;
}

void
session_to_record(const struct session *s, struct record *r)
{
	const struct form *f = s->f;
	const struct form_answer *a;
	struct form_answer *d;
	size_t q;

	memset(r, 0, sizeof *r);
	r->unit = xstrdup(s->unit);
	r->year = s->year;
	r->quarter = s->quarter;
	r->form_id = xstrdup(f->id);
	r->form_version = f->version;
	memcpy(r->form_hash, f->hash, FORM_HASH_BYTES);
	r->lang = xstrdup(f->langs[s->lang]);
	r->nanswers = f->nquestions;
	r->answers = xcalloc(f->nquestions ? f->nquestions : 1,
	    sizeof *r->answers);
	for (q = 0; q < f->nquestions; q++) {
		a = &s->ans[q];
		d = &r->answers[q];
		if (!s->vis[q])
			continue;		/* FORM_NOT_SHOWN, dropped */
		if (a->state == FORM_NOT_SHOWN) {
			d->state = FORM_SKIPPED;
			continue;
		}
		*d = *a;
		d->text = a->text ? xstrdup(a->text) : NULL;
	}
}

/* --- the draft ------------------------------------------------------- */

struct wbuf {
	uint8_t *p;
	size_t len, cap;
};

/* Grow by copying into fresh memory and wiping the old: drafts hold
 * answers, and realloc would leave copies behind in freed memory. */
static void
wb_put(struct wbuf *w, const void *src, size_t n)
{
	uint8_t *np;
	size_t cap;

	if (w->len + n > w->cap) {
		cap = w->cap ? w->cap : 256;
		while (cap < w->len + n)
			cap *= 2;
		np = xmalloc(cap);
		if (w->len)
			memcpy(np, w->p, w->len);
		xfree_wipe(w->p, w->cap);
		w->p = np;
		w->cap = cap;
	}
	memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void
wb_u8(struct wbuf *w, uint8_t v)
{
	wb_put(w, &v, 1);
}

static void
wb_u16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	wb_put(w, b, 2);
}

static void
wb_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4];
	int i;

	for (i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	wb_put(w, b, 4);
}

static void
wb_u64(struct wbuf *w, uint64_t v)
{
	uint8_t b[8];
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	wb_put(w, b, 8);
}

/* A short string: one length byte, then the bytes. */
static void
wb_str8(struct wbuf *w, const char *s)
{
	size_t n = strlen(s);

	wb_u8(w, (uint8_t)n);
	wb_put(w, s, n);
}

/* The draft, version 1. Integers little-endian; str8 is one length byte
 * then that many bytes. Only this file reads and writes it (the outbox
 * encrypts it whole), so it is documented here, not in a man page.
 *   "AVSD"  u8 version (1)
 *   str8 form id   u32 form version   32 bytes form hash
 *   str8 unit   str8 language   u16 year   u8 quarter (0 = the year)
 *   u32 answered   u32 total            (what the start screen shows)
 *   u8 where   u32 position   u8 reviewed
 *   u32 number of questions (= the form's), then per question:
 *     u8 state   u8 other   u8 warned   u32 num   u64 choices
 *     u32 text length, then the UTF-8 text
 * session_decode refuses anything else, including trailing bytes. */
void
session_encode(const struct session *s, uint8_t **out, size_t *len)
{
	const struct form *f = s->f;
	struct wbuf w = { NULL, 0, 0 };
	size_t q, idx, total, n;
	const struct form_answer *a;
	uint8_t *res;

	session_progress(s, &idx, &total);
	wb_put(&w, SESSION_DRAFT_MAGIC, 4);
	wb_u8(&w, SESSION_DRAFT_VERSION);
	wb_str8(&w, f->id);
	wb_u32(&w, f->version);
	wb_put(&w, f->hash, FORM_HASH_BYTES);
	wb_str8(&w, s->unit);
	wb_str8(&w, f->langs[s->lang]);
	wb_u16(&w, s->year);
	wb_u8(&w, s->quarter);
	wb_u32(&w, (uint32_t)session_answered(s));
	wb_u32(&w, (uint32_t)total);
	wb_u8(&w, (uint8_t)s->where);
	wb_u32(&w, (uint32_t)s->pos);
	wb_u8(&w, (uint8_t)s->reviewed);
	wb_u32(&w, (uint32_t)f->nquestions);
	for (q = 0; q < f->nquestions; q++) {
		a = &s->ans[q];
		wb_u8(&w, a->state);
		wb_u8(&w, a->other);
		wb_u8(&w, s->warned[q]);
		wb_u32(&w, (uint32_t)a->num);
		wb_u64(&w, a->choices);
		n = a->text ? strlen(a->text) : 0;
		wb_u32(&w, (uint32_t)n);
		if (n)
			wb_put(&w, a->text, n);
	}
	/* Hand back an exact-size copy so that len is what the caller
	 * wipes; the working buffer is wiped here. */
	res = xmalloc(w.len);
	memcpy(res, w.p, w.len);
	*out = res;
	*len = w.len;
	xfree_wipe(w.p, w.cap);
}

struct rbuf {
	const uint8_t *p;
	size_t len, off;
	int bad;
};

static const uint8_t *
rb_get(struct rbuf *r, size_t n)
{
	const uint8_t *p;

	if (r->bad || r->len - r->off < n) {
		r->bad = 1;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

static uint8_t
rb_u8(struct rbuf *r)
{
	const uint8_t *p = rb_get(r, 1);

	return p ? p[0] : 0;
}

static uint16_t
rb_u16(struct rbuf *r)
{
	const uint8_t *p = rb_get(r, 2);

	return p ? (uint16_t)(p[0] | (p[1] << 8)) : 0;
}

static uint32_t
rb_u32(struct rbuf *r)
{
	const uint8_t *p = rb_get(r, 4);

	return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24 : 0;
}

static uint64_t
rb_u64(struct rbuf *r)
{
	const uint8_t *p = rb_get(r, 8);
	uint64_t v = 0;
	int i;

	if (p == NULL)
		return 0;
	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* A short string of lo..hi bytes into out (hi + 1 bytes): printable
 * ASCII for ids and language tags, clean UTF-8 for unit codes. */
static int
rb_str8(struct rbuf *r, char *out, size_t lo, size_t hi, int utf8)
{
	size_t n = rb_u8(r), i;
	const uint8_t *p;

	if (r->bad || n < lo || n > hi || (p = rb_get(r, n)) == NULL) {
		r->bad = 1;
		return -1;
	}
	if (utf8 && (memchr(p, '\0', n) != NULL ||
	    !utf8_clean((const char *)p, n, 0, NULL, NULL))) {
		r->bad = 1;
		return -1;
	}
	for (i = 0; !utf8 && i < n; i++)
		if (p[i] <= 0x20 || p[i] >= 0x7f) {
			r->bad = 1;
			return -1;
		}
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* The header shared by session_peek and session_decode. */
static int
draft_header(struct rbuf *r, struct session_info *in, struct err *e)
{
	const uint8_t *p;

	memset(in, 0, sizeof *in);
	if ((p = rb_get(r, 4)) == NULL ||
	    memcmp(p, SESSION_DRAFT_MAGIC, 4) != 0)
		return err_setc(e, ERR_DATA, "draft: not a draft");
	if (rb_u8(r) != SESSION_DRAFT_VERSION)
		return err_setc(e, ERR_DATA, "draft: unknown draft version");
	if (rb_str8(r, in->form_id, 1, 64, 0) == -1)
		return err_setc(e, ERR_DATA, "draft: bad form id");
	in->form_version = rb_u32(r);
	if ((p = rb_get(r, FORM_HASH_BYTES)) == NULL)
		return err_setc(e, ERR_DATA, "draft: truncated");
	memcpy(in->form_hash, p, FORM_HASH_BYTES);
	if (rb_str8(r, in->unit, 1, SESSION_UNIT_MAX, 1) == -1)
		return err_setc(e, ERR_DATA, "draft: bad unit code");
	if (rb_str8(r, in->lang, 2, 3, 0) == -1)
		return err_setc(e, ERR_DATA, "draft: bad language");
	in->year = rb_u16(r);
	in->quarter = rb_u8(r);
	in->answered = rb_u32(r);
	in->total = rb_u32(r);
	if (r->bad)
		return err_setc(e, ERR_DATA, "draft: truncated");
	if (in->quarter > 4)
		return err_setc(e, ERR_DATA, "draft: bad quarter %u",
		    in->quarter);
	if (in->answered > in->total)
		return err_setc(e, ERR_DATA, "draft: bad progress");
	return 0;
}

int
session_peek(const uint8_t *buf, size_t len, struct session_info *info,
    struct err *e)
{
	struct rbuf r = { buf, len, 0, 0 };

	return draft_header(&r, info, e);
}

/* Read one stored answer of question q into a (zeroed). */
static int
draft_answer(struct rbuf *r, const struct form *f, size_t q,
    struct form_answer *a, uint8_t *warned, struct err *e)
{
	const struct form_question *qu = &f->questions[q];
	uint32_t n;
	const uint8_t *p;
	uint8_t other;

	a->state = rb_u8(r);
	other = rb_u8(r);
	*warned = rb_u8(r);
	a->num = (int32_t)rb_u32(r);
	a->choices = rb_u64(r);
	n = rb_u32(r);
	if (r->bad)
		return err_setc(e, ERR_DATA, "draft: truncated");
	if (a->state > FORM_ANSWERED || other > 1 || *warned > 1)
		return err_setc(e, ERR_DATA, "draft: question %s: bad state",
		    qu->id);
	a->other = other;
	if (n > SESSION_TEXT_MAX || (p = rb_get(r, n)) == NULL)
		return err_setc(e, ERR_DATA, "draft: question %s: bad text",
		    qu->id);
	if (n > 0) {
		if (memchr(p, '\0', n) != NULL ||
		    !utf8_clean((const char *)p, n, 1, NULL, NULL))
			return err_setc(e, ERR_DATA, "draft: question %s: bad "
			    "text",
			    qu->id);
		a->text = xstrndup((const char *)p, n);
	}
	if (a->state != FORM_ANSWERED) {
		if (a->other || a->num || a->choices || a->text)
			return err_setc(e, ERR_DATA, "draft: question %s: "
			    "value without an answer", qu->id);
		return 0;
	}
	if (answer_empty(qu, a))
		return err_setc(e, ERR_DATA, "draft: question %s: empty answer",
		    qu->id);
	if (form_answer_check(f, q, a, e) == -1)
		return err_prefix(e, "draft: question %s", qu->id);
	return 0;
}

struct session *
session_decode(const struct form *f, const uint8_t *buf, size_t len,
    struct err *e)
{
	struct rbuf r = { buf, len, 0, 0 };
	struct session_info in;
	struct session *s;
	size_t q, idx, total;
	int lang;
	uint8_t where, reviewed;
	uint32_t pos, nq;

	if (draft_header(&r, &in, e) == -1)
		return NULL;
	if (strcmp(in.form_id, f->id) != 0 || in.form_version !=
	    f->version || memcmp(in.form_hash, f->hash, FORM_HASH_BYTES)) {
		err_setc(e, ERR_DATA, "draft: made with form %s version %u, "
		    "not with this form", in.form_id, in.form_version);
		return NULL;
	}
	if ((lang = form_lang_index(f, in.lang)) < 0) {
		err_setc(e, ERR_DATA, "draft: form %s has no language %s",
		    f->id,
		    in.lang);
		return NULL;
	}
	where = rb_u8(&r);
	pos = rb_u32(&r);
	reviewed = rb_u8(&r);
	nq = rb_u32(&r);
	if (r.bad) {
		err_setc(e, ERR_DATA, "draft: truncated");
		return NULL;
	}
	if (where > SESSION_REVIEW || reviewed > 1 || nq != f->nquestions ||
	    (f->nquestions > 0 && pos >= f->nquestions) ||
	    (f->nquestions == 0 && pos != 0)) {
		err_setc(e, ERR_DATA, "draft: bad position");
		return NULL;
	}
	s = session_alloc(f, lang, in.unit, in.year, in.quarter);
	s->where = (enum session_where)where;
	s->pos = pos;
	s->reviewed = reviewed;
	for (q = 0; q < f->nquestions; q++)
		if (draft_answer(&r, f, q, &s->ans[q], &s->warned[q], e) == -1)
			goto fail;
	if (r.off != r.len) {
		err_setc(e, ERR_DATA, "draft: %zu bytes after the end",
		    r.len - r.off);
		goto fail;
	}
	session_update(s);
	session_progress(s, &idx, &total);
	if (s->where == SESSION_QUESTION && !s->vis[s->pos]) {
		err_setc(e, ERR_DATA, "draft: position on a hidden question");
		goto fail;
	}
	if (in.total != total || in.answered != session_answered(s)) {
		err_setc(e, ERR_DATA, "draft: progress does not match the "
		    "answers");
		goto fail;
	}
	return s;
fail:
	session_free(s);
	return NULL;
}
