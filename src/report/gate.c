/* gate: the anonymity rules between the aggregates and every view: k per
 * question cell, complementary suppression, pools, closed periods, texts.
 *
 * The published figures of one question and one year obey region = sum of
 * areas and area = sum of its units, so a hidden unit could be worked out
 * as its area minus the area's shown units. For each area the hidden units
 * together (the "residual") must therefore be safe to show on their own:
 * at least k answers and, when it holds a unit with fewer than k answers
 * (then from two units at least), not all alike (every answer in one
 * category, or every number equal: each unit's answers would be known).
 * A residual whose only units with answers have k or more may be worked
 * out: that is no more than showing them. If not safe, the shown unit
 * with the fewest answers is hidden too, and so on; when no unit is left
 * the area total is hidden. The region does the same over the areas with
 * a hidden total. A safe residual is shown as "other units". Only single
 * years are published (no all-years totals), so no year can be taken from
 * a total; derived figures (HME) come only from shown statement figures.
 *
 * One linked system (issue 10): each choice of a multiple-choice question
 * is a yes/no cell of its own, so a residual is not safe when all its
 * members ticked one choice; a follow-up is shown only in rows where every
 * question that opens it is shown (the number shown a follow-up is a count
 * of its opener); a group whose members all, or all but at most
 * sensitive_t, gave a sensitive answer is hidden as GATE_BAND and counts
 * as needing protection in every residual; unit-years with more
 * interviews than imported leavers are in no figure. What this greedy
 * construction cannot see, the LP audit (audit.c) checks before anything
 * is shown. */
#include "report/gate.h"
#include "report/gate_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "util/i18n.h"
#include "util/utf8.h"
#include "util/xmem.h"

/* The additive figures of one question over some units (no texts). */
struct gate_vec {
	uint32_t asked, answered, declined, skipped, notshown;
	uint32_t *counts;
	uint32_t *lo; /* per category: the least its banded members
				 * are known to hold (counts + ncat) */
	double sum, sumsq;
	size_t members; /* cells in it that have answers */
	size_t few;	/* cells in it with 1..k-1 answers */
};

/* Per-table working state. */
struct gate_work {
	const struct agg *a;
	struct gate_table *t;
	size_t nunits, nareas;
	size_t *area_of;	/* unit -> area group */
	const char **area_name; /* NULL for the no-area group */
	size_t row_area0, row_unit0, row_pool0, row_rpool;
	unsigned k, text_k, sens_t;
	int *implausible; /* per unit */
};

static void
gate_vec_init(struct gate_vec *v, size_t ncat)
{
	memset(v, 0, sizeof(*v));
	v->counts = xcalloc(ncat ? 2 * ncat : 1, sizeof(*v->counts));
	v->lo = v->counts + ncat;
}

static void
gate_vec_zero(struct gate_vec *v, size_t ncat)
{
	uint32_t *c = v->counts;

	memset(v, 0, sizeof(*v));
	v->counts = c;
	v->lo = c + ncat;
	memset(c, 0, (ncat ? 2 * ncat : 1) * sizeof(*c));
}

static void
gate_vec_add(struct gate_vec *acc, const struct gate_vec *v, size_t ncat,
    unsigned k)
{
	size_t i;

	acc->asked += v->asked;
	acc->answered += v->answered;
	acc->declined += v->declined;
	acc->skipped += v->skipped;
	acc->notshown += v->notshown;
	for (i = 0; i < ncat; i++)
		acc->counts[i] += v->counts[i];
	acc->sum += v->sum;
	acc->sumsq += v->sumsq;
	acc->members += v->answered > 0 ? 1 : 0;
	acc->few += v->answered > 0 && v->answered < k ? 1 : 0;
}

static void
gate_vec_from_cell(struct gate_vec *v, const struct agg_cell *c, size_t ncat)
{
	gate_vec_zero(v, ncat);
	if (c == NULL)
		return;
	v->asked = c->asked;
	v->answered = c->answered;
	v->declined = c->declined;
	v->skipped = c->skipped;
	v->notshown = c->notshown;
	memcpy(v->counts, c->counts, ncat * sizeof(*v->counts));
	v->sum = c->sum;
	v->sumsq = c->sumsq;
	v->members = c->answered > 0;
}

