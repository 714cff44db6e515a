/* Unit tests for util/buf: the byte layout (big-endian), growth, the
 * reader's bounds, its sticky failure and length-prefixed strings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <sodium.h>

#include "util/buf.h"
#include "util/xmem.h"

/* Every integer is written big-endian, byte for byte. */
static void
test_layout(void **state)
{
	static const uint8_t want[] = {
		0xa5,
		0x12, 0x34,
		0xde, 0xad, 0xbe, 0xef,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
		0x03, 'a', 'b', 'c',
		0x00, 0x02, 'x', 'y',
		0x00, 0x00, 0x00, 0x01, 'z',
	};
	struct buf b = BUF_INIT;

	(void)state;
	buf_put_u8(&b, 0xa5);
	buf_put_u16(&b, 0x1234);
	buf_put_u32(&b, 0xdeadbeef);
	buf_put_u64(&b, 0x0102030405060708ULL);
	assert_int_equal(buf_put_str8(&b, "abc", 3), 0);
	assert_int_equal(buf_put_str16(&b, "xy", 2), 0);
	assert_int_equal(buf_put_str32(&b, "z", 1), 0);
	assert_int_equal(buf_len(&b), sizeof want);
	assert_memory_equal(buf_data(&b), want, sizeof want);
	buf_free(&b);
	assert_null(b.p);
	assert_int_equal(buf_len(&b), 0);
}

/* A string too long for its prefix writes nothing. */
static void
test_str_too_long(void **state)
{
	uint8_t big[300];
	struct buf b = BUF_INIT;

	(void)state;
	memset(big, 'q', sizeof big);
	assert_int_equal(buf_put_str8(&b, big, 256), -1);
	assert_int_equal(buf_len(&b), 0);
	assert_int_equal(buf_put_str8(&b, big, 255), 0);
	assert_int_equal(buf_len(&b), 256);
	buf_free(&b);
}

/* Growth keeps every byte (many small appends across several blocks),
 * buf_append hands out room in place, buf_set_u32 patches a count. */
static void
test_growth(void **state)
{
	struct buf b;
	size_t i, len;
	uint8_t *p;
	struct buf_rd r;
	uint32_t v;

	(void)state;
	buf_init(&b);
	buf_put_u32(&b, 0);
	for (i = 0; i < 10000; i++)
		buf_put_u32(&b, (uint32_t)i * 2654435761u);
	p = buf_append(&b, 3);
	memcpy(p, "end", 3);
	buf_set_u32(&b, 0, 10000);
	assert_int_equal(buf_len(&b), 4 + 40000 + 3);
	assert_true(b.cap >= b.len);
	buf_rd_init(&r, buf_data(&b), buf_len(&b));
	assert_int_equal(buf_get_u32(&r, &v), 0);
	assert_int_equal(v, 10000);
	for (i = 0; i < 10000; i++) {
		assert_int_equal(buf_get_u32(&r, &v), 0);
		assert_int_equal(v, (uint32_t)i * 2654435761u);
	}
	assert_int_equal(buf_rd_left(&r), 3);
	assert_memory_equal(buf_data(&b) + buf_rd_off(&r), "end", 3);
	/* steal: exactly len bytes, the buffer empty afterwards */
	p = buf_steal(&b, &len);
	assert_int_equal(len, 40007);
	assert_int_equal(buf_load_u32(p), 10000);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	xfree_wipe(p, len);
	/* steal of nothing: a pointer all the same */
	p = buf_steal(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 0);
	xfree_wipe(p, len);
}

/* reset keeps the memory, the high water mark (what free wipes) stays. */
static void
test_reset(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	buf_put(&b, "secret answer", 13);
	buf_reset(&b);
	assert_int_equal(buf_len(&b), 0);
	assert_int_equal(b.hw, 13);
	buf_put(&b, "ab", 2);
	assert_int_equal(b.hw, 13);
	assert_memory_equal(buf_data(&b), "ab", 2);
	buf_free(&b);
	buf_free(&b);		/* twice is fine */
	buf_free(NULL);
}

