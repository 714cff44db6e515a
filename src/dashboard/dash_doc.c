/* dash_doc: the dashboard's texts: cells, bars, sparklines and glyphs
 * (ASCII where the terminal has no UTF-8), and the unit view as a
 * document of lines, every figure read from the gate's published tables
 * through dash_model. */
#include "dashboard/dash_model.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "tui/tui_edit.h"
#include "util/i18n.h"
#include "util/utf8.h"
#include "util/xmem.h"

#define DASH_TREND_MAX 10 /* years in a sparkline */
#define DASH_BAR_MAX 50	  /* columns of a bar at most */

/* --- texts and glyphs -------------------------------------------------- */

const struct dash_glyphs *
dash_glyphs(int ascii)
{
	static const struct dash_glyphs utf = { "\xe2\x80\x93", "\xc3\x97",
		"\xe2\x80\xa6", "R", "\xe2\x96\xb2", " ", "\xe2\x80\xa2",
		"\xe2\x80\x93", 0 };
	static const struct dash_glyphs asc = { "-", "x", "..", "R", "!", " ",
		"*", "-", 1 };

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
	static const char latin1[] = "AAAAAAACEEEEIIII"
				     "DNOOOOO?OUUUUYTs"
				     "aaaaaaaceeeeiiii"
				     "dnooooo?ouuuuyty";
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
	static const char *const part[8] = { "", "\xe2\x96\x8f", "\xe2\x96\x8e",
		"\xe2\x96\x8d", "\xe2\x96\x8c", "\xe2\x96\x8b", "\xe2\x96\x8a",
		"\xe2\x96\x89" };
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
#define PUT(s) \
	do { \
		size_t l_ = strlen(s); \
		if (o + l_ < n) { \
			memcpy(out + o, (s), l_); \
			o += l_; \
		} \
	} while (0)
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
dash_spark(const double *v, const int *has, size_t nv, double lo, double hi,
    int ascii, char *out, size_t n)
{
	static const char *const utf[8] = { "\xe2\x96\x81", "\xe2\x96\x82",
		"\xe2\x96\x83", "\xe2\x96\x84", "\xe2\x96\x85", "\xe2\x96\x86",
		"\xe2\x96\x87", "\xe2\x96\x88" };
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
doc_add(struct dash_doc *doc, enum dash_line_kind kind, size_t q, char *text)
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

static void doc_addf(struct dash_doc *doc, enum dash_line_kind kind, size_t q,
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
		buf = xcalloc(strlen(prefix) + 4 * (v[i].end - v[i].start) + 1,
		    1);
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
		snprintf(buf, n, "%s",
		    _("hidden so that no hidden figure "
		      "can be worked out from the others"));
		break;
	case GATE_REGION_ONLY:
		snprintf(buf, n, "%s",
		    _("reported for the whole region "
		      "only"));
		break;
	case GATE_OPEN:
		snprintf(buf, n, "%s",
		    _("the year is still running: only "
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
	snprintf(out, n, "%u%s%u %s", d->years[first], dash_glyphs(ascii)->dash,
	    d->years[last - 1], sp);
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
			doc_addf(doc, DASH_L_DIM, q, "   %s",
			    reason_note(f->reason, t->k, buf, sizeof(buf)));
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
		doc_addf(doc, DASH_L_TEXT, q,
		    "   %s %s (%s %s)%s   n %u"
		    "%s%s",
		    _("Mean"), mean, _("region"), reg, lab, f->answered,
		    tr[0] ? "   " : "", tr);
	} else {
		doc_addf(doc, DASH_L_TEXT, q, "   n %u", f->answered);
	}
	lw = w / 3 > 28 ? 28 : w / 3;
	bw = w - lw - 16;
	if (bw > DASH_BAR_MAX)
		bw = DASH_BAR_MAX; /* long bars read badly */
	for (c = 0; c < aq->ncat && bw > 0; c++) {
		double share = f->answered ?
		    (double)f->counts[c] / f->answered :
		    0;

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
	static const char *const sub[3] = { N_("motivation"), N_("leadership"),
		N_("governance") };
	const struct gate_hme *h = &t->hme[row];
	const struct dash_glyphs *g = dash_glyphs(ascii);
	struct dash_cell c;
	char v[4][32], line[512];
	int i;

	for (i = 0; i < 4; i++) {
		enum gate_reason why = i == 0 ? h->reason :
						h->sub_reason[i - 1];
		int has = i == 0 ? h->h.has_total : h->h.has_sub[i - 1];

		c = why != GATE_SHOWN ?
		    dash_cell_hidden(why) :
		    has ?
		    dash_cell_value(i == 0 ? h->h.total : h->h.sub[i - 1]) :
		    dash_cell_none();
		dash_cell_text(&c, DASH_FMT_INDEX, t->k, g, v[i], sizeof(v[i]));
	}
	/* the total and the region's are on the unit view's summary line */
	snprintf(line, sizeof(line), "%s   %s %s   %s %s   %s %s",
	    _("HME sub-indices"), _(sub[0]), v[1], _(sub[1]), v[2], _(sub[2]),
	    v[3]);
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
	if (t == NULL ||
	    (row = u == AGG_NONE ? gate_row_region(t) : gate_row_unit(t, u)) ==
		AGG_NONE) {
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
