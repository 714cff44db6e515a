/* dash_model: the dashboard's figures as plain data, every one read from
 * the gate's published tables (never from agg cells), and their texts. */
#include "dashboard/dash_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/audit.h"
#include "report/report.h"
#include "util/collate.h"
#include "util/i18n.h"
#include "util/xmem.h"

int
dash_new(struct dash **out, const struct dash_input *in, struct err *e)
{
	struct dash *d = xcalloc(1, sizeof(*d));
	const struct agg_question *q;
	size_t i, nq;

	*out = NULL;
	d->in = *in;
	d->nyears = agg_nyears(in->agg);
	d->years = xcalloc(d->nyears ? d->nyears : 1, sizeof(*d->years));
	d->tabs = xcalloc(d->nyears ? d->nyears : 1, sizeof(*d->tabs));
	d->held = xcalloc(d->nyears ? d->nyears : 1, sizeof(*d->held));
	for (i = 0; i < d->nyears; i++) {
		d->years[i] = agg_year(in->agg, i);
		if ((in->publish != NULL ?
			    in->publish(in->publish_ctx, d->years[i], &in->gp,
				&d->tabs[i], &d->held[i], e) :
			    gate_publish(&d->tabs[i], in->agg, d->years[i],
				&in->gp, e)) != 0) {
			dash_free(d);
			return -1;
		}
	}
	/* the disclosure audit, before the dashboard shows anything */
	if (audit_check_tables((const struct gate_table *const *)d->tabs,
		d->nyears, NULL, e) != 0) {
		dash_free(d);
		return -1;
	}
	nq = agg_nquestions(in->agg);
	d->enps_q = AGG_NONE;
	d->scale_q = xcalloc(nq ? nq : 1, sizeof(*d->scale_q));
	for (i = 0; i < nq; i++) {
		q = agg_question(in->agg, i);
		if (q->type == FORM_NPS && d->enps_q == AGG_NONE)
			d->enps_q = i;
		/* the HME statements are shown as the HME index */
		if (q->type == FORM_SCALE && q->report == FORM_SCOPE_UNIT &&
		    strncmp(q->id, "hme_", 4) != 0)
			d->scale_q[d->nscale++] = i;
	}
	*out = d;
	return 0;
}

void
dash_free(struct dash *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nyears; i++)
		gate_table_free(d->tabs[i]);
	free(d->tabs);
	free(d->held);
	free(d->years);
	free(d->scale_q);
	free(d);
}

uint32_t
dash_held(const struct dash *d, unsigned y)
{
	size_t i;

	for (i = 0; i < d->nyears; i++)
		if (d->years[i] == y)
			return d->held[i];
	return 0;
}

const struct gate_table *
dash_table(const struct dash *d, unsigned y)
{
	size_t i;

	for (i = 0; i < d->nyears; i++)
		if (d->years[i] == y)
			return d->tabs[i];
	return NULL;
}

unsigned
dash_default_year(const struct dash *d)
{
	size_t i;

	for (i = d->nyears; i > 0; i--)
		if (!d->tabs[i - 1]->open)
			return d->years[i - 1];
	return d->nyears ? d->years[d->nyears - 1] : 0;
}

unsigned
dash_year_step(const struct dash *d, unsigned y, int dir)
{
	size_t i;

	if (dir < 0) {
		for (i = d->nyears; i > 0; i--)
			if (d->years[i - 1] < y)
				return d->years[i - 1];
	} else {
		for (i = 0; i < d->nyears; i++)
			if (d->years[i] > y)
				return d->years[i];
	}
	return y;
}

/* --- cells ------------------------------------------------------------ */

struct dash_cell
dash_cell_none(void)
{
	struct dash_cell c;

	memset(&c, 0, sizeof(c));
	c.state = DASH_NONE;
	return c;
}

struct dash_cell
dash_cell_value(double v)
{
	struct dash_cell c = dash_cell_none();

	c.state = DASH_SHOWN;
	c.v = v;
	return c;
}