/* All answers alike: showing the group would show each member's answers. */
static int
gate_alike(const struct agg_question *q, const struct gate_vec *v)
{
	size_t i, nz = 0;

	switch (q->type) {
	case FORM_MULTI:
		/* Each choice is a yes/no cell: one ticked by every member
		 * says each member ticked it. */
		for (i = 0; i < q->ncat; i++)
			if (v->answered > 0 && v->counts[i] == v->answered)
				return 1;
		return 0;
	case FORM_NUMBER:
		/* Integers: exact in a double at these sizes. */
		return v->sumsq * v->answered == v->sum * v->sum;
	case FORM_TEXT:
		return 0; /* counts only: no values to pin */
	default:
		for (i = 0; i < q->ncat; i++)
			nz += v->counts[i] != 0;
		return nz <= 1;
	}
}

uint64_t
gate_sensitive_cats(const struct agg_question *q)
{
	const struct form_question *fq;
	uint64_t bits = 0;
	size_t i, c;

	if (q->form == NULL || q->fq >= q->form->nquestions)
		return 0;
	fq = &q->form->questions[q->fq];
	if (fq->sensitive == 0)
		return 0;
	if (q->type == FORM_YESNO)
		return (fq->sensitive & ((uint64_t)1 << FORM_YES)) ?
		    (uint64_t)1 << 1 :
		    0; /* counts[1]: yes */
	if (q->type != FORM_SINGLE && q->type != FORM_MULTI)
		return 0;
	/* choice i of the newest version is category i */
	for (i = 0; i < fq->nchoices && i < 64; i++)
		if (fq->sensitive & ((uint64_t)1 << i)) {
			c = i;
			if (c < q->ncat)
				bits |= (uint64_t)1 << c;
		}
	return bits;
}

/* A sensitive answer given by all members, or all but at most t: the
 * group may not be shown (GATE_BAND says only that much). */
static int
gate_sens_band(const struct agg_question *q, const struct gate_vec *v,
    unsigned t)
{
	uint64_t bits = gate_sensitive_cats(q);
	size_t c;

	if (bits == 0 || v->answered == 0)
		return 0;
	for (c = 0; c < q->ncat && c < 64; c++)
		if ((bits & ((uint64_t)1 << c)) &&
		    v->answered - v->counts[c] <= t)
			return 1;
	return 0;
}

/* The sensitive category a GATE_BAND reason speaks of, when there is
 * only one (yesno); else AGG_NONE: the reason then bounds no one cell. */
static size_t
gate_band_cat(const struct agg_question *q)
{
	uint64_t bits = gate_sensitive_cats(q);
	size_t c;

	if (bits == 0 || (bits & (bits - 1)) != 0)
		return AGG_NONE;
	for (c = 0; !(bits & ((uint64_t)1 << c)); c++)
		;
	return c;
}

/* Safe to show a residual: k answers; not all alike when it holds a
 * member with fewer than k (or a banded one); no band of its own; and
 * its sensitive count above what its banded members are known to hold
 * at least (at exactly that sum every member's count would be pinned). */
static int
gate_safe(const struct agg_question *q, const struct gate_vec *r, unsigned k,
    unsigned t)
{
	size_t c = gate_band_cat(q);

	if (c != AGG_NONE && r->lo[c] > 0 && r->counts[c] <= r->lo[c])
		return 0;
	return r->answered >= k && (r->few == 0 || !gate_alike(q, r)) &&
	    !gate_sens_band(q, r, t);
}

static void
gate_fig_show(struct gate_fig *f, const struct gate_vec *v,
    const struct agg_question *q)
{
	struct agg_cell c;

	f->reason = GATE_SHOWN;
	f->answered = v->answered;
	f->declined = v->declined;
	f->skipped = v->skipped;
	f->notshown = v->notshown;
	f->counts = xcalloc(q->ncat ? q->ncat : 1, sizeof(*f->counts));
	memcpy(f->counts, v->counts, q->ncat * sizeof(*f->counts));
	memset(&c, 0, sizeof(c));
	c.answered = v->answered;
	c.counts = f->counts;
	c.sum = v->sum;
	c.sumsq = v->sumsq;
	agg_stats(q, &c, &f->st);
}

