/* tui_list: list model with type-to-filter (Swedish rules, collate.h). */
#include "tui/tui_list.h"

#include <stdlib.h>
#include <string.h>

#include "util/collate.h"
#include "util/utf8.h"
#include "util/xmem.h"

struct tui_list *
tui_list_new(const char **rows, const char **keys, size_t n, int filtering)
{
	struct tui_list *l;
	size_t i;

	l = xcalloc(1, sizeof *l);
	l->rows = rows;
	l->keys = keys;
	l->n = n;
	l->shown = xcalloc(n ? n : 1, sizeof *l->shown);
	for (i = 0; i < n; i++)
		l->shown[i] = i;
	l->nshown = n;
	l->filtering = filtering;
	return l;
}

void
tui_list_free(struct tui_list *l)
{
	if (l == NULL)
		return;
	free(l->shown);
	free(l);
}

long
tui_list_selected(const struct tui_list *l)
{
	if (l->nshown == 0)
		return -1;
	return (long)l->shown[l->sel];
}

void
tui_list_select(struct tui_list *l, size_t row)
{
	size_t i;

	for (i = 0; i < l->nshown; i++)
		if (l->shown[i] == row)
			l->sel = i;
}

void
tui_list_move(struct tui_list *l, long delta)
{
	if (l->nshown > 0)
		l->sel = tui_sel_move(l->sel, delta, l->nshown);
}

size_t
tui_sel_move(size_t sel, long d, size_t n)
{
	if (d < 0)
		sel = sel > (size_t)-d ? sel - (size_t)-d : 0;
	else
		sel += (size_t)d;
	return sel < n ? sel : n > 0 ? n - 1 : 0;
}

size_t
tui_sel_top(size_t top, size_t sel, int h)
{
	if (sel < top)
		top = sel;
	if (h > 0 && sel >= top + (size_t)h)
		top = sel - (size_t)h + 1;
	return top;
}

size_t
tui_scroll_move(size_t top, long d, size_t n, size_t h)
{
	if (d < 0)
		return top > (size_t)-d ? top - (size_t)-d : 0;
	return top + h < n ? top + (size_t)d : top;
}

size_t
tui_page(int h)
{
	return h > 1 ? (size_t)h - 1 : 1;
}

void
tui_list_first(struct tui_list *l)
{
	l->sel = 0;
}

/* 1 if the filter occurs in s (collate_contains: case and accents). */
static int
matches(const struct tui_list *l, const char *s)
{
	char needle[TUI_FILTER_MAX * 4 + 1];

	if (s == NULL)
		return 0;
	tui_list_filter_text(l, needle);
	return collate_contains(s, needle);
}

static void
refilter(struct tui_list *l)
{
	long was = tui_list_selected(l);
	size_t i;

	l->nshown = 0;
	l->sel = 0;
	l->top = 0;
	for (i = 0; i < l->n; i++)
		if (matches(l, l->rows[i]) ||
		    (l->keys != NULL && matches(l, l->keys[i])))
			l->shown[l->nshown++] = i;
	if (was >= 0)
		tui_list_select(l, (size_t)was);
}

int
tui_list_filter_add(struct tui_list *l, uint32_t cp)
{
	if (l->nfilter >= TUI_FILTER_MAX || cp < 0x20 || utf8_forbidden(cp))
		return -1;
	l->filter[l->nfilter++] = cp;
	refilter(l);
	return 0;
}

int
tui_list_filter_back(struct tui_list *l)
{
	if (l->nfilter == 0)
		return -1;
	l->nfilter--;
	refilter(l);
	return 0;
}

void
tui_list_filter_clear(struct tui_list *l)
{
	l->nfilter = 0;
	refilter(l);
}

void
tui_list_filter_text(const struct tui_list *l, char *out)
{
	size_t i;

	for (i = 0; i < l->nfilter; i++)
		out += utf8_encode(l->filter[i], out);
	*out = '\0';
}