struct dash_cell
dash_cell_hidden(enum gate_reason r)
{
	struct dash_cell c = dash_cell_none();

	if (r == GATE_NO_DATA)
		return c;
	c.state = DASH_HIDDEN;
	c.reason = r;
	return c;
}

struct dash_cell
dash_qcell(const struct gate_table *t, size_t row, size_t q, size_t cat)
{
	const struct gate_fig *f;
	const struct agg_question *aq;

	if (t == NULL || row == AGG_NONE || q == AGG_NONE ||
	    (f = gate_fig(t, row, q)) == NULL)
		return dash_cell_none();
	if (f->reason != GATE_SHOWN)
		return dash_cell_hidden(f->reason);
	aq = agg_question(t->agg, q);
	switch (aq->type) {
	case FORM_SCALE:
	case FORM_NPS:
	case FORM_NUMBER:
		return f->st.has_mean ? dash_cell_value(f->st.mean) :
					dash_cell_none();
	case FORM_YESNO:
		return f->answered ?
		    dash_cell_value((double)f->counts[1] / f->answered) :
		    dash_cell_none();
	case FORM_SINGLE:
	case FORM_MULTI:
		if (cat >= aq->ncat || f->answered == 0)
			return dash_cell_none();
		return dash_cell_value((double)f->counts[cat] / f->answered);
	default:
		return dash_cell_none();
	}
}

void
dash_qrange(const struct agg_question *q, double *lo, double *hi)
{
	switch (q->type) {
	case FORM_SCALE:
	case FORM_NPS:
	case FORM_NUMBER:
		*lo = q->min;
		*hi = q->max;
		break;
	default:
		*lo = 0;
		*hi = 1;
	}
}

enum dash_fmt
dash_qfmt(const struct agg_question *q)
{
	switch (q->type) {
	case FORM_SCALE:
	case FORM_NPS:
	case FORM_NUMBER:
		return DASH_FMT_MEAN;
	default:
		return DASH_FMT_PCT;
	}
}

/* The form language index for lang, else the form's first. */
static int
dash_li(const struct form *f, const char *lang)
{
	int li = f ? form_lang_index(f, lang) : -1;

	return li < 0 ? 0 : li;
}

const char *
dash_qlabel(const struct agg_question *q, const char *lang)
{
	if (q->form == NULL)
		return q->id;
	return form_text_get(&q->form->questions[q->fq].label,
	    dash_li(q->form, lang));
}

const char *
dash_qshort(const struct agg_question *q, const char *lang)
{
	const char *s;

	if (q->form == NULL)
		return q->id;
	s = form_text_get(&q->form->questions[q->fq].shortl,
	    dash_li(q->form, lang));
	return s != NULL ? s : q->id;
}

void
dash_num(char *buf, size_t n, double v, int decimals)
{
	report_num(buf, n, v, decimals, strcmp(i18n_lang(), "sv") == 0);
}

const char *
dash_catlabel(const struct agg_question *q, size_t c, const char *lang)
{
	const struct form_question *fq;
	static char num[12][4]; /* "0".."10": constant texts */
	size_t i;

	if (c >= q->ncat)
		return "?";
	switch (q->type) {
	case FORM_SCALE:
	case FORM_NPS:
		i = (size_t)(q->min + (int32_t)c);
		if (i < 12) {
			snprintf(num[i], sizeof(num[i]), "%zu", i);
			return num[i];
		}
		return "?";
	case FORM_YESNO:
		return c ? _("Yes") : _("No");
	case FORM_SINGLE:
	case FORM_MULTI:
		if (q->other && c == q->ncat - 1)
			return _("Other");
		if (q->form == NULL)
			return q->cat_ids[c];
		fq = &q->form->questions[q->fq];
		for (i = 0; i < fq->nchoices; i++)
			if (strcmp(fq->choices[i].id, q->cat_ids[c]) == 0)
				return form_text_get(&fq->choices[i].label,
				    dash_li(q->form, lang));
		return q->cat_ids[c];
	default:
		return "?";
	}
}

