/* agg: counts per unit, year and question from opened records, merged over
 * form versions; what is computed from them is in agg_figures.c. */
#include "report/agg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/agg_int.h"
#include "util/i18n.h"
#include "util/xmem.h"

#if defined(__GNUC__)
#define AGG_PREFETCH(p) __builtin_prefetch(p)
#else
#define AGG_PREFETCH(p) ((void)(p))
#endif

static size_t
agg_hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	return (size_t)(h ^ h >> 29);
}

static size_t
agg_hash_group(size_t u, unsigned year)
{
	uint64_t h = ((uint64_t)u << 16 ^ year) * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h ^ h >> 31);
}

/* The slot of unit code: where it is, or the empty slot for it. */
static size_t
agg_uix_slot(const struct agg *a, const char *code)
{
	size_t m = a->uixcap - 1, i = agg_hash_str(code) & m;

	while (
	    a->uix[i] != 0 && strcmp(a->units[a->uix[i] - 1].code, code) != 0)
		i = (i + 1) & m;
	return i;
}

static size_t
agg_gix_slot(const struct agg *a, size_t u, unsigned year)
{
	size_t m = a->gixcap - 1, i = agg_hash_group(u, year) & m;

	while (a->gix[i] != 0 &&
	    (a->groups[a->gix[i] - 1].unit != u ||
		a->groups[a->gix[i] - 1].year != year))
		i = (i + 1) & m;
	return i;
}

/* Units 0..nunits-1 into the index, grown first if need be (the first
 * of two units with one code wins, as a linear search would). */
void
agg_uix_fit(struct agg *a)
{
	size_t i, k;

	if (a->uixcap >= 2 * (a->nunits + 1))
		return;
	free(a->uix);
	for (a->uixcap = 16; a->uixcap < 2 * (a->nunits + 1);)
		a->uixcap *= 2;
	a->uix = xcalloc(a->uixcap, sizeof *a->uix);
	for (i = 0; i < a->nunits; i++)
		if (a->uix[k = agg_uix_slot(a, a->units[i].code)] == 0)
			a->uix[k] = i + 1;
}

void
agg_gix_fit(struct agg *a)
{
	size_t i;

	if (a->gixcap >= 2 * (a->ngroups + 1))
		return;
	free(a->gix);
	for (a->gixcap = 64; a->gixcap < 2 * (a->ngroups + 1);)
		a->gixcap *= 2;
	a->gix = xcalloc(a->gixcap, sizeof *a->gix);
	for (i = 0; i < a->ngroups; i++)
		a->gix[agg_gix_slot(a, a->groups[i].unit, a->groups[i].year)] =
		    i + 1;
}

static size_t
agg_cat_count(const struct form_question *fq)
{
	switch (fq->type) {
	case FORM_SINGLE:
	case FORM_MULTI:
		return fq->nchoices + (fq->other ? 1 : 0);
	case FORM_SCALE:
		return (size_t)(fq->max - fq->min + 1);
	case FORM_NPS:
		return 11;
	case FORM_YESNO:
		return 2;
	default:
		return 0;
	}
}

static int32_t
agg_qmin(const struct form_question *fq)
{
	return fq->type == FORM_NPS ? 0 : fq->min;
}

static int32_t
agg_qmax(const struct form_question *fq)
{
	return fq->type == FORM_NPS ? 10 : fq->max;
}

static int
agg_has_choice(const struct agg_question *q, const char *id, size_t *at)
{
	size_t n = q->ncat - (q->other ? 1 : 0), i;

	for (i = 0; i < n; i++)
		if (strcmp(q->cat_ids[i], id) == 0) {
			if (at != NULL)
				*at = i;
			return 1;
		}
	return 0;
}

/* Versions merge only where a reader would read the figures the same
 * way: same id, type, choice ids, "other", and (scales) the same range. */
