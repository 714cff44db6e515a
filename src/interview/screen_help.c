/* screen_help: every key of the interviewer program, on one screen;
 * any key returns to where help was asked for. */
#include "interview/screen.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

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
	{ N_("New interview"), N_("type to filter the units, Backspace "
	    "takes a letter back, Esc clears") },
};

/* The names of every key of t bound to help text what, "Tab, PgDn". */
static void
help_keys(const struct screen_bind *t, const char *what, char *out,
    size_t n)
{
	char name[32];
	size_t len = 0;

	out[0] = '\0';
	for (; t->action != NULL; t++) {
		if (t->help == NULL || strcmp(t->help, what) != 0)
			continue;
		tui_key_name(t->fkey, t->ch, name, sizeof name);
		len += (size_t)snprintf(out + len, len < n ? n - len : 0,
		    "%s%s", len > 0 ? ", " : "", name);
	}
}

/* 1 if an earlier row of t than r has r's help text. */
static int
help_seen(const struct screen_bind *t, const struct screen_bind *r)
{
	for (; t != r; t++)
		if (t->help != NULL && strcmp(t->help, r->help) == 0)
			return 1;
	return 0;
}

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

static void
help_init(struct app *a)
{
	a->st = NULL;
}

static void
help_free(struct app *a)
{
	(void)a;
}

static void
help_draw(struct app *a)
{
	static const struct tui_keyhelp keys[] = {
		{ N_("any key"), N_("Back") } };
	const struct screen_bind *t = screen_question_keys(), *r;
	char names[128];
	size_t i;
	int y = 2, w = COLS - 31 > 72 ? 72 : COLS - 31;

	(void)a;
	tui_title(0, _("Help: keys"), NULL);
	/* the question screen's keys, from its own table */
	for (r = t; r->action != NULL && y >= 0; r++) {
		if (r->help == NULL || help_seen(t, r))
			continue;
		help_keys(t, r->help, names, sizeof names);
		y = help_row(y, w, names, _(r->help));
	}
	for (i = 0; i < sizeof help_more / sizeof help_more[0] && y >= 0; i++)
		y = help_row(y, w, _(help_more[i].keys), _(help_more[i].what));
	tui_text(LINES - 4, 2, COLS - 4, 2, 0, TUI_DIM, _("Every answer is "
	    "saved encrypted as you move on; after a crash, open the draft "
	    "from the start screen."));
	tui_keybar(keys, 1);
}

static int
help_key(struct app *a, const struct tui_key *k)
{
	(void)k;
	screen_go(a, a->back != NULL ? a->back : screen_home());
	return SCREEN_OK;
}

static const struct screen help_screen = {
	"help", help_init, help_draw, help_key, NULL, help_free,
};

const struct screen *
screen_help(void)
{
	return &help_screen;
}
