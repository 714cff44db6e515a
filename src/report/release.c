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
#include "report/release_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "report/audit.h"
#include "util/i18n.h"
#include "util/xmem.h"

/* ---- a release in memory ---------------------------------------------- */

int
rel_id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, ENV_ID_BYTES);
}

static int
rel_has_id(const struct rel *r, const uint8_t *id)
{
	return bsearch(id, r->ids, r->nids, ENV_ID_BYTES, rel_id_cmp) != NULL;
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

/* ---- the set ---------------------------------------------------------- */

/* Every release this account's ledger knows must be in the store, with
 * the same blob; then the store's releases not yet in the ledger join
 * it. A store that lacks one was restored from an older copy or altered:
 * a new release of that year could tell leavers apart from the old. */
static int
ledger_check(struct central *c, const struct central_release *rows, size_t n,
    struct err *e)
{
	struct rel_ledger l;
	char d[65];
	size_t i, j, had;
	int rc = 0;

	if (rel_ledger_read(central_path(c), &l, e) != 0)
		return -1;
	had = l.n;
	for (i = 0; i < had && rc == 0; i++) {
		for (j = 0; j < n; j++)
			if (rows[j].year == l.v[i].year &&
			    rows[j].revision == l.v[i].revision)
				break;
		if (j < n)
			rel_blob_digest(rows[j].blob, rows[j].bloblen, d);
		if (j == n || strcmp(d, l.v[i].digest) != 0)
			rc = err_setc(e, ERR_DATA,
			    _("%s lacks release %u of "
			      "%u, or holds another one, that this account has "
			      "shown before: the store was restored from an "
			      "older copy or changed outside avslut-hr. Nothing "
			      "is shown: a new release of that year would tell "
			      "leavers apart from the old one. Restore a copy of "
			      "the store made after that release "
			      "(avslut-report(5), RELEASES)"),
			    central_path(c), l.v[i].revision, l.v[i].year);
	}
	for (j = 0; j < n && rc == 0; j++)
		if (rel_ledger_find(&l, rows[j].year, rows[j].revision) < 0) {
			rel_blob_digest(rows[j].blob, rows[j].bloblen, d);
			rel_ledger_add(&l, rows[j].year, rows[j].revision, d);
		}
	if (rc == 0 && l.n > had)
		rc = rel_ledger_write(central_path(c), &l, e);
	rel_ledger_free(&l);
	return rc;
}

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
		    xstrdup(units[i].area) :
		    NULL;
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
			err_setc(e, ERR_DATA,
			    _("release %u of %u is damaged: "
			      "restore central.db from a backup"),
			    rows[i].revision, rows[i].year);
			goto fail;
		}
		plen = rows[i].bloblen - crypto_box_SEALBYTES;
		plain = xmalloc(plen);
		if (crypto_box_seal_open(plain, rows[i].blob, rows[i].bloblen,
			pk, sk) != 0 ||
		    rel_decode(v, plain, plen) != 0 ||
		    v->year != rows[i].year ||
		    v->revision != rows[i].revision) {
			xfree_wipe(plain, plen);
			rel_free(v);
			err_setc(e, ERR_DATA,
			    _("release %u of %u does not "
			      "open with this HR key, or is damaged: restore "
			      "central.db from a backup"),
			    rows[i].revision, rows[i].year);
			goto fail;
		}
		xfree_wipe(plain, plen);
		memcpy(v->date, rows[i].date, sizeof v->date);
		memcpy(v->mapdigest, rows[i].mapdigest, sizeof v->mapdigest);
		rel_blob_hash(rows[i].blob, rows[i].bloblen, v->digest);
		v->late = agg_new(forms, nforms, units, nunits, NULL);
		if (v->revision > 1)
			v->fresh = agg_new(forms, nforms, units, nunits, NULL);
		rs->n++;
	}
	if (ledger_check(c, rows, n, e) != 0)
		goto fail;
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
	/* room doubles (rs_ids_room): a realloc per record was a third of
	 * a second open */
	if (y->n == 0 || y->n == rs_ids_room(y->n))
		y->ids = xreallocarray(y->ids, y->n == 0 ? 64 : 2 * y->n,
		    ENV_ID_BYTES);
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
			if (rs->v[j].year == v->year &&
			    rs->v[j].revision + 1 == v->revision &&
			    !rel_has_id(&rs->v[j], id))
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
			if (v->rows[r].kind == GATE_ROW_UNIT &&
			    strcmp(v->rows[r].code, agg_unit(a, u)->code) == 0)
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
					f->counts[i] =
					    s->counts[col_cat(&v->cols[map[q]],
						aq, i)];
			}
			if (s->ntexts > 0) {
				f->texts = xcalloc(s->ntexts, sizeof *f->texts);
				for (i = 0; i < s->ntexts; i++)
					f->texts[i] = xstrdup(s->texts[i]);
			}
		}
		if (r < v->nrows)
			t->hme[r] = v->hme[r];
		else
			t->hme[r].reason = t->hme[r].sub_reason[0] =
			    t->hme[r].sub_reason[1] = t->hme[r].sub_reason[2] =
				GATE_NO_DATA;
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

