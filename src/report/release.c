/* release: frozen releases of closed years (see release.h).
 *
 * A blob is RELEASE_MAGIC, then big-endian fields: year, revision, k,
 * text_k; the area map (unit code, area or ""); the sorted envelope ids
 * the release was computed from; the columns (form id, question id,
 * type, category ids, min, max, other), so that a release is read back
 * onto whatever questions the approved forms give later; the rows; every
 * figure as the gate left it (reason, counts, statistics, texts); the
 * HME per row. Strings are a u32 length (0xffffffff: none) and bytes.
 * The blob is sealed (crypto_box_seal) to the HR public key: the ids and
 * the figures are as secret as the envelopes themselves.
 *
 * The revision rule (release_check): a figure a revision shows must have
 * been shown, over the same group of units, by every earlier release,
 * and the late interviews in that group must be either none or shown by
 * the gate run over the late interviews alone. Then every figure of the
 * revision is the sum of a figure already published and one the gate
 * would publish on its own, over disjoint sets of interviews: the
 * difference of two releases is a release that passed the gate. The
 * audit then runs over the releases, the revision and that difference
 * (audit_add_late): the late interviews' cells it must keep are the
 * ones the gate hides in the difference, not every late cell (a unit
 * with k late interviews is shown by the difference, as by a release of
 * its own). A
 * revision is refused outright when the unit-to-area map changed for a
 * unit with interviews that year (a reorganisation would change the
 * groups: attack class 4); the older release is then shown as it was. */
#include "report/release.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "report/audit.h"
#include "util/i18n.h"
#include "util/xmem.h"

#define NONE32 0xffffffffu

/* ---- the codec -------------------------------------------------------- */

struct wbuf {
	uint8_t *p;
	size_t len, cap;
};

static void
w_put(struct wbuf *b, const void *s, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + n)
			cap *= 2;
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void
w_u32(struct wbuf *b, uint32_t v)
{
	uint8_t x[4] = { v >> 24, v >> 16, v >> 8, v };

	w_put(b, x, 4);
}

static void
w_u64(struct wbuf *b, uint64_t v)
{
	w_u32(b, (uint32_t)(v >> 32));
	w_u32(b, (uint32_t)v);
}

static void
w_f64(struct wbuf *b, double d)
{
	uint64_t v;

	memcpy(&v, &d, sizeof v);
	w_u64(b, v);
}

static void
w_str(struct wbuf *b, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	w_u32(b, s != NULL ? (uint32_t)n : NONE32);
	w_put(b, s, n);
}

struct rbuf {
	const uint8_t *p;
	size_t len, off;
	int bad;
};

static const uint8_t *
r_get(struct rbuf *r, size_t n)
{
	const uint8_t *x;

	if (r->bad || n > r->len - r->off) {
		r->bad = 1;
		return NULL;
	}
	x = r->p + r->off;
	r->off += n;
	return x;
}

static uint32_t
r_u32(struct rbuf *r)
{
	const uint8_t *x = r_get(r, 4);

	if (x == NULL)
		return 0;
	return (uint32_t)x[0] << 24 | (uint32_t)x[1] << 16 |
	    (uint32_t)x[2] << 8 | x[3];
}

static uint64_t
r_u64(struct rbuf *r)
{
	uint64_t h = r_u32(r);

	return h << 32 | r_u32(r);
}

static double
r_f64(struct rbuf *r)
{
	uint64_t v = r_u64(r);
	double d;

	memcpy(&d, &v, sizeof d);
	return d;
}

static char *
r_str(struct rbuf *r)
{
	uint32_t n = r_u32(r);
	const uint8_t *x;

	if (n == NONE32 || r->bad)
		return NULL;
	if ((x = r_get(r, n)) == NULL)
		return NULL;
	return xstrndup((const char *)x, n);
}

/* A count read from a blob, bounded by what is left of it (each item
 * takes at least min bytes), so that a bad count cannot make us allocate
 * more than the blob could hold. */
static size_t
r_count(struct rbuf *r, size_t min)
{
	uint32_t n = r_u32(r);

	if (r->bad || (min > 0 && n > (r->len - r->off) / min)) {
		r->bad = 1;
		return 0;
	}
	return n;
}

/* ---- a release in memory ---------------------------------------------- */

struct rel_col {
	char *form_id, *id;
	uint32_t type, other;
	int32_t min, max;
	size_t ncat;
	char **cat;
};

struct rel {
	unsigned year, revision;
	char date[11];
	uint32_t interviews;
	char mapdigest[33];
	unsigned k, text_k, sens_t;
	size_t nmap;
	char **map_code, **map_area;	/* area "" for none */
	size_t nids;
	uint8_t (*ids)[ENV_ID_BYTES];	/* sorted */
	size_t ncols;
	struct rel_col *cols;
	size_t nrows;
	struct gate_row *rows;		/* strings owned */
	struct gate_fig *figs;		/* nrows * ncols, owned */
	uint32_t *asked;		/* nrows * ncols */
	size_t nimplausible;
	struct gate_hme *hme;
	int has_hme;
	size_t hme_q[AGG_HME_N];	/* blob columns */
	size_t reasons_q;
	struct agg *late;		/* the year's records not in ids */
	struct agg *fresh;		/* records in ids not in the revision
					 * before (revision 2 on) */
};

struct release_set {
	struct rel *v;
	size_t n;
	const struct form **forms;	/* the array copied, forms borrowed */
	size_t nforms;
	struct agg_unit *units;		/* the map now (copied) */
	size_t nunits;
	char mapdigest[33];
	/* the load: ids of the years that have a release, per year */
	struct rs_year {
		unsigned year;
		uint8_t (*ids)[ENV_ID_BYTES];
		size_t n;
	} *ys;
	size_t nys;
	struct release_entry *list;
	size_t nlist;
};

static int
id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, ENV_ID_BYTES);
}

static int
rel_has_id(const struct rel *r, const uint8_t *id)
{
	return bsearch(id, r->ids, r->nids, ENV_ID_BYTES, id_cmp) != NULL;
}

