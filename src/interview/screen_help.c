/* screen_help: every key of the interviewer program, on one screen;
 * any key returns to where help was asked for. */
#include "interview/screen.h"

#include <curses.h>

#include "util/i18n.h"

static const struct {
	const char *keys;
	const char *what;
} help_rows[] = {
	{ "Tab, PgDn, Ctrl-N", N_("next question (the answer is saved)") },
	{ "Shift-Tab, PgUp, Ctrl-P", N_("previous question") },
	{ "\xe2\x86\x91 \xe2\x86\x93", N_("move in a list of choices") },
	{ "\xe2\x86\x90 \xe2\x86\x92", N_("move on a scale or yes/no") },
	{ N_("1-9, 0"), N_("choose by number (on 0-10: 1 then 0 is 10)") },
	{ N_("Space"), N_("choose; tick or untick in a multiple choice") },
	{ "Enter", N_("choose and go on; in free text a new line") },
	{ "F8, Ctrl-X", N_("prefer not to answer (again: undo)") },
	{ "F2, Ctrl-O", N_("overview: jump to any question, F5 review") },
	{ "F10, Esc", N_("save the draft and go back to the start") },
	{ "F1, ?", N_("this help") },
	{ N_("Review"), N_("Enter changes an answer, F5 seals and submits") },
	{ N_("Start"), N_("Enter opens a draft, n new, Del deletes, q quit") },
	{ N_("New interview"), N_("type to filter the units, Backspace "
	    "takes a letter back, Esc clears") },
};

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
	size_t i;
	int y = 2, n, w = COLS - 31 > 72 ? 72 : COLS - 31;

	(void)a;
	tui_title(0, _("Help: keys"), NULL);
	/* what a key does wraps under itself, never cut off */
	for (i = 0; i < sizeof help_rows / sizeof help_rows[0]; i++) {
		n = tui_text(0, 0, w, 0, 0, TUI_NORMAL, _(help_rows[i].what));
		if (y + n > LINES - 5)
			break;
		tui_put(y, 2, 26, TUI_STRONG, _(help_rows[i].keys));
		y += tui_text(y, 29, w, n, 0, TUI_NORMAL,
		    _(help_rows[i].what));
	}
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
