/* Unit tests for src/report/release_snap: a set that recorded releases in
 * this process (a release of each of two closed years, then a revision
 * made of records tapped after the first views) snapshots to the very
 * bytes of a set opened afterwards from the same store and tapped over the
 * same records in another order, and digests alike; the digest is the
 * contract's (avslut-cache(5)); a snapshot read back into a set just
 * opened gives that set, which the tap then goes on filling; bytes for
 * another release list, every truncation, and malformed counts, years,
 * ids and flags are refused with the set left as opened. Runs on a real
 * central.db in a temporary directory (AVSLUT_HOME there: the ledger). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/hrload.h"
#include "report/release.h"
#include "report_fixture.h"
#include "release_fixture.h"
#include "store/central.h"
#include "util/buf.h"

#define Y 2020 /* closed on any date the tests run */

/* Records of one unit and year, alike but for their texts (txt 0: the
 * text question not shown). */
struct batch {
	const char *unit;
	unsigned year;
	int n, v, yn, txt;
};

/* The base load: year Y as test_release's, and the year before (with
 * texts: a text figure of Y would stop its revision). */
static const struct batch base[] = {
	{ "A1", Y, 10, 4, 1, 0 }, { "A2", Y, 6, 2, 0, 0 },
	{ "A3", Y, 2, 1, 1, 0 }, { "B1", Y, 8, 5, 1, 0 },
	{ "B2", Y, 7, 3, 1, 0 }, { "A1", Y - 1, 9, 3, 1, 1 },
	{ "B1", Y - 1, 8, 2, 0, 1 },
};
/* Late interviews of Y that make revision 2 (test_release's
 * test_revision_made). */
static const struct batch late[] = {
	{ "A2", Y, 3, 3, 1, 0 },
	{ "A3", Y, 2, 4, 0, 0 },
};
/* More of Y, after the revision: held back. */
static const struct batch more[] = {
	{ "A1", Y, 60, 2, 1, 1 },
	{ "B2", Y, 45, 5, 0, 1 },
};

/* Bytes owned by a test. */
struct bytes {
	uint8_t *p;
	size_t n;
};

static int
setup(void **state)
{
	(void)state;
	return relfx_setup(1);
}

static void
load_open(struct load *l)
{
	const struct form *fs[1] = { form };
	struct err e;

	memset(l, 0, sizeof *l);
	assert_int_equal(central_open(&l->c, dbpath, CENTRAL_CREATE, &e), 0);
	l->a = agg_new(fs, 1, units_a, 5, NULL);
	assert_int_equal(release_set_open(&l->rs, l->c, pk, sk, fs, 1, units_a,
	    5, &e), 0);
	assert_int_equal(release_set_generation(l->rs), 0);
	gate_params_default(&l->gp);
}

/* The id of record seq: not in seq's order (a hash of it). */
static void
rec_id(uint32_t seq, uint8_t id[ENV_ID_BYTES])
{
	crypto_generichash(id, ENV_ID_BYTES, (const uint8_t *)&seq, sizeof seq,
	    NULL, 0);
}

/* Count and tap every record of b (numbered from *seq on), in order or
 * backwards: the tap must not care. */
static void
tap(struct load *l, const struct batch *b, size_t nb, uint32_t *seq,
    int backwards)
{
	struct form_answer ans[3];
	struct agg_rec r;
	uint8_t id[ENV_ID_BYTES];
	char text[32];
	const char *texts[3] = { NULL, NULL, text };
	int vals[3] = { 0, 0, 0 };
	size_t i, total = 0, k, x;
	uint32_t s;

	for (i = 0; i < nb; i++)
		total += (size_t)b[i].n;
	for (x = 0; x < total; x++) {
		k = backwards ? total - 1 - x : x;
		s = *seq + (uint32_t)k;
		for (i = 0; k >= (size_t)b[i].n; i++)
			k -= (size_t)b[i].n;
		snprintf(text, sizeof text, "svar %u", (unsigned)(s % 7));
		vals[0] = b[i].v;
		vals[1] = b[i].yn;
		vals[2] = b[i].txt ? 0 : NS;
		texts[2] = b[i].txt ? text : NULL;
		assert_int_equal(fx_add(l->a, form, b[i].unit, b[i].year, vals,
				     texts),
		    0);
		/* the same record for the tap */
		for (k = 0; k < 3; k++)
			fx_answer(&ans[k], &form->questions[k], vals[k],
			    texts[k]);
		r.unit = b[i].unit;
		r.year = b[i].year;
		r.form_hash = form->hash;
		r.answers = ans;
		r.nanswers = 3;
		rec_id(s, id);
		release_set_tap(l->rs, id, &r);
		free(ans[2].text);
	}
	*seq += (uint32_t)total;
}