static void
gate_fig_hide(struct gate_fig *f, enum gate_reason r)
{
	f->reason = r;
}

/* Random words from libsodium, 256 at a time: randombytes_uniform makes
 * a system call for each (a twentieth of an HR open of 100 000 texts). */
struct gate_rng {
	uint32_t w[256];
	size_t left;
};

/* Uniform in 0..upper-1 (upper >= 1), without bias: randombytes_uniform's
 * rejection of the words below 2^32 mod upper. */
static uint32_t
gate_rng_uniform(struct gate_rng *r, uint32_t upper)
{
	uint32_t min = (1U + ~upper) % upper, x;

	do {
		if (r->left == 0) {
			randombytes_buf(r->w, sizeof r->w);
			r->left = sizeof r->w / sizeof r->w[0];
		}
		x = r->w[--r->left];
	} while (x < min);
	return x % upper;
}

/* Texts in random order (libsodium), each with control characters and
 * bidi overrides replaced: nothing from a record reaches a terminal raw. */
static void
gate_texts(struct gate_fig *f, char *const *texts, size_t n)
{
	struct gate_rng rng;
	size_t i, j;
	char *t;

	f->text_reason = GATE_SHOWN;
	f->texts = xcalloc(n ? n : 1, sizeof(*f->texts));
	f->ntexts = n;
	for (i = 0; i < n; i++)
		f->texts[i] = utf8_sanitize(texts[i], strlen(texts[i]), 1);
	rng.left = 0;
	for (i = n; i > 1; i--) {
		j = gate_rng_uniform(&rng, (uint32_t)i);
		t = f->texts[i - 1];
		f->texts[i - 1] = f->texts[j];
		f->texts[j] = t;
	}
	sodium_memzero(&rng, sizeof rng); /* the order the texts got */
}

int
gate_hidden(enum gate_reason r)
{
	return r != GATE_SHOWN && r != GATE_NO_DATA;
}

static int
gate_has_texts(const struct agg_question *q)
{
	return q->type == FORM_TEXT || q->other;
}

static struct gate_fig *
gate_at(struct gate_work *w, size_t row, size_t q)
{
	return &w->t->figs[row * w->t->ncols + q];
}

/* Smallest shown unit (fewest answers, then first) in area ar, or in any
 * area outside the hidden ones when ar is AGG_NONE; AGG_NONE if none. A
 * residual without answers (only the numbers who declined or were not
 * shown the question) takes a unit without answers too. */
static size_t
gate_pick(struct gate_work *w, const struct gate_vec *uv,
    const enum gate_reason *ur, const int *area_hidden, size_t ar,
    const struct gate_vec *res)
{
	size_t u, best = AGG_NONE;

	for (u = 0; u < w->nunits; u++) {
		if (ur[u] != GATE_SHOWN || uv[u].asked == 0 ||
		    (uv[u].answered == 0 && res->answered > 0))
			continue;
		if (ar != AGG_NONE && w->area_of[u] != ar)
			continue;
		if (ar == AGG_NONE && area_hidden[w->area_of[u]])
			continue;
		if (best == AGG_NONE || uv[u].answered < uv[best].answered)
			best = u;
	}
	return best;
}

/* Hidden units of area ar summed into r; returns 1 if there are any. */
static int
gate_residual(struct gate_work *w, size_t q, const struct gate_vec *uv,
    const enum gate_reason *ur, size_t ar, struct gate_vec *r, size_t ncat)
{
	size_t u, bc = gate_band_cat(agg_question(w->a, q));
	int any = 0;

	for (u = 0; u < w->nunits; u++)
		if (w->area_of[u] == ar && gate_hidden(ur[u]) &&
		    ur[u] != GATE_IMPLAUSIBLE) {
			gate_vec_add(r, &uv[u], ncat, w->k);
			/* a banded unit needs protection whatever its size,
			 * and its band says its count is at least n - t */
			if (ur[u] == GATE_BAND && uv[u].answered >= w->k)
				r->few++;
			if (ur[u] == GATE_BAND && bc != AGG_NONE &&
			    uv[u].answered > w->sens_t)
				r->lo[bc] += uv[u].answered - w->sens_t;
			any = 1;
		}
	return any;
}

