/* report_csv: the yearly report as one tidy table for spreadsheets: one
 * figure per line, UTF-8 with BOM, ';' between fields, decimal comma,
 * CRLF. Hidden figures are lines with an empty value and the reason. */
#include "report/report.h"

#include <string.h>

#include "util/esc.h"
#include "util/i18n.h"
#include "util/xmem.h"

/* A column name, level or measure in the report's language: the English
 * names are the stable ones (avslut-report(5)), Swedish under --lang sv. */
static const char *
csv_word(const char *en, int sv)
{
	static const char *const words[][2] = {
		{ "year", "år" },
		{ "level", "nivå" },
		{ "area", "område" },
		{ "unit", "enhet" },
		{ "question", "fråga" },
		{ "versions", "versioner" },
		{ "category", "kategori" },
		{ "measure", "mått" },
		{ "value", "värde" },
		{ "status", "status" },
		{ "region", "region" },
		{ "other_units", "övriga_enheter" },
		{ "interviews", "intervjuer" },
		{ "answered", "svarade" },
		{ "declined", "ville_inte_svara" },
		{ "skipped", "hoppade_över" },
		{ "count", "antal" },
		{ "share", "andel" },
		{ "mean", "medelvärde" },
		{ "sd", "standardavvikelse" },
		{ "enps", "enps" },
		{ "hme", "hme" },
		{ "turnover", "personalomsättning" },
		{ "coverage", "täckning" },
		{ "turnover_flag", "flaggad" },
		{ "staff_hme", "hme_medarbetarenkät" },
		{ "sample_data", "exempeldata" },
		{ "type", "typ" },
		{ "theme", "tema" },
		{ "reported", "redovisas" },
		{ "text", "text" },
		{ "category_text", "kategoritext" },
		{ "release", "utgåva" },
		{ "held_back", "tillbakahållna" },
	};

	if (!sv)
		return en;
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strcmp(words[i][0], en) == 0)
			return words[i][1];
	return en;
}

struct csv_row {
	FILE *f;
	int sv; /* Swedish names */
	unsigned year;
	const char *level, *area, *unit;
};

static void
csv_line(const struct csv_row *r, const char *question, const char *versions,
    const char *category, const char *measure, const char *value,
    const char *status)
{
	char y[16];
	const char *v[9];
	size_t i;

	snprintf(y, sizeof(y), "%u", r->year);
	v[0] = y;
	v[1] = csv_word(r->level, r->sv);
	v[2] = r->area;
	v[3] = r->unit;
	v[4] = question;
	v[5] = versions;
	v[6] = category;
	v[7] = csv_word(measure, r->sv);
	v[8] = value;
	for (i = 0; i < 9; i++) {
		esc_csv(r->f, v[i] != NULL ? v[i] : "");
		fputc(';', r->f);
	}
	esc_csv(r->f,
	    status == NULL		   ? "" :
		status[0] != '\0' && r->sv ? _(status) :
					     status);
	fputs("\r\n", r->f);
}

static void
csv_num(const struct csv_row *r, const char *q, const char *ver,
    const char *cat, const char *measure, double v, int d)
{
	char b[48];

	report_num(b, sizeof(b), v, d, 1);
	csv_line(r, q, ver, cat, measure, b, "");
}

static void
csv_fig(const struct csv_row *r, const struct agg_question *q,
    const struct gate_fig *g)
{
	char cat[64];
	size_t i;

	if (g->reason == GATE_NO_DATA)
		return;
	if (g->reason != GATE_SHOWN) {
		csv_line(r, q->id, q->versions, "", "answered", "",
		    gate_reason_text(g->reason));
		return;
	}
	csv_num(r, q->id, q->versions, "", "answered", g->answered, 0);
	csv_num(r, q->id, q->versions, "", "declined", g->declined, 0);
	csv_num(r, q->id, q->versions, "", "skipped", g->skipped, 0);
	for (i = 0; i < q->ncat; i++) {
		if (q->cat_ids != NULL)
			snprintf(cat, sizeof(cat), "%s", q->cat_ids[i]);
		else if (q->type == FORM_YESNO)
			snprintf(cat, sizeof(cat), "%s", i ? "yes" : "no");
		else
			snprintf(cat, sizeof(cat), "%d", q->min + (int)i);
		csv_num(r, q->id, q->versions, cat, "count", g->counts[i], 0);
		if (g->answered > 0)
			csv_num(r, q->id, q->versions, cat, "share",
			    (double)g->counts[i] / g->answered, 4);
	}
	if (g->st.has_mean)
		csv_num(r, q->id, q->versions, "", "mean", g->st.mean, 2);
	if (g->st.has_sd)
		csv_num(r, q->id, q->versions, "", "sd", g->st.sd, 2);
	if (g->st.has_enps)
		csv_num(r, q->id, q->versions, "", "enps", g->st.enps, 1);
}

static void
csv_hme(const struct csv_row *r, const struct gate_hme *h)
{
	static const char *const sub[3] = { "hme_motivation", "hme_ledarskap",
		"hme_styrning" };
	size_t s;

	if (h->reason == GATE_SHOWN && h->h.has_total)
		csv_num(r, "", "", "", "hme", h->h.total, 1);
	else if (h->reason != GATE_NO_DATA)
		csv_line(r, "", "", "", "hme", "", gate_reason_text(h->reason));
	for (s = 0; s < 3; s++)
		if (h->sub_reason[s] == GATE_SHOWN && h->h.has_sub[s])
			csv_num(r, "", "", "", sub[s], h->h.sub[s], 1);
		else if (h->sub_reason[s] != GATE_NO_DATA)
			csv_line(r, "", "", "", sub[s], "",
			    gate_reason_text(h->sub_reason[s]));
}

