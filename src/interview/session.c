/* session: one interview's answers, position and live visibility, and the
 * strict binary draft encoding the outbox encrypts. */
#include "interview/session.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "util/i18n.h"

struct session {
	const struct form *f;
	int lang;
	char *unit;
	uint16_t year;
	uint8_t quarter;
	enum session_where where;
	size_t pos;
	int reviewed;		 /* the review has been reached once */
	struct form_answer *ans; /* stored answers, owned */
	struct form_answer *eff; /* as seen: hidden ones zeroed;
					 * texts alias ans, never freed */
	uint8_t *vis;		 /* 1 if shown */
	uint8_t *warned;	 /* soft warning given */
};

#define SESSION_TEXT_MAX (4 * 10000) /* bytes of one stored text */

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
session_alloc(const struct form *f, int lang, const char *unit, uint16_t year,
    uint8_t quarter)
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
session_new(const struct form *f, int lang, const char *unit, uint16_t year,
    uint8_t quarter, struct err *e)
{
	struct session *s;
	size_t n = strlen(unit);

	if (lang < 0 || (size_t)lang >= f->nlangs) {
		err_setc(e, ERR_DATA, _("form %s has no language %d"), f->id,
		    lang);
		return NULL;
	}
	if (n == 0 || n > SESSION_UNIT_MAX ||
	    !utf8_clean(unit, n, 0, NULL, NULL)) {
		err_setc(e, ERR_USAGE,
		    _("unit codes are 1 to %d bytes of text"),
		    SESSION_UNIT_MAX);
		return NULL;
	}
	if (quarter > 4) {
		err_setc(e, ERR_DATA,
		    _("quarter %u is not 0 (the year) or 1 to "
		      "4"),
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
		return err_setc(e, ERR_DATA, _("no question %zu"), q);
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
	dst->text = a->text != NULL && a->text[0] != '\0' ? xstrdup(a->text) :
							    NULL;
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
			err_setc(e, ERR_DATA, _("question %s needs an answer"),
			    qu->id);
			return SESSION_BLOCKED;
		}
		if (qu->required == FORM_SOFT && !s->warned[s->pos]) {
			s->warned[s->pos] = 1;
			err_setc(e, ERR_DATA, _("question %s has no answer"),
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
	return form_expr_eval(f->sections[f->questions[q].section].show_if, f,
	    s->eff);
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
			err_setc(e, ERR_DATA, _("question %s needs an answer"),
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
			err_setc(e, ERR_DATA, _("question %s has no answer"),
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
			continue; /* FORM_NOT_SHOWN, dropped */
		if (a->state == FORM_NOT_SHOWN) {
			d->state = FORM_SKIPPED;
			continue;
		}
		*d = *a;
		d->text = a->text ? xstrdup(a->text) : NULL;
	}
}

/* --- the draft ------------------------------------------------------- */

/* The draft, version 2. Integers big-endian (util/buf, like every other
 * format); str8 is one length byte then that many bytes. Only this file
 * reads and writes it (the outbox encrypts it whole), so it is documented
 * here, not in a man page.
 *   "AVSD"  u8 version (2)
 *   str8 form id   u32 form version   32 bytes form hash
 *   str8 unit   str8 language   u16 year   u8 quarter (0 = the year)
 *   u32 answered   u32 total            (what the start screen shows)
 *   u8 where   u32 position   u8 reviewed
 *   u32 number of questions (= the form's), then per question:
 *     u8 state   u8 other   u8 warned   u32 num   u64 choices
 *     u32 text length, then the UTF-8 text
 * Version 1 is the same layout with little-endian integers (drafts saved
 * before the one codec): it is still read, and written back as version 2
 * when it is opened (session_info.version tells the caller).
 * session_decode refuses anything else, including trailing bytes. */
void
session_encode(const struct session *s, uint8_t **out, size_t *len)
{
	const struct form *f = s->f;
	struct buf w = BUF_INIT;
	size_t q, idx, total, n;
	const struct form_answer *a;

	session_progress(s, &idx, &total);
	buf_put(&w, SESSION_DRAFT_MAGIC, 4);
	buf_put_u8(&w, SESSION_DRAFT_VERSION);
	/* ids, units and language tags are at most 64 bytes (form.c,
	 * session_new): they fit str8 */
	(void)!buf_put_str8(&w, f->id, strlen(f->id));
	buf_put_u32(&w, f->version);
	buf_put(&w, f->hash, FORM_HASH_BYTES);
	(void)!buf_put_str8(&w, s->unit, strlen(s->unit));
	(void)!buf_put_str8(&w, f->langs[s->lang], strlen(f->langs[s->lang]));
	buf_put_u16(&w, s->year);
	buf_put_u8(&w, s->quarter);
	buf_put_u32(&w, (uint32_t)session_answered(s));
	buf_put_u32(&w, (uint32_t)total);
	buf_put_u8(&w, (uint8_t)s->where);
	buf_put_u32(&w, (uint32_t)s->pos);
	buf_put_u8(&w, (uint8_t)s->reviewed);
	buf_put_u32(&w, (uint32_t)f->nquestions);
	for (q = 0; q < f->nquestions; q++) {
		a = &s->ans[q];
		buf_put_u8(&w, a->state);
		buf_put_u8(&w, a->other);
		buf_put_u8(&w, s->warned[q]);
		buf_put_u32(&w, (uint32_t)a->num);
		buf_put_u64(&w, a->choices);
		n = a->text ? strlen(a->text) : 0;
		(void)!buf_put_str32(&w, a->text, n);
	}
	/* An exact-size copy, so that len is what the caller wipes; the
	 * working buffer is wiped here. */
	*out = buf_steal(&w, len);
}

/* A draft reader: big-endian (version 2) or, for a version 1 draft,
 * the same numbers with their bytes the other way round. A failed read
 * gives 0 and leaves the reader failed (tested once per group). */
struct rbuf {
	struct buf_rd r;
	int le;
};

static uint8_t
rb_u8(struct rbuf *d)
{
	uint8_t v = 0;

	(void)buf_get_u8(&d->r, &v);
	return v;
}

static uint16_t
rb_u16(struct rbuf *d)
{
	uint16_t v = 0;

	(void)buf_get_u16(&d->r, &v);
	return d->le ? (uint16_t)(v >> 8 | v << 8) : v;
}

static uint32_t
rb_u32(struct rbuf *d)
{
	uint32_t v = 0;

	(void)buf_get_u32(&d->r, &v);
	return d->le ? __builtin_bswap32(v) : v;
}

static uint64_t
rb_u64(struct rbuf *d)
{
	uint64_t v = 0;

	(void)buf_get_u64(&d->r, &v);
	return d->le ? __builtin_bswap64(v) : v;
}

/* A short string of lo..hi bytes into out (hi + 1 bytes): printable
 * ASCII for ids and language tags, clean UTF-8 for unit codes. */
static int
rb_str8(struct rbuf *d, char *out, size_t lo, size_t hi, int utf8)
{
	const uint8_t *p;
	size_t n, i;

	if (buf_get_str8(&d->r, hi, &p, &n) == -1 || n < lo)
		goto bad;
	if (utf8 &&
	    (memchr(p, '\0', n) != NULL ||
		!utf8_clean((const char *)p, n, 0, NULL, NULL)))
		goto bad;
	for (i = 0; !utf8 && i < n; i++)
		if (p[i] <= 0x20 || p[i] >= 0x7f)
			goto bad;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
bad:
	buf_rd_fail(&d->r);
	return -1;
}

/* The header shared by session_peek and session_decode. */
static int
draft_header(struct rbuf *r, struct session_info *in, struct err *e)
{
	const uint8_t *p;

	memset(in, 0, sizeof *in);
	if (buf_get_ptr(&r->r, 4, &p) == -1 ||
	    memcmp(p, SESSION_DRAFT_MAGIC, 4) != 0)
		return err_setc(e, ERR_DATA, _("draft: not a draft"));
	in->version = rb_u8(r);
	if (in->version < 1 || in->version > SESSION_DRAFT_VERSION)
		return err_setc(e, ERR_DATA, _("draft: unknown draft version"));
	r->le = in->version == 1;
	if (rb_str8(r, in->form_id, 1, 64, 0) == -1)
		return err_setc(e, ERR_DATA, _("draft: bad form id"));
	in->form_version = rb_u32(r);
	if (buf_get(&r->r, in->form_hash, FORM_HASH_BYTES) == -1)
		return err_setc(e, ERR_DATA, _("draft: truncated"));
	if (rb_str8(r, in->unit, 1, SESSION_UNIT_MAX, 1) == -1)
		return err_setc(e, ERR_DATA, _("draft: bad unit code"));
	if (rb_str8(r, in->lang, 2, 3, 0) == -1)
		return err_setc(e, ERR_DATA, _("draft: bad language"));
	in->year = rb_u16(r);
	in->quarter = rb_u8(r);
	in->answered = rb_u32(r);
	in->total = rb_u32(r);
	if (buf_rd_failed(&r->r))
		return err_setc(e, ERR_DATA, _("draft: truncated"));
	if (in->quarter > 4)
		return err_setc(e, ERR_DATA, _("draft: bad quarter %u"),
		    in->quarter);
	if (in->answered > in->total)
		return err_setc(e, ERR_DATA, _("draft: bad progress"));
	return 0;
}

int
session_peek(const uint8_t *buf, size_t len, struct session_info *info,
    struct err *e)
{
	struct rbuf r;

	buf_rd_init(&r.r, buf, len);
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
	if (buf_rd_failed(&r->r))
		return err_setc(e, ERR_DATA, _("draft: truncated"));
	if (a->state > FORM_ANSWERED || other > 1 || *warned > 1)
		return err_setc(e, ERR_DATA, _("draft: question %s: bad state"),
		    qu->id);
	a->other = other;
	if (n > SESSION_TEXT_MAX || buf_get_ptr(&r->r, n, &p) == -1)
		return err_setc(e, ERR_DATA, _("draft: question %s: bad text"),
		    qu->id);
	if (n > 0) {
		if (memchr(p, '\0', n) != NULL ||
		    !utf8_clean((const char *)p, n, 1, NULL, NULL))
			return err_setc(e, ERR_DATA,
			    _("draft: question %s: bad "
			      "text"),
			    qu->id);
		a->text = xstrndup((const char *)p, n);
	}
	if (a->state != FORM_ANSWERED) {
		if (a->other || a->num || a->choices || a->text)
			return err_setc(e, ERR_DATA,
			    _("draft: question %s: "
			      "value without an answer"),
			    qu->id);
		return 0;
	}
	if (answer_empty(qu, a))
		return err_setc(e, ERR_DATA,
		    _("draft: question %s: empty "
		      "answer"),
		    qu->id);
	if (form_answer_check(f, q, a, e) == -1)
		return err_prefix(e, _("draft: question %s"), qu->id);
	return 0;
}

struct session *
session_decode(const struct form *f, const uint8_t *buf, size_t len,
    struct err *e)
{
	struct rbuf r;
	struct session_info in;
	struct session *s;
	size_t q, idx, total;
	int lang;
	uint8_t where, reviewed;
	uint32_t pos, nq;

	buf_rd_init(&r.r, buf, len);
	if (draft_header(&r, &in, e) == -1)
		return NULL;
	if (strcmp(in.form_id, f->id) != 0 || in.form_version != f->version ||
	    memcmp(in.form_hash, f->hash, FORM_HASH_BYTES)) {
		err_setc(e, ERR_DATA,
		    _("draft: made with form %s version %u, "
		      "not with this form"),
		    in.form_id, in.form_version);
		return NULL;
	}
	if ((lang = form_lang_index(f, in.lang)) < 0) {
		err_setc(e, ERR_DATA, _("draft: form %s has no language %s"),
		    f->id, in.lang);
		return NULL;
	}
	where = rb_u8(&r);
	pos = rb_u32(&r);
	reviewed = rb_u8(&r);
	nq = rb_u32(&r);
	if (buf_rd_failed(&r.r)) {
		err_setc(e, ERR_DATA, _("draft: truncated"));
		return NULL;
	}
	if (where > SESSION_REVIEW || reviewed > 1 || nq != f->nquestions ||
	    (f->nquestions > 0 && pos >= f->nquestions) ||
	    (f->nquestions == 0 && pos != 0)) {
		err_setc(e, ERR_DATA, _("draft: bad position"));
		return NULL;
	}
	s = session_alloc(f, lang, in.unit, in.year, in.quarter);
	s->where = (enum session_where)where;
	s->pos = pos;
	s->reviewed = reviewed;
	for (q = 0; q < f->nquestions; q++)
		if (draft_answer(&r, f, q, &s->ans[q], &s->warned[q], e) == -1)
			goto fail;
	if (buf_rd_left(&r.r) != 0) {
		err_setc(e, ERR_DATA, _("draft: %zu bytes after the end"),
		    buf_rd_left(&r.r));
		goto fail;
	}
	session_update(s);
	session_progress(s, &idx, &total);
	if (s->where == SESSION_QUESTION && !s->vis[s->pos]) {
		err_setc(e, ERR_DATA,
		    _("draft: position on a hidden question"));
		goto fail;
	}
	if (in.total != total || in.answered != session_answered(s)) {
		err_setc(e, ERR_DATA,
		    _("draft: progress does not match the "
		      "answers"));
		goto fail;
	}
	return s;
fail:
	session_free(s);
	return NULL;
}
