/* dash_overview: one row per unit for the chosen year, the region on top;
 * sort by any column, choose the year, filter by area, search by name. */
#include "dashboard/dash.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/utf8.h"
#include "util/xmem.h"

#define OV_TOP 4 /* first line of the table (the header) */
#define OV_Q_W 6 /* a question column */

struct ov_state {
	size_t left;   /* first column shown after the name */
	size_t top;    /* first shown row on screen */
	int searching; /* typing goes to the search */
	const char **areas;
	size_t nareas;
	long area; /* -1: all, else index into areas */
};

static int col_w(const struct app *a, size_t col);

/* The top reason's width: 16, and up to 24 more when every column fits. */
static int
top_w(const struct app *a)
{
	int x = 1 + 16;
	size_t c;

	for (c = 0; c < a->ov.ncols; c++)
		if (c != DASH_COL_TOP)
			x += 1 + col_w(a, c);
	if (x >= COLS)
		return 16;
	return 16 + (COLS - x > 24 ? 24 : COLS - x);
}

/* Width of each column, by the screen's width. */
static int
col_w(const struct app *a, size_t col)
{
	switch (col) {
	case DASH_COL_NAME:
		return COLS / 4 < 20 ? 20 : COLS / 4 > 32 ? 32 : COLS / 4;
	case DASH_COL_N:
	case DASH_COL_TO2:
	case DASH_COL_TO1:
	case DASH_COL_TO0:
	case DASH_COL_COV:
	case DASH_COL_ENPS:
		return 4;
	case DASH_COL_FLAG:
		return 1;
	case DASH_COL_HME:
		return 3;
	case DASH_COL_STAFF:
		return 5;
	case DASH_COL_TOP:
		return top_w(a);
	default: {
		/* as wide as the short: label and the sort arrow, 6 to 11 */
		char b[64];
		int w;

		dash_col_head(&a->ov, col, b, sizeof(b));
		w = tui_width(b) + 1;
		return w < OV_Q_W ? OV_Q_W : w > 11 ? 11 : w;
	}
	}
}

/* The last column that fits when the table starts at column left. */
static size_t
last_fit(const struct app *a, size_t left)
{
	int x = 1 + col_w(a, DASH_COL_NAME);
	size_t c, last = left;

	for (c = left; c < a->ov.ncols; c++) {
		x += 1 + col_w(a, c);
		if (x > COLS)
			break;
		last = c;
	}
	return last;
}

/* Keep the chosen column on screen. */
static void
ov_scroll(struct app *a)
{
	struct ov_state *s = a->ui.st;

	if (s->left < 1)
		s->left = 1;
	if (a->col != DASH_COL_NAME && a->col < s->left)
		s->left = a->col;
	while (a->col > last_fit(a, s->left) && s->left < a->ov.ncols - 1)
		s->left++;
}

static int
rows_h(void)
{
	return LINES - OV_TOP - 5; /* header, region, legend, msg, keys */
}

static void
ov_init(struct app *a)
{
	struct ov_state *s = xcalloc(1, sizeof(*s));

	a->ui.st = s;
	s->left = 1;
	s->area = -1;
	s->nareas = dash_areas(a->d, &s->areas);
	if (a->ov.area != NULL)
		for (size_t i = 0; i < s->nareas; i++)
			if (strcmp(s->areas[i], a->ov.area) == 0)
				s->area = (long)i;
	ov_scroll(a);
}

static void
ov_free(struct app *a)
{
	struct ov_state *s = a->ui.st;

	free(s->areas);
	free(s);
}

static void
ov_resize(struct app *a)
{
	ov_scroll(a);
}

static void
draw_row(struct app *a, int y, const struct dash_ov_row *r, enum tui_role role)
{
	struct ov_state *s = a->ui.st;
	int x = 1, w;
	size_t c;

	if (role != TUI_NORMAL) {
		attrset(tui_attr(role));
		mvhline(y, 0, ' ', COLS);
		attrset(A_NORMAL);
	}
	dash_put(a, y, x, col_w(a, DASH_COL_NAME), role, r->name);
	x += col_w(a, DASH_COL_NAME);
	for (c = s->left; c < a->ov.ncols; c++) {
		w = col_w(a, c);
		if (x + 1 + w > COLS)
			break;
		x++;
		dash_put_cell(a, y, x, w, &r->cells[c], dash_col_fmt(c), role);
		x += w;
	}
}

