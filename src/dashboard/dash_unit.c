/* dash_unit: one unit in the chosen year: its headline figures beside the
 * region's, then every question as bars, with its trend and free text. */
#include "dashboard/dash.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/xmem.h"

#define UNIT_TOP 3 /* first line of the document */

struct unit_state {
	struct dash_doc doc;
	size_t top; /* first document line on screen */
};

static int
doc_h(void)
{
	return LINES - UNIT_TOP - 3; /* legend, message, keys */
}

static void
unit_layout(struct app *a)
{
	struct unit_state *s = a->ui.st;
	size_t q = AGG_NONE;

	if (s->doc.n > 0 && s->top < s->doc.n)
		q = s->doc.v[s->top].q;
	dash_doc_free(&s->doc);
	dash_unit_doc(&s->doc, a->d, a->unit, a->ov.year, COLS - 2, a->lang,
	    a->ascii);
	/* stay at the same question after a resize or a year change */
	s->top = 0;
	for (size_t i = 0; q != AGG_NONE && i < s->doc.n; i++)
		if (s->doc.v[i].q == q) {
			s->top = i;
			break;
		}
}

static void
unit_init(struct app *a)
{
	a->ui.st = xcalloc(1, sizeof(struct unit_state));
	unit_layout(a);
}

static void
unit_free(struct app *a)
{
	struct unit_state *s = a->ui.st;

	dash_doc_free(&s->doc);
	free(s);
}

static void
unit_resize(struct app *a)
{
	unit_layout(a);
}

/* "label value" pairs on one line, each cell through the gate's marks. */
static int
put_pair(struct app *a, int y, int x, const char *label,
    const struct dash_cell *c, enum dash_fmt f)
{
	const struct gate_table *t = dash_table(a->d, a->ov.year);
	char buf[128];

	if (x >= COLS - 2)
		return x;
	if (label[0] != '\0') {
		x += dash_put(a, y, x, COLS - 1 - x, TUI_DIM, label);
		x += dash_put(a, y, x, COLS - 1 - x, TUI_DIM, " ");
	}
	dash_cell_text(c, f, t ? t->k : a->d->in.gp.k, dash_glyphs(a->ascii),
	    buf, sizeof(buf));
	x += dash_put(a, y, x, COLS - 1 - x,
	    c->state == DASH_SHOWN ?
		(f == DASH_FMT_FLAG ? TUI_WARNING : TUI_STRONG) :
		TUI_DIM,
	    buf);
	return x + 2;
}

static void
unit_summary(struct app *a, int y)
{
	const struct dash_ov_row *r = dash_app_row(a, a->unit);
	const struct dash_ov_row *g = &a->ov.region;
	const struct dash_glyphs *gl = dash_glyphs(a->ascii);
	char lab[64];
	int x = 1;

	x = put_pair(a, y, x, _("Interviews"), &r->cells[DASH_COL_N],
	    DASH_FMT_INT);
	snprintf(lab, sizeof(lab), "%s %u%s%u", _("Turnover"), a->ov.year - 2,
	    gl->dash, a->ov.year);
	x = put_pair(a, y, x, lab, &r->cells[DASH_COL_TO2], DASH_FMT_PCT);
	x = put_pair(a, y, x - 1, "", &r->cells[DASH_COL_TO1], DASH_FMT_PCT);
	x = put_pair(a, y, x - 1, "", &r->cells[DASH_COL_TO0], DASH_FMT_PCT);
	if (r->cells[DASH_COL_FLAG].state == DASH_SHOWN &&
	    r->cells[DASH_COL_FLAG].v != 0)
		x = put_pair(a, y, x - 1, "", &r->cells[DASH_COL_FLAG],
		    DASH_FMT_FLAG);
	put_pair(a, y, x, _("Coverage"), &r->cells[DASH_COL_COV], DASH_FMT_PCT);
	x = 1;
	x = put_pair(a, y + 1, x, "HME", &r->cells[DASH_COL_HME],
	    DASH_FMT_INDEX);
	x = put_pair(a, y + 1, x - 1, _("region"), &g->cells[DASH_COL_HME],
	    DASH_FMT_INDEX);
	x = put_pair(a, y + 1, x - 1, _("staff survey"),
	    &r->cells[DASH_COL_STAFF], DASH_FMT_INDEX);
	x = put_pair(a, y + 1, x, "eNPS", &r->cells[DASH_COL_ENPS],
	    DASH_FMT_SIGNED);
	x = put_pair(a, y + 1, x - 1, _("region"), &g->cells[DASH_COL_ENPS],
	    DASH_FMT_SIGNED);
	put_pair(a, y + 1, x, _("Top reason"), &r->cells[DASH_COL_TOP],
	    DASH_FMT_TEXT);
}

