/* agg_snap: the aggregation as bytes and back (the aggregate cache,
 * avslut-cache(5)): a canonical writer and a strict reader. */
#include "report/agg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/agg_int.h"
#include "util/buf.h"
#include "util/xmem.h"

_Static_assert(sizeof(double) == sizeof(uint64_t), "binary64 doubles");

/* Bytes of a cell of ncat categories before its texts: asked, answered,
 * declined, skipped, notshown, the counts, sum, sumsq, T. */
#define SNAP_CELL(ncat) (5 * 4 + 4 * (size_t)(ncat) + 8 + 8 + 4)
/* Bytes of a group before its cells: str8 code (its length byte), u16
 * year, u32 interviews. */
#define SNAP_GROUP 7

struct snap_group {
	const char *code;
	size_t len;
	unsigned year;
	const struct agg_group *g;
};

struct snap_text {
	const char *s;
	size_t len;
};

static int
snap_cmp_group(const void *x, const void *y)
{
	const struct snap_group *a = x, *b = y;
	int c = strcmp(a->code, b->code);

	if (c != 0)
		return c;
	return a->year < b->year ? -1 : a->year > b->year;
}

static int
snap_cmp_text(const void *x, const void *y)
{
	return strcmp(((const struct snap_text *)x)->s,
	    ((const struct snap_text *)y)->s);
}

static uint8_t *
snap_u16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *
snap_u32(uint8_t *p, uint32_t v)
{
	buf_store_u32(p, v);
	return p + 4;
}

static uint8_t *
snap_u64(uint8_t *p, uint64_t v)
{
	buf_store_u64(p, v);
	return p + 8;
}

static uint64_t
snap_bits(double d)
{
	uint64_t v;

	memcpy(&v, &d, sizeof(v));
	return v;
}

/* Scratch room for sorting one cell's texts (grown as needed). */
struct snap_scratch {
	struct snap_text *tx, *tmp;
	size_t cap;
};

/* Sort a cell's texts. After a get they are sorted up to the texts added
 * since (an open after an ingest): then only those are sorted, and
 * merged in. */
static void
snap_sort(struct snap_text *tx, size_t n, struct snap_text *tmp)
{
	size_t m = 1, i = 0, j, k = 0;

	while (m < n && strcmp(tx[m - 1].s, tx[m].s) <= 0)
		m++;
	if (m == n)
		return;
	if (m < n / 2) {
		qsort(tx, n, sizeof(*tx), snap_cmp_text);
		return;
	}
	qsort(tx + m, n - m, sizeof(*tx), snap_cmp_text);
	memcpy(tmp, tx, m * sizeof(*tx));
	for (j = m; i < m && j < n;)
		tx[k++] = strcmp(tmp[i].s, tx[j].s) <= 0 ? tmp[i++] : tx[j++];
	while (i < m)
		tx[k++] = tmp[i++];
}

/* One cell, appended to b: its texts measured and sorted in one pass
 * over them (each text is read while it is in the cache: the texts of
 * a cell lie wherever agg_add allocated them). */
static void
snap_cell_put(struct buf *b, const struct agg_cell *c,
    const struct agg_question *q, struct snap_scratch *sc)
{
	size_t size = SNAP_CELL(q->ncat), k;
	struct snap_text *tx;
	uint8_t *p;

	if (c->ntexts > sc->cap) {
		free(sc->tx);
		free(sc->tmp);
		sc->cap = 2 * c->ntexts;
		sc->tx = xcalloc(sc->cap, sizeof(*sc->tx));
		sc->tmp = xcalloc(sc->cap, sizeof(*sc->tmp));
	}
	tx = sc->tx;
	for (k = 0; k < c->ntexts; k++) {
		tx[k].s = c->texts[k];
		tx[k].len = strlen(c->texts[k]);
		size += 4 + tx[k].len;
	}
	if (c->ntexts > 1)
		snap_sort(tx, c->ntexts, sc->tmp);
	p = buf_append(b, size);
	p = snap_u32(p, c->asked);
	p = snap_u32(p, c->answered);
	p = snap_u32(p, c->declined);
	p = snap_u32(p, c->skipped);
	p = snap_u32(p, c->notshown);
	for (k = 0; k < q->ncat; k++)
		p = snap_u32(p, c->counts[k]);
	p = snap_u64(p, snap_bits(c->sum));
	p = snap_u64(p, snap_bits(c->sumsq));
	p = snap_u32(p, (uint32_t)c->ntexts);
	for (k = 0; k < c->ntexts; k++) {
		p = snap_u32(p, (uint32_t)tx[k].len);
		memcpy(p, tx[k].s, tx[k].len);
		p += tx[k].len;
	}
}