static int
agg_same_question(const struct agg_question *q, const struct form *f,
    const struct form_question *fq)
{
	size_t i;

	if (strcmp(q->form_id, f->id) != 0 || strcmp(q->id, fq->id) != 0 ||
	    q->type != fq->type)
		return 0;
	if (fq->type == FORM_SCALE && (q->min != fq->min || q->max != fq->max))
		return 0;
	if (fq->type == FORM_SINGLE || fq->type == FORM_MULTI) {
		if ((q->other != 0) != (fq->other != 0) ||
		    q->ncat != agg_cat_count(fq))
			return 0;
		for (i = 0; i < fq->nchoices; i++)
			if (!agg_has_choice(q, fq->choices[i].id, NULL))
				return 0;
	}
	return 1;
}

static size_t
agg_question_new(struct agg *a, const struct form *f, size_t fqi)
{
	const struct form_question *fq = &f->questions[fqi];
	struct agg_question *q;
	size_t i;

	a->qs = xreallocarray(a->qs, a->nqs + 1, sizeof(*a->qs));
	a->qversions = xreallocarray(a->qversions, a->nqs + 1,
	    sizeof(*a->qversions));
	a->nqversions = xreallocarray(a->nqversions, a->nqs + 1,
	    sizeof(*a->nqversions));
	a->qversions[a->nqs] = NULL;
	a->nqversions[a->nqs] = 0;
	q = &a->qs[a->nqs];
	memset(q, 0, sizeof(*q));
	q->form_id = xstrdup(f->id);
	q->id = xstrdup(fq->id);
	q->type = fq->type;
	q->report = fq->report;
	q->theme = fq->theme != NULL ? xstrdup(fq->theme) : NULL;
	q->form = f;
	q->fq = fqi;
	q->ncat = agg_cat_count(fq);
	q->min = agg_qmin(fq);
	q->max = agg_qmax(fq);
	q->other = fq->other != 0 &&
	    (fq->type == FORM_SINGLE || fq->type == FORM_MULTI);
	if (fq->type == FORM_SINGLE || fq->type == FORM_MULTI) {
		q->cat_ids = xcalloc(q->ncat, sizeof(*q->cat_ids));
		for (i = 0; i < fq->nchoices; i++)
			q->cat_ids[i] = xstrdup(fq->choices[i].id);
		if (q->other)
			q->cat_ids[fq->nchoices] = xstrdup("other");
	}
	return a->nqs++;
}

static void
agg_add_version(struct agg *a, size_t aq, uint32_t v)
{
	size_t i;

	for (i = 0; i < a->nqversions[aq]; i++)
		if (a->qversions[aq][i] == v)
			return;
	a->qversions[aq] = xreallocarray(a->qversions[aq],
	    a->nqversions[aq] + 1, sizeof(uint32_t));
	a->qversions[aq][a->nqversions[aq]++] = v;
}

static int
agg_cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

static char *
agg_versions_string(uint32_t *v, size_t n)
{
	char *s = xstrdup(""), *t;
	size_t i;

	qsort(v, n, sizeof(*v), agg_cmp_u32);
	for (i = 0; i < n; i++) {
		t = xasprintf("%s%s%u", s, i ? ", " : "", (unsigned)v[i]);
		free(s);
		s = t;
	}
	return s;
}

/* Newest version first, so that labels and category order come from it. */
static int
agg_cmp_form(const void *x, const void *y)
{
	const struct form *a = *(const struct form *const *)x;
	const struct form *b = *(const struct form *const *)y;
	int c = strcmp(a->id, b->id);

	if (c != 0)
		return c;
	return a->version > b->version ? -1 : a->version < b->version;
}

