/* screen_question: one question at a time: label, help, progress, and
 * the input for its type. Every change goes into the session at once;
 * the encrypted draft is saved whenever the interviewer moves on. */
#include "interview/screen.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/utf8.h"
#include "util/xmem.h"

#define NUMBER_MAX_CHARS 11

struct quest {
	size_t q;		/* the question shown */
	int row;		/* single, multi: cursor row (nchoices = other) */
	int col;		/* scale, nps, yesno: cursor value */
	int top;		/* first choice row on screen */
	int cy, cx;		/* the cursor in the "other" field */
	struct tui_edit *ed;	/* text, number, or the "other" text */
	int in_other;		/* typing goes to the "other" field */
	uint32_t last;		/* previous key, for "1" "0" = 10 on nps */
};

static const struct form_question *
cur_q(const struct app *a)
{
	const struct quest *st = a->st;

	return &session_form(a->s)->questions[st->q];
}

/* Set up the input from the stored answer of the current question. */
static void
quest_load(struct app *a)
{
	struct quest *st = a->st;
	const struct form_question *qu;
	const struct form_answer *an;
	char num[32];
	size_t i;

	st->q = session_pos(a->s);
	qu = cur_q(a);
	an = session_answer(a->s, st->q);
	tui_edit_free(st->ed);
	st->ed = NULL;
	st->row = 0;
	st->top = 0;
	st->in_other = 0;
	st->last = 0;
	st->col = qu->type == FORM_YESNO ? FORM_YES : qu->min;
	switch (qu->type) {
	case FORM_SINGLE:
	case FORM_MULTI:
		if (qu->other) {
			st->ed = tui_edit_new(qu->max_length ?
			    qu->max_length : 200, 0);
			if (an->state == FORM_ANSWERED && an->other)
				tui_edit_set(st->ed, an->text);
		}
		if (an->state == FORM_ANSWERED && qu->type == FORM_SINGLE)
			st->row = an->other ? (int)qu->nchoices : an->num;
		if (an->state == FORM_ANSWERED && qu->type == FORM_MULTI)
			for (i = 0; i < qu->nchoices; i++)
				if (an->choices >> i & 1) {
					st->row = (int)i;
					break;
				}
		break;
	case FORM_SCALE:
	case FORM_NPS:
	case FORM_YESNO:
		if (an->state == FORM_ANSWERED)
			st->col = an->num;
		break;
	case FORM_NUMBER:
		st->ed = tui_edit_new(NUMBER_MAX_CHARS, 0);
		if (an->state == FORM_ANSWERED) {
			snprintf(num, sizeof num, "%ld", (long)an->num);
			tui_edit_set(st->ed, num);
		}
		break;
	case FORM_TEXT:
		st->ed = tui_edit_new(qu->max_length, 1);
		if (an->state == FORM_ANSWERED)
			tui_edit_set(st->ed, an->text);
		break;
	}
}

static void
quest_init(struct app *a)
{
	a->st = xcalloc(1, sizeof(struct quest));
	quest_load(a);
}

/* Store a value answer (single, scale, nps, yesno, number). */
static int
put_value(struct app *a, int32_t v, int other, const char *text)
{
	struct quest *st = a->st;
	struct form_answer an;
	struct err e;

	memset(&an, 0, sizeof an);
	an.state = FORM_ANSWERED;
	an.num = v;
	an.other = (uint8_t)other;
	an.text = (char *)text;
	if (session_put(a->s, st->q, &an, &e) == -1) {
		tui_msg(TUI_ERROR, "%s", e.msg);
		return -1;
	}
	return 0;
}

/* The "other" text of single and multi questions, as typed. */
static char *
other_text(const struct quest *st)
{
	return st->ed != NULL ? tui_edit_text(st->ed) : NULL;
}

