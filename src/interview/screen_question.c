/* screen_question: one question at a time: label, help, progress, and
 * the input for its type. Every change goes into the session at once;
 * the encrypted draft is saved whenever the interviewer moves on. */
#include "interview/quest.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/utf8.h"
#include "util/xmem.h"

const struct form_question *
quest_cur(const struct app *a)
{
	const struct quest *st = a->ui.st;

	return &session_form(a->s)->questions[st->q];
}

int
quest_typing(const struct app *a)
{
	const struct quest *st = a->ui.st;
	const struct form_question *qu = quest_cur(a);

	return qu->type == FORM_TEXT || qu->type == FORM_NUMBER || st->in_other;
}

/* Set up the input from the stored answer of the current question. */
static void
quest_load(struct app *a)
{
	struct quest *st = a->ui.st;

	tui_edit_free(st->ed);
	memset(st, 0, sizeof *st);
	st->q = session_pos(a->s);
	quest_type(quest_cur(a))->load(a, st);
}

static void
quest_init(struct app *a)
{
	a->ui.st = xcalloc(1, sizeof(struct quest));
	quest_load(a);
}

/* Put what is being typed into the session (a number: when it parses). */
static int
quest_commit(struct app *a)
{
	const struct quest_type *t = quest_type(quest_cur(a));

	return t->commit != NULL ? t->commit(a) : 0;
}

static void
quest_free(struct app *a)
{
	struct quest *st = a->ui.st;

	if (a->s != NULL)
		quest_commit(a);
	tui_edit_free(st->ed);
	free(st);
}

/* --- drawing ---------------------------------------------------------- */

