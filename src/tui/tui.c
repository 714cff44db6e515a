/* tui: the only file that starts and ends curses. Signals only set a
 * flag; the screens' loop saves and calls tui_end, which clears first. */
#include "tui/tui.h"

#include <curses.h>
#include <term.h>
#include <langinfo.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <sodium.h>

#include "util/i18n.h"
#include "util/utf8.h"
#include "util/xmem.h"

static volatile sig_atomic_t tui_signal;
static int tui_active;
static SCREEN *tui_screen;
static int tui_colour;
static char tui_msgbuf[512];
static enum tui_role tui_msgrole;

/* Role -> colour pair and attributes, and the monochrome attributes used
 * when NO_COLOR is set or the terminal has no colours. */
static const struct {
	short fg, bg;
	int attr;
	int mono;
} tui_roles[TUI_NROLES] = {
	[TUI_NORMAL] = { -1, -1, 0, 0 },
	[TUI_TITLE] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
	[TUI_SELECTED] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[TUI_MARK] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[TUI_WARNING] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[TUI_ERROR] = { COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[TUI_INFO] = { COLOR_GREEN, -1, 0, 0 },
	[TUI_BAR] = { COLOR_GREEN, -1, 0, 0 },
	[TUI_BAR_EMPTY] = { -1, -1, A_DIM, 0 },
	[TUI_HELPKEY] = { COLOR_BLACK, COLOR_CYAN, A_BOLD, A_BOLD },
	[TUI_HELP] = { -1, -1, 0, 0 },
	[TUI_DIM] = { -1, -1, A_DIM, A_DIM },
	[TUI_FRAME] = { COLOR_CYAN, -1, 0, 0 },
	[TUI_STRONG] = { -1, -1, A_BOLD, A_BOLD },
};

static void
tui_on_signal(int sig)
{
	tui_signal = sig;
}

int
tui_stop_signal(void)
{
	return (int)tui_signal;
}

const char *
tui_locale_problem(void)
{
	static char msg[512];
	const char *cs = nl_langinfo(CODESET);

	if (cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0))
		return NULL;
	/* This one message is for a terminal that is not UTF-8: in its
	 * own character set, and plain ASCII in English. */
	if (cs != NULL)
		bind_textdomain_codeset("avslut", cs);
	snprintf(msg, sizeof msg, "%s",
	    _("the terminal's locale is not "
	      "UTF-8, so Swedish letters cannot be shown: start it with a "
	      "UTF-8 locale, for example LANG=sv_SE.UTF-8 avslut (if that "
	      "locale is installed; see locale -a) or LANG=C.UTF-8 avslut"));
	bind_textdomain_codeset("avslut", "UTF-8");
	return msg;
}

void
tui_end(void)
{
	if (!tui_active)
		return;
	tui_active = 0;
	/* Clear before leaving, so that no answer stays in the terminal
	 * (terminals without an alternate screen keep what was drawn). */
	wattrset(stdscr, A_NORMAL);
	erase();
	refresh();
	curs_set(1);
	endwin();
	delscreen(tui_screen);
	tui_screen = NULL;
}

