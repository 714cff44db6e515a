/* screen_unlock: the passphrase that opens the interviewer's profile,
 * typed with echo off into guarded memory; three wrong tries end the
 * program with exit 77. */
#include "interview/screen.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/i18n.h"
#include "util/pass.h"
#include "util/utf8.h"
#include "util/xmem.h"

#define UNLOCK_TRIES 3

struct unlock {
	struct pass_line l; /* PASS_MAX + 1 bytes, sodium_malloc */
	int tries;
};

static void
unlock_init(struct app *a)
{
	struct unlock *u = xcalloc(1, sizeof *u);

	u->l.buf = sodium_malloc(PASS_MAX + 1);
	if (u->l.buf == NULL)
		abort();
	pass_line_wipe(&u->l);
	a->ui.st = u;
}

static void
unlock_free(struct app *a)
{
	struct unlock *u = a->ui.st;

	sodium_free(u->l.buf);
	free(u);
}

static void
unlock_draw(struct app *a)
{
	struct unlock *u = a->ui.st;
	int y = LINES / 2 - 4, x = (COLS - 60) / 2;
	char left[128];
	static const struct tui_keyhelp keys[] = { { "Enter", N_("Unlock") },
		{ "Esc", N_("Quit") } };

	tui_title(0, _("avslut: exit interviews"), NULL);
	tui_text(y, x, 60, 3, 0, TUI_NORMAL,
	    _("Type your passphrase to open your interviewer profile. "
	      "It is not shown while you type."));
	tui_put(y + 3, x, 60, TUI_TITLE, _("Passphrase:"));
	/* echo off: only that something was typed, not how much */
	tui_put(y + 3, x + tui_width(_("Passphrase:")) + 1, 20, TUI_DIM,
	    u->l.len ? "***" : "");
	if (u->tries > 0) {
		snprintf(left, sizeof left,
		    ngettext("%d try left", "%d tries left",
			UNLOCK_TRIES - u->tries),
		    UNLOCK_TRIES - u->tries);
		tui_put(y + 5, x, 60, TUI_WARNING, left);
	}
	tui_keybar(keys, 2);
}

/* Run the KDF and open the profile; on the third failure, leave. */
static int
unlock_try(struct app *a)
{
	struct unlock *u = a->ui.st;
	struct err e;
	int rc;

	if (u->l.len == 0)
		return TUI_OK;
	tui_msg(TUI_INFO, "%s", _("Checking the passphrase..."));
	erase();
	unlock_draw(a);
	tui_msg_draw();
	refresh();
	rc = desk_unlock(&a->desk, a->datadir, u->l.buf, &e);
	pass_line_wipe(&u->l);
	tui_msg_clear();
	if (rc == 0) {
		tui_go(&a->ui, a->start_new ? screen_new() : screen_home());
		return TUI_OK;
	}
	if (e.cls != ERR_PERM) {
		a->fatal = e;
		a->exit_code = -1;
		return TUI_QUIT;
	}
	if (++u->tries >= UNLOCK_TRIES) {
		err_setc(&a->fatal, ERR_PERM, "%s",
		    _("wrong passphrase "
		      "three times: try again, or see avslut passwd"));
		a->exit_code = -1;
		return TUI_QUIT;
	}
	tui_msg(TUI_ERROR, "%s", _("Wrong passphrase."));
	return TUI_OK;
}

static int
unlock_quit(struct app *a)
{
	/* Leaving without the passphrase: 77, as a refused one. */
	err_setc(&a->fatal, ERR_PERM, "%s", "");
	a->exit_code = -1;
	return TUI_QUIT;
}

static int
unlock_back(struct app *a)
{
	struct unlock *u = a->ui.st;

	pass_line_back(&u->l);
	return TUI_OK;
}

static const struct tui_bind unlock_keys[] = {
	{ 1, KEY_ENTER, unlock_try, NULL },
	{ 0, TUI_ESC, unlock_quit, NULL },
	{ 1, KEY_BACKSPACE, unlock_back, NULL },
	{ 0, 127, unlock_back, NULL },
	{ 0, 8, unlock_back, NULL },
	{ 0, 0, NULL, NULL },
};

static int
unlock_key(struct app *a, const struct tui_key *k)
{
	struct unlock *u = a->ui.st;
	char b[4];
	size_t n;

	if (k->fkey || k->ch < 0x20 || utf8_forbidden(k->ch))
		return TUI_OK;
	if ((n = utf8_encode(k->ch, b)) > 0)
		(void)pass_line_add(&u->l, b, n);
	sodium_memzero(b, sizeof b);
	return TUI_OK;
}

/* A refusal stays on the message line while the next try is typed. */
static const struct tui_screen unlock_screen = { "unlock", unlock_init,
	unlock_draw, unlock_keys, unlock_key, NULL, unlock_free, TUI_KEEP_MSG };

const struct tui_screen *
screen_unlock(void)
{
	return &unlock_screen;
}