static void
rel_free(struct rel *r)
{
	size_t i, j;

	for (i = 0; i < r->nmap; i++) {
		free(r->map_code[i]);
		free(r->map_area[i]);
	}
	free(r->map_code);
	free(r->map_area);
	free(r->ids);
	for (i = 0; i < r->ncols; i++) {
		free(r->cols[i].form_id);
		free(r->cols[i].id);
		for (j = 0; j < r->cols[i].ncat; j++)
			free(r->cols[i].cat[j]);
		free(r->cols[i].cat);
	}
	free(r->cols);
	for (i = 0; i < r->nrows; i++) {
		free((char *)r->rows[i].code);
		free((char *)r->rows[i].name);
		free((char *)r->rows[i].area);
	}
	free(r->rows);
	for (i = 0; r->figs != NULL && i < r->nrows * r->ncols; i++) {
		free(r->figs[i].counts);
		for (j = 0; j < r->figs[i].ntexts; j++)
			xfree_str_wipe(r->figs[i].texts[j]);
		free(r->figs[i].texts);
	}
	free(r->figs);
	free(r->asked);
	free(r->hme);
	agg_free(r->late);
	agg_free(r->fresh);
	memset(r, 0, sizeof *r);
}

/* The digest of a unit-to-area map: BLAKE2b-128 over "code\0area\0" in
 * code order, as hex. Two maps that group the units alike digest alike
 * whatever order the configuration lists them in. */
static int
unit_cmp(const void *a, const void *b)
{
	const struct agg_unit *x = a, *y = b;

	return strcmp(x->code, y->code);
}

static void
map_digest(const struct agg_unit *units, size_t n, char out[33])
{
	crypto_generichash_state st;
	struct agg_unit *s = xcalloc(n ? n : 1, sizeof *s);
	uint8_t h[16];
	size_t i;

	if (n > 0)
		memcpy(s, units, n * sizeof *s);
	qsort(s, n, sizeof *s, unit_cmp);
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	for (i = 0; i < n; i++) {
		const char *a = s[i].area != NULL ? s[i].area : "";

		crypto_generichash_update(&st, (const uint8_t *)s[i].code,
		    strlen(s[i].code) + 1);
		crypto_generichash_update(&st, (const uint8_t *)a,
		    strlen(a) + 1);
	}
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, 33, h, sizeof h);
	free(s);
}

/* ---- encode ----------------------------------------------------------- */

static void
enc_fig(struct wbuf *b, const struct gate_fig *f, size_t ncat)
{
	size_t i;

	w_u32(b, f->reason);
	w_u32(b, f->answered);
	w_u32(b, f->declined);
	w_u32(b, f->skipped);
	w_u32(b, f->notshown);
	w_u32(b, f->counts != NULL ? (uint32_t)ncat : 0);
	for (i = 0; f->counts != NULL && i < ncat; i++)
		w_u32(b, f->counts[i]);
	w_u32(b, f->st.n);
	w_f64(b, f->st.mean);
	w_f64(b, f->st.sd);
	w_u32(b, (uint32_t)f->st.has_mean);
	w_u32(b, (uint32_t)f->st.has_sd);
	w_f64(b, f->st.enps);
	w_u32(b, (uint32_t)f->st.has_enps);
	w_u32(b, f->text_reason);
	w_u32(b, (uint32_t)f->ntexts);
	for (i = 0; i < f->ntexts; i++)
		w_str(b, f->texts[i]);
}

static void
enc_hme(struct wbuf *b, const struct gate_hme *h)
{
	size_t i;

	w_u32(b, h->reason);
	for (i = 0; i < 3; i++)
		w_u32(b, h->sub_reason[i]);
	for (i = 0; i < AGG_HME_N; i++) {
		w_u32(b, h->h.n[i]);
		w_f64(b, h->h.stmt[i]);
		w_u32(b, (uint32_t)h->h.has_stmt[i]);
	}
	for (i = 0; i < 3; i++) {
		w_f64(b, h->h.sub[i]);
		w_u32(b, (uint32_t)h->h.has_sub[i]);
	}
	w_f64(b, h->h.total);
	w_u32(b, (uint32_t)h->h.has_total);
}

int
release_encode(const struct gate_table *t, unsigned revision,
    const struct agg_unit *units, size_t nunits,
    const uint8_t (*ids)[ENV_ID_BYTES], size_t nids, uint8_t **out,
    size_t *outlen)
{
	struct wbuf b;
	size_t i, j;

	memset(&b, 0, sizeof b);
	w_put(&b, RELEASE_MAGIC, 8);
	w_u32(&b, t->year);
	w_u32(&b, revision);
	w_u32(&b, t->k);
	w_u32(&b, t->text_k);
	w_u32(&b, t->sens_t);
	w_u32(&b, (uint32_t)nunits);
	for (i = 0; i < nunits; i++) {
		w_str(&b, units[i].code);
		w_str(&b, units[i].area != NULL ? units[i].area : "");
	}
	w_u32(&b, (uint32_t)nids);
	for (i = 0; i < nids; i++)
		w_put(&b, ids[i], ENV_ID_BYTES);
	w_u32(&b, (uint32_t)t->ncols);
	for (i = 0; i < t->ncols; i++) {
		const struct agg_question *q = agg_question(t->agg, i);

		w_str(&b, q->form_id);
		w_str(&b, q->id);
		w_u32(&b, q->type);
		w_u32(&b, (uint32_t)q->other);
		w_u32(&b, (uint32_t)q->min);
		w_u32(&b, (uint32_t)q->max);
		w_u32(&b, (uint32_t)q->ncat);
		for (j = 0; j < q->ncat; j++)
			w_str(&b, q->cat_ids != NULL ? q->cat_ids[j] : NULL);
	}
	w_u32(&b, (uint32_t)t->nrows);
	for (i = 0; i < t->nrows; i++) {
		const struct gate_row *r = &t->rows[i];

		w_u32(&b, r->kind);
		w_str(&b, r->code);
		w_str(&b, r->name);
		w_str(&b, r->area);
		w_u64(&b, r->area_ix);
		w_u32(&b, r->interviews);
		w_u32(&b, (uint32_t)r->implausible);
	}
	for (i = 0; i < t->nrows; i++)
		for (j = 0; j < t->ncols; j++) {
			enc_fig(&b, gate_fig(t, i, j),
			    agg_question(t->agg, j)->ncat);
			/* the group sizes: not published, the audit's
			 * bounds when later releases are checked */
			w_u32(&b, t->asked != NULL ?
			    t->asked[i * t->ncols + j] : 0);
		}
	for (i = 0; i < t->nrows; i++)
		enc_hme(&b, &t->hme[i]);
	w_u32(&b, (uint32_t)t->has_hme);
	for (i = 0; i < AGG_HME_N; i++)
		w_u64(&b, t->hme_q[i]);
	w_u64(&b, t->reasons_q);
	*out = b.p;
	*outlen = b.len;
	return 0;
}

