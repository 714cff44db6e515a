/* tui_screen: the screens' runtime and the one loop both programs run:
 * key tables and their dispatch, help's rows from them, switching,
 * notices, drawing and reading keys (see tui_screen.h). */
#include "tui/tui_screen.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "util/i18n.h"

/* Keys waiting at most this many in a row before a draw all the same. */
#define TUI_SCREENS_BATCH 4096

int
tui_dispatch(struct app *a, const struct tui_bind *t, const struct tui_key *k)
{
	for (; t->action != NULL; t++)
		if (t->fkey == k->fkey && t->ch == k->ch)
			return t->action(a);
	return -1;
}

int
tui_quit(struct app *a)
{
	(void)a;
	return TUI_QUIT;
}

/* 1 if help lists the key of row b. */
static int
listed(const struct tui_bind *b)
{
	return b->help != NULL && b->help[0] != '\0';
}

void
tui_help_rows(const struct tui_bind *t,
    void (*row)(void *arg, const char *names, const char *what), void *arg)
{
	char names[160], name[32];
	size_t i, j, len;

	for (i = 0; t[i].action != NULL; i++) {
		if (!listed(&t[i]))
			continue;
		for (j = 0; j < i; j++)
			if (listed(&t[j]) && strcmp(t[j].help, t[i].help) == 0)
				break;
		if (j < i)
			continue; /* listed with its first key */
		names[0] = '\0';
		for (len = 0, j = i; t[j].action != NULL; j++) {
			if (!listed(&t[j]) || strcmp(t[j].help, t[i].help) != 0)
				continue;
			tui_key_name(t[j].fkey, t[j].ch, name, sizeof name);
			len += (size_t)snprintf(names + len,
			    len < sizeof names ? sizeof names - len : 0, "%s%s",
			    len > 0 ? ", " : "", name);
		}
		row(arg, names, _(t[i].help));
	}
}

void
tui_go(struct tui_screens *ui, const struct tui_screen *sc)
{
	ui->next = sc;
}

void
tui_go_back(struct tui_screens *ui)
{
	tui_go(ui, ui->prev != NULL ? ui->prev : ui->first);
}

void
tui_notice(struct tui_screens *ui, const char *title, const char *text)
{
	ui->notice_title = title;
	ui->notice_text = text;
}

/* A screen's state made and freed (a screen without one has no hooks). */
static void
screen_init(struct tui_screens *ui, const struct tui_screen *sc)
{
	if (sc->init != NULL)
		sc->init(ui->app);
}

static void
screen_free(struct tui_screens *ui, const struct tui_screen *sc)
{
	if (sc->free != NULL)
		sc->free(ui->app);
}

/* Free the state kept for the screen under an over screen, if any. */
static void
screens_drop_kept(struct tui_screens *ui)
{
	void *st = ui->st;

	if (ui->kept == NULL)
		return;
	ui->st = ui->kept;
	ui->kept = NULL;
	screen_free(ui, ui->under);
	ui->st = st;
}

/* Leave cur for next. An over screen (help) is drawn instead of the
 * screen it is opened from, not after it: that screen's state is kept
 * (a unit already chosen, a selection, an answer half typed) and given
 * back when the over screen returns to it. */
static void
screens_switch(struct tui_screens *ui)
{
	const struct tui_screen *from = ui->cur, *to = ui->next;

	ui->next = NULL;
	ui->prev = from;
	ui->cur = to;
	if ((to->flags & TUI_OVER) && from != to) {
		screens_drop_kept(ui);
		ui->under = from;
		ui->kept = ui->st;
		ui->st = NULL;
		screen_init(ui, to);
		return;
	}
	screen_free(ui, from);
	ui->st = NULL;
	if (ui->kept != NULL && (from->flags & TUI_OVER) && to == ui->under) {
		ui->st = ui->kept;
		ui->kept = NULL;
		return;
	}
	screens_drop_kept(ui);
	screen_init(ui, to);
}

int
tui_screens_settle(struct tui_screens *ui)
{
	if (ui->next == NULL)
		return 0;
	screens_switch(ui);
	return 1;
}

/* The current screen as it is, behind a dialog. */
static void
screens_behind(void *arg)
{
	struct tui_screens *ui = arg;

	ui->cur->draw(ui->app);
	tui_msg_draw();
}

/* A notice asked for by a screen, as a dialog over the next one. */
static int
screens_notice(struct tui_screens *ui)
{
	const char *title = ui->notice_title, *text = ui->notice_text;

	if (text == NULL)
		return 0;
	ui->notice_title = ui->notice_text = NULL;
	tui_confirm(title, text, _("OK"), NULL, 1, screens_behind, ui);
	return 1;
}

/* The current screen on an erased screen, or the "make the window
 * larger" screen; the cursor stays where the screen put it (an
 * editor's). */
static void
screens_draw(struct tui_screens *ui)
{
	int y, x;

	curs_set(0);
	if (!tui_big_enough()) {
		tui_draw_too_small();
		return;
	}
	erase();
	ui->cur->draw(ui->app);
	getyx(stdscr, y, x);
	tui_msg_draw();
	move(y, x);
	refresh();
}

int
tui_screens_key(struct tui_screens *ui, const struct tui_key *k)
{
	const struct tui_screen *sc = ui->cur;
	int r = -1;

	if (!(sc->flags & TUI_KEEP_MSG))
		tui_msg_clear();
	if (sc->keys != NULL)
		r = tui_dispatch(ui->app, sc->keys, k);
	if (r == -1 && sc->key != NULL)
		r = sc->key(ui->app, k);
	if (r == -1 && (sc->flags & TUI_KEY_BACK)) {
		tui_go_back(ui);
		r = TUI_OK;
	}
	return r != -1 && (r & TUI_QUIT) != 0;
}

void
tui_screens_start(struct tui_screens *ui, struct app *a,
    const struct tui_screen *first)
{
	ui->app = a;
	ui->first = ui->cur = first;
	screen_init(ui, first);
}

void
tui_screens_end(struct tui_screens *ui)
{
	screen_free(ui, ui->cur);
	ui->st = NULL;
	screens_drop_kept(ui);
}

/* The one loop: stop signals, a notice before the next draw, one draw
 * per batch of waiting keys (a paste is handled before the next draw
 * instead of redrawing per character), the one KEY_RESIZE path, and keys
 * held back while the terminal is too small. */
int
tui_screens_run(struct tui_screens *ui, struct app *a,
    const struct tui_screen *first)
{
	struct tui_key k;
	int batch = 0, r;

	tui_screens_start(ui, a, first);
	for (;;) {
		while (tui_screens_settle(ui))
			batch = 0;
		if (tui_stop_signal()) {
			r = 0;
			break;
		}
		if (screens_notice(ui))
			continue;
		if (batch == 0)
			screens_draw(ui);
		if (tui_read_key(&k, batch ? 0 : 1000) == -1) {
			batch = 0;
			continue;
		}
		batch = batch < TUI_SCREENS_BATCH ? batch + 1 : 0;
		if (k.fkey && k.ch == KEY_RESIZE) {
			if (ui->cur->resize != NULL)
				ui->cur->resize(a);
			batch = 0;
			continue;
		}
		if (!tui_big_enough())
			continue; /* keys wait until it is readable */
		if (tui_screens_key(ui, &k)) {
			r = 1;
			break;
		}
	}
	/* on a stop signal the screen's free saves what is being typed */
	tui_screens_end(ui);
	return r;
}
