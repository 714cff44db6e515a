/* release_codec: a release's blob (the layout is described in release.c):
 * a small writer and reader, then the encoding and decoding of a frozen
 * table. */
#include "report/release.h"
#include "report/release_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/buf.h"
#include "util/i18n.h"
#include "util/xmem.h"

#define NONE32 0xffffffffu

/* ---- the codec: util/buf, with the blob's own two kinds -------------- */

/* A double as its IEEE 754 bits, big-endian. */
static void
w_f64(struct buf *b, double d)
{
	uint64_t v;

	memcpy(&v, &d, sizeof v);
	buf_put_u64(b, v);
}

/* A string: u32 length and bytes; NONE32 for none. */
static void
w_str(struct buf *b, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	buf_put_u32(b, s != NULL ? (uint32_t)n : NONE32);
	buf_put(b, s, n);
}

/* The reader's gets as values: a failed get reads as 0 and leaves the
 * reader failed (buf_rd_failed), so that a run of fields is tested once. */
static uint32_t
r_u32(struct buf_rd *r)
{
	uint32_t v = 0;

	buf_get_u32(r, &v);
	return v;
}

static uint64_t
r_u64(struct buf_rd *r)
{
	uint64_t v = 0;

	buf_get_u64(r, &v);
	return v;
}

static double
r_f64(struct buf_rd *r)
{
	uint64_t v = r_u64(r);
	double d;

	memcpy(&d, &v, sizeof d);
	return d;
}

static char *
r_str(struct buf_rd *r)
{
	uint32_t n = r_u32(r);
	const uint8_t *x;

	if (n == NONE32 || buf_rd_failed(r))
		return NULL;
	if (buf_get_ptr(r, n, &x) != 0)
		return NULL;
	return xstrndup((const char *)x, n);
}

/* A count read from a blob, bounded by what is left of it (each item
 * takes at least min bytes), so that a bad count cannot make us allocate
 * more than the blob could hold. */
static size_t
r_count(struct buf_rd *r, size_t min)
{
	uint32_t n = r_u32(r);

	if (buf_rd_failed(r) || (min > 0 && n > buf_rd_left(r) / min)) {
		buf_rd_fail(r);
		return 0;
	}
	return n;
}

/* ---- encode ----------------------------------------------------------- */

static void
enc_fig(struct buf *b, const struct gate_fig *f, size_t ncat)
{
	size_t i;

	buf_put_u32(b, f->reason);
	buf_put_u32(b, f->answered);
	buf_put_u32(b, f->declined);
	buf_put_u32(b, f->skipped);
	buf_put_u32(b, f->notshown);
	buf_put_u32(b, f->counts != NULL ? (uint32_t)ncat : 0);
	for (i = 0; f->counts != NULL && i < ncat; i++)
		buf_put_u32(b, f->counts[i]);
	buf_put_u32(b, f->st.n);
	w_f64(b, f->st.mean);
	w_f64(b, f->st.sd);
	buf_put_u32(b, (uint32_t)f->st.has_mean);
	buf_put_u32(b, (uint32_t)f->st.has_sd);
	w_f64(b, f->st.enps);
	buf_put_u32(b, (uint32_t)f->st.has_enps);
	buf_put_u32(b, f->text_reason);
	buf_put_u32(b, (uint32_t)f->ntexts);
	for (i = 0; i < f->ntexts; i++)
		w_str(b, f->texts[i]);
}

static void
enc_hme(struct buf *b, const struct gate_hme *h)
{
	size_t i;

	buf_put_u32(b, h->reason);
	for (i = 0; i < 3; i++)
		buf_put_u32(b, h->sub_reason[i]);
	for (i = 0; i < AGG_HME_N; i++) {
		buf_put_u32(b, h->h.n[i]);
		w_f64(b, h->h.stmt[i]);
		buf_put_u32(b, (uint32_t)h->h.has_stmt[i]);
	}
	for (i = 0; i < 3; i++) {
		w_f64(b, h->h.sub[i]);
		buf_put_u32(b, (uint32_t)h->h.has_sub[i]);
	}
	w_f64(b, h->h.total);
	buf_put_u32(b, (uint32_t)h->h.has_total);
}

