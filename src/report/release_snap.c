/* release_snap: the release set's part of the aggregate cache
 * (avslut-cache(5)): the digest of the releases a set was opened from,
 * and the load's state of the set (the tap's ids per year, every
 * release's late and fresh aggs) as bytes and back.
 *
 * Snapshot format, big-endian (util/buf):
 *
 *   u32 Y years the tap saw; Y years ascending:
 *       u16 year; u32 n (> 0); n x 16-byte envelope ids, ascending
 *   u32 R releases (the set's); R releases in (year, revision) order:
 *       u16 year; u32 revision; agg snapshot of its late agg;
 *       u8 1 if a fresh agg follows, else 0; [agg snapshot of it]
 *
 * Everything is a function of the records tapped, not of their order,
 * so that the bytes of a set that recorded a release in this process
 * equal those of a set opened afterwards and tapped over the same
 * records (release_set_generation). */
#include "report/release.h"
#include "report/release_int.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/buf.h"
#include "util/xmem.h"

#define SET_DIGEST_TAG "avslut-hr release set v1" /* and its NUL: 25 */

_Static_assert(sizeof SET_DIGEST_TAG == 25, "the digest's tag is 25 bytes");
_Static_assert(RELEASE_SET_DIGEST_BYTES == 32, "BLAKE2b-256");

static int
rel_order_cmp(const void *a, const void *b)
{
	const struct rel *x = *(const struct rel *const *)a;
	const struct rel *y = *(const struct rel *const *)b;

	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	if (x->revision != y->revision)
		return x->revision < y->revision ? -1 : 1;
	return 0;
}

/* The set's releases in (year, revision) order: a release recorded in
 * this process is appended to rs->v whatever its year. */
static struct rel **
rel_order(const struct release_set *rs)
{
	struct rel **o = xcalloc(rs->n ? rs->n : 1, sizeof *o);
	size_t i;

	for (i = 0; i < rs->n; i++)
		o[i] = &rs->v[i];
	qsort(o, rs->n, sizeof *o, rel_order_cmp);
	return o;
}

int
rel_late_copy(const struct release_set *rs, unsigned year, unsigned revision,
    struct agg **out)
{
	const struct rel *v = NULL;
	struct buf b = BUF_INIT;
	struct buf_rd r;
	size_t i;
	int rc;