/* The hidden units of a hidden area ar, added to r for the region's
 * residual. A banded area (band != NULL: its sums) says its sensitive
 * count is at least its answered minus t: what its hidden units hold at
 * least is then that less what its shown units hold. */
static int
gate_residual_area(struct gate_work *w, size_t q, const struct gate_vec *uv,
    const enum gate_reason *ur, size_t ar, const struct gate_vec *band,
    struct gate_vec *r, struct gate_vec *tmp, size_t ncat)
{
	size_t c, bc = gate_band_cat(agg_question(w->a, q));
	int any;

	gate_vec_zero(tmp, ncat);
	any = gate_residual(w, q, uv, ur, ar, tmp, ncat);
	if (band != NULL && bc != AGG_NONE) {
		uint32_t shown = band->counts[bc] - tmp->counts[bc];
		long lo = (long)band->answered - (long)w->sens_t - shown;

		if (lo > (long)tmp->lo[bc])
			tmp->lo[bc] = (uint32_t)lo;
	}
	r->asked += tmp->asked;
	r->answered += tmp->answered;
	r->declined += tmp->declined;
	r->skipped += tmp->skipped;
	r->notshown += tmp->notshown;
	for (c = 0; c < ncat; c++) {
		r->counts[c] += tmp->counts[c];
		r->lo[c] += tmp->lo[c];
	}
	r->sum += tmp->sum;
	r->sumsq += tmp->sumsq;
	r->members += tmp->members;
	r->few += tmp->few;
	return any;
}

/* The region's residual: the hidden units of every hidden area (ahid),
 * a banded one (aband) with its sums av, in r (tmp: scratch); returns 1
 * if there are any. */
static int
gate_residual_region(struct gate_work *w, size_t q, const struct gate_vec *uv,
    const enum gate_reason *ur, const int *ahid, const int *aband,
    const struct gate_vec *av, struct gate_vec *r, struct gate_vec *tmp,
    size_t ncat)
{
	size_t ar;
	int any = 0;

	gate_vec_zero(r, ncat);
	for (ar = 0; ar < w->nareas; ar++)
		if (ahid[ar])
			any |= gate_residual_area(w, q, uv, ur, ar,
			    aband[ar] ? &av[ar] : NULL, r, tmp, ncat);
	return any;
}

static void
gate_question_texts(struct gate_work *w, size_t q,
    const struct agg_question *aq)
{
	struct gate_table *t = w->t;
	char **pool = NULL;
	size_t npool = 0, u, r, i;
	const struct agg_cell *c;
	struct agg_cell all;

	for (r = 0; r < t->nrows; r++)
		gate_at(w, r, q)->text_reason = t->open ? GATE_OPEN :
		    aq->report == FORM_SCOPE_REGION &&
			t->rows[r].kind != GATE_ROW_REGION ?
							  GATE_REGION_ONLY :
							  GATE_COMPLEMENT;
	if (t->open)
		return;
	if (aq->report == FORM_SCOPE_REGION) {
		agg_cell_init(&all, aq);
		for (u = 0; u < w->nunits; u++)
			if (!w->implausible[u])
				agg_cell_add(&all,
				    agg_cell(w->a, u, t->year, q), aq);
		if (all.ntexts >= w->text_k)
			gate_texts(gate_at(w, 0, q), all.texts, all.ntexts);
		else
			gate_at(w, 0, q)->text_reason = all.ntexts ?
			    GATE_FEW :
			    GATE_NO_DATA;
		agg_cell_free(&all);
		return;
	}
	/* Unit questions: each unit's texts, or else into the one region
	 * pool; no area or region lists, which would give the hidden texts
	 * back by difference. */
	for (u = 0; u < w->nunits; u++) {
		struct gate_fig *f = gate_at(w, w->row_unit0 + u, q);

		if (w->implausible[u]) {
			f->text_reason = GATE_IMPLAUSIBLE;
			continue;
		}
		c = agg_cell(w->a, u, t->year, q);
		if (c != NULL && c->ntexts >= w->text_k) {
			gate_texts(f, c->texts, c->ntexts);
			continue;
		}
		f->text_reason = c != NULL && c->ntexts ? GATE_FEW :
							  GATE_NO_DATA;
		for (i = 0; c != NULL && i < c->ntexts; i++) {
			pool = xreallocarray(pool, npool + 1, sizeof(*pool));
			pool[npool++] = c->texts[i];
		}
	}
	if (npool >= w->text_k)
		gate_texts(gate_at(w, w->row_rpool, q), pool, npool);
	else
		gate_at(w, w->row_rpool, q)->text_reason = npool ? GATE_FEW :
								   GATE_NO_DATA;
	free(pool); /* borrowed strings */
}

