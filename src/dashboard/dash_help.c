/* dash_help: every key of every dashboard screen, what the marks in the
 * cells mean and why figures are hidden; any key goes back. */
#include "dashboard/dash.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/xmem.h"

struct help_state {
	char *text;
	int skip;
};

static void
help_init(struct dash_app *a)
{
	struct help_state *s = xcalloc(1, sizeof(*s));
	const struct dash_glyphs *g = dash_glyphs(a->ascii);
	unsigned k = a->d->in.gp.k < 3 ? 3 : a->d->in.gp.k;

	a->st = s;
	s->text = xasprintf(_(
	    "OVERVIEW: one row per unit for the chosen year, the region on "
	    "top.\n"
	    "  Up Down PgUp PgDn Home End  choose a unit\n"
	    "  Left Right  choose a column (its meaning is shown above "
	    "the table)\n"
	    "  s F6  sort by the column; again: the other way round\n"
	    "  [ ]  the year before, the year after (also - and +)\n"
	    "  a  the next area (all areas after the last)\n"
	    "  / F3  search units by name or code; Enter keeps it, Esc "
	    "drops it\n"
	    "  Esc  clear the search, then the area\n"
	    "  Enter  the unit view    v F4  the question view of the "
	    "column\n"
	    "Columns: Int interviews held; T'yy turnover in that year; %s "
	    "flagged; Cov coverage (interviews / leavers); HME the "
	    "leavers' HME index; Staff the unit's staff-survey HME; eNPS; "
	    "Top reason; then the mean of each scale question.\n\n"
	    "UNIT VIEW: every question as bars, the unit's mean beside the "
	    "region's, the trend over the years, free text where allowed.\n"
	    "  Up Down PgUp PgDn Space  scroll    Tab Shift-Tab  next, "
	    "previous question\n"
	    "  n p Right Left  next, previous unit    [ ]  year\n"
	    "  Enter v  the question view    Esc Backspace  back\n\n"
	    "QUESTION VIEW: one question across all units and years as a "
	    "heat map.\n"
	    "  Up Down PgUp PgDn  choose a unit    Left Right  another "
	    "answer (choice questions)\n"
	    "  Tab n, Shift-Tab p  next, previous question    Enter  the "
	    "unit    Esc  back\n\n"
	    "Everywhere: F1 ? this help    q F10 quit\n\n"
	    "MARKS: a figure is shown only where at least %u people "
	    "answered.\n"
	    "  <%u  fewer than %u answers\n"
	    "  %s  hidden so that no hidden figure can be worked out from "
	    "the others\n"
	    "  %s  the running year: only the number of interviews\n"
	    "  R  a question reported for the whole region only\n"
	    "  %s  no answers, or no figure of this kind\n"
	    "Free text is shown only where a unit has at least %u answers, "
	    "in random order. No view shows single interviews."),
	    g->flag, k, k, k, g->hidden, g->open, g->none,
	    a->d->in.gp.text_k < k ? k : a->d->in.gp.text_k);
}

static void
help_free(struct dash_app *a)
{
	struct help_state *s = a->st;

	free(s->text);
	free(s);
}

static void
help_draw(struct dash_app *a)
{
	struct help_state *s = a->st;
	static const struct tui_keyhelp keys[] = {
		{ "Up Down", N_("Scroll") }, { "Esc", N_("Back") },
		{ "q", N_("Quit") } };
	int n;

	dash_title(a, _("Help"), a->d->in.region);
	n = tui_text(2, 2, COLS - 4, LINES - 5, s->skip, TUI_NORMAL, s->text);
	if (s->skip > 0 && s->skip >= n - (LINES - 5))
		s->skip = n - (LINES - 5) > 0 ? n - (LINES - 5) : 0;
	tui_keybar(keys, 3);
}

static int
help_up(struct dash_app *a)
{
	struct help_state *s = a->st;

	if (s->skip > 0)
		s->skip--;
	return DASH_OK;
}

static int
help_down(struct dash_app *a)
{
	((struct help_state *)a->st)->skip++;
	return DASH_OK;
}

static int
help_quit(struct dash_app *a)
{
	(void)a;
	return DASH_QUIT;
}

static const struct dash_bind help_keys[] = {
	{ 1, KEY_UP, help_up },
	{ 1, KEY_DOWN, help_down },
	{ 0, 'k', help_up },
	{ 0, 'j', help_down },
	{ 0, 'q', help_quit },
	{ 1, KEY_F(10), help_quit },
	{ 0, 0, NULL },
};

static int
help_key(struct dash_app *a, const struct tui_key *k)
{
	int r = dash_dispatch(a, help_keys, k);

	if (r != -1)
		return r;
	dash_go(a, a->back != NULL ? a->back : dash_overview());
	return DASH_OK;
}

static const struct dash_screen help_screen = {
	"help", help_init, help_draw, help_key, NULL, help_free,
};

const struct dash_screen *
dash_help(void)
{
	return &help_screen;
}
