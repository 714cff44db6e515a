/* dash_question: one question across all units and years as a heat map
 * of means (or shares), suppressed cells marked and never coloured. */
#include "dashboard/dash.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util/i18n.h"
#include "util/xmem.h"

#define QV_TOP 4  /* the header line */
#define QV_CELL 7 /* " ▓ 3.4" */

struct qv_state {
	size_t cat;	 /* single, multi: the category shown */
	size_t sel, top; /* index into the overview's shown rows */
};

static int
rows_h(void)
{
	return LINES - QV_TOP - 5; /* header, region, legend, msg, keys */
}

static int
name_w(void)
{
	return COLS / 4 < 20 ? 20 : COLS / 4 > 32 ? 32 : COLS / 4;
}

/* The years that fit, the newest last: the first index into d->years. */
static size_t
first_year(const struct app *a)
{
	size_t fit = (size_t)((COLS - 2 - name_w()) / QV_CELL);

	return a->d->nyears > fit ? a->d->nyears - fit : 0;
}

static void
qv_init(struct app *a)
{
	struct qv_state *s = xcalloc(1, sizeof(*s));

	a->ui.st = s;
	s->sel = a->sel;
	if (a->ui.prev != dash_help())
		a->q_from = a->ui.prev == dash_unit() ? dash_unit() :
							dash_overview();
}

static void
qv_free(struct app *a)
{
	free(a->ui.st);
}

static const char *
shade(const struct app *a, int level)
{
	static const char *const utf[5] = { "\xc2\xb7", "\xe2\x96\x91",
		"\xe2\x96\x92", "\xe2\x96\x93", "\xe2\x96\x88" };
	static const char *const asc[5] = { ".", ":", "-", "+", "#" };

	return a->ascii ? asc[level] : utf[level];
}

static void
draw_cell(struct app *a, int y, int x, size_t yi, size_t unit,
    const struct agg_question *aq, enum tui_role role)
{
	struct qv_state *s = a->ui.st;
	const struct gate_table *t = a->d->tabs[yi];
	size_t row = unit == AGG_NONE ? gate_row_region(t) :
					gate_row_unit(t, unit);
	struct dash_cell c = dash_qcell(t, row, a->q, s->cat);
	char buf[64], cell[64];
	wchar_t w[32];
	double lo, hi;
	size_t n;
	int lv, tw;

	dash_cell_text(&c, dash_qfmt(aq), t->k, dash_glyphs(a->ascii), buf,
	    sizeof(buf));
	if (c.state != DASH_SHOWN) {
		tw = tui_width(buf);
		dash_put(a, y, x + QV_CELL - 1 - tw, tw,
		    role == TUI_NORMAL ? TUI_DIM : role, buf);
		return;
	}
	dash_qrange(aq, &lo, &hi);
	lv = dash_heat_level(c.v, lo, hi);
	/* the shade says the level without colour too; the text is ours
	 * (a glyph and a number), so it is written directly */
	snprintf(cell, sizeof(cell), "%s%*s", shade(a, lv), QV_CELL - 2, buf);
	if ((n = mbstowcs(w, cell, sizeof(w) / sizeof(w[0]) - 1)) == (size_t)-1)
		return;
	attrset(dash_heat_attr(lv));
	mvaddnwstr(y, x, w, (int)n);
	attrset(A_NORMAL);
}

static void
draw_row(struct app *a, int y, const char *name, size_t unit,
    const struct agg_question *aq, enum tui_role role)
{
	size_t yi;
	int x;

	if (role != TUI_NORMAL) {
		attrset(tui_attr(role));
		mvhline(y, 0, ' ', COLS);
		attrset(A_NORMAL);
	}
	dash_put(a, y, 1, name_w(), role, name);
	x = 1 + name_w();
	for (yi = first_year(a); yi < a->d->nyears; yi++) {
		draw_cell(a, y, x + 1, yi, unit, aq, role);
		x += QV_CELL;
	}
}

static void
qv_draw(struct app *a)
{
	struct qv_state *s = a->ui.st;
	struct tui_keyhelp keys[] = { { "Tab", N_("Next question") },
		{ "\xe2\x86\x90\xe2\x86\x92", N_("Answer") },
		{ "Enter", N_("Unit") }, { "Esc", N_("Back") },
		{ "F1", N_("Help") }, { "q", N_("Quit") } };
	const struct agg_question *aq = agg_question(a->d->in.agg, a->q);
	const struct dash_ov_row *r;
	char title[256], line[512], yb[16];
	double lo, hi;
	size_t yi, i;
	int x, h = rows_h(), k;

	snprintf(title, sizeof(title), "%s %zu: %s", _("Question"), a->q + 1,
	    dash_qshort(aq, a->lang));
	dash_title(a, title, a->d->in.region);
	dash_put(a, 1, 1, COLS - 2, TUI_STRONG, dash_qlabel(aq, a->lang));
	dash_qrange(aq, &lo, &hi);
	switch (aq->type) {
	case FORM_SCALE:
	case FORM_NPS:
	case FORM_NUMBER:
		snprintf(line, sizeof(line),
		    _("Mean, %.0f to %.0f; "
		      "low (red) to high (green)"),
		    lo, hi);
		break;
	case FORM_YESNO:
		snprintf(line, sizeof(line), "%s", _("Share answering yes"));
		break;
	case FORM_SINGLE:
	case FORM_MULTI:
		snprintf(line, sizeof(line),
		    _("Share choosing: %s "
		      "(%zu of %zu; left and right for another)"),
		    dash_catlabel(aq, s->cat, a->lang), s->cat + 1, aq->ncat);
		break;
	default:
		snprintf(line, sizeof(line), "%s",
		    _("Free text has no "
		      "figures here: see the unit view."));
	}
	dash_put(a, 2, 1, COLS - 2, TUI_DIM, line);
	/* header: years, and the shades' scale */
	attrset(tui_attr(TUI_STRONG));
	mvhline(QV_TOP - 1, 0, ' ', COLS);
	attrset(A_NORMAL);
	dash_put(a, QV_TOP - 1, 1, name_w(), TUI_STRONG, _("Unit"));
	x = 1 + name_w();
	for (yi = first_year(a); yi < a->d->nyears; yi++) {
		snprintf(yb, sizeof(yb), "%u", a->d->years[yi]);
		dash_put(a, QV_TOP - 1, x + QV_CELL - (int)strlen(yb), 4,
		    a->d->years[yi] == a->ov.year ? TUI_SELECTED : TUI_STRONG,
		    yb);
		x += QV_CELL;
	}
	draw_row(a, QV_TOP, a->ov.region.name, AGG_NONE, aq, TUI_STRONG);
	s->sel = tui_sel_move(s->sel, 0, a->ov.nshown);
	s->top = tui_sel_top(s->top, s->sel, h);
	for (k = 0; k < h; k++) {
		i = s->top + (size_t)k;
		if (i >= a->ov.nshown)
			break;
		r = &a->ov.rows[a->ov.shown[i]];
		draw_row(a, QV_TOP + 1 + k, r->name, r->unit, aq,
		    i == s->sel ? TUI_SELECTED : TUI_NORMAL);
	}
	dash_legend(a, LINES - 3);
	if (a->ascii)
		keys[1].key = "<-->";
	tui_keybar(keys, 6);
}

