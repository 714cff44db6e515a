/* report: the yearly report's content, walked once over the gate tables
 * and handed to an emitter (Markdown or HTML); the shared helpers. Every
 * interview figure comes from a gate_fig with reason GATE_SHOWN. */
#include "report/report.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/xmem.h"

int
report_format_parse(const char *s, enum report_format *fmt)
{
	if (strcmp(s, "md") == 0)
		*fmt = REPORT_MD;
	else if (strcmp(s, "csv") == 0)
		*fmt = REPORT_CSV;
	else if (strcmp(s, "html") == 0)
		*fmt = REPORT_HTML;
	else if (strcmp(s, "codebook") == 0)
		*fmt = REPORT_CODEBOOK;
	else
		return -1;
	return 0;
}

void
report_num(char *buf, size_t n, double v, int d, int comma)
{
	char *p;

	snprintf(buf, n, "%.*f", d, v);
	/* LC_NUMERIC may have put either mark: set the one asked for. */
	for (p = buf; *p != '\0'; p++)
		if (*p == '.' || *p == ',')
			*p = comma ? ',' : '.';
	if (buf[0] == '-') {
		for (p = buf + 1; *p == '0' || *p == ',' || *p == '.'; p++)
			;
		if (*p == '\0')
			memmove(buf, buf + 1, strlen(buf));
	}
}

static int
report_li(const struct form *f, const char *lang)
{
	int li = form_lang_index(f, lang);

	return li < 0 ? 0 : li;
}

const char *
report_qlabel(const struct agg_question *q, const char *lang)
{
	const struct form *f = q->form;
	const char *s;

	s = form_text_get(&f->questions[q->fq].label, report_li(f, lang));
	return s != NULL ? s : q->id;
}

const char *
report_catlabel(const struct agg_question *q, size_t i, const char *lang,
    char *buf, size_t n)
{
	const struct form_question *fq = &q->form->questions[q->fq];
	size_t c;

	switch (q->type) {
	case FORM_SINGLE:
	case FORM_MULTI:
		if (q->other && i == q->ncat - 1)
			return _("Other");
		for (c = 0; c < fq->nchoices; c++)
			if (strcmp(fq->choices[c].id, q->cat_ids[i]) == 0)
				return form_text_get(&fq->choices[c].label,
				    report_li(q->form, lang));
		return q->cat_ids[i];
	case FORM_YESNO:
		return i == 1 ? _("Yes") : _("No");
	case FORM_SCALE:
	case FORM_NPS:
		/* the ends with their words: "1 Stämmer inte alls" */
		if (i == 0 || i + 1 == q->ncat) {
			const char *w = form_text_get(i == 0 ? &fq->min_label :
							       &fq->max_label,
			    report_li(q->form, lang));

			if (w != NULL) {
				snprintf(buf, n, "%d %s", q->min + (int)i, w);
				return buf;
			}
		}
		snprintf(buf, n, "%d", q->min + (int)i);
		return buf;
	default:
		snprintf(buf, n, "%d", q->min + (int)i);
		return buf;
	}
}

char *
report_rowname(const struct gate_table *t, size_t row, const char *region)
{
	const struct gate_row *r = &t->rows[row];

	switch (r->kind) {
	case GATE_ROW_REGION:
		return xstrdup(region != NULL ? region : _("The region"));
	case GATE_ROW_AREA:
		return xstrdup(r->name != NULL ? r->name : _("No area"));
	case GATE_ROW_UNIT:
		return xstrdup(r->name);
	case GATE_ROW_POOL:
		if (r->area_ix == AGG_NONE)
			return xstrdup(_("Other units"));
		return xasprintf(_("Other units in %s"),
		    r->area != NULL ? r->area : _("no area"));
	}
	return xstrdup("");
}

int
report_flagged(const struct report_input *in, const char *unit)
{
	return agg_turnover_flag(in->turnover, in->nturnover, unit, in->year,
	    in->threshold, in->tyears);
}