int
tui_start(char *msg)
{
	struct sigaction sa;
	SCREEN *sp;
	short i;

	if ((sp = newterm(NULL, stdout, stdin)) == NULL) {
		snprintf(msg, 256, "%s",
		    _("cannot use this terminal: set "
		      "TERM to its type, e.g. TERM=xterm-256color"));
		return -1;
	}
	set_term(sp);
	tui_screen = sp;
	tui_active = 1;
	atexit(tui_end);
	xmem_on_oom(tui_end);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(50);
	curs_set(0);
	tui_colour = getenv("NO_COLOR") == NULL && has_colors();
	if (tui_colour && start_color() == OK) {
		use_default_colors();
		for (i = 1; i < TUI_NROLES; i++)
			init_pair(i, tui_roles[i].fg, tui_roles[i].bg);
	} else {
		tui_colour = 0;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tui_on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: a read returns at once */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return 0;
}

int
tui_attr(enum tui_role r)
{
	if (!tui_colour)
		return tui_roles[r].mono;
	if (r == TUI_NORMAL)
		return 0;
	if (tui_roles[r].fg == -1 && tui_roles[r].bg == -1)
		return tui_roles[r].attr;
	return (int)COLOR_PAIR(r) | tui_roles[r].attr;
}

int
tui_keycode(const char *capname)
{
	char *seq = tigetstr(capname);
	int code;

	if (seq == NULL || seq == (char *)-1)
		return -1;
	code = key_defined(seq);
	return code > 0 ? code : -1;
}

int
tui_big_enough(void)
{
	return COLS >= TUI_MIN_COLS && LINES >= TUI_MIN_LINES;
}

int
tui_read_key(struct tui_key *k, int ms)
{
	wint_t ch;
	int r;

	timeout(ms);
	r = get_wch(&ch);
	if (r == ERR)
		return -1;
	k->fkey = r == KEY_CODE_YES;
	k->ch = (uint32_t)ch;
	/* Enter is spelled one way for every key table: KEY_ENTER. */
	if (!k->fkey && (ch == '\r' || ch == '\n')) {
		k->fkey = 1;
		k->ch = KEY_ENTER;
	}
	return 0;
}

/* Decode UTF-8 into wide characters for curses, at most w columns.
 * Returns the number of wide characters; *cols gets the width. */
static size_t
to_wide(const char *s, size_t n, wchar_t *out, size_t max, int w, int *cols)
{
	size_t i = 0, l, k = 0;
	uint32_t cp;
	int cw, c = 0;

	while (i < n && k < max) {
		if ((l = utf8_decode(s + i, n - i, &cp)) == 0) {
			cp = 0xfffd;
			l = 1;
		}
		if (cp == '\n')
			break;
		if (utf8_forbidden(cp))
			cp = 0xfffd;
		cw = tui_edit_width(cp);
		if (c + cw > w)
			break;
		out[k++] = (wchar_t)cp;
		c += cw;
		i += l;
	}
	*cols = c;
	return k;
}

int
tui_put(int y, int x, int w, enum tui_role r, const char *s)
{
	wchar_t buf[512];
	size_t k;
	int c;

	if (w <= 0 || s == NULL)
		return 0;
	k = to_wide(s, strlen(s), buf, 511, w, &c);
	buf[k] = L'\0';
	attrset(tui_attr(r));
	mvaddnwstr(y, x, buf, (int)k);
	attrset(A_NORMAL);
	sodium_memzero(buf, sizeof buf); /* it may have held an answer */
	return c;
}

int
tui_width(const char *s)
{
	size_t i = 0, n = strlen(s), l;
	uint32_t cp;
	int w = 0;

	while (i < n) {
		if ((l = utf8_decode(s + i, n - i, &cp)) == 0) {
			cp = 0xfffd;
			l = 1;
		}
		w += tui_edit_width(cp);
		i += l;
	}
	return w;
}

int
tui_text(int y, int x, int w, int h, int skip, enum tui_role r, const char *s)
{
	struct tui_edit *e;
	struct tui_edit_line *v;
	wchar_t *buf;
	size_t n, i, j, k;

	if (s == NULL)
		return 0;
	e = tui_edit_new(strlen(s) + 1, 1);
	tui_edit_set(e, s);
	n = tui_edit_layout(e, w + 1, &v);
	buf = xreallocarray(NULL, (size_t)w + 2, sizeof *buf);
	attrset(tui_attr(r));
	for (i = (size_t)skip; i < n && (int)(i - (size_t)skip) < h; i++) {
		k = 0;
		for (j = v[i].start; j < v[i].end && k < (size_t)w; j++)
			buf[k++] = (wchar_t)e->cp[j];
		/* a hanging space at a soft break is not drawn */
		while (k > 0 && buf[k - 1] == L' ' && !v[i].hard)
			k--;
		mvaddnwstr(y + (int)(i - (size_t)skip), x, buf, (int)k);
	}
	attrset(A_NORMAL);
	xfree_wipe(buf, ((size_t)w + 2) * sizeof *buf);
	free(v);
	tui_edit_free(e);
	return (int)n;
}

void
tui_fill(int y, enum tui_role r)
{
	attrset(tui_attr(r));
	mvhline(y, 0, ' ', COLS);
	attrset(A_NORMAL);
}

const char *
tui_key_name(int fkey, uint32_t ch, char *buf, size_t n)
{
	static const struct {
		int fkey;
		uint32_t ch;
		const char *name;
	} names[] = {
		{ 0, '\t', "Tab" },
		{ 1, KEY_BTAB, "Shift-Tab" },
		{ 1, KEY_NPAGE, "PgDn" },
		{ 1, KEY_PPAGE, "PgUp" },
		{ 1, KEY_UP, "\xe2\x86\x91" },
		{ 1, KEY_DOWN, "\xe2\x86\x93" },
		{ 1, KEY_LEFT, "\xe2\x86\x90" },
		{ 1, KEY_RIGHT, "\xe2\x86\x92" },
		{ 1, KEY_HOME, "Home" },
		{ 1, KEY_END, "End" },
		{ 1, KEY_ENTER, "Enter" },
		{ 1, KEY_DC, "Del" },
		{ 1, KEY_BACKSPACE, N_("Backspace") },
		{ 0, 127, N_("Backspace") },
		{ 0, 27, "Esc" },
		{ 0, ' ', N_("Space") },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].fkey == fkey && names[i].ch == ch) {
			snprintf(buf, n, "%s", _(names[i].name));
			return buf;
		}
	if (fkey && ch >= (uint32_t)KEY_F(1) && ch <= (uint32_t)KEY_F(24))
		snprintf(buf, n, "F%u", (unsigned)(ch - (uint32_t)KEY_F(0)));
	else if (!fkey && ch >= 1 && ch < 32)
		snprintf(buf, n, "Ctrl-%c", (char)('A' + ch - 1));
	else if (!fkey && ch < 127)
		snprintf(buf, n, "%c", (char)ch);
	else
		snprintf(buf, n, "?");
	return buf;
}

