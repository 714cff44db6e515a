/* tui_loop: the event loop of every screen (see tui_loop.h). */
#include "tui/tui_loop.h"

#include <curses.h>

/* Keys waiting at most this many in a row before a draw all the same. */
#define TUI_LOOP_BATCH 4096

static void
loop_draw(const struct tui_loop *l)
{
	int y, x;

	curs_set(0);
	if (!tui_big_enough()) {
		tui_draw_too_small();
		return;
	}
	erase();
	l->draw(l->app);
	/* the cursor stays where the screen put it (an editor's) */
	getyx(stdscr, y, x);
	tui_msg_draw();
	move(y, x);
	refresh();
}

int
tui_loop_run(const struct tui_loop *l)
{
	struct tui_key k;
	int batch = 0;

	for (;;) {
		while (l->settle(l->app))
			batch = 0;
		if (tui_stop_signal())
			return 0;
		if (l->notice != NULL && l->notice(l->app))
			continue;
		if (batch == 0)
			loop_draw(l);
		if (tui_read_key(&k, batch ? 0 : 1000) == -1) {
			batch = 0;
			continue;
		}
		batch = batch < TUI_LOOP_BATCH ? batch + 1 : 0;
		if (k.fkey && k.ch == KEY_RESIZE) {
			if (l->resize != NULL)
				l->resize(l->app);
			batch = 0;
			continue;
		}
		if (!tui_big_enough())
			continue; /* keys wait until it is readable */
		if (l->key(l->app, &k))
			return 1;
	}
}