const struct hme_row *
report_staff(const struct report_input *in, const char *unit, unsigned year)
{
	size_t i;

	for (i = 0; i < in->nstaff; i++)
		if (in->staff[i].year == year &&
		    strcmp(in->staff[i].unit, unit) == 0)
			return &in->staff[i];
	return NULL;
}

/* ---- the walk ----------------------------------------------------------- */

void
report_tab_init(struct report_tab *t, size_t ncols)
{
	t->ncols = ncols;
	t->nrows = 0;
	t->cells = NULL;
}

void
report_tab_row(struct report_tab *t, ...)
{
	va_list ap;
	size_t i;
	const char *s;

	t->cells = xreallocarray(t->cells, (t->nrows + 1) * t->ncols,
	    sizeof(*t->cells));
	va_start(ap, t);
	for (i = 0; i < t->ncols; i++) {
		s = va_arg(ap, const char *);
		t->cells[t->nrows * t->ncols + i] = xstrdup(s != NULL ? s : "");
	}
	va_end(ap);
	t->nrows++;
}

void
report_tab_emit(const struct report_emit *em, FILE *f, struct report_tab *t,
    const char *const *head)
{
	size_t i;

	if (t->nrows > 0)
		em->table(f, t->ncols, head, (const char *const *)t->cells,
		    t->nrows);
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
}

#define NUM(buf, v, d) report_num(buf, sizeof(buf), v, d, comma)

/* "45 %" */
void
report_pct(char *buf, size_t n, double share, int comma)
{
	size_t l;

	report_num(buf, n, share * 100, 0, comma);
	l = strlen(buf);
	if (l + 3 <= n)
		memcpy(buf + l, " %", 3);
}

char *
report_top(const struct agg_question *q, const struct gate_fig *g,
    const char *lang, int comma)
{
	size_t order[FORM_MAX_CHOICES + 1], ntie = 1, i;
	char pct[32], lb[REPORT_LB], *names, *s;

	if (g->reason != GATE_SHOWN || g->answered == 0 || q->ncat == 0)
		return NULL;
	agg_rank(q, g->counts, order);
	report_pct(pct, sizeof(pct), (double)g->counts[order[0]] / g->answered,
	    comma);
	while (ntie < q->ncat && g->counts[order[ntie]] == g->counts[order[0]])
		ntie++;
	if (ntie == 1 || g->counts[order[0]] == 0)
		return xasprintf("%s %s",
		    report_catlabel(q, order[0], lang, lb, sizeof(lb)), pct);
	if (ntie > 3)
		return xasprintf(_("%zu answers tied at %s each"), ntie, pct);
	names = xstrdup(report_catlabel(q, order[0], lang, lb, sizeof(lb)));
	for (i = 1; i < ntie; i++) {
		s = xasprintf(i + 1 < ntie ? "%s, %s" : _("%s and %s"), names,
		    report_catlabel(q, order[i], lang, lb, sizeof(lb)));
		free(names);
		names = s;
	}
	s = xasprintf(_("tied: %s, %s each"), names, pct);
	free(names);
	return s;
}

/* A figure in one line: "mean 3,4 (sd 1,1)", "eNPS +12", "Yes 64 %". */
static char *
report_summary(const struct agg_question *q, const struct gate_fig *g,
    const char *lang, int comma)
{
	char a[32], b[32];

	if (g->reason != GATE_SHOWN)
		return xasprintf("– (%s)", _(gate_reason_text(g->reason)));
	if (g->answered == 0)
		return xstrdup(_("no answers"));
	switch (q->type) {
	case FORM_NPS:
		report_num(a, sizeof(a), g->st.enps, 0, comma);
		report_num(b, sizeof(b), g->st.mean, 1, comma);
		return xasprintf(_("eNPS %s%s, mean %s"),
		    g->st.enps > 0 ? "+" : "", a, b);
	case FORM_SCALE:
	case FORM_NUMBER:
		report_num(a, sizeof(a), g->st.mean, 1, comma);
		report_num(b, sizeof(b), g->st.sd, 1, comma);
		return xasprintf(_("mean %s (sd %s)"), a, b);
	case FORM_SINGLE:
	case FORM_MULTI:
	case FORM_YESNO:
		if (g->answered == 0 || q->ncat == 0)
			return xstrdup("");
		return report_top(q, g, lang, comma);
	case FORM_TEXT:
		return xasprintf(_("%u answers"), (unsigned)g->answered);
	}
	return xstrdup("");
}

