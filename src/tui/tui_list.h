/* tui_list: a selectable list with type-to-filter: the rows, the filter
 * text, the selection and the scroll position. Pure: no ncurses here;
 * tui_list_draw in tui.h draws it. */
#ifndef AVSLUT_TUI_LIST_H
#define AVSLUT_TUI_LIST_H

#include <stddef.h>
#include <stdint.h>

#define TUI_FILTER_MAX 64 /* characters of filter text */

struct tui_list {
	const char **rows; /* borrowed, UTF-8, shown as they are */
	const char **keys; /* borrowed: extra text the filter matches
				 * (e.g. a unit code); NULL or NULL rows */
	size_t n;
	size_t *shown; /* rows that match the filter, in order */
	size_t nshown;
	size_t sel; /* index into shown */
	size_t top; /* first shown row on screen */
	uint32_t filter[TUI_FILTER_MAX];
	size_t nfilter;
	int filtering; /* typing goes to the filter */
};

/* A list of n rows (and optional keys), all shown, the first selected. */
struct tui_list *tui_list_new(const char **rows, const char **keys, size_t n,
    int filtering);
void tui_list_free(struct tui_list *l);
/* The selected row (index into rows), or -1 if none matches. */
long tui_list_selected(const struct tui_list *l);
/* Select row i (index into rows) if it is shown. */
void tui_list_select(struct tui_list *l, size_t i);
/* Move the selection by delta, within the shown rows. */
void tui_list_move(struct tui_list *l, long delta);
void tui_list_first(struct tui_list *l);
/* Add a character to the filter / remove the last; the selection stays
 * on the same row if it still matches (matching: collate_contains, so
 * case and accents are ignored but å, ä and ö are letters). Returns -1
 * if nothing changed. */
int tui_list_filter_add(struct tui_list *l, uint32_t cp);
int tui_list_filter_back(struct tui_list *l);
void tui_list_filter_clear(struct tui_list *l);
/* The filter as UTF-8 into out (TUI_FILTER_MAX * 4 + 1 bytes). */
void tui_list_filter_text(const struct tui_list *l, char *out);

/* Moving through rows, for every screen's lists and scrolled text. */
/* A selection among n rows moved by d, kept on a row (0 when none). */
size_t tui_sel_move(size_t sel, long d, size_t n);
/* The first of h rows on screen, moved so that row sel shows. */
size_t tui_sel_top(size_t top, size_t sel, int h);
/* The first of h lines on screen of a text of n lines, scrolled by d: up
 * to the first line; down only while lines remain below the screen. */
size_t tui_scroll_move(size_t top, long d, size_t n, size_t h);
/* What PgUp and PgDn move in h rows: h less one kept in view, >= 1. */
size_t tui_page(int h);

#endif