static void
unit_draw(struct app *a)
{
	struct unit_state *s = a->ui.st;
	static const struct tui_keyhelp keys[] = { { "Tab", N_("Next") },
		{ "Enter", N_("Question") }, { "PgDn", N_("Page") },
		{ "[ ]", N_("Year") }, { "n p", N_("Unit") },
		{ "Esc", N_("Back") }, { "F1", N_("Help") },
		{ "q", N_("Quit") } };
	const struct dash_ov_row *r = dash_app_row(a, a->unit);
	const struct dash_line *l;
	char title[256];
	int h = doc_h(), i;
	enum tui_role role;

	snprintf(title, sizeof(title), "%s %s (%s) %u", _("Unit"), r->name,
	    r->code, a->ov.year);
	dash_title(a, title, a->d->in.region);
	unit_summary(a, 1);
	if (s->top >= s->doc.n)
		s->top = s->doc.n ? s->doc.n - 1 : 0;
	for (i = 0; i < h && s->top + (size_t)i < s->doc.n; i++) {
		l = &s->doc.v[s->top + (size_t)i];
		role = l->kind == DASH_L_HEAD ? TUI_STRONG :
		    l->kind == DASH_L_DIM     ? TUI_DIM :
						TUI_NORMAL;
		dash_put(a, UNIT_TOP + i, 1, COLS - 2, role, l->text);
		if (l->kind == DASH_L_BAR && l->bar != NULL)
			dash_put(a, UNIT_TOP + i, 1 + l->bar_x,
			    COLS - 2 - l->bar_x, TUI_BAR, l->bar);
	}
	if (s->top + (size_t)h < s->doc.n)
		dash_put(a, LINES - 4, COLS - 1, 1, TUI_DIM,
		    a->ascii ? "v" : "\xe2\x86\x93");
	dash_legend(a, LINES - 3);
	tui_keybar(keys, 8);
}

/* The document scrolled by d lines. */
static int
unit_scroll(struct app *a, long d)
{
	struct unit_state *s = a->ui.st;

	s->top = tui_scroll_move(s->top, d, s->doc.n, (size_t)doc_h());
	return TUI_OK;
}

static int
unit_up(struct app *a)
{
	return unit_scroll(a, -1);
}

static int
unit_down(struct app *a)
{
	return unit_scroll(a, 1);
}

static int
unit_pgup(struct app *a)
{
	return unit_scroll(a, -(long)tui_page(doc_h()));
}

static int
unit_pgdn(struct app *a)
{
	return unit_scroll(a, (long)tui_page(doc_h()));
}

static int
unit_home(struct app *a)
{
	((struct unit_state *)a->ui.st)->top = 0;
	return TUI_OK;
}

static int
unit_end(struct app *a)
{
	struct unit_state *s = a->ui.st;

	s->top = s->doc.n > (size_t)doc_h() ? s->doc.n - (size_t)doc_h() : 0;
	return TUI_OK;
}

static int
unit_next_q(struct app *a)
{
	struct unit_state *s = a->ui.st;

	s->top = dash_doc_step(&s->doc, s->top, 1);
	return TUI_OK;
}

static int
unit_prev_q(struct app *a)
{
	struct unit_state *s = a->ui.st;

	s->top = dash_doc_step(&s->doc, s->top, -1);
	return TUI_OK;
}

