/* screen_intro: the form's information text, read to the leaver and
 * confirmed before the first question. */
#include "interview/screen.h"

#include <curses.h>
#include <stdlib.h>

#include "util/i18n.h"
#include "util/xmem.h"

struct intro {
	int skip; /* lines scrolled */
	int need; /* lines the text needs */
};

static void
intro_init(struct app *a)
{
	a->ui.st = xcalloc(1, sizeof(struct intro));
}

static void
intro_free(struct app *a)
{
	free(a->ui.st);
}

static void
intro_draw(struct app *a)
{
	struct intro *in = a->ui.st;
	const struct form *f = session_form(a->s);
	int li = session_lang(a->s), h = LINES - 8, w = COLS - 6;
	static const struct tui_keyhelp keys[] = {
		{ "Enter", N_("Start the interview") },
		{ "\xe2\x86\x91\xe2\x86\x93", N_("Scroll") },
		{ "Esc", N_("Back") }, { "F1", N_("Help") }
	};

	if (w > 76)
		w = 76;
	tui_title(0, screen_form_title(f, li),
	    screen_unit_name(a, session_unit(a->s)));
	tui_put(2, 3, COLS - 6, TUI_TITLE, _("Read this to the leaver:"));
	in->need = tui_text(4, 3, w, h, in->skip, TUI_NORMAL,
	    form_text_get(&f->intro, li));
	if (in->need > h + in->skip)
		tui_put(4 + h, 3, COLS - 6, TUI_DIM, _("(more below)"));
	tui_keybar(keys, 4);
}

static int
intro_start(struct app *a)
{
	if (session_where(a->s) == SESSION_INTRO)
		session_start(a->s);
	if (screen_save(a) == -1)
		return TUI_OK;
	screen_to_question(a);
	return TUI_OK;
}

static int
intro_back(struct app *a)
{
	/* a new interview has no draft yet: nothing to keep */
	screen_close(a, a->desk.has_draft);
	tui_go(&a->ui, screen_home());
	return TUI_OK;
}

/* The text scrolled by d lines. */
static int
intro_scroll(struct app *a, long d)
{
	struct intro *in = a->ui.st;

	in->skip = (int)tui_scroll_move((size_t)in->skip, d, (size_t)in->need,
	    (size_t)(LINES - 8));
	return TUI_OK;
}

static int
intro_up(struct app *a)
{
	return intro_scroll(a, -1);
}

static int
intro_down(struct app *a)
{
	return intro_scroll(a, 1);
}

static const struct tui_bind intro_keys[] = {
	{ 1, KEY_ENTER, intro_start, NULL },
	{ 0, TUI_ESC, intro_back, NULL },
	{ 1, KEY_UP, intro_up, NULL },
	{ 1, KEY_DOWN, intro_down, NULL },
	{ 1, KEY_F(1), screen_show_help, NULL },
	{ 0, '?', screen_show_help, NULL },
	{ 0, 0, NULL, NULL },
};

static void
intro_resize(struct app *a)
{
	struct intro *in = a->ui.st;

	in->skip = 0;
}

static const struct tui_screen intro_screen = { "intro", intro_init, intro_draw,
	intro_keys, NULL, intro_resize, intro_free, 0 };

const struct tui_screen *
screen_intro(void)
{
	return &intro_screen;
}
