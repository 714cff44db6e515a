/* screen_home: drafts to resume (unit, form, progress; never an answer),
 * a new interview, sealed interviews waiting for sync, the last sync. */
#include "interview/screen.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/i18n.h"
#include "util/xmem.h"

enum home_kind {
	HOME_DRAFT,
	HOME_NEW,
	HOME_QUIT
};

struct home {
	char **rows;
	enum home_kind *kind;
	uint8_t (*ids)[OUTBOX_ID_BYTES]; /* drafts, by row */
	size_t n;
	struct tui_list *list;
	size_t waiting;
	char last_sync[64];
};

static void
home_add(struct home *h, enum home_kind k, char *row, const uint8_t *id)
{
	h->rows = xreallocarray(h->rows, h->n + 1, sizeof *h->rows);
	h->kind = xreallocarray(h->kind, h->n + 1, sizeof *h->kind);
	h->ids = xreallocarray(h->ids, h->n + 1, sizeof *h->ids);
	h->rows[h->n] = row;
	h->kind[h->n] = k;
	memset(h->ids[h->n], 0, OUTBOX_ID_BYTES);
	if (id != NULL)
		memcpy(h->ids[h->n], id, OUTBOX_ID_BYTES);
	h->n++;
}

/* One row per draft: unit, form and progress from the draft's header. */
static char *
home_draft_row(struct app *a, const struct desk_draft *d)
{
	if (!d->ok)
		return xasprintf("%s (%s)", _("Damaged draft"), d->why.msg);
	return xasprintf(_("%s · %s · %u of %u answered"),
	    screen_unit_name(a, d->info.unit),
	    d->form != NULL ?
		screen_form_title(d->form, screen_ui_lang(d->form)) :
		d->info.form_id,
	    d->info.answered, d->info.total);
}

static void
home_load(struct app *a, struct home *h)
{
	struct desk_draft *d = NULL;
	size_t n = 0, i;
	struct err e;
	long long last;
	time_t t;
	struct tm tm;

	if (desk_drafts(&a->desk, &d, &n, &e) == -1)
		tui_msg(TUI_ERROR, "%s", e.msg);
	for (i = 0; i < n; i++)
		home_add(h, HOME_DRAFT, home_draft_row(a, &d[i]), d[i].id);
	free(d);
	home_add(h, HOME_NEW, xstrdup(_("New interview")), NULL);
	home_add(h, HOME_QUIT, xstrdup(_("Quit")), NULL);
	h->list = tui_list_new((const char **)h->rows, NULL, h->n, 0);
	snprintf(h->last_sync, sizeof h->last_sync, "%s", _("never"));
	if (desk_waiting(&a->desk, &h->waiting, &last, &e) == -1) {
		h->waiting = 0;
		return;
	}
	t = (time_t)last;
	if (last != 0 && localtime_r(&t, &tm) != NULL)
		strftime(h->last_sync, sizeof h->last_sync, "%Y-%m-%d %H:%M",
		    &tm);
}

static void
home_unload(struct home *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->rows[i]);
	free(h->rows);
	free(h->kind);
	free(h->ids);
	tui_list_free(h->list);
	memset(h, 0, sizeof *h);
}

static void
home_init(struct app *a)
{
	struct home *h = xcalloc(1, sizeof *h);

	a->ui.st = h;
	home_load(a, h);
}

static void
home_free(struct app *a)
{
	home_unload(a->ui.st);
	free(a->ui.st);
}