static double
turnover_sum(const struct dash *d, unsigned y, int leavers)
{
	double s = 0;
	size_t i;

	for (i = 0; i < d->in.nturnover; i++)
		if (d->in.turnover[i].year == y)
			s += leavers ? d->in.turnover[i].leavers :
				       d->in.turnover[i].headcount;
	return s;
}

static struct dash_cell
turnover_cell(const struct dash *d, const char *unit, unsigned y)
{
	double r, h;

	if (unit != NULL) {
		r = agg_turnover_rate(d->in.turnover, d->in.nturnover, unit, y);
		return r < 0 ? dash_cell_none() : dash_cell_value(r);
	}
	h = turnover_sum(d, y, 0);
	return h > 0 ? dash_cell_value(turnover_sum(d, y, 1) / h) :
		       dash_cell_none();
}

static int
has_turnover(const struct dash *d, const char *unit, unsigned y)
{
	return agg_turnover_rate(d->in.turnover, d->in.nturnover, unit, y) >= 0;
}

/* Interviews of year y in the units that have turnover figures for it:
 * the region's coverage counts only those against their leavers. */
static double
covered(const struct dash *d, const struct gate_table *t, unsigned y)
{
	double n = 0;
	size_t r;

	for (r = 0; t != NULL && r < t->nrows; r++)
		if (t->rows[r].kind == GATE_ROW_UNIT &&
		    has_turnover(d, t->rows[r].code, y))
			n += t->rows[r].interviews;
	return n;
}

/* The cells of one overview row (unit NULL: the region). */
static void
row_cells(const struct dash_ov *ov, struct dash_ov_row *r)
{
	const struct dash *d = ov->d;
	const struct gate_table *t = dash_table(d, ov->year);
	const char *code = r->unit == AGG_NONE ? NULL : r->code;
	size_t grow = AGG_NONE, i, c, *order;
	const struct gate_fig *f;
	const struct agg_question *q;
	double lv;
	uint32_t n = 0;
	int tie;
	unsigned y = ov->year;

	for (i = 0; i < ov->ncols; i++)
		r->cells[i] = dash_cell_none();
	if (t != NULL) {
		grow = r->unit == AGG_NONE ? gate_row_region(t) :
					     gate_row_unit(t, r->unit);
		if (grow != AGG_NONE)
			n = t->rows[grow].interviews;
	}
	r->cells[DASH_COL_N] = dash_cell_value(n);
	r->cells[DASH_COL_TO2] = turnover_cell(d, code, y - 2);
	r->cells[DASH_COL_TO1] = turnover_cell(d, code, y - 1);
	r->cells[DASH_COL_TO0] = turnover_cell(d, code, y);
	if (code != NULL && has_turnover(d, code, y))
		r->cells[DASH_COL_FLAG] = dash_cell_value(
		    agg_turnover_flag(d->in.turnover, d->in.nturnover, code, y,
			d->in.threshold,
			d->in.tyears ? d->in.tyears : DASH_TO_YEARS));
	if (code != NULL) {
		lv = agg_coverage(d->in.turnover, d->in.nturnover, code, y, n);
		if (lv >= 0)
			r->cells[DASH_COL_COV] = dash_cell_value(lv);
		for (i = 0; i < d->in.nstaff; i++)
			if (d->in.staff[i].year == y &&
			    strcmp(d->in.staff[i].unit, code) == 0)
				r->cells[DASH_COL_STAFF] = dash_cell_value(
				    d->in.staff[i].hme);
	} else if ((lv = turnover_sum(d, y, 1)) > 0) {
		r->cells[DASH_COL_COV] = dash_cell_value(covered(d, t, y) / lv);
	}
	if (t == NULL || grow == AGG_NONE)
		return;
	if (t->has_hme) {
		if (t->hme[grow].reason == GATE_SHOWN &&
		    t->hme[grow].h.has_total)
			r->cells[DASH_COL_HME] = dash_cell_value(
			    t->hme[grow].h.total);
		else if (t->hme[grow].reason != GATE_SHOWN)
			r->cells[DASH_COL_HME] = dash_cell_hidden(
			    t->hme[grow].reason);
	}
	if (d->enps_q != AGG_NONE && (f = gate_fig(t, grow, d->enps_q))) {
		if (f->reason != GATE_SHOWN)
			r->cells[DASH_COL_ENPS] = dash_cell_hidden(f->reason);
		else if (f->st.has_enps)
			r->cells[DASH_COL_ENPS] = dash_cell_value(f->st.enps);
	}
	if (t->reasons_q != AGG_NONE &&
	    (f = gate_fig(t, grow, t->reasons_q)) != NULL) {
		q = agg_question(t->agg, t->reasons_q);
		if (f->reason != GATE_SHOWN) {
			r->cells[DASH_COL_TOP] = dash_cell_hidden(f->reason);
		} else if (q->ncat > 0) {
			order = xcalloc(q->ncat, sizeof(*order));
			agg_rank(q, f->counts, order);
			c = order[0];
			tie = q->ncat > 1 &&
			    f->counts[order[1]] == f->counts[c];
			free(order);
			if (f->counts[c] > 0) {
				r->cells[DASH_COL_TOP] = dash_cell_value(
				    (double)f->counts[c] /
				    (f->answered ? f->answered : 1));
				/* a tie is named as one, never as the first
				 * in form order */
				r->cells[DASH_COL_TOP].text = tie ?
				    _("(tie: several)") :
				    dash_catlabel(q, c, ov->lang);
			}
		}
	}
	for (i = 0; i < d->nscale; i++)
		r->cells[DASH_COL_Q0 + i] = dash_qcell(t, grow, d->scale_q[i],
		    0);
}

