/* tui_edit: the editor buffer behind free-text answers and one-line
 * fields. Pure logic on code points; the screens draw it. */
#include "tui/tui_edit.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <sodium.h>

#include "util/utf8.h"
#include "util/xmem.h"

struct tui_edit *
tui_edit_new(size_t max, int multiline)
{
	struct tui_edit *e;

	e = xcalloc(1, sizeof *e);
	e->max = max;
	e->multiline = multiline;
	e->goal = -1;
	return e;
}

void
tui_edit_free(struct tui_edit *e)
{
	if (e == NULL)
		return;
	xfree_wipe(e->cp, e->cap * sizeof *e->cp);
	free(e);
}

/* Make room for one more character. A new array and a wipe of the old
 * one, not realloc: the buffer holds answer text. */
static void
edit_grow(struct tui_edit *e)
{
	uint32_t *np;
	size_t cap;

	if (e->len < e->cap)
		return;
	cap = e->cap ? e->cap * 2 : 64;
	np = xreallocarray(NULL, cap, sizeof *np);
	if (e->len)
		memcpy(np, e->cp, e->len * sizeof *np);
	xfree_wipe(e->cp, e->cap * sizeof *e->cp);
	e->cp = np;
	e->cap = cap;
}

int
tui_edit_width(uint32_t cp)
{
	int w;

	if (cp == '\n')
		return 0;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

int
tui_edit_insert(struct tui_edit *e, uint32_t cp)
{
	if (cp == '\t')
		cp = ' ';
	if (cp == '\r')
		cp = '\n';
	if (cp == '\n' && !e->multiline)
		return -1;
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
	    (cp != '\n' && utf8_forbidden(cp)))
		return -1;
	if (e->len >= e->max)
		return -1;
	edit_grow(e);
	memmove(e->cp + e->cur + 1, e->cp + e->cur,
	    (e->len - e->cur) * sizeof *e->cp);
	e->cp[e->cur++] = cp;
	e->len++;
	e->goal = -1;
	return 0;
}

size_t
tui_edit_paste(struct tui_edit *e, const char *s, size_t n)
{
	size_t i = 0, l, count = 0;
	uint32_t cp;

	while (i < n) {
		if ((l = utf8_decode(s + i, n - i, &cp)) == 0) {
			i++; /* a bad byte: left out */
			continue;
		}
		i += l;
		if (cp == '\r' && i < n && s[i] == '\n')
			continue; /* CRLF: the LF makes the newline */
		if (tui_edit_insert(e, cp) == 0)
			count++;
	}
	return count;
}

void
tui_edit_set(struct tui_edit *e, const char *s)
{
	if (e->cp != NULL)
		sodium_memzero(e->cp, e->cap * sizeof *e->cp);
	e->len = e->cur = 0;
	e->goal = -1;
	if (s != NULL)
		tui_edit_paste(e, s, strlen(s));
}

char *
tui_edit_text(const struct tui_edit *e)
{
	char *out, *p;
	size_t i;

	out = xmalloc(e->len * 4 + 1);
	p = out;
	for (i = 0; i < e->len; i++)
		p += utf8_encode(e->cp[i], p);
	*p = '\0';
	return out;
}

int
tui_edit_backspace(struct tui_edit *e)
{
	if (e->cur == 0)
		return -1;
	e->cur--;
	return tui_edit_delete(e);
}

int
tui_edit_delete(struct tui_edit *e)
{
	if (e->cur >= e->len)
		return -1;
	memmove(e->cp + e->cur, e->cp + e->cur + 1,
	    (e->len - e->cur - 1) * sizeof *e->cp);
	e->len--;
	e->cp[e->len] = 0;
	e->goal = -1;
	return 0;
}

void
tui_edit_left(struct tui_edit *e)
{
	if (e->cur > 0)
		e->cur--;
	e->goal = -1;
}

void
tui_edit_right(struct tui_edit *e)
{
	if (e->cur < e->len)
		e->cur++;
	e->goal = -1;
}

static int
is_space(uint32_t c)
{
	return c == ' ' || c == '\n';
}

void
tui_edit_word_left(struct tui_edit *e)
{
	while (e->cur > 0 && is_space(e->cp[e->cur - 1]))
		e->cur--;
	while (e->cur > 0 && !is_space(e->cp[e->cur - 1]))
		e->cur--;
	e->goal = -1;
}

void
tui_edit_word_right(struct tui_edit *e)
{
	while (e->cur < e->len && is_space(e->cp[e->cur]))
		e->cur++;
	while (e->cur < e->len && !is_space(e->cp[e->cur]))
		e->cur++;
	e->goal = -1;
}