static void
draw_header(struct app *a, int y)
{
	struct ov_state *s = a->ui.st;
	const char *arrow;
	char buf[64];
	int x = 1, w, tw;
	size_t c;

	attrset(tui_attr(TUI_STRONG));
	mvhline(y, 0, ' ', COLS);
	attrset(A_NORMAL);
	for (c = 0; c < a->ov.ncols; c++) {
		if (c != DASH_COL_NAME && c < s->left)
			continue;
		w = col_w(a, c);
		if (c != DASH_COL_NAME) {
			if (x + 1 + w > COLS)
				break;
			x++;
		}
		dash_col_head(&a->ov, c, buf, sizeof(buf));
		if (c == a->ov.sort) {
			arrow = a->ascii ?
			    (a->ov.desc ? "v" : "^") :
			    (a->ov.desc ? "\xe2\x96\xbe" : "\xe2\x96\xb4");
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
			    "%s", arrow);
		}
		tw = tui_width(buf);
		if (tw > w)
			tw = w;
		dash_put(a, y,
		    dash_col_fmt(c) == DASH_FMT_TEXT ? x : x + w - tw, w,
		    c == a->col ? TUI_SELECTED : TUI_STRONG, buf);
		x += w;
	}
}

static void
ov_draw(struct app *a)
{
	struct ov_state *s = a->ui.st;
	static const struct tui_keyhelp keys[] = { { "Enter", N_("Unit") },
		{ "v", N_("Question") },
		{ "\xe2\x86\x90\xe2\x86\x92", N_("Column") },
		{ "s", N_("Sort") }, { "[ ]", N_("Year") }, { "a", N_("Area") },
		{ "/", N_("Search") }, { "F1", N_("Help") },
		{ "q", N_("Quit") } };
	static const struct tui_keyhelp akeys[] = { { "<-->", N_("Column") } };
	struct tui_keyhelp kb[9];
	const struct gate_table *t = dash_table(a->d, a->ov.year);
	char title[256], right[128], line[512], desc[256];
	int h = rows_h(), r;
	size_t i;

	snprintf(title, sizeof(title), _("Overview %u"), a->ov.year);
	if (t != NULL && t->open)
		snprintf(title + strlen(title), sizeof(title) - strlen(title),
		    " (%s)", _("running year: counts only"));
	snprintf(right, sizeof(right), "%s",
	    a->d->in.region ? a->d->in.region : "");
	dash_title(a, title, right);
	snprintf(line, sizeof(line),
	    _("Area: %s   Search: %s%s   %zu of %zu "
	      "units"),
	    s->area < 0		     ? _("all") :
		s->areas[s->area][0] ? s->areas[s->area] :
				       _("(none)"),
	    a->ov.search, s->searching ? "_" : "", a->ov.nshown, a->ov.nrows);
	if (a->rejected > 0)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
		    _("   %zu envelopes not counted"), a->rejected);
	dash_put(a, 1, 1, COLS - 2, s->searching ? TUI_STRONG : TUI_NORMAL,
	    line);
	dash_col_desc(&a->ov, a->col, desc, sizeof(desc));
	dash_put(a, 2, 1, COLS - 2, TUI_DIM, desc);
	draw_header(a, OV_TOP - 1);
	draw_row(a, OV_TOP, &a->ov.region, TUI_STRONG);
	a->sel = tui_sel_move(a->sel, 0, a->ov.nshown);
	s->top = tui_sel_top(s->top, a->sel, h);
	for (r = 0; r < h; r++) {
		i = s->top + (size_t)r;
		if (i >= a->ov.nshown)
			break;
		draw_row(a, OV_TOP + 1 + r, &a->ov.rows[a->ov.shown[i]],
		    i == a->sel ? TUI_SELECTED : TUI_NORMAL);
	}
	if (a->ov.nshown == 0)
		dash_put(a, OV_TOP + 1, 2, COLS - 4, TUI_DIM,
		    _("No unit matches: Esc clears the search and the area."));
	dash_legend(a, LINES - 3);
	if (dash_held(a->d, a->ov.year) > 0) {
		uint32_t n = dash_held(a->d, a->ov.year);

		snprintf(line, sizeof(line),
		    ngettext("%u interview arrived "
			     "after the release: held back",
			"%u interviews arrived "
			"after the release: held back",
			n),
		    (unsigned)n);
		/* the free row between the units and the legend */
		dash_put(a, LINES - 4, 1, COLS - 2, TUI_WARNING, line);
	}
	memcpy(kb, keys, sizeof(keys));
	if (a->ascii)
		kb[2] = akeys[0];
	tui_keybar(kb, 9);
}

