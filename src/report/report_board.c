/* report_board: the report's parts for the regional board: the flagged
 * units with their turnover sparklines, the unit x theme heat map and the
 * leavers' HME against the staff survey. Every figure from a gate_fig
 * with reason GATE_SHOWN (see report.c). */
#include "report/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/xmem.h"

static double
report_rate(const struct report_input *in, const char *unit, unsigned y)
{
	return agg_turnover_rate(in->turnover, in->nturnover, unit, y);
}

/* The years of a sparkline: up to 6 ending with the report's year. */
#define SPARK_YEARS 6

void
report_flagged_section(const struct report_input *in,
    const struct report_emit *em, FILE *f, int comma)
{
	const struct gate_table *t = in->cur;
	const char *head[9];
	struct report_tab tab;
	char ty[3][32], cov[32], lv[32], n[16], yh[3][16], sh[32];
	double *series = NULL;
	char **alts = NULL;
	size_t r, i, nalts = 0, ns = 0;
	unsigned y, y0 = 0, y1 = 0;

	em->heading(f, 2, _("Units with high turnover"));
	report_num(lv, sizeof(lv), in->threshold * 100, 0, comma);
	report_para(em, f,
	    _("Units whose turnover was %s %% or more in each "
	      "of the %u years up to %u, with the coverage of the exit "
	      "interviews (interviews held / leavers)."),
	    lv, in->tyears, in->year);
	for (i = 0; i < in->nturnover; i++)
		if (in->turnover[i].year <= in->year &&
		    (y0 == 0 || in->turnover[i].year < y0))
			y0 = in->turnover[i].year;
	if (y0 == 0 || in->year + 1 - y0 > SPARK_YEARS)
		y0 = in->year + 1 - SPARK_YEARS;
	y1 = in->year;
	ns = y1 - y0 + 1;
	for (i = 0; i < 3; i++)
		snprintf(yh[i], sizeof(yh[i]), "%u",
		    in->year - 2 + (unsigned)i);
	snprintf(sh, sizeof(sh), "%u-%u", y0, y1);
	head[0] = _("Unit");
	head[1] = yh[0];
	head[2] = yh[1];
	head[3] = yh[2];
	head[4] = _("Leavers");
	head[5] = _("Interviews");
	head[6] = _("Coverage");
	head[7] = sh;
	report_tab_init(&tab, 7);
	for (r = 0; r < t->nrows; r++) {
		const struct gate_row *row = &t->rows[r];
		const struct agg_turnover *tr = NULL;
		char **parts, *uname;
		double c;

		if (row->kind != GATE_ROW_UNIT ||
		    !report_flagged(in, row->code))
			continue;
		for (i = 0; i < 3; i++) {
			double rate;

			y = in->year - 2 + (unsigned)i;
			rate = report_rate(in, row->code, y);
			if (rate < 0)
				snprintf(ty[i], sizeof(ty[i]), "–");
			else
				report_pct(ty[i], sizeof(ty[i]), rate, comma);
		}
		for (i = 0; i < in->nturnover; i++)
			if (in->turnover[i].year == in->year &&
			    strcmp(in->turnover[i].unit, row->code) == 0)
				tr = &in->turnover[i];
		report_num(lv, sizeof(lv), tr != NULL ? tr->leavers : 0, 0,
		    comma);
		c = agg_coverage(in->turnover, in->nturnover, row->code,
		    in->year, row->interviews);
		if (c < 0)
			snprintf(cov, sizeof(cov), "–");
		else
			report_pct(cov, sizeof(cov), c, comma);
		snprintf(n, sizeof(n), "%u", (unsigned)row->interviews);
		uname = row->area != NULL ?
		    xasprintf("%s (%s)", row->name, row->area) :
		    xstrdup(row->name);
		report_tab_row(&tab, uname, ty[0], ty[1], ty[2], lv, n, cov);
		free(uname);
		series = xreallocarray(series, (nalts + 1) * ns,
		    sizeof(*series));
		alts = xreallocarray(alts, nalts + 1, sizeof(*alts));
		parts = xcalloc(ns + 1, sizeof(*parts));
		for (y = y0; y <= y1; y++) {
			double v = report_rate(in, row->code, y);
			char pc[32];

			series[nalts * ns + (y - y0)] = v < 0 ? NAN : v;
			if (v < 0)
				snprintf(pc, sizeof(pc), "–");
			else
				report_pct(pc, sizeof(pc), v, comma);
			parts[y - y0] = xasprintf("%u: %s", y, pc);
		}
		alts[nalts] = xstrdup("");
		for (y = y0; y <= y1; y++) {
			char *a2 = xasprintf("%s%s%s", alts[nalts],
			    y > y0 ? ", " : "", parts[y - y0]);

			free(alts[nalts]);
			free(parts[y - y0]);
			alts[nalts] = a2;
		}
		free(parts);
		nalts++;
	}
	if (tab.nrows == 0) {
		em->para(f, _("No unit is flagged."));
	} else {
		em->table_spark(f, 7, head, (const char *const *)tab.cells,
		    tab.nrows, series, ns, (const char *const *)alts);
	}
	for (i = 0; i < tab.nrows * tab.ncols; i++)
		free(tab.cells[i]);
	free(tab.cells);
	for (i = 0; i < nalts; i++)
		free(alts[i]);
	free(alts);
	free(series);
}

