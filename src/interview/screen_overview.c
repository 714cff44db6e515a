/* screen_overview: every visible question with its state, to jump to
 * any of them, or on to the review. */
#include "interview/screen.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/utf8.h"
#include "util/xmem.h"

struct overview {
	size_t *qs;  /* visible questions */
	char **full; /* number, state and the whole label */
	char **rows; /* the same cropped to the screen, with "…" */
	int cols;    /* the width rows were cropped for */
	size_t n;
	struct tui_list *list;
};

static const char *
state_mark(const struct form_answer *an)
{
	switch (an->state) {
	case FORM_ANSWERED:
		return "\xe2\x9c\x93"; /* check mark */
	case FORM_DECLINED:
		return "\xe2\x80\x93"; /* en dash */
	case FORM_SKIPPED:
		return "\xc2\xb7"; /* middle dot */
	default:
		return " ";
	}
}

/* s cut to w columns, ending in an ellipsis if it did not fit. */
static char *
crop(const char *s, int w)
{
	size_t i = 0, n = strlen(s), l;
	uint32_t cp;
	int c = 0, cw;

	if (tui_width(s) <= w)
		return xstrdup(s);
	while (i < n) {
		if ((l = utf8_decode(s + i, n - i, &cp)) == 0)
			break;
		cw = tui_edit_width(cp);
		if (c + cw > w - 1)
			break;
		c += cw;
		i += l;
	}
	while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == ','))
		i--;
	return xasprintf("%.*s\xe2\x80\xa6", (int)i, s);
}

/* The rows cropped for this width (again after a resize). */
static void
overview_crop(struct overview *o)
{
	size_t i;

	if (o->cols == COLS)
		return;
	o->cols = COLS;
	for (i = 0; i < o->n; i++) {
		free(o->rows[i]);
		o->rows[i] = crop(o->full[i], COLS - 4);
	}
}

static void
overview_init(struct app *a)
{
	struct overview *o = xcalloc(1, sizeof *o);
	const struct form *f = session_form(a->s);
	size_t i;

	a->ui.st = o;
	o->qs = xcalloc(f->nquestions ? f->nquestions : 1, sizeof *o->qs);
	o->n = session_list(a->s, o->qs);
	o->full = xcalloc(o->n ? o->n : 1, sizeof *o->full);
	o->rows = xcalloc(o->n ? o->n : 1, sizeof *o->rows);
	for (i = 0; i < o->n; i++)
		o->full[i] = xasprintf("%3zu. %s %s", i + 1,
		    session_self(a->s, o->qs[i]) ?
			(session_self_visited(a->s, o->qs[i]) ? "\xe2\x9c\x93" :
								" ") :
			state_mark(session_answer(a->s, o->qs[i])),
		    screen_qlabel(a, o->qs[i]));
	overview_crop(o);
	o->list = tui_list_new((const char **)o->rows, NULL, o->n, 0);
	if (session_where(a->s) == SESSION_QUESTION)
		for (i = 0; i < o->n; i++)
			if (o->qs[i] == session_pos(a->s))
				tui_list_select(o->list, i);
}

static void
overview_free(struct app *a)
{
	struct overview *o = a->ui.st;
	size_t i;

	for (i = 0; i < o->n; i++) {
		free(o->full[i]);
		free(o->rows[i]);
	}
	free(o->full);
	free(o->rows);
	free(o->qs);
	tui_list_free(o->list);
	free(o);
}

static void
overview_draw(struct app *a)
{
	struct overview *o = a->ui.st;
	static const struct tui_keyhelp keys[] = {
		{ "Enter", N_("Go to the question") }, { "F5", N_("Review") },
		{ "Esc", N_("Back") }, { "F1", N_("Help") }
	};
	char line[200];
	size_t i, reached = 0;

	/* over the rows: a self section is one row, reached once the
	 * leaver has been through it */
	for (i = 0; i < o->n; i++)
		if (session_self(a->s, o->qs[i]) ?
			session_self_visited(a->s, o->qs[i]) :
			session_visited(a->s, o->qs[i]))
			reached++;
	tui_title(0, _("Overview"), screen_unit_name(a, session_unit(a->s)));
	snprintf(line, sizeof line,
	    _("%zu of %zu questions reached.  "
	      "\xe2\x9c\x93 answered  \xe2\x80\x93 prefer not to answer  "
	      "\xc2\xb7 no answer"),
	    reached, o->n);
	tui_put(1, 2, COLS - 4, TUI_DIM, line);
	overview_crop(o);
	tui_list_draw(o->list, 3, 1, COLS - 2, LINES - 6);
	tui_keybar(keys, 4);
}

static int
ov_go(struct app *a)
{
	struct overview *o = a->ui.st;
	long i = tui_list_selected(o->list);

	if (i < 0 || session_jump(a->s, o->qs[i]) == -1)
		return TUI_OK;
	screen_save(a);
	screen_to_question(a);
	return TUI_OK;
}

static int
ov_review(struct app *a)
{
	session_review(a->s);
	screen_save(a);
	tui_go(&a->ui, screen_review());
	return TUI_OK;
}

static int
ov_back(struct app *a)
{
	screen_to_question(a);
	return TUI_OK;
}

static int
ov_up(struct app *a)
{
	tui_list_move(((struct overview *)a->ui.st)->list, -1);
	return TUI_OK;
}

static int
ov_down(struct app *a)
{
	tui_list_move(((struct overview *)a->ui.st)->list, 1);
	return TUI_OK;
}

static int
ov_pgup(struct app *a)
{
	tui_list_move(((struct overview *)a->ui.st)->list, -(LINES - 7));
	return TUI_OK;
}

static int
ov_pgdn(struct app *a)
{
	tui_list_move(((struct overview *)a->ui.st)->list, LINES - 7);
	return TUI_OK;
}

static const struct tui_bind overview_keys[] = {
	{ 1, KEY_UP, ov_up, NULL },
	{ 1, KEY_DOWN, ov_down, NULL },
	{ 1, KEY_PPAGE, ov_pgup, NULL },
	{ 1, KEY_NPAGE, ov_pgdn, NULL },
	{ 1, KEY_ENTER, ov_go, NULL },
	{ 1, KEY_F(5), ov_review, NULL },
	{ 0, 'r', ov_review, NULL },
	{ 0, TUI_ESC, ov_back, NULL },
	{ 1, KEY_F(2), ov_back, NULL },
	{ 1, KEY_F(1), screen_show_help, NULL },
	{ 0, '?', screen_show_help, NULL },
	{ 0, 0, NULL, NULL },
};

static const struct tui_screen overview_screen = { "overview", overview_init,
	overview_draw, overview_keys, NULL, NULL, overview_free, 0 };

const struct tui_screen *
screen_overview(void)
{
	return &overview_screen;
}