void
tui_keybar(const struct tui_keyhelp *keys, size_t n)
{
	int y = LINES - 1, x = 0, w;
	size_t i;

	move(y, 0);
	clrtoeol();
	for (i = 0; i < n; i++) {
		w = tui_width(_(keys[i].key)) + tui_width(_(keys[i].what)) + 1;
		if (x + w > COLS)
			break;
		x += tui_put(y, x, COLS - x, TUI_HELPKEY, _(keys[i].key));
		x += tui_put(y, x, COLS - x, TUI_HELP, " ");
		x += tui_put(y, x, COLS - x, TUI_HELP, _(keys[i].what));
		x += 2; /* the gap: not needed after the last */
	}
}

void
tui_msg(enum tui_role r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tui_msgbuf, sizeof tui_msgbuf, fmt, ap);
	va_end(ap);
	tui_msgrole = r;
}

void
tui_msg_clear(void)
{
	tui_msgbuf[0] = '\0';
}

void
tui_msg_draw(void)
{
	move(LINES - 2, 0);
	clrtoeol();
	if (tui_msgbuf[0] != '\0')
		tui_put(LINES - 2, 1, COLS - 2, tui_msgrole, tui_msgbuf);
}

void
tui_title(int y, const char *left, const char *right)
{
	int w;

	tui_fill(y, TUI_TITLE);
	w = right ? tui_width(right) : 0;
	tui_put(y, 1, COLS - w - 3, TUI_TITLE, left);
	if (right != NULL && w < COLS - 2)
		tui_put(y, COLS - w - 1, w, TUI_TITLE, right);
}