/* A theme's name for people; unknown themes keep their id. */
static const char *
report_theme_name(const char *theme)
{
	static const struct {
		const char *id, *name;
	} names[] = {
		{ "leadership", N_("Leadership") },
		{ "workload", N_("Workload") },
		{ "schedule", N_("Schedule") },
		{ "pay", N_("Pay") },
		{ "competence", N_("Development") },
		{ "influence", N_("Influence") },
		{ "values", N_("Respect, values") },
		{ "work_environment", N_("Work environment") },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strcmp(names[i].id, theme) == 0)
			return _(names[i].name);
	return theme;
}

/* Unit x theme: the mean of a theme's scale questions in a row, only
 * where every one of them is shown there (HME statements have their own
 * table). */
void
report_heat_section(const struct report_input *in, const struct report_emit *em,
    FILE *f, int comma)
{
	const struct gate_table *t = in->cur;
	const char *themes[64];
	size_t nth = 0, q, r, c, nr = 0, *rows;
	struct report_heat h;
	double *v, *ref;
	char **alt, **rnames;
	const char **cols;

	for (q = 0; q < t->ncols && nth < 64; q++) {
		const struct agg_question *aq = agg_question(t->agg, q);

		if (aq->type != FORM_SCALE || aq->theme == NULL ||
		    aq->report == FORM_SCOPE_REGION ||
		    strncmp(aq->theme, "hme", 3) == 0)
			continue;
		for (c = 0; c < nth; c++)
			if (strcmp(themes[c], aq->theme) == 0)
				break;
		if (c == nth)
			themes[nth++] = aq->theme;
	}
	if (nth == 0)
		return;
	rows = xcalloc(t->nrows + 1, sizeof(*rows));
	rows[nr++] = gate_row_region(t);
	for (r = 0; r < t->nrows; r++)
		if (t->rows[r].kind == GATE_ROW_UNIT &&
		    t->rows[r].interviews > 0)
			rows[nr++] = r;
	for (r = 0; r < t->nrows; r++)
		if (t->rows[r].kind == GATE_ROW_POOL)
			rows[nr++] = r;
	v = xcalloc(nr * nth, sizeof(*v));
	alt = xcalloc(nr * nth, sizeof(*alt));
	rnames = xcalloc(nr, sizeof(*rnames));
	for (r = 0; r < nr; r++) {
		for (c = 0; c < nth; c++) {
			double sum = 0;
			size_t k = 0, hid = 0;

			for (q = 0; q < t->ncols; q++) {
				const struct agg_question *aq =
				    agg_question(t->agg, q);
				const struct gate_fig *g;

				if (aq->type != FORM_SCALE ||
				    aq->theme == NULL ||
				    strcmp(aq->theme, themes[c]) != 0)
					continue;
				g = gate_fig(t, rows[r], q);
				if (g->reason != GATE_SHOWN ||
				    !g->st.has_mean) {
					hid++;
					continue;
				}
				sum += g->st.mean;
				k++;
			}
			if (k == 0 || hid > 0) {
				v[r * nth + c] = NAN;
				alt[r * nth + c] = xstrdup("–");
			} else {
				char b[32];

				v[r * nth + c] = sum / (double)k;
				report_num(b, sizeof(b), sum / (double)k, 1,
				    comma);
				alt[r * nth + c] = xstrdup(b);
			}
		}
		rnames[r] = report_rowname(t, rows[r], in->region);
	}
	/* drop the rows with nothing shown: they are explained under Units */
	{
		size_t w = 1;

		for (r = 1; r < nr; r++) {
			int any = 0;

			for (c = 0; c < nth; c++)
				any |= !isnan(v[r * nth + c]);
			if (!any) {
				for (c = 0; c < nth; c++)
					free(alt[r * nth + c]);
				free(rnames[r]);
				continue;
			}
			if (w != r) {
				memmove(&v[w * nth], &v[r * nth],
				    nth * sizeof(*v));
				memmove(&alt[w * nth], &alt[r * nth],
				    nth * sizeof(*alt));
				rnames[w] = rnames[r];
			}
			w++;
		}
		nr = w;
	}
	/* drop the themes with nothing shown in any row */
	{
		size_t w = 0, k;

		for (c = 0; c < nth; c++) {
			int any = 0;

			for (r = 0; r < nr; r++)
				any |= !isnan(v[r * nth + c]);
			if (!any) {
				for (r = 0; r < nr; r++)
					free(alt[r * nth + c]);
				continue;
			}
			for (r = 0; r < nr; r++) {
				v[r * nth + w] = v[r * nth + c];
				alt[r * nth + w] = alt[r * nth + c];
			}
			themes[w++] = themes[c];
		}
		/* re-pack rows to the new width */
		for (r = 1; r < nr && w < nth; r++)
			for (k = 0; k < w; k++) {
				v[r * w + k] = v[r * nth + k];
				alt[r * w + k] = alt[r * nth + k];
			}
		nth = w;
	}
	if (nth == 0) {
		for (r = 0; r < nr; r++)
			free(rnames[r]);
		free(alt);
		free(rnames);
		free(v);
		free(rows);
		return;
	}
	ref = xcalloc(nth, sizeof(*ref));
	cols = xcalloc(nth, sizeof(*cols));
	for (c = 0; c < nth; c++) {
		ref[c] = v[c];
		cols[c] = report_theme_name(themes[c]);
	}
	em->heading(f, 2, _("Units and themes"));
	memset(&h, 0, sizeof(h));
	h.title = _("Mean per theme (scale 1-5), against the region");
	h.desc = _(
	    "Each cell is the mean of the theme's statements among the "
	    "unit's leavers (1 = disagree, 5 = agree). Red: lower than the "
	    "region, blue: higher, white: within 0.1. A dash: hidden by the "
	    "anonymity rules. Units with no figure of their own are left "
	    "out (see Units).");
	h.nrows = nr;
	h.ncols = nth;
	h.rows = (const char *const *)rnames;
	h.cols = cols;
	h.v = v;
	h.ref = ref;
	h.alt = (const char *const *)alt;
	em->heatmap(f, &h);
	for (r = 0; r < nr; r++) {
		for (c = 0; c < nth; c++)
			free(alt[r * nth + c]);
		free(rnames[r]);
	}
	free(alt);
	free(rnames);
	free(v);
	free(ref);
	free(cols);
	free(rows);
}

