/* libFuzzer target for util/buf, the codec under every file format: the
 * first bytes are a program of gets (u8, u16, u32, u64, bytes, str8,
 * str16, str32, skip) run over the rest. No program may read out of
 * bounds; a failed get takes nothing and fails every later one; and
 * whatever was read, written back with the writer, is the bytes read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OPS 64

static void
check(int ok)
{
	if (!ok)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf_rd r;
	struct buf w = BUF_INIT;
	size_t nops, i, before, n, start;
	const uint8_t *p;
	uint8_t u8, tmp[16];
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	int rc, failed;

	if (size < 1)
		return 0;
	nops = data[0] % MAX_OPS;
	if (size < 1 + nops)
		return 0;
	buf_rd_init(&r, data + 1 + nops, size - 1 - nops);
	start = 1 + nops;
	for (i = 0; i < nops; i++) {
		uint8_t op = data[1 + i];

		before = buf_rd_off(&r);
		failed = buf_rd_failed(&r);
		switch (op % 9) {
		case 0:
			if ((rc = buf_get_u8(&r, &u8)) == 0)
				buf_put_u8(&w, u8);
			break;
		case 1:
			if ((rc = buf_get_u16(&r, &u16)) == 0)
				buf_put_u16(&w, u16);
			break;
		case 2:
			if ((rc = buf_get_u32(&r, &u32)) == 0)
				buf_put_u32(&w, u32);
			break;
		case 3:
			if ((rc = buf_get_u64(&r, &u64)) == 0)
				buf_put_u64(&w, u64);
			break;
		case 4:
			n = op >> 4;		/* 0..15 bytes copied out */
			if ((rc = buf_get(&r, tmp, n)) == 0)
				buf_put(&w, tmp, n);
			break;
		case 5:
			if ((rc = buf_get_str8(&r, op, &p, &n)) == 0) {
				check(n <= op);
				check(buf_put_str8(&w, p, n) == 0);
			}
			break;
		case 6:
			if ((rc = buf_get_str16(&r, SIZE_MAX, &p, &n)) == 0)
				check(buf_put_str16(&w, p, n) == 0);
			break;
		case 7:
			if ((rc = buf_get_str32(&r, (size_t)op << 8, &p,
			    &n)) == 0) {
				check(n <= (size_t)op << 8);
				check(buf_put_str32(&w, p, n) == 0);
			}
			break;
		default:
			n = op >> 3;
			if ((rc = buf_skip(&r, n)) == 0)
				buf_put(&w, data + start + before, n);
			break;
		}
		check(rc == 0 || rc == -1);
		if (rc == -1) {
			check(buf_rd_failed(&r));
			check(buf_rd_off(&r) == before);
		} else {
			check(!failed);
			check(buf_rd_off(&r) > before || op % 9 == 4 ||
			    op % 9 == 8);
		}
		check(buf_rd_off(&r) <= size - start);
		/* written back: exactly the bytes consumed so far */
		check(buf_len(&w) == buf_rd_off(&r));
		check(buf_len(&w) == 0 ||
		    memcmp(buf_data(&w), data + start, buf_len(&w)) == 0);
	}
	buf_free(&w);
	return 0;
}
