/* tui_edit: the text editor's buffer: UTF-8 text as code points, a cursor,
 * word wrapping by display width (wcwidth), and a length limit in
 * characters. Pure: no ncurses here, so it is unit-tested directly. */
#ifndef AVSLUT_TUI_EDIT_H
#define AVSLUT_TUI_EDIT_H

#include <stddef.h>
#include <stdint.h>

/* One display line of the wrapped text: characters [start, end). */
struct tui_edit_line {
	size_t start, end;
	int hard; /* ends at a newline or at the end of text */
};

struct tui_edit {
	uint32_t *cp; /* the text; wiped when it moves or is freed */
	size_t len, cap;
	size_t cur;    /* cursor: 0..len, before character cur */
	size_t max;    /* at most this many characters */
	int multiline; /* newlines allowed */
	int goal;      /* column kept while moving up and down; -1 */
};

/* A new, empty buffer for at most max characters. */
struct tui_edit *tui_edit_new(size_t max, int multiline);
/* Wipe and free. NULL is fine. */
void tui_edit_free(struct tui_edit *e);
/* Replace the text with s (NULL: empty), cursor at the end. Characters
 * beyond max and any that could not be typed are left out. */
void tui_edit_set(struct tui_edit *e, const char *s);
/* The text as UTF-8, newly allocated (free with xfree_str_wipe). */
char *tui_edit_text(const struct tui_edit *e);

/* Insert one character at the cursor. Tab becomes a space, CR a newline
 * (dropped in single-line mode). Returns -1 (nothing changed) when the
 * buffer is full or the character may not be stored. */
int tui_edit_insert(struct tui_edit *e, uint32_t cp);
/* Insert UTF-8 text, as pasted: CRLF becomes one newline. Returns the
 * number of characters inserted; those beyond max are dropped. */
size_t tui_edit_paste(struct tui_edit *e, const char *s, size_t n);
/* Delete the character before / at the cursor. -1 if there is none. */
int tui_edit_backspace(struct tui_edit *e);
int tui_edit_delete(struct tui_edit *e);

void tui_edit_left(struct tui_edit *e);
void tui_edit_right(struct tui_edit *e);
/* By words, skipping spaces and newlines first. */
void tui_edit_word_left(struct tui_edit *e);
void tui_edit_word_right(struct tui_edit *e);
/* Start and end of the display line at width cols. */
void tui_edit_home(struct tui_edit *e, int cols);
void tui_edit_end(struct tui_edit *e, int cols);
/* One display line up or down at width cols, keeping the column (by
 * display width). Returns -1 at the first or last line. */
int tui_edit_up(struct tui_edit *e, int cols);
int tui_edit_down(struct tui_edit *e, int cols);

/* Display width of one character: wcwidth, with 1 for unknown ones. */
int tui_edit_width(uint32_t cp);
/* Wrap the text at cols columns (>= 2; one column stays free for the
 * cursor), breaking after spaces where possible. *lines is newly
 * allocated (caller frees); returns the number of lines (at least 1). */
size_t tui_edit_layout(const struct tui_edit *e, int cols,
    struct tui_edit_line **lines);
/* The cursor's display line and column at width cols. */
void tui_edit_cursor(const struct tui_edit *e, int cols, size_t *row, int *col);

#endif
