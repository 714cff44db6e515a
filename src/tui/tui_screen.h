/* tui_screen: what both programs' screens are made of: key tables (a key,
 * its action, what help says of it), the one dispatch of a key through a
 * table, and help's rows generated from the tables that dispatch the keys,
 * so that help and keys cannot drift apart. */
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
