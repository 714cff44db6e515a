/* screen_self: the leaver's questions (a section with mode: self) in a
 * simpler, roomier view that needs only the arrow keys and Enter; the
 * screens around it are in screen_handover.c. No screen of the
 * interviewer shows these answers (session.h). */
#include "interview/screen.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/utf8.h"
#include "util/xmem.h"

/* The leaver's words (screen_lw), short. */
static const char *
lw(const struct app *a, const char *en)
{
	return screen_lw(a, en);
}

/* --- the leaver's questions ---------------------------------------- */

enum item_kind {
	IT_CHOICE, /* v: choice index */
	IT_OTHER,  /* "other, namely": typing goes there */
	IT_VALUE,  /* v: scale, nps or yes/no value */
	IT_INPUT,  /* the text or number field */
	IT_NEXT,   /* multi, text, number: go on */
	IT_DECLINE,
	IT_SKIP,
	IT_BACK
};

struct item {
	enum item_kind kind;
	int32_t v;
};

struct selfq {
	size_t q;
	int row;
	struct tui_edit *ed; /* text, number or "other" */
	struct item *items;
	int n;
	int skip_warned;
};

static const struct form_question *
sq_q(const struct app *a)
{
	const struct selfq *st = a->ui.st;

	return &session_form(a->s)->questions[st->q];
}

/* The previous visible question in the same self section, or -1. */
static long
sq_prev(const struct app *a, size_t q)
{
	const struct form *f = session_form(a->s);
	size_t sec = f->questions[q].section, i;

	for (i = q; i-- > f->sections[sec].first;)
		if (session_visible(a->s, i))
			return (long)i;
	return -1;
}

static void
sq_add(struct selfq *st, enum item_kind k, int32_t v)
{
	st->items[st->n].kind = k;
	st->items[st->n].v = v;
	st->n++;
}

static void
sq_load(struct app *a)
{
	struct selfq *st = a->ui.st;
	const struct form_question *qu;
	const struct form_answer *an;
	char num[32];
	int32_t v;
	size_t i;

	st->q = session_pos(a->s);
	qu = sq_q(a);
	an = session_answer(a->s, st->q);
	tui_edit_free(st->ed);
	st->ed = NULL;
	free(st->items);
	st->items = xcalloc(qu->nchoices + 16 +
		(size_t)(qu->max - qu->min + 1 > 0 && qu->type != FORM_NUMBER ?
			qu->max - qu->min + 1 :
			0),
	    sizeof *st->items);
	st->n = 0;
	st->row = 0;
	st->skip_warned = 0;
	switch (qu->type) {
	case FORM_SINGLE:
	case FORM_MULTI:
		for (i = 0; i < qu->nchoices; i++)
			sq_add(st, IT_CHOICE, (int32_t)i);
		if (qu->other) {
			sq_add(st, IT_OTHER, 0);
			st->ed = tui_edit_new(qu->max_length ? qu->max_length :
							       200,
			    0);
			if (an->state == FORM_ANSWERED && an->other)
				tui_edit_set(st->ed, an->text);
		}
		if (qu->type == FORM_MULTI)
			sq_add(st, IT_NEXT, 0);
		if (an->state == FORM_ANSWERED && qu->type == FORM_SINGLE)
			st->row = an->other ? (int)qu->nchoices : an->num;
		break;
	case FORM_SCALE:
	case FORM_NPS:
		for (v = qu->min; v <= qu->max; v++) {
			if (an->state == FORM_ANSWERED && an->num == v)
				st->row = st->n;
			sq_add(st, IT_VALUE, v);
		}
		break;
	case FORM_YESNO:
		sq_add(st, IT_VALUE, FORM_YES);
		sq_add(st, IT_VALUE, FORM_NO);
		if (an->state == FORM_ANSWERED && an->num == FORM_NO)
			st->row = 1;
		break;
	case FORM_NUMBER:
	case FORM_TEXT:
		sq_add(st, IT_INPUT, 0);
		sq_add(st, IT_NEXT, 0);
		st->ed = tui_edit_new(qu->type == FORM_NUMBER ? 11 :
								qu->max_length,
		    0);
		if (an->state == FORM_ANSWERED && qu->type == FORM_TEXT)
			tui_edit_set(st->ed, an->text);
		else if (an->state == FORM_ANSWERED) {
			snprintf(num, sizeof num, "%ld", (long)an->num);
			tui_edit_set(st->ed, num);
		}
		break;
	}
	sq_add(st, IT_DECLINE, 0);
	if (qu->required != FORM_REQUIRED)
		sq_add(st, IT_SKIP, 0);
	if (sq_prev(a, st->q) >= 0)
		sq_add(st, IT_BACK, 0);
	if (an->state == FORM_DECLINED)
		for (i = 0; i < (size_t)st->n; i++)
			if (st->items[i].kind == IT_DECLINE)
				st->row = (int)i;
}

