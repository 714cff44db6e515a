/* screen_new: a new interview: the unit (type to filter, Swedish order),
 * then the form if there are several, then the form's language. */
#include "interview/screen.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "util/collate.h"
#include "util/i18n.h"
#include "util/utf8.h"
#include "util/xmem.h"

enum new_step {
	NEW_UNIT,
	NEW_FORM,
	NEW_LANG
};

struct newi {
	enum new_step step;
	/* units, sorted */
	size_t *uorder;
	char **urows;
	const char **ukeys;
	struct tui_list *units;
	const char *unit;
	/* forms */
	char **frows;
	struct tui_list *forms;
	struct form *form;
	/* languages of the form */
	char **lrows;
	struct tui_list *langs;
};

static const struct app *sort_app;

static int
unit_cmp(const void *x, const void *y)
{
	const struct config_unit *u = sort_app->cfg->units;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;

	return collate_cmp(u[i].name, u[j].name);
}

/* The language's own name where we know it. */
static const char *
lang_name(const char *code)
{
	if (strcmp(code, "sv") == 0)
		return "svenska (sv)";
	if (strcmp(code, "en") == 0)
		return "English (en)";
	return code;
}

static void new_enter_step(struct app *, struct newi *, enum new_step);

static void
new_init(struct app *a)
{
	struct newi *n = xcalloc(1, sizeof *n);
	const struct config_unit *u;
	size_t i, nu = a->cfg->nunits;

	a->ui.st = n;
	n->uorder = xcalloc(nu ? nu : 1, sizeof *n->uorder);
	for (i = 0; i < nu; i++)
		n->uorder[i] = i;
	sort_app = a;
	qsort(n->uorder, nu, sizeof *n->uorder, unit_cmp);
	n->urows = xcalloc(nu ? nu : 1, sizeof *n->urows);
	n->ukeys = xcalloc(nu ? nu : 1, sizeof *n->ukeys);
	for (i = 0; i < nu; i++) {
		u = &a->cfg->units[n->uorder[i]];
		n->urows[i] = xasprintf("%s  (%s)", u->name, u->code);
		n->ukeys[i] = u->code;
	}
	n->units = tui_list_new((const char **)n->urows, n->ukeys, nu, 1);
	n->frows = xcalloc(a->nforms ? a->nforms : 1, sizeof *n->frows);
	for (i = 0; i < a->nforms; i++)
		n->frows[i] = xasprintf("%s  (%s, %s %u)",
		    screen_form_title(a->forms[i], screen_ui_lang(a->forms[i])),
		    a->forms[i]->id, _("version"), a->forms[i]->version);
	n->forms = tui_list_new((const char **)n->frows, NULL, a->nforms, 0);
	if (a->want_unit != NULL) {
		if ((u = config_unit(a->cfg, a->want_unit)) != NULL) {
			n->unit = u->code;
		} else {
			tui_msg(TUI_ERROR,
			    _("There is no unit %s: pick one "
			      "from the list."),
			    a->want_unit);
		}
		a->want_unit = NULL;
	}
	if (a->want_form != NULL) {
		for (i = 0; i < a->nforms; i++)
			if (strcmp(a->forms[i]->id, a->want_form) == 0)
				n->form = a->forms[i]; /* the last: newest */
		if (n->form == NULL)
			tui_msg(TUI_ERROR,
			    _("There is no form %s: pick one "
			      "from the list."),
			    a->want_form);
		a->want_form = NULL;
	}
	new_enter_step(a, n, n->unit == NULL ? NEW_UNIT : NEW_FORM);
}

static void
new_free_langs(struct newi *n)
{
	size_t i;

	if (n->langs == NULL)
		return;
	for (i = 0; i < n->langs->n; i++)
		free(n->lrows[i]);
	free(n->lrows);
	tui_list_free(n->langs);
	n->lrows = NULL;
	n->langs = NULL;
}