/* Store the multi set with the "other" box as given. */
static int
put_multi(struct app *a, uint64_t set, int other)
{
	struct quest *st = a->st;
	struct form_answer an;
	struct err e;
	char *t = other ? other_text(st) : NULL;
	int rc = 0;

	memset(&an, 0, sizeof an);
	an.state = FORM_ANSWERED;
	an.choices = set;
	an.other = (uint8_t)other;
	an.text = t != NULL && t[0] != '\0' ? t : NULL;
	if (session_put(a->s, st->q, &an, &e) == -1) {
		tui_msg(TUI_ERROR, "%s", e.msg);
		rc = -1;
	}
	xfree_str_wipe(t);
	return rc;
}

/* Put what is being typed into the session. Text goes in as it is
 * typed; a number only here, when it parses and is in range. */
static int
quest_commit(struct app *a)
{
	struct quest *st = a->st;
	const struct form_question *qu = cur_q(a);
	const struct form_answer *an = session_answer(a->s, st->q);
	char *t, *end;
	long v;
	int rc = 0;

	if (qu->type != FORM_NUMBER)
		return 0;
	t = tui_edit_text(st->ed);
	if (t[0] == '\0') {
		/* emptied: no answer (a declined one stays declined) */
		if (an->state == FORM_ANSWERED) {
			struct form_answer none;

			memset(&none, 0, sizeof none);
			none.state = FORM_SKIPPED;
			session_put(a->s, st->q, &none, NULL);
		}
		xfree_str_wipe(t);
		return 0;
	}
	errno = 0;
	v = strtol(t, &end, 10);
	if (errno != 0 || *end != '\0' || v < qu->min || v > qu->max) {
		tui_msg(TUI_ERROR, _("Give a whole number from %ld to %ld."),
		    (long)qu->min, (long)qu->max);
		rc = -1;
	} else {
		rc = put_value(a, (int32_t)v, 0, NULL);
	}
	xfree_str_wipe(t);
	return rc;
}

static void
quest_free(struct app *a)
{
	struct quest *st = a->st;

	if (a->s != NULL)
		quest_commit(a);
	tui_edit_free(st->ed);
	free(st);
}

/* --- drawing ---------------------------------------------------------- */

static void
draw_choices(struct app *a, int y, int h)
{
	struct quest *st = a->st;
	const struct form_question *qu = cur_q(a);
	const struct form_answer *an = session_answer(a->s, st->q);
	int li = session_lang(a->s), n = (int)qu->nchoices + (qu->other ? 1 :
	    0), i, x, on, r;
	char mark[32], *t;

	if (st->row < st->top)
		st->top = st->row;
	if (st->row >= st->top + h)
		st->top = st->row - h + 1;
	for (r = 0; r < h && st->top + r < n; r++) {
		i = st->top + r;
		if (an->state != FORM_ANSWERED)
			on = 0;
		else if (i == (int)qu->nchoices)
			on = an->other;
		else if (qu->type == FORM_SINGLE)
			on = !an->other && an->num == i;
		else
			on = (int)(an->choices >> i & 1);
		if (qu->type == FORM_SINGLE)
			snprintf(mark, sizeof mark, "%s", on ? "(\xe2\x80\xa2)" :
			    "( )");
		else
			snprintf(mark, sizeof mark, "%s", on ? "[x]" : "[ ]");
		x = 4;
		if (i < 9)
			snprintf(mark + strlen(mark), 8, " %c.", '1' + i);
		else
			strcat(mark, "   ");
		if (i == st->row) {
			attrset(tui_attr(TUI_SELECTED));
			mvhline(y + r, 2, ' ', COLS - 4);
		}
		x += tui_put(y + r, x, 10, i == st->row ? TUI_SELECTED :
		    on ? TUI_MARK : TUI_NORMAL, mark);
		x++;
		if (i < (int)qu->nchoices) {
			tui_put(y + r, x, COLS - x - 3, i == st->row ?
			    TUI_SELECTED : TUI_NORMAL,
			    form_text_get(&qu->choices[i].label, li));
			continue;
		}
		x += tui_put(y + r, x, COLS - x - 3, i == st->row ?
		    TUI_SELECTED : TUI_NORMAL, screen_form_word(a,
		    N_("Other, namely:")));
		x++;
		if (st->in_other || (on && st->ed->len > 0)) {
			tui_edit_draw(st->ed, y + r, x, COLS - x - 3, 1,
			    st->in_other);
			getyx(stdscr, st->cy, st->cx);
		} else if (on && an->text) {
			t = xstrdup(an->text);
			tui_put(y + r, x, COLS - x - 3, TUI_NORMAL, t);
			xfree_str_wipe(t);
		} else if (i == st->row) {
			/* the cue that the answer is typed here (for the
			 * interviewer, in the screens' language) */
			tui_put(y + r, x, COLS - x - 3, TUI_SELECTED,
			    _("(Space, then type the answer)"));
		}
	}
	if (st->top > 0)
		tui_put(y - 1, COLS - 4, 2, TUI_DIM, "\xe2\x86\x91");
	if (st->top + h < n)
		tui_put(y + h, COLS - 4, 2, TUI_DIM, "\xe2\x86\x93");
}