static void
sq_init(struct app *a)
{
	a->ui.st = xcalloc(1, sizeof(struct selfq));
	sq_load(a);
}

static void
sq_free(struct app *a)
{
	struct selfq *st = a->ui.st;

	tui_edit_free(st->ed);
	free(st->items);
	free(st);
}

/* Is item i chosen in the stored answer? */
static int
sq_on(const struct app *a, const struct item *it)
{
	const struct selfq *st = a->ui.st;
	const struct form_question *qu = sq_q(a);
	const struct form_answer *an = session_answer(a->s, st->q);

	if (it->kind == IT_DECLINE)
		return an->state == FORM_DECLINED;
	if (an->state != FORM_ANSWERED)
		return 0;
	switch (it->kind) {
	case IT_CHOICE:
		if (qu->type == FORM_SINGLE)
			return !an->other && an->num == it->v;
		return (int)(an->choices >> it->v & 1);
	case IT_OTHER:
		return an->other;
	case IT_VALUE:
		return an->num == it->v;
	default:
		return 0;
	}
}

static void
sq_item_text(const struct app *a, const struct item *it, char *b, size_t n)
{
	const struct form_question *qu = sq_q(a);
	int li = session_lang(a->s);
	const char *l = NULL;

	switch (it->kind) {
	case IT_CHOICE:
		snprintf(b, n, "%s",
		    form_text_get(&qu->choices[it->v].label, li));
		break;
	case IT_OTHER:
		snprintf(b, n, "%s", lw(a, "Other, namely:"));
		break;
	case IT_VALUE:
		if (qu->type == FORM_YESNO) {
			snprintf(b, n, "%s",
			    lw(a, it->v == FORM_YES ? "Yes" : "No"));
			break;
		}
		if (it->v == qu->min)
			l = form_text_get(&qu->min_label, li);
		else if (it->v == qu->max)
			l = form_text_get(&qu->max_label, li);
		snprintf(b, n, "%2ld%s%s", (long)it->v, l ? "   " : "",
		    l ? l : "");
		break;
	case IT_NEXT:
		snprintf(b, n, "%s \xe2\x86\x92", lw(a, "Next question"));
		break;
	case IT_DECLINE:
		snprintf(b, n, "%s", lw(a, "Prefer not to answer"));
		break;
	case IT_SKIP:
		snprintf(b, n, "%s", lw(a, "Skip this question"));
		break;
	case IT_BACK:
		snprintf(b, n, "\xe2\x86\x90 %s", lw(a, "Previous question"));
		break;
	default:
		b[0] = '\0';
	}
}