static int
unit_question(struct app *a)
{
	struct unit_state *s = a->ui.st;

	if (s->top >= s->doc.n || s->doc.v[s->top].q == AGG_NONE) {
		if (agg_nquestions(a->d->in.agg) == 0)
			return TUI_OK;
		a->q = 0;
	} else {
		a->q = s->doc.v[s->top].q;
	}
	tui_go(&a->ui, dash_question());
	return TUI_OK;
}

static int
unit_year(struct app *a, int dir)
{
	unsigned y = dash_year_step(a->d, a->ov.year, dir);

	if (y == a->ov.year)
		return TUI_OK;
	dash_set_year(a, y);
	unit_layout(a);
	return TUI_OK;
}

static int
unit_year_prev(struct app *a)
{
	return unit_year(a, -1);
}

static int
unit_year_next(struct app *a)
{
	return unit_year(a, 1);
}

/* The next or previous unit in the overview's order and filter. */
static int
unit_step(struct app *a, int dir)
{
	size_t i;

	for (i = 0; i < a->ov.nshown; i++)
		if (a->ov.rows[a->ov.shown[i]].unit == a->unit)
			break;
	if (i == a->ov.nshown)
		return TUI_OK;
	if (dir < 0 && i == 0)
		return TUI_OK;
	if (dir > 0 && i + 1 >= a->ov.nshown)
		return TUI_OK;
	i = dir < 0 ? i - 1 : i + 1;
	a->sel = i;
	a->unit = a->ov.rows[a->ov.shown[i]].unit;
	unit_layout(a);
	return TUI_OK;
}

static int
unit_next(struct app *a)
{
	return unit_step(a, 1);
}

static int
unit_prev(struct app *a)
{
	return unit_step(a, -1);
}

static int
unit_back(struct app *a)
{
	tui_go(&a->ui, dash_overview());
	return TUI_OK;
}

static const struct tui_bind unit_keys[] = {
	{ 1, KEY_UP, unit_up, DASH_H_SCROLL },
	{ 1, KEY_DOWN, unit_down, DASH_H_SCROLL },
	{ 0, 'k', unit_up, DASH_H_SCROLL },
	{ 0, 'j', unit_down, DASH_H_SCROLL },
	{ 1, KEY_PPAGE, unit_pgup, DASH_H_SCROLL },
	{ 1, KEY_NPAGE, unit_pgdn, DASH_H_SCROLL },
	{ 0, ' ', unit_pgdn, DASH_H_SCROLL },
	{ 1, KEY_HOME, unit_home, DASH_H_SCROLL },
	{ 1, KEY_END, unit_end, DASH_H_SCROLL },
	{ 0, '\t', unit_next_q, DASH_H_NEXTQ },
	{ 1, KEY_BTAB, unit_prev_q, DASH_H_PREVQ },
	{ 1, KEY_ENTER, unit_question, DASH_H_QVIEW1 },
	{ 0, 'v', unit_question, DASH_H_QVIEW1 },
	{ 0, '[', unit_year_prev, DASH_H_YEAR_PREV },
	{ 0, ']', unit_year_next, DASH_H_YEAR_NEXT },
	{ 0, '-', unit_year_prev, DASH_H_YEAR_PREV },
	{ 0, '+', unit_year_next, DASH_H_YEAR_NEXT },
	{ 0, 'n', unit_next, DASH_H_NEXTUNIT },
	{ 0, 'p', unit_prev, DASH_H_PREVUNIT },
	{ 1, KEY_RIGHT, unit_next, DASH_H_NEXTUNIT },
	{ 1, KEY_LEFT, unit_prev, DASH_H_PREVUNIT },
	{ 0, TUI_ESC, unit_back, DASH_H_BACK },
	{ 1, KEY_BACKSPACE, unit_back, DASH_H_BACK },
	{ 0, 127, unit_back, TUI_UNLISTED },
	DASH_KEYS_END,
};

const struct tui_bind *
dash_unit_keys(void)
{
	return unit_keys;
}

static const struct tui_screen unit_screen = { "unit", unit_init, unit_draw,
	unit_keys, NULL, unit_resize, unit_free, 0 };

const struct tui_screen *
dash_unit(void)
{
	return &unit_screen;
}