void
agg_snap_put(const struct agg *a, struct buf *b)
{
	struct snap_scratch sc = { NULL, NULL, 0 };
	struct snap_group *order;
	size_t cells = 0, total, i, q;
	uint8_t *p;

	for (q = 0; q < a->nqs; q++)
		cells += SNAP_CELL(a->qs[q].ncat);
	order = xcalloc(a->ngroups ? a->ngroups : 1, sizeof(*order));
	/* The size, texts by a->textbytes: one reservation, no growth. */
	total = 4 + 4 * a->nqs + 8 + 8 + 4 + a->textbytes;
	for (i = 0; i < a->ngroups; i++) {
		order[i].g = &a->groups[i];
		order[i].code = a->units[a->groups[i].unit].code;
		order[i].len = strlen(order[i].code);
		order[i].year = a->groups[i].year;
		total += SNAP_GROUP + order[i].len + cells;
	}
	qsort(order, a->ngroups, sizeof(*order), snap_cmp_group);
	buf_reserve(b, total);
	p = buf_append(b, 4 + 4 * a->nqs + 8 + 8 + 4);
	p = snap_u32(p, (uint32_t)a->nqs);
	for (q = 0; q < a->nqs; q++)
		p = snap_u32(p, (uint32_t)a->qs[q].ncat);
	p = snap_u64(p, a->records);
	p = snap_u64(p, a->rejected);
	snap_u32(p, (uint32_t)a->ngroups);
	for (i = 0; i < a->ngroups; i++) {
		/* agg_add keeps codes and years within str8 and u16. */
		p = buf_append(b, SNAP_GROUP + order[i].len);
		*p++ = (uint8_t)order[i].len;
		memcpy(p, order[i].code, order[i].len);
		p = snap_u16(p + order[i].len, order[i].year);
		snap_u32(p, order[i].g->interviews);
		for (q = 0; q < a->nqs; q++)
			snap_cell_put(b, &order[i].g->cells[q], &a->qs[q], &sc);
	}
	free(sc.tx);
	free(sc.tmp);
	free(order);
}

/* --- reader ---------------------------------------------------------------- */

/* Bytes a..an then b..bn, compared as strcmp compares strings. */
static int
snap_cmp_bytes(const uint8_t *x, size_t xn, const uint8_t *y, size_t yn)
{
	int c = memcmp(x, y, xn < yn ? xn : yn);

	if (c != 0)
		return c;
	return xn < yn ? -1 : xn > yn;
}

/* One cell's texts: T, then T str32 (no NUL inside, sorted). */
static int
snap_texts_get(struct buf_rd *r, struct agg_cell *c, size_t *textbytes)
{
	const uint8_t *s, *prev = NULL;
	size_t n, prevn = 0;
	uint32_t t;
	char *x;

	if (buf_get_u32(r, &t) == -1)
		return -1;
	/* Each text takes 4 bytes at least: refuse a count that cannot fit
	 * before allocating for it; and no more texts than answers. */
	if (t > c->answered || t > buf_rd_left(r) / 4)
		return -1;
	if (t == 0)
		return 0;
	c->texts = xmalloc(agg_text_room(t) * sizeof(*c->texts));
	while (c->ntexts < t) {
		if (buf_get_str32(r, SIZE_MAX, &s, &n) == -1 ||
		    memchr(s, '\0', n) != NULL ||
		    (prev != NULL && snap_cmp_bytes(prev, prevn, s, n) > 0))
			return -1;
		x = xmalloc(n + 1);
		memcpy(x, s, n);
		x[n] = '\0';
		c->texts[c->ntexts++] = x;
		*textbytes += 4 + n;
		prev = s;
		prevn = n;
	}
	return 0;
}