static void
new_free(struct app *a)
{
	struct newi *n = a->ui.st;
	size_t i;

	for (i = 0; i < a->cfg->nunits; i++)
		free(n->urows[i]);
	for (i = 0; i < a->nforms; i++)
		free(n->frows[i]);
	free(n->urows);
	free(n->ukeys);
	free(n->uorder);
	free(n->frows);
	tui_list_free(n->units);
	tui_list_free(n->forms);
	new_free_langs(n);
	free(n);
}

/* Start the interview: a session at the intro (no draft until the
 * intro is confirmed). */
static void
new_start(struct app *a, struct newi *n, int lang)
{
	struct err e;

	a->s = session_new(n->form, lang, n->unit, a->year, a->quarter, &e);
	if (a->s == NULL) {
		tui_msg(TUI_ERROR, "%s", e.msg);
		return;
	}
	desk_begin(&a->desk);
	tui_go(&a->ui, screen_intro());
}

/* Go to step st, skipping steps with a single possible answer. */
static void
new_enter_step(struct app *a, struct newi *n, enum new_step st)
{
	size_t i;

	n->step = st;
	if (st == NEW_FORM) {
		if (n->form == NULL && a->nforms == 1)
			n->form = a->forms[0];
		if (n->form != NULL)
			st = n->step = NEW_LANG;
	}
	if (st == NEW_LANG) {
		if (n->form->nlangs == 1) {
			new_start(a, n, 0);
			return;
		}
		new_free_langs(n);
		n->lrows = xcalloc(n->form->nlangs, sizeof *n->lrows);
		for (i = 0; i < n->form->nlangs; i++)
			n->lrows[i] = xstrdup(lang_name(n->form->langs[i]));
		n->langs = tui_list_new((const char **)n->lrows, NULL,
		    n->form->nlangs, 0);
		/* the form's first language: the one it is written for, whatever
		 * the screens speak */
		tui_list_select(n->langs, 0);
	}
}

static struct tui_list *
new_list(struct newi *n)
{
	switch (n->step) {
	case NEW_UNIT:
		return n->units;
	case NEW_FORM:
		return n->forms;
	default:
		return n->langs;
	}
}

static void
new_draw(struct app *a)
{
	struct newi *n = a->ui.st;
	static const struct tui_keyhelp ukeys[] = { { "Enter", N_("Choose") },
		{ N_("letters"), N_("Filter") }, { "Esc", N_("Back") },
		{ "F1", N_("Help") } };
	static const struct tui_keyhelp keys[] = { { "Enter", N_("Choose") },
		{ "Esc", N_("Back") }, { "F1", N_("Help") } };
	char filter[TUI_FILTER_MAX * 4 + 1], line[300];
	struct tui_list *l = new_list(n);
	int y = 2;

	tui_title(0, _("New interview"), NULL);
	if (n->unit != NULL && n->step != NEW_UNIT) {
		snprintf(line, sizeof line, "%s %s", _("Unit:"),
		    screen_unit_name(a, n->unit));
		tui_put(y++, 2, COLS - 4, TUI_NORMAL, line);
	}
	if (n->form != NULL && n->step == NEW_LANG) {
		snprintf(line, sizeof line, "%s %s", _("Form:"),
		    screen_form_title(n->form, screen_ui_lang(n->form)));
		tui_put(y++, 2, COLS - 4, TUI_NORMAL, line);
	}
	if (y > 2)
		y++;
	switch (n->step) {
	case NEW_UNIT:
		tui_put(y, 2, COLS - 4, TUI_TITLE,
		    _("Which unit did the "
		      "leaver work at? Type to filter."));
		tui_list_filter_text(l, filter);
		snprintf(line, sizeof line, "%s %s", _("Filter:"), filter);
		tui_put(y + 1, 2, COLS - 4, TUI_MARK, line);
		if (l->nshown == 0)
			tui_put(y + 3, 4, COLS - 6, TUI_WARNING,
			    _("No unit matches."));
		tui_list_draw(l, y + 3, 2, COLS - 4, LINES - y - 6);
		tui_keybar(ukeys, 4);
		return;
	case NEW_FORM:
		tui_put(y, 2, COLS - 4, TUI_TITLE, _("Which form?"));
		break;
	default:
		tui_put(y, 2, COLS - 4, TUI_TITLE,
		    _("In which language is "
		      "the interview held?"));
		break;
	}
	tui_list_draw(l, y + 2, 2, COLS - 4, LINES - y - 5);
	tui_keybar(keys, 3);
}