/* ---- decode ----------------------------------------------------------- */

static void
dec_fig(struct rbuf *r, struct gate_fig *f, size_t ncat)
{
	size_t i, n;

	f->reason = r_u32(r);
	f->answered = r_u32(r);
	f->declined = r_u32(r);
	f->skipped = r_u32(r);
	f->notshown = r_u32(r);
	n = r_count(r, 4);
	if (n != 0 && n != ncat)
		r->bad = 1;
	if (n > 0 && !r->bad) {
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
	if (n > 0 && !r->bad) {
		f->texts = xcalloc(n, sizeof *f->texts);
		for (i = 0; i < n && !r->bad; i++) {
			f->texts[i] = r_str(r);
			if (f->texts[i] == NULL)
				r->bad = 1;
			else
				f->ntexts++;
		}
	}
	if (f->reason > GATE_IMPLAUSIBLE || f->text_reason > GATE_IMPLAUSIBLE)
		r->bad = 1;
}

static void
dec_hme(struct rbuf *r, struct gate_hme *h)
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
r_ix(struct rbuf *r, size_t n)
{
	uint64_t v = r_u64(r);

	if (v == (uint64_t)AGG_NONE)
		return AGG_NONE;
	if (v >= n)
		r->bad = 1;
	return v >= n ? AGG_NONE : (size_t)v;
}

static int
rel_decode(struct rel *v, const uint8_t *p, size_t len)
{
	struct rbuf r;
	size_t i, j;
	const uint8_t *x;

	memset(&r, 0, sizeof r);
	r.p = p;
	r.len = len;
	if ((x = r_get(&r, 8)) == NULL || memcmp(x, RELEASE_MAGIC, 8) != 0)
		return -1;
	v->year = r_u32(&r);
	v->revision = r_u32(&r);
	v->k = r_u32(&r);
	v->text_k = r_u32(&r);
	v->sens_t = r_u32(&r);
	v->nmap = r_count(&r, 8);
	v->map_code = xcalloc(v->nmap ? v->nmap : 1, sizeof *v->map_code);
	v->map_area = xcalloc(v->nmap ? v->nmap : 1, sizeof *v->map_area);
	for (i = 0; i < v->nmap && !r.bad; i++) {
		v->map_code[i] = r_str(&r);
		v->map_area[i] = r_str(&r);
		if (v->map_code[i] == NULL || v->map_area[i] == NULL)
			r.bad = 1;
	}
	v->nids = r_count(&r, ENV_ID_BYTES);
	v->ids = xcalloc(v->nids ? v->nids : 1, ENV_ID_BYTES);
	for (i = 0; i < v->nids && !r.bad; i++)
		if ((x = r_get(&r, ENV_ID_BYTES)) != NULL)
			memcpy(v->ids[i], x, ENV_ID_BYTES);
	qsort(v->ids, v->nids, ENV_ID_BYTES, id_cmp);
	v->ncols = r_count(&r, 28);
	v->cols = xcalloc(v->ncols ? v->ncols : 1, sizeof *v->cols);
	for (i = 0; i < v->ncols && !r.bad; i++) {
		struct rel_col *c = &v->cols[i];

		c->form_id = r_str(&r);
		c->id = r_str(&r);
		c->type = r_u32(&r);
		c->other = r_u32(&r);
		c->min = (int32_t)r_u32(&r);
		c->max = (int32_t)r_u32(&r);
		c->ncat = r_count(&r, 4);
		c->cat = xcalloc(c->ncat ? c->ncat : 1, sizeof *c->cat);
		for (j = 0; j < c->ncat && !r.bad; j++)
			c->cat[j] = r_str(&r);
		if (c->form_id == NULL || c->id == NULL)
			r.bad = 1;
	}
	v->nrows = r_count(&r, 32);
	v->rows = xcalloc(v->nrows ? v->nrows : 1, sizeof *v->rows);
	for (i = 0; i < v->nrows && !r.bad; i++) {
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
			r.bad = 1;
	}
	if (r.bad || v->nrows == 0 || v->rows[0].kind != GATE_ROW_REGION)
		return -1;
	if (v->ncols > 0 && v->nrows > SIZE_MAX / v->ncols / 64)
		return -1;
	v->figs = xcalloc(v->ncols > 0 ? v->nrows * v->ncols : 1,
	    sizeof *v->figs);
	v->asked = xcalloc(v->ncols > 0 ? v->nrows * v->ncols : 1,
	    sizeof *v->asked);
	for (i = 0; i < v->nrows && !r.bad; i++)
		for (j = 0; j < v->ncols && !r.bad; j++) {
			dec_fig(&r, &v->figs[i * v->ncols + j], v->cols[j].ncat);
			v->asked[i * v->ncols + j] = r_u32(&r);
		}
	v->hme = xcalloc(v->nrows, sizeof *v->hme);
	for (i = 0; i < v->nrows && !r.bad; i++)
		dec_hme(&r, &v->hme[i]);
	v->has_hme = (int)r_u32(&r);
	for (i = 0; i < AGG_HME_N; i++)
		v->hme_q[i] = r_ix(&r, v->ncols);
	v->reasons_q = r_ix(&r, v->ncols);
	v->interviews = v->rows[0].interviews;
	return r.bad || r.off != r.len ? -1 : 0;
}

/* ---- the set ---------------------------------------------------------- */

int
release_set_open(struct release_set **out, struct central *c,
    const uint8_t pk[ENV_PK_BYTES], const uint8_t sk[ENV_SK_BYTES],
    const struct form *const *forms, size_t nforms,
    const struct agg_unit *units, size_t nunits, struct err *e)
{
	struct release_set *rs = xcalloc(1, sizeof *rs);
	struct central_release *rows;
	size_t n, i;
	uint8_t *plain;

	*out = NULL;
	rs->forms = xcalloc(nforms ? nforms : 1, sizeof *rs->forms);
	if (nforms > 0)
		memcpy(rs->forms, forms, nforms * sizeof *rs->forms);
	rs->nforms = nforms;
	rs->units = xcalloc(nunits ? nunits : 1, sizeof *rs->units);
	for (i = 0; i < nunits; i++) {
		rs->units[i].code = xstrdup(units[i].code);
		rs->units[i].name = xstrdup(units[i].name);
		rs->units[i].area = units[i].area != NULL ?
		    xstrdup(units[i].area) : NULL;
	}
	rs->nunits = nunits;
	map_digest(units, nunits, rs->mapdigest);
	if (central_release_list(c, &rows, &n, e) != 0) {
		release_set_free(rs);
		return -1;
	}
	rs->v = xcalloc(n ? n : 1, sizeof *rs->v);
	for (i = 0; i < n; i++) {
		struct rel *v = &rs->v[i];
		size_t plen;

		if (rows[i].bloblen < crypto_box_SEALBYTES + 8 ||
		    rows[i].bloblen > RELEASE_MAX_BYTES) {
			err_setc(e, ERR_DATA, _("release %u of %u is damaged: "
			    "restore central.db from a backup"),
			    rows[i].revision, rows[i].year);
			goto fail;
		}
		plen = rows[i].bloblen - crypto_box_SEALBYTES;
		plain = xmalloc(plen);
		if (crypto_box_seal_open(plain, rows[i].blob,
		    rows[i].bloblen, pk, sk) != 0 ||
		    rel_decode(v, plain, plen) != 0 ||
		    v->year != rows[i].year ||
		    v->revision != rows[i].revision) {
			xfree_wipe(plain, plen);
			rel_free(v);
			err_setc(e, ERR_DATA, _("release %u of %u does not "
			    "open with this HR key, or is damaged: restore "
			    "central.db from a backup"), rows[i].revision,
			    rows[i].year);
			goto fail;
		}
		xfree_wipe(plain, plen);
		memcpy(v->date, rows[i].date, sizeof v->date);
		memcpy(v->mapdigest, rows[i].mapdigest, sizeof v->mapdigest);
		v->late = agg_new(forms, nforms, units, nunits, NULL);
		v->fresh = agg_new(forms, nforms, units, nunits, NULL);
		rs->n++;
	}
	central_release_list_free(rows, n);
	*out = rs;
	return 0;
fail:
	central_release_list_free(rows, n);
	release_set_free(rs);
	return -1;
}

void
release_set_free(struct release_set *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++)
		rel_free(&rs->v[i]);
	free(rs->v);
	for (i = 0; i < rs->nunits; i++) {
		free(rs->units[i].code);
		free(rs->units[i].name);
		free(rs->units[i].area);
	}
	free(rs->units);
	free(rs->forms);
	for (i = 0; i < rs->nys; i++)
		free(rs->ys[i].ids);
	free(rs->ys);
	free(rs->list);
	free(rs);
}

