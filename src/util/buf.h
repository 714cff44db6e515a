/* buf: the one byte codec (in the spirit of OpenSSH's sshbuf). A writer
 * that grows and wipes every byte it held when it grows or is freed, and
 * a bounds-checked reader. One byte order: big-endian, for every file and
 * wire format avslut writes. No ncurses, no SQLite, no messages: callers
 * say what was being read (buf_rd_* tell them where it ended). */
#ifndef AVSLUT_BUF_H
#define AVSLUT_BUF_H

#include <stddef.h>
#include <stdint.h>

/* --- writer --------------------------------------------------------------- */

/* A growing byte buffer. Zero-initialise it (struct buf b = BUF_INIT) or
 * call buf_init. Growth never uses realloc (it would leave a copy behind):
 * a new block is allocated, the bytes copied, the old block wiped. Out of
 * memory ends the program as xmalloc does. */
struct buf {
	uint8_t *p;
	size_t len; /* bytes written */
	size_t cap; /* bytes allocated */
	size_t hw;  /* high water: bytes ever written (to wipe) */
};

#define BUF_INIT \
	{ \
		NULL, 0, 0, 0 \
	}

void buf_init(struct buf *b);
/* Wipe everything ever written (sodium_memzero) and free; b is then
 * empty and may be used again. NULL is fine. */
void buf_free(struct buf *b);
/* Forget the contents but keep the memory (wiped at buf_free). */
void buf_reset(struct buf *b);
/* Room for n more bytes without reallocating. */
void buf_reserve(struct buf *b, size_t n);
/* Append n bytes and return where they start, for a caller that writes
 * them itself (a cipher's output). The pointer is valid until the next
 * call that appends. */
uint8_t *buf_append(struct buf *b, size_t n);

void buf_put(struct buf *b, const void *src, size_t n);
void buf_put_u8(struct buf *b, uint8_t v);
void buf_put_u16(struct buf *b, uint16_t v);
void buf_put_u32(struct buf *b, uint32_t v);
void buf_put_u64(struct buf *b, uint64_t v);
/* A string prefixed with its length as u8, u16 or u32. Returns -1 and
 * writes nothing when n does not fit the prefix. */
int buf_put_str8(struct buf *b, const void *s, size_t n)
    __attribute__((warn_unused_result));
int buf_put_str16(struct buf *b, const void *s, size_t n)
    __attribute__((warn_unused_result));
int buf_put_str32(struct buf *b, const void *s, size_t n)
    __attribute__((warn_unused_result));
/* Overwrite 4 bytes already written at off (a count known at the end).
 * off + 4 must be within buf_len. */
void buf_set_u32(struct buf *b, size_t off, uint32_t v);

static inline const uint8_t *
buf_data(const struct buf *b)
{
	return b->p;
}

static inline size_t
buf_len(const struct buf *b)
{
	return b->len;
}

/* Hand the bytes to the caller, who frees them with xfree_wipe(p, *len)
 * (exactly *len bytes are allocated: the working block is wiped here).
 * b is empty afterwards. Never NULL, even for no bytes. */
uint8_t *buf_steal(struct buf *b, size_t *len);

/* --- reader --------------------------------------------------------------- */

/* A reader over bytes it does not own. Every get checks the bounds first;
 * a get that does not fit returns -1, consumes nothing and leaves the
 * reader failed: every later get fails too, so that a caller may read a
 * run of fields and test once (buf_rd_failed). */
struct buf_rd {
	const uint8_t *p;
	size_t len;
	size_t off;  /* bytes consumed */
	size_t need; /* after a failure: what the failed get needed */
	int failed;
};

void buf_rd_init(struct buf_rd *r, const void *p, size_t len);

static inline size_t
buf_rd_off(const struct buf_rd *r)
{
	return r->off;
}

static inline size_t
buf_rd_left(const struct buf_rd *r)
{
	return r->len - r->off;
}

static inline int
buf_rd_failed(const struct buf_rd *r)
{
	return r->failed;
}

int buf_get_u8(struct buf_rd *r, uint8_t *v);
int buf_get_u16(struct buf_rd *r, uint16_t *v);
int buf_get_u32(struct buf_rd *r, uint32_t *v);
int buf_get_u64(struct buf_rd *r, uint64_t *v);
/* Copy n bytes out. */
int buf_get(struct buf_rd *r, void *dst, size_t n);
/* Point at the next n bytes in place and consume them. */
int buf_get_ptr(struct buf_rd *r, size_t n, const uint8_t **p);
int buf_skip(struct buf_rd *r, size_t n);
/* A string prefixed with its length (u8, u16, u32) of at most max bytes:
 * *p points into the input (not NUL-terminated), *n is its length. A
 * length over max fails like a truncation, before any byte is taken. */
int buf_get_str8(struct buf_rd *r, size_t max, const uint8_t **p, size_t *n);
int buf_get_str16(struct buf_rd *r, size_t max, const uint8_t **p, size_t *n);
int buf_get_str32(struct buf_rd *r, size_t max, const uint8_t **p, size_t *n);
/* Fail the reader by hand (a field out of range): later gets fail. */
void buf_rd_fail(struct buf_rd *r);

/* --- fixed places --------------------------------------------------------- */

/* Big-endian loads and stores at a place the caller has bounds-checked
 * (fixed-size headers and slots). */
uint32_t buf_load_u32(const uint8_t *p);
uint64_t buf_load_u64(const uint8_t *p);
void buf_store_u32(uint8_t *p, uint32_t v);
void buf_store_u64(uint8_t *p, uint64_t v);

#endif
