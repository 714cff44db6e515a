/* screen_review: every visible question with its answer, free text in
 * full so it can be read back and cleaned of names; change one, or seal
 * and submit after a final confirmation. */
#include "interview/screen.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/i18n.h"
#include "util/xmem.h"

#define REVIEW_INDENT 7
#define REVIEW_TOP 4 /* the first row of the answers */

struct review {
	size_t *qs;
	size_t n;
	size_t sel;
	int off; /* lines of the answers scrolled off the top */
};

static void
review_select(struct review *r, size_t q)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->qs[i] == q)
			r->sel = i;
}

static void
review_init(struct app *a)
{
	struct review *r = xcalloc(1, sizeof *r);
	const struct form *f = session_form(a->s);

	a->ui.st = r;
	r->qs = xcalloc(f->nquestions ? f->nquestions : 1, sizeof *r->qs);
	r->n = session_list(a->s, r->qs);
	/* back from a question: on it, not at the top (drawing scrolls the
	 * selection into view) */
	if (a->has_review_q)
		review_select(r, a->review_q);
	a->has_review_q = 0;
}

static void
review_free(struct app *a)
{
	struct review *r = a->ui.st;

	free(r->qs);
	free(r);
}

/* Rows for the answers. */
static int
review_rows(void)
{
	return LINES - 3 - REVIEW_TOP;
}

/* Draw block i (the label, at most two lines, then the answer) with its
 * first clip lines cut off, at y, in at most maxh rows; or only count
 * its lines when maxh is 0. */
static int
block_lines(struct app *a, size_t i, int y, int clip, int maxh)
{
	struct review *r = a->ui.st;
	size_t q = r->qs[i];
	int w = COLS - REVIEW_INDENT - 2, n, m, h;
	char num[32], *ans;
	enum tui_role role = i == r->sel ? TUI_SELECTED : TUI_STRONG;
	const char *label = screen_qlabel(a, q);

	if (w > 76)
		w = 76; /* lines that can be read back aloud */
	n = tui_text(0, 0, w, 0, 0, role, label);
	if (n > 2)
		n = 2;
	if (maxh > 0 && clip == 0) {
		snprintf(num, sizeof num, "%3zu.", i + 1);
		if (i == r->sel) {
			attrset(tui_attr(TUI_SELECTED));
			mvhline(y, 0, ' ', COLS);
			attrset(A_NORMAL);
		}
		tui_put(y, 1, 5, role, num);
	}
	if (maxh > 0 && clip < n) {
		h = n - clip < maxh ? n - clip : maxh;
		tui_text(y, REVIEW_INDENT, w, h, clip, role, label);
		y += h;
		maxh -= h;
	}
	ans = screen_answer_str(a, q);
	m = tui_text(y, REVIEW_INDENT, w, maxh, clip > n ? clip - n : 0,
	    session_answer(a->s, q)->state == FORM_ANSWERED ? TUI_MARK :
							      TUI_DIM,
	    ans);
	xfree_str_wipe(ans);
	return n + m;
}

/* Where each block starts, in lines (a blank line after each); at[n]
 * is the total. Free it. */
static int *
review_layout(struct app *a)
{
	struct review *r = a->ui.st;
	int *at = xcalloc(r->n + 1, sizeof *at);
	size_t i;

	for (i = 0; i < r->n; i++)
		at[i + 1] = at[i] + block_lines(a, i, 0, 0, 0) + 1;
	return at;
}

/* Scroll so that the selected block shows: its start, and as much of
 * the rest as fits. */
static void
review_show_sel(struct review *r, const int *at)
{
	int h = review_rows();

	if (r->n == 0)
		return;
	if (at[r->sel + 1] - 1 > r->off + h)
		r->off = at[r->sel + 1] - 1 - h;
	if (r->off > at[r->sel])
		r->off = at[r->sel];
}