static void
home_draw(struct app *a)
{
	struct home *h = a->ui.st;
	static const struct tui_keyhelp keys[] = { { "Enter", N_("Open") },
		{ "n", N_("New") }, { "Del", N_("Delete draft") },
		{ "F1", N_("Help") }, { "q", N_("Quit") } };
	char line[160];
	int rows = LINES - 9;

	tui_title(0, _("avslut: exit interviews"), a->cfg->region);
	tui_put(2, 2, COLS - 4, TUI_TITLE,
	    h->n > 2 ? _("Drafts to resume, or a new interview:") :
		       _("No drafts. Start a new interview:"));
	tui_list_draw(h->list, 3, 2, COLS - 4, rows);
	snprintf(line, sizeof line,
	    _("Sealed interviews waiting for "
	      "sync: %zu"),
	    h->waiting);
	tui_put(LINES - 5, 2, COLS - 4, TUI_NORMAL, line);
	snprintf(line, sizeof line, _("Last sync: %s"), h->last_sync);
	tui_put(LINES - 4, 2, COLS - 4, TUI_NORMAL, line);
	tui_keybar(keys, sizeof keys / sizeof keys[0]);
}

/* Open a stored draft exactly where it was left. */
static int
home_resume(struct app *a, const uint8_t *id)
{
	struct session *s;
	struct err e;

	if (desk_resume(&a->desk, id, &s, &e) == -1) {
		tui_msg(TUI_ERROR, "%s", e.msg);
		return TUI_OK;
	}
	a->s = s;
	screen_to_question(a);
	return TUI_OK;
}

static int
home_open(struct app *a)
{
	struct home *h = a->ui.st;
	long i = tui_list_selected(h->list);

	if (i < 0)
		return TUI_OK;
	switch (h->kind[i]) {
	case HOME_DRAFT:
		return home_resume(a, h->ids[i]);
	case HOME_NEW:
		tui_go(&a->ui, screen_new());
		return TUI_OK;
	default:
		return TUI_QUIT;
	}
}

static int
home_newkey(struct app *a)
{
	tui_go(&a->ui, screen_new());
	return TUI_OK;
}

static void
home_redraw(void *arg)
{
	home_draw(arg);
}

static int
home_delete(struct app *a)
{
	struct home *h = a->ui.st;
	long i = tui_list_selected(h->list);
	struct err e;
	int yes;

	if (i < 0 || h->kind[i] != HOME_DRAFT)
		return TUI_OK;
	yes = tui_confirm(_("Delete draft"),
	    _("Delete this draft for good? "
	      "Its answers cannot be recovered."),
	    _("Delete"), _("Keep"), 0, home_redraw, a);
	if (yes != 1)
		return TUI_OK;
	if (desk_discard(&a->desk, h->ids[i], &e) == -1) {
		tui_msg(TUI_ERROR, "%s", e.msg);
		return TUI_OK;
	}
	home_unload(h);
	home_load(a, h);
	tui_msg(TUI_INFO, "%s", _("The draft was deleted."));
	return TUI_OK;
}

static int
home_up(struct app *a)
{
	tui_list_move(((struct home *)a->ui.st)->list, -1);
	return TUI_OK;
}

static int
home_down(struct app *a)
{
	tui_list_move(((struct home *)a->ui.st)->list, 1);
	return TUI_OK;
}

static const struct tui_bind home_keys[] = {
	{ 1, KEY_UP, home_up, NULL },
	{ 1, KEY_DOWN, home_down, NULL },
	{ 0, 'k', home_up, NULL },
	{ 0, 'j', home_down, NULL },
	{ 1, KEY_ENTER, home_open, NULL },
	{ 0, 'n', home_newkey, NULL },
	{ 1, KEY_DC, home_delete, NULL },
	{ 0, 'd', home_delete, NULL },
	{ 1, KEY_F(1), screen_show_help, NULL },
	{ 0, '?', screen_show_help, NULL },
	{ 0, 'q', tui_quit, NULL },
	{ 1, KEY_F(10), tui_quit, NULL },
	{ 0, 0, NULL, NULL },
};

static const struct tui_screen home_screen = { "home", home_init, home_draw,
	home_keys, NULL, NULL, home_free, 0 };

const struct tui_screen *
screen_home(void)
{
	return &home_screen;
}
