/* cache_rec: one record as the record cache holds it (cache.c): written
 * with util/buf, read back in place. Internal to src/report/cache*.c. */
#include "report/cache_rec.h"

#include <stdlib.h>
#include <string.h>

/* A record in the cache: its envelope id (16 bytes, for the releases'
 * sets of ids), unit (u8 length, bytes, NUL), year u16, the
 * form's index in the hash table (u8), then per question its state and,
 * when answered, what its type holds; texts as u32 length, bytes, NUL so
 * that the reader can point into the buffer instead of copying.
 *
 * Written by one walk over the fields twice: first only counting (p
 * NULL), then straight into the room appended for them (a buf_put call
 * per field was 1 % of a cold open). */
struct rec_out {
	uint8_t *p; /* NULL: count only */
	size_t n;
};

static void
out_put(struct rec_out *o, const void *s, size_t k)
{
	if (o->p != NULL)
		memcpy(o->p + o->n, s, k);
	o->n += k;
}

static void
out_u8(struct rec_out *o, uint8_t v)
{
	out_put(o, &v, 1);
}

static void
out_u32(struct rec_out *o, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
		(uint8_t)(v >> 8), (uint8_t)v };

	out_put(o, x, 4);
}

static void
out_text(struct rec_out *o, const char *t)
{
	size_t n = t != NULL ? strlen(t) : 0;

	out_u32(o, t != NULL ? (uint32_t)n : UINT32_MAX);
	if (t != NULL)
		out_put(o, t, n + 1);
}

static void
rec_fields(struct rec_out *o, const struct form *f, uint8_t fi,
    const uint8_t id[ENV_ID_BYTES], const struct record *r)
{
	size_t q, ul = strlen(r->unit);

	out_put(o, id, ENV_ID_BYTES);
	out_u8(o, (uint8_t)ul);
	out_put(o, r->unit, ul + 1);
	out_u8(o, (uint8_t)(r->year >> 8));
	out_u8(o, (uint8_t)r->year);
	out_u8(o, fi);
	for (q = 0; q < f->nquestions; q++) {
		const struct form_answer *a = &r->answers[q];

		out_u8(o, (uint8_t)a->state);
		if (a->state != FORM_ANSWERED)
			continue;
		switch (f->questions[q].type) {
		case FORM_SINGLE:
		case FORM_MULTI:
			out_u8(o, (uint8_t)a->other);
			out_u32(o, (uint32_t)a->num);
			out_u32(o, (uint32_t)(a->choices >> 32));
			out_u32(o, (uint32_t)a->choices);
			out_text(o, a->other ? a->text : NULL);
			break;
		case FORM_TEXT:
			out_text(o, a->text);
			break;
		default:
			out_u32(o, (uint32_t)a->num);
			break;
		}
	}
}

void
cache_rec_encode(struct buf *b, const struct form *f, uint8_t fi,
    const uint8_t id[ENV_ID_BYTES], const struct record *r)
{
	struct rec_out o = { NULL, 0 };
	size_t need;

	rec_fields(&o, f, fi, id, r);
	need = o.n;
	o.p = buf_append(b, need);
	o.n = 0;
	rec_fields(&o, f, fi, id, r);
	if (o.n != need) /* the two walks disagree: a bug */
		abort();
}

/* A text as cache_put_text wrote it, in place; NULL for none (or when
 * the reader failed: the caller tests it). */
static const char *
cache_get_text(struct buf_rd *r)
{
	const uint8_t *x;
	uint32_t n;

	if (buf_get_u32(r, &n) != 0 || n == UINT32_MAX)
		return NULL;
	if (buf_get_ptr(r, (size_t)n + 1, &x) != 0)
		return NULL;
	if (x[n] != '\0') {
		buf_rd_fail(r);
		return NULL;
	}
	return (const char *)x;
}

/* Decode one record in place: ar points into the buffer and into ans
 * (room for the largest form). 0, or -1 if the bytes do not parse. */
int
cache_rec_decode(struct buf_rd *r, const struct form *const *byix, size_t nix,
    struct form_answer *ans, struct agg_rec *ar, const uint8_t **id)
{
	const struct form *f;
	const uint8_t *x;
	uint32_t num;
	uint16_t year;
	uint8_t ul, fi, st, other;
	size_t q;

	if (buf_get_ptr(r, ENV_ID_BYTES, id) != 0 || buf_get_u8(r, &ul) != 0 ||
	    buf_get_ptr(r, (size_t)ul + 1, &x) != 0 || x[ul] != '\0')
		return -1;
	ar->unit = (const char *)x;
	if (buf_get_u16(r, &year) != 0 || buf_get_u8(r, &fi) != 0 || fi >= nix)
		return -1;
	ar->year = year;
	f = byix[fi];
	ar->form_hash = f->hash;
	ar->answers = ans;
	ar->nanswers = f->nquestions;
	for (q = 0; q < f->nquestions && !buf_rd_failed(r); q++) {
		struct form_answer *a = &ans[q];

		memset(a, 0, sizeof *a);
		if (buf_get_u8(r, &st) != 0 || st > FORM_ANSWERED)
			return -1;
		a->state = st;
		if (a->state != FORM_ANSWERED)
			continue;
		switch (f->questions[q].type) {
		case FORM_SINGLE:
		case FORM_MULTI:
			buf_get_u8(r, &other);
			a->other = other;
			buf_get_u32(r, &num);
			a->num = (int32_t)num;
			buf_get_u64(r, &a->choices);
			a->text = (char *)(uintptr_t)cache_get_text(r);
			break;
		case FORM_TEXT:
			a->text = (char *)(uintptr_t)cache_get_text(r);
			break;
		default:
			buf_get_u32(r, &num);
			a->num = (int32_t)num;
			break;
		}
	}
	return buf_rd_failed(r) ? -1 : 0;
}