/* One cell: the counts must add up (asked is the sum of the four states;
 * no category above the answers), sums finite. */
static int
snap_cell_get(struct buf_rd *r, struct agg_cell *c,
    const struct agg_question *q, size_t *textbytes)
{
	const uint8_t *p;
	uint64_t v;
	size_t k;

	if (buf_get_ptr(r, SNAP_CELL(q->ncat) - 4, &p) == -1)
		return -1;
	c->asked = buf_load_u32(p);
	c->answered = buf_load_u32(p + 4);
	c->declined = buf_load_u32(p + 8);
	c->skipped = buf_load_u32(p + 12);
	c->notshown = buf_load_u32(p + 16);
	p += 20;
	if ((uint64_t)c->answered + c->declined + c->skipped + c->notshown !=
	    c->asked)
		return -1;
	c->counts = xmalloc((q->ncat ? q->ncat : 1) * sizeof(*c->counts));
	for (k = 0; k < q->ncat; k++, p += 4)
		if ((c->counts[k] = buf_load_u32(p)) > c->answered)
			return -1;
	v = buf_load_u64(p);
	memcpy(&c->sum, &v, sizeof(v));
	v = buf_load_u64(p + 8);
	memcpy(&c->sumsq, &v, sizeof(v));
	if (!isfinite(c->sum) || !isfinite(c->sumsq))
		return -1;
	return snap_texts_get(r, c, textbytes);
}

/* The group's unit: code (1..255 bytes, no NUL) found in a, or added to
 * a when a keeps every unit (made without units). */
static int
snap_unit(struct agg *a, const uint8_t *s, size_t n, size_t *u)
{
	char code[AGG_UNIT_MAX + 1];

	if (n == 0 || n > AGG_UNIT_MAX || memchr(s, '\0', n) != NULL)
		return -1;
	memcpy(code, s, n);
	code[n] = '\0';
	*u = agg_unit_find(a, code);
	if (*u != AGG_NONE)
		return 0;
	if (a->strict_units)
		return -1;
	*u = agg_unit_get(a, code);
	return 0;
}

/* Years: those of the groups, ascending, once each. */
static void
snap_years(struct agg *a)
{
	uint8_t seen[(AGG_YEAR_MAX + 1) / 8];
	size_t i;
	unsigned y;

	memset(seen, 0, sizeof(seen));
	a->nyears = 0;
	for (i = 0; i < a->ngroups; i++) {
		y = a->groups[i].year;
		if ((seen[y / 8] & 1u << y % 8) == 0)
			a->nyears++;
		seen[y / 8] |= (uint8_t)(1u << y % 8);
	}
	free(a->years);
	a->years = xcalloc(a->nyears ? a->nyears : 1, sizeof(*a->years));
	for (i = 0, y = 0; y <= AGG_YEAR_MAX; y++)
		if (seen[y / 8] & 1u << y % 8)
			a->years[i++] = y;
}

static void
snap_index(struct agg *a)
{
	free(a->uix);
	a->uix = NULL;
	a->uixcap = 0;
	agg_uix_fit(a);
	free(a->gix);
	a->gix = NULL;
	a->gixcap = 0;
	agg_gix_fit(a);
}