void
report_para(const struct report_emit *em, FILE *f, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	em->para(f, s);
	free(s);
}

/* The full distribution of one shown figure, as bars. */
static void
report_dist(const struct report_emit *em, FILE *f, const char *title,
    const struct agg_question *q, const struct gate_fig *g, const char *lang,
    int comma)
{
	const char **labels;
	char **figs, lb[REPORT_LB], pct[32];
	double *shares;
	size_t i;

	if (g->reason != GATE_SHOWN || q->ncat == 0 || g->answered == 0)
		return;
	labels = xcalloc(q->ncat, sizeof(*labels));
	figs = xcalloc(q->ncat, sizeof(*figs));
	shares = xcalloc(q->ncat, sizeof(*shares));
	for (i = 0; i < q->ncat; i++) {
		char *l = xstrdup(report_catlabel(q, i, lang, lb, sizeof(lb)));

		labels[i] = l;
		shares[i] = (double)g->counts[i] / g->answered;
		report_pct(pct, sizeof(pct), shares[i], comma);
		figs[i] = xasprintf("%u (%s)", (unsigned)g->counts[i], pct);
	}
	em->bars(f, title, labels, shares, (const char *const *)figs, q->ncat);
	for (i = 0; i < q->ncat; i++) {
		free((char *)labels[i]);
		free(figs[i]);
	}
	free(labels);
	free(figs);
	free(shares);
}

static void
report_texts(const struct report_emit *em, FILE *f, const struct gate_fig *g,
    const char *title)
{
	if (g->text_reason != GATE_SHOWN || g->ntexts == 0)
		return;
	em->para(f, title);
	em->list(f, (const char *const *)g->texts, g->ntexts, 0);
}

static void
report_reasons(const struct report_input *in, const struct report_emit *em,
    FILE *f, int comma)
{
	const struct gate_table *t = in->cur;
	const struct agg_question *q;
	const struct gate_fig *g;
	size_t order[FORM_MAX_CHOICES + 1], i;
	const char *head[3];
	struct report_tab tab;
	char pct[32], lb[REPORT_LB], n[16], *top;

	if (t->reasons_q == AGG_NONE)
		return;
	q = agg_question(t->agg, t->reasons_q);
	g = gate_fig(t, gate_row_region(t), t->reasons_q);
	em->heading(f, 2, _("Reasons for leaving"));
	if (g->reason != GATE_SHOWN || g->answered == 0) {
		report_para(em, f, "%s: %s", report_qlabel(q, in->lang),
		    g->reason == GATE_SHOWN ? _("no answers") :
					      _(gate_reason_text(g->reason)));
		return;
	}
	report_para(em, f,
	    _("%s (the whole region, %u answers; several "
	      "reasons could be given):"),
	    report_qlabel(q, in->lang), (unsigned)g->answered);
	top = report_top(q, g, in->lang, comma);
	if (top != NULL && strncmp(top, _("tied: "), strlen(_("tied: "))) == 0)
		report_para(em, f, _("No single reason comes first: %s."), top);
	free(top);
	agg_rank(q, g->counts, order);
	head[0] = _("Reason");
	head[1] = _("Share");
	head[2] = _("Answers");
	report_tab_init(&tab, 3);
	for (i = 0; i < q->ncat; i++) {
		if (g->counts[order[i]] == 0)
			continue;
		report_pct(pct, sizeof(pct),
		    (double)g->counts[order[i]] / g->answered, comma);
		snprintf(n, sizeof(n), "%u", (unsigned)g->counts[order[i]]);
		report_tab_row(&tab,
		    report_catlabel(q, order[i], in->lang, lb, sizeof(lb)), pct,
		    n);
	}
	report_tab_emit(em, f, &tab, head);
}

