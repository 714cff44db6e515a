/* agg_figures: figures computed from aggregated cells and the turnover
 * rows: statistics of a cell, answers ranked, the HME index, turnover
 * rates, flags and coverage. Pure arithmetic over agg.h's types. */
#include "report/agg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void
agg_stats(const struct agg_question *q, const struct agg_cell *c,
    struct agg_stats *out)
{
	double n, var;
	uint32_t pro, det;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->n = c->answered;
	if (c->answered == 0 ||
	    (q->type != FORM_SCALE && q->type != FORM_NPS &&
		q->type != FORM_NUMBER))
		return;
	n = c->answered;
	out->mean = c->sum / n;
	out->has_mean = 1;
	if (c->answered >= 2) {
		var = (c->sumsq - c->sum * c->sum / n) / (n - 1);
		out->sd = var > 0 ? sqrt(var) : 0;
		out->has_sd = 1;
	}
	if (q->type == FORM_NPS) {
		pro = c->counts[9] + c->counts[10];
		for (det = 0, i = 0; i <= 6; i++)
			det += c->counts[i];
		out->enps = 100.0 * ((double)pro - (double)det) / n;
		out->has_enps = 1;
	}
}

void
agg_rank(const struct agg_question *q, const uint32_t *counts, size_t *order)
{
	size_t i, j, t;

	for (i = 0; i < q->ncat; i++)
		order[i] = i;
	/* Insertion sort: stable, so ties keep the form's order. */
	for (i = 1; i < q->ncat; i++)
		for (j = i; j > 0 && counts[order[j]] > counts[order[j - 1]];
		     j--) {
			t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
}

/* Statement-level computation, as SKR's Kolada calculation template works
 * from each statement's answer distribution: no per-respondent index and
 * so no minimum number of statements per respondent. */
void
agg_hme(const struct agg_cell *const cells[AGG_HME_N], struct agg_hme *out)
{
	size_t i, s;
	double sum;
	int all;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < AGG_HME_N; i++) {
		if (cells[i] == NULL || cells[i]->answered == 0)
			continue;
		out->n[i] = cells[i]->answered;
		out->stmt[i] = (cells[i]->sum / cells[i]->answered - 1) * 25;
		out->has_stmt[i] = 1;
	}
	for (s = 0; s < 3; s++) {
		sum = 0;
		all = 1;
		for (i = s * 3; i < s * 3 + 3; i++) {
			all &= out->has_stmt[i];
			sum += out->stmt[i];
		}
		if (all) {
			out->sub[s] = sum / 3;
			out->has_sub[s] = 1;
		}
	}
	if (out->has_sub[0] && out->has_sub[1] && out->has_sub[2]) {
		out->total = (out->sub[0] + out->sub[1] + out->sub[2]) / 3;
		out->has_total = 1;
	}
}

static const struct agg_turnover *
agg_turnover_row(const struct agg_turnover *rows, size_t n, const char *unit,
    unsigned year)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rows[i].year == year && strcmp(rows[i].unit, unit) == 0)
			return &rows[i];
	return NULL;
}

double
agg_turnover_rate(const struct agg_turnover *rows, size_t n, const char *unit,
    unsigned year)
{
	const struct agg_turnover *r = agg_turnover_row(rows, n, unit, year);

	if (r == NULL || !(r->headcount > 0))
		return -1;
	return r->leavers / r->headcount;
}

int
agg_turnover_flag(const struct agg_turnover *rows, size_t n, const char *unit,
    unsigned year, double threshold, unsigned nyears)
{
	unsigned i;
	double t;

	if (nyears == 0 || nyears > year)
		return 0;
	for (i = 0; i < nyears; i++) {
		t = agg_turnover_rate(rows, n, unit, year - i);
		/* 1e-9: 9 of 90 is at 10 %, whatever the rounding. */
		if (t < 0 || t < threshold - 1e-9)
			return 0;
	}
	return 1;
}

double
agg_coverage(const struct agg_turnover *rows, size_t n, const char *unit,
    unsigned year, uint32_t interviews)
{
	const struct agg_turnover *r = agg_turnover_row(rows, n, unit, year);

	if (r == NULL || !(r->leavers > 0))
		return -1;
	return interviews / r->leavers;
}
