/* screen_help: every key of the interviewer program, on one screen;
 * any key returns to where help was asked for. */
#include "interview/screen.h"

#include <curses.h>

#include "util/i18n.h"

/* Help's rows after the question screen's keys: keys read outside a
 * key table (digits), and the other screens in a line each. */
static const struct {
	const char *keys;
	const char *what;
} help_more[] = {
	{ N_("1-9, 0"), N_("choose by number (on 0-10: 1 then 0 is 10)") },
	{ N_("Review"), N_("Enter changes an answer, F5 seals and submits") },
	{ N_("Start"), N_("Enter opens a draft, n new, Del deletes, q quit") },
	{ N_("New interview"),
	    N_("type to filter the units, Backspace "
	       "takes a letter back, Esc clears") },
};

/* One row of help, what wrapping under itself; returns the next y, or
 * -1 when it does not fit above the note at the bottom. */
static int
help_row(int y, int w, const char *keys, const char *what)
{
	int n = tui_text(0, 0, w, 0, 0, TUI_NORMAL, what);

	if (y + n > LINES - 5)
		return -1;
	tui_put(y, 2, 26, TUI_STRONG, keys);
	return y + tui_text(y, 29, w, n, 0, TUI_NORMAL, what);
}

struct help_at {
	int y; /* the next row, -1 when full */
	int w; /* the width of what keys do */
};

static void
help_key_row(void *arg, const char *names, const char *what)
{
	struct help_at *h = arg;

	if (h->y >= 0)
		h->y = help_row(h->y, h->w, names, what);
}

static void
help_draw(struct app *a)
{
	static const struct tui_keyhelp keys[] = { { N_("any key"),
	    N_("Back") } };
	struct help_at h;
	size_t i;

	(void)a;
	h.y = 2;
	h.w = COLS - 31 > 72 ? 72 : COLS - 31;
	tui_title(0, _("Help: keys"), NULL);
	/* the question screen's keys, from the table that dispatches them */
	tui_help_rows(screen_question_keys(), help_key_row, &h);
	for (i = 0; i < sizeof help_more / sizeof help_more[0] && h.y >= 0; i++)
		h.y = help_row(h.y, h.w, _(help_more[i].keys),
		    _(help_more[i].what));
	tui_text(LINES - 4, 2, COLS - 4, 2, 0, TUI_DIM,
	    _("Every answer is "
	      "saved encrypted as you move on; after a crash, open the draft "
	      "from the start screen."));
	tui_keybar(keys, 1);
}

/* Over the screen it is opened from; any key goes back to it. */
static const struct tui_screen help_screen = { "help", NULL, help_draw, NULL,
	NULL, NULL, NULL, TUI_OVER | TUI_KEEP_MSG | TUI_KEY_BACK };

const struct tui_screen *
screen_help(void)
{
	return &help_screen;
}
