/* buf: the one byte codec: a wiping, growing writer and a bounds-checked
 * reader, big-endian throughout. */
#include "util/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/xmem.h"

/* --- writer --------------------------------------------------------------- */

void
buf_init(struct buf *b)
{
	memset(b, 0, sizeof *b);
}

void
buf_free(struct buf *b)
{
	if (b == NULL)
		return;
	if (b->p != NULL)
		xfree_wipe(b->p, b->hw);
	memset(b, 0, sizeof *b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
}

/* Grow to hold n more bytes: a fresh block, the old one wiped (realloc
 * could leave a copy of the answers in freed memory). */
void
buf_reserve(struct buf *b, size_t n)
{
	size_t cap;
	uint8_t *np;

	if (b->cap - b->len >= n)
		return;
	if (n > SIZE_MAX / 2 - b->len)
		xmalloc(SIZE_MAX); /* ends the program: out of memory */
	cap = b->cap ? b->cap : 256;
	while (cap - b->len < n)
		cap *= 2;
	np = xmalloc(cap);
	if (b->len > 0)
		memcpy(np, b->p, b->len);
	if (b->p != NULL)
		xfree_wipe(b->p, b->hw);
	b->p = np;
	b->cap = cap;
	b->hw = b->len;
}

uint8_t *
buf_append(struct buf *b, size_t n)
{
	uint8_t *p;

	buf_reserve(b, n);
	p = b->p + b->len;
	b->len += n;
	if (b->len > b->hw)
		b->hw = b->len;
	return p;
}

void
buf_put(struct buf *b, const void *src, size_t n)
{
	if (n > 0)
		memcpy(buf_append(b, n), src, n);
}

void
buf_put_u8(struct buf *b, uint8_t v)
{
	*buf_append(b, 1) = v;
}

void
buf_put_u16(struct buf *b, uint16_t v)
{
	uint8_t *p = buf_append(b, 2);

	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void
buf_put_u32(struct buf *b, uint32_t v)
{
	buf_store_u32(buf_append(b, 4), v);
}

void
buf_put_u64(struct buf *b, uint64_t v)
{
	buf_store_u64(buf_append(b, 8), v);
}

int
buf_put_str8(struct buf *b, const void *s, size_t n)
{
	if (n > UINT8_MAX)
		return -1;
	buf_put_u8(b, (uint8_t)n);
	buf_put(b, s, n);
	return 0;
}

int
buf_put_str16(struct buf *b, const void *s, size_t n)
{
	if (n > UINT16_MAX)
		return -1;
	buf_put_u16(b, (uint16_t)n);
	buf_put(b, s, n);
	return 0;
}

int
buf_put_str32(struct buf *b, const void *s, size_t n)
{
	if (n > UINT32_MAX)
		return -1;
	buf_put_u32(b, (uint32_t)n);
	buf_put(b, s, n);
	return 0;
}

void
buf_set_u32(struct buf *b, size_t off, uint32_t v)
{
	if (off > b->len || b->len - off < 4)
		abort(); /* a bug in the caller, never input */
	buf_store_u32(b->p + off, v);
}

uint8_t *
buf_steal(struct buf *b, size_t *len)
{
	uint8_t *res = xmalloc(b->len);

	if (b->len > 0)
		memcpy(res, b->p, b->len);
	*len = b->len;
	buf_free(b);
	return res;
}

/* --- reader --------------------------------------------------------------- */

void
buf_rd_init(struct buf_rd *r, const void *p, size_t len)
{
	r->p = p;
	r->len = p != NULL ? len : 0;
	r->off = 0;
	r->need = 0;
	r->failed = 0;
}

void
buf_rd_fail(struct buf_rd *r)
{
	r->failed = 1;
}

/* Take n bytes or fail the reader; the one bounds check. */
static const uint8_t *
take(struct buf_rd *r, size_t n)
{
	const uint8_t *p;

	if (r->failed || r->len - r->off < n) {
		if (!r->failed)
			r->need = n;
		r->failed = 1;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

int
buf_get_u8(struct buf_rd *r, uint8_t *v)
{
	const uint8_t *p = take(r, 1);

	if (p == NULL)
		return -1;
	*v = p[0];
	return 0;
}

int
buf_get_u16(struct buf_rd *r, uint16_t *v)
{
	const uint8_t *p = take(r, 2);

	if (p == NULL)
		return -1;
	*v = (uint16_t)((unsigned)p[0] << 8 | p[1]);
	return 0;
}

int
buf_get_u32(struct buf_rd *r, uint32_t *v)
{
	const uint8_t *p = take(r, 4);

	if (p == NULL)
		return -1;
	*v = buf_load_u32(p);
	return 0;
}

int
buf_get_u64(struct buf_rd *r, uint64_t *v)
{
	const uint8_t *p = take(r, 8);

	if (p == NULL)
		return -1;
	*v = buf_load_u64(p);
	return 0;
}

int
buf_get(struct buf_rd *r, void *dst, size_t n)
{
	const uint8_t *p = take(r, n);

	if (p == NULL)
		return -1;
	if (n > 0)
		memcpy(dst, p, n);
	return 0;
}

int
buf_get_ptr(struct buf_rd *r, size_t n, const uint8_t **p)
{
	const uint8_t *q = take(r, n);

	if (q == NULL)
		return -1;
	*p = q;
	return 0;
}

int
buf_skip(struct buf_rd *r, size_t n)
{
	return take(r, n) == NULL ? -1 : 0;
}

/* The string after a length of w bytes: nothing is consumed on failure. */
static int
get_str(struct buf_rd *r, size_t w, size_t max, const uint8_t **p, size_t *n)
{
	size_t off = r->off, len;
	const uint8_t *q;

	if ((q = take(r, w)) == NULL)
		return -1;
	len = w == 1 ? q[0] :
	    w == 2   ? (size_t)q[0] << 8 | q[1] :
		       (size_t)buf_load_u32(q);
	if (len > max) {
		r->off = off;
		r->need = w + len;
		r->failed = 1;
		return -1;
	}
	if ((q = take(r, len)) == NULL) {
		r->off = off;
		r->need = w + len;
		return -1;
	}
	*p = q;
	*n = len;
	return 0;
}

int
buf_get_str8(struct buf_rd *r, size_t max, const uint8_t **p, size_t *n)
{
	return get_str(r, 1, max, p, n);
}

int
buf_get_str16(struct buf_rd *r, size_t max, const uint8_t **p, size_t *n)
{
	return get_str(r, 2, max, p, n);
}

int
buf_get_str32(struct buf_rd *r, size_t max, const uint8_t **p, size_t *n)
{
	return get_str(r, 4, max, p, n);
}

/* --- fixed places --------------------------------------------------------- */

uint32_t
buf_load_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

uint64_t
buf_load_u64(const uint8_t *p)
{
	return (uint64_t)buf_load_u32(p) << 32 | buf_load_u32(p + 4);
}

void
buf_store_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void
buf_store_u64(uint8_t *p, uint64_t v)
{
	buf_store_u32(p, (uint32_t)(v >> 32));
	buf_store_u32(p + 4, (uint32_t)v);
}
