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
 * Written in two passes, its size first, then straight into the room
 * appended for it: a buf_put call per field was 1 % of a cold open. */
static uint8_t *
rec_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

static uint8_t *
rec_text(uint8_t *p, const char *t)
{
	size_t n;

	if (t == NULL)
		return rec_u32(p, UINT32_MAX);
	n = strlen(t);
	p = rec_u32(p, (uint32_t)n);
	memcpy(p, t, n + 1);
	return p + n + 1;
}

static size_t
rec_text_size(const char *t)
{
	return 4 + (t != NULL ? strlen(t) + 1 : 0);
}

void
cache_rec_encode(struct buf *b, const struct form *f, uint8_t fi,
    const uint8_t id[ENV_ID_BYTES], const struct record *r)
{
	size_t q, ul = strlen(r->unit), need;
	uint8_t *p, *start;

	need = ENV_ID_BYTES + 1 + ul + 1 + 2 + 1 + f->nquestions;
	for (q = 0; q < f->nquestions; q++) {
		const struct form_answer *a = &r->answers[q];

		if (a->state != FORM_ANSWERED)
			continue;
		switch (f->questions[q].type) {
		case FORM_SINGLE:
		case FORM_MULTI:
			need += 1 + 4 + 8 +
			    rec_text_size(a->other ? a->text : NULL);
			break;
		case FORM_TEXT:
			need += rec_text_size(a->text);
			break;
		default:
			need += 4;
			break;
		}
	}
	p = start = buf_append(b, need);
	memcpy(p, id, ENV_ID_BYTES);
	p += ENV_ID_BYTES;
	*p++ = (uint8_t)ul;
	memcpy(p, r->unit, ul + 1);
	p += ul + 1;
	*p++ = (uint8_t)(r->year >> 8);
	*p++ = (uint8_t)r->year;
	*p++ = fi;
	for (q = 0; q < f->nquestions; q++) {
		const struct form_answer *a = &r->answers[q];

		*p++ = (uint8_t)a->state;
		if (a->state != FORM_ANSWERED)
			continue;
		switch (f->questions[q].type) {
		case FORM_SINGLE:
		case FORM_MULTI:
			*p++ = (uint8_t)a->other;
			p = rec_u32(p, (uint32_t)a->num);
			p = rec_u32(p, (uint32_t)(a->choices >> 32));
			p = rec_u32(p, (uint32_t)a->choices);
			p = rec_text(p, a->other ? a->text : NULL);
			break;
		case FORM_TEXT:
			p = rec_text(p, a->text);
			break;
		default:
			p = rec_u32(p, (uint32_t)a->num);
			break;
		}
	}
	if (p != start + need) /* the two passes disagree: a bug */
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