/* Values side by side, the end labels under the ends. */
static void
draw_row(struct app *a, int y)
{
	struct quest *st = a->st;
	const struct form_question *qu = cur_q(a);
	const struct form_answer *an = session_answer(a->s, st->q);
	int li = session_lang(a->s), v, x = 4, cell = 6, on, w, lw, rw, steps;
	char b[32];
	const char *l, *r;

	if (qu->type == FORM_YESNO) {
		for (v = FORM_YES; v >= FORM_NO; v--) {
			on = an->state == FORM_ANSWERED && an->num == v;
			snprintf(b, sizeof b, " %s %s ", on ? "(\xe2\x80\xa2)" :
			    "( )", screen_form_word(a, v == FORM_YES ?
			    N_("Yes") : N_("No")));
			x += tui_put(y, x, 30, st->col == v ? TUI_SELECTED :
			    on ? TUI_MARK : TUI_NORMAL, b) + 4;
		}
		return;
	}
	l = form_text_get(&qu->min_label, li);
	r = form_text_get(&qu->max_label, li);
	lw = l != NULL ? tui_width(l) : 0;
	rw = r != NULL ? tui_width(r) : 0;
	steps = qu->max - qu->min;
	/* wide enough cells for both end labels side by side, if it fits */
	if (steps > 0 && (lw + rw + 3 - 4 + steps - 1) / steps > cell)
		cell = (lw + rw + 3 - 4 + steps - 1) / steps;
	if (steps * cell + 4 > COLS - 8)
		cell = (COLS - 12) / (steps > 0 ? steps : 1);
	if (cell < 4)
		cell = 4;
	for (v = qu->min; v <= qu->max; v++) {
		on = an->state == FORM_ANSWERED && an->num == v;
		snprintf(b, sizeof b, on ? "[%2d]" : " %2d ", v);
		tui_put(y, x + (v - qu->min) * cell, 4, st->col == v ?
		    TUI_SELECTED : on ? TUI_MARK : TUI_NORMAL, b);
	}
	w = steps * cell + 4;
	if (l != NULL)
		tui_put(y + 1, x, COLS - x - 2, TUI_DIM, l);
	if (r != NULL) {
		/* under the last value, or on a line of its own */
		if (lw + rw + 2 > w)
			y++;
		if (rw > COLS - x - 2)
			rw = COLS - x - 2;
		tui_put(y + 1, x + (w > rw ? w - rw : 0), rw, TUI_DIM, r);
	}
}

/* Arrows beside a text box that holds more than it shows (it scrolls
 * to the cursor, as tui_edit_draw does). */
