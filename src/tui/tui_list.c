/* tui_list: list model with type-to-filter and Swedish sort order. */
#include "tui/tui_list.h"

#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "util/utf8.h"
#include "util/xmem.h"

/* Lower case, and the accented letters Swedish treats as plain ones
 * folded; å, ä and ö stay letters of their own. */
static uint32_t
fold(uint32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? c + 32 : c;
	switch (c) {
	case 0xc5: return 0xe5;			/* Å */
	case 0xc4: case 0xc6: case 0xe6:	/* Ä Æ æ */
		return 0xe4;
	case 0xd6: case 0xd8: case 0xf8:	/* Ö Ø ø */
		return 0xf6;
	case 0xc9: case 0xe9: case 0xc8: case 0xe8:
	case 0xca: case 0xea: case 0xcb: case 0xeb:
		return 'e';
	case 0xc1: case 0xe1: case 0xc0: case 0xe0: case 0xc2: case 0xe2:
		return 'a';
	case 0xdc: case 0xfc:
		return 'y';
	default:
		return (uint32_t)towlower((wint_t)c);
	}
}

/* Primary weight: a..z, then å, ä, ö, then everything else. */
static uint32_t
weight(uint32_t c)
{
	c = fold(c);
	if (c == 0xe5)
		return 'z' + 1;
	if (c == 0xe4)
		return 'z' + 2;
	if (c == 0xf6)
		return 'z' + 3;
	if (c > 'z')
		return c + 0x100;
	return c;
}

static uint32_t
next_cp(const char **s)
{
	uint32_t c;
	size_t l = utf8_decode(*s, 4, &c);

	if (**s == '\0')
		return 0;
	if (l == 0) {
		(*s)++;
		return 0xfffd;
	}
	*s += l;
	return c;
}

int
tui_collate_sv(const char *a, const char *b)
{
	const char *p = a, *q = b;
	uint32_t x, y, wx, wy;

	for (;;) {
		x = next_cp(&p);
		y = next_cp(&q);
		if (x == 0 || y == 0)
			break;
		wx = weight(x);
		wy = weight(y);
		if (wx != wy)
			return wx < wy ? -1 : 1;
	}
	if (x != y)
		return x == 0 ? -1 : 1;
	return strcmp(a, b);	/* same letters: a stable tie-break */
}

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
	long s = (long)l->sel + delta;

	if (l->nshown == 0)
		return;
	if (s < 0)
		s = 0;
	if (s >= (long)l->nshown)
		s = (long)l->nshown - 1;
	l->sel = (size_t)s;
}

void
tui_list_first(struct tui_list *l)
{
	l->sel = 0;
}

void
tui_list_last(struct tui_list *l)
{
	l->sel = l->nshown ? l->nshown - 1 : 0;
}

/* 1 if the folded filter occurs in s. */
static int
matches(const struct tui_list *l, const char *s)
{
	const char *p, *q;
	size_t i;

	if (s == NULL)
		return 0;
	for (p = s; *p != '\0'; next_cp(&p)) {
		q = p;
		for (i = 0; i < l->nfilter; i++) {
			if (*q == '\0' || fold(next_cp(&q)) != fold(l->filter[i]))
				break;
		}
		if (i == l->nfilter)
			return 1;
	}
	return l->nfilter == 0;
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