static int
ov_up(struct app *a)
{
	a->sel = tui_sel_move(a->sel, -1, a->ov.nshown);
	return TUI_OK;
}

static int
ov_down(struct app *a)
{
	a->sel = tui_sel_move(a->sel, 1, a->ov.nshown);
	return TUI_OK;
}

static int
ov_pgup(struct app *a)
{
	a->sel = tui_sel_move(a->sel, -(long)tui_page(rows_h()), a->ov.nshown);
	return TUI_OK;
}

static int
ov_pgdn(struct app *a)
{
	a->sel = tui_sel_move(a->sel, (long)tui_page(rows_h()), a->ov.nshown);
	return TUI_OK;
}

static int
ov_home(struct app *a)
{
	a->sel = 0;
	return TUI_OK;
}

static int
ov_end(struct app *a)
{
	a->sel = a->ov.nshown ? a->ov.nshown - 1 : 0;
	return TUI_OK;
}

static int
ov_left(struct app *a)
{
	if (a->col > 0)
		a->col--;
	ov_scroll(a);
	return TUI_OK;
}

static int
ov_right(struct app *a)
{
	if (a->col + 1 < a->ov.ncols)
		a->col++;
	ov_scroll(a);
	return TUI_OK;
}

/* Sort by the chosen column: figures highest first, names A to Ö; the
 * same key again turns the order round. */
static int
ov_sort(struct app *a)
{
	int desc;

	if (a->ov.sort == a->col)
		desc = !a->ov.desc;
	else
		desc = dash_col_fmt(a->col) != DASH_FMT_TEXT;
	dash_ov_sort(&a->ov, a->col, desc);
	a->sel = 0;
	return TUI_OK;
}

static int
ov_year_prev(struct app *a)
{
	dash_set_year(a, dash_year_step(a->d, a->ov.year, -1));
	return TUI_OK;
}

static int
ov_year_next(struct app *a)
{
	dash_set_year(a, dash_year_step(a->d, a->ov.year, 1));
	return TUI_OK;
}

static int
ov_area(struct app *a)
{
	struct ov_state *s = a->ui.st;

	s->area = s->area + 1 >= (long)s->nareas ? -1 : s->area + 1;
	dash_ov_filter(&a->ov, s->area < 0 ? NULL : s->areas[s->area],
	    a->ov.search);
	a->sel = 0;
	return TUI_OK;
}

static int
ov_search(struct app *a)
{
	((struct ov_state *)a->ui.st)->searching = 1;
	return TUI_OK;
}

/* Esc: clear the search, then the area filter. */
static int
ov_clear(struct app *a)
{
	struct ov_state *s = a->ui.st;

	if (a->ov.search[0] != '\0')
		dash_ov_filter(&a->ov, a->ov.area, NULL);
	else if (s->area >= 0) {
		s->area = -1;
		dash_ov_filter(&a->ov, NULL, NULL);
	}
	a->sel = 0;
	return TUI_OK;
}

static int
ov_unit(struct app *a)
{
	if (a->ov.nshown == 0)
		return TUI_OK;
	a->unit = a->ov.rows[a->ov.shown[a->sel]].unit;
	tui_go(&a->ui, dash_unit());
	return TUI_OK;
}

/* The question view for the chosen column's question (the first scale
 * question for columns that are not one). */
static int
ov_question(struct app *a)
{
	const struct gate_table *t = dash_table(a->d, a->ov.year);
	size_t q = AGG_NONE;

	if (a->col >= DASH_COL_Q0)
		q = a->d->scale_q[a->col - DASH_COL_Q0];
	else if (a->col == DASH_COL_ENPS)
		q = a->d->enps_q;
	else if (a->col == DASH_COL_TOP && t != NULL)
		q = t->reasons_q;
	else if (a->col == DASH_COL_HME && t != NULL && t->has_hme)
		q = t->hme_q[0];
	if (q == AGG_NONE && a->d->nscale > 0)
		q = a->d->scale_q[0];
	if (q == AGG_NONE && agg_nquestions(a->d->in.agg) > 0)
		q = 0;
	if (q == AGG_NONE) {
		tui_msg(TUI_WARNING, "%s", _("There are no questions yet."));
		return TUI_OK;
	}
	a->q = q;
	tui_go(&a->ui, dash_question());
	return TUI_OK;
}