static void
text_marks(const struct quest *st, int y, int h)
{
	struct tui_edit_line *v;
	size_t n, row, top = 0;
	int col;

	n = tui_edit_layout(st->ed, COLS - 8, &v);
	free(v);
	tui_edit_cursor(st->ed, COLS - 8, &row, &col);
	if (row >= (size_t)h)
		top = row - (size_t)h + 1;
	if (top > 0)
		tui_put(y - 1, COLS - 3, 2, TUI_DIM, "\xe2\x86\x91");
	if (n > top + (size_t)h)
		tui_put(y + h, COLS - 3, 2, TUI_DIM, "\xe2\x86\x93");
}

static void
quest_draw(struct app *a)
{
	struct quest *st = a->st;
	const struct form *f = session_form(a->s);
	const struct form_question *qu = cur_q(a);
	const struct form_answer *an = session_answer(a->s, st->q);
	int li = session_lang(a->s), y, w = COLS - 6, bottom = LINES - 4;
	int used, dy = bottom;
	size_t idx, total;
	char line[200];
	const char *help;
	static const struct tui_keyhelp keys[] = {
		{ "Tab", N_("Next") }, { "S-Tab", N_("Back") },
		{ "F8", N_("Prefer not to answer") },
		{ "F2", N_("Overview") }, { "F1", N_("Help") },
		{ "F10", N_("Leave") } };

	tui_title(0, screen_form_title(f, li),
	    screen_unit_name(a, session_unit(a->s)));
	session_progress(a->s, &idx, &total);
	snprintf(line, sizeof line, _("Question %zu of %zu"), idx, total);
	y = tui_put(1, 2, 30, TUI_STRONG, line);
	/* a bar, not a ruler: at most 64 columns on wide terminals */
	tui_bar(1, y + 4, COLS - y - 6 > 64 ? 64 : COLS - y - 6, idx, total);
	tui_put(2, 2, COLS - 4, TUI_DIM,
	    form_text_get(&f->sections[qu->section].title, li));
	if (w > 76)
		w = 76;		/* lines that can still be read aloud */
	y = 4;
	y += tui_text(y, 3, w, 4, 0, TUI_STRONG,
	    form_text_get(&qu->label, li));
	if ((help = form_text_get(&qu->help, li)) != NULL)
		y += tui_text(y, 3, w, 3, 0, TUI_DIM, help);
	y++;
	if (y > 10)
		y = 10;
	switch (qu->type) {
	/* "prefer not to answer" comes right under the input (dy) */
	case FORM_SINGLE:
	case FORM_MULTI:
		used = (int)qu->nchoices + (qu->other ? 1 : 0);
		if (used > bottom - y - 1)
			used = bottom - y - 1;
		draw_choices(a, y, bottom - y - 1);
		dy = y + used + 1;
		if (qu->type == FORM_MULTI && qu->max_choices) {
			snprintf(line, sizeof line, _("At most %u choices."),
			    qu->max_choices);
			tui_put(dy - 1, 4, COLS - 8, TUI_DIM, line);
			if (dy < bottom)
				dy++;
		}
		break;
	case FORM_SCALE:
	case FORM_NPS:
		draw_row(a, y + 1);
		dy = y + 5;
		break;
	case FORM_YESNO:
		draw_row(a, y + 1);
		dy = y + 3;
		break;
	case FORM_NUMBER:
		tui_edit_draw(st->ed, y + 1, 4, NUMBER_MAX_CHARS + 2, 1, 1);
		snprintf(line, sizeof line, _("A whole number from %ld to "
		    "%ld."), (long)qu->min, (long)qu->max);
		tui_put(y + 1, NUMBER_MAX_CHARS + 8, COLS - 30, TUI_DIM, line);
		dy = y + 3;
		break;
	case FORM_TEXT:
		tui_edit_draw(st->ed, y, 4, COLS - 8, bottom - y - 1, 1);
		text_marks(st, y, bottom - y - 1);
		snprintf(line, sizeof line, _("%zu of %zu characters"),
		    st->ed->len, st->ed->max);
		tui_put(bottom - 1, COLS - 4 - tui_width(line), 40, TUI_DIM,
		    line);
		tui_put(bottom - 1, 4, COLS - 30, TUI_DIM,
		    _("Enter: new line. Tab: next question."));
		break;
	}
	/* an answer the leaver may give: in the interview's language */
	snprintf(line, sizeof line, "%s %s (F8)",
	    an->state == FORM_DECLINED ? "[x]" : "[ ]",
	    screen_form_word(a, N_("Prefer not to answer")));
	tui_put(dy < bottom ? dy : bottom, 4, COLS - 8,
	    an->state == FORM_DECLINED ? TUI_MARK : TUI_DIM, line);
	tui_keybar(keys, sizeof keys / sizeof keys[0]);
	/* the editor's cursor last, so that it stays where typing goes */
	if (qu->type == FORM_TEXT)
		tui_edit_draw(st->ed, y, 4, COLS - 8, bottom - y - 1, 1);
	else if (qu->type == FORM_NUMBER)
		tui_edit_draw(st->ed, y + 1, 4, NUMBER_MAX_CHARS + 2, 1, 1);
	else if (st->in_other)
		move(st->cy, st->cx);
}