static struct rs_year *
rs_year(struct release_set *rs, unsigned y, int add)
{
	size_t i;

	for (i = 0; i < rs->nys; i++)
		if (rs->ys[i].year == y)
			return &rs->ys[i];
	if (!add)
		return NULL;
	rs->ys = xreallocarray(rs->ys, rs->nys + 1, sizeof *rs->ys);
	memset(&rs->ys[rs->nys], 0, sizeof *rs->ys);
	rs->ys[rs->nys].year = y;
	return &rs->ys[rs->nys++];
}

void
release_set_tap(void *ctx, const uint8_t id[ENV_ID_BYTES],
    const struct agg_rec *r)
{
	struct release_set *rs = ctx;
	struct rs_year *y;
	struct err e;
	size_t i;

	y = rs_year(rs, r->year, 1);
	y->ids = xreallocarray(y->ids, y->n + 1, ENV_ID_BYTES);
	memcpy(y->ids[y->n++], id, ENV_ID_BYTES);
	for (i = 0; i < rs->n; i++) {
		const struct rel *v = &rs->v[i];
		size_t j;

		if (v->year != r->year)
			continue;
		if (!rel_has_id(v, id)) {
			(void)agg_add(v->late, r, &e);
			continue;
		}
		/* new in revision v: not in the revision before it */
		for (j = 0; v->revision > 1 && j < rs->n; j++)
			if (rs->v[j].year == v->year && rs->v[j].revision + 1 ==
			    v->revision && !rel_has_id(&rs->v[j], id))
				(void)agg_add(v->fresh, r, &e);
	}
}

/* ---- a release onto the current questions ------------------------------ */

static int
col_match(const struct rel_col *c, const struct agg_question *q)
{
	size_t i, j;

	if (strcmp(c->form_id, q->form_id) != 0 || strcmp(c->id, q->id) != 0 ||
	    c->type != (uint32_t)q->type || c->ncat != q->ncat ||
	    c->other != (uint32_t)q->other || c->min != q->min ||
	    c->max != q->max)
		return 0;
	for (i = 0; q->cat_ids != NULL && i < q->ncat; i++) {
		for (j = 0; j < c->ncat; j++)
			if (c->cat[j] != NULL &&
			    strcmp(c->cat[j], q->cat_ids[i]) == 0)
				break;
		if (j == c->ncat)
			return 0;
	}
	return 1;
}

/* Blob category of agg category i of q. */
static size_t
col_cat(const struct rel_col *c, const struct agg_question *q, size_t i)
{
	size_t j;

	if (q->cat_ids == NULL)
		return i;
	for (j = 0; j < c->ncat; j++)
		if (c->cat[j] != NULL && strcmp(c->cat[j], q->cat_ids[i]) == 0)
			return j;
	return i;
}

/* A gate table of release v over the questions and units of a: figures
 * copied, rows' strings borrowed from v, the units of a that v does not
 * have added as rows without data. */