static enum gate_reason
gate_primary(const struct gate_vec *v, unsigned k)
{
	if (v->asked == 0)
		return GATE_NO_DATA;
	/* Asked but fewer than k answers, none included: then even the
	 * number not shown would say how those asked answered the question
	 * that opened this one. */
	return v->answered < k ? GATE_FEW : GATE_SHOWN;
}

size_t
gate_openers(const struct agg *a, size_t q, size_t *out, size_t max)
{
	const struct agg_question *aq = agg_question(a, q), *o;
	const struct form_question *fq;
	const struct form *f;
	uint8_t *refs;
	size_t n = 0, i, j;

	if (aq == NULL || aq->form == NULL || aq->fq >= aq->form->nquestions)
		return 0;
	f = aq->form;
	fq = &f->questions[aq->fq];
	refs = xcalloc(f->nquestions, 1);
	form_expr_refs(fq->show_if, refs, f->nquestions);
	if (fq->section < f->nsections)
		form_expr_refs(f->sections[fq->section].show_if, refs,
		    f->nquestions);
	/* every variant of each referred question (same form and id) */
	for (i = 0; i < f->nquestions; i++) {
		if (!refs[i])
			continue;
		for (j = 0; j < agg_nquestions(a) && n < max; j++) {
			o = agg_question(a, j);
			if (j != q && strcmp(o->form_id, aq->form_id) == 0 &&
			    strcmp(o->id, f->questions[i].id) == 0)
				out[n++] = j;
		}
	}
	free(refs);
	return n;
}

/* Rows where an opener of q is hidden: q may not be shown there either,
 * or its "shown" count would give the opener's hidden count. */
static void
gate_forced(struct gate_work *w, size_t q, int *fu, int *fa, int *fr)
{
	size_t op[64], n, i, u, ar;

	n = gate_openers(w->a, q, op, 64);
	for (i = 0; i < n; i++) {
		if (op[i] >= q)
			continue; /* not yet published */
		for (u = 0; u < w->nunits; u++)
			if (gate_hidden(
				gate_at(w, w->row_unit0 + u, op[i])->reason))
				fu[u] = 1;
		for (ar = 0; ar < w->nareas; ar++)
			if (gate_hidden(
				gate_at(w, w->row_area0 + ar, op[i])->reason))
				fa[ar] = 1;
		if (gate_hidden(gate_at(w, 0, op[i])->reason))
			*fr = 1;
	}
}