struct agg *
agg_new(const struct form *const *forms, size_t nforms,
    const struct agg_unit *units, size_t nunits, const char *reasons_theme)
{
	struct agg *a = xcalloc(1, sizeof(*a));
	const struct form **sorted;
	size_t i, j, k, c;

	sorted = xcalloc(nforms ? nforms : 1, sizeof(*sorted));
	if (nforms > 0)
		memcpy(sorted, forms, nforms * sizeof(*sorted));
	qsort(sorted, nforms, sizeof(*sorted), agg_cmp_form);
	a->forms = xcalloc(nforms ? nforms : 1, sizeof(*a->forms));
	a->nforms = nforms;
	for (i = 0; i < nforms; i++) {
		const struct form *f = sorted[i];
		struct agg_form *af = &a->forms[i];

		af->f = f;
		af->map = xcalloc(f->nquestions ? f->nquestions : 1,
		    sizeof(*af->map));
		for (j = 0; j < f->nquestions; j++) {
			const struct form_question *fq = &f->questions[j];

			for (k = 0; k < a->nqs; k++)
				if (agg_same_question(&a->qs[k], f, fq))
					break;
			if (k == a->nqs)
				k = agg_question_new(a, f, j);
			if (fq->report == FORM_SCOPE_REGION)
				a->qs[k].report = FORM_SCOPE_REGION;
			agg_add_version(a, k, f->version);
			af->map[j].aq = k;
			if (fq->type != FORM_SINGLE && fq->type != FORM_MULTI)
				continue;
			af->map[j].cat = xcalloc(fq->nchoices + 1,
			    sizeof(size_t));
			for (c = 0; c < fq->nchoices; c++)
				agg_has_choice(&a->qs[k], fq->choices[c].id,
				    &af->map[j].cat[c]);
			af->map[j].cat[fq->nchoices] = a->qs[k].ncat - 1;
		}
	}
	free(sorted);
	for (k = 0; k < a->nqs; k++)
		a->qs[k].versions = agg_versions_string(a->qversions[k],
		    a->nqversions[k]);
	a->units = xcalloc(nunits ? nunits : 1, sizeof(*a->units));
	for (i = 0; i < nunits; i++) {
		a->units[i].code = xstrdup(units[i].code);
		a->units[i].name = xstrdup(
		    units[i].name != NULL ? units[i].name : units[i].code);
		a->units[i].area = units[i].area != NULL ?
		    xstrdup(units[i].area) :
		    NULL;
	}
	a->nunits = nunits;
	agg_uix_fit(a);
	agg_gix_fit(a);
	a->strict_units = nunits > 0;
	a->reasons_theme = xstrdup(
	    reasons_theme != NULL ? reasons_theme : AGG_DEFAULT_REASONS_THEME);
	return a;
}

void
agg_cell_init(struct agg_cell *c, const struct agg_question *q)
{
	memset(c, 0, sizeof(*c));
	c->counts = xcalloc(q->ncat ? q->ncat : 1, sizeof(*c->counts));
}

void
agg_cell_free(struct agg_cell *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->ntexts; i++)
		xfree_str_wipe(c->texts[i]);
	free(c->texts);
	free(c->counts);
	memset(c, 0, sizeof(*c));
}

/* texts grows by doubling, so that a cell of 10 000 answers is not
 * copied 10 000 times: its room is the smallest power of two, at least
 * 8, not below ntexts (every text is added here or by agg_snap_get,
 * which allocates this room), so no field keeps it. */
size_t
agg_text_room(size_t n)
{
	size_t room = 8;

	if (n == 0)
		return 0;
	while (room < n)
		room *= 2;
	return room;
}

static void
agg_cell_room(struct agg_cell *c)
{
	size_t n = c->ntexts;

	if (n == 0 || (n >= 8 && (n & (n - 1)) == 0))
		c->texts = xreallocarray(c->texts, agg_text_room(n + 1),
		    sizeof(*c->texts));
}

static void
agg_cell_text(struct agg_cell *c, const char *s)
{
	agg_cell_room(c);
	c->texts[c->ntexts++] = xstrdup(s);
}

/* The same, taking t (already owned: agg_merge). */
static void
agg_cell_take(struct agg_cell *c, char *t)
{
	agg_cell_room(c);
	c->texts[c->ntexts++] = t;
}

