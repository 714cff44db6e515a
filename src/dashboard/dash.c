/* dash: running the dashboard's screens, and what they draw alike: cells,
 * the legend, heat. */
#include "dashboard/dash.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "util/i18n.h"

#define DASH_HEAT_PAIR0 40 /* colour pairs after tui's roles */

int
dash_show_help(struct app *a)
{
	tui_go(&a->ui, dash_help());
	return TUI_OK;
}

const struct dash_ov_row *
dash_app_row(const struct app *a, size_t unit)
{
	size_t i;

	if (unit == AGG_NONE)
		return &a->ov.region;
	for (i = 0; i < a->ov.nrows; i++)
		if (a->ov.rows[i].unit == unit)
			return &a->ov.rows[i];
	return &a->ov.region;
}

void
dash_set_year(struct app *a, unsigned year)
{
	if (year == a->ov.year)
		return;
	dash_ov_set_year(&a->ov, year);
	tui_msg(TUI_INFO, _("Showing %u."), year);
}

int
dash_put(const struct app *a, int y, int x, int w, enum tui_role r,
    const char *s)
{
	char buf[1024];

	if (!a->ascii || s == NULL)
		return tui_put(y, x, w, r, s);
	dash_ascii(s, buf, sizeof(buf));
	return tui_put(y, x, w, r, buf);
}

void
dash_title(const struct app *a, const char *left, const char *right)
{
	char l[512], r[256];

	if (!a->ascii) {
		tui_title(0, left, right);
		return;
	}
	dash_ascii(left, l, sizeof(l));
	dash_ascii(right ? right : "", r, sizeof(r));
	tui_title(0, l, r);
}

void
dash_put_cell(struct app *a, int y, int x, int w, const struct dash_cell *c,
    enum dash_fmt f, enum tui_role r)
{
	const struct gate_table *t = dash_table(a->d, a->ov.year);
	char buf[256];
	int tw;

	dash_cell_text(c, f, t ? t->k : a->d->in.gp.k, dash_glyphs(a->ascii),
	    buf, sizeof(buf));
	if (c->state != DASH_SHOWN && r == TUI_NORMAL)
		r = TUI_DIM;
	if (c->state == DASH_SHOWN && f == DASH_FMT_FLAG && c->v != 0 &&
	    r == TUI_NORMAL)
		r = TUI_WARNING;
	tw = tui_width(buf);
	if (f == DASH_FMT_TEXT || tw >= w)
		dash_put(a, y, x, w, r, buf);
	else
		dash_put(a, y, x + w - tw, tw, r, buf);
}

void
dash_legend(struct app *a, int y)
{
	const struct dash_glyphs *g = dash_glyphs(a->ascii);
	const struct gate_table *t = dash_table(a->d, a->ov.year);
	char buf[512];

	snprintf(buf, sizeof(buf),
	    _("Marks: <%u too few  %s protects another"
	      "  %s open year  %s no data  %s flagged"),
	    t ? t->k : a->d->in.gp.k, g->hidden, g->open, g->none, g->flag);
	tui_put(y, 1, COLS - 2, TUI_DIM, buf);
}

/* Colour pairs for the heat map: red (low) to green (high). */
static int
dash_heat_colours(void)
{
	static int done, ok;
	static const short bg[5] = { COLOR_RED, COLOR_MAGENTA, COLOR_YELLOW,
		COLOR_CYAN, COLOR_GREEN };
	short i;

	if (done)
		return ok;
	done = 1;
	/* tui_attr gives colour pairs only when colours are on (no
	 * NO_COLOR, a colour terminal) */
	ok = (tui_attr(TUI_BAR) & A_COLOR) != 0 &&
	    COLOR_PAIRS > DASH_HEAT_PAIR0 + 5;
	for (i = 0; ok && i < 5; i++)
		init_pair(DASH_HEAT_PAIR0 + i, COLOR_BLACK, bg[i]);
	return ok;
}

int
dash_heat_attr(int level)
{
	static const int mono[5] = { A_DIM, A_DIM, A_NORMAL, A_BOLD,
		A_BOLD | A_REVERSE };

	level = level < 0 ? 0 : level > 4 ? 4 : level;
	if (dash_heat_colours())
		return (int)COLOR_PAIR(DASH_HEAT_PAIR0 + level);
	return mono[level];
}

int
dash_run(struct app *a, const struct tui_screen *first)
{
	tui_screens_run(&a->ui, a, first);
	tui_end();
	return a->exit_code;
}