/* Region figures over the years: scale means, eNPS, HME. */
static void
report_trend(const struct report_input *in, const struct report_emit *em,
    FILE *f, int comma)
{
	const struct gate_table *t = in->cur;
	const struct gate_table *ys[16];
	const char *head[17];
	char yh[16][8], **cells;
	size_t ny = 0, i, q, rows = 0, c;
	int any;

	for (i = 0; i < in->ntabs && ny < 15; i++)
		if (!in->tabs[i]->open && in->tabs[i]->year <= in->year)
			ys[ny++] = in->tabs[i];
	if (ny < 2)
		return;
	em->heading(f, 2, _("Trend"));
	em->para(f, _("The region's figures in each closed year."));
	head[0] = _("Question");
	for (i = 0; i < ny; i++) {
		snprintf(yh[i], sizeof(yh[i]), "%u", ys[i]->year);
		head[i + 1] = yh[i];
	}
	cells = xcalloc((t->ncols + 1) * (ny + 1), sizeof(*cells));
	for (q = 0; q <= t->ncols; q++) {
		const struct agg_question *aq = q < t->ncols ?
		    agg_question(t->agg, q) :
		    NULL;

		if (aq != NULL && aq->type != FORM_SCALE &&
		    aq->type != FORM_NPS)
			continue;
		if (aq == NULL && !t->has_hme)
			continue;
		any = 0;
		cells[rows * (ny + 1)] = xstrdup(
		    aq != NULL ? report_qlabel(aq, in->lang) : "HME");
		for (i = 0; i < ny; i++) {
			char v[32];
			const struct gate_fig *g = aq != NULL ?
			    gate_fig(ys[i], 0, q) :
			    NULL;

			if (aq == NULL)
				report_hme_cell(v, sizeof(v), &ys[i]->hme[0], 3,
				    comma);
			else if (g == NULL || g->reason != GATE_SHOWN ||
			    !g->st.has_mean)
				snprintf(v, sizeof(v), "–");
			else if (aq->type == FORM_NPS)
				report_num(v, sizeof(v), g->st.enps, 0, comma);
			else
				report_num(v, sizeof(v), g->st.mean, 1, comma);
			cells[rows * (ny + 1) + i + 1] = xstrdup(v);
			any |= strcmp(v, "–") != 0;
		}
		if (any) {
			rows++;
		} else { /* nothing shown in any year: leave it out */
			for (i = 0; i <= ny; i++)
				free(cells[rows * (ny + 1) + i]);
		}
	}
	em->table(f, ny + 1, head, (const char *const *)cells, rows);
	for (c = 0; c < rows * (ny + 1); c++)
		free(cells[c]);
	free(cells);
}

/* One row (region, unit, pool): each question in one line of a table,
 * then the full distributions (region only) and the free texts. */