void
agg_cell_add(struct agg_cell *acc, const struct agg_cell *c,
    const struct agg_question *q)
{
	size_t i;

	if (c == NULL)
		return;
	acc->asked += c->asked;
	acc->answered += c->answered;
	acc->declined += c->declined;
	acc->skipped += c->skipped;
	acc->notshown += c->notshown;
	for (i = 0; i < q->ncat; i++)
		acc->counts[i] += c->counts[i];
	acc->sum += c->sum;
	acc->sumsq += c->sumsq;
	for (i = 0; i < c->ntexts; i++)
		agg_cell_text(acc, c->texts[i]);
}

void
agg_free(struct agg *a)
{
	size_t i, j;

	if (a == NULL)
		return;
	for (i = 0; i < a->ngroups; i++) {
		for (j = 0; j < a->nqs; j++)
			agg_cell_free(&a->groups[i].cells[j]);
		free(a->groups[i].cells);
	}
	free(a->groups);
	for (i = 0; i < a->nforms; i++) {
		for (j = 0; j < a->forms[i].f->nquestions; j++)
			free(a->forms[i].map[j].cat);
		free(a->forms[i].map);
	}
	free(a->forms);
	for (i = 0; i < a->nqs; i++) {
		struct agg_question *q = &a->qs[i];

		for (j = 0; j < q->ncat && q->cat_ids != NULL; j++)
			free(q->cat_ids[j]);
		free(q->cat_ids);
		free(q->form_id);
		free(q->id);
		free(q->theme);
		free(q->versions);
		free(a->qversions[i]);
	}
	free(a->qs);
	free(a->qversions);
	free(a->nqversions);
	for (i = 0; i < a->nunits; i++) {
		free(a->units[i].code);
		free(a->units[i].name);
		free(a->units[i].area);
	}
	free(a->units);
	free(a->uix);
	free(a->gix);
	free(a->years);
	free(a->reasons_theme);
	free(a);
}

void
agg_reject(struct agg *a)
{
	a->rejected++;
}

size_t
agg_rejected(const struct agg *a)
{
	return a->rejected;
}

size_t
agg_records(const struct agg *a)
{
	return a->records;
}

static const struct agg_form *
agg_form_by_hash(const struct agg *a, const uint8_t *hash)
{
	size_t i;

	for (i = 0; i < a->nforms; i++)
		if (memcmp(a->forms[i].f->hash, hash, FORM_HASH_BYTES) == 0)
			return &a->forms[i];
	return NULL;
}

/* A record that passed record_check should always fit; this guards the
 * counts against a record that did not (the message names no value). */
static int
agg_answer_fits(const struct form_question *fq, const struct form_answer *x)
{
	uint64_t mask;

	if (x->state > FORM_ANSWERED)
		return 0;
	if (x->state != FORM_ANSWERED)
		return 1;
	switch (fq->type) {
	case FORM_SINGLE:
		if (x->other)
			return fq->other != 0;
		return x->num >= 0 && (size_t)x->num < fq->nchoices;
	case FORM_MULTI:
		if (x->other && !fq->other)
			return 0;
		mask = fq->nchoices >= 64 ? ~(uint64_t)0 :
					    (((uint64_t)1 << fq->nchoices) - 1);
		return (x->choices & ~mask) == 0;
	case FORM_SCALE:
	case FORM_NPS:
	case FORM_NUMBER:
		return x->num >= agg_qmin(fq) && x->num <= agg_qmax(fq);
	case FORM_YESNO:
		return x->num == FORM_YES || x->num == FORM_NO;
	case FORM_TEXT:
		return x->text != NULL;
	}
	return 0;
}

size_t
agg_unit_find(const struct agg *a, const char *code)
{
	size_t k = agg_uix_slot(a, code);

	return a->uix[k] != 0 ? a->uix[k] - 1 : AGG_NONE;
}