static void
gate_question(struct gate_work *w, size_t q)
{
	struct gate_table *t = w->t;
	const struct agg_question *aq = agg_question(w->a, q);
	size_t ncat = aq->ncat, u, ar, r;
	struct gate_vec *uv, *av, region, res, tmp;
	enum gate_reason *ur, *areason, rreason;
	int *ahid, *aband, *fu, rhid = 0, rband = 0;

	if (gate_has_texts(aq))
		gate_question_texts(w, q, aq);
	else
		for (r = 0; r < t->nrows; r++)
			gate_at(w, r, q)->text_reason = GATE_NO_DATA;
	uv = xcalloc(w->nunits ? w->nunits : 1, sizeof(*uv));
	ur = xcalloc(w->nunits ? w->nunits : 1, sizeof(*ur));
	fu = xcalloc(w->nunits ? w->nunits : 1, sizeof(*fu));
	av = xcalloc(w->nareas ? w->nareas : 1, sizeof(*av));
	areason = xcalloc(w->nareas ? w->nareas : 1, sizeof(*areason));
	ahid = xcalloc(w->nareas ? w->nareas : 1, sizeof(*ahid));
	aband = xcalloc(w->nareas ? w->nareas : 1, sizeof(*aband));
	gate_vec_init(&region, ncat);
	gate_vec_init(&res, ncat);
	gate_vec_init(&tmp, ncat);
	for (ar = 0; ar < w->nareas; ar++)
		gate_vec_init(&av[ar], ncat);
	for (u = 0; u < w->nunits; u++) {
		const struct agg_cell *c = agg_cell(w->a, u, t->year, q);

		gate_vec_init(&uv[u], ncat);
		if (w->implausible[u]) {
			ur[u] = GATE_IMPLAUSIBLE;
			continue; /* in no sum */
		}
		gate_vec_from_cell(&uv[u], c, ncat);
		gate_vec_add(&av[w->area_of[u]], &uv[u], ncat, w->k);
		gate_vec_add(&region, &uv[u], ncat, w->k);
		ur[u] = gate_primary(&uv[u], w->k);
	}
	/* the group sizes, for the audit */
	for (u = 0; u < w->nunits; u++)
		t->asked[(w->row_unit0 + u) * t->ncols + q] = uv[u].asked;
	for (ar = 0; ar < w->nareas; ar++)
		t->asked[(w->row_area0 + ar) * t->ncols + q] = av[ar].asked;
	t->asked[q] = region.asked;
	if (t->open) {
		for (r = 0; r < t->nrows; r++)
			gate_fig_hide(gate_at(w, r, q), GATE_OPEN);
		goto out;
	}
	rreason = gate_primary(&region, w->k);

	if (aq->report == FORM_SCOPE_REGION) {
		for (r = 0; r < t->nrows; r++)
			gate_fig_hide(gate_at(w, r, q), GATE_REGION_ONLY);
		if (rreason == GATE_SHOWN &&
		    gate_sens_band(aq, &region, w->sens_t))
			rreason = GATE_BAND;
		if (rreason == GATE_SHOWN)
			gate_fig_show(gate_at(w, 0, q), &region, aq);
		else
			gate_fig_hide(gate_at(w, 0, q), rreason);
		goto out;
	}

	/* Where an opener is hidden, so is this question; a group showing
	 * a sensitive answer of (nearly) all its members is banded. */
	gate_forced(w, q, fu, ahid, &rhid);
	for (u = 0; u < w->nunits; u++) {
		if (ur[u] != GATE_SHOWN)
			continue;
		if (gate_sens_band(aq, &uv[u], w->sens_t))
			ur[u] = GATE_BAND;
		else if (fu[u])
			ur[u] = GATE_COMPLEMENT;
	}
	for (ar = 0; ar < w->nareas; ar++)
		if (gate_sens_band(aq, &av[ar], w->sens_t))
			ahid[ar] = aband[ar] = 1;
	if (gate_sens_band(aq, &region, w->sens_t))
		rhid = rband = 1;

	/* Areas: hide more units until the hidden ones are safe together,
	 * or hide the area total. */
	for (ar = 0; ar < w->nareas; ar++) {
		while (!ahid[ar]) {
			gate_vec_zero(&res, ncat);
			if (!gate_residual(w, q, uv, ur, ar, &res, ncat) ||
			    gate_safe(aq, &res, w->k, w->sens_t))
				break;
			u = gate_pick(w, uv, ur, ahid, ar, &res);
			if (u == AGG_NONE) {
				ahid[ar] = 1;
				break;
			}
			ur[u] = GATE_COMPLEMENT;
		}
	}
	/* Region: the hidden areas' hidden units together, likewise; to
	 * widen, hide another area's total with its smallest unit. */
	while (!rhid) {
		if (!gate_residual_region(w, q, uv, ur, ahid, aband, av, &res,
			&tmp, ncat) ||
		    gate_safe(aq, &res, w->k, w->sens_t))
			break;
		u = gate_pick(w, uv, ur, ahid, AGG_NONE, &res);
		if (u == AGG_NONE) {
			rhid = 1;
			break;
		}
		ur[u] = GATE_COMPLEMENT;
		ahid[w->area_of[u]] = 1;
	}

	for (u = 0; u < w->nunits; u++) {
		struct gate_fig *f = gate_at(w, w->row_unit0 + u, q);

		if (ur[u] == GATE_SHOWN || ur[u] == GATE_NO_DATA) {
			gate_fig_show(f, &uv[u], aq);
			f->reason = ur[u];
		} else {
			gate_fig_hide(f, ur[u]);
		}
	}
	for (ar = 0; ar < w->nareas; ar++) {
		struct gate_fig *f = gate_at(w, w->row_area0 + ar, q);
		struct gate_fig *p = gate_at(w, w->row_pool0 + ar, q);
		int any;

		areason[ar] = gate_primary(&av[ar], w->k);
		if (ahid[ar]) {
			gate_fig_hide(f,
			    areason[ar] != GATE_SHOWN ? areason[ar] :
				aband[ar]	      ? GATE_BAND :
							GATE_COMPLEMENT);
			gate_fig_hide(p, GATE_COMPLEMENT);
			continue;
		}
		gate_fig_show(f, &av[ar], aq);
		f->reason = av[ar].asked ? GATE_SHOWN : GATE_NO_DATA;
		gate_vec_zero(&res, ncat);
		any = gate_residual(w, q, uv, ur, ar, &res, ncat);
		if (any)
			gate_fig_show(p, &res, aq);
		else
			gate_fig_hide(p, GATE_NO_DATA);
	}
	if (rhid) {
		gate_fig_hide(gate_at(w, 0, q),
		    rreason != GATE_SHOWN ? rreason :
			rband		  ? GATE_BAND :
					    GATE_COMPLEMENT);
		gate_fig_hide(gate_at(w, w->row_rpool, q), GATE_COMPLEMENT);
	} else {
		gate_fig_show(gate_at(w, 0, q), &region, aq);
		gate_at(w, 0, q)->reason = region.asked ? GATE_SHOWN :
							  GATE_NO_DATA;
		if (gate_residual_region(w, q, uv, ur, ahid, aband, av, &res,
			&tmp, ncat))
			gate_fig_show(gate_at(w, w->row_rpool, q), &res, aq);
		else
			gate_fig_hide(gate_at(w, w->row_rpool, q),
			    GATE_NO_DATA);
	}
out:
	for (u = 0; u < w->nunits; u++)
		free(uv[u].counts);
	for (ar = 0; ar < w->nareas; ar++)
		free(av[ar].counts);
	free(uv);
	free(ur);
	free(fu);
	free(av);
	free(areason);
	free(ahid);
	free(aband);
	free(region.counts);
	free(res.counts);
	free(tmp.counts);
}