static void
review_draw(struct app *a)
{
	struct review *r = a->ui.st;
	static const struct tui_keyhelp keys[] = { { "Enter", N_("Change") },
		{ "F5", N_("Seal and submit") }, { "F2", N_("Overview") },
		{ "F1", N_("Help") }, { "F10", N_("Leave") } };
	int y, bottom = LINES - 3, h = review_rows(), *at, y0, clip;
	int edge = COLS - 1 < REVIEW_INDENT + 78 ?
	    COLS - 1 :
	    REVIEW_INDENT + 78; /* the right edge of the text */
	size_t i;
	const char *more;

	tui_title(0, _("Review the answers"),
	    screen_unit_name(a, session_unit(a->s)));
	tui_text(1, 2, COLS - 4, 2, 0, TUI_WARNING,
	    _("Read the free-text "
	      "answers back to the leaver. Remove names and other details that "
	      "could point to a person before you seal."));
	at = review_layout(a);
	/* after a resize the selected block may be out of view */
	if (r->n > 0 &&
	    (at[r->sel] >= r->off + h || at[r->sel + 1] - 1 <= r->off))
		r->off = at[r->sel];
	for (i = 0; i < r->n; i++) {
		y0 = REVIEW_TOP + at[i] - r->off;
		if (y0 + at[i + 1] - at[i] <= REVIEW_TOP || y0 >= bottom)
			continue;
		clip = y0 < REVIEW_TOP ? REVIEW_TOP - y0 : 0;
		y = y0 + clip;
		block_lines(a, i, y, clip, bottom - y);
	}
	if (r->off > 0) {
		more = _("(more above)");
		tui_put(REVIEW_TOP - 1, edge - tui_width(more), tui_width(more),
		    TUI_DIM, more);
	}
	if (at[r->n] - 1 > r->off + h) {
		more = _("(more below)");
		tui_put(bottom, edge - tui_width(more), tui_width(more),
		    TUI_DIM, more);
	}
	free(at);
	tui_keybar(keys, sizeof keys / sizeof keys[0]);
}

/* Down: the rest of a long answer first (half a screen at a time, so
 * that it can be read back in full), then the next question. */
static int
rv_down(struct app *a)
{
	struct review *r = a->ui.st;
	int *at = review_layout(a), h = review_rows();

	if (r->n > 0 && at[r->sel + 1] - 1 > r->off + h)
		r->off += h / 2;
	else if (r->sel + 1 < r->n) {
		r->sel++;
		review_show_sel(r, at);
	}
	free(at);
	return TUI_OK;
}

static int
rv_up(struct app *a)
{
	struct review *r = a->ui.st;
	int *at = review_layout(a), h = review_rows();

	if (r->n > 0 && at[r->sel] < r->off) {
		r->off -= h / 2;
		if (r->off < at[r->sel])
			r->off = at[r->sel];
	} else if (r->sel > 0) {
		r->sel--;
		if (r->off > at[r->sel])
			r->off = at[r->sel];
	}
	free(at);
	return TUI_OK;
}

static int
rv_pgup(struct app *a)
{
	struct review *r = a->ui.st;
	int *at;

	r->sel = r->sel > 5 ? r->sel - 5 : 0;
	at = review_layout(a);
	if (r->off > at[r->sel])
		r->off = at[r->sel];
	free(at);
	return TUI_OK;
}

static int
rv_pgdn(struct app *a)
{
	struct review *r = a->ui.st;
	int *at;

	r->sel = r->sel + 5 < r->n ? r->sel + 5 : (r->n ? r->n - 1 : 0);
	at = review_layout(a);
	review_show_sel(r, at);
	free(at);
	return TUI_OK;
}

static int
rv_change(struct app *a)
{
	struct review *r = a->ui.st;

	if (r->n == 0 || session_jump(a->s, r->qs[r->sel]) == -1)
		return TUI_OK;
	/* coming back, the review opens on this question again */
	a->review_q = r->qs[r->sel];
	a->has_review_q = 1;
	screen_save(a);
	screen_to_question(a);
	return TUI_OK;
}