size_t
agg_unit_get(struct agg *a, const char *code)
{
	size_t u = agg_unit_find(a, code);

	if (u != AGG_NONE)
		return u;
	a->units = xreallocarray(a->units, a->nunits + 1, sizeof(*a->units));
	a->units[a->nunits].code = xstrdup(code);
	a->units[a->nunits].name = xstrdup(code);
	a->units[a->nunits].area = NULL;
	a->nunits++;
	agg_uix_fit(a);
	a->uix[agg_uix_slot(a, code)] = a->nunits;
	return a->nunits - 1;
}

static struct agg_group *
agg_group_find(const struct agg *a, size_t u, unsigned year)
{
	size_t k = agg_gix_slot(a, u, year);

	return a->gix[k] != 0 ? &a->groups[a->gix[k] - 1] : NULL;
}

static void
agg_year_note(struct agg *a, unsigned year)
{
	size_t i;

	for (i = 0; i < a->nyears && a->years[i] < year; i++)
		;
	if (i < a->nyears && a->years[i] == year)
		return;
	a->years = xreallocarray(a->years, a->nyears + 1, sizeof(*a->years));
	memmove(a->years + i + 1, a->years + i,
	    (a->nyears - i) * sizeof(*a->years));
	a->years[i] = year;
	a->nyears++;
}

static struct agg_group *
agg_group_get(struct agg *a, size_t u, unsigned year)
{
	struct agg_group *g = agg_group_find(a, u, year);
	size_t i;

	if (g != NULL)
		return g;
	a->groups = xreallocarray(a->groups, a->ngroups + 1,
	    sizeof(*a->groups));
	g = &a->groups[a->ngroups++];
	g->unit = u;
	g->year = year;
	g->interviews = 0;
	g->cells = xcalloc(a->nqs ? a->nqs : 1, sizeof(*g->cells));
	for (i = 0; i < a->nqs; i++)
		agg_cell_init(&g->cells[i], &a->qs[i]);
	agg_gix_fit(a);
	a->gix[agg_gix_slot(a, u, year)] = a->ngroups;
	agg_year_note(a, year);
	return g;
}

static int
agg_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

/* A text into one of a's cells (counted for agg_snap_put). */
static void
agg_own_text(struct agg *a, struct agg_cell *c, const char *s)
{
	agg_cell_text(c, s);
	a->textbytes += 4 + strlen(s);
}

static void
agg_count(struct agg *a, struct agg_cell *c, const struct agg_question *q,
    const struct agg_qmap *m, const struct form_question *fq,
    const struct form_answer *x)
{
	size_t i;

	c->asked++;
	switch (x->state) {
	case FORM_NOT_SHOWN:
		c->notshown++;
		return;
	case FORM_SKIPPED:
		c->skipped++;
		return;
	case FORM_DECLINED:
		c->declined++;
		return;
	}
	c->answered++;
	switch (q->type) {
	case FORM_SINGLE:
		c->counts[x->other ? q->ncat - 1 : m->cat[x->num]]++;
		break;
	case FORM_MULTI:
		for (i = 0; i < fq->nchoices; i++)
			if (x->choices & ((uint64_t)1 << i))
				c->counts[m->cat[i]]++;
		if (x->other)
			c->counts[q->ncat - 1]++;
		break;
	case FORM_SCALE:
	case FORM_NPS:
		c->counts[x->num - q->min]++;
		/* FALLTHROUGH */
	case FORM_NUMBER:
		c->sum += x->num;
		c->sumsq += (double)x->num * x->num;
		break;
	case FORM_YESNO:
		c->counts[x->num == FORM_YES]++;
		break;
	case FORM_TEXT:
		if (!agg_blank(x->text))
			agg_own_text(a, c, x->text);
		return;
	}
	if ((q->type == FORM_SINGLE || q->type == FORM_MULTI) && x->other &&
	    x->text != NULL && !agg_blank(x->text))
		agg_own_text(a, c, x->text);
}