static unsigned
view(struct load *l, unsigned y)
{
	struct gate_table *t;
	struct release_info ri;
	struct err e;

	assert_int_equal(release_view(l->rs, l->c, pk, l->a, y, &l->gp, &t,
	    &ri, &e), 0);
	gate_table_free(t);
	if (ri.why[0] != '\0')
		print_message("%u: %s\n", y, ri.why);
	return ri.revision;
}

static struct bytes
snap(const struct release_set *rs)
{
	struct buf b = BUF_INIT;
	struct bytes x;

	release_set_snap_put(rs, &b);
	x.p = buf_steal(&b, &x.n);
	return x;
}

static void
bytes_free(struct bytes *x)
{
	xfree_wipe(x->p, x->n);
	memset(x, 0, sizeof *x);
}

static void
assert_bytes_equal(const struct bytes *x, const struct bytes *y)
{
	assert_int_equal(x->n, y->n);
	assert_memory_equal(x->p, y->p, x->n);
}

/* snap_get over exactly p[0..n): its result; *left what it did not read. */
static int
get(struct release_set *rs, const uint8_t *p, size_t n, size_t *left)
{
	struct buf_rd r;
	int rc;

	buf_rd_init(&r, p, n);
	rc = release_set_snap_get(rs, &r);
	if (left != NULL)
		*left = buf_rd_left(&r);
	return rc;
}

/* The store of every test: releases 1 of Y and of Y - 1 recorded by one
 * process (Y first: the set's array is then out of (year, revision)
 * order), then the late records tapped and revision 2 of Y made in the
 * same process. *mid: the snapshot before the late records. */
static struct bytes
make_store(struct bytes *mid, uint8_t digest[RELEASE_SET_DIGEST_BYTES])
{
	struct load l;
	uint8_t d0[RELEASE_SET_DIGEST_BYTES], d1[RELEASE_SET_DIGEST_BYTES];
	uint32_t seq = 0;
	struct bytes x;

	load_open(&l);
	release_set_digest(l.rs, d0);
	tap(&l, base, 7, &seq, 0);
	assert_int_equal(view(&l, Y), 1);
	assert_int_equal(view(&l, Y - 1), 1);
	assert_int_equal(release_set_generation(l.rs), 2);
	release_set_digest(l.rs, d1);
	assert_memory_not_equal(d0, d1, sizeof d0);
	if (mid != NULL)
		*mid = snap(l.rs);
	tap(&l, late, 2, &seq, 0);
	assert_int_equal(view(&l, Y), 2);
	assert_int_equal(release_set_generation(l.rs), 3);
	x = snap(l.rs);
	release_set_digest(l.rs, digest);
	assert_memory_not_equal(d1, digest, sizeof d1);
	load_close(&l);
	return x;
}

/* The contract's digest, from the store's rows. */
static void
digest_by_hand(uint8_t out[32])
{
	static const char tag[] = "avslut-hr release set v1";
	struct central *c;
	struct central_release *rows;
	crypto_generichash_state st;
	struct err e;
	uint8_t be[6], h[32];
	size_t n, i;

	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	assert_int_equal(central_release_list(c, &rows, &n, &e), 0);
	assert_int_equal(n, 3);
	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const uint8_t *)tag, 25);
	be[0] = 0;
	be[1] = 0;
	be[2] = 0;
	be[3] = (uint8_t)n;
	crypto_generichash_update(&st, be, 4);
	for (i = 0; i < n; i++) { /* listed in (year, revision) order */
		be[0] = (uint8_t)(rows[i].year >> 8);
		be[1] = (uint8_t)rows[i].year;
		be[2] = 0;
		be[3] = 0;
		be[4] = 0;
		be[5] = (uint8_t)rows[i].revision;
		crypto_generichash_update(&st, be, 6);
		crypto_generichash(h, 32, rows[i].blob, rows[i].bloblen, NULL,
		    0);
		crypto_generichash_update(&st, h, 32);
	}
	crypto_generichash_final(&st, out, 32);
	central_release_list_free(rows, n);
	central_close(c);
}

/* A set that recorded three releases itself snapshots and digests as a
 * set opened afterwards and tapped (backwards) over the same records:
 * revision 2's fresh agg is release 1's late agg, and the ids go out in
 * order whatever order the tap saw them in. */