static void
quest_draw(struct app *a)
{
	struct quest *st = a->ui.st;
	const struct form *f = session_form(a->s);
	const struct form_question *qu = quest_cur(a);
	const struct quest_type *type = quest_type(qu);
	const struct form_answer *an = session_answer(a->s, st->q);
	int li = session_lang(a->s), y, w = COLS - 6, bottom = LINES - 4;
	int dy;
	size_t idx, total;
	char line[200];
	const char *help;
	static const struct tui_keyhelp keys[] = { { "Tab", N_("Next") },
		{ "S-Tab", N_("Back") }, { "F8", N_("Prefer not to answer") },
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
		w = 76; /* lines that can still be read aloud */
	y = 4;
	y += tui_text(y, 3, w, 4, 0, TUI_STRONG, form_text_get(&qu->label, li));
	if ((help = form_text_get(&qu->help, li)) != NULL)
		y += tui_text(y, 3, w, 3, 0, TUI_DIM, help);
	y++;
	if (y > 10)
		y = 10;
	/* "prefer not to answer" comes right under the input (dy) */
	dy = type->draw(a, y, bottom);
	/* an answer the leaver may give: in the interview's language */
	snprintf(line, sizeof line, "%s %s (F8)",
	    an->state == FORM_DECLINED ? "[x]" : "[ ]",
	    screen_form_word(a, N_("Prefer not to answer")));
	tui_put(dy < bottom ? dy : bottom, 4, COLS - 8,
	    an->state == FORM_DECLINED ? TUI_MARK : TUI_DIM, line);
	tui_keybar(keys, sizeof keys / sizeof keys[0]);
	/* the cursor last, so that it stays where typing goes */
	if (type->cursor != NULL)
		type->cursor(a, y, bottom);
}

/* --- actions ---------------------------------------------------------- */

static int
quest_after_move(struct app *a)
{
	screen_save(a);
	/* another question of this screen: no need to leave it */
	if (session_where(a->s) == SESSION_QUESTION &&
	    !session_self(a->s, session_pos(a->s)))
		quest_load(a);
	else
		screen_to_question(a);
	return TUI_OK;
}

static int
act_next(struct app *a)
{
	struct err e;

	if (quest_commit(a) == -1)
		return TUI_OK;
	switch (session_next(a->s, &e)) {
	case SESSION_BLOCKED:
		tui_msg(TUI_ERROR, "%s",
		    _("This question needs an answer, "
		      "or F8: prefer not to answer."));
		return TUI_OK;
	case SESSION_WARNED:
		tui_msg(TUI_WARNING, "%s",
		    _("No answer yet. Press Tab "
		      "again to go on without one."));
		return TUI_OK;
	default:
		return quest_after_move(a);
	}
}

static int
act_back(struct app *a)
{
	if (quest_commit(a) == -1)
		return TUI_OK;
	session_back(a->s);
	return quest_after_move(a);
}

static int
act_decline(struct app *a)
{
	struct quest *st = a->ui.st;
	struct form_answer none;
	struct err e;

	if (session_answer(a->s, st->q)->state == FORM_DECLINED) {
		memset(&none, 0, sizeof none);
		none.state = FORM_SKIPPED;
		session_put(a->s, st->q, &none, &e);
		return TUI_OK;
	}
	session_decline(a->s, st->q);
	if (st->ed != NULL)
		tui_edit_set(st->ed, NULL);
	st->in_other = 0;
	return TUI_OK;
}

static int
act_overview(struct app *a)
{
	if (quest_commit(a) == -1)
		return TUI_OK;
	screen_save(a);
	tui_go(&a->ui, screen_overview());
	return TUI_OK;
}

static int
act_help(struct app *a)
{
	if (quest_commit(a) == -1)
		return TUI_OK;
	screen_save(a);
	tui_go(&a->ui, screen_help());
	return TUI_OK;
}

static int
act_leave(struct app *a)
{
	if (quest_commit(a) == -1)
		return TUI_OK;
	return screen_leave(a);
}

static int
act_up(struct app *a)
{
	const struct quest_type *t = quest_type(quest_cur(a));

	if (t->vertical != NULL)
		t->vertical(a, -1);
	return TUI_OK;
}

static int
act_down(struct app *a)
{
	const struct quest_type *t = quest_type(quest_cur(a));

	if (t->vertical != NULL)
		t->vertical(a, 1);
	return TUI_OK;
}

static int
act_left(struct app *a)
{
	const struct quest_type *t = quest_type(quest_cur(a));

	if (quest_typing(a))
		tui_edit_left(((struct quest *)a->ui.st)->ed);
	else if (t->horizontal != NULL)
		t->horizontal(a, -1);
	return TUI_OK;
}

static int
act_right(struct app *a)
{
	const struct quest_type *t = quest_type(quest_cur(a));

	if (quest_typing(a))
		tui_edit_right(((struct quest *)a->ui.st)->ed);
	else if (t->horizontal != NULL)
		t->horizontal(a, 1);
	return TUI_OK;
}

/* The width the editor lays text out in (Home and End of a line). */
static int
edit_width(const struct app *a)
{
	return quest_cur(a)->type == FORM_TEXT ? COLS - 8 : 1000;
}

static int
act_home(struct app *a)
{
	if (quest_typing(a))
		tui_edit_home(((struct quest *)a->ui.st)->ed, edit_width(a));
	return TUI_OK;
}

static int
act_end(struct app *a)
{
	if (quest_typing(a))
		tui_edit_end(((struct quest *)a->ui.st)->ed, edit_width(a));
	return TUI_OK;
}

/* Backspace or Delete (del) in the editor; text goes into the session
 * at once, a number when it is committed. */
static int
edit_erase(struct app *a, int del)
{
	struct quest *st = a->ui.st;
	int rc;

	if (!quest_typing(a))
		return TUI_OK;
	rc = del ? tui_edit_delete(st->ed) : tui_edit_backspace(st->ed);
	if (rc == 0 && quest_type(quest_cur(a))->commit == NULL)
		quest_text_changed(a);
	return TUI_OK;
}

static int
act_backspace(struct app *a)
{
	return edit_erase(a, 0);
}

static int
act_delete(struct app *a)
{
	return edit_erase(a, 1);
}

static int
act_enter(struct app *a)
{
	if (quest_type(quest_cur(a))->enter(a) == 0)
		return TUI_OK;
	return act_next(a);
}

static int
act_word_left(struct app *a)
{
	if (quest_typing(a))
		tui_edit_word_left(((struct quest *)a->ui.st)->ed);
	return TUI_OK;
}

static int
act_word_right(struct app *a)
{
	if (quest_typing(a))
		tui_edit_word_right(((struct quest *)a->ui.st)->ed);
	return TUI_OK;
}

static int quest_char(struct app *a, uint32_t c);

/* '?' and space mean something only when nothing is being typed, so
 * they go the way of every printable key (but are in the table, which
 * help lists). */
static int
act_qmark(struct app *a)
{
	return quest_char(a, '?');
}

static int
act_spacebar(struct app *a)
{
	return quest_char(a, ' ');
}

#define H_NEXT N_("next question (the answer is saved)")
#define H_BACK N_("previous question")
#define H_LIST N_("move in a list of choices")
#define H_ROW N_("move on a scale or yes/no")
#define H_SPACE N_("choose; tick or untick in a multiple choice")
#define H_ENTER N_("choose and go on; in free text a new line")
#define H_DECLINE N_("prefer not to answer (again: undo)")
#define H_OVERVIEW N_("overview: jump to any question, F5 review")
#define H_LEAVE N_("save the draft and go back to the start")
#define H_HELP N_("this help")

/* In the order help lists them; the editing keys last, unlisted. */
static const struct tui_bind quest_keys[] = {
	{ 0, '\t', act_next, H_NEXT },
	{ 1, KEY_NPAGE, act_next, H_NEXT },
	{ 0, TUI_CTRL('n'), act_next, H_NEXT },
	{ 1, KEY_BTAB, act_back, H_BACK },
	{ 1, KEY_PPAGE, act_back, H_BACK },
	{ 0, TUI_CTRL('p'), act_back, H_BACK },
	{ 1, KEY_UP, act_up, H_LIST },
	{ 1, KEY_DOWN, act_down, H_LIST },
	{ 1, KEY_LEFT, act_left, H_ROW },
	{ 1, KEY_RIGHT, act_right, H_ROW },
	{ 0, ' ', act_spacebar, H_SPACE },
	{ 1, KEY_ENTER, act_enter, H_ENTER },
	{ 1, KEY_F(8), act_decline, H_DECLINE },
	{ 0, TUI_CTRL('x'), act_decline, H_DECLINE },
	{ 1, KEY_F(2), act_overview, H_OVERVIEW },
	{ 0, TUI_CTRL('o'), act_overview, H_OVERVIEW },
	{ 1, KEY_F(10), act_leave, H_LEAVE },
	{ 0, TUI_ESC, act_leave, H_LEAVE },
	{ 1, KEY_F(1), act_help, H_HELP },
	{ 0, '?', act_qmark, H_HELP },
	{ 1, KEY_HOME, act_home, TUI_UNLISTED },
	{ 1, KEY_END, act_end, TUI_UNLISTED },
	{ 0, TUI_CTRL('a'), act_home, TUI_UNLISTED },
	{ 0, TUI_CTRL('e'), act_end, TUI_UNLISTED },
	{ 1, KEY_BACKSPACE, act_backspace, TUI_UNLISTED },
	{ 0, 127, act_backspace, TUI_UNLISTED },
	{ 0, 8, act_backspace, TUI_UNLISTED },
	{ 1, KEY_DC, act_delete, TUI_UNLISTED },
	{ 0, 0, NULL, NULL },
};

const struct tui_bind *
screen_question_keys(void)
{
	return quest_keys;
}

/* Printable keys: typing, '?', space, and the type's own (digits, y/n). */
static int
quest_char(struct app *a, uint32_t c)
{
	struct quest *st = a->ui.st;
	const struct quest_type *t = quest_type(quest_cur(a));
	uint32_t last = st->last;

	st->last = c;
	if (quest_typing(a)) {
		if (t->accepts != NULL && !t->accepts(st, c))
			return TUI_OK;
		if (tui_edit_insert(st->ed, c) == -1)
			quest_text_full(st);
		else if (t->commit == NULL)
			quest_text_changed(a);
		return TUI_OK;
	}
	if (c == '?')
		return act_help(a);
	if (c == ' ' && t->space != NULL)
		t->space(a);
	else if (t->key != NULL)
		t->key(a, c, last);
	return TUI_OK;
}

static int
quest_key(struct app *a, const struct tui_key *k)
{
	/* control-left and -right have no fixed codes: ask the terminal */
	if (k->fkey && (int)k->ch == tui_keycode("kLFT5"))
		return act_word_left(a);
	if (k->fkey && (int)k->ch == tui_keycode("kRIT5"))
		return act_word_right(a);
	if (k->fkey || k->ch < 0x20 || utf8_forbidden(k->ch))
		return TUI_OK;
	return quest_char(a, k->ch);
}

static const struct tui_screen quest_screen = { "question", quest_init,
	quest_draw, quest_keys, quest_key, NULL, quest_free, 0 };

const struct tui_screen *
screen_question(void)
{
	return &quest_screen;
}
