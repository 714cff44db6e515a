/* dash_model: the dashboard's figures as plain data, every one read from
 * the gate's published tables (never from agg cells), and their texts. */
#include "dashboard/dash_model.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/audit.h"
#include "report/report.h"
#include "tui/tui_edit.h"
#include "util/collate.h"
#include "util/i18n.h"
#include "util/utf8.h"
#include "util/xmem.h"

#define DASH_TREND_MAX 10	/* years in a sparkline */
#define DASH_BAR_MAX 50		/* columns of a bar at most */

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
		if ((in->publish != NULL ? in->publish(in->publish_ctx,
		    d->years[i], &in->gp, &d->tabs[i], &d->held[i], e) :
		    gate_publish(&d->tabs[i], in->agg, d->years[i], &in->gp,
		    e)) != 0) {
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

static struct dash_cell
cell_none(void)
{
	struct dash_cell c;

	memset(&c, 0, sizeof(c));
	c.state = DASH_NONE;
	return c;
}

static struct dash_cell
cell_value(double v)
{
	struct dash_cell c = cell_none();

	c.state = DASH_SHOWN;
	c.v = v;
	return c;
}

static struct dash_cell
cell_hidden(enum gate_reason r)
{
	struct dash_cell c = cell_none();

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
		return cell_none();
	if (f->reason != GATE_SHOWN)
		return cell_hidden(f->reason);
	aq = agg_question(t->agg, q);
	switch (aq->type) {
	case FORM_SCALE:
	case FORM_NPS:
	case FORM_NUMBER:
		return f->st.has_mean ? cell_value(f->st.mean) : cell_none();
	case FORM_YESNO:
		return f->answered ? cell_value((double)f->counts[1] /
		    f->answered) : cell_none();
	case FORM_SINGLE:
	case FORM_MULTI:
		if (cat >= aq->ncat || f->answered == 0)
			return cell_none();
		return cell_value((double)f->counts[cat] / f->answered);
	default:
		return cell_none();
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
	static char num[12][4];	/* "0".."10": constant texts */
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
		return r < 0 ? cell_none() : cell_value(r);
	}
	h = turnover_sum(d, y, 0);
	return h > 0 ? cell_value(turnover_sum(d, y, 1) / h) : cell_none();
}

static int
has_turnover(const struct dash *d, const char *unit, unsigned y)
{
	return agg_turnover_rate(d->in.turnover, d->in.nturnover, unit, y) >=
	    0;
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
		r->cells[i] = cell_none();
	if (t != NULL) {
		grow = r->unit == AGG_NONE ? gate_row_region(t) :
		    gate_row_unit(t, r->unit);
		if (grow != AGG_NONE)
			n = t->rows[grow].interviews;
	}
	r->cells[DASH_COL_N] = cell_value(n);
	r->cells[DASH_COL_TO2] = turnover_cell(d, code, y - 2);
	r->cells[DASH_COL_TO1] = turnover_cell(d, code, y - 1);
	r->cells[DASH_COL_TO0] = turnover_cell(d, code, y);
	if (code != NULL && has_turnover(d, code, y))
		r->cells[DASH_COL_FLAG] = cell_value(agg_turnover_flag(
		    d->in.turnover, d->in.nturnover, code, y, d->in.threshold,
		    d->in.tyears ? d->in.tyears : DASH_TO_YEARS));
	if (code != NULL) {
		lv = agg_coverage(d->in.turnover, d->in.nturnover, code, y, n);
		if (lv >= 0)
			r->cells[DASH_COL_COV] = cell_value(lv);
		for (i = 0; i < d->in.nstaff; i++)
			if (d->in.staff[i].year == y &&
			    strcmp(d->in.staff[i].unit, code) == 0)
				r->cells[DASH_COL_STAFF] =
				    cell_value(d->in.staff[i].hme);
	} else if ((lv = turnover_sum(d, y, 1)) > 0) {
		r->cells[DASH_COL_COV] = cell_value(covered(d, t, y) / lv);
	}
	if (t == NULL || grow == AGG_NONE)
		return;
	if (t->has_hme) {
		if (t->hme[grow].reason == GATE_SHOWN &&
		    t->hme[grow].h.has_total)
			r->cells[DASH_COL_HME] =
			    cell_value(t->hme[grow].h.total);
		else if (t->hme[grow].reason != GATE_SHOWN)
			r->cells[DASH_COL_HME] =
			    cell_hidden(t->hme[grow].reason);
	}
	if (d->enps_q != AGG_NONE && (f = gate_fig(t, grow, d->enps_q))) {
		if (f->reason != GATE_SHOWN)
			r->cells[DASH_COL_ENPS] = cell_hidden(f->reason);
		else if (f->st.has_enps)
			r->cells[DASH_COL_ENPS] = cell_value(f->st.enps);
	}
	if (t->reasons_q != AGG_NONE &&
	    (f = gate_fig(t, grow, t->reasons_q)) != NULL) {
		q = agg_question(t->agg, t->reasons_q);
		if (f->reason != GATE_SHOWN) {
			r->cells[DASH_COL_TOP] = cell_hidden(f->reason);
		} else if (q->ncat > 0) {
			order = xcalloc(q->ncat, sizeof(*order));
			agg_rank(q, f->counts, order);
			c = order[0];
			tie = q->ncat > 1 && f->counts[order[1]] ==
			    f->counts[c];
			free(order);
			if (f->counts[c] > 0) {
				r->cells[DASH_COL_TOP] = cell_value(
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

static const struct dash_ov *sort_ov;	/* qsort has no context argument */

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
		return 0;	/* neither: by name, below */
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
		if (ov->area != NULL && (ov->area[0] == '\0' ? r->area != NULL :
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
	    d->in.region ? d->in.region : _("Region");
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
		snprintf(out, n, "T'%02u", (ov->year - 2 +
		    (unsigned)(col - DASH_COL_TO2)) % 100);
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
		snprintf(out, n, "%s", dash_qshort(agg_question(ov->d->in.agg,
		    ov->d->scale_q[col - DASH_COL_Q0]), ov->lang));
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
		snprintf(out, n, _("Staff turnover in %u (leavers / average "
		    "headcount)"), ov->year - 2 + (unsigned)(col -
		    DASH_COL_TO2));
		break;
	case DASH_COL_FLAG:
		snprintf(out, n, _("Flagged: turnover at or above %.0f %% in "
		    "each of %u years up to %u"), ov->d->in.threshold * 100,
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
		snprintf(out, n, "%s", _("HME index of the unit's staff "
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

/* --- texts and glyphs -------------------------------------------------- */

const struct dash_glyphs *
dash_glyphs(int ascii)
{
	static const struct dash_glyphs utf = {
		"\xe2\x80\x93", "\xc3\x97", "\xe2\x80\xa6", "R", "\xe2\x96\xb2",
		" ", "\xe2\x80\xa2", "\xe2\x80\x93", 0
	};
	static const struct dash_glyphs asc = {
		"-", "x", "..", "R", "!", " ", "*", "-", 1
	};

	return ascii ? &asc : &utf;
}

void
dash_cell_text(const struct dash_cell *c, enum dash_fmt f, unsigned k,
    const struct dash_glyphs *g, char *out, size_t n)
{
	if (n == 0)
		return;
	out[0] = '\0';
	if (c->state == DASH_NONE) {
		snprintf(out, n, "%s", f == DASH_FMT_FLAG ? "" : g->none);
		return;
	}
	if (c->state == DASH_HIDDEN) {
		switch (c->reason) {
		case GATE_FEW:
			snprintf(out, n, "<%u", k);
			break;
		case GATE_OPEN:
			snprintf(out, n, "%s", g->open);
			break;
		case GATE_REGION_ONLY:
			snprintf(out, n, "%s", g->region);
			break;
		default:
			snprintf(out, n, "%s", g->hidden);
		}
		return;
	}
	switch (f) {
	case DASH_FMT_TEXT:
		snprintf(out, n, "%s", c->text ? c->text : "");
		break;
	case DASH_FMT_INT:
		snprintf(out, n, "%.0f", c->v);
		break;
	case DASH_FMT_PCT:
		snprintf(out, n, "%.0f%%", c->v * 100);
		break;
	case DASH_FMT_FLAG:
		snprintf(out, n, "%s", c->v != 0 ? g->flag : "");
		break;
	case DASH_FMT_INDEX:
		snprintf(out, n, "%.0f", c->v);
		break;
	case DASH_FMT_SIGNED:
		/* no "-0" or "+0" */
		snprintf(out, n, fabs(c->v) < 0.5 ? "0" : "%+.0f", c->v);
		break;
	case DASH_FMT_MEAN:
		dash_num(out, n, c->v, 1);
		break;
	}
}

void
dash_ascii(const char *s, char *out, size_t n)
{
	/* U+00C0..U+00FF by their base letter; '?' where there is none */
	static const char latin1[] =
	    "AAAAAAACEEEEIIII" "DNOOOOO?OUUUUYTs"
	    "aaaaaaaceeeeiiii" "dnooooo?ouuuuyty";
	size_t i = 0, len = strlen(s), l, o = 0;
	uint32_t cp;
	char c;

	if (n == 0)
		return;
	while (i < len && o + 1 < n) {
		if ((l = utf8_decode(s + i, len - i, &cp)) == 0) {
			cp = '?';
			l = 1;
		}
		if (cp >= 0x20 && cp < 0x7f)
			c = (char)cp;
		else if (cp >= 0xc0 && cp <= 0xff)
			c = latin1[cp - 0xc0];
		else if (cp == 0x2013 || cp == 0x2014)
			c = '-';
		else
			c = '?';
		out[o++] = c;
		i += l;
	}
	out[o] = '\0';
}

void
dash_bar(double share, int w, int ascii, char *out, size_t n)
{
	static const char *const part[8] = {
		"", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d",
		"\xe2\x96\x8c", "\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89"
	};
	size_t o = 0;
	long eighths, full, i, used;

	if (n == 0)
		return;
	out[0] = '\0';
	if (w <= 0)
		return;
	if (!(share > 0))
		share = 0;
	if (share > 1)
		share = 1;
#define PUT(s) do { size_t l_ = strlen(s); \
	if (o + l_ < n) { memcpy(out + o, (s), l_); o += l_; } } while (0)
	if (ascii) {
		full = lround(share * w);
		for (i = 0; i < full; i++)
			PUT("#");
		used = full;
	} else {
		eighths = lround(share * w * 8);
		full = eighths / 8;
		for (i = 0; i < full; i++)
			PUT("\xe2\x96\x88");
		used = full;
		if (eighths % 8 != 0) {
			PUT(part[eighths % 8]);
			used++;
		}
	}
	for (i = used; i < w; i++)
		PUT(" ");
#undef PUT
	out[o] = '\0';
}

int
dash_heat_level(double v, double lo, double hi)
{
	int l;

	if (!(hi > lo))
		return 2;
	l = (int)floor((v - lo) / (hi - lo) * 5);
	return l < 0 ? 0 : l > 4 ? 4 : l;
}

void
dash_spark(const double *v, const int *has, size_t nv, double lo,
    double hi, int ascii, char *out, size_t n)
{
	static const char *const utf[8] = {
		"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
		"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"
	};
	static const char asc[] = "_.-=*#";
	const char *s;
	char one[2];
	size_t i, o = 0, l;
	long lv, top = ascii ? (long)sizeof(asc) - 2 : 7;

	if (n == 0)
		return;
	for (i = 0; i < nv; i++) {
		if (!has[i]) {
			s = " ";
		} else {
			lv = hi > lo ? lround((v[i] - lo) / (hi - lo) * top) :
			    top / 2;
			lv = lv < 0 ? 0 : lv > top ? top : lv;
			if (ascii) {
				one[0] = asc[lv];
				one[1] = '\0';
				s = one;
			} else {
				s = utf[lv];
			}
		}
		l = strlen(s);
		if (o + l >= n)
			break;
		memcpy(out + o, s, l);
		o += l;
	}
	out[o] = '\0';
}

/* --- the unit view ------------------------------------------------------ */

static struct dash_line *
doc_add(struct dash_doc *doc, enum dash_line_kind kind, size_t q,
    char *text)
{
	struct dash_line *l;

	if (doc->n == doc->cap) {
		doc->cap = doc->cap ? doc->cap * 2 : 64;
		doc->v = xreallocarray(doc->v, doc->cap, sizeof(*doc->v));
	}
	l = &doc->v[doc->n++];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->q = q;
	l->text = text;
	return l;
}

static void
doc_addf(struct dash_doc *doc, enum dash_line_kind kind, size_t q,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
doc_addf(struct dash_doc *doc, enum dash_line_kind kind, size_t q,
    const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	doc_add(doc, kind, q, xstrdup(buf));
}

/* Word-wrap s into lines of w columns with prefix on the first line and
 * as many spaces on the others. */
static void
doc_wrap(struct dash_doc *doc, enum dash_line_kind kind, size_t q,
    const char *prefix, const char *s, int w)
{
	struct tui_edit *e;
	struct tui_edit_line *v;
	size_t nl, i, j, o;
	int pw = 0;
	char *buf, *pad;

	for (i = 0; prefix[i] != '\0'; i++)
		if (((unsigned char)prefix[i] & 0xc0) != 0x80)
			pw++;
	if (w - pw < 8)
		w = pw + 8;
	e = tui_edit_new(strlen(s) + 1, 1);
	tui_edit_set(e, s);
	nl = tui_edit_layout(e, w - pw + 1, &v);
	pad = xcalloc((size_t)pw + 1, 1);
	memset(pad, ' ', (size_t)pw);
	for (i = 0; i < nl; i++) {
		buf = xcalloc(strlen(prefix) + 4 * (v[i].end - v[i].start) +
		    1, 1);
		o = (size_t)sprintf(buf, "%s", i == 0 ? prefix : pad);
		for (j = v[i].start; j < v[i].end; j++)
			if (e->cp[j] != '\n')
				o += utf8_encode(e->cp[j], buf + o);
		buf[o] = '\0';
		doc_add(doc, kind, q, buf);
	}
	free(pad);
	free(v);
	tui_edit_free(e);
}

/* s cut to w columns and padded with spaces to exactly w, into out. */
static void
fit(const char *s, int w, char *out, size_t n)
{
	size_t i = 0, len = strlen(s), l, o = 0;
	uint32_t cp;
	int c = 0, cw;

	while (i < len) {
		if ((l = utf8_decode(s + i, len - i, &cp)) == 0)
			break;
		cw = tui_edit_width(cp);
		if (c + cw > w || o + l + 1 >= n)
			break;
		memcpy(out + o, s + i, l);
		o += l;
		c += cw;
		i += l;
	}
	while (c < w && o + 1 < n) {
		out[o++] = ' ';
		c++;
	}
	out[o] = '\0';
}

static const char *
reason_note(enum gate_reason r, unsigned k, char *buf, size_t n)
{
	switch (r) {
	case GATE_FEW:
		snprintf(buf, n, _("fewer than %u answers: not shown"), k);
		break;
	case GATE_COMPLEMENT:
	case GATE_PARTS:
		snprintf(buf, n, "%s", _("hidden so that no hidden figure "
		    "can be worked out from the others"));
		break;
	case GATE_REGION_ONLY:
		snprintf(buf, n, "%s", _("reported for the whole region "
		    "only"));
		break;
	case GATE_OPEN:
		snprintf(buf, n, "%s", _("the year is still running: only "
		    "the number of interviews is shown"));
		break;
	case GATE_BAND:
	case GATE_IMPLAUSIBLE:
		snprintf(buf, n, "%s", _(gate_reason_text(r)));
		break;
	default:
		snprintf(buf, n, "%s", _("no answers"));
	}
	return buf;
}

/* The sparkline of unit row (by agg unit u) for question q over the
 * years up to year: "2021–2025 ▂▄▆█", or "" with fewer than two. */
static void
trend(const struct dash *d, size_t u, size_t q, unsigned year, int ascii,
    char *out, size_t n)
{
	const struct agg_question *aq = agg_question(d->in.agg, q);
	double v[DASH_TREND_MAX], lo, hi;
	int has[DASH_TREND_MAX], any = 0;
	size_t i, first = 0, last = 0, nv = 0, row;
	struct dash_cell c;
	char sp[4 * DASH_TREND_MAX + 1];

	out[0] = '\0';
	for (i = 0; i < d->nyears && d->years[i] <= year; i++)
		last = i + 1;
	if (last < 2)
		return;
	first = last > DASH_TREND_MAX ? last - DASH_TREND_MAX : 0;
	for (i = first; i < last; i++) {
		row = u == AGG_NONE ? gate_row_region(d->tabs[i]) :
		    gate_row_unit(d->tabs[i], u);
		c = dash_qcell(d->tabs[i], row, q, 0);
		has[nv] = c.state == DASH_SHOWN;
		v[nv] = c.v;
		any |= has[nv];
		nv++;
	}
	if (!any)
		return;
	dash_qrange(aq, &lo, &hi);
	dash_spark(v, has, nv, lo, hi, ascii, sp, sizeof(sp));
	snprintf(out, n, "%u%s%u %s", d->years[first],
	    dash_glyphs(ascii)->dash, d->years[last - 1], sp);
}

/* The free-text answers of a cell, where the gate lets them through. */
static void
unit_texts(struct dash_doc *doc, const struct gate_table *t,
    const struct gate_fig *f, const struct agg_question *aq, size_t q,
    const struct dash_glyphs *g)
{
	char buf[256];
	size_t c;

	if (aq->type != FORM_TEXT && !aq->other)
		return;
	if (f->text_reason == GATE_SHOWN && f->ntexts > 0) {
		doc_addf(doc, DASH_L_DIM, q, "   %s (%zu)",
		    _("Free text, in random order"), f->ntexts);
		snprintf(buf, sizeof(buf), "   %s ", g->bullet);
		for (c = 0; c < f->ntexts; c++)
			doc_wrap(doc, DASH_L_FREE, q, buf, f->texts[c],
			    doc->w - 1);
	} else if (f->text_reason != GATE_NO_DATA) {
		doc_addf(doc, DASH_L_DIM, q, "   %s: %s", _("Free text"),
		    reason_note(f->text_reason, t->text_k, buf, sizeof(buf)));
	}
}

static void
unit_question(struct dash_doc *doc, const struct dash *d,
    const struct gate_table *t, size_t u, size_t row, size_t q, int w,
    const char *lang, int ascii)
{
	const struct agg_question *aq = agg_question(d->in.agg, q);
	const struct gate_fig *f = gate_fig(t, row, q);
	const struct dash_glyphs *g = dash_glyphs(ascii);
	struct dash_cell rc;
	struct dash_line *l;
	char buf[512], lab[256], reg[32], tr[128], bar[512], mean[32];
	int lw, bw;
	size_t c;

	snprintf(buf, sizeof(buf), "%zu. ", q + 1);
	doc_wrap(doc, DASH_L_HEAD, q, buf, dash_qlabel(aq, lang), w - 1);
	if (f == NULL) {
		doc_add(doc, DASH_L_BLANK, q, xstrdup(""));
		return;
	}
	if (f->reason != GATE_SHOWN) {
		/* a text question's answers have their own rule */
		if (aq->type != FORM_TEXT || f->text_reason != GATE_SHOWN)
			doc_addf(doc, DASH_L_DIM, q, "   %s", reason_note(
			    f->reason, t->k, buf, sizeof(buf)));
		unit_texts(doc, t, f, aq, q, g);
		doc_add(doc, DASH_L_BLANK, q, xstrdup(""));
		return;
	}
	trend(d, u, q, t->year, ascii, tr, sizeof(tr));
	if (f->st.has_mean) {
		rc = dash_qcell(t, gate_row_region(t), q, 0);
		dash_cell_text(&rc, DASH_FMT_MEAN, t->k, g, reg, sizeof(reg));
		if (aq->type == FORM_NPS && f->st.has_enps)
			snprintf(lab, sizeof(lab), "  eNPS %+.0f", f->st.enps);
		else
			lab[0] = '\0';
		dash_num(mean, sizeof(mean), f->st.mean, 1);
		doc_addf(doc, DASH_L_TEXT, q, "   %s %s (%s %s)%s   n %u"
		    "%s%s", _("Mean"), mean, _("region"), reg, lab,
		    f->answered, tr[0] ? "   " : "", tr);
	} else {
		doc_addf(doc, DASH_L_TEXT, q, "   n %u", f->answered);
	}
	lw = w / 3 > 28 ? 28 : w / 3;
	bw = w - lw - 16;
	if (bw > DASH_BAR_MAX)
		bw = DASH_BAR_MAX;	/* long bars read badly */
	for (c = 0; c < aq->ncat && bw > 0; c++) {
		double share = f->answered ? (double)f->counts[c] /
		    f->answered : 0;

		fit(dash_catlabel(aq, c, lang), lw, lab, sizeof(lab));
		dash_bar(share, bw, ascii, bar, sizeof(bar));
		snprintf(buf, sizeof(buf), "   %s %s %4.0f%% %4u", lab, bar,
		    share * 100, f->counts[c]);
		l = doc_add(doc, DASH_L_BAR, q, xstrdup(buf));
		l->bar_x = 3 + lw + 1;
		l->bar = xstrdup(bar);
	}
	if (f->declined > 0)
		doc_addf(doc, DASH_L_DIM, q, "   %s: %u",
		    _("Prefer not to answer"), f->declined);
	unit_texts(doc, t, f, aq, q, g);
	doc_add(doc, DASH_L_BLANK, q, xstrdup(""));
}

/* The leavers' HME and its three sub-indices, each as the gate shows it,
 * the region's total beside the unit's. */
static void
unit_hme(struct dash_doc *doc, const struct gate_table *t, size_t row,
    int ascii)
{
	static const char *const sub[3] = { N_("motivation"),
	    N_("leadership"), N_("governance") };
	const struct gate_hme *h = &t->hme[row];
	const struct dash_glyphs *g = dash_glyphs(ascii);
	struct dash_cell c;
	char v[4][32], line[512];
	int i;

	for (i = 0; i < 4; i++) {
		enum gate_reason why = i == 0 ? h->reason :
		    h->sub_reason[i - 1];
		int has = i == 0 ? h->h.has_total : h->h.has_sub[i - 1];

		c = why != GATE_SHOWN ? cell_hidden(why) : has ?
		    cell_value(i == 0 ? h->h.total : h->h.sub[i - 1]) :
		    cell_none();
		dash_cell_text(&c, DASH_FMT_INDEX, t->k, g, v[i], sizeof(v[i]));
	}
	/* the total and the region's are on the unit view's summary line */
	snprintf(line, sizeof(line), "%s   %s %s   %s %s   %s %s",
	    _("HME sub-indices"), _(sub[0]), v[1], _(sub[1]), v[2],
	    _(sub[2]), v[3]);
	doc_add(doc, DASH_L_TEXT, AGG_NONE, xstrdup(line));
	doc_add(doc, DASH_L_BLANK, AGG_NONE, xstrdup(""));
}

void
dash_unit_doc(struct dash_doc *doc, const struct dash *d, size_t u,
    unsigned year, int w, const char *lang, int ascii)
{
	const struct gate_table *t = dash_table(d, year);
	size_t row, q;

	memset(doc, 0, sizeof(*doc));
	doc->w = w;
	if (t == NULL || (row = u == AGG_NONE ? gate_row_region(t) :
	    gate_row_unit(t, u)) == AGG_NONE) {
		doc_addf(doc, DASH_L_DIM, AGG_NONE, "%s",
		    _("No interviews in this year."));
		return;
	}
	if (t->open) {
		char note[256];

		doc_addf(doc, DASH_L_TEXT, AGG_NONE, _("Interviews in %u: %u"),
		    year, t->rows[row].interviews);
		doc_addf(doc, DASH_L_DIM, AGG_NONE, "%s",
		    reason_note(GATE_OPEN, t->k, note, sizeof(note)));
		return;
	}
	if (t->has_hme)
		unit_hme(doc, t, row, ascii);
	for (q = 0; q < t->ncols; q++)
		unit_question(doc, d, t, u, row, q, w, lang, ascii);
}

void
dash_doc_free(struct dash_doc *doc)
{
	size_t i;

	for (i = 0; i < doc->n; i++) {
		/* free-text lines hold answers */
		xfree_str_wipe(doc->v[i].text);
		free(doc->v[i].bar);
	}
	free(doc->v);
	memset(doc, 0, sizeof(*doc));
}

size_t
dash_doc_step(const struct dash_doc *doc, size_t i, int dir)
{
	size_t j;

	if (dir > 0) {
		for (j = i + 1; j < doc->n; j++)
			if (doc->v[j].kind == DASH_L_HEAD &&
			    doc->v[j - 1].kind != DASH_L_HEAD)
				return j;
		return i;
	}
	for (j = i; j > 0; j--)
		if (doc->v[j - 1].kind == DASH_L_HEAD &&
		    (j - 1 == 0 || doc->v[j - 2].kind != DASH_L_HEAD))
			return j - 1;
	return i;
}