static void
sq_draw(struct app *a)
{
	struct selfq *st = a->ui.st;
	const struct form *f = session_form(a->s);
	const struct form_question *qu = sq_q(a);
	const struct form_section *sec = &f->sections[qu->section];
	int li = session_lang(a->s), w = COLS - 8, y, i, gap, room, top = 0;
	int cy = -1, cx = 0, selected;
	size_t k, idx = 0, tot = 0;
	char b[512];
	const char *help;

	if (w > 72)
		w = 72;
	/* the position in this part only, over all its questions */
	for (k = sec->first; k < sec->first + sec->count; k++) {
		tot++;
		if (k <= st->q)
			idx++;
	}
	tui_fill(0, TUI_TITLE);
	tui_put(0, 2, COLS - 4, TUI_TITLE, form_text_get(&sec->title, li));
	snprintf(b, sizeof b, lw(a, "Question %zu of %zu"), idx, tot);
	tui_put(1, 4, COLS - 8, TUI_DIM, b);
	y = 3;
	y += tui_text(y, 4, w, 4, 0, TUI_STRONG, form_text_get(&qu->label, li));
	if ((help = form_text_get(&qu->help, li)) != NULL)
		y += tui_text(y, 4, w, 3, 0, TUI_DIM, help);
	switch (qu->type) {
	case FORM_SINGLE:
	case FORM_YESNO:
	case FORM_SCALE:
	case FORM_NPS:
		tui_put(y, 4, w, TUI_DIM, lw(a, "Choose one."));
		break;
	case FORM_MULTI:
		if (qu->max_choices) {
			snprintf(b, sizeof b, lw(a, "At most %u choices."),
			    qu->max_choices);
			tui_put(y, 4, w, TUI_DIM, b);
		} else
			tui_put(y, 4, w, TUI_DIM,
			    lw(a,
				"Choose one or more, "
				"then \"Next question\"."));
		break;
	case FORM_NUMBER:
		snprintf(b, sizeof b,
		    lw(a,
			"Type a whole number from %ld to "
			"%ld, then Enter."),
		    (long)qu->min, (long)qu->max);
		tui_put(y, 4, w, TUI_DIM, b);
		break;
	case FORM_TEXT:
		tui_put(y, 4, w, TUI_DIM,
		    lw(a,
			"Type your answer, then "
			"Enter."));
		break;
	}
	y += 2;
	/* roomier: a blank line between items where the screen allows */
	room = LINES - 3 - y;
	gap = st->n * 2 <= room ? 2 : 1;
	if (st->row * gap >= room)
		top = st->row - room / gap + 1;
	for (i = top; i < st->n && (i - top) * gap < room; i++) {
		const struct item *it = &st->items[i];
		int yy = y + (i - top) * gap, x = 6, on = sq_on(a, it);

		selected = i == st->row;
		if (selected) {
			attrset(tui_attr(TUI_SELECTED));
			mvhline(yy, 4, ' ', w);
		}
		if (it->kind == IT_CHOICE || it->kind == IT_OTHER ||
		    it->kind == IT_VALUE || it->kind == IT_DECLINE)
			x += tui_put(yy, x, 4,
				 selected ? TUI_SELECTED :
				     on	  ? TUI_MARK :
					    TUI_NORMAL,
				 qu->type == FORM_MULTI &&
					 it->kind != IT_DECLINE ?
				     (on ? "[x]" : "[ ]") :
				     (on ? "(\xe2\x80\xa2)" : "( )")) +
			    1;
		if (it->kind == IT_INPUT) {
			tui_edit_draw(st->ed, yy, x, w - 4, 1, selected);
			if (selected)
				getyx(stdscr, cy, cx);
			continue;
		}
		sq_item_text(a, it, b, sizeof b);
		x += tui_put(yy, x, w - (x - 4) - 1,
			 selected ? TUI_SELECTED : TUI_NORMAL, b) +
		    1;
		if (it->kind == IT_OTHER && st->ed != NULL &&
		    (selected || st->ed->len > 0)) {
			tui_edit_draw(st->ed, yy, x, w - (x - 4) - 1, 1,
			    selected);
			if (selected)
				getyx(stdscr, cy, cx);
		}
	}
	screen_leaver_bar(a);
	if (cy >= 0)
		move(cy, cx);
}

/* Put what the field holds into the session (text and "other" as typed,
 * a number when it parses). */
static int
sq_commit(struct app *a)
{
	struct selfq *st = a->ui.st;
	const struct form_question *qu = sq_q(a);
	const struct form_answer *an = session_answer(a->s, st->q);
	struct form_answer x;
	struct err e;
	char *t, *end;
	long v;
	int rc = 0;

	if (st->ed == NULL ||
	    (qu->type != FORM_TEXT && qu->type != FORM_NUMBER))
		return 0;
	t = tui_edit_text(st->ed);
	memset(&x, 0, sizeof x);
	if (t[0] == '\0') {
		if (an->state == FORM_ANSWERED) {
			x.state = FORM_SKIPPED;
			session_put(a->s, st->q, &x, NULL);
		}
		xfree_str_wipe(t);
		return 0;
	}
	x.state = FORM_ANSWERED;
	if (qu->type == FORM_TEXT)
		x.text = t;
	else {
		errno = 0;
		v = strtol(t, &end, 10);
		if (errno != 0 || *end != '\0' || v < qu->min || v > qu->max) {
			tui_msg(TUI_ERROR,
			    lw(a,
				"Give a whole number from %ld "
				"to %ld."),
			    (long)qu->min, (long)qu->max);
			xfree_str_wipe(t);
			return -1;
		}
		x.num = (int32_t)v;
	}
	if (session_put(a->s, st->q, &x, &e) == -1) {
		tui_msg(TUI_ERROR, "%s", e.msg);
		rc = -1;
	}
	xfree_str_wipe(t);
	return rc;
}