/* Read back what was written; every type round-trips at its limits. */
static void
test_roundtrip(void **state)
{
	struct buf b = BUF_INIT;
	struct buf_rd r;
	uint8_t u8, raw[4];
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	const uint8_t *p;
	size_t n;

	(void)state;
	buf_put_u8(&b, 0xff);
	buf_put_u16(&b, 0xffff);
	buf_put_u32(&b, 0xffffffffu);
	buf_put_u64(&b, UINT64_MAX);
	buf_put_u64(&b, 0);
	buf_put(&b, "RAW!", 4);
	assert_int_equal(buf_put_str8(&b, "", 0), 0);
	assert_int_equal(buf_put_str32(&b, "åäö", strlen("åäö")), 0);
	buf_rd_init(&r, buf_data(&b), buf_len(&b));
	assert_int_equal(buf_get_u8(&r, &u8), 0);
	assert_int_equal(u8, 0xff);
	assert_int_equal(buf_get_u16(&r, &u16), 0);
	assert_int_equal(u16, 0xffff);
	assert_int_equal(buf_get_u32(&r, &u32), 0);
	assert_int_equal(u32, 0xffffffffu);
	assert_int_equal(buf_get_u64(&r, &u64), 0);
	assert_true(u64 == UINT64_MAX);
	assert_int_equal(buf_get_u64(&r, &u64), 0);
	assert_true(u64 == 0);
	assert_int_equal(buf_get(&r, raw, 4), 0);
	assert_memory_equal(raw, "RAW!", 4);
	assert_int_equal(buf_get_str8(&r, 10, &p, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(buf_get_str32(&r, 64, &p, &n), 0);
	assert_int_equal(n, strlen("åäö"));
	assert_memory_equal(p, "åäö", n);
	assert_int_equal(buf_rd_left(&r), 0);
	assert_false(buf_rd_failed(&r));
	buf_free(&b);
}

/* A get past the end fails, takes nothing, and every later get fails. */
static void
test_bounds(void **state)
{
	static const uint8_t in[] = { 0x01, 0x02, 0x03, 0x04, 0x05 };
	struct buf_rd r;
	uint32_t u32 = 7;
	uint64_t u64 = 7;
	uint8_t u8 = 7;
	uint16_t u16 = 7;
	const uint8_t *p = NULL;

	(void)state;
	buf_rd_init(&r, in, sizeof in);
	assert_int_equal(buf_get_u32(&r, &u32), 0);
	assert_int_equal(u32, 0x01020304);
	assert_int_equal(buf_get_u64(&r, &u64), -1);
	assert_true(u64 == 7);
	assert_true(buf_rd_failed(&r));
	assert_int_equal(r.need, 8);
	assert_int_equal(buf_rd_off(&r), 4);	/* nothing taken */
	assert_int_equal(buf_rd_left(&r), 1);
	/* sticky: the one byte left cannot be read either */
	assert_int_equal(buf_get_u8(&r, &u8), -1);
	assert_int_equal(u8, 7);
	assert_int_equal(r.need, 8);		/* the first failure */
	/* an empty reader, and one over NULL */
	buf_rd_init(&r, in, 0);
	assert_int_equal(buf_get_u16(&r, &u16), -1);
	assert_int_equal(u16, 7);
	buf_rd_init(&r, NULL, 99);
	assert_int_equal(buf_rd_left(&r), 0);
	assert_int_equal(buf_get_ptr(&r, 1, &p), -1);
	assert_null(p);
	/* zero bytes always fit; skip and ptr take what they say */
	buf_rd_init(&r, in, sizeof in);
	assert_int_equal(buf_get_ptr(&r, 0, &p), 0);
	assert_int_equal(buf_skip(&r, 2), 0);
	assert_int_equal(buf_get_ptr(&r, 3, &p), 0);
	assert_ptr_equal(p, in + 2);
	assert_int_equal(buf_skip(&r, 1), -1);
	/* a hand-made failure stops the reader too */
	buf_rd_init(&r, in, sizeof in);
	buf_rd_fail(&r);
	assert_int_equal(buf_get_u8(&r, &u8), -1);
	/* a huge count does not wrap the bounds check */
	buf_rd_init(&r, in, sizeof in);
	assert_int_equal(buf_skip(&r, 1), 0);
	assert_int_equal(buf_skip(&r, SIZE_MAX), -1);
	assert_int_equal(buf_rd_off(&r), 1);
}

/* Length-prefixed strings: a length over the cap or past the end fails
 * before a byte is taken, the length included. */
static void
test_str_bounds(void **state)
{
	static const uint8_t over[] = { 0x05, 'a', 'b', 'c', 'd', 'e' };
	static const uint8_t trunc[] = { 0x00, 0x00, 0x00, 0x09, 'a' };
	static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff, 'a' };
	static const uint8_t s16[] = { 0x00, 0x03, 'a', 'b', 'c', 'z' };
	struct buf_rd r;
	const uint8_t *p = NULL;
	size_t n = 42;

	(void)state;
	buf_rd_init(&r, over, sizeof over);
	assert_int_equal(buf_get_str8(&r, 4, &p, &n), -1);
	assert_int_equal(buf_rd_off(&r), 0);
	assert_int_equal(n, 42);
	assert_null(p);
	buf_rd_init(&r, over, sizeof over);
	assert_int_equal(buf_get_str8(&r, 5, &p, &n), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(p, "abcde", 5);
	buf_rd_init(&r, trunc, sizeof trunc);
	assert_int_equal(buf_get_str32(&r, 100, &p, &n), -1);
	assert_int_equal(buf_rd_off(&r), 0);
	assert_int_equal(r.need, 4 + 9);
	buf_rd_init(&r, huge, sizeof huge);
	assert_int_equal(buf_get_str32(&r, SIZE_MAX, &p, &n), -1);
	assert_int_equal(buf_rd_off(&r), 0);
	buf_rd_init(&r, s16, sizeof s16);
	assert_int_equal(buf_get_str16(&r, 3, &p, &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(p, "abc", 3);
	assert_int_equal(buf_rd_left(&r), 1);
}

/* The fixed-place helpers agree with the stream writer. */
static void
test_fixed(void **state)
{
	uint8_t x[12];
	struct buf b = BUF_INIT;

	(void)state;
	buf_store_u32(x, 0x89abcdef);
	buf_store_u64(x + 4, 0xfedcba9876543210ULL);
	buf_put_u32(&b, 0x89abcdef);
	buf_put_u64(&b, 0xfedcba9876543210ULL);
	assert_memory_equal(buf_data(&b), x, sizeof x);
	assert_int_equal(buf_load_u32(x), 0x89abcdef);
	assert_true(buf_load_u64(x + 4) == 0xfedcba9876543210ULL);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_str_too_long),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_str_bounds),
		cmocka_unit_test(test_fixed),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