void
tui_bar(int y, int x, int w, size_t index, size_t total)
{
	int fill = total ? (int)((size_t)w * index / total) : 0, i;

	/* block characters, so the bar reads without colour too */
	attrset(tui_attr(TUI_BAR));
	for (i = 0; i < fill; i++)
		mvaddwstr(y, x + i, L"\x2588");
	attrset(tui_attr(TUI_BAR_EMPTY));
	for (; i < w; i++)
		mvaddwstr(y, x + i, L"\x2591");
	attrset(A_NORMAL);
}

static void
tui_list_more(int y, int x, int w, int selected, const char *more)
{
	int mw = tui_width(more);

	if (mw + 4 > w)
		return;
	tui_put(y, x + w - mw - 1, mw, selected ? TUI_SELECTED : TUI_DIM, more);
}

void
tui_list_draw(struct tui_list *l, int y, int x, int w, int h)
{
	size_t i;
	int r;

	if (h <= 0)
		return;
	l->top = tui_sel_top(l->top, l->sel, h);
	for (r = 0; r < h; r++) {
		move(y + r, x);
		attrset(A_NORMAL);
		hline(' ', w);
		i = l->top + (size_t)r;
		if (i >= l->nshown)
			continue;
		if (i == l->sel) {
			attrset(tui_attr(TUI_SELECTED));
			mvhline(y + r, x, ' ', w);
		}
		tui_put(y + r, x + 1, w - 2,
		    i == l->sel ? TUI_SELECTED : TUI_NORMAL,
		    l->rows[l->shown[i]]);
	}
	/* say that the list goes on, at the right end of its first or last
	 * row (a short label: unit and form names leave room) */
	if (l->top > 0)
		tui_list_more(y, x, w, l->sel == l->top, _("(more above)"));
	if (l->top + (size_t)h < l->nshown)
		tui_list_more(y + h - 1, x, w, l->sel == l->top + (size_t)h - 1,
		    _("(more below)"));
	attrset(A_NORMAL);
}

void
tui_edit_draw(const struct tui_edit *e, int y, int x, int w, int h, int active)
{
	struct tui_edit_line *v;
	wchar_t *buf;
	size_t n, i, j, k, row, top = 0;
	int col, r;

	n = tui_edit_layout(e, w, &v);
	tui_edit_cursor(e, w, &row, &col);
	if (row >= (size_t)h)
		top = row - (size_t)h + 1;
	buf = xreallocarray(NULL, (size_t)w + 1, sizeof *buf);
	for (r = 0; r < h; r++) {
		attrset(tui_attr(TUI_SELECTED));
		mvhline(y + r, x, ' ', w);
		i = top + (size_t)r;
		if (i >= n)
			continue;
		k = 0;
		for (j = v[i].start; j < v[i].end && k < (size_t)w; j++)
			if (e->cp[j] != '\n')
				buf[k++] = (wchar_t)e->cp[j];
		mvaddnwstr(y + r, x, buf, (int)k);
	}
	attrset(A_NORMAL);
	/* wipe the copy: it held answer text */
	xfree_wipe(buf, ((size_t)w + 1) * sizeof *buf);
	free(v);
	if (active) {
		move(y + (int)(row - top), x + col);
		curs_set(1);
	}
}

int
tui_dialog_draw(const char *title, const char *text, int width)
{
	struct tui_edit *e;
	struct tui_edit_line *v;
	int h, y, x, n;

	if (width > COLS - 4)
		width = COLS - 4;
	e = tui_edit_new(strlen(text) + 1, 1);
	tui_edit_set(e, text);
	n = (int)tui_edit_layout(e, width - 3, &v);
	free(v);
	tui_edit_free(e);
	h = n + 5;
	y = (LINES - h) / 2;
	x = (COLS - width) / 2;
	attrset(A_NORMAL);
	for (int r = 0; r < h; r++)
		mvhline(y + r, x, ' ', width);
	attrset(tui_attr(TUI_FRAME));
	mvhline(y, x, ACS_HLINE, width);
	mvhline(y + h - 1, x, ACS_HLINE, width);
	mvvline(y, x, ACS_VLINE, h);
	mvvline(y, x + width - 1, ACS_VLINE, h);
	mvaddch(y, x, ACS_ULCORNER);
	mvaddch(y, x + width - 1, ACS_URCORNER);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvaddch(y + h - 1, x + width - 1, ACS_LRCORNER);
	attrset(A_NORMAL);
	if (title != NULL) {
		tui_put(y, x + 2, width - 4, TUI_TITLE, " ");
		tui_put(y, x + 3, width - 6, TUI_TITLE, title);
		tui_put(y, x + 3 + tui_width(title), 1, TUI_TITLE, " ");
	}
	tui_text(y + 2, x + 2, width - 4, n, 0, TUI_NORMAL, text);
	return y + 2 + n + 1;
}