static void
report_row(const struct report_input *in, const struct report_emit *em, FILE *f,
    size_t r, int full, int comma)
{
	const struct gate_table *t = in->cur;
	const char *head[3];
	struct report_tab tab;
	size_t q, nhid = 0;
	char n[16];

	head[0] = _("Question");
	head[1] = _("Answers");
	head[2] = _("Result");
	report_tab_init(&tab, 3);
	for (q = 0; q < t->ncols; q++) {
		const struct agg_question *aq = agg_question(t->agg, q);
		const struct gate_fig *g = gate_fig(t, r, q);
		char *s;

		if (g->reason == GATE_NO_DATA || g->reason == GATE_REGION_ONLY)
			continue;
		/* a hidden figure is counted below, not shown as a dash */
		if (g->reason != GATE_SHOWN) {
			nhid++;
			continue;
		}
		s = report_summary(aq, g, in->lang, comma);
		snprintf(n, sizeof(n), "%u", (unsigned)g->answered);
		report_tab_row(&tab, report_qlabel(aq, in->lang), n, s);
		free(s);
	}
	report_tab_emit(em, f, &tab, head);
	if (nhid > 0)
		report_para(em, f,
		    nhid == 1 ?
			_("1 more question is not "
			  "shown here: too few answered it, or its figure could "
			  "reveal a hidden one.") :
			_("%zu more questions are not "
			  "shown here: too few answered them, or their figures could "
			  "reveal hidden ones."),
		    nhid);
	for (q = 0; q < t->ncols; q++) {
		const struct agg_question *aq = agg_question(t->agg, q);
		const struct gate_fig *g = gate_fig(t, r, q);
		char *title;

		if (full && g->reason == GATE_SHOWN && aq->ncat > 0) {
			char d[32], s[32];

			title = xasprintf("%s (n = %u)",
			    report_qlabel(aq, in->lang), (unsigned)g->answered);
			report_dist(em, f, title, aq, g, in->lang, comma);
			free(title);
			if (g->declined + g->skipped > 0) {
				snprintf(d, sizeof(d), "%u",
				    (unsigned)g->declined);
				snprintf(s, sizeof(s), "%u",
				    (unsigned)g->skipped);
				report_para(em, f,
				    _("Preferred not to answer: "
				      "%s. Skipped: %s."),
				    d, s);
			}
		}
		title = xasprintf(_("%s: free-text answers, in random order"),
		    report_qlabel(aq, in->lang));
		report_texts(em, f, g, title);
		free(title);
	}
}

static void
report_method(const struct report_input *in, const struct report_emit *em,
    FILE *f)
{
	const struct gate_table *t = in->cur;

	em->heading(f, 2, _("Method and anonymity"));
	report_para(em, f,
	    _("Leavers were interviewed by an external "
	      "interviewer; each interview was sealed on the interviewer's "
	      "laptop to the HR key and carries no name, no interviewer and no "
	      "date finer than the year. Interviews of forms HR has not "
	      "approved, and damaged ones, are not counted (%zu this time)."),
	    in->rejected);
	report_para(em, f,
	    _("A figure for a unit, area or the region is "
	      "shown only when at least %u leavers answered the question "
	      "(after skip logic and \"prefer not to answer\"). Where a hidden "
	      "figure could be worked out by subtracting shown ones from a "
	      "total, more figures are hidden, and the hidden units of an area "
	      "are shown together as \"other units\" when they are enough, "
	      "answered differently, and more than one. Questions marked for "
	      "the region are shown only for the whole region. Free-text "
	      "answers are shown only where there are at least %u, in random "
	      "order and apart from the other answers. Only closed years are "
	      "reported; the running year shows the number of interviews "
	      "only."),
	    t->k, t->text_k);
	if (t->has_hme)
		em->para(f,
		    _("HME: each answer 1-5 is mapped to 0-100 ((value "
		      "- 1) x 25); each statement's index is the mean over those "
		      "who answered it (\"prefer not to answer\" left out); a "
		      "sub-index is the mean of its three statements and HME the "
		      "mean of all nine, computed from each statement's answers "
		      "as SKR's calculation template does, so there is no "
		      "minimum number of statements per leaver."));
}

/* A unit whose figures are all hidden: one line saying why and where its
 * answers are counted, instead of a section of dashes. */