static void
add_line(struct tui_edit_line **v, size_t *n, size_t *cap, size_t start,
    size_t end, int hard)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xreallocarray(*v, *cap, sizeof **v);
	}
	(*v)[*n].start = start;
	(*v)[*n].end = end;
	(*v)[*n].hard = hard;
	(*n)++;
}

size_t
tui_edit_layout(const struct tui_edit *e, int cols,
    struct tui_edit_line **lines)
{
	struct tui_edit_line *v = NULL;
	size_t n = 0, cap = 0, start = 0, i, brk;
	int w, col = 0, avail = cols > 2 ? cols - 1 : 1;

	brk = 0; /* index after the last space on this line */
	for (i = 0; i < e->len; i++) {
		if (e->cp[i] == '\n') {
			add_line(&v, &n, &cap, start, i, 1);
			start = i + 1;
			col = 0;
			brk = 0;
			continue;
		}
		w = tui_edit_width(e->cp[i]);
		if (e->cp[i] == ' ' && col + w > avail) {
			/* a space that overflows hangs at the line's end */
			add_line(&v, &n, &cap, start, i + 1, 0);
			start = i + 1;
			col = 0;
			brk = 0;
			continue;
		}
		if (col + w > avail && i > start) {
			if (brk > start) {
				add_line(&v, &n, &cap, start, brk, 0);
				start = brk;
			} else {
				add_line(&v, &n, &cap, start, i, 0);
				start = i;
			}
			brk = 0;
			col = 0;
			for (size_t j = start; j < i; j++)
				col += tui_edit_width(e->cp[j]);
		}
		col += w;
		if (e->cp[i] == ' ')
			brk = i + 1;
	}
	add_line(&v, &n, &cap, start, e->len, 1);
	*lines = v;
	return n;
}

/* The line holding position pos: a soft line's end belongs to the next. */
static size_t
line_of(const struct tui_edit_line *v, size_t n, size_t pos)
{
	size_t r;

	for (r = 0; r < n; r++)
		if (pos >= v[r].start &&
		    (pos < v[r].end || (pos == v[r].end && v[r].hard)))
			return r;
	return n - 1;
}

static int
cols_between(const struct tui_edit *e, size_t a, size_t b)
{
	int c = 0;

	for (; a < b; a++)
		c += tui_edit_width(e->cp[a]);
	return c;
}

void
tui_edit_cursor(const struct tui_edit *e, int cols, size_t *row, int *col)
{
	struct tui_edit_line *v;
	size_t n, r;

	n = tui_edit_layout(e, cols, &v);
	r = line_of(v, n, e->cur);
	*row = r;
	*col = cols_between(e, v[r].start, e->cur);
	free(v);
}

void
tui_edit_home(struct tui_edit *e, int cols)
{
	struct tui_edit_line *v;
	size_t n;

	n = tui_edit_layout(e, cols, &v);
	e->cur = v[line_of(v, n, e->cur)].start;
	e->goal = -1;
	free(v);
}

/* The last position on line r: before a soft line's trailing character. */
static size_t
line_last(const struct tui_edit_line *l)
{
	return l->hard || l->end == l->start ? l->end : l->end - 1;
}

void
tui_edit_end(struct tui_edit *e, int cols)
{
	struct tui_edit_line *v;
	size_t n;

	n = tui_edit_layout(e, cols, &v);
	e->cur = line_last(&v[line_of(v, n, e->cur)]);
	e->goal = -1;
	free(v);
}

/* Move to display line r at the goal column. */
static void
goto_line(struct tui_edit *e, const struct tui_edit_line *l)
{
	size_t i = l->start, last = line_last(l);
	int c = 0, w;

	while (i < last) {
		w = tui_edit_width(e->cp[i]);
		if (c + w > e->goal)
			break;
		c += w;
		i++;
	}
	e->cur = i;
}

static int
edit_vertical(struct tui_edit *e, int cols, int dir)
{
	struct tui_edit_line *v;
	size_t n, r;
	int goal;

	n = tui_edit_layout(e, cols, &v);
	r = line_of(v, n, e->cur);
	if ((dir < 0 && r == 0) || (dir > 0 && r + 1 >= n)) {
		free(v);
		return -1;
	}
	goal = e->goal >= 0 ? e->goal : cols_between(e, v[r].start, e->cur);
	e->goal = goal;
	goto_line(e, &v[dir < 0 ? r - 1 : r + 1]);
	e->goal = goal;
	free(v);
	return 0;
}

int
tui_edit_up(struct tui_edit *e, int cols)
{
	return edit_vertical(e, cols, -1);
}

int
tui_edit_down(struct tui_edit *e, int cols)
{
	return edit_vertical(e, cols, 1);
}