static struct gate_table *
rel_table(const struct rel *v, const struct agg *a)
{
	struct gate_table *t = xcalloc(1, sizeof *t);
	size_t nq = agg_nquestions(a), nu = agg_nunits(a), *map, q, r, i;
	size_t extra = 0, u;

	map = xcalloc(nq ? nq : 1, sizeof *map);
	for (q = 0; q < nq; q++) {
		map[q] = AGG_NONE;
		for (i = 0; i < v->ncols; i++)
			if (col_match(&v->cols[i], agg_question(a, q))) {
				map[q] = i;
				break;
			}
	}
	for (u = 0; u < nu; u++) {
		for (r = 0; r < v->nrows; r++)
			if (v->rows[r].kind == GATE_ROW_UNIT && strcmp(
			    v->rows[r].code, agg_unit(a, u)->code) == 0)
				break;
		extra += r == v->nrows;
	}
	t->year = v->year;
	t->open = 0;
	t->k = v->k;
	t->text_k = v->text_k;
	t->sens_t = v->sens_t;
	t->nimplausible = v->nimplausible;
	t->agg = a;
	t->minus = v->late;
	t->ncols = nq;
	t->nrows = v->nrows + extra;
	t->rows = xcalloc(t->nrows, sizeof *t->rows);
	memcpy(t->rows, v->rows, v->nrows * sizeof *t->rows);
	for (r = 0; r < v->nrows; r++)
		if (t->rows[r].kind == GATE_ROW_UNIT)
			t->rows[r].unit = agg_unit_find(a, t->rows[r].code);
	i = v->nrows;
	for (u = 0; u < nu; u++) {
		if (agg_unit_find(a, agg_unit(a, u)->code) != u)
			continue;
		for (r = 0; r < i; r++)
			if (t->rows[r].kind == GATE_ROW_UNIT &&
			    t->rows[r].unit == u)
				break;
		if (r < i)
			continue;
		t->rows[i].kind = GATE_ROW_UNIT;
		t->rows[i].code = agg_unit(a, u)->code;
		t->rows[i].name = agg_unit(a, u)->name;
		t->rows[i].area = agg_unit(a, u)->area;
		t->rows[i].area_ix = AGG_NONE;
		t->rows[i].unit = u;
		i++;
	}
	t->nrows = i;
	t->figs = xcalloc(t->nrows * (nq ? nq : 1), sizeof *t->figs);
	t->asked = xcalloc(t->nrows * (nq ? nq : 1), sizeof *t->asked);
	t->hme = xcalloc(t->nrows, sizeof *t->hme);
	for (r = 0; r < t->nrows; r++) {
		for (q = 0; q < nq; q++) {
			struct gate_fig *f = &t->figs[r * nq + q];
			const struct agg_question *aq = agg_question(a, q);
			const struct gate_fig *s;

			f->reason = f->text_reason = GATE_NO_DATA;
			if (r >= v->nrows || map[q] == AGG_NONE)
				continue;
			s = &v->figs[r * v->ncols + map[q]];
			t->asked[r * nq + q] = v->asked[r * v->ncols + map[q]];
			*f = *s;
			f->counts = NULL;
			f->texts = NULL;
			if (s->counts != NULL) {
				f->counts = xcalloc(aq->ncat ? aq->ncat : 1,
				    sizeof *f->counts);
				for (i = 0; i < aq->ncat; i++)
					f->counts[i] = s->counts[col_cat(
					    &v->cols[map[q]], aq, i)];
			}
			if (s->ntexts > 0) {
				f->texts = xcalloc(s->ntexts,
				    sizeof *f->texts);
				for (i = 0; i < s->ntexts; i++)
					f->texts[i] = xstrdup(s->texts[i]);
			}
		}
		if (r < v->nrows)
			t->hme[r] = v->hme[r];
		else
			t->hme[r].reason = t->hme[r].sub_reason[0] =
			    t->hme[r].sub_reason[1] =
			    t->hme[r].sub_reason[2] = GATE_NO_DATA;
	}
	t->has_hme = v->has_hme;
	t->reasons_q = AGG_NONE;
	for (i = 0; i < AGG_HME_N; i++)
		t->hme_q[i] = AGG_NONE;
	for (q = 0; q < nq; q++) {
		if (map[q] == AGG_NONE)
			continue;
		if (map[q] == v->reasons_q)
			t->reasons_q = q;
		for (i = 0; i < AGG_HME_N; i++)
			if (map[q] == v->hme_q[i])
				t->hme_q[i] = q;
	}
	free(map);
	return t;
}

/* ---- the revision check ------------------------------------------------ */

/* The units (by code) whose figures make up cell (row r, column q) of t:
 * a unit, an area's units, the region; a pool: the hidden units of its
 * area (or, for the region pool, of the areas whose total is hidden). A
 * text cell (texts set): the region pool's texts are those of the units
 * whose own texts are not shown. Sets a bitmap over t's unit rows. */
static void
cell_members(const struct gate_table *t, size_t r, size_t q, int texts,
    unsigned char *in)
{
	const struct gate_row *row = &t->rows[r];
	size_t u, a;

	memset(in, 0, t->nrows);
	for (u = 0; u < t->nrows; u++) {
		const struct gate_row *ur = &t->rows[u];
		const struct gate_fig *f = gate_fig(t, u, q);
		enum gate_reason ur_r;

		if (ur->kind != GATE_ROW_UNIT || (!texts && ur->implausible))
			continue;
		ur_r = texts ? f->text_reason : f->reason;
		switch (row->kind) {
		case GATE_ROW_REGION:
			in[u] = 1;
			break;
		case GATE_ROW_UNIT:
			in[u] = u == r;
			break;
		case GATE_ROW_AREA:
			in[u] = (row->area == NULL) ? ur->area == NULL :
			    ur->area != NULL && strcmp(ur->area, row->area) == 0;
			break;
		case GATE_ROW_POOL:
			if (!gate_hidden(ur_r))
				break;
			if (row->area_ix != AGG_NONE) {
				in[u] = (row->area == NULL) ?
				    ur->area == NULL : ur->area != NULL &&
				    strcmp(ur->area, row->area) == 0;
				break;
			}
			if (texts) {
				in[u] = 1;
				break;
			}
			for (a = 0; a < t->nrows; a++)
				if (t->rows[a].kind == GATE_ROW_AREA &&
				    ((t->rows[a].area == NULL) ?
				    ur->area == NULL : ur->area != NULL &&
				    strcmp(t->rows[a].area, ur->area) == 0))
					break;
			in[u] = a < t->nrows &&
			    gate_hidden(gate_fig(t, a, q)->reason);
			break;
		}
	}
}

