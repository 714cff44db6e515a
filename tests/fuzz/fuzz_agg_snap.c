/* libFuzzer target for agg_snap_get: no input may crash it, leak or read
 * out of bounds; what it accepts must encode back byte for byte, and what
 * it refuses must leave the agg empty. The first byte picks an agg made
 * with the units A, B, C (odd) or with none (even). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wunused-function"
#include "../unit/report_fixture.h"
#include "report/agg.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct agg_unit units[] = {
	{"A", "A", NULL},
	{"B", "B", NULL},
	{"C", "C", "South"},
};

/* The layout of tests/fuzz/corpus/fuzz_agg_snap: Q 5, ncat 4 5 11 2 0. */
static struct agg *
base(int strict)
{
	static struct agg *a[2];
	static struct form *f;
	struct form_question *q;
	const struct form *forms[1];

	if (f == NULL) {
		f = fx_form("exit", 1);
		q = fx_q(f, "reasons", FORM_MULTI, "a b c", 0, 0);
		q->other = 1;
		fx_q(f, "lead", FORM_SCALE, NULL, 1, 5);
		fx_q(f, "rec", FORM_NPS, NULL, 0, 10);
		fx_q(f, "offered", FORM_YESNO, NULL, 0, 0);
		fx_q(f, "change", FORM_TEXT, NULL, 0, 0);
		forms[0] = f;
		a[0] = agg_new(forms, 1, NULL, 0, NULL);
		a[1] = agg_new(forms, 1, units, 3, NULL);
	}
	return a[strict];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct agg *x, *y;
	struct buf b = BUF_INIT;
	struct buf_rd r;

	if (size < 1)
		return 0;
	x = base(data[0] & 1);
	y = agg_new_like(x);
	buf_rd_init(&r, data + 1, size - 1);
	if (agg_snap_get(y, &r) == 0) {
		/* The reader is strict: only the writer's bytes pass. */
		agg_snap_put(y, &b);
		if (buf_len(&b) != buf_rd_off(&r) ||
		    memcmp(buf_data(&b), data + 1, buf_len(&b)) != 0)
			abort();
		buf_free(&b);
	} else if (agg_records(y) != 0 || agg_rejected(y) != 0 ||
	    agg_nyears(y) != 0 || agg_nunits(y) != agg_nunits(x) ||
	    !buf_rd_failed(&r)) {
		abort();
	}
	agg_free(y);
	return 0;
}