static void
test_recorded_equals_opened(void **state)
{
	struct load l;
	struct bytes a, b;
	uint8_t da[32], db[32], dh[32];
	uint32_t seq = 0, s_late = 50; /* base's 50 records come first */

	(void)state;
	a = make_store(NULL, da);
	load_open(&l);
	/* the same records, the late ones first and each run backwards */
	tap(&l, late, 2, &s_late, 1);
	tap(&l, base, 7, &seq, 1);
	b = snap(l.rs);
	release_set_digest(l.rs, db);
	assert_bytes_equal(&a, &b);
	assert_memory_equal(da, db, sizeof da);
	digest_by_hand(dh);
	assert_memory_equal(da, dh, sizeof da);
	bytes_free(&a);
	bytes_free(&b);
	load_close(&l);
}

/* Read back into a set just opened: the same set (its snapshot the same
 * bytes, bytes after it left unread); the tap then goes on as if it had
 * seen every record itself (past the rooms of 64 and 128 ids), as a set
 * tapped over all of them shows. */
static void
test_get_then_tap(void **state)
{
	struct load l, m;
	struct bytes a, x, y;
	const struct release_entry *lv, *mv;
	uint8_t d[32], *p;
	uint32_t seq = 0, s2;
	size_t left, i, nl;

	(void)state;
	a = make_store(NULL, d);
	p = xmalloc(a.n + 3);
	memcpy(p, a.p, a.n);
	memcpy(p + a.n, "end", 3);
	load_open(&l);
	assert_int_equal(get(l.rs, p, a.n + 3, &left), 0);
	assert_int_equal(left, 3);
	x = snap(l.rs);
	assert_bytes_equal(&a, &x);
	bytes_free(&x);
	/* into a set already filled: refused */
	assert_int_equal(get(l.rs, a.p, a.n, NULL), -1);
	s2 = 55;
	tap(&l, more, 2, &s2, 0);
	load_open(&m);
	tap(&m, base, 7, &seq, 0);
	tap(&m, late, 2, &seq, 0);
	tap(&m, more, 2, &seq, 1);
	x = snap(l.rs);
	y = snap(m.rs);
	assert_bytes_equal(&x, &y);
	nl = release_list(l.rs, &lv);
	assert_int_equal(nl, release_list(m.rs, &mv));
	assert_int_equal(nl, 3);
	for (i = 0; i < nl; i++) {
		assert_int_equal(lv[i].year, mv[i].year);
		assert_int_equal(lv[i].held, mv[i].held);
	}
	assert_int_equal(lv[2].held, 105); /* Y revision 2 */
	bytes_free(&x);
	bytes_free(&y);
	bytes_free(&a);
	free(p);
	load_close(&l);
	load_close(&m);
}

/* Bytes for another release list (fewer releases, another count, another
 * year or revision) are refused, the set left as opened: it then takes
 * the right bytes. */
static void
test_other_list_refused(void **state)
{
	struct load l;
	struct bytes a, mid, open, x;
	uint8_t d[32], *p;
	size_t off, i;
	uint32_t ny, n;

	(void)state;
	a = make_store(&mid, d);
	load_open(&l);
	open = snap(l.rs);
	assert_int_equal(get(l.rs, mid.p, mid.n, NULL), -1);
	x = snap(l.rs);
	assert_bytes_equal(&open, &x);
	bytes_free(&x);
	/* the release list starts after the years */
	ny = buf_load_u32(a.p);
	assert_int_equal(ny, 2);
	for (off = 4, i = 0; i < ny; i++) {
		n = buf_load_u32(a.p + off + 2);
		off += 6 + (size_t)n * ENV_ID_BYTES;
	}
	assert_int_equal(buf_load_u32(a.p + off), 3);
	p = xmalloc(a.n);
	for (i = 0; i < 5; i++) {
		memcpy(p, a.p, a.n);
		if (i == 0)
			buf_store_u32(p + off, 2);
		else if (i == 1)
			buf_store_u32(p + off, 4);
		else if (i == 2)
			p[off + 5] ^= 1; /* the first release's year */
		else if (i == 3)
			p[off + 9] = 2; /* its revision */
		else
			buf_store_u32(p + off, 0);
		assert_int_equal(get(l.rs, p, a.n, NULL), -1);
		x = snap(l.rs);
		assert_bytes_equal(&open, &x);
		bytes_free(&x);
	}
	assert_int_equal(get(l.rs, a.p, a.n, NULL), 0);
	x = snap(l.rs);
	assert_bytes_equal(&a, &x);
	bytes_free(&x);
	free(p);
	bytes_free(&a);
	bytes_free(&mid);
	bytes_free(&open);
	load_close(&l);
}