int
agg_add(struct agg *a, const struct agg_rec *r, struct err *e)
{
	const struct agg_form *af;
	struct agg_group *g;
	size_t i, u;

	af = agg_form_by_hash(a, r->form_hash);
	if (af == NULL) {
		a->rejected++;
		return err_setc(e, ERR_DATA,
		    _("record of a form that is not "
		      "approved"));
	}
	if (r->nanswers != af->f->nquestions || r->unit == NULL ||
	    r->unit[0] == '\0') {
		a->rejected++;
		return err_setc(e, ERR_DATA,
		    _("record does not fit form %s "
		      "version %u"),
		    af->f->id, (unsigned)af->f->version);
	}
	/* What the snapshot cannot hold (records hold less: record.c). */
	if (strlen(r->unit) > AGG_UNIT_MAX) {
		a->rejected++;
		return err_setc(e, ERR_DATA,
		    _("record: the unit code is missing or not "
		      "valid (1..%d bytes of printable UTF-8)"),
		    AGG_UNIT_MAX);
	}
	if (r->year > AGG_YEAR_MAX) {
		a->rejected++;
		return err_setc(e, ERR_DATA,
		    _("record: year %u is outside "
		      "%d..%d"),
		    r->year, 0, AGG_YEAR_MAX);
	}
	/* The group's cells (and then their counts) are likely far from
	 * the cache: asked for now, they arrive while the answers are
	 * checked instead of one after another while they are counted. */
	u = agg_unit_find(a, r->unit);
	g = u != AGG_NONE ? agg_group_find(a, u, r->year) : NULL;
	for (i = 0; g != NULL && i < r->nanswers; i++)
		AGG_PREFETCH(&g->cells[af->map[i].aq]);
	for (i = 0; i < r->nanswers; i++)
		if (!agg_answer_fits(&af->f->questions[i], &r->answers[i])) {
			a->rejected++;
			return err_setc(e, ERR_DATA,
			    _("record does not fit "
			      "form %s version %u: question %s"),
			    af->f->id, (unsigned)af->f->version,
			    af->f->questions[i].id);
		}
	for (i = 0; g != NULL && i < r->nanswers; i++)
		AGG_PREFETCH(g->cells[af->map[i].aq].counts);
	/* A unit the configuration does not name is not published as a row
	 * of its own (issue 10): the record is rejected. An agg made with
	 * no units at all (tools, tests) keeps every unit. */
	if (a->strict_units && u == AGG_NONE) {
		a->rejected++;
		return err_setc(e, ERR_DATA,
		    _("record of unit %s, which the "
		      "configuration does not name"),
		    r->unit);
	}
	if (g == NULL)
		g = agg_group_get(a,
		    u != AGG_NONE ? u : agg_unit_get(a, r->unit), r->year);
	g->interviews++;
	a->records++;
	for (i = 0; i < r->nanswers; i++) {
		const struct agg_qmap *m = &af->map[i];

		agg_count(a, &g->cells[m->aq], &a->qs[m->aq], m,
		    &af->f->questions[i], &r->answers[i]);
	}
	return 0;
}

struct agg *
agg_new_like(const struct agg *a)
{
	const struct form **forms;
	struct agg *b;
	size_t i;

	forms = xcalloc(a->nforms ? a->nforms : 1, sizeof(*forms));
	for (i = 0; i < a->nforms; i++)
		forms[i] = a->forms[i].f;
	/* Without the config's units, units come from the records: the
	 * ones a has from its records are not given to b. */
	b = agg_new(forms, a->nforms, a->units, a->strict_units ? a->nunits : 0,
	    a->reasons_theme);
	free(forms);
	return b;
}