int
release_encode(const struct gate_table *t, unsigned revision,
    const struct agg_unit *units, size_t nunits,
    const uint8_t (*ids)[ENV_ID_BYTES], size_t nids, uint8_t **out,
    size_t *outlen)
{
	struct buf b;
	size_t i, j;

	buf_init(&b);
	buf_put(&b, RELEASE_MAGIC, 8);
	buf_put_u32(&b, t->year);
	buf_put_u32(&b, revision);
	buf_put_u32(&b, t->k);
	buf_put_u32(&b, t->text_k);
	buf_put_u32(&b, t->sens_t);
	buf_put_u32(&b, (uint32_t)nunits);
	for (i = 0; i < nunits; i++) {
		w_str(&b, units[i].code);
		w_str(&b, units[i].area != NULL ? units[i].area : "");
	}
	/* in id order: the tap's order is the order the load counted
	 * them (after an aggregate file, those opened since come last), and
	 * a release must say nothing of which interviews came last */
	buf_put_u32(&b, (uint32_t)nids);
	if (nids > 0) {
		uint8_t *s = buf_append(&b, nids * ENV_ID_BYTES);

		memcpy(s, ids, nids * ENV_ID_BYTES);
		qsort(s, nids, ENV_ID_BYTES, rel_id_cmp);
	}
	buf_put_u32(&b, (uint32_t)t->ncols);
	for (i = 0; i < t->ncols; i++) {
		const struct agg_question *q = agg_question(t->agg, i);

		w_str(&b, q->form_id);
		w_str(&b, q->id);
		buf_put_u32(&b, q->type);
		buf_put_u32(&b, (uint32_t)q->other);
		buf_put_u32(&b, (uint32_t)q->min);
		buf_put_u32(&b, (uint32_t)q->max);
		buf_put_u32(&b, (uint32_t)q->ncat);
		for (j = 0; j < q->ncat; j++)
			w_str(&b, q->cat_ids != NULL ? q->cat_ids[j] : NULL);
	}
	buf_put_u32(&b, (uint32_t)t->nrows);
	for (i = 0; i < t->nrows; i++) {
		const struct gate_row *r = &t->rows[i];

		buf_put_u32(&b, r->kind);
		w_str(&b, r->code);
		w_str(&b, r->name);
		w_str(&b, r->area);
		buf_put_u64(&b, r->area_ix);
		buf_put_u32(&b, r->interviews);
		buf_put_u32(&b, (uint32_t)r->implausible);
	}
	for (i = 0; i < t->nrows; i++)
		for (j = 0; j < t->ncols; j++) {
			enc_fig(&b, gate_fig(t, i, j),
			    agg_question(t->agg, j)->ncat);
			/* the group sizes: not published, the audit's
			 * bounds when later releases are checked */
			buf_put_u32(&b,
			    t->asked != NULL ? t->asked[i * t->ncols + j] : 0);
		}
	for (i = 0; i < t->nrows; i++)
		enc_hme(&b, &t->hme[i]);
	buf_put_u32(&b, (uint32_t)t->has_hme);
	for (i = 0; i < AGG_HME_N; i++)
		buf_put_u64(&b, t->hme_q[i]);
	buf_put_u64(&b, t->reasons_q);
	*out = buf_steal(&b, outlen);
	return 0;
}

/* ---- decode ----------------------------------------------------------- */

static void
dec_fig(struct buf_rd *r, struct gate_fig *f, size_t ncat)
{
	size_t i, n;

	f->reason = r_u32(r);
	f->answered = r_u32(r);
	f->declined = r_u32(r);
	f->skipped = r_u32(r);
	f->notshown = r_u32(r);
	n = r_count(r, 4);
	if (n != 0 && n != ncat)
		buf_rd_fail(r);
	if (n > 0 && !buf_rd_failed(r)) {
		f->counts = xcalloc(n, sizeof *f->counts);
		for (i = 0; i < n; i++)
			f->counts[i] = r_u32(r);
	}
	f->st.n = r_u32(r);
	f->st.mean = r_f64(r);
	f->st.sd = r_f64(r);
	f->st.has_mean = (int)r_u32(r);
	f->st.has_sd = (int)r_u32(r);
	f->st.enps = r_f64(r);
	f->st.has_enps = (int)r_u32(r);
	f->text_reason = r_u32(r);
	n = r_count(r, 4);
	if (n > 0 && !buf_rd_failed(r)) {
		f->texts = xcalloc(n, sizeof *f->texts);
		for (i = 0; i < n && !buf_rd_failed(r); i++) {
			f->texts[i] = r_str(r);
			if (f->texts[i] == NULL)
				buf_rd_fail(r);
			else
				f->ntexts++;
		}
	}
	if (f->reason > GATE_IMPLAUSIBLE || f->text_reason > GATE_IMPLAUSIBLE)
		buf_rd_fail(r);
}

static void
dec_hme(struct buf_rd *r, struct gate_hme *h)
{
	size_t i;

	h->reason = r_u32(r);
	for (i = 0; i < 3; i++)
		h->sub_reason[i] = r_u32(r);
	for (i = 0; i < AGG_HME_N; i++) {
		h->h.n[i] = r_u32(r);
		h->h.stmt[i] = r_f64(r);
		h->h.has_stmt[i] = (int)r_u32(r);
	}
	for (i = 0; i < 3; i++) {
		h->h.sub[i] = r_f64(r);
		h->h.has_sub[i] = (int)r_u32(r);
	}
	h->h.total = r_f64(r);
	h->h.has_total = (int)r_u32(r);
}

