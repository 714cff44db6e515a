/* gate_table: the published tables as the views read them (rows,
 * figures, members of a pool, reasons in words, the HME made from the
 * shown figures) and the gate's parameters (closed years, defaults, the
 * plausibility of a unit-year). The rules themselves are in gate.c. */
#include "report/gate.h"
#include "report/gate_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/i18n.h"
#include "util/xmem.h"

int
gate_closed(const struct gate_params *p, unsigned year)
{
	unsigned long now = (unsigned long)p->now_year * 12 +
	    (p->now_month ? p->now_month - 1 : 0);

	return now >= ((unsigned long)year + 1) * 12 + p->grace_months;
}

void
gate_params_default(struct gate_params *p)
{
	time_t now = time(NULL);
	struct tm tm;

	memset(p, 0, sizeof(*p));
	p->k = GATE_DEFAULT_K;
	p->text_k = GATE_DEFAULT_TEXT_K;
	p->grace_months = GATE_DEFAULT_GRACE;
	p->sensitive_t = GATE_DEFAULT_SENS_T;
	if (gmtime_r(&now, &tm) != NULL) {
		p->now_year = (unsigned)tm.tm_year + 1900;
		p->now_month = (unsigned)tm.tm_mon + 1;
	}
}

void
gate_table_free(struct gate_table *t)
{
	size_t i, j;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++) {
		free(t->figs[i].counts);
		for (j = 0; j < t->figs[i].ntexts; j++)
			xfree_str_wipe(t->figs[i].texts[j]);
		free(t->figs[i].texts);
	}
	free(t->figs);
	free(t->asked);
	free(t->hme);
	free(t->rows);
	free(t);
}

const struct gate_fig *
gate_fig(const struct gate_table *t, size_t row, size_t col)
{
	if (row >= t->nrows || col >= t->ncols)
		return NULL;
	return &t->figs[row * t->ncols + col];
}

size_t
gate_row_region(const struct gate_table *t)
{
	(void)t;
	return 0;
}

size_t
gate_row_unit(const struct gate_table *t, size_t unit)
{
	size_t r;

	for (r = 0; r < t->nrows; r++)
		if (t->rows[r].kind == GATE_ROW_UNIT && t->rows[r].unit == unit)
			return r;
	return AGG_NONE;
}

static size_t
gate_row_area_ix(const struct gate_table *t, size_t ar)
{
	size_t r;

	for (r = 0; r < t->nrows; r++)
		if (t->rows[r].kind == GATE_ROW_AREA &&
		    t->rows[r].area_ix == ar)
			return r;
	return AGG_NONE;
}

static int
gate_area_match(const struct gate_row *row, const char *area)
{
	if (area[0] == '\0')
		return row->area == NULL;
	return row->area != NULL && strcmp(row->area, area) == 0;
}

size_t
gate_row_area(const struct gate_table *t, const char *area)
{
	size_t r;

	for (r = 0; r < t->nrows; r++)
		if (t->rows[r].kind == GATE_ROW_AREA &&
		    gate_area_match(&t->rows[r], area))
			return r;
	return AGG_NONE;
}

size_t
gate_row_pool(const struct gate_table *t, const char *area)
{
	size_t r;

	for (r = 0; r < t->nrows; r++) {
		if (t->rows[r].kind != GATE_ROW_POOL)
			continue;
		if (area == NULL && t->rows[r].area_ix == AGG_NONE)
			return r;
		if (area != NULL && t->rows[r].area_ix != AGG_NONE &&
		    gate_area_match(&t->rows[r], area))
			return r;
	}
	return AGG_NONE;
}