int
report_csv(FILE *f, const struct report_input *in, struct err *e)
{
	const struct gate_table *t = in->cur;
	static const char *const levels[] = { "region", "area", "unit",
		"other_units" };
	struct csv_row r;
	size_t row, q;

	static const char *const cols[] = { "year", "level", "area", "unit",
		"question", "versions", "category", "measure", "value",
		"status" };

	r.sv = in->lang == NULL || strcmp(in->lang, "sv") == 0;
	fputs("\xef\xbb\xbf", f);
	for (size_t i = 0; i < 10; i++) {
		fputs(csv_word(cols[i], r.sv), f);
		fputs(i < 9 ? ";" : "\r\n", f);
	}
	r.f = f;
	r.year = in->year;
	if (in->sample) {
		r.level = "region";
		r.area = r.unit = "";
		csv_line(&r, "", "", "", "sample_data", "1", "EXEMPELDATA");
	}
	for (row = 0; row < t->nrows; row++) {
		const struct gate_row *gr = &t->rows[row];
		const struct hme_row *s;

		r.level = levels[gr->kind];
		r.area = gr->kind == GATE_ROW_REGION ? "" :
		    gr->area != NULL		     ? gr->area :
						       "";
		r.unit = gr->kind == GATE_ROW_UNIT ? gr->code : "";
		if (gr->kind != GATE_ROW_POOL)
			csv_num(&r, "", "", "", "interviews", gr->interviews,
			    0);
		if (gr->kind == GATE_ROW_REGION && in->release > 0)
			csv_num(&r, "", "", "", "release", in->release, 0);
		if (gr->kind == GATE_ROW_REGION && in->held > 0)
			csv_num(&r, "", "", "", "held_back", in->held, 0);
		if (gr->kind == GATE_ROW_UNIT) {
			double v = agg_turnover_rate(in->turnover,
			    in->nturnover, gr->code, in->year);

			if (v >= 0)
				csv_num(&r, "", "", "", "turnover", v, 4);
			v = agg_coverage(in->turnover, in->nturnover, gr->code,
			    in->year, gr->interviews);
			if (v >= 0)
				csv_num(&r, "", "", "", "coverage", v, 4);
			if (in->nturnover > 0)
				csv_num(&r, "", "", "", "turnover_flag",
				    report_flagged(in, gr->code), 0);
			s = report_staff(in, gr->code, in->year);
			if (s != NULL)
				csv_num(&r, "", "", "", "staff_hme", s->hme, 1);
		}
		if (t->open)
			continue;
		for (q = 0; q < t->ncols; q++)
			csv_fig(&r, agg_question(t->agg, q),
			    gate_fig(t, row, q));
		if (t->has_hme)
			csv_hme(&r, &t->hme[row]);
	}
	return report_flushed(f, _("cannot write the report: %s"), e);
}

/* The codebook: every question of the report's table with its text, type,
 * theme and scope, and each category with its id and text; what a
 * spreadsheet user needs to read the CSV's question and category ids. */
int
report_codebook(FILE *f, const struct report_input *in, struct err *e)
{
	static const char *const cols[] = { "question", "type", "theme",
		"reported", "text", "category", "category_text" };
	const struct gate_table *t = in->cur;
	int sv = in->lang == NULL || strcmp(in->lang, "sv") == 0;
	char lb[REPORT_LB], cat[64];
	size_t q, c, i;

	fputs("\xef\xbb\xbf", f);
	for (i = 0; i < 7; i++) {
		fputs(csv_word(cols[i], sv), f);
		fputs(i < 6 ? ";" : "\r\n", f);
	}
	for (q = 0; q < t->ncols; q++) {
		const struct agg_question *aq = agg_question(t->agg, q);
		const char *v[7];

		v[0] = aq->id;
		v[1] = form_type_name(aq->type);
		v[2] = aq->theme != NULL ? aq->theme : "";
		v[3] = aq->report == FORM_SCOPE_REGION ? "region" : "unit";
		v[4] = report_qlabel(aq, in->lang);
		v[5] = "";
		v[6] = "";
		for (i = 0; i < 7; i++) {
			esc_csv(f, v[i]);
			fputs(i < 6 ? ";" : "\r\n", f);
		}
		for (c = 0; c < aq->ncat; c++) {
			if (aq->cat_ids != NULL)
				snprintf(cat, sizeof(cat), "%s",
				    aq->cat_ids[c]);
			else if (aq->type == FORM_YESNO)
				snprintf(cat, sizeof(cat), "%s",
				    c ? "yes" : "no");
			else
				snprintf(cat, sizeof(cat), "%d",
				    aq->min + (int)c);
			v[5] = cat;
			v[6] = report_catlabel(aq, c, in->lang, lb, sizeof(lb));
			for (i = 0; i < 7; i++) {
				esc_csv(f,
				    i < 5 ? (i == 0 ? aq->id : "") : v[i]);
				fputs(i < 6 ? ";" : "\r\n", f);
			}
		}
	}
	return report_flushed(f, _("cannot write the codebook: %s"), e);
}