static char *
report_hidden_line(const struct report_input *in, size_t r)
{
	const struct gate_table *t = in->cur;
	const struct gate_row *row = &t->rows[r];
	size_t q, few = 0, comp = 0, pool, pshown = 0;
	const char *why, *where;
	char *pname = NULL, *wh, *s;

	for (q = 0; q < t->ncols; q++) {
		enum gate_reason g = gate_fig(t, r, q)->reason;

		few += g == GATE_FEW;
		comp += g == GATE_COMPLEMENT;
	}
	why = few >= comp ?
	    _("too few answers for figures of its own") :
	    _("its figures are hidden so that another unit's hidden figures "
	      "cannot be worked out from them");
	pool = gate_row_pool(t, row->area != NULL ? row->area : "");
	if (pool != AGG_NONE)
		for (q = 0; q < t->ncols; q++)
			pshown += gate_fig(t, pool, q)->reason == GATE_SHOWN;
	if (pool == AGG_NONE || pshown == 0) {
		pool = gate_row_pool(t, NULL);
		pshown = 0;
		if (pool != AGG_NONE)
			for (q = 0; q < t->ncols; q++)
				pshown += gate_fig(t, pool, q)->reason ==
				    GATE_SHOWN;
	}
	if (pool != AGG_NONE && pshown > 0) {
		pname = report_rowname(t, pool, in->region);
		wh = xasprintf(_("its answers are counted in \"%s\" and in the "
				 "region"),
		    pname);
	} else {
		wh = xstrdup(_("its answers are counted in the region's "
			       "figures only"));
	}
	where = wh;
	s = xasprintf(_("%s (%u interviews): %s; %s."), row->name,
	    (unsigned)row->interviews, why, where);
	free(pname);
	free(wh);
	return s;
}

/* How turnover is defined, and what the imported file says it counts. */
static void
report_turnover_note(const struct report_input *in,
    const struct report_emit *em, FILE *f)
{
	if (in->nturnover == 0)
		return;
	const char *ret, *mov;
	char *s;

	em->heading(f, 3, _("Turnover"));
	ret = !in->has_retirements ?
	    _("The imported file does not say how "
	      "many of the leavers retired: they count as leaving.") :
	    in->count_retirements ?
	    _("Retirements count as leaving.") :
	    _("Retirements do not count as leaving: they say little about "
	      "the workplace.");
	mov = !in->has_internal ?
	    _("The imported file does not say how "
	      "many moved to another unit of the region: they count as "
	      "leaving.") :
	    in->count_internal ?
	    _("Moves to another unit of "
	      "the region count as leaving the unit.") :
	    _("Moves to another "
	      "unit of the region do not count as leaving.");
	s = xasprintf(
	    _("Turnover is the number of employees who left the "
	      "unit during the year divided by the unit's average headcount "
	      "that year, both as HR imported them (avslut-hr turnover "
	      "import). %s %s The region sets what counts in its "
	      "configuration (turnover.count_retirements, "
	      "turnover.count_internal_moves). Coverage is the number of exit "
	      "interviews held at the unit divided by the leavers counted "
	      "here."),
	    ret, mov);
	em->para(f, s);
	free(s);
}