/* The groups, in strict (code, year) order: none repeats. */
static int
snap_groups_get(struct agg *a, struct buf_rd *r, uint32_t ng, uint64_t *sum)
{
	const uint8_t *code, *prev = NULL;
	size_t n, prevn = 0, q, u = 0;
	struct agg_group *g;
	uint32_t interviews;
	uint16_t year, prevyear = 0;
	int c;

	free(a->groups); /* NULL: a is empty */
	a->groups = xcalloc(ng ? ng : 1, sizeof(*a->groups));
	while (a->ngroups < ng) {
		if (buf_get_str8(r, AGG_UNIT_MAX, &code, &n) == -1 ||
		    buf_get_u16(r, &year) == -1 ||
		    buf_get_u32(r, &interviews) == -1 || interviews == 0)
			return -1;
		c = prev == NULL ? -1 : snap_cmp_bytes(prev, prevn, code, n);
		if (c > 0 || (c == 0 && year <= prevyear))
			return -1;
		if (c != 0 && snap_unit(a, code, n, &u) == -1)
			return -1;
		prev = code;
		prevn = n;
		prevyear = year;
		g = &a->groups[a->ngroups++];
		g->unit = u;
		g->year = year;
		g->interviews = interviews;
		g->cells = xcalloc(a->nqs ? a->nqs : 1, sizeof(*g->cells));
		*sum += interviews;
		for (q = 0; q < a->nqs; q++)
			if (snap_cell_get(r, &g->cells[q], &a->qs[q],
				&a->textbytes) == -1)
				return -1;
	}
	return 0;
}

static int
snap_get(struct agg *a, struct buf_rd *r)
{
	uint64_t records, rejected, sum = 0;
	size_t cells = 0, q;
	uint32_t v, ng;

	if (buf_get_u32(r, &v) == -1 || v != a->nqs)
		return -1;
	for (q = 0; q < a->nqs; q++) {
		if (buf_get_u32(r, &v) == -1 || v != a->qs[q].ncat)
			return -1;
		cells += SNAP_CELL(v);
	}
	if (buf_get_u64(r, &records) == -1 || buf_get_u64(r, &rejected) == -1 ||
	    records > SIZE_MAX || rejected > SIZE_MAX ||
	    buf_get_u32(r, &ng) == -1)
		return -1;
	/* A group takes SNAP_GROUP + 1 + cells bytes at least: refuse a
	 * count that cannot fit before allocating for it. */
	if (ng > buf_rd_left(r) / (SNAP_GROUP + 1 + cells))
		return -1;
	if (snap_groups_get(a, r, ng, &sum) == -1 || sum != records)
		return -1;
	a->records = (size_t)records;
	a->rejected = (size_t)rejected;
	snap_years(a);
	snap_index(a);
	return 0;
}

/* Back to empty: what snap_get added (groups, their cells and texts,
 * units beyond the first nunits) freed, counts and indexes reset. */
static void
snap_clear(struct agg *a, size_t nunits)
{
	size_t i, q;

	for (i = 0; i < a->ngroups; i++) {
		for (q = 0; q < a->nqs; q++)
			agg_cell_free(&a->groups[i].cells[q]);
		free(a->groups[i].cells);
	}
	free(a->groups);
	a->groups = NULL;
	a->ngroups = 0;
	free(a->years);
	a->years = NULL;
	a->nyears = 0;
	a->records = 0;
	a->rejected = 0;
	a->textbytes = 0;
	for (i = nunits; i < a->nunits; i++) {
		free(a->units[i].code);
		free(a->units[i].name);
		free(a->units[i].area);
	}
	a->nunits = nunits;
	snap_index(a);
}

int
agg_snap_get(struct agg *a, struct buf_rd *r)
{
	size_t nunits = a->nunits;

	if (a->ngroups != 0 || a->records != 0 || a->rejected != 0) {
		buf_rd_fail(r);
		return -1;
	}
	if (snap_get(a, r) == 0)
		return 0;
	snap_clear(a, nunits);
	buf_rd_fail(r);
	return -1;
}