/* After a move: stay in this part, or hand the laptop back. */
static int
sq_after_move(struct app *a)
{
	const struct selfq *st = a->ui.st;
	const struct form *f = session_form(a->s);
	size_t sec = f->questions[st->q].section;

	screen_save(a);
	if (session_where(a->s) == SESSION_QUESTION &&
	    session_self(a->s, session_pos(a->s)) &&
	    f->questions[session_pos(a->s)].section == sec) {
		sq_load(a);
		return TUI_OK;
	}
	tui_go(&a->ui, screen_self_done());
	return TUI_OK;
}

static int
sq_next(struct app *a)
{
	struct selfq *st = a->ui.st;
	struct err e;

	if (sq_commit(a) == -1)
		return TUI_OK;
	switch (session_next(a->s, &e)) {
	case SESSION_BLOCKED:
		tui_msg(TUI_ERROR, "%s",
		    lw(a,
			"This question needs an answer, "
			"or \"Prefer not to answer\"."));
		return TUI_OK;
	case SESSION_WARNED:
		st->skip_warned = 1;
		tui_msg(TUI_WARNING, "%s",
		    lw(a,
			"No answer yet. Choose \"Skip "
			"this question\" again to go on."));
		return TUI_OK;
	default:
		return sq_after_move(a);
	}
}

static int
sq_put(struct app *a, int32_t v, uint64_t set, int other, const char *t)
{
	struct selfq *st = a->ui.st;
	struct form_answer x;
	struct err e;

	memset(&x, 0, sizeof x);
	x.state = FORM_ANSWERED;
	x.num = v;
	x.choices = set;
	x.other = (uint8_t)other;
	x.text = (char *)t;
	if (session_put(a->s, st->q, &x, &e) == -1) {
		tui_msg(TUI_ERROR, "%s", e.msg);
		return -1;
	}
	return 0;
}

static int
sq_enter(struct app *a)
{
	struct selfq *st = a->ui.st;
	const struct form_question *qu = sq_q(a);
	const struct form_answer *an = session_answer(a->s, st->q);
	const struct item *it = &st->items[st->row];
	uint64_t set = an->state == FORM_ANSWERED ? an->choices : 0;
	int other = an->state == FORM_ANSWERED && an->other;
	struct form_answer none;
	char *t;
	int rc;

	switch (it->kind) {
	case IT_CHOICE:
		if (qu->type == FORM_SINGLE) {
			if (sq_put(a, it->v, 0, 0, NULL) == -1)
				return TUI_OK;
			return sq_next(a);
		}
		set ^= (uint64_t)1 << it->v;
		t = other ? tui_edit_text(st->ed) : NULL;
		sq_put(a, 0, set, other, t != NULL && t[0] ? t : NULL);
		xfree_str_wipe(t);
		return TUI_OK;
	case IT_OTHER:
		t = tui_edit_text(st->ed);
		if (qu->type == FORM_SINGLE) {
			rc = sq_put(a, 0, 0, 1, t[0] ? t : NULL);
			xfree_str_wipe(t);
			return rc == -1 ? TUI_OK : sq_next(a);
		}
		sq_put(a, 0, set, !other, !other && t[0] ? t : NULL);
		xfree_str_wipe(t);
		return TUI_OK;
	case IT_VALUE:
		if (sq_put(a, it->v, 0, 0, NULL) == -1)
			return TUI_OK;
		return sq_next(a);
	case IT_INPUT:
	case IT_NEXT:
		return sq_next(a);
	case IT_DECLINE:
		session_decline(a->s, st->q);
		if (st->ed != NULL)
			tui_edit_set(st->ed, NULL);
		return sq_next(a);
	case IT_SKIP:
		if (an->state == FORM_DECLINED || an->state == FORM_ANSWERED) {
			memset(&none, 0, sizeof none);
			none.state = FORM_SKIPPED;
			session_put(a->s, st->q, &none, NULL);
			if (st->ed != NULL)
				tui_edit_set(st->ed, NULL);
		}
		return sq_next(a);
	case IT_BACK:
		if (sq_commit(a) == -1)
			return TUI_OK;
		session_back(a->s);
		return sq_after_move(a);
	}
	return TUI_OK;
}