void
agg_merge(struct agg *dst, struct agg *src)
{
	struct agg_group *g, *dg;
	size_t *umap, i, j, k;

	umap = xcalloc(src->nunits ? src->nunits : 1, sizeof(*umap));
	for (i = 0; i < src->nunits; i++)
		umap[i] = agg_unit_get(dst, src->units[i].code);
	for (i = 0; i < src->ngroups; i++) {
		g = &src->groups[i];
		dg = agg_group_get(dst, umap[g->unit], g->year);
		dg->interviews += g->interviews;
		for (j = 0; j < dst->nqs; j++) {
			struct agg_cell *c = &g->cells[j], *d = &dg->cells[j];

			d->asked += c->asked;
			d->answered += c->answered;
			d->declined += c->declined;
			d->skipped += c->skipped;
			d->notshown += c->notshown;
			for (k = 0; k < dst->qs[j].ncat; k++)
				d->counts[k] += c->counts[k];
			d->sum += c->sum;
			d->sumsq += c->sumsq;
			for (k = 0; k < c->ntexts; k++)
				agg_cell_take(d, c->texts[k]);
			c->ntexts = 0;
		}
	}
	dst->records += src->records;
	dst->rejected += src->rejected;
	dst->textbytes += src->textbytes;
	free(umap);
	agg_free(src);
}

size_t
agg_nquestions(const struct agg *a)
{
	return a->nqs;
}

const struct agg_question *
agg_question(const struct agg *a, size_t i)
{
	return i < a->nqs ? &a->qs[i] : NULL;
}

size_t
agg_find(const struct agg *a, const char *id)
{
	size_t i;

	for (i = 0; i < a->nqs; i++)
		if (strcmp(a->qs[i].id, id) == 0)
			return i;
	return AGG_NONE;
}

size_t
agg_reasons(const struct agg *a)
{
	size_t i;

	for (i = 0; i < a->nqs; i++)
		if (a->qs[i].type == FORM_MULTI && a->qs[i].theme != NULL &&
		    strcmp(a->qs[i].theme, a->reasons_theme) == 0)
			return i;
	for (i = 0; i < a->nqs; i++)
		if (a->qs[i].type == FORM_MULTI &&
		    strcmp(a->qs[i].id, "reasons") == 0)
			return i;
	return AGG_NONE;
}

size_t
agg_hme_questions(const struct agg *a, size_t idx[AGG_HME_N])
{
	size_t i, j, found = 0;
	char id[8];

	for (i = 0; i < AGG_HME_N; i++) {
		idx[i] = AGG_NONE;
		snprintf(id, sizeof(id), "hme_%zu", i + 1);
		for (j = 0; j < a->nqs; j++)
			if (strcmp(a->qs[j].id, id) == 0 &&
			    a->qs[j].type == FORM_SCALE && a->qs[j].min == 1 &&
			    a->qs[j].max == 5) {
				idx[i] = j;
				found++;
				break;
			}
	}
	return found;
}

size_t
agg_nunits(const struct agg *a)
{
	return a->nunits;
}

const struct agg_unit *
agg_unit(const struct agg *a, size_t i)
{
	return i < a->nunits ? &a->units[i] : NULL;
}

size_t
agg_nyears(const struct agg *a)
{
	return a->nyears;
}

unsigned
agg_year(const struct agg *a, size_t i)
{
	return i < a->nyears ? a->years[i] : 0;
}

uint32_t
agg_interviews(const struct agg *a, size_t u, unsigned year)
{
	const struct agg_group *g;
	uint32_t n = 0;
	size_t i;

	if (u != AGG_NONE)
		return (g = agg_group_find(a, u, year)) != NULL ?
		    g->interviews :
		    0;
	for (i = 0; i < a->ngroups; i++)
		if (a->groups[i].year == year)
			n += a->groups[i].interviews;
	return n;
}

const struct agg_cell *
agg_cell(const struct agg *a, size_t u, unsigned year, size_t q)
{
	const struct agg_group *g = agg_group_find(a, u, year);

	if (g == NULL || q >= a->nqs)
		return NULL;
	return &g->cells[q];
}