/* --- actions ---------------------------------------------------------- */

static int
quest_after_move(struct app *a)
{
	screen_save(a);
	switch (session_where(a->s)) {
	case SESSION_INTRO:
		screen_go(a, screen_intro());
		break;
	case SESSION_REVIEW:
		screen_go(a, screen_review());
		break;
	default:
		if (session_self(a->s, session_pos(a->s)))
			screen_go(a, screen_handover());
		else
			quest_load(a);
		break;
	}
	return SCREEN_OK;
}

static int
act_next(struct app *a)
{
	struct err e;

	if (quest_commit(a) == -1)
		return SCREEN_OK;
	switch (session_next(a->s, &e)) {
	case SESSION_BLOCKED:
		tui_msg(TUI_ERROR, "%s", _("This question needs an answer, "
		    "or F8: prefer not to answer."));
		return SCREEN_OK;
	case SESSION_WARNED:
		tui_msg(TUI_WARNING, "%s", _("No answer yet. Press Tab "
		    "again to go on without one."));
		return SCREEN_OK;
	default:
		return quest_after_move(a);
	}
}

static int
act_back(struct app *a)
{
	if (quest_commit(a) == -1)
		return SCREEN_OK;
	session_back(a->s);
	return quest_after_move(a);
}

static int
act_decline(struct app *a)
{
	struct quest *st = a->st;
	struct form_answer none;
	struct err e;

	if (session_answer(a->s, st->q)->state == FORM_DECLINED) {
		memset(&none, 0, sizeof none);
		none.state = FORM_SKIPPED;
		session_put(a->s, st->q, &none, &e);
		return SCREEN_OK;
	}
	session_decline(a->s, st->q);
	if (st->ed != NULL)
		tui_edit_set(st->ed, NULL);
	st->in_other = 0;
	return SCREEN_OK;
}

static int
act_overview(struct app *a)
{
	if (quest_commit(a) == -1)
		return SCREEN_OK;
	screen_save(a);
	screen_go(a, screen_overview());
	return SCREEN_OK;
}

static int
act_help(struct app *a)
{
	if (quest_commit(a) == -1)
		return SCREEN_OK;
	screen_save(a);
	screen_go(a, screen_help());
	return SCREEN_OK;
}

static int
act_leave(struct app *a)
{
	if (quest_commit(a) == -1)
		return SCREEN_OK;
	screen_close(a, 1);
	tui_msg(TUI_INFO, "%s", _("The draft is saved."));
	screen_go(a, screen_home());
	return SCREEN_OK;
}