/* Every truncation is refused and leaves the set as opened. */
static void
test_truncated_refused(void **state)
{
	struct load l;
	struct bytes a, open, x;
	uint8_t d[32];
	size_t n;

	(void)state;
	a = make_store(NULL, d);
	load_open(&l);
	open = snap(l.rs);
	for (n = 0; n < a.n; n++) {
		if (get(l.rs, a.p, n, NULL) != -1)
			fail_msg("%zu of %zu bytes taken", n, a.n);
		x = snap(l.rs);
		assert_bytes_equal(&open, &x);
		bytes_free(&x);
	}
	assert_int_equal(get(l.rs, a.p, a.n, NULL), 0);
	bytes_free(&a);
	bytes_free(&open);
	load_close(&l);
}

/* The end of one agg snapshot at off (avslut-cache(5)), read here as
 * the contract writes it. */
static size_t
agg_end(const uint8_t *p, size_t off)
{
	uint32_t nq = buf_load_u32(p + off), ng, t, j, k;
	uint32_t ncat[8];
	size_t q;

	assert_true(nq <= 8);
	off += 4;
	for (q = 0; q < nq; q++, off += 4)
		ncat[q] = buf_load_u32(p + off);
	off += 16; /* records, rejected */
	ng = buf_load_u32(p + off);
	off += 4;
	for (j = 0; j < ng; j++) {
		off += 1 + p[off] + 2 + 4;
		for (q = 0; q < nq; q++) {
			off += 5 * 4 + (size_t)ncat[q] * 4 + 16;
			t = buf_load_u32(p + off);
			off += 4;
			for (k = 0; k < t; k++)
				off += 4 + buf_load_u32(p + off);
		}
	}
	return off;
}

/* Counts that cannot fit, years or ids out of order or repeated, a year
 * without ids, a fresh-agg flag that is not 0 or 1 or that the release
 * contradicts: each refused (no allocation sized by a count beyond the
 * bytes: ASan would stop at one), the set left as opened. */
static void
test_malformed_refused(void **state)
{
	struct load l;
	struct bytes a, open, x;
	uint8_t d[32], *p;
	size_t y0, y1, rel, f[3], i, off;
	uint32_t n0;

	(void)state;
	a = make_store(NULL, d);
	load_open(&l);
	open = snap(l.rs);
	/* the layout: years Y - 1 and Y, then three releases */
	y0 = 4;
	n0 = buf_load_u32(a.p + y0 + 2);
	assert_int_equal(n0, 17);
	y1 = y0 + 6 + (size_t)n0 * ENV_ID_BYTES;
	assert_int_equal(buf_load_u32(a.p + y1 + 2), 38);
	rel = y1 + 6 + 38 * ENV_ID_BYTES;
	off = rel + 4;
	for (i = 0; i < 3; i++) {
		assert_int_equal(buf_load_u32(a.p + off + 2), i == 2 ? 2 : 1);
		f[i] = agg_end(a.p, off + 6);
		off = f[i] + 1;
		assert_int_equal(a.p[f[i]], i == 2);
		if (a.p[f[i]])
			off = agg_end(a.p, off);
	}
	assert_int_equal(off, a.n); /* the layout is the contract's */
	p = xmalloc(a.n);
	for (i = 0; i < 11; i++) {
		memcpy(p, a.p, a.n);
		switch (i) {
		case 0: /* years */
			buf_store_u32(p, 0xffffffffu);
			break;
		case 1:
			buf_store_u32(p, 3);
			break;
		case 2: /* ids of a year */
			buf_store_u32(p + y0 + 2, 0xffffffffu);
			break;
		case 3:
			/* one id more than the bytes left hold */
			buf_store_u32(p + y0 + 2,
			    (uint32_t)((a.n - y0 - 6) / ENV_ID_BYTES + 1));
			break;
		case 4:
			buf_store_u32(p + y0 + 2, 0);
			break;
		case 5: /* the same year twice */
			p[y1 + 1] = p[y0 + 1];
			break;
		case 6: /* years out of order */
			p[y1 + 1] = (uint8_t)(p[y0 + 1] - 1);
			break;
		case 7: /* an id repeated */
			memcpy(p + y1 + 6 + ENV_ID_BYTES, p + y1 + 6,
			    ENV_ID_BYTES);
			break;
		case 8: /* the fresh flag */
			p[f[0]] = 2;
			break;
		case 9: /* revision 1 with a fresh agg (then the bytes of
			 * the next release read as one) */
			p[f[0]] = 1;
			break;
		case 10: /* revision 2 without */
			p[f[2]] = 0;
			break;
		}
		if (get(l.rs, p, a.n, NULL) != -1)
			fail_msg("case %zu taken", i);
		x = snap(l.rs);
		assert_bytes_equal(&open, &x);
		bytes_free(&x);
	}
	assert_int_equal(get(l.rs, a.p, a.n, NULL), 0);
	free(p);
	bytes_free(&a);
	bytes_free(&open);
	load_close(&l);
}