static int
rv_back(struct app *a)
{
	session_back(a->s);
	screen_save(a);
	screen_to_question(a);
	return TUI_OK;
}

static void
rv_redraw(void *arg)
{
	review_draw(arg);
}

/* Shown questions marked required: soft that have no answer. */
static size_t
review_soft_missing(struct app *a)
{
	struct review *r = a->ui.st;
	const struct form *f = session_form(a->s);
	const struct form_answer *an;
	size_t i, n = 0;

	for (i = 0; i < r->n; i++) {
		an = session_answer(a->s, r->qs[i]);
		if (f->questions[r->qs[i]].required == FORM_SOFT &&
		    an->state != FORM_ANSWERED && an->state != FORM_DECLINED)
			n++;
	}
	return n;
}

static int
rv_seal(struct app *a)
{
	struct review *r = a->ui.st;
	struct err e;
	size_t q = 0, n;
	int yes;

	switch (session_submit_check(a->s, &q, &e)) {
	case SESSION_BLOCKED:
		review_select(r, q);
		tui_msg(TUI_ERROR,
		    _("Question %zu needs an answer, or prefer "
		      "not to answer."),
		    r->sel + 1);
		return TUI_OK;
	case SESSION_WARNED:
		review_select(r, q);
		n = review_soft_missing(a);
		if (n > 1)
			tui_msg(TUI_WARNING,
			    _("Question %zu and %zu more have "
			      "no answer. Press F5 again to seal anyway."),
			    r->sel + 1, n - 1);
		else
			tui_msg(TUI_WARNING,
			    _("Question %zu has no answer. "
			      "Press F5 again to seal anyway."),
			    r->sel + 1);
		return TUI_OK;
	default:
		break;
	}
	yes = tui_confirm(_("Seal and submit"),
	    _("Seal the interview now? "
	      "After this its answers cannot be opened, read or changed on "
	      "this laptop, not even with your passphrase."),
	    _("Seal"), _("Cancel"), 1, rv_redraw, a);
	/* F5 asked to seal: Enter does it; Esc or Cancel says it did not */
	if (yes != 1) {
		tui_msg(TUI_INFO, "%s",
		    _("Not sealed: the interview is still "
		      "a draft; F5 seals it."));
		return TUI_OK;
	}
	if (screen_seal(a) == -1)
		return TUI_OK;
	/* said over the start screen, which counts it as waiting: the
	 * answers are gone from this laptop, so they are not drawn again */
	tui_notice(&a->ui, _("Sealed"),
	    _("The interview is sealed and cannot be opened on "
	      "this laptop again. It goes to HR with the next sync."));
	tui_msg(TUI_INFO, "%s", _("The interview is sealed."));
	tui_go(&a->ui, screen_home());
	return TUI_OK;
}

static const struct tui_bind review_keys[] = {
	{ 1, KEY_UP, rv_up, NULL },
	{ 1, KEY_DOWN, rv_down, NULL },
	{ 1, KEY_PPAGE, rv_pgup, NULL },
	{ 1, KEY_NPAGE, rv_pgdn, NULL },
	{ 1, KEY_ENTER, rv_change, NULL },
	{ 1, KEY_F(5), rv_seal, NULL },
	{ 1, KEY_BTAB, rv_back, NULL },
	{ 0, TUI_CTRL('p'), rv_back, NULL },
	{ 1, KEY_F(2), screen_show_overview, NULL },
	{ 0, TUI_CTRL('o'), screen_show_overview, NULL },
	{ 1, KEY_F(1), screen_show_help, NULL },
	{ 0, '?', screen_show_help, NULL },
	{ 1, KEY_F(10), screen_leave, NULL },
	{ 0, TUI_ESC, screen_leave, NULL },
	{ 0, 0, NULL, NULL },
};

static const struct tui_screen review_screen = { "review", review_init,
	review_draw, review_keys, NULL, NULL, review_free, 0 };

const struct tui_screen *
screen_review(void)
{
	return &review_screen;
}