static const struct tui_bind ov_keys[] = {
	{ 1, KEY_UP, ov_up, DASH_H_UNIT },
	{ 1, KEY_DOWN, ov_down, DASH_H_UNIT },
	{ 0, 'k', ov_up, DASH_H_UNIT },
	{ 0, 'j', ov_down, DASH_H_UNIT },
	{ 1, KEY_PPAGE, ov_pgup, DASH_H_UNIT },
	{ 1, KEY_NPAGE, ov_pgdn, DASH_H_UNIT },
	{ 1, KEY_HOME, ov_home, DASH_H_UNIT },
	{ 1, KEY_END, ov_end, DASH_H_UNIT },
	{ 1, KEY_LEFT, ov_left, DASH_H_COLUMN },
	{ 1, KEY_RIGHT, ov_right, DASH_H_COLUMN },
	{ 0, 'h', ov_left, DASH_H_COLUMN },
	{ 0, 'l', ov_right, DASH_H_COLUMN },
	{ 0, 's', ov_sort, DASH_H_SORT },
	{ 1, KEY_F(6), ov_sort, DASH_H_SORT },
	{ 0, '[', ov_year_prev, DASH_H_YEAR_PREV },
	{ 0, ']', ov_year_next, DASH_H_YEAR_NEXT },
	{ 0, '-', ov_year_prev, DASH_H_YEAR_PREV },
	{ 0, '+', ov_year_next, DASH_H_YEAR_NEXT },
	{ 0, 'a', ov_area, DASH_H_AREA },
	{ 0, '/', ov_search, DASH_H_SEARCH },
	{ 1, KEY_F(3), ov_search, DASH_H_SEARCH },
	{ 0, TUI_ESC, ov_clear, DASH_H_CLEAR },
	{ 1, KEY_ENTER, ov_unit, DASH_H_UNITVIEW },
	{ 0, 'v', ov_question, DASH_H_QVIEW },
	{ 1, KEY_F(4), ov_question, DASH_H_QVIEW },
	DASH_KEYS_END,
};

const struct tui_bind *
dash_overview_keys(void)
{
	return ov_keys;
}

/* Typing into the search: characters add, Backspace removes, Enter
 * keeps the search, Esc drops it. Movement keys still move. */
static int
ov_search_key(struct app *a, const struct tui_key *k)
{
	struct ov_state *s = a->ui.st;
	char buf[DASH_SEARCH_MAX + 1];
	size_t n = strlen(a->ov.search), l;

	snprintf(buf, sizeof(buf), "%s", a->ov.search);
	if (k->fkey && k->ch == KEY_ENTER) {
		s->searching = 0;
		return TUI_OK;
	}
	if (!k->fkey && k->ch == TUI_ESC) {
		s->searching = 0;
		dash_ov_filter(&a->ov, a->ov.area, NULL);
		return TUI_OK;
	}
	if ((k->fkey && k->ch == KEY_BACKSPACE) ||
	    (!k->fkey && (k->ch == 127 || k->ch == 8))) {
		while (n > 0 && ((unsigned char)buf[n - 1] & 0xc0) == 0x80)
			n--;
		if (n > 0)
			n--;
		buf[n] = '\0';
	} else if (!k->fkey && k->ch >= 0x20 && !utf8_forbidden(k->ch)) {
		char enc[4];

		if ((l = utf8_encode(k->ch, enc)) == 0 ||
		    n + l > DASH_SEARCH_MAX)
			return TUI_OK;
		memcpy(buf + n, enc, l);
		buf[n + l] = '\0';
	} else {
		int r = tui_dispatch(a, ov_keys, k);

		return r == -1 ? TUI_OK : r;
	}
	dash_ov_filter(&a->ov, a->ov.area, buf);
	a->sel = 0;
	return TUI_OK;
}

static int
ov_key(struct app *a, const struct tui_key *k)
{
	int r;

	if (((struct ov_state *)a->ui.st)->searching)
		return ov_search_key(a, k);
	r = tui_dispatch(a, ov_keys, k);
	return r == -1 ? TUI_OK : r;
}

static const struct tui_screen ov_screen = { "overview", ov_init, ov_draw, NULL,
	ov_key, ov_resize, ov_free, 0 };

const struct tui_screen *
dash_overview(void)
{
	return &ov_screen;
}