static int
id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, ENV_ID_BYTES);
}

/* Tap ids from..to-1 of one year with nothing but the year (no release:
 * the tap only keeps them); every 50th of the last 400 shares its first
 * two bytes with the others (a run the sort's buckets cannot spread).
 * Each id also goes to want[]. */
static void
tap_ids(struct release_set *rs, uint32_t from, uint32_t to, uint8_t *want)
{
	struct agg_rec r;
	uint8_t id[ENV_ID_BYTES];
	uint32_t s;

	memset(&r, 0, sizeof r);
	r.year = Y + 1;
	for (s = from; s < to; s++) {
		rec_id(s, id);
		if (s % 50 < 8 && s + 400 >= to) {
			id[0] = 0xab;
			id[1] = 0xcd;
		}
		release_set_tap(rs, id, &r);
		memcpy(want + (size_t)s * ENV_ID_BYTES, id, ENV_ID_BYTES);
	}
}

/* The snapshot of a set of one year, no release: its ids are want[0..n)
 * sorted. */
static void
assert_ids(const struct bytes *x, uint8_t *want, size_t n)
{
	qsort(want, n, ENV_ID_BYTES, id_cmp);
	assert_int_equal(x->n, 4 + 6 + n * ENV_ID_BYTES + 4);
	assert_int_equal(buf_load_u32(x->p), 1);
	assert_int_equal(x->p[4] << 8 | x->p[5], Y + 1);
	assert_int_equal(buf_load_u32(x->p + 6), n);
	assert_memory_equal(x->p + 10, want, n * ENV_ID_BYTES);
	assert_int_equal(buf_load_u32(x->p + 10 + n * ENV_ID_BYTES), 0);
}

/* Thousands of ids (the sort by buckets, with a run in one bucket), and
 * as many tapped after snap_get (sorted, then merged with the ids read
 * back): each time the snapshot holds them all, in order. */
static void
test_many_ids_sorted(void **state)
{
	struct load l, m;
	struct bytes x, y;
	uint8_t *want = xcalloc(11000, ENV_ID_BYTES);
	size_t left;

	(void)state;
	load_open(&l);
	tap_ids(l.rs, 0, 6000, want);
	x = snap(l.rs);
	assert_ids(&x, want, 6000);
	load_open(&m);
	assert_int_equal(get(m.rs, x.p, x.n, &left), 0);
	assert_int_equal(left, 0);
	tap_ids(m.rs, 6000, 11000, want);
	y = snap(m.rs);
	assert_ids(&y, want, 11000);
	bytes_free(&x);
	bytes_free(&y);
	free(want);
	load_close(&l);
	load_close(&m);
}

/* The adaptors fit hrload_opts (a wrong type does not compile) and are
 * the three functions. */
static void
test_hrload_hooks(void **state)
{
	struct hrload_opts o;
	struct load l;
	struct bytes a, x;
	struct buf b = BUF_INIT;
	struct buf_rd r;
	uint8_t d[32], d2[32];

	(void)state;
	a = make_store(NULL, d);
	memset(&o, 0, sizeof o);
	o.tap_digest = release_set_tap_digest;
	o.tap_put = release_set_tap_put;
	o.tap_get = release_set_tap_get;
	load_open(&l);
	o.tap_ctx = l.rs;
	o.tap_digest(o.tap_ctx, d2);
	assert_memory_equal(d, d2, sizeof d);
	buf_rd_init(&r, a.p, a.n);
	assert_int_equal(o.tap_get(o.tap_ctx, &r), 0);
	o.tap_put(o.tap_ctx, &b);
	x.p = buf_steal(&b, &x.n);
	assert_bytes_equal(&a, &x);
	bytes_free(&x);
	bytes_free(&a);
	load_close(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_recorded_equals_opened,
		    each_teardown),
		cmocka_unit_test_teardown(test_get_then_tap, each_teardown),
		cmocka_unit_test_teardown(test_other_list_refused,
		    each_teardown),
		cmocka_unit_test_teardown(test_truncated_refused,
		    each_teardown),
		cmocka_unit_test_teardown(test_malformed_refused,
		    each_teardown),
		cmocka_unit_test_teardown(test_hrload_hooks, each_teardown),
		cmocka_unit_test_teardown(test_many_ids_sorted,
		    each_teardown),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