/* The same row of another table: same kind and unit code or area. */
static size_t
row_find(const struct gate_table *t, const struct gate_row *row)
{
	size_t r;

	for (r = 0; r < t->nrows; r++) {
		const struct gate_row *x = &t->rows[r];

		if (x->kind != row->kind)
			continue;
		switch (row->kind) {
		case GATE_ROW_REGION:
			return r;
		case GATE_ROW_UNIT:
			if (strcmp(x->code, row->code) == 0)
				return r;
			break;
		case GATE_ROW_AREA:
		case GATE_ROW_POOL:
			if ((x->area_ix == AGG_NONE) != (row->area_ix ==
			    AGG_NONE))
				break;
			if ((x->area == NULL && row->area == NULL) ||
			    (x->area != NULL && row->area != NULL &&
			    strcmp(x->area, row->area) == 0))
				return r;
			break;
		}
	}
	return AGG_NONE;
}

/* Codes of the members, compared across tables. */
static int
same_members(const struct gate_table *a, const unsigned char *ina,
    const struct gate_table *b, const unsigned char *inb,
    const struct agg *late, unsigned year, int only_late)
{
	size_t i, j;

	for (i = 0; i < a->nrows; i++) {
		if (a->rows[i].kind != GATE_ROW_UNIT)
			continue;
		if (only_late && agg_interviews(late, agg_unit_find(late,
		    a->rows[i].code), year) == 0)
			continue;
		for (j = 0; j < b->nrows; j++)
			if (b->rows[j].kind == GATE_ROW_UNIT &&
			    strcmp(b->rows[j].code, a->rows[i].code) == 0)
				break;
		if ((j < b->nrows && inb[j]) != ina[i])
			return 0;
	}
	for (j = 0; j < b->nrows; j++) {
		if (b->rows[j].kind != GATE_ROW_UNIT || !inb[j])
			continue;
		for (i = 0; i < a->nrows; i++)
			if (a->rows[i].kind == GATE_ROW_UNIT &&
			    strcmp(b->rows[j].code, a->rows[i].code) == 0)
				break;
		if (i == a->nrows || !ina[i])
			return 0;
	}
	return 1;
}

static uint32_t
late_in(const struct agg *late, const struct gate_table *t,
    const unsigned char *in, unsigned year)
{
	uint32_t n = 0;
	size_t r, u;

	for (r = 0; r < t->nrows; r++)
		if (in[r] && t->rows[r].kind == GATE_ROW_UNIT &&
		    (u = agg_unit_find(late, t->rows[r].code)) != AGG_NONE)
			n += agg_interviews(late, u, year);
	return n;
}

/* One cell of cand against one earlier release p and the gate g over the
 * late interviews. */
static int
cell_ok(const struct gate_table *cand, size_t r, size_t q, int texts,
    const struct gate_table *p, const struct gate_table *g,
    const struct agg *late, unsigned char *bc, unsigned char *bp,
    unsigned char *bg)
{
	size_t pr, gr;
	enum gate_reason rs;

	cell_members(cand, r, q, texts, bc);
	if ((pr = row_find(p, &cand->rows[r])) == AGG_NONE)
		return 0;
	rs = texts ? gate_fig(p, pr, q)->text_reason : gate_fig(p, pr,
	    q)->reason;
	if (rs != GATE_SHOWN)
		return 0;
	cell_members(p, pr, q, texts, bp);
	if (!same_members(cand, bc, p, bp, late, cand->year, 0))
		return 0;
	if (late_in(late, cand, bc, cand->year) == 0)
		return 1;
	if ((gr = row_find(g, &cand->rows[r])) != AGG_NONE) {
		rs = texts ? gate_fig(g, gr, q)->text_reason : gate_fig(g, gr,
		    q)->reason;
		cell_members(g, gr, q, texts, bg);
		if (rs == GATE_SHOWN && same_members(cand, bc, g, bg, late,
		    cand->year, 1))
			return 1;
	}
	/* The difference may be shown by another row of the late gate: a
	 * pool of a shown unit and a hidden one without late interviews
	 * differs by the shown unit's late figure, which the gate over the
	 * late interviews shows as a unit row. Any shown figure of it over
	 * exactly the group's late members will do. */
	for (gr = 0; gr < g->nrows; gr++) {
		rs = texts ? gate_fig(g, gr, q)->text_reason : gate_fig(g, gr,
		    q)->reason;
		if (rs != GATE_SHOWN)
			continue;
		cell_members(g, gr, q, texts, bg);
		if (same_members(cand, bc, g, bg, late, cand->year, 1))
			return 1;
	}
	return 0;
}

int
release_check(const struct gate_table *cand,
    const struct gate_table *const *prev, const struct agg *const *late,
    size_t nprev, const struct gate_params *gp, char *why, size_t whylen)
{
	unsigned char *bc, *bp, *bg;
	struct gate_table *g;
	struct err e;
	size_t i, r, q, n;
	int ok = 1, texts;

	for (i = 0; i < nprev && ok; i++) {
		if (gate_publish(&g, late[i], cand->year, gp, &e) != 0) {
			snprintf(why, whylen, "%s", e.msg);
			return 0;
		}
		n = cand->nrows > prev[i]->nrows ? cand->nrows : prev[i]->nrows;
		n = n > g->nrows ? n : g->nrows;
		bc = xcalloc(n, 1);
		bp = xcalloc(n, 1);
		bg = xcalloc(n, 1);
		for (r = 0; r < cand->nrows && ok; r++)
			for (q = 0; q < cand->ncols && ok; q++)
				for (texts = 0; texts < 2 && ok; texts++) {
					const struct gate_fig *f =
					    gate_fig(cand, r, q);

					if ((texts ? f->text_reason :
					    f->reason) != GATE_SHOWN)
						continue;
					if (!cell_ok(cand, r, q, texts,
					    prev[i], g, late[i], bc, bp, bg)) {
						char *name = cand->rows[r].kind
						    == GATE_ROW_UNIT ? xstrdup(
						    cand->rows[r].code) :
						    xstrdup(cand->rows[r].area
						    != NULL ? cand->rows[r].area
						    : "region");

						snprintf(why, whylen, _("a "
						    "revision would show %s "
						    "of %s beside release %u"),
						    agg_question(cand->agg,
						    q)->id, name, (unsigned)(i
						    + 1));
						free(name);
						ok = 0;
					}
				}
		free(bc);
		free(bp);
		free(bg);
		gate_table_free(g);
	}
	return ok;
}

/* ---- the view --------------------------------------------------------- */

