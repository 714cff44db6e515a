/* tui_loop: the one event loop both programs' screens run in (the
 * interviewer's screens and the dashboard's): stop signals, a notice
 * shown as a dialog before the next draw, one draw per batch of waiting
 * keys (so that a paste is handled before the next draw instead of
 * redrawing per character), the one KEY_RESIZE path, the "make the window
 * larger" screen and keys held back while the terminal is too small.
 * What a screen is, and how one switches to another, stays each
 * program's own (struct screen, struct dash_screen). */
#ifndef AVSLUT_TUI_LOOP_H
#define AVSLUT_TUI_LOOP_H

#include "tui/tui.h"

struct tui_loop {
	void *app; /* handed to every callback */
	/* carry out a switch of screens the last key asked for (an init may
	 * ask again: called until it returns 0); 1 if it switched */
	int (*settle)(void *app);
	/* show something before the next draw (a dialog); 1 if it did, and
	 * the loop settles and asks again. May be NULL. */
	int (*notice)(void *app);
	void (*draw)(void *app);   /* the current screen, on an erased
					 * screen; the cursor stays where it
					 * leaves it */
	void (*resize)(void *app); /* may be NULL */
	int (*key)(void *app, const struct tui_key *k); /* 1: leave */
};

/* Run until a key asks to leave or a stop signal arrives (then
 * tui_stop_signal() says which). Returns 1 if a key asked to leave, 0 on
 * a stop signal. Curses must have started; it is not ended here. */
int tui_loop_run(const struct tui_loop *l);

#endif