static const struct dash_ov *sort_ov; /* qsort has no context argument */

static int
cmp_cells(const struct dash_ov_row *a, const struct dash_ov_row *b)
{
	const struct dash_cell *x = &a->cells[sort_ov->sort];
	const struct dash_cell *y = &b->cells[sort_ov->sort];
	int r;

	if (sort_ov->sort == DASH_COL_NAME) {
		r = collate_cmp(a->name, b->name);
		return sort_ov->desc ? -r : r;
	}
	if (x->state != DASH_SHOWN || y->state != DASH_SHOWN) {
		if (x->state == DASH_SHOWN)
			return -1;
		if (y->state == DASH_SHOWN)
			return 1;
		return 0; /* neither: by name, below */
	}
	if (dash_col_fmt(sort_ov->sort) == DASH_FMT_TEXT)
		r = collate_cmp(x->text, y->text);
	else
		r = x->v < y->v ? -1 : x->v > y->v ? 1 : 0;
	return sort_ov->desc ? -r : r;
}

static int
cmp_rows(const void *pa, const void *pb)
{
	const struct dash_ov_row *a = &sort_ov->rows[*(const size_t *)pa];
	const struct dash_ov_row *b = &sort_ov->rows[*(const size_t *)pb];
	int r;

	if ((r = cmp_cells(a, b)) != 0)
		return r;
	if ((r = collate_cmp(a->name, b->name)) != 0)
		return r;
	return strcmp(a->code, b->code);
}

/* Rows that pass the filter, in sort order. */
static void
ov_refresh(struct dash_ov *ov)
{
	const struct dash_ov_row *r;
	size_t i;

	ov->nshown = 0;
	for (i = 0; i < ov->nrows; i++) {
		r = &ov->rows[i];
		if (ov->area != NULL &&
		    (ov->area[0] == '\0' ?
			    r->area != NULL :
			    r->area == NULL || strcmp(r->area, ov->area) != 0))
			continue;
		if (ov->search[0] != '\0' &&
		    !collate_contains(r->name, ov->search) &&
		    !collate_contains(r->code, ov->search))
			continue;
		ov->shown[ov->nshown++] = i;
	}
	sort_ov = ov;
	qsort(ov->shown, ov->nshown, sizeof(*ov->shown), cmp_rows);
	sort_ov = NULL;
}

