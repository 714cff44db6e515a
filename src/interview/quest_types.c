/* quest_types: one input per question type (see quest.h): choices
 * (single, multi), a row of values (scale, nps, yesno) and the editors
 * (text, number). Every change goes into the session at once, except a
 * number, which goes in when it parses (commit). */
#include "interview/quest.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/xmem.h"

/* Store a value answer (single, scale, nps, yesno, number). */
static int
put_value(struct app *a, int32_t v, int other, const char *text)
{
	struct quest *st = a->ui.st;
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

/* No answer (an emptied editor, a multi with nothing ticked). */
static void
put_none(struct app *a)
{
	struct quest *st = a->ui.st;
	struct form_answer none;

	memset(&none, 0, sizeof none);
	none.state = FORM_SKIPPED;
	session_put(a->s, st->q, &none, NULL);
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
	struct quest *st = a->ui.st;
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

void
quest_text_changed(struct app *a)
{
	struct quest *st = a->ui.st;
	const struct form_question *qu = quest_cur(a);
	const struct form_answer *an = session_answer(a->s, st->q);
	char *t = tui_edit_text(st->ed);

	if (qu->type == FORM_TEXT) {
		put_value(a, 0, 0, t);
	} else if (st->in_other) {
		if (qu->type == FORM_SINGLE)
			put_value(a, 0, 1, t[0] ? t : NULL);
		else
			put_multi(a,
			    an->state == FORM_ANSWERED ? an->choices : 0, 1);
	}
	xfree_str_wipe(t);
}

void
quest_text_full(const struct quest *st)
{
	if (st->ed->len >= st->ed->max)
		tui_msg(TUI_WARNING,
		    _("The answer is full: at most %zu "
		      "characters."),
		    st->ed->max);
}

/* --- choices: single and multi ------------------------------------------ */

static void
choices_load(struct app *a, struct quest *st)
{
	const struct form_question *qu = quest_cur(a);
	const struct form_answer *an = session_answer(a->s, st->q);
	size_t i;

	if (qu->other) {
		st->ed = tui_edit_new(qu->max_length ? qu->max_length : 200, 0);
		if (an->state == FORM_ANSWERED && an->other)
			tui_edit_set(st->ed, an->text);
	}
	if (an->state != FORM_ANSWERED)
		return;
	if (qu->type == FORM_SINGLE) {
		st->row = an->other ? (int)qu->nchoices : an->num;
		return;
	}
	for (i = 0; i < qu->nchoices; i++)
		if (an->choices >> i & 1) {
			st->row = (int)i;
			break;
		}
}

static void
choices_rows(struct app *a, int y, int h)
{
	struct quest *st = a->ui.st;
	const struct form_question *qu = quest_cur(a);
	const struct form_answer *an = session_answer(a->s, st->q);
	int li = session_lang(a->s),
	    n = (int)qu->nchoices + (qu->other ? 1 : 0), i, x, on, r;
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
			snprintf(mark, sizeof mark, "%s",
			    on ? "(\xe2\x80\xa2)" : "( )");
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
		x += tui_put(y + r, x, 10,
		    i == st->row ? TUI_SELECTED :
			on	 ? TUI_MARK :
				   TUI_NORMAL,
		    mark);
		x++;
		if (i < (int)qu->nchoices) {
			tui_put(y + r, x, COLS - x - 3,
			    i == st->row ? TUI_SELECTED : TUI_NORMAL,
			    form_text_get(&qu->choices[i].label, li));
			continue;
		}
		x += tui_put(y + r, x, COLS - x - 3,
		    i == st->row ? TUI_SELECTED : TUI_NORMAL,
		    screen_form_word(a, N_("Other, namely:")));
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

static int
choices_draw(struct app *a, int y, int bottom)
{
	const struct form_question *qu = quest_cur(a);
	int used = (int)qu->nchoices + (qu->other ? 1 : 0), dy;
	char line[200];

	if (used > bottom - y - 1)
		used = bottom - y - 1;
	choices_rows(a, y, bottom - y - 1);
	dy = y + used + 1;
	if (qu->type == FORM_MULTI && qu->max_choices) {
		snprintf(line, sizeof line, _("At most %u choices."),
		    qu->max_choices);
		tui_put(dy - 1, 4, COLS - 8, TUI_DIM, line);
		if (dy < bottom)
			dy++;
	}
	return dy;
}

static void
choices_cursor(struct app *a, int y, int bottom)
{
	struct quest *st = a->ui.st;

	(void)y;
	(void)bottom;
	if (st->in_other)
		move(st->cy, st->cx);
}

static void
choices_vertical(struct app *a, int dir)
{
	struct quest *st = a->ui.st;
	const struct form_question *qu = quest_cur(a);
	int n = (int)qu->nchoices + (qu->other ? 1 : 0);

	if (st->row + dir >= 0 && st->row + dir < n)
		st->row += dir;
	st->in_other = 0;
}

/* Choose row i of a single question (space, digits, Enter). */
static void
single_choose(struct app *a, int i)
{
	struct quest *st = a->ui.st;
	const struct form_question *qu = quest_cur(a);
	char *t;

	st->row = i;
	if (i == (int)qu->nchoices) {
		st->in_other = 1;
		t = other_text(st);
		put_value(a, 0, 1, t[0] ? t : NULL);
		xfree_str_wipe(t);
	} else {
		st->in_other = 0;
		put_value(a, i, 0, NULL);
	}
}

/* Tick or untick row i of a multi question, within its max. */
static void
multi_choose(struct app *a, int i)
{
	struct quest *st = a->ui.st;
	const struct form_question *qu = quest_cur(a);
	const struct form_answer *an = session_answer(a->s, st->q);
	uint64_t set = an->state == FORM_ANSWERED ? an->choices : 0;
	int other = an->state == FORM_ANSWERED && an->other;
	unsigned n, b;

	st->row = i;
	if (i == (int)qu->nchoices) {
		other = !other;
		st->in_other = other;
	} else {
		set ^= (uint64_t)1 << i;
	}
	if (qu->max_choices != 0 &&
	    (i == (int)qu->nchoices ? other : (int)(set >> i & 1))) {
		for (n = other ? 1 : 0, b = 0; b < 64; b++)
			n += (unsigned)(set >> b & 1);
		if (n > qu->max_choices) {
			tui_msg(TUI_WARNING,
			    _("At most %u choices: take one "
			      "away first."),
			    qu->max_choices);
			st->in_other = 0;
			return;
		}
	}
	if (set == 0 && !other)
		put_none(a);
	else
		put_multi(a, set, other);
}

static void
choices_choose(struct app *a, int i)
{
	if (quest_cur(a)->type == FORM_SINGLE)
		single_choose(a, i);
	else
		multi_choose(a, i);
}

static void
choices_space(struct app *a)
{
	choices_choose(a, ((struct quest *)a->ui.st)->row);
}

static int
single_enter(struct app *a)
{
	struct quest *st = a->ui.st;

	if (!st->in_other)
		single_choose(a, st->row);
	return 1;
}

static int
multi_enter(struct app *a)
{
	(void)a;
	return 1; /* space ticks; Enter goes on */
}

static void
choices_key(struct app *a, uint32_t c, uint32_t last)
{
	const struct form_question *qu = quest_cur(a);
	int n = (int)qu->nchoices + (qu->other ? 1 : 0);

	(void)last;
	if (c >= '1' && c <= '9' && (int)(c - '1') < n)
		choices_choose(a, (int)(c - '1'));
}

/* --- a row of values: scale, nps, yesno --------------------------------- */

static void
row_load(struct app *a, struct quest *st)
{
	const struct form_question *qu = quest_cur(a);
	const struct form_answer *an = session_answer(a->s, st->q);

	st->col = qu->type == FORM_YESNO ? FORM_YES : qu->min;
	if (an->state == FORM_ANSWERED)
		st->col = an->num;
}

/* Values side by side, the end labels under the ends. */
static int
scale_draw(struct app *a, int y0, int bottom)
{
	struct quest *st = a->ui.st;
	const struct form_question *qu = quest_cur(a);
	const struct form_answer *an = session_answer(a->s, st->q);
	int li = session_lang(a->s), v, x = 4, cell = 6, on, w, lw, rw, steps;
	int y = y0 + 1;
	char b[32];
	const char *l, *r;

	(void)bottom;
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
		tui_put(y, x + (v - qu->min) * cell, 4,
		    st->col == v ? TUI_SELECTED :
			on	 ? TUI_MARK :
				   TUI_NORMAL,
		    b);
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
	return y0 + 5;
}

static int
yesno_draw(struct app *a, int y, int bottom)
{
	struct quest *st = a->ui.st;
	const struct form_answer *an = session_answer(a->s, st->q);
	int v, x = 4, on;
	char b[64];

	(void)bottom;
	for (v = FORM_YES; v >= FORM_NO; v--) {
		on = an->state == FORM_ANSWERED && an->num == v;
		snprintf(b, sizeof b, " %s %s ", on ? "(\xe2\x80\xa2)" : "( )",
		    screen_form_word(a, v == FORM_YES ? N_("Yes") : N_("No")));
		x += tui_put(y + 1, x, 30,
			 st->col == v ? TUI_SELECTED :
			     on	      ? TUI_MARK :
					TUI_NORMAL,
			 b) +
		    4;
	}
	return y + 3;
}

static void
scale_horizontal(struct app *a, int dir)
{
	struct quest *st = a->ui.st;
	const struct form_question *qu = quest_cur(a);

	if (st->col + dir >= qu->min && st->col + dir <= qu->max)
		st->col += dir;
}

static void
yesno_horizontal(struct app *a, int dir)
{
	((struct quest *)a->ui.st)->col = dir < 0 ? FORM_YES : FORM_NO;
}

static void
row_space(struct app *a)
{
	put_value(a, ((struct quest *)a->ui.st)->col, 0, NULL);
}

static int
row_enter(struct app *a)
{
	row_space(a);
	return 1;
}

static void
scale_key(struct app *a, uint32_t c, uint32_t last)
{
	struct quest *st = a->ui.st;
	const struct form_question *qu = quest_cur(a);
	int n;

	if (c < '0' || c > '9')
		return;
	n = (int)(c - '0');
	/* on 0-10, "1" then "0" is 10 */
	if (qu->type == FORM_NPS && c == '0' && last == '1' &&
	    session_answer(a->s, st->q)->num == 1)
		n = 10;
	if (n >= qu->min && n <= qu->max) {
		st->col = n;
		put_value(a, n, 0, NULL);
	}
}

static void
yesno_key(struct app *a, uint32_t c, uint32_t last)
{
	struct quest *st = a->ui.st;

	(void)last;
	if (c == 'j' || c == 'J' || c == 'y' || c == 'Y')
		st->col = FORM_YES;
	else if (c == 'n' || c == 'N')
		st->col = FORM_NO;
	else
		return;
	put_value(a, st->col, 0, NULL);
}

/* --- the editors: text and number --------------------------------------- */

static void
text_load(struct app *a, struct quest *st)
{
	const struct form_question *qu = quest_cur(a);
	const struct form_answer *an = session_answer(a->s, st->q);

	st->ed = tui_edit_new(qu->max_length, 1);
	if (an->state == FORM_ANSWERED)
		tui_edit_set(st->ed, an->text);
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
text_cursor(struct app *a, int y, int bottom)
{
	struct quest *st = a->ui.st;

	tui_edit_draw(st->ed, y, 4, COLS - 8, bottom - y - 1, 1);
}

static int
text_draw(struct app *a, int y, int bottom)
{
	struct quest *st = a->ui.st;
	char line[200];

	text_cursor(a, y, bottom);
	text_marks(st, y, bottom - y - 1);
	snprintf(line, sizeof line, _("%zu of %zu characters"), st->ed->len,
	    st->ed->max);
	tui_put(bottom - 1, COLS - 4 - tui_width(line), 40, TUI_DIM, line);
	tui_put(bottom - 1, 4, COLS - 30, TUI_DIM,
	    _("Enter: new line. Tab: next question."));
	return bottom;
}

static void
text_vertical(struct app *a, int dir)
{
	struct quest *st = a->ui.st;

	if (dir < 0)
		tui_edit_up(st->ed, COLS - 8);
	else
		tui_edit_down(st->ed, COLS - 8);
}

/* Enter is a new line in free text. */
static int
text_enter(struct app *a)
{
	struct quest *st = a->ui.st;

	if (tui_edit_insert(st->ed, '\n') == 0)
		quest_text_changed(a);
	else
		quest_text_full(st);
	return 0;
}

static void
number_load(struct app *a, struct quest *st)
{
	const struct form_answer *an = session_answer(a->s, st->q);
	char num[32];

	st->ed = tui_edit_new(QUEST_NUMBER_CHARS, 0);
	if (an->state == FORM_ANSWERED) {
		snprintf(num, sizeof num, "%ld", (long)an->num);
		tui_edit_set(st->ed, num);
	}
}

static void
number_cursor(struct app *a, int y, int bottom)
{
	(void)bottom;
	tui_edit_draw(((struct quest *)a->ui.st)->ed, y + 1, 4,
	    QUEST_NUMBER_CHARS + 2, 1, 1);
}

static int
number_draw(struct app *a, int y, int bottom)
{
	const struct form_question *qu = quest_cur(a);
	char line[200];

	number_cursor(a, y, bottom);
	snprintf(line, sizeof line, _("A whole number from %ld to %ld."),
	    (long)qu->min, (long)qu->max);
	tui_put(y + 1, QUEST_NUMBER_CHARS + 8, COLS - 30, TUI_DIM, line);
	return y + 3;
}

static int
number_enter(struct app *a)
{
	(void)a;
	return 1;
}

static int
number_accepts(const struct quest *st, uint32_t c)
{
	return (c >= '0' && c <= '9') || (c == '-' && st->ed->cur == 0);
}

/* A number goes into the session only when it parses and is in range;
 * emptied, there is no answer (a declined one stays declined). */
static int
number_commit(struct app *a)
{
	struct quest *st = a->ui.st;
	const struct form_question *qu = quest_cur(a);
	char *t = tui_edit_text(st->ed), *end;
	long v;
	int rc = 0;

	if (t[0] == '\0') {
		if (session_answer(a->s, st->q)->state == FORM_ANSWERED)
			put_none(a);
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

/* --- the table ------------------------------------------------------------ */

static const struct quest_type single_type = { choices_load, choices_draw,
	choices_cursor, choices_vertical, NULL, choices_space, single_enter,
	choices_key, NULL, NULL };
static const struct quest_type multi_type = { choices_load, choices_draw,
	choices_cursor, choices_vertical, NULL, choices_space, multi_enter,
	choices_key, NULL, NULL };
static const struct quest_type scale_type = { row_load, scale_draw, NULL, NULL,
	scale_horizontal, row_space, row_enter, scale_key, NULL, NULL };
static const struct quest_type yesno_type = { row_load, yesno_draw, NULL, NULL,
	yesno_horizontal, row_space, row_enter, yesno_key, NULL, NULL };
static const struct quest_type text_type = { text_load, text_draw, text_cursor,
	text_vertical, NULL, NULL, text_enter, NULL, NULL, NULL };
static const struct quest_type number_type = { number_load, number_draw,
	number_cursor, NULL, NULL, NULL, number_enter, NULL, number_accepts,
	number_commit };

const struct quest_type *
quest_type(const struct form_question *qu)
{
	switch (qu->type) {
	case FORM_SINGLE:
		return &single_type;
	case FORM_MULTI:
		return &multi_type;
	case FORM_SCALE:
	case FORM_NPS:
		return &scale_type;
	case FORM_YESNO:
		return &yesno_type;
	case FORM_NUMBER:
		return &number_type;
	case FORM_TEXT:
		break;
	}
	return &text_type;
}