	for (i = 0; i < rs->n; i++)
		if (rs->v[i].year == year && rs->v[i].revision == revision)
			v = &rs->v[i];
	if (v == NULL) {
		/* the tap adds nothing to the fresh agg of a revision whose
		 * revision before is not in the set */
		*out = agg_new((const struct form *const *)rs->forms,
		    rs->nforms, rs->units, rs->nunits, NULL);
		return 0;
	}
	*out = agg_new_like(v->late);
	agg_snap_put(v->late, &b);
	buf_rd_init(&r, buf_data(&b), buf_len(&b));
	rc = agg_snap_get(*out, &r);
	if (rc == 0 && buf_rd_left(&r) != 0)
		rc = -1;
	buf_free(&b);
	if (rc != 0) {
		agg_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

void
release_set_digest(const struct release_set *rs,
    uint8_t out[RELEASE_SET_DIGEST_BYTES])
{
	struct rel **o = rel_order(rs);
	struct buf b = BUF_INIT;
	size_t i;

	buf_put(&b, SET_DIGEST_TAG, sizeof SET_DIGEST_TAG);
	buf_put_u32(&b, (uint32_t)rs->n);
	for (i = 0; i < rs->n; i++) {
		buf_put_u16(&b, (uint16_t)o[i]->year);
		buf_put_u32(&b, (uint32_t)o[i]->revision);
		buf_put(&b, o[i]->digest, sizeof o[i]->digest);
	}
	crypto_generichash(out, RELEASE_SET_DIGEST_BYTES, buf_data(&b),
	    buf_len(&b), NULL, 0);
	buf_free(&b);
	free(o);
}

static int
ys_order_cmp(const void *a, const void *b)
{
	const struct rs_year *x = *(const struct rs_year *const *)a;
	const struct rs_year *y = *(const struct rs_year *const *)b;

	return x->year < y->year ? -1 : x->year > y->year;
}

/* How many of the n ids at p, from the first, are strictly ascending. */
static size_t
ids_ascending(const void *p, size_t n)
{
	const uint8_t *id = p;
	size_t i;

	for (i = 1; i < n; i++, id += ENV_ID_BYTES)
		if (memcmp(id, id + ENV_ID_BYTES, ENV_ID_BYTES) >= 0)
			return i;
	return n;
}

#define ID(p, i) ((p) + (size_t)(i)*ENV_ID_BYTES)

/* Sort n ids at p in place. Envelope ids are random, so they are first
 * spread by their first two bytes (counting, into a copy), then each
 * bucket is sorted on its own: insertion while short (about one id per
 * bucket at 100 000), qsort beyond (a crafted run of one prefix costs
 * n log n, not n squared). At 100 000 ids: 9 ms of CPU, qsort over
 * them all 45 (the put of an open without the aggregate file). */
static void
ids_sort(uint8_t *p, size_t n)
{
	size_t *at, i, k, lo, hi, j;
	uint8_t *tmp, x[ENV_ID_BYTES];

	if (n < 4096) {
		qsort(p, n, ENV_ID_BYTES, rel_id_cmp);
		return;
	}
	at = xcalloc(65536 + 1, sizeof *at);
	for (i = 0; i < n; i++)
		at[(ID(p, i)[0] << 8 | ID(p, i)[1]) + 1]++;
	for (k = 0; k < 65536; k++)
		at[k + 1] += at[k];
	tmp = xmalloc(n * ENV_ID_BYTES);
	for (i = 0; i < n; i++) /* at[k]: where bucket k's next id goes */
		memcpy(ID(tmp, at[ID(p, i)[0] << 8 | ID(p, i)[1]]++), ID(p, i),
		    ENV_ID_BYTES);
	/* at[k] is now where bucket k + 1 starts */
	for (k = 0, lo = 0; k < 65536; k++, lo = hi) {
		hi = at[k];
		if (hi - lo > 16) {
			qsort(ID(tmp, lo), hi - lo, ENV_ID_BYTES, rel_id_cmp);
			continue;
		}
		for (i = lo + 1; i < hi; i++) {
			memcpy(x, ID(tmp, i), ENV_ID_BYTES);
			for (j = i; j > lo &&
			     memcmp(ID(tmp, j - 1), x, ENV_ID_BYTES) > 0;
			     j--)
				memcpy(ID(tmp, j), ID(tmp, j - 1),
				    ENV_ID_BYTES);
			memcpy(ID(tmp, j), x, ENV_ID_BYTES);
		}
	}
	memcpy(p, tmp, n * ENV_ID_BYTES);
	xfree_wipe(tmp, n * ENV_ID_BYTES); /* as secret as a release */
	free(at);
}

/* The ids of one year, ascending. The tap keeps them in arrival order
 * (release_view's users do not depend on it, but the set is const
 * here): the ones out of order are sorted in a copy and merged with
 * those before them. After snap_get the ids are in order up to the
 * ones tapped since (an open after an ingest): only those are sorted. */
static void
put_year(const struct rs_year *y, struct buf *b)
{
	const uint8_t *ids = (const uint8_t *)y->ids;
	size_t n = y->n, p = ids_ascending(ids, n), i = 0, j = 0, k;
	uint8_t *tail, *out;

	buf_put_u16(b, (uint16_t)y->year);
	buf_put_u32(b, (uint32_t)n);
	if (p == n) {
		buf_put(b, ids, n * ENV_ID_BYTES);
		return;
	}
	tail = xmalloc((n - p) * ENV_ID_BYTES);
	memcpy(tail, ID(ids, p), (n - p) * ENV_ID_BYTES);
	ids_sort(tail, n - p);
	out = buf_append(b, n * ENV_ID_BYTES);
	for (k = 0; k < n; k++)
		if (j == n - p ||
		    (i < p &&
			memcmp(ID(ids, i), ID(tail, j), ENV_ID_BYTES) <= 0))
			memcpy(ID(out, k), ID(ids, i++), ENV_ID_BYTES);
		else
			memcpy(ID(out, k), ID(tail, j++), ENV_ID_BYTES);
	xfree_wipe(tail, (n - p) * ENV_ID_BYTES);
}

void
release_set_snap_put(const struct release_set *rs, struct buf *b)
{
	const struct rs_year **yo;
	struct rel **o;
	size_t i;

	yo = xcalloc(rs->nys ? rs->nys : 1, sizeof *yo);
	for (i = 0; i < rs->nys; i++)
		yo[i] = &rs->ys[i];
	qsort(yo, rs->nys, sizeof *yo, ys_order_cmp);
	buf_put_u32(b, (uint32_t)rs->nys);
	for (i = 0; i < rs->nys; i++)
		put_year(yo[i], b);
	free(yo);
	o = rel_order(rs);
	buf_put_u32(b, (uint32_t)rs->n);
	for (i = 0; i < rs->n; i++) {
		buf_put_u16(b, (uint16_t)o[i]->year);
		buf_put_u32(b, (uint32_t)o[i]->revision);
		agg_snap_put(o[i]->late, b);
		buf_put_u8(b, o[i]->fresh != NULL);
		if (o[i]->fresh != NULL)
			agg_snap_put(o[i]->fresh, b);
	}
	free(o);
}

static void
ys_free(struct rs_year *ys, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(ys[i].ids);
	free(ys);
}

/* The years of a snapshot: 0 and *out (*n of them), or -1 (nothing
 * left allocated). Every count is checked against the bytes left
 * before anything is allocated for it. */
static int
get_years(struct buf_rd *r, struct rs_year **out, size_t *n)
{
	struct rs_year *ys;
	uint32_t ny, ni;
	uint16_t year;
	size_t i;
	int bad = 0;

	*out = NULL;
	*n = 0;
	/* a year is at least its year, count and one id */
	if (buf_get_u32(r, &ny) != 0 ||
	    ny > buf_rd_left(r) / (2 + 4 + ENV_ID_BYTES))
		return -1;
	ys = xcalloc(ny ? ny : 1, sizeof *ys);
	for (i = 0; i < ny && !bad; i++) {
		if (buf_get_u16(r, &year) != 0 || buf_get_u32(r, &ni) != 0 ||
		    ni == 0 || ni > buf_rd_left(r) / ENV_ID_BYTES ||
		    (i > 0 && year <= ys[i - 1].year)) {
			bad = 1;
			break;
		}
		ys[i].year = year;
		/* the tap's room, as if it had added them one by one */
		ys[i].ids = xcalloc(rs_ids_room(ni), ENV_ID_BYTES);
		ys[i].n = ni;
		bad = buf_get(r, ys[i].ids, (size_t)ni * ENV_ID_BYTES) != 0 ||
		    ids_ascending(ys[i].ids, ni) != ni;
	}
	if (bad) {
		ys_free(ys, ny); /* calloc'd: the years not reached are NULL */
		return -1;
	}
	*out = ys;
	*n = ny;
	return 0;
}

/* One agg snapshot into a new agg made like `like`: 0, or -1 (*out
 * NULL). */
static int
get_agg(struct buf_rd *r, const struct agg *like, struct agg **out)
{
	*out = agg_new_like(like);
	if (agg_snap_get(*out, r) == 0)
		return 0;
	agg_free(*out);
	*out = NULL;
	return -1;
}

int
release_set_snap_get(struct release_set *rs, struct buf_rd *r)
{
	struct rs_year *ys;
	struct agg **late, **fresh;
	struct rel **o;
	uint32_t nr, rev;
	uint16_t year;
	uint8_t has;
	size_t nys, i;
	int rc = 0;

	/* into a set just opened only: the tap's state replaces nothing */
	if (rs->nys != 0 || rs->generation != 0)
		return -1;
	if (get_years(r, &ys, &nys) != 0)
		return -1;
	if (buf_get_u32(r, &nr) != 0 || nr != rs->n) {
		ys_free(ys, nys);
		return -1;
	}
	o = rel_order(rs);
	late = xcalloc(rs->n ? rs->n : 1, sizeof *late);
	fresh = xcalloc(rs->n ? rs->n : 1, sizeof *fresh);
	for (i = 0; i < rs->n && rc == 0; i++) {
		if (buf_get_u16(r, &year) != 0 || buf_get_u32(r, &rev) != 0 ||
		    year != o[i]->year || rev != o[i]->revision ||
		    get_agg(r, o[i]->late, &late[i]) != 0 ||
		    buf_get_u8(r, &has) != 0 || has != (o[i]->fresh != NULL) ||
		    (has && get_agg(r, o[i]->fresh, &fresh[i]) != 0))
			rc = -1;
	}
	/* all of it read: only now does rs change */
	for (i = 0; i < rs->n; i++) {
		if (rc == 0) {
			agg_free(o[i]->late);
			o[i]->late = late[i];
			if (fresh[i] != NULL) {
				agg_free(o[i]->fresh);
				o[i]->fresh = fresh[i];
			}
		} else {
			agg_free(late[i]);
			agg_free(fresh[i]);
		}
	}
	if (rc == 0) {
		free(rs->ys); /* NULL: no tap call yet */
		rs->ys = ys;
		rs->nys = nys;
		free(rs->list); /* its held counts read the ids */
		rs->list = NULL;
	} else
		ys_free(ys, nys);
	free(late);
	free(fresh);
	free(o);
	return rc;
}

void
release_set_tap_digest(void *ctx, uint8_t out[32])
{
	release_set_digest(ctx, out);
}

void
release_set_tap_put(void *ctx, struct buf *b)
{
	release_set_snap_put(ctx, b);
}

int
release_set_tap_get(void *ctx, struct buf_rd *r)
{
	return release_set_snap_get(ctx, r);
}

unsigned
release_set_generation(const struct release_set *rs)
{
	return rs->generation;
}