static void
ov_fill(struct dash_ov *ov)
{
	size_t i;

	row_cells(ov, &ov->region);
	for (i = 0; i < ov->nrows; i++)
		row_cells(ov, &ov->rows[i]);
}

void
dash_ov_build(struct dash_ov *ov, const struct dash *d, unsigned year,
    const char *lang)
{
	const struct agg_unit *u;
	size_t i, n = agg_nunits(d->in.agg);

	memset(ov, 0, sizeof(*ov));
	ov->d = d;
	ov->year = year;
	snprintf(ov->lang, sizeof(ov->lang), "%s", lang ? lang : "en");
	ov->ncols = DASH_COL_Q0 + d->nscale;
	ov->region.unit = AGG_NONE;
	ov->region.name = d->in.region_row ? d->in.region_row :
	    d->in.region		   ? d->in.region :
					     _("Region");
	ov->region.code = "";
	ov->region.cells = xcalloc(ov->ncols, sizeof(struct dash_cell));
	ov->nrows = n;
	ov->rows = xcalloc(n ? n : 1, sizeof(*ov->rows));
	ov->shown = xcalloc(n ? n : 1, sizeof(*ov->shown));
	for (i = 0; i < n; i++) {
		u = agg_unit(d->in.agg, i);
		ov->rows[i].unit = i;
		ov->rows[i].code = u->code;
		ov->rows[i].name = u->name ? u->name : u->code;
		ov->rows[i].area = u->area;
		ov->rows[i].cells = xcalloc(ov->ncols,
		    sizeof(struct dash_cell));
	}
	ov_fill(ov);
	ov_refresh(ov);
}

void
dash_ov_free(struct dash_ov *ov)
{
	size_t i;

	for (i = 0; i < ov->nrows; i++)
		free(ov->rows[i].cells);
	free(ov->rows);
	free(ov->region.cells);
	free(ov->shown);
	free(ov->area);
	memset(ov, 0, sizeof(*ov));
}

void
dash_ov_set_year(struct dash_ov *ov, unsigned year)
{
	ov->year = year;
	ov_fill(ov);
	ov_refresh(ov);
}

void
dash_ov_sort(struct dash_ov *ov, size_t col, int desc)
{
	if (col >= ov->ncols)
		return;
	ov->sort = col;
	ov->desc = desc;
	ov_refresh(ov);
}

void
dash_ov_filter(struct dash_ov *ov, const char *area, const char *search)
{
	char buf[DASH_SEARCH_MAX + 1];

	if (area != ov->area) {
		free(ov->area);
		ov->area = area ? xstrdup(area) : NULL;
	}
	/* search may be ov->search itself: copy through a buffer */
	snprintf(buf, sizeof(buf), "%s", search ? search : "");
	memcpy(ov->search, buf, sizeof(ov->search));
	ov_refresh(ov);
}

enum dash_fmt
dash_col_fmt(size_t col)
{
	switch (col) {
	case DASH_COL_NAME:
	case DASH_COL_TOP:
		return DASH_FMT_TEXT;
	case DASH_COL_N:
		return DASH_FMT_INT;
	case DASH_COL_TO2:
	case DASH_COL_TO1:
	case DASH_COL_TO0:
	case DASH_COL_COV:
		return DASH_FMT_PCT;
	case DASH_COL_FLAG:
		return DASH_FMT_FLAG;
	case DASH_COL_HME:
	case DASH_COL_STAFF:
		return DASH_FMT_INDEX;
	case DASH_COL_ENPS:
		return DASH_FMT_SIGNED;
	default:
		return DASH_FMT_MEAN;
	}
}