/* Choose row i of a single or multi question (space, digits, Enter). */
static void
choose_row(struct app *a, int i)
{
	struct quest *st = a->st;
	const struct form_question *qu = cur_q(a);
	const struct form_answer *an = session_answer(a->s, st->q);
	uint64_t set = an->state == FORM_ANSWERED ? an->choices : 0;
	int other = an->state == FORM_ANSWERED && an->other;
	char *t;

	st->row = i;
	if (qu->type == FORM_SINGLE) {
		if (i == (int)qu->nchoices) {
			st->in_other = 1;
			t = other_text(st);
			put_value(a, 0, 1, t[0] ? t : NULL);
			xfree_str_wipe(t);
		} else {
			st->in_other = 0;
			put_value(a, i, 0, NULL);
		}
		return;
	}
	if (i == (int)qu->nchoices) {
		other = !other;
		st->in_other = other;
	} else {
		set ^= (uint64_t)1 << i;
	}
	if (qu->max_choices != 0 && (i == (int)qu->nchoices ? other :
	    (int)(set >> i & 1))) {
		unsigned n = other ? 1 : 0, b;

		for (b = 0; b < 64; b++)
			n += (unsigned)(set >> b & 1);
		if (n > qu->max_choices) {
			tui_msg(TUI_WARNING, _("At most %u choices: take one "
			    "away first."), qu->max_choices);
			st->in_other = 0;
			return;
		}
	}
	if (set == 0 && !other) {
		struct form_answer none;
		struct err e;

		memset(&none, 0, sizeof none);
		none.state = FORM_SKIPPED;
		session_put(a->s, st->q, &none, &e);
		return;
	}
	put_multi(a, set, other);
}

static int
act_up(struct app *a)
{
	struct quest *st = a->st;
	const struct form_question *qu = cur_q(a);

	if (qu->type == FORM_TEXT) {
		tui_edit_up(st->ed, COLS - 8);
	} else if (qu->type == FORM_SINGLE || qu->type == FORM_MULTI) {
		if (st->row > 0)
			st->row--;
		st->in_other = 0;
	}
	return SCREEN_OK;
}

static int
act_down(struct app *a)
{
	struct quest *st = a->st;
	const struct form_question *qu = cur_q(a);
	int n = (int)qu->nchoices + (qu->other ? 1 : 0);

	if (qu->type == FORM_TEXT) {
		tui_edit_down(st->ed, COLS - 8);
	} else if (qu->type == FORM_SINGLE || qu->type == FORM_MULTI) {
		if (st->row < n - 1)
			st->row++;
		st->in_other = 0;
	}
	return SCREEN_OK;
}

static int
act_left(struct app *a)
{
	struct quest *st = a->st;
	const struct form_question *qu = cur_q(a);

	if (st->ed != NULL && (qu->type == FORM_TEXT ||
	    qu->type == FORM_NUMBER || st->in_other))
		tui_edit_left(st->ed);
	else if (qu->type == FORM_YESNO)
		st->col = FORM_YES;
	else if ((qu->type == FORM_SCALE || qu->type == FORM_NPS) &&
	    st->col > qu->min)
		st->col--;
	return SCREEN_OK;
}

static int
act_right(struct app *a)
{
	struct quest *st = a->st;
	const struct form_question *qu = cur_q(a);

	if (st->ed != NULL && (qu->type == FORM_TEXT ||
	    qu->type == FORM_NUMBER || st->in_other))
		tui_edit_right(st->ed);
	else if (qu->type == FORM_YESNO)
		st->col = FORM_NO;
	else if ((qu->type == FORM_SCALE || qu->type == FORM_NPS) &&
	    st->col < qu->max)
		st->col++;
	return SCREEN_OK;
}

static int
act_home(struct app *a)
{
	struct quest *st = a->st;

	if (st->ed != NULL && (cur_q(a)->type == FORM_TEXT ||
	    cur_q(a)->type == FORM_NUMBER || st->in_other))
		tui_edit_home(st->ed, cur_q(a)->type == FORM_TEXT ?
		    COLS - 8 : 1000);
	return SCREEN_OK;
}