static int
report_walk(FILE *f, const struct report_emit *em,
    const struct report_input *in, struct err *e)
{
	const struct gate_table *t = in->cur;
	int comma = in->lang == NULL || strcmp(in->lang, "sv") == 0;
	char *title, *name, **find, **hidden;
	size_t r, nfind, nhidden = 0;

	title = xasprintf(_("Exit interviews %u: %s"), in->year,
	    in->region != NULL ? in->region : _("the region"));
	em->begin(f, title);
	if (in->sample)
		em->banner(f,
		    _("EXEMPELDATA: made-up figures from avslut-hr "
		      "demo, not a real region."));
	em->heading(f, 1, title);
	free(title);
	em->heading(f, 2, _("Summary"));
	nfind = report_findings(in, &find);
	em->list(f, (const char *const *)find, nfind, 2);
	report_strings_free(find, nfind);
	if (in->release > 0)
		report_para(em, f,
		    _("Release %u of %u, made %s: every view of "
		      "%u shows these figures."),
		    in->release, in->year,
		    in->release_date != NULL ? in->release_date : "", in->year);
	if (in->held > 0)
		report_para(em, f,
		    ngettext(
			"%u interview arrived after the "
			"release and is held back: it enters a revision only when "
			"that reveals nothing about it.",
			"%u interviews arrived "
			"after the release and are held back: they enter a "
			"revision only when that reveals nothing about them.",
			in->held),
		    (unsigned)in->held);
	if (t->open) {
		report_para(em, f,
		    _("%u is not closed yet: the report shows "
		      "the number of interviews only."),
		    in->year);
	} else {
		report_flagged_section(in, em, f, comma);
		report_heat_section(in, em, f, comma);
		report_reasons(in, em, f, comma);
		report_hme_section(in, em, f, comma);
		report_trend(in, em, f, comma);
		name = report_rowname(t, 0, in->region);
		em->heading(f, 2, name);
		free(name);
		report_row(in, em, f, 0, 1, comma);
		em->heading(f, 2, _("Units"));
		hidden = xcalloc(t->nrows + 1, sizeof(*hidden));
		for (r = 0; r < t->nrows; r++) {
			const struct gate_row *row = &t->rows[r];
			size_t q, shown = 0;

			if (row->kind == GATE_ROW_REGION ||
			    row->kind == GATE_ROW_AREA)
				continue;
			for (q = 0; q < t->ncols; q++)
				shown += gate_fig(t, r, q)->reason ==
					GATE_SHOWN ||
				    gate_fig(t, r, q)->text_reason ==
					GATE_SHOWN;
			if (row->kind == GATE_ROW_POOL && shown == 0)
				continue;
			if (row->kind == GATE_ROW_UNIT && row->interviews == 0)
				continue;
			if (row->kind == GATE_ROW_UNIT && shown == 0) {
				hidden[nhidden++] = report_hidden_line(in, r);
				continue;
			}
			name = report_rowname(t, r, in->region);
			if (row->kind == GATE_ROW_UNIT) {
				title = xasprintf(_("%s (%s): %u interviews"),
				    name,
				    row->area != NULL ? row->area :
							_("no area"),
				    (unsigned)row->interviews);
			} else {
				title = xasprintf(_("%s: the hidden units' "
						    "answers together"),
				    name);
			}
			em->heading(f, 3, title);
			free(title);
			free(name);
			report_row(in, em, f, r, 0, comma);
		}
		if (nhidden > 0) {
			em->heading(f, 3,
			    _("Units without figures of their "
			      "own"));
			report_para(em, f,
			    _("A figure is shown only where at "
			      "least %u leavers answered. These units had fewer; "
			      "their answers are not lost but counted where they "
			      "cannot be told apart:"),
			    t->k);
			em->list(f, (const char *const *)hidden, nhidden, 2);
		}
		report_strings_free(hidden, nhidden);
	}
	report_method(in, em, f);
	report_turnover_note(in, em, f);
	em->end(f);
	return report_flushed(f, _("cannot write the report: %s"), e);
}

int
report_flushed(FILE *f, const char *fmt, struct err *e)
{
	if (fflush(f) == 0 && !ferror(f))
		return 0;
	return err_setc(e,
	    err_class_errno(errno) == ERR_FULL ? ERR_FULL : ERR_IO, fmt,
	    strerror(errno));
}

int
report_write(FILE *f, enum report_format fmt, const struct report_input *in,
    struct err *e)
{
	switch (fmt) {
	case REPORT_MD:
		return report_walk(f, report_md_emit(), in, e);
	case REPORT_HTML:
		return report_walk(f, report_html_emit(), in, e);
	case REPORT_CSV:
		return report_csv(f, in, e);
	case REPORT_CODEBOOK:
		return report_codebook(f, in, e);
	}
	return err_setc(e, ERR_USAGE, _("unknown report format"));
}
