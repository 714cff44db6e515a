/* dash_help: every key of every dashboard screen, what the marks in the
 * cells mean and why figures are hidden; any key goes back. */
#include "dashboard/dash.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/xmem.h"

struct help_state {
	char *text;
	int skip;
};

/* Append to *text (a growing string). */
static void help_add(char **text, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
help_add(char **text, const char *fmt, ...)
{
	va_list ap;
	char *more, *all;

	va_start(ap, fmt);
	more = xvasprintf(fmt, ap);
	va_end(ap);
	all = xasprintf("%s%s", *text, more);
	free(more);
	free(*text);
	*text = all;
}

/* A row of keys, from the table that dispatches them. */
static void
help_key_row(void *arg, const char *names, const char *what)
{
	help_add(arg, "  %s  %s\n", names, what);
}

static void
help_init(struct app *a)
{
	struct help_state *s = xcalloc(1, sizeof(*s));
	const struct dash_glyphs *g = dash_glyphs(a->ascii);
	unsigned k = a->d->in.gp.k < 3 ? 3 : a->d->in.gp.k;
	char **t = &s->text;

	a->ui.st = s;
	s->text = xstrdup("");
	help_add(t, "%s\n",
	    _("OVERVIEW: one row per unit for the chosen "
	      "year, the region on top."));
	tui_help_rows(dash_overview_keys(), help_key_row, t);
	help_add(t,
	    _("Columns: Int interviews held; T'yy turnover in that "
	      "year; %s flagged; Cov coverage (interviews / leavers); HME the "
	      "leavers' HME index; Staff the unit's staff-survey HME; eNPS; "
	      "Top reason; then the mean of each scale question."),
	    g->flag);
	help_add(t, "\n\n%s\n",
	    _("UNIT VIEW: every question as bars, the "
	      "unit's mean beside the region's, the trend over the years, free "
	      "text where allowed."));
	tui_help_rows(dash_unit_keys(), help_key_row, t);
	help_add(t, "\n%s\n",
	    _("QUESTION VIEW: one question across all "
	      "units and years as a heat map."));
	tui_help_rows(dash_question_keys(), help_key_row, t);
	help_add(t, "\n");
	help_add(t,
	    _("MARKS: a figure is shown only where at least %u "
	      "people answered.\n"
	      "  <%u  fewer than %u answers\n"
	      "  %s  hidden so that no hidden figure can be worked out from "
	      "the others\n"
	      "  %s  the running year: only the number of interviews\n"
	      "  R  a question reported for the whole region only\n"
	      "  %s  no answers, or no figure of this kind\n"
	      "Free text is shown only where a unit has at least %u answers, "
	      "in random order. No view shows single interviews."),
	    k, k, k, g->hidden, g->open, g->none,
	    a->d->in.gp.text_k < k ? k : a->d->in.gp.text_k);
}

static void
help_free(struct app *a)
{
	struct help_state *s = a->ui.st;

	free(s->text);
	free(s);
}

static void
help_draw(struct app *a)
{
	struct help_state *s = a->ui.st;
	static const struct tui_keyhelp keys[] = { { "Up Down", N_("Scroll") },
		{ "Esc", N_("Back") }, { "q", N_("Quit") } };
	int n;

	dash_title(a, _("Help"), a->d->in.region);
	n = tui_text(2, 2, COLS - 4, LINES - 5, s->skip, TUI_NORMAL, s->text);
	if (s->skip > 0 && s->skip >= n - (LINES - 5))
		s->skip = n - (LINES - 5) > 0 ? n - (LINES - 5) : 0;
	tui_keybar(keys, 3);
}

static int
help_up(struct app *a)
{
	struct help_state *s = a->ui.st;

	if (s->skip > 0)
		s->skip--;
	return TUI_OK;
}

static int
help_down(struct app *a)
{
	((struct help_state *)a->ui.st)->skip++;
	return TUI_OK;
}

static const struct tui_bind help_keys[] = {
	{ 1, KEY_UP, help_up, NULL },
	{ 1, KEY_DOWN, help_down, NULL },
	{ 0, 'k', help_up, NULL },
	{ 0, 'j', help_down, NULL },
	{ 0, 'q', tui_quit, NULL },
	{ 1, KEY_F(10), tui_quit, NULL },
	{ 0, 0, NULL, NULL },
};

/* Any key not in help_keys goes back. */
static const struct tui_screen help_screen = { "help", help_init, help_draw,
	help_keys, NULL, NULL, help_free, TUI_KEY_BACK };

const struct tui_screen *
dash_help(void)
{
	return &help_screen;
}