static int
act_end(struct app *a)
{
	struct quest *st = a->st;

	if (st->ed != NULL && (cur_q(a)->type == FORM_TEXT ||
	    cur_q(a)->type == FORM_NUMBER || st->in_other))
		tui_edit_end(st->ed, cur_q(a)->type == FORM_TEXT ?
		    COLS - 8 : 1000);
	return SCREEN_OK;
}

/* Text typed into the editor goes into the session at once. */
static void
text_changed(struct app *a)
{
	struct quest *st = a->st;
	const struct form_question *qu = cur_q(a);
	const struct form_answer *an = session_answer(a->s, st->q);
	char *t = tui_edit_text(st->ed);

	if (qu->type == FORM_TEXT) {
		put_value(a, 0, 0, t);
	} else if (st->in_other) {
		if (qu->type == FORM_SINGLE)
			put_value(a, 0, 1, t[0] ? t : NULL);
		else
			put_multi(a, an->state == FORM_ANSWERED ?
			    an->choices : 0, 1);
	}
	xfree_str_wipe(t);
}

static int
typing(const struct app *a)
{
	const struct quest *st = a->st;
	const struct form_question *qu = cur_q(a);

	return qu->type == FORM_TEXT || qu->type == FORM_NUMBER ||
	    st->in_other;
}

static int
act_backspace(struct app *a)
{
	struct quest *st = a->st;

	if (typing(a) && tui_edit_backspace(st->ed) == 0 &&
	    cur_q(a)->type != FORM_NUMBER)
		text_changed(a);
	return SCREEN_OK;
}

static int
act_delete(struct app *a)
{
	struct quest *st = a->st;

	if (typing(a) && tui_edit_delete(st->ed) == 0 &&
	    cur_q(a)->type != FORM_NUMBER)
		text_changed(a);
	return SCREEN_OK;
}

/* Say so when typing (or a paste, to its last new line) hits the
 * answer's length. */
static void
text_full(const struct quest *st)
{
	if (st->ed->len >= st->ed->max)
		tui_msg(TUI_WARNING, _("The answer is full: at most %zu "
		    "characters."), st->ed->max);
}

static int
act_enter(struct app *a)
{
	struct quest *st = a->st;
	const struct form_question *qu = cur_q(a);

	switch (qu->type) {
	case FORM_TEXT:
		if (tui_edit_insert(st->ed, '\n') == 0)
			text_changed(a);
		else
			text_full(st);
		return SCREEN_OK;
	case FORM_SINGLE:
		if (!st->in_other)
			choose_row(a, st->row);
		break;
	case FORM_MULTI:
		break;			/* space toggles; Enter goes on */
	case FORM_SCALE:
	case FORM_NPS:
	case FORM_YESNO:
		put_value(a, st->col, 0, NULL);
		break;
	default:
		break;
	}
	return act_next(a);
}

static int
act_space(struct app *a)
{
	struct quest *st = a->st;
	const struct form_question *qu = cur_q(a);

	switch (qu->type) {
	case FORM_SINGLE:
	case FORM_MULTI:
		choose_row(a, st->row);
		break;
	case FORM_SCALE:
	case FORM_NPS:
	case FORM_YESNO:
		put_value(a, st->col, 0, NULL);
		break;
	default:
		break;
	}
	return SCREEN_OK;
}

static int
act_word_left(struct app *a)
{
	struct quest *st = a->st;

	if (typing(a))
		tui_edit_word_left(st->ed);
	return SCREEN_OK;
}

static int
act_word_right(struct app *a)
{
	struct quest *st = a->st;

	if (typing(a))
		tui_edit_word_right(st->ed);
	return SCREEN_OK;
}