static size_t
gate_area_index(struct gate_work *w, const char *area)
{
	size_t i;

	for (i = 0; i < w->nareas; i++) {
		if (area == NULL && w->area_name[i] == NULL)
			return i;
		if (area != NULL && w->area_name[i] != NULL &&
		    strcmp(area, w->area_name[i]) == 0)
			return i;
	}
	w->area_name = xreallocarray(w->area_name, w->nareas + 1,
	    sizeof(*w->area_name));
	w->area_name[w->nareas] = area;
	return w->nareas++;
}

int
gate_publish(struct gate_table **out, const struct agg *a, unsigned year,
    const struct gate_params *p, struct err *e)
{
	struct gate_table *t;
	struct gate_work w;
	size_t u, ar, q, r;

	*out = NULL;
	if (p->now_year == 0)
		return err_setc(e, ERR_USAGE,
		    _("no date to tell closed periods by"));
	t = xcalloc(1, sizeof(*t));
	memset(&w, 0, sizeof(w));
	w.a = a;
	w.t = t;
	w.k = p->k < GATE_MIN_K ? GATE_MIN_K : p->k;
	w.text_k = p->text_k < w.k ? w.k : p->text_k;
	w.sens_t = p->sensitive_t;
	t->sens_t = w.sens_t;
	t->year = year;
	t->open = !gate_closed(p, year);
	t->k = w.k;
	t->text_k = w.text_k;
	t->agg = a;
	t->ncols = agg_nquestions(a);
	w.nunits = agg_nunits(a);
	w.area_of = xcalloc(w.nunits ? w.nunits : 1, sizeof(*w.area_of));
	w.implausible = xcalloc(w.nunits ? w.nunits : 1,
	    sizeof(*w.implausible));
	for (u = 0; u < w.nunits; u++) {
		w.area_of[u] = gate_area_index(&w, agg_unit(a, u)->area);
		w.implausible[u] = gate_implausible(p, agg_unit(a, u)->code,
		    year, agg_interviews(a, u, year));
	}

	/* Rows: region, areas, units, area pools, region pool. */
	t->nrows = 1 + w.nareas + w.nunits + w.nareas + 1;
	t->rows = xcalloc(t->nrows, sizeof(*t->rows));
	w.row_area0 = 1;
	w.row_unit0 = 1 + w.nareas;
	w.row_pool0 = 1 + w.nareas + w.nunits;
	w.row_rpool = t->nrows - 1;
	t->rows[0].kind = GATE_ROW_REGION;
	t->rows[0].unit = AGG_NONE;
	t->rows[0].area_ix = AGG_NONE;
	t->rows[0].interviews = agg_interviews(a, AGG_NONE, year);
	for (ar = 0; ar < w.nareas; ar++) {
		struct gate_row *ra = &t->rows[w.row_area0 + ar];
		struct gate_row *rp = &t->rows[w.row_pool0 + ar];

		ra->kind = GATE_ROW_AREA;
		ra->name = ra->area = w.area_name[ar];
		ra->unit = AGG_NONE;
		ra->area_ix = ar;
		rp->kind = GATE_ROW_POOL;
		rp->area = w.area_name[ar];
		rp->unit = AGG_NONE;
		rp->area_ix = ar;
	}
	for (u = 0; u < w.nunits; u++) {
		struct gate_row *ru = &t->rows[w.row_unit0 + u];
		uint32_t n = agg_interviews(a, u, year);

		ru->kind = GATE_ROW_UNIT;
		ru->code = agg_unit(a, u)->code;
		ru->name = agg_unit(a, u)->name;
		ru->area = agg_unit(a, u)->area;
		ru->unit = u;
		ru->area_ix = w.area_of[u];
		ru->interviews = n;
		ru->implausible = w.implausible[u];
		t->nimplausible += w.implausible[u] != 0;
		t->rows[w.row_area0 + w.area_of[u]].interviews += n;
	}
	t->rows[w.row_rpool].kind = GATE_ROW_POOL;
	t->rows[w.row_rpool].unit = AGG_NONE;
	t->rows[w.row_rpool].area_ix = AGG_NONE;

	t->figs = xcalloc(t->nrows * (t->ncols ? t->ncols : 1),
	    sizeof(*t->figs));
	t->asked = xcalloc(t->nrows * (t->ncols ? t->ncols : 1),
	    sizeof(*t->asked));
	for (q = 0; q < t->ncols; q++)
		gate_question(&w, q);
	t->reasons_q = agg_reasons(a);
	t->has_hme = agg_hme_questions(a, t->hme_q) > 0;
	t->hme = xcalloc(t->nrows, sizeof(*t->hme));
	for (r = 0; r < t->nrows; r++)
		gate_hme_row(t, r);
	free(w.area_of);
	free(w.area_name);
	free(w.implausible);
	*out = t;
	return 0;
}