/* One HME figure (which: 0..2 a sub-index, 3 the total) or a dash. */
void
report_hme_cell(char *buf, size_t n, const struct gate_hme *h, int which,
    int comma)
{
	int has = which < 3 ? h->h.has_sub[which] : h->h.has_total;
	enum gate_reason r = which < 3 ? h->sub_reason[which] : h->reason;
	double v = which < 3 ? h->h.sub[which] : h->h.total;

	if (r == GATE_SHOWN && has)
		report_num(buf, n, v, 0, comma);
	else
		snprintf(buf, n, "–");
}

void
report_hme_section(const struct report_input *in, const struct report_emit *em,
    FILE *f, int comma)
{
	const struct gate_table *t = in->cur;
	const char *head[7];
	struct report_tab tab;
	char c[4][16], st[16];
	size_t r;
	int i;

	if (!t->has_hme)
		return;
	em->heading(f, 2, _("Sustainable employee engagement (HME)"));
	for (r = 0, i = 0; r < t->nrows; r++)
		i |= t->hme[r].reason == GATE_SHOWN ||
		    t->hme[r].sub_reason[0] == GATE_SHOWN ||
		    t->hme[r].sub_reason[1] == GATE_SHOWN ||
		    t->hme[r].sub_reason[2] == GATE_SHOWN;
	if (!i) {
		em->para(f,
		    _("Too few leavers answered the HME statements for "
		      "an index this year."));
		return;
	}
	em->para(f,
	    _("The leavers' answers to SKR's nine HME statements, as "
	      "an index 0-100, beside the unit's staff-survey HME where it "
	      "was imported."));
	head[0] = _("Unit");
	head[1] = "HME";
	head[2] = _("Motivation");
	head[3] = _("Leadership");
	head[4] = _("Governance");
	head[5] = _("Staff survey HME");
	head[6] = _("Interviews");
	report_tab_init(&tab, 7);
	for (r = 0; r < t->nrows; r++) {
		const struct gate_row *row = &t->rows[r];
		const struct hme_row *s = NULL;
		char *name, n[16];

		if (row->kind == GATE_ROW_AREA ||
		    (row->kind != GATE_ROW_REGION &&
			t->hme[r].reason != GATE_SHOWN &&
			row->kind == GATE_ROW_POOL))
			continue;
		if (row->kind == GATE_ROW_UNIT && row->interviews == 0)
			continue;
		/* a row with no shown index is explained under Units */
		if (row->kind != GATE_ROW_REGION &&
		    t->hme[r].reason != GATE_SHOWN &&
		    t->hme[r].sub_reason[0] != GATE_SHOWN &&
		    t->hme[r].sub_reason[1] != GATE_SHOWN &&
		    t->hme[r].sub_reason[2] != GATE_SHOWN)
			continue;
		report_hme_cell(c[0], sizeof(c[0]), &t->hme[r], 3, comma);
		for (i = 0; i < 3; i++)
			report_hme_cell(c[i + 1], sizeof(c[i + 1]), &t->hme[r],
			    i, comma);
		if (row->kind == GATE_ROW_UNIT)
			s = report_staff(in, row->code, in->year);
		if (s != NULL)
			report_num(st, sizeof(st), s->hme, 0, comma);
		else
			snprintf(st, sizeof(st), "–");
		snprintf(n, sizeof(n), "%u", (unsigned)row->interviews);
		name = report_rowname(t, r, in->region);
		report_tab_row(&tab, name, c[0], c[1], c[2], c[3], st,
		    row->kind == GATE_ROW_POOL ? "" : n);
		free(name);
	}
	report_tab_emit(em, f, &tab, head);
}