void
tui_draw_too_small(void)
{
	char need[64];

	erase();
	snprintf(need, sizeof need, _("now %dx%d, at least %dx%d"), COLS, LINES,
	    TUI_MIN_COLS, TUI_MIN_LINES);
	tui_text(LINES / 2 - 1, 1, COLS - 2, 2, 0, TUI_WARNING,
	    _("Make the window larger."));
	tui_put(LINES / 2, 1, COLS - 2, TUI_NORMAL, need);
	refresh();
}

/* Lower-case ASCII letter of a key, or 0. */
static int
key_letter(const struct tui_key *k)
{
	if (k->fkey || k->ch > 0x7f)
		return 0;
	return k->ch >= 'A' && k->ch <= 'Z' ? (int)k->ch + 32 : (int)k->ch;
}

int
tui_confirm(const char *title, const char *text, const char *yes,
    const char *no, int yes_first, void (*redraw)(void *), void *arg)
{
	struct tui_key k;
	int sel = yes_first ? 0 : 1, row, x, c;
	/* the dialog's own keys replace the screen's behind it */
	const struct tui_keyhelp ask[] = { { "Enter", N_("Choose") },
		{ "\xe2\x86\x90\xe2\x86\x92", N_("Switch") }, { N_("y"), yes },
		{ "Esc", no != NULL ? no : "" } };
	const struct tui_keyhelp tell[] = { { "Enter", N_("OK") } };
	char *b;

	for (;;) {
		if (tui_stop_signal())
			return -1;
		if (!tui_big_enough()) {
			tui_draw_too_small();
		} else {
			erase();
			if (redraw != NULL)
				redraw(arg);
			row = tui_dialog_draw(title, text, 60);
			x = (COLS - 60) / 2 + 3;
			if (x < 3)
				x = 3;
			/* brackets, so the buttons read without colour */
			b = xasprintf("[ %s ]", yes);
			x += tui_put(row, x, 30,
			    sel == 0 ? TUI_SELECTED : TUI_NORMAL, b);
			free(b);
			if (no != NULL) {
				b = xasprintf("[ %s ]", no);
				tui_put(row, x + 3, 30,
				    sel == 1 ? TUI_SELECTED : TUI_NORMAL, b);
				free(b);
				tui_keybar(ask, 4);
			} else {
				tui_keybar(tell, 1);
			}
			curs_set(0);
			refresh();
		}
		if (tui_read_key(&k, 500) == -1)
			continue;
		c = key_letter(&k);
		if (no == NULL) {
			if ((k.fkey && k.ch == KEY_ENTER) ||
			    (!k.fkey && k.ch == 27))
				return 1;
			continue;
		}
		if (k.fkey &&
		    (k.ch == KEY_LEFT || k.ch == KEY_RIGHT || k.ch == KEY_UP ||
			k.ch == KEY_DOWN))
			sel = !sel;
		else if (!k.fkey && k.ch == '\t')
			sel = !sel;
		else if (c == 'y' || c == 'j')
			return 1;
		else if (c == 'n' || (!k.fkey && k.ch == 27))
			return 0;
		else if (k.fkey && k.ch == KEY_ENTER)
			return sel == 0;
	}
}