static int
new_choose(struct app *a)
{
	struct newi *n = a->ui.st;
	long i = tui_list_selected(new_list(n));

	if (i < 0)
		return TUI_OK;
	switch (n->step) {
	case NEW_UNIT:
		n->unit = a->cfg->units[n->uorder[i]].code;
		new_enter_step(a, n, NEW_FORM);
		break;
	case NEW_FORM:
		n->form = a->forms[i];
		new_enter_step(a, n, NEW_LANG);
		break;
	default:
		new_start(a, n, (int)i);
		break;
	}
	return TUI_OK;
}

static int
new_back(struct app *a)
{
	struct newi *n = a->ui.st;

	switch (n->step) {
	case NEW_UNIT:
		if (n->units->nfilter > 0)
			tui_list_filter_clear(n->units);
		else
			tui_go(&a->ui, screen_home());
		break;
	case NEW_FORM:
		n->unit = NULL;
		n->form = NULL;
		n->step = NEW_UNIT;
		break;
	default:
		n->form = a->nforms > 1 ? NULL : n->form;
		if (a->nforms > 1)
			n->step = NEW_FORM;
		else {
			n->unit = NULL;
			n->form = NULL;
			n->step = NEW_UNIT;
		}
		break;
	}
	return TUI_OK;
}

static int
new_up(struct app *a)
{
	tui_list_move(new_list(a->ui.st), -1);
	return TUI_OK;
}

static int
new_down(struct app *a)
{
	tui_list_move(new_list(a->ui.st), 1);
	return TUI_OK;
}

static int
new_pgup(struct app *a)
{
	tui_list_move(new_list(a->ui.st), -(LINES - 10));
	return TUI_OK;
}

static int
new_pgdn(struct app *a)
{
	tui_list_move(new_list(a->ui.st), LINES - 10);
	return TUI_OK;
}

static int
new_filter_back(struct app *a)
{
	struct newi *n = a->ui.st;

	if (n->step == NEW_UNIT)
		tui_list_filter_back(n->units);
	return TUI_OK;
}

static const struct tui_bind new_keys[] = {
	{ 1, KEY_UP, new_up, NULL },
	{ 1, KEY_DOWN, new_down, NULL },
	{ 1, KEY_PPAGE, new_pgup, NULL },
	{ 1, KEY_NPAGE, new_pgdn, NULL },
	{ 1, KEY_ENTER, new_choose, NULL },
	{ 0, TUI_ESC, new_back, NULL },
	{ 1, KEY_BACKSPACE, new_filter_back, NULL },
	{ 0, 127, new_filter_back, NULL },
	{ 0, 8, new_filter_back, NULL },
	{ 1, KEY_F(1), screen_show_help, NULL },
	{ 0, 0, NULL, NULL },
};

static int
new_key(struct app *a, const struct tui_key *k)
{
	struct newi *n = a->ui.st;

	if (!k->fkey && n->step == NEW_UNIT)
		tui_list_filter_add(n->units, k->ch);
	else if (!k->fkey && k->ch >= '1' && k->ch <= '9' &&
	    n->step != NEW_UNIT) {
		tui_list_first(new_list(n));
		tui_list_move(new_list(n), (long)(k->ch - '1'));
		return new_choose(a);
	}
	return TUI_OK;
}

static const struct tui_screen new_screen = { "new", new_init, new_draw,
	new_keys, new_key, NULL, new_free, 0 };

const struct tui_screen *
screen_new(void)
{
	return &new_screen;
}