static void
today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;

	if (gmtime_r(&now, &tm) == NULL || tm.tm_year + 1900 > 9999 ||
	    tm.tm_year + 1900 < 0)
		memcpy(out, "0000-00-00", 11);
	else
		snprintf(out, 11, "%04u-%02u-%02u",
		    (unsigned)(tm.tm_year + 1900) % 10000u,
		    (unsigned)(tm.tm_mon + 1) % 100u,
		    (unsigned)tm.tm_mday % 100u);
}

/* The area of a unit in release v's map: 1 and *area set if found. */
static int
map_area(const struct rel *v, const char *code, const char **area)
{
	size_t i;

	for (i = 0; i < v->nmap; i++)
		if (strcmp(v->map_code[i], code) == 0) {
			*area = v->map_area[i];
			return 1;
		}
	return 0;
}

/* 1 if every unit with interviews in the year is in the same area now as
 * in release v. */
static int
map_same(const struct rel *v, const struct agg *a, unsigned y)
{
	size_t u, nu = agg_nunits(a);
	const char *was, *now;

	for (u = 0; u < nu; u++) {
		if (agg_interviews(a, u, y) == 0)
			continue;
		now = agg_unit(a, u)->area != NULL ? agg_unit(a, u)->area : "";
		if (!map_area(v, agg_unit(a, u)->code, &was) ||
		    strcmp(was, now) != 0)
			return 0;
	}
	return 1;
}

static int
rel_record(struct release_set *rs, struct central *c,
    const uint8_t pk[ENV_PK_BYTES], const struct gate_table *t,
    unsigned revision, struct release_info *info, struct err *e)
{
	struct central_release row;
	struct rs_year *ys = rs_year(rs, t->year, 0);
	uint8_t *plain, *sealed;
	size_t plen;
	int rc;

	struct rel nv;

	release_encode(t, revision, rs->units, rs->nunits,
	    ys != NULL ? (const uint8_t (*)[ENV_ID_BYTES])ys->ids : NULL,
	    ys != NULL ? ys->n : 0, &plain, &plen);
	sealed = xmalloc(plen + crypto_box_SEALBYTES);
	crypto_box_seal(sealed, plain, plen, pk);
	memset(&nv, 0, sizeof nv);
	rc = rel_decode(&nv, plain, plen);
	xfree_wipe(plain, plen);
	if (rc != 0) {
		rel_free(&nv);
		free(sealed);
		return err_setc(e, ERR_SOFTWARE, _("the %u release does not "
		    "read back"), t->year);
	}
	memset(&row, 0, sizeof row);
	row.year = t->year;
	row.revision = revision;
	today(row.date);
	row.interviews = t->rows[0].interviews;
	memcpy(row.mapdigest, rs->mapdigest, sizeof row.mapdigest);
	row.blob = sealed;
	row.bloblen = plen + crypto_box_SEALBYTES;
	rc = central_release_add(c, &row, e);
	free(sealed);
	if (rc != 0)
		rel_free(&nv);
	if (rc < 0)
		return err_prefix(e, _("the %u release is not recorded, so it "
		    "is not shown"), t->year);
	if (rc == 1)
		return err_setc(e, ERR_BUSY, _("another view released %u at "
		    "the same moment: run again to see that release"), t->year);
	memcpy(nv.date, row.date, sizeof nv.date);
	memcpy(nv.mapdigest, row.mapdigest, sizeof nv.mapdigest);
	nv.late = agg_new((const struct form *const *)rs->forms, rs->nforms,
	    rs->units, rs->nunits, NULL);
	rs->v = xreallocarray(rs->v, rs->n + 1, sizeof *rs->v);
	rs->v[rs->n++] = nv;
	free(rs->list);
	rs->list = NULL;
	info->revision = revision;
	memcpy(info->date, row.date, sizeof info->date);
	return 0;
}

/* The disclosure audit over every earlier release of the year (each
 * revision based on the one before) and the candidate revision: no
 * suppressed cell of any of them, nor any late arrival, may be pinned. */
static int
rel_audit(const struct release_set *rs, struct gate_table *const *prev,
    size_t n, const struct gate_table *cand, const struct agg *late,
    const struct gate_params *gp, char *why, size_t whylen, struct err *e)
{
	struct audit_params ap = { .no_list = 1 };
	struct audit *au = audit_new(&ap);
	struct audit_result r;
	struct gate_table *g = NULL, **gi;
	char label[96];
	size_t i;
	int rc = 0;

	memset(&r, 0, sizeof r);
	gi = xcalloc(n + 1, sizeof(*gi));
	for (i = 0; i < n && rc == 0; i++) {
		snprintf(label, sizeof label, "%u release %zu", prev[i]->year,
		    i + 1);
		rc = audit_add(au, prev[i], label, i > 0 ? prev[i - 1] : NULL,
		    e);
		/* an earlier revision's own difference, as it was gated */
		if (rc == 0 && i > 0)
			rc = release_difference(rs, prev[i]->year, i, gp,
			    &gi[i], e);
		if (rc == 0 && gi[i] != NULL) {
			snprintf(label, sizeof label, "%u release %zu, arrived "
			    "after release %zu", prev[i]->year, i + 1, i);
			rc = audit_add_late(au, gi[i], label, prev[i], e);
		}
	}
	snprintf(label, sizeof label, "%u release %zu", cand->year, n + 1);
	if (rc == 0)
		rc = audit_add(au, cand, label, n > 0 ? prev[n - 1] : NULL, e);
	/* the difference from the newest release, as a release of its own:
	 * its hidden figures are what the late interviews must keep */
	if (rc == 0 && n > 0 && late != NULL) {
		snprintf(label, sizeof label, "%u release %zu, arrived after "
		    "release %zu", cand->year, n + 1, n);
		rc = gate_publish(&g, late, cand->year, gp, e);
		if (rc == 0)
			rc = audit_add_late(au, g, label, cand, e);
	}
	if (rc == 0)
		rc = audit_run(au, &r, e);
	if (rc == 0 && audit_verdict(&r, e) != 0) {
		size_t l = strlen(e->msg);

		if (l >= whylen)
			l = whylen - 1;
		memcpy(why, e->msg, l);	/* cut: the first cells suffice */
		why[l] = '\0';
		rc = 1;
	}
	audit_result_free(&r);
	audit_free(au);
	gate_table_free(g);
	for (i = 0; i < n; i++)
		gate_table_free(gi[i]);
	free(gi);
	return rc;
}