size_t
gate_fig_members(const struct gate_table *t, size_t row, size_t col,
    size_t *units)
{
	const struct gate_row *rw;
	size_t r, n = 0, ar;

	if (row >= t->nrows || col >= t->ncols)
		return 0;
	rw = &t->rows[row];
	if (rw->kind == GATE_ROW_UNIT) {
		if (!rw->implausible)
			units[n++] = rw->unit;
		return n;
	}
	for (r = 0; r < t->nrows; r++) {
		const struct gate_row *u = &t->rows[r];

		if (u->kind != GATE_ROW_UNIT || u->implausible)
			continue;
		switch (rw->kind) {
		case GATE_ROW_REGION:
			break;
		case GATE_ROW_AREA:
			if (u->area_ix != rw->area_ix)
				continue;
			break;
		default: /* pools */
			if (!gate_hidden(t->figs[r * t->ncols + col].reason))
				continue;
			ar = u->area_ix;
			if (rw->area_ix != AGG_NONE && ar != rw->area_ix)
				continue;
			if (rw->area_ix == AGG_NONE &&
			    !gate_hidden(
				gate_fig(t, gate_row_area_ix(t, ar), col)
				    ->reason))
				continue;
			break;
		}
		units[n++] = u->unit;
	}
	return n;
}

const char *
gate_reason_text(enum gate_reason r)
{
	switch (r) {
	case GATE_SHOWN:
		return N_("shown");
	case GATE_NO_DATA:
		return N_("no answers");
	case GATE_FEW:
		return N_("too few answers");
	case GATE_COMPLEMENT:
		return N_("hidden to protect another figure");
	case GATE_REGION_ONLY:
		return N_("reported for the whole region only");
	case GATE_OPEN:
		return N_("period not closed: interview count only");
	case GATE_PARTS:
		return N_("a statement it needs is hidden");
	case GATE_BAND:
		return N_("a sensitive answer given by nearly all: hidden");
	case GATE_IMPLAUSIBLE:
		return N_("more interviews than leavers: check for fabricated "
			  "interviews");
	}
	return "hidden";
}

static enum gate_reason
gate_hme_reason(const struct gate_table *t, size_t row, size_t first, size_t n)
{
	enum gate_reason r;
	size_t i, nodata = 0;

	for (i = first; i < first + n; i++) {
		if (t->hme_q[i] == AGG_NONE)
			return GATE_NO_DATA;
		r = gate_fig(t, row, t->hme_q[i])->reason;
		if (r == GATE_OPEN || r == GATE_REGION_ONLY ||
		    r == GATE_IMPLAUSIBLE)
			return r;
		if (r == GATE_NO_DATA)
			nodata++;
		else if (r != GATE_SHOWN)
			return GATE_PARTS;
	}
	if (nodata == n)
		return GATE_NO_DATA;
	return nodata ? GATE_PARTS : GATE_SHOWN;
}

/* HME only from the shown statement figures, so that a sub-index can
 * never give back a hidden statement by subtraction. */
void
gate_hme_row(struct gate_table *t, size_t row)
{
	struct gate_hme *g = &t->hme[row];
	struct agg_cell cells[AGG_HME_N];
	const struct agg_cell *cp[AGG_HME_N];
	size_t i, s;

	memset(cells, 0, sizeof(cells));
	for (i = 0; i < AGG_HME_N; i++) {
		const struct gate_fig *f;

		cp[i] = NULL;
		if (t->hme_q[i] == AGG_NONE)
			continue;
		f = gate_fig(t, row, t->hme_q[i]);
		if (f->reason != GATE_SHOWN)
			continue;
		cells[i].answered = f->answered;
		cells[i].sum = f->st.mean * f->answered;
		cp[i] = &cells[i];
	}
	agg_hme(cp, &g->h);
	for (s = 0; s < 3; s++) {
		g->sub_reason[s] = gate_hme_reason(t, row, s * 3, 3);
		if (g->sub_reason[s] != GATE_SHOWN)
			g->h.has_sub[s] = 0;
	}
	g->reason = gate_hme_reason(t, row, 0, AGG_HME_N);
	if (g->reason != GATE_SHOWN)
		g->h.has_total = 0;
}

int
gate_implausible(const struct gate_params *p, const char *unit, unsigned year,
    uint32_t interviews)
{
	size_t i;

	for (i = 0; i < p->nturnover && p->turnover != NULL; i++)
		if (p->turnover[i].year == year &&
		    strcmp(p->turnover[i].unit, unit) == 0)
			return (double)interviews > p->turnover[i].leavers;
	return 0;
}