/* The new release joins the ledger at once: a store restored before the
 * next view is noticed by it. */
static int
ledger_add(struct central *c, const struct central_release *row, struct err *e)
{
	struct rel_ledger l;
	char d[65];
	int rc;

	if (rel_ledger_read(central_path(c), &l, e) != 0)
		return -1;
	rel_blob_digest(row->blob, row->bloblen, d);
	rel_ledger_add(&l, row->year, row->revision, d);
	rc = rel_ledger_write(central_path(c), &l, e);
	rel_ledger_free(&l);
	return rc;
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
	    ys != NULL ? (const uint8_t(*)[ENV_ID_BYTES])ys->ids : NULL,
	    ys != NULL ? ys->n : 0, &plain, &plen);
	sealed = xmalloc(plen + crypto_box_SEALBYTES);
	crypto_box_seal(sealed, plain, plen, pk);
	memset(&nv, 0, sizeof nv);
	rc = rel_decode(&nv, plain, plen);
	xfree_wipe(plain, plen);
	/* as release_set_open + the tap would make it: a revision's fresh
	 * agg is what the revision before lacked, all of its late agg */
	if (rc == 0 && revision > 1)
		rc = rel_late_copy(rs, t->year, revision - 1, &nv.fresh);
	if (rc != 0) {
		rel_free(&nv);
		free(sealed);
		return err_setc(e, ERR_SOFTWARE,
		    _("the %u release does not "
		      "read back"),
		    t->year);
	}
	memset(&row, 0, sizeof row);
	row.year = t->year;
	row.revision = revision;
	today(row.date);
	row.interviews = t->rows[0].interviews;
	memcpy(row.mapdigest, rs->mapdigest, sizeof row.mapdigest);
	row.blob = sealed;
	row.bloblen = plen + crypto_box_SEALBYTES;
	rel_blob_hash(row.blob, row.bloblen, nv.digest);
	rc = central_release_add(c, &row, e);
	if (rc == 0 && ledger_add(c, &row, e) != 0) {
		free(sealed);
		rel_free(&nv);
		return -1;
	}
	free(sealed);
	if (rc != 0)
		rel_free(&nv);
	if (rc < 0)
		return err_prefix(e,
		    _("the %u release is not recorded, so it "
		      "is not shown"),
		    t->year);
	if (rc == 1)
		return err_setc(e, ERR_BUSY,
		    _("another view released %u at "
		      "the same moment: run again to see that release"),
		    t->year);
	memcpy(nv.date, row.date, sizeof nv.date);
	memcpy(nv.mapdigest, row.mapdigest, sizeof nv.mapdigest);
	nv.late = agg_new((const struct form *const *)rs->forms, rs->nforms,
	    rs->units, rs->nunits, NULL);
	rs->v = xreallocarray(rs->v, rs->n + 1, sizeof *rs->v);
	rs->v[rs->n++] = nv;
	rs->generation++;
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
			snprintf(label, sizeof label,
			    "%u release %zu, arrived "
			    "after release %zu",
			    prev[i]->year, i + 1, i);
			rc = audit_add_late(au, gi[i], label, prev[i], e);
		}
	}
	snprintf(label, sizeof label, "%u release %zu", cand->year, n + 1);
	if (rc == 0)
		rc = audit_add(au, cand, label, n > 0 ? prev[n - 1] : NULL, e);
	/* the difference from the newest release, as a release of its own:
	 * its hidden figures are what the late interviews must keep */
	if (rc == 0 && n > 0 && late != NULL) {
		snprintf(label, sizeof label,
		    "%u release %zu, arrived after "
		    "release %zu",
		    cand->year, n + 1, n);
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
		memcpy(why, e->msg, l); /* cut: the first cells suffice */
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
		snprintf(info->why, sizeof info->why, "%s",
		    _("units have "
		      "moved to other areas since the release"));
	} else if (gate_publish(&cand, a, y, gp, e) != 0) {
		ok = -1;
	} else if (!release_check(cand, (const struct gate_table *const *)prev,
		       late, n, gp, info->why, sizeof info->why)) {
		gate_table_free(cand);
		ok = 0;
	} else if ((ok = rel_audit(rs, prev, n, cand, late[n - 1], gp,
			info->why, sizeof info->why, e)) != 0) {
		gate_table_free(cand);
		ok = ok < 0 ? -1 : 0;
	} else if (rel_record(rs, c, pk, cand, info->revision + 1, info, e) !=
	    0) {
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
		*out = rel_table(last, a); /* rs->v unchanged: no record */
	return 0;
}

size_t
release_list(const struct release_set *rs, const struct release_entry **list)
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
			memcpy(x->mapdigest, v->mapdigest, sizeof x->mapdigest);
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
			rank += rs->v[k].year == y &&
			    rs->v[k].revision < rs->v[j].revision;
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
release_tables(const struct release_set *rs, const struct agg *a, unsigned y,
    struct gate_table ***out, size_t *n)
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
