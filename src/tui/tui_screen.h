/* tui_screen: the screens of both programs and their runtime: a screen
 * (a const struct of hooks and its key table), key tables (a key, its
 * action, what help says of it) and the one dispatch of a key through
 * one, the switch between screens (help drawn over the screen behind it,
 * whose state is kept for the return), notices, and help's rows generated
 * from the tables that dispatch the keys, so that help and keys cannot
 * drift apart; and the one event loop both programs run: stop signals,
 * one draw per batch of waiting keys (a paste is handled before the next
 * draw), the one KEY_RESIZE path, the "make the window larger" screen
 * and keys held back while the terminal is too small. */
#ifndef AVSLUT_TUI_SCREEN_H
#define AVSLUT_TUI_SCREEN_H

#include <stdint.h>

#include "tui/tui.h"

/* What the screens of one program share: defined by that program
 * (interview/screen.h, dashboard/dash.h), handed on here unopened. */
struct app;

/* What a key's action asks the loop to do (a bit mask). */
#define TUI_OK 0   /* nothing more: the loop redraws */
#define TUI_QUIT 1 /* leave the program */

/* The help of a key that help leaves out on purpose (a second code for
 * the same key, the editor's keys). A table that help lists has no NULL
 * help: a key added without saying what it does fails the unit test. */
#define TUI_UNLISTED ""

/* One row of a screen's key table, which ends with a NULL action.
 * fkey 1: ch is a KEY_* code. help: what the key does (N_), for help,
 * which lists the keys with the same text on one line; NULL or
 * TUI_UNLISTED: not listed. */
struct tui_bind {
	int fkey;
	uint32_t ch;
	int (*action)(struct app *);
	const char *help;
};

/* How a screen behaves in the runtime (a bit mask). TUI_KEEP_MSG: a key
 * leaves the message line as it is (else it is cleared first). TUI_OVER:
 * drawn instead of the screen it was opened from (help), whose state is
 * kept and given back on return. TUI_KEY_BACK: a key that neither keys
 * nor key takes goes back to the screen before. */
#define TUI_KEEP_MSG 1
#define TUI_OVER 2
#define TUI_KEY_BACK 4

/* One screen, one per file: hooks on the program's struct app. */
struct tui_screen {
	const char *name;
	void (*init)(struct app *); /* set the state, tui_screens.st;
				     * NULL: the screen has none */
	void (*draw)(struct app *); /* on an erased screen */
	/* A key goes through keys (may be NULL), then, if it is not there,
	 * to key (typing; may be NULL), which returns TUI_OK, TUI_QUIT or
	 * -1 for a key it does not take. */
	const struct tui_bind *keys;
	int (*key)(struct app *, const struct tui_key *);
	void (*resize)(struct app *); /* may be NULL */
	void (*free)(struct app *);   /* free the state (NULL: none) */
	unsigned flags;		      /* TUI_KEEP_MSG, TUI_OVER, ... */
};

/* The screens of a program as they run. Part of its struct app (zeroed
 * before tui_screens_run); the screens read st and switch with tui_go. */
struct tui_screens {
	struct app *app;
	const struct tui_screen *first;
	const struct tui_screen *cur, *next;
	const struct tui_screen *prev;	/* the screen before cur */
	void *st;			/* cur's state */
	const struct tui_screen *under; /* the screen an over screen was
					 * opened from, */
	void *kept;			/*   and its state, kept */
	const char *notice_title;	/* a notice shown as a dialog over */
	const char *notice_text;	/*   the next screen, then cleared */
};

/* Switch to sc after the current key (the old screen is freed, unless sc
 * is an over screen). */
void tui_go(struct tui_screens *ui, const struct tui_screen *sc);
/* Back to the screen before this one (the first if there is none). */
void tui_go_back(struct tui_screens *ui);
/* A dialog with title and text over the next screen drawn (both kept
 * as given: static or translated strings). */
void tui_notice(struct tui_screens *ui, const char *title, const char *text);
/* Run screens from first until a key asks to leave or a stop signal
 * arrives (tui_stop_signal() says which); then the current screen is
 * freed, and the one kept under help. Curses must have started; it is
 * not ended here. Returns 1 if a key asked to leave, 0 on a signal. */
int tui_screens_run(struct tui_screens *ui, struct app *a,
    const struct tui_screen *first);
/* The steps of tui_screens_run without the terminal (the unit tests use
 * them): start at first; a key as the loop hands it on (1: it asks to
 * leave); carry out the switch the last key asked for (an init may ask
 * again: call until it returns 0), 1 if it switched; free the current
 * screen and the one kept under an over screen. */
void tui_screens_start(struct tui_screens *ui, struct app *a,
    const struct tui_screen *first);
int tui_screens_key(struct tui_screens *ui, const struct tui_key *k);
int tui_screens_settle(struct tui_screens *ui);
void tui_screens_end(struct tui_screens *ui);

/* The action of a key that leaves the program: TUI_QUIT. */
int tui_quit(struct app *a);
/* Look k up in table t: -1 if it is not there, else the action's result
 * (TUI_OK, TUI_QUIT). */
int tui_dispatch(struct app *a, const struct tui_bind *t,
    const struct tui_key *k);
/* Help's rows from table t: for each help text, in the order of its
 * first key, row(arg, names, what) with the names of all its keys
 * ("Tab, PgDn, Ctrl-N") and what translated. */
void tui_help_rows(const struct tui_bind *t,
    void (*row)(void *arg, const char *names, const char *what), void *arg);

#endif