int
release_view(struct release_set *rs, struct central *c,
    const uint8_t pk[ENV_PK_BYTES], const struct agg *a, unsigned y,
    const struct gate_params *gp, struct gate_table **out,
    struct release_info *info, struct err *e)
{
	struct gate_table *cand, **prev;
	const struct agg **late;
	struct rs_year *ys;
	const struct rel *last = NULL;
	size_t i, n = 0, held = 0;
	int ok;

	*out = NULL;
	memset(info, 0, sizeof *info);
	if (!gate_closed(gp, y))
		return gate_publish(out, a, y, gp, e);
	for (i = 0; i < rs->n; i++)
		if (rs->v[i].year == y) {
			if (last == NULL || rs->v[i].revision > last->revision)
				last = &rs->v[i];
			n++;
		}
	if (last == NULL) {
		if (gate_publish(&cand, a, y, gp, e) != 0)
			return -1;
		/* A year without interviews shows nothing to freeze; a
		 * release now would hold back every interview to come. */
		if (agg_interviews(a, AGG_NONE, y) == 0) {
			*out = cand;
			return 0;
		}
		if (rel_record(rs, c, pk, cand, 1, info, e) != 0) {
			gate_table_free(cand);
			return -1;
		}
		*out = cand;
		return 0;
	}
	ys = rs_year(rs, y, 0);
	for (i = 0; ys != NULL && i < ys->n; i++)
		held += !rel_has_id(last, ys->ids[i]);
	info->revision = last->revision;
	memcpy(info->date, last->date, sizeof info->date);
	if (held == 0) {
		*out = rel_table(last, a);
		return 0;
	}
	/* Late interviews: a revision if it passes, else the release. */
	prev = xcalloc(n, sizeof *prev);
	late = xcalloc(n, sizeof *late);
	n = 0;
	ok = 1;
	for (i = 0; i < rs->n; i++) {
		if (rs->v[i].year != y)
			continue;
		if (!map_same(&rs->v[i], a, y))
			ok = 0;
		prev[n] = rel_table(&rs->v[i], a);
		late[n++] = rs->v[i].late;
	}
	if (!ok) {
		snprintf(info->why, sizeof info->why, "%s", _("units have "
		    "moved to other areas since the release"));
	} else if (gate_publish(&cand, a, y, gp, e) != 0) {
		ok = -1;
	} else if (!release_check(cand, (const struct gate_table *const *)
	    prev, late, n, gp, info->why, sizeof info->why)) {
		gate_table_free(cand);
		ok = 0;
	} else if ((ok = rel_audit(rs, prev, n, cand, late[n - 1], gp,
	    info->why,
	    sizeof info->why, e)) != 0) {
		gate_table_free(cand);
		ok = ok < 0 ? -1 : 0;
	} else if (rel_record(rs, c, pk, cand, info->revision + 1, info,
	    e) != 0) {
		gate_table_free(cand);
		ok = -1;
	} else {
		*out = cand;
		held = 0;
	}
	for (i = 0; i < n; i++)
		gate_table_free(prev[i]);
	free(prev);
	free(late);
	if (ok < 0)
		return -1;
	info->held = (uint32_t)held;
	if (*out == NULL)
		*out = rel_table(last, a);	/* rs->v unchanged: no record */
	return 0;
}

size_t
release_list(const struct release_set *rs,
    const struct release_entry **list)
{
	struct release_set *w = (struct release_set *)rs;
	struct rs_year *ys;
	size_t i, j, held;

	if (w->list == NULL) {
		w->list = xcalloc(rs->n ? rs->n : 1, sizeof *w->list);
		for (i = 0; i < rs->n; i++) {
			struct release_entry *x = &w->list[i];
			const struct rel *v = &rs->v[i];

			x->year = v->year;
			x->revision = v->revision;
			memcpy(x->date, v->date, sizeof x->date);
			x->interviews = v->interviews;
			memcpy(x->mapdigest, v->mapdigest,
			    sizeof x->mapdigest);
			if (i + 1 < rs->n && rs->v[i + 1].year == v->year)
				continue;
			ys = rs_year(w, v->year, 0);
			for (j = 0, held = 0; ys != NULL && j < ys->n; j++)
				held += !rel_has_id(v, ys->ids[j]);
			x->held = (uint32_t)held;
		}
		w->nlist = rs->n;
	}
	*list = w->list;
	return w->nlist;
}

int
release_difference(const struct release_set *rs, unsigned y, size_t i,
    const struct gate_params *gp, struct gate_table **out, struct err *e)
{
	const struct rel *v = NULL;
	struct gate_params p;
	size_t j, rank;

	*out = NULL;
	for (j = 0; j < rs->n; j++) {
		size_t k;

		if (rs->v[j].year != y)
			continue;
		for (k = 0, rank = 0; k < rs->n; k++)
			rank += rs->v[k].year == y && rs->v[k].revision <
			    rs->v[j].revision;
		if (rank == i)
			v = &rs->v[j];
	}
	if (v == NULL || i == 0 || v->fresh == NULL)
		return 0;
	p = *gp;
	p.k = v->k;
	p.text_k = v->text_k;
	p.sensitive_t = v->sens_t;
	return gate_publish(out, v->fresh, y, &p, e);
}

int
release_tables(const struct release_set *rs, const struct agg *a,
    unsigned y, struct gate_table ***out, size_t *n)
{
	const struct rel **v;
	size_t i, j, k = 0;

	v = xcalloc(rs->n ? rs->n : 1, sizeof *v);
	for (i = 0; i < rs->n; i++)
		if (rs->v[i].year == y)
			v[k++] = &rs->v[i];
	/* revision order (a revision made in this run comes last anyway) */
	for (i = 1; i < k; i++)
		for (j = i; j > 0 && v[j - 1]->revision > v[j]->revision; j--) {
			const struct rel *x = v[j];

			v[j] = v[j - 1];
			v[j - 1] = x;
		}
	*out = xcalloc(k ? k : 1, sizeof **out);
	for (i = 0; i < k; i++)
		(*out)[i] = rel_table(v[i], a);
	*n = k;
	free(v);
	return k > 0;
}