static size_t
r_ix(struct buf_rd *r, size_t n)
{
	uint64_t v = r_u64(r);

	if (v == (uint64_t)AGG_NONE)
		return AGG_NONE;
	if (v >= n)
		buf_rd_fail(r);
	return v >= n ? AGG_NONE : (size_t)v;
}

int
rel_decode(struct rel *v, const uint8_t *p, size_t len)
{
	struct buf_rd r;
	size_t i, j;
	const uint8_t *x;

	buf_rd_init(&r, p, len);
	if (buf_get_ptr(&r, 8, &x) != 0 || memcmp(x, RELEASE_MAGIC, 8) != 0)
		return -1;
	v->year = r_u32(&r);
	v->revision = r_u32(&r);
	v->k = r_u32(&r);
	v->text_k = r_u32(&r);
	v->sens_t = r_u32(&r);
	v->nmap = r_count(&r, 8);
	v->map_code = xcalloc(v->nmap ? v->nmap : 1, sizeof *v->map_code);
	v->map_area = xcalloc(v->nmap ? v->nmap : 1, sizeof *v->map_area);
	for (i = 0; i < v->nmap && !buf_rd_failed(&r); i++) {
		v->map_code[i] = r_str(&r);
		v->map_area[i] = r_str(&r);
		if (v->map_code[i] == NULL || v->map_area[i] == NULL)
			buf_rd_fail(&r);
	}
	v->nids = r_count(&r, ENV_ID_BYTES);
	v->ids = xcalloc(v->nids ? v->nids : 1, ENV_ID_BYTES);
	for (i = 0; i < v->nids && !buf_rd_failed(&r); i++)
		if (buf_get_ptr(&r, ENV_ID_BYTES, &x) == 0)
			memcpy(v->ids[i], x, ENV_ID_BYTES);
	qsort(v->ids, v->nids, ENV_ID_BYTES, rel_id_cmp);
	v->ncols = r_count(&r, 28);
	v->cols = xcalloc(v->ncols ? v->ncols : 1, sizeof *v->cols);
	for (i = 0; i < v->ncols && !buf_rd_failed(&r); i++) {
		struct rel_col *c = &v->cols[i];

		c->form_id = r_str(&r);
		c->id = r_str(&r);
		c->type = r_u32(&r);
		c->other = r_u32(&r);
		c->min = (int32_t)r_u32(&r);
		c->max = (int32_t)r_u32(&r);
		c->ncat = r_count(&r, 4);
		c->cat = xcalloc(c->ncat ? c->ncat : 1, sizeof *c->cat);
		for (j = 0; j < c->ncat && !buf_rd_failed(&r); j++)
			c->cat[j] = r_str(&r);
		if (c->form_id == NULL || c->id == NULL)
			buf_rd_fail(&r);
	}
	v->nrows = r_count(&r, 32);
	v->rows = xcalloc(v->nrows ? v->nrows : 1, sizeof *v->rows);
	for (i = 0; i < v->nrows && !buf_rd_failed(&r); i++) {
		struct gate_row *w = &v->rows[i];

		w->kind = r_u32(&r);
		w->code = r_str(&r);
		w->name = r_str(&r);
		w->area = r_str(&r);
		w->area_ix = (size_t)r_u64(&r);
		w->unit = AGG_NONE;
		w->interviews = r_u32(&r);
		w->implausible = r_u32(&r) != 0;
		v->nimplausible += (size_t)w->implausible;
		if (w->kind > GATE_ROW_POOL ||
		    (w->kind == GATE_ROW_UNIT && w->code == NULL))
			buf_rd_fail(&r);
	}
	if (buf_rd_failed(&r) || v->nrows == 0 ||
	    v->rows[0].kind != GATE_ROW_REGION)
		return -1;
	if (v->ncols > 0 && v->nrows > SIZE_MAX / v->ncols / 64)
		return -1;
	v->figs = xcalloc(v->ncols > 0 ? v->nrows * v->ncols : 1,
	    sizeof *v->figs);
	v->asked = xcalloc(v->ncols > 0 ? v->nrows * v->ncols : 1,
	    sizeof *v->asked);
	for (i = 0; i < v->nrows && !buf_rd_failed(&r); i++)
		for (j = 0; j < v->ncols && !buf_rd_failed(&r); j++) {
			dec_fig(&r, &v->figs[i * v->ncols + j],
			    v->cols[j].ncat);
			v->asked[i * v->ncols + j] = r_u32(&r);
		}
	v->hme = xcalloc(v->nrows, sizeof *v->hme);
	for (i = 0; i < v->nrows && !buf_rd_failed(&r); i++)
		dec_hme(&r, &v->hme[i]);
	v->has_hme = (int)r_u32(&r);
	for (i = 0; i < AGG_HME_N; i++)
		v->hme_q[i] = r_ix(&r, v->ncols);
	v->reasons_q = r_ix(&r, v->ncols);
	v->interviews = v->rows[0].interviews;
	return buf_rd_failed(&r) || buf_rd_left(&r) != 0 ? -1 : 0;
}