static int
qv_up(struct app *a)
{
	struct qv_state *s = a->ui.st;

	s->sel = tui_sel_move(s->sel, -1, a->ov.nshown);
	return TUI_OK;
}

static int
qv_down(struct app *a)
{
	struct qv_state *s = a->ui.st;

	s->sel = tui_sel_move(s->sel, 1, a->ov.nshown);
	return TUI_OK;
}

static int
qv_pgup(struct app *a)
{
	struct qv_state *s = a->ui.st;

	s->sel = tui_sel_move(s->sel, -(long)tui_page(rows_h()), a->ov.nshown);
	return TUI_OK;
}

static int
qv_pgdn(struct app *a)
{
	struct qv_state *s = a->ui.st;

	s->sel = tui_sel_move(s->sel, (long)tui_page(rows_h()), a->ov.nshown);
	return TUI_OK;
}

static int
qv_cat(struct app *a, int dir)
{
	struct qv_state *s = a->ui.st;
	const struct agg_question *aq = agg_question(a->d->in.agg, a->q);

	if (aq->type != FORM_SINGLE && aq->type != FORM_MULTI)
		return TUI_OK;
	s->cat = tui_sel_move(s->cat, dir, aq->ncat);
	return TUI_OK;
}

static int
qv_left(struct app *a)
{
	return qv_cat(a, -1);
}

static int
qv_right(struct app *a)
{
	return qv_cat(a, 1);
}

static int
qv_step(struct app *a, int dir)
{
	a->q = tui_sel_move(a->q, dir, agg_nquestions(a->d->in.agg));
	((struct qv_state *)a->ui.st)->cat = 0;
	return TUI_OK;
}

static int
qv_next(struct app *a)
{
	return qv_step(a, 1);
}

static int
qv_prev(struct app *a)
{
	return qv_step(a, -1);
}

static int
qv_unit(struct app *a)
{
	struct qv_state *s = a->ui.st;

	if (a->ov.nshown == 0)
		return TUI_OK;
	a->sel = s->sel;
	a->unit = a->ov.rows[a->ov.shown[s->sel]].unit;
	tui_go(&a->ui, dash_unit());
	return TUI_OK;
}

static int
qv_back(struct app *a)
{
	tui_go(&a->ui, a->q_from != NULL ? a->q_from : dash_overview());
	return TUI_OK;
}

static const struct tui_bind qv_keys[] = {
	{ 1, KEY_UP, qv_up, DASH_H_UNIT },
	{ 1, KEY_DOWN, qv_down, DASH_H_UNIT },
	{ 0, 'k', qv_up, DASH_H_UNIT },
	{ 0, 'j', qv_down, DASH_H_UNIT },
	{ 1, KEY_PPAGE, qv_pgup, DASH_H_UNIT },
	{ 1, KEY_NPAGE, qv_pgdn, DASH_H_UNIT },
	{ 1, KEY_LEFT, qv_left, DASH_H_ANSWER },
	{ 1, KEY_RIGHT, qv_right, DASH_H_ANSWER },
	{ 0, '\t', qv_next, DASH_H_NEXTQ },
	{ 1, KEY_BTAB, qv_prev, DASH_H_PREVQ },
	{ 0, 'n', qv_next, DASH_H_NEXTQ },
	{ 0, 'p', qv_prev, DASH_H_PREVQ },
	{ 1, KEY_ENTER, qv_unit, DASH_H_THEUNIT },
	{ 0, TUI_ESC, qv_back, DASH_H_BACK },
	{ 1, KEY_BACKSPACE, qv_back, DASH_H_BACK },
	{ 0, 127, qv_back, TUI_UNLISTED },
	DASH_KEYS_END,
};

const struct tui_bind *
dash_question_keys(void)
{
	return qv_keys;
}

static const struct tui_screen qv_screen = { "question", qv_init, qv_draw,
	qv_keys, NULL, NULL, qv_free, 0 };

const struct tui_screen *
dash_question(void)
{
	return &qv_screen;
}
