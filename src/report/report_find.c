/* report_find: the summary of findings, in plain sentences a board member
 * reads without help. Every figure in a sentence comes from a gate table
 * (a shown gate_fig, a shown HME, a row's interview count, which the gate
 * always shows) or from HR's own turnover and staff-survey data: nothing
 * here reads an aggregate, so a sentence cannot say more than the tables
 * do. Ties are named as ties. */
#include "report/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/xmem.h"

struct sl {
	char **s;
	size_t n;
};

static void
sl_add(struct sl *l, char *s)
{
	l->s = xreallocarray(l->s, l->n + 1, sizeof(*l->s));
	l->s[l->n++] = s;
}

void
report_strings_free(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

/* "A", "A and B", "A, B and C": takes the items (frees them). */
static char *
join_and(char **items, size_t n)
{
	char *s, *t;
	size_t i;

	if (n == 0)
		return xstrdup("");
	s = items[0];
	for (i = 1; i < n; i++) {
		t = xasprintf(i + 1 < n ? "%s, %s" : _("%s and %s"), s,
		    items[i]);
		free(s);
		free(items[i]);
		s = t;
	}
	return s;
}

const struct gate_table *
report_prev(const struct report_input *in)
{
	for (size_t i = 0; i < in->ntabs; i++)
		if (in->tabs[i]->year + 1 == in->year && !in->tabs[i]->open)
			return in->tabs[i];
	return NULL;
}

static const struct agg_turnover *
turnover_row(const struct report_input *in, const char *unit, unsigned y)
{
	for (size_t i = 0; i < in->nturnover; i++)
		if (in->turnover[i].year == y &&
		    strcmp(in->turnover[i].unit, unit) == 0)
			return &in->turnover[i];
	return NULL;
}

/* 1: how many, and the coverage against the turnover file's leavers. */
static void
find_count(const struct report_input *in, struct sl *l, int comma)
{
	const struct gate_table *t = in->cur;
	double leavers = 0;
	uint32_t held = 0;
	size_t r, units = 0, silent = 0;
	char pct[32], lv[32];

	for (r = 0; r < t->nrows; r++) {
		const struct gate_row *row = &t->rows[r];
		const struct agg_turnover *tr;

		if (row->kind != GATE_ROW_UNIT)
			continue;
		units += row->interviews > 0;
		tr = turnover_row(in, row->code, in->year);
		if (tr == NULL)
			continue;
		leavers += tr->leavers;
		held += row->interviews;
		silent += row->interviews == 0 && tr->leavers > 0;
	}
	sl_add(l,
	    xasprintf(units == 1 ? _("%u exit interviews were held in "
				     "%u, at 1 unit.") :
				   _("%u exit interviews were held in %u, at "
				     "%zu units."),
		(unsigned)t->rows[gate_row_region(t)].interviews, in->year,
		units));
	if (leavers > 0) {
		report_pct(pct, sizeof(pct), held / leavers, comma);
		report_num(lv, sizeof(lv), leavers, 0, comma);
		sl_add(l,
		    xasprintf(
			_("At the units with turnover figures, %u "
			  "of the %s who left were interviewed (coverage %s)."),
			(unsigned)held, lv, pct));
	}
	if (silent > 0)
		sl_add(l,
		    xasprintf(silent == 1 ? _("1 unit had leavers but "
					      "no exit interview.") :
					    _("%zu units had leavers but no "
					      "exit interview."),
			silent));
}

/* "16 %, 19 % and 16 %": the unit's turnover in the flag's years. */
static char *
rates(const struct report_input *in, const char *unit, int comma)
{
	char **it = xcalloc(in->tyears + 1, sizeof(*it)), pct[32], *s;
	size_t n = 0;
	unsigned y;

	for (y = in->year + 1 - in->tyears; y <= in->year; y++) {
		double v = agg_turnover_rate(in->turnover, in->nturnover, unit,
		    y);

		if (v < 0)
			continue;
		report_pct(pct, sizeof(pct), v, comma);
		it[n++] = xstrdup(pct);
	}
	s = join_and(it, n);
	free(it);
	return s;
}

/* 2: the flagged units, their turnover and what their leavers named. */
static void
find_flagged(const struct report_input *in, struct sl *l, int comma)
{
	const struct gate_table *t = in->cur;
	char **names, th[32], *s;
	size_t r, n = 0;

	if (in->nturnover == 0)
		return;
	report_num(th, sizeof(th), in->threshold * 100, 0, comma);
	names = xcalloc(t->nrows + 1, sizeof(*names));
	for (r = 0; r < t->nrows; r++) {
		const struct gate_row *row = &t->rows[r];

		if (row->kind != GATE_ROW_UNIT ||
		    !report_flagged(in, row->code))
			continue;
		s = rates(in, row->code, comma);
		names[n++] = xasprintf("%s (%s)", row->name, s);
		free(s);
	}
	if (n == 0) {
		sl_add(l,
		    xasprintf(_("No unit had a turnover of %s %% or more "
				"in each of the %u years up to %u."),
			th, in->tyears, in->year));
		free(names);
		return;
	}
	s = join_and(names, n);
	if (n == 1)
		sl_add(l,
		    xasprintf(_("1 unit had a turnover of %s %% or more "
				"in each of the %u years up to %u: %s."),
			th, in->tyears, in->year, s));
	else
		sl_add(l,
		    xasprintf(_("%zu units had a turnover of %s %% or "
				"more in each of the %u years up to %u: %s."),
			n, th, in->tyears, in->year, s));
	free(s);
	free(names);
}

/* Categories of the top count levels of a shown figure, ties grouped:
 * "Pay (23 %), Schedule and Workload (19 % each)". At most about three
 * answers, but never one of a tie without the others. */
static char *
top_levels(const struct agg_question *q, const struct gate_fig *g,
    const char *lang, int comma)
{
	size_t order[FORM_MAX_CHOICES + 1], i = 0, j, k, ngroups = 0;
	char **groups, pct[32], lb[16], *s;

	agg_rank(q, g->counts, order);
	groups = xcalloc(q->ncat + 1, sizeof(*groups));
	while (i < q->ncat && i < 3 && g->counts[order[i]] > 0) {
		char **names;

		for (j = i;
		     j < q->ncat && g->counts[order[j]] == g->counts[order[i]];
		     j++)
			;
		if (i > 0 && j - i > 3)
			break; /* a long tie below the top: leave it out */
		report_pct(pct, sizeof(pct),
		    (double)g->counts[order[i]] / g->answered, comma);
		names = xcalloc(j - i + 1, sizeof(*names));
		for (k = i; k < j; k++)
			names[k - i] = xstrdup(
			    report_catlabel(q, order[k], lang, lb, sizeof(lb)));
		s = join_and(names, j - i);
		free(names);
		groups[ngroups++] = j - i == 1 ?
		    xasprintf("%s (%s)", s, pct) :
		    xasprintf(_("%s (%s each)"), s, pct);
		free(s);
		i = j;
	}
	s = join_and(groups, ngroups);
	free(groups);
	return s;
}

/* 3: the reasons that stand out, region-wide and at each flagged unit. */
static void
find_reasons(const struct report_input *in, struct sl *l, int comma)
{
	const struct gate_table *t = in->cur;
	const struct agg_question *q;
	const struct gate_fig *g;
	size_t r;
	char *s;

	if (t->reasons_q == AGG_NONE)
		return;
	q = agg_question(t->agg, t->reasons_q);
	g = gate_fig(t, gate_row_region(t), t->reasons_q);
	if (g->reason != GATE_SHOWN || g->answered == 0 || q->ncat == 0)
		return;
	s = top_levels(q, g, in->lang, comma);
	sl_add(l,
	    xasprintf(_("The reasons for leaving named most often in "
			"the region: %s."),
		s));
	free(s);
	for (r = 0; r < t->nrows; r++) {
		const struct gate_row *row = &t->rows[r];

		if (row->kind != GATE_ROW_UNIT ||
		    !report_flagged(in, row->code))
			continue;
		g = gate_fig(t, r, t->reasons_q);
		if (g->reason != GATE_SHOWN || g->answered == 0)
			continue;
		s = top_levels(q, g, in->lang, comma);
		sl_add(l, xasprintf(_("At %s: %s."), row->name, s));
		free(s);
	}
}

/* 4: where the leavers' HME differs most from the staff survey's. */
static void
find_hme(const struct report_input *in, struct sl *l, int comma)
{
	const struct gate_table *t = in->cur;
	size_t r, best = AGG_NONE, n = 0;
	double gap = 0, bl = 0, bs = 0;
	char a[16], b[16];

	if (!t->has_hme || in->nstaff == 0)
		return;
	for (r = 0; r < t->nrows; r++) {
		const struct gate_row *row = &t->rows[r];
		const struct hme_row *st;

		if (row->kind != GATE_ROW_UNIT ||
		    t->hme[r].reason != GATE_SHOWN || !t->hme[r].h.has_total)
			continue;
		if ((st = report_staff(in, row->code, in->year)) == NULL)
			continue;
		n++;
		if (best == AGG_NONE ||
		    fabs(t->hme[r].h.total - st->hme) > fabs(gap)) {
			best = r;
			gap = t->hme[r].h.total - st->hme;
			bl = t->hme[r].h.total;
			bs = st->hme;
		}
	}
	if (best == AGG_NONE) {
		sl_add(l,
		    xstrdup(_("No unit has both the leavers' HME and the "
			      "staff survey's HME to compare this year.")));
		return;
	}
	report_num(a, sizeof(a), bl, 0, comma);
	report_num(b, sizeof(b), bs, 0, comma);
	sl_add(l,
	    xasprintf(gap < 0 ?
		    _("Of the %zu units with both, the "
		      "leavers' HME differs most from the staff survey's at %s: %s "
		      "against %s, lower among those who left.") :
		    _("Of the %zu units "
		      "with both, the leavers' HME differs most from the staff "
		      "survey's at %s: %s against %s, higher among those who left."),
		n, t->rows[best].name, a, b));
}

/* 5: what changed since the year before, on the region's figures. */
static void
find_change(const struct report_input *in, struct sl *l, int comma)
{
	const struct gate_table *t = in->cur, *p = report_prev(in);
	size_t q, best = AGG_NONE, r, nnew = 0;
	double d = 0, from = 0, to = 0;
	char a[16], b[16], **names;

	if (p == NULL) {
		sl_add(l,
		    xasprintf(_("There is no closed year before %u to "
				"compare with."),
			in->year));
		return;
	}
	sl_add(l,
	    xasprintf(_("Compared with %u: %u interviews against %u."), p->year,
		(unsigned)t->rows[gate_row_region(t)].interviews,
		(unsigned)p->rows[gate_row_region(p)].interviews));
	for (q = 0; q < t->ncols; q++) {
		const struct agg_question *aq = agg_question(t->agg, q);
		const struct gate_fig *g1 = gate_fig(t, gate_row_region(t), q);
		const struct gate_fig *g0 = gate_fig(p, gate_row_region(p), q);

		if (aq->type != FORM_SCALE || g1->reason != GATE_SHOWN ||
		    g0->reason != GATE_SHOWN || !g1->st.has_mean ||
		    !g0->st.has_mean)
			continue;
		if (best == AGG_NONE ||
		    fabs(g1->st.mean - g0->st.mean) > fabs(d)) {
			best = q;
			d = g1->st.mean - g0->st.mean;
			from = g0->st.mean;
			to = g1->st.mean;
		}
	}
	if (best != AGG_NONE) {
		report_num(a, sizeof(a), from, 1, comma);
		report_num(b, sizeof(b), to, 1, comma);
		if (fabs(d) < 0.2)
			sl_add(l,
			    xstrdup(_("No statement's mean in the region "
				      "changed by 0.2 or more.")));
		else
			sl_add(l,
			    xasprintf(
				_("The largest change in the "
				  "region: \"%s\", from %s to %s (scale 1-5)."),
				report_qlabel(agg_question(t->agg, best),
				    in->lang),
				a, b));
	}
	if (in->nturnover == 0)
		return;
	names = xcalloc(t->nrows + 1, sizeof(*names));
	for (r = 0; r < t->nrows; r++) {
		const struct gate_row *row = &t->rows[r];

		if (row->kind == GATE_ROW_UNIT &&
		    report_flagged(in, row->code) &&
		    !agg_turnover_flag(in->turnover, in->nturnover, row->code,
			p->year, in->threshold, in->tyears))
			names[nnew++] = xstrdup(row->name);
	}
	if (nnew > 0) {
		char *s = join_and(names, nnew);

		sl_add(l,
		    xasprintf(_("Flagged this year, not the year "
				"before: %s."),
			s));
		free(s);
	}
	free(names);
}

/* 6: units whose own figures are all hidden, in one sentence. */
static void
find_hidden(const struct report_input *in, struct sl *l)
{
	const struct gate_table *t = in->cur;
	size_t r, q, n = 0;

	for (r = 0; r < t->nrows; r++) {
		size_t shown = 0;

		if (t->rows[r].kind != GATE_ROW_UNIT ||
		    t->rows[r].interviews == 0)
			continue;
		for (q = 0; q < t->ncols; q++)
			shown += gate_fig(t, r, q)->reason == GATE_SHOWN;
		n += shown == 0;
	}
	if (n > 0)
		sl_add(l,
		    xasprintf(n == 1 ?
			    _("1 unit had too few answers "
			      "for figures of its own; its answers count in its area's "
			      "and the region's (see Units).") :
			    _("%zu units had too "
			      "few answers for figures of their own; their answers count "
			      "in their area's and the region's (see Units)."),
			n));
}

size_t
report_findings(const struct report_input *in, char ***out)
{
	struct sl l = { NULL, 0 };
	int comma = in->lang == NULL || strcmp(in->lang, "sv") == 0;

	find_count(in, &l, comma);
	if (!in->cur->open) {
		find_flagged(in, &l, comma);
		find_reasons(in, &l, comma);
		find_hme(in, &l, comma);
		find_change(in, &l, comma);
		find_hidden(in, &l);
	}
	*out = l.s;
	return l.n;
}