static int
sq_up(struct app *a)
{
	struct selfq *st = a->ui.st;

	if (sq_commit(a) == 0 && st->row > 0)
		st->row--;
	return TUI_OK;
}

static int
sq_down(struct app *a)
{
	struct selfq *st = a->ui.st;

	if (sq_commit(a) == 0 && st->row + 1 < st->n)
		st->row++;
	return TUI_OK;
}

/* Typing goes to the field under the cursor, if any. */
static int
sq_typing(const struct app *a)
{
	const struct selfq *st = a->ui.st;

	return st->ed != NULL &&
	    (st->items[st->row].kind == IT_INPUT ||
		st->items[st->row].kind == IT_OTHER);
}

/* The "other" text into the session as it is typed. */
static void
sq_other_changed(struct app *a)
{
	struct selfq *st = a->ui.st;
	const struct form_question *qu = sq_q(a);
	const struct form_answer *an = session_answer(a->s, st->q);
	char *t = tui_edit_text(st->ed);
	uint64_t set = an->state == FORM_ANSWERED ? an->choices : 0;

	sq_put(a, 0, qu->type == FORM_SINGLE ? 0 : set, 1, t[0] ? t : NULL);
	xfree_str_wipe(t);
}

static int
sq_left(struct app *a)
{
	struct selfq *st = a->ui.st;

	if (sq_typing(a))
		tui_edit_left(st->ed);
	return TUI_OK;
}

static int
sq_right(struct app *a)
{
	struct selfq *st = a->ui.st;

	if (sq_typing(a))
		tui_edit_right(st->ed);
	return TUI_OK;
}

static int
sq_backspace(struct app *a)
{
	struct selfq *st = a->ui.st;

	if (!sq_typing(a))
		return TUI_OK;
	tui_edit_backspace(st->ed);
	if (st->items[st->row].kind == IT_OTHER)
		sq_other_changed(a);
	return TUI_OK;
}

/* The leaver hands the laptop back from anywhere: F10 or Esc (not shown:
 * the interviewer may need it if the leaver stops). */
static int
sq_stop(struct app *a)
{
	if (sq_commit(a) == -1)
		return TUI_OK;
	screen_save(a);
	tui_go(&a->ui, screen_self_done());
	return TUI_OK;
}

static const struct tui_bind sq_keys[] = {
	{ 1, KEY_ENTER, sq_enter, NULL },
	{ 1, KEY_UP, sq_up, NULL },
	{ 1, KEY_DOWN, sq_down, NULL },
	{ 0, '\t', sq_down, NULL },
	{ 1, KEY_LEFT, sq_left, NULL },
	{ 1, KEY_RIGHT, sq_right, NULL },
	{ 1, KEY_BACKSPACE, sq_backspace, NULL },
	{ 0, 127, sq_backspace, NULL },
	{ 0, 8, sq_backspace, NULL },
	{ 1, KEY_F(10), sq_stop, NULL },
	{ 0, TUI_ESC, sq_stop, NULL },
	{ 0, 0, NULL, NULL },
};

static int
sq_key(struct app *a, const struct tui_key *k)
{
	struct selfq *st = a->ui.st;
	const struct form_question *qu = sq_q(a);

	if (k->fkey || k->ch < 0x20 || utf8_forbidden(k->ch) || !sq_typing(a))
		return TUI_OK;
	if (qu->type == FORM_NUMBER && !(k->ch >= '0' && k->ch <= '9') &&
	    !(k->ch == '-' && st->ed->cur == 0))
		return TUI_OK;
	if (tui_edit_insert(st->ed, k->ch) == -1) {
		tui_msg(TUI_WARNING, "%s", lw(a, "The answer is full."));
		return TUI_OK;
	}
	if (st->items[st->row].kind == IT_OTHER)
		sq_other_changed(a);
	else if (qu->type == FORM_TEXT)
		sq_commit(a);
	return TUI_OK;
}

static const struct tui_screen self_question_screen = { "self-question",
	sq_init, sq_draw, sq_keys, sq_key, NULL, sq_free, 0 };

const struct tui_screen *
screen_self_question(void)
{
	return &self_question_screen;
}