static const struct screen_bind quest_keys[] = {
	{ 0, '\t', act_next },
	{ 1, KEY_NPAGE, act_next },
	{ 0, SCREEN_CTRL('n'), act_next },
	{ 1, KEY_BTAB, act_back },
	{ 1, KEY_PPAGE, act_back },
	{ 0, SCREEN_CTRL('p'), act_back },
	{ 1, KEY_F(8), act_decline },
	{ 0, SCREEN_CTRL('x'), act_decline },
	{ 1, KEY_F(2), act_overview },
	{ 0, SCREEN_CTRL('o'), act_overview },
	{ 1, KEY_F(1), act_help },
	{ 1, KEY_F(10), act_leave },
	{ 0, SCREEN_ESC, act_leave },
	{ 1, KEY_UP, act_up },
	{ 1, KEY_DOWN, act_down },
	{ 1, KEY_LEFT, act_left },
	{ 1, KEY_RIGHT, act_right },
	{ 1, KEY_HOME, act_home },
	{ 1, KEY_END, act_end },
	{ 0, SCREEN_CTRL('a'), act_home },
	{ 0, SCREEN_CTRL('e'), act_end },
	{ 1, KEY_BACKSPACE, act_backspace },
	{ 0, 127, act_backspace },
	{ 0, 8, act_backspace },
	{ 1, KEY_DC, act_delete },
	{ 1, KEY_ENTER, act_enter },
	{ 0, 0, NULL },
};

/* Printable keys: typing, digits, space, y/n, '?'. */
static int
quest_char(struct app *a, uint32_t c)
{
	struct quest *st = a->st;
	const struct form_question *qu = cur_q(a);
	uint32_t last = st->last;
	int n;

	st->last = c;
	if (typing(a)) {
		if (qu->type == FORM_NUMBER && !(c >= '0' && c <= '9') &&
		    !(c == '-' && st->ed->cur == 0))
			return SCREEN_OK;
		if (tui_edit_insert(st->ed, c) == -1) {
			text_full(st);
			return SCREEN_OK;
		}
		if (qu->type != FORM_NUMBER)
			text_changed(a);
		return SCREEN_OK;
	}
	if (c == '?')
		return act_help(a);
	if (c == ' ')
		return act_space(a);
	switch (qu->type) {
	case FORM_SINGLE:
	case FORM_MULTI:
		n = (int)qu->nchoices + (qu->other ? 1 : 0);
		if (c >= '1' && c <= '9' && (int)(c - '1') < n)
			choose_row(a, (int)(c - '1'));
		break;
	case FORM_SCALE:
	case FORM_NPS:
		if (c < '0' || c > '9')
			break;
		n = (int)(c - '0');
		if (qu->type == FORM_NPS && c == '0' && last == '1' &&
		    session_answer(a->s, st->q)->num == 1)
			n = 10;
		if (n >= qu->min && n <= qu->max) {
			st->col = n;
			put_value(a, n, 0, NULL);
		}
		break;
	case FORM_YESNO:
		if (c == 'j' || c == 'J' || c == 'y' || c == 'Y')
			st->col = FORM_YES;
		else if (c == 'n' || c == 'N')
			st->col = FORM_NO;
		else
			break;
		put_value(a, st->col, 0, NULL);
		break;
	default:
		break;
	}
	return SCREEN_OK;
}

static int
quest_key(struct app *a, const struct tui_key *k)
{
	int r;

	tui_msg_clear();
	if ((r = screen_dispatch(a, quest_keys, k)) != -1)
		return r;
	/* control-left and -right have no fixed codes: ask the terminal */
	if (k->fkey && (int)k->ch == tui_keycode("kLFT5"))
		return act_word_left(a);
	if (k->fkey && (int)k->ch == tui_keycode("kRIT5"))
		return act_word_right(a);
	if (k->fkey || k->ch < 0x20 || utf8_forbidden(k->ch))
		return SCREEN_OK;
	return quest_char(a, k->ch);
}

static const struct screen quest_screen = {
	"question", quest_init, quest_draw, quest_key, NULL, quest_free,
};

const struct screen *
screen_question(void)
{
	return &quest_screen;
}
