/* tui: the terminal for both programs' screens: start and one idempotent
 * shutdown that clears the screen, signals as flags, colour roles with a
 * monochrome fallback, the minimum size, and the shared widgets (text,
 * key help bar, message line, progress bar, lists, dialogs, editor). */
#ifndef AVSLUT_TUI_H
#define AVSLUT_TUI_H

#include <stddef.h>
#include <stdint.h>

#include "tui/tui_edit.h"
#include "tui/tui_list.h"

#define TUI_MIN_COLS 80
#define TUI_MIN_LINES 24

/* Semantic colour roles; tui_attr maps them to colour or monochrome. */
enum tui_role {
	TUI_NORMAL,
	TUI_TITLE,     /* screen titles */
	TUI_SELECTED,  /* the highlighted row */
	TUI_MARK,      /* chosen values, checked boxes */
	TUI_WARNING,   /* soft warnings, "cannot be undone" */
	TUI_ERROR,     /* errors in the message line */
	TUI_INFO,      /* confirmations in the message line */
	TUI_BAR,       /* progress bar, filled part */
	TUI_BAR_EMPTY, /* progress bar, empty part */
	TUI_HELPKEY,   /* key names in the help bar */
	TUI_HELP,      /* the help bar */
	TUI_DIM,       /* help texts, hints, counters */
	TUI_FRAME,     /* dialog frames, rules */
	TUI_STRONG,    /* question labels */
	TUI_NROLES
};

/* A key and what it does, for the key help bar. */
struct tui_keyhelp {
	const char *key;  /* "F1", "Tab", or N_("letters"): translated
				 * when drawn, like what */
	const char *what; /* N_("Help"): translated when drawn */
};

/* Input as get_wch returns it: a character, or a KEY_* code (Enter is
 * always KEY_ENTER: see tui_read_key). */
struct tui_key {
	int fkey; /* 1 if ch is a KEY_* code */
	uint32_t ch;
};
/* Codes key tables use for Esc and control keys (fkey 0). */
#define TUI_ESC 27u
#define TUI_CTRL(c) ((uint32_t)((c)&0x1f))

/* NULL if the locale's character set is UTF-8, else a translated message
 * saying how to fix it (e.g. LANG=C.UTF-8). Call after setlocale. */
const char *tui_locale_problem(void);

/* Start curses (cbreak, no echo, keypad), colours (none with NO_COLOR or
 * on a monochrome terminal), handlers for SIGINT, SIGTERM and SIGHUP that
 * only set a flag, and tui_end with atexit. Returns -1 if the terminal
 * cannot be used (message in msg, which has room for 256 bytes). */
int tui_start(char *msg);
/* Clear the screen (no answer stays on it) and end curses. Idempotent,
 * safe when curses never started. */
void tui_end(void);
/* The signal that asked us to stop (SIGINT, SIGTERM, SIGHUP), or 0. */
int tui_stop_signal(void);
/* Colour or monochrome attributes for a role. */
int tui_attr(enum tui_role r);
/* 1 if the terminal is at least TUI_MIN_COLS x TUI_MIN_LINES. */
int tui_big_enough(void);
/* The "make the window larger" screen. */
void tui_draw_too_small(void);
/* Wait up to ms for a key. Returns 0 and fills k, or -1 on timeout or
 * signal. KEY_RESIZE is returned like any other key; Enter ('\r', '\n'
 * or the keypad's) always as the function key KEY_ENTER. */
int tui_read_key(struct tui_key *k, int ms);
/* The key code curses gives the terminfo key capname (e.g. "kLFT5",
 * control-left), or -1 if this terminal has none. Such codes differ
 * between terminals, so they are looked up, never written down. */
int tui_keycode(const char *capname);

/* Draw UTF-8 text at y, x, at most w columns (cropped by display width;
 * bad bytes and control characters shown as U+FFFD). Returns the columns
 * used. */
int tui_put(int y, int x, int w, enum tui_role r, const char *s);
/* The display width of UTF-8 text. */
int tui_width(const char *s);
/* Word-wrap text into the box y, x, w columns, h lines, skipping the
 * first skip lines. Returns the number of lines the whole text needs. */
int tui_text(int y, int x, int w, int h, int skip, enum tui_role r,
    const char *s);
/* Clear line y and fill it with role r. */
void tui_fill(int y, enum tui_role r);
/* The key help bar on the last line. */
void tui_keybar(const struct tui_keyhelp *keys, size_t n);
/* The name help shows for a key ("Tab", "PgDn", "Ctrl-N", "F8", "â",
 * "Space" translated), written into buf; returns buf. */
const char *tui_key_name(int fkey, uint32_t ch, char *buf, size_t n);
/* The message line (second to last): set, draw, clear. The message is
 * shown until tui_msg_clear (the screens clear it on the next key). */
void tui_msg(enum tui_role r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void tui_msg_clear(void);
void tui_msg_draw(void);
/* A title line at y: text left, right text (may be NULL) right. */
void tui_title(int y, const char *left, const char *right);
/* A progress bar at y, x of w columns, index of total filled. */
void tui_bar(int y, int x, int w, size_t index, size_t total);
/* A list in the box y, x, w, h; keeps l->top so the selection shows. */
void tui_list_draw(struct tui_list *l, int y, int x, int w, int h);
/* An editor in the box y, x, w, h (scrolls to the cursor) and the
 * cursor placed; active shows the cursor. */
void tui_edit_draw(const struct tui_edit *e, int y, int x, int w, int h,
    int active);
/* A framed box centred on the screen with title and text; returns the
 * row below the text inside the frame. */
int tui_dialog_draw(const char *title, const char *text, int width);

/* A modal question: "text" with yes and no answers (y/j/n, Enter picks
 * the highlighted one, Esc is no). redraw paints the screen behind it
 * (after a resize). Returns 1 for yes, 0 for no, -1 on a stop signal.
 * With no == NULL it is a notice with one button: Enter or Esc is 1. */
int tui_confirm(const char *title, const char *text, const char *yes,
    const char *no, int yes_first, void (*redraw)(void *), void *arg);

#endif