void
dash_col_head(const struct dash_ov *ov, size_t col, char *out, size_t n)
{
	switch (col) {
	case DASH_COL_NAME:
		snprintf(out, n, "%s", _("Unit"));
		break;
	case DASH_COL_N:
		snprintf(out, n, "%s", _("Int"));
		break;
	case DASH_COL_TO2:
	case DASH_COL_TO1:
	case DASH_COL_TO0:
		/* turnover columns are headed by their year: "T'23" */
		snprintf(out, n, "T'%02u",
		    (ov->year - 2 + (unsigned)(col - DASH_COL_TO2)) % 100);
		break;
	case DASH_COL_FLAG:
		snprintf(out, n, "!");
		break;
	case DASH_COL_COV:
		snprintf(out, n, "%s", _("Cov"));
		break;
	case DASH_COL_HME:
		snprintf(out, n, "HME");
		break;
	case DASH_COL_STAFF:
		snprintf(out, n, "%s", _("Staff"));
		break;
	case DASH_COL_ENPS:
		snprintf(out, n, "eNPS");
		break;
	case DASH_COL_TOP:
		snprintf(out, n, "%s", _("Top reason"));
		break;
	default:
		/* the form's short: label, else the id */
		snprintf(out, n, "%s",
		    dash_qshort(agg_question(ov->d->in.agg,
				    ov->d->scale_q[col - DASH_COL_Q0]),
			ov->lang));
	}
}

void
dash_col_desc(const struct dash_ov *ov, size_t col, char *out, size_t n)
{
	const struct agg_question *q;

	switch (col) {
	case DASH_COL_NAME:
		snprintf(out, n, "%s", _("Unit name"));
		break;
	case DASH_COL_N:
		snprintf(out, n, _("Interviews held in %u"), ov->year);
		break;
	case DASH_COL_TO2:
	case DASH_COL_TO1:
	case DASH_COL_TO0:
		snprintf(out, n,
		    _("Staff turnover in %u (leavers / average "
		      "headcount)"),
		    ov->year - 2 + (unsigned)(col - DASH_COL_TO2));
		break;
	case DASH_COL_FLAG:
		snprintf(out, n,
		    _("Flagged: turnover at or above %.0f %% in "
		      "each of %u years up to %u"),
		    ov->d->in.threshold * 100,
		    ov->d->in.tyears ? ov->d->in.tyears : DASH_TO_YEARS,
		    ov->year);
		break;
	case DASH_COL_COV:
		snprintf(out, n, "%s", _("Coverage: interviews / leavers"));
		break;
	case DASH_COL_HME:
		snprintf(out, n, "%s", _("Leavers' HME index (0-100)"));
		break;
	case DASH_COL_STAFF:
		snprintf(out, n, "%s",
		    _("HME index of the unit's staff "
		      "survey"));
		break;
	case DASH_COL_ENPS:
		snprintf(out, n, "%s", _("eNPS: promoters minus detractors"));
		break;
	case DASH_COL_TOP:
		snprintf(out, n, "%s", _("The most common reason for leaving"));
		break;
	default:
		q = agg_question(ov->d->in.agg,
		    ov->d->scale_q[col - DASH_COL_Q0]);
		snprintf(out, n, "%s: %s", dash_qshort(q, ov->lang),
		    dash_qlabel(q, ov->lang));
	}
}

size_t
dash_areas(const struct dash *d, const char ***areas)
{
	size_t i, j, n = 0, nu = agg_nunits(d->in.agg);
	const char *a;
	int none = 0;

	*areas = xcalloc(nu + 1, sizeof(**areas));
	for (i = 0; i < nu; i++) {
		a = agg_unit(d->in.agg, i)->area;
		if (a == NULL) {
			none = 1;
			continue;
		}
		for (j = 0; j < n; j++)
			if (strcmp((*areas)[j], a) == 0)
				break;
		if (j == n)
			(*areas)[n++] = a;
	}
	qsort(*areas, n, sizeof(**areas), collate_strptr_cmp);
	if (none)
		(*areas)[n++] = "";
	return n;
}
