/* Unit tests for src/tui/tui_screen: a key dispatched through a table, a
 * screen's table before its own key hook, switching screens (help over a
 * screen keeps its state; a plain one does not), help's rows generated
 * from a table, and every table that help lists
 * (the interviewer's question screen, the dashboard's three views)
 * checked against the rows help makes of it: no key without a help row,
 * no help row naming a key the table does not bind. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui_screen.h"

/* The programs' tables that help lists. Declared here, not through
 * interview/screen.h and dashboard/dash.h: each defines its own struct
 * app, so one file cannot include both. */
const struct tui_bind *screen_question_keys(void);
const struct tui_bind *dash_overview_keys(void);
const struct tui_bind *dash_unit_keys(void);
const struct tui_bind *dash_question_keys(void);

struct app {
	int calls[3]; /* how often each action ran */
	struct tui_screens ui;
	char log[512]; /* the hooks called, in order */
};

/* Note a hook call in a->log. */
static void
note(struct app *a, const char *what)
{
	size_t n = strlen(a->log);

	snprintf(a->log + n, sizeof a->log - n, "%s%s", n ? " " : "", what);
}

static int
act_a(struct app *a)
{
	a->calls[0]++;
	return TUI_OK;
}

static int
act_b(struct app *a)
{
	a->calls[1]++;
	return TUI_OK;
}

static int
act_quit(struct app *a)
{
	a->calls[2]++;
	return TUI_QUIT;
}

static const struct tui_bind keys[] = {
	{ 0, '\t', act_a, "next" },
	{ 1, KEY_NPAGE, act_a, "next" },
	{ 1, KEY_UP, act_b, "move" },
	{ 0, TUI_CTRL('n'), act_a, "next" },
	{ 0, 127, act_b, TUI_UNLISTED },
	{ 0, 'x', act_b, TUI_UNLISTED },
	{ 0, 'q', act_quit, "quit" },
	{ 0, 0, NULL, NULL },
};

static void
test_dispatch(void **state)
{
	struct app a;
	struct tui_key k;

	(void)state;
	memset(&a, 0, sizeof a);
	k.fkey = 0;
	k.ch = '\t';
	assert_int_equal(tui_dispatch(&a, keys, &k), TUI_OK);
	assert_int_equal(a.calls[0], 1);
	k.fkey = 1;
	k.ch = KEY_UP;
	assert_int_equal(tui_dispatch(&a, keys, &k), TUI_OK);
	assert_int_equal(a.calls[1], 1);
	/* the action's answer comes back */
	k.fkey = 0;
	k.ch = 'q';
	assert_int_equal(tui_dispatch(&a, keys, &k), TUI_QUIT);
	assert_int_equal(a.calls[2], 1);
	/* a character and a KEY_* code with the same number differ */
	k.fkey = 1;
	k.ch = 'q';
	assert_int_equal(tui_dispatch(&a, keys, &k), -1);
	k.fkey = 0;
	k.ch = KEY_UP;
	assert_int_equal(tui_dispatch(&a, keys, &k), -1);
	/* an unlisted key is still bound */
	k.ch = 127;
	assert_int_equal(tui_dispatch(&a, keys, &k), TUI_OK);
	assert_int_equal(a.calls[1], 2);
	k.ch = 'z';
	assert_int_equal(tui_dispatch(&a, keys, &k), -1);
	assert_int_equal(a.calls[0] + a.calls[1] + a.calls[2], 4);
}

/* Three screens for the runtime: a, b, and help over them. Each state
 * is a malloc'ed tag, so ASan sees a state freed twice or never. */
static const struct tui_screen *scr_a(void);
static const struct tui_screen *scr_b(void);
static const struct tui_screen *scr_help(void);
static const struct tui_screen *scr_plain_help(void);

static void
init_a(struct app *a)
{
	note(a, "init-a");
	a->ui.st = strdup("a");
}

static void
init_b(struct app *a)
{
	note(a, "init-b");
	a->ui.st = strdup("b");
}

static void
init_help(struct app *a)
{
	note(a, "init-help");
	a->ui.st = strdup("help");
}

static void
free_st(struct app *a)
{
	char buf[32];

	snprintf(buf, sizeof buf, "free-%s", (char *)a->ui.st);
	note(a, buf);
	free(a->ui.st);
}

static void
draw_none(struct app *a)
{
	(void)a;
}

static int
go_b(struct app *a)
{
	tui_go(&a->ui, scr_b());
	return TUI_OK;
}

static int
go_a(struct app *a)
{
	tui_go(&a->ui, scr_a());
	return TUI_OK;
}

static int
go_help(struct app *a)
{
	tui_go(&a->ui, scr_help());
	return TUI_OK;
}

static int
go_plain_help(struct app *a)
{
	tui_go(&a->ui, scr_plain_help());
	return TUI_OK;
}

/* a's own hook: typing, and keys it leaves alone (-1) */
static int
key_a(struct app *a, const struct tui_key *k)
{
	if (k->fkey || k->ch == 'z')
		return -1;
	note(a, "typed");
	return TUI_OK;
}

static int
key_back(struct app *a, const struct tui_key *k)
{
	(void)k;
	tui_go_back(&a->ui);
	return TUI_OK;
}

static const struct tui_bind a_keys[] = {
	{ 0, 'b', go_b, "b" },
	{ 0, '?', go_help, "help" },
	{ 0, 'q', act_quit, "quit" },
	{ 0, 0, NULL, NULL },
};

static const struct tui_bind b_keys[] = {
	{ 0, '?', go_help, "help" },
	{ 0, '!', go_plain_help, "help" },
	{ 0, 'a', go_a, "a" },
	{ 0, 0, NULL, NULL },
};

static const struct tui_screen screen_a = { "a", init_a, draw_none, a_keys,
	key_a, NULL, free_st, 0 };
static const struct tui_screen screen_b = { "b", init_b, draw_none, b_keys,
	NULL, NULL, free_st, 0 };
static const struct tui_screen screen_help = { "help", init_help, draw_none,
	NULL, NULL, NULL, free_st, TUI_OVER | TUI_KEY_BACK };
static const struct tui_screen screen_plain_help = { "plain-help", init_help,
	draw_none, NULL, key_back, NULL, free_st, 0 };

/* A screen with no state: no init, no free. */
static const struct tui_screen screen_bare = { "bare", NULL, draw_none, NULL,
	key_back, NULL, NULL, 0 };

static const struct tui_screen *
scr_a(void)
{
	return &screen_a;
}

static const struct tui_screen *
scr_b(void)
{
	return &screen_b;
}

static const struct tui_screen *
scr_help(void)
{
	return &screen_help;
}

static const struct tui_screen *
scr_plain_help(void)
{
	return &screen_plain_help;
}

/* A character key through the runtime; returns what the loop would do
 * (1: leave). */
static int
press(struct app *a, uint32_t ch)
{
	struct tui_key k;

	k.fkey = 0;
	k.ch = ch;
	return tui_screens_key(&a->ui, &k);
}

static void
test_keys_through_screen(void **state)
{
	struct app a;

	(void)state;
	memset(&a, 0, sizeof a);
	tui_screens_start(&a.ui, &a, scr_a());
	assert_string_equal(a.log, "init-a");
	/* not in the table: the screen's own hook; -1 from it is nothing */
	assert_int_equal(press(&a, 'x'), 0);
	assert_int_equal(press(&a, 'z'), 0);
	assert_string_equal(a.log, "init-a typed");
	/* in the table: the hook is not asked */
	assert_int_equal(press(&a, 'q'), 1);
	assert_int_equal(a.calls[2], 1);
	assert_string_equal(a.log, "init-a typed");
	assert_int_equal(tui_screens_settle(&a.ui), 0);
	tui_screens_end(&a.ui);
	assert_string_equal(a.log, "init-a typed free-a");
	assert_null(a.ui.st);
}

static void
test_switch(void **state)
{
	struct app a;
	void *b_state;

	(void)state;
	memset(&a, 0, sizeof a);
	tui_screens_start(&a.ui, &a, scr_a());
	/* the switch waits for settle: the key's screen stays current */
	assert_int_equal(press(&a, 'b'), 0);
	assert_ptr_equal(a.ui.cur, scr_a());
	assert_int_equal(tui_screens_settle(&a.ui), 1);
	assert_int_equal(tui_screens_settle(&a.ui), 0);
	assert_ptr_equal(a.ui.cur, scr_b());
	assert_ptr_equal(a.ui.prev, scr_a());
	assert_string_equal(a.log, "init-a free-a init-b");
	assert_string_equal(a.ui.st, "b");
	/* help over b: b's state is kept, not freed, and given back */
	b_state = a.ui.st;
	press(&a, '?');
	tui_screens_settle(&a.ui);
	assert_ptr_equal(a.ui.cur, scr_help());
	assert_string_equal(a.ui.st, "help");
	assert_string_equal(a.log, "init-a free-a init-b init-help");
	press(&a, 'x'); /* any key goes back */
	tui_screens_settle(&a.ui);
	assert_ptr_equal(a.ui.cur, scr_b());
	assert_ptr_equal(a.ui.st, b_state);
	assert_string_equal(a.log,
	    "init-a free-a init-b init-help free-help");
	/* a plain screen (the dashboard's help) does not keep it: b is
	 * freed, and made again on the way back */
	a.log[0] = '\0';
	press(&a, '!');
	tui_screens_settle(&a.ui);
	press(&a, 'x');
	tui_screens_settle(&a.ui);
	assert_ptr_equal(a.ui.cur, scr_b());
	assert_ptr_equal(a.ui.prev, scr_plain_help());
	assert_string_equal(a.log, "free-b init-help free-help init-b");
	/* help over b, then elsewhere than back: b's kept state is freed */
	a.log[0] = '\0';
	press(&a, '?');
	tui_screens_settle(&a.ui);
	tui_go(&a.ui, scr_a());
	tui_screens_settle(&a.ui);
	assert_ptr_equal(a.ui.cur, scr_a());
	assert_null(a.ui.kept);
	assert_string_equal(a.log, "init-help free-help free-b init-a");
	/* the end frees the current screen and a kept one */
	a.log[0] = '\0';
	press(&a, 'b');
	tui_screens_settle(&a.ui);
	press(&a, '?');
	tui_screens_settle(&a.ui);
	tui_screens_end(&a.ui);
	assert_string_equal(a.log,
	    "free-a init-b init-help free-help free-b");
	assert_null(a.ui.st);
	assert_null(a.ui.kept);
}

/* A screen with no state between two with one. */
static void
test_bare(void **state)
{
	struct app a;

	(void)state;
	memset(&a, 0, sizeof a);
	tui_screens_start(&a.ui, &a, scr_a());
	tui_go(&a.ui, &screen_bare);
	tui_screens_settle(&a.ui);
	assert_null(a.ui.st);
	press(&a, 'x');
	tui_screens_settle(&a.ui);
	assert_ptr_equal(a.ui.cur, scr_a());
	assert_string_equal(a.log, "init-a free-a init-a");
	tui_screens_end(&a.ui);
}

/* Back with no screen before: the first. */
static void
test_back_to_first(void **state)
{
	struct app a;

	(void)state;
	memset(&a, 0, sizeof a);
	tui_screens_start(&a.ui, &a, scr_help());
	press(&a, 'x');
	tui_screens_settle(&a.ui);
	assert_ptr_equal(a.ui.cur, scr_help());
	assert_string_equal(a.log, "init-help free-help init-help");
	tui_screens_end(&a.ui);
}

#define MAXROWS 64

struct rows {
	size_t n;
	char names[MAXROWS][160];
	char what[MAXROWS][160];
};

static void
add_row(void *arg, const char *names, const char *what)
{
	struct rows *r = arg;

	assert_true(r->n < MAXROWS);
	snprintf(r->names[r->n], sizeof r->names[0], "%s", names);
	snprintf(r->what[r->n], sizeof r->what[0], "%s", what);
	r->n++;
}

static void
test_rows(void **state)
{
	struct rows r;

	(void)state;
	memset(&r, 0, sizeof r);
	tui_help_rows(keys, add_row, &r);
	/* one row per text, in the order of its first key, every key of
	 * the text on it; unlisted keys on none */
	assert_int_equal(r.n, 3);
	assert_string_equal(r.names[0], "Tab, PgDn, Ctrl-N");
	assert_string_equal(r.what[0], "next");
	assert_string_equal(r.names[1], "\xe2\x86\x91");
	assert_string_equal(r.what[1], "move");
	assert_string_equal(r.names[2], "q");
	assert_string_equal(r.what[2], "quit");
}

/* 1 if the row's names, split at ", ", include name. */
static int
row_names(const char *names, const char *name)
{
	size_t n = strlen(name);
	const char *p = names;

	for (;;) {
		if (strncmp(p, name, n) == 0 &&
		    (p[n] == '\0' || strncmp(p + n, ", ", 2) == 0))
			return 1;
		if ((p = strstr(p, ", ")) == NULL)
			return 0;
		p += 2;
	}
}

/* Table t against rows r, help's rows of it: 0, or -1 with why filled. */
static int
check(const struct tui_bind *t, const struct rows *r, char *why, size_t wn)
{
	char name[32], one[160];
	const char *p, *e;
	size_t i, j, n;
	int found;

	for (i = 0; t[i].action != NULL; i++) {
		tui_key_name(t[i].fkey, t[i].ch, name, sizeof name);
		if (t[i].help == NULL) {
			snprintf(why, wn, "key %s says nothing for help (give "
			    "it a text, or TUI_UNLISTED)", name);
			return -1;
		}
		if (t[i].help[0] == '\0')
			continue;
		/* on the row of its text, and on no other */
		for (j = 0, n = 0; j < r->n; j++) {
			if (!row_names(r->names[j], name))
				continue;
			if (strcmp(r->what[j], t[i].help) != 0) {
				snprintf(why, wn, "key %s listed as \"%s\"",
				    name, r->what[j]);
				return -1;
			}
			n++;
		}
		if (n != 1) {
			snprintf(why, wn, "key %s (%s) on %zu rows", name,
			    t[i].help, n);
			return -1;
		}
	}
	/* every name help shows is a key the table binds to that text */
	for (j = 0; j < r->n; j++)
		for (p = r->names[j]; *p != '\0'; p = *e ? e + 2 : e) {
			if ((e = strstr(p, ", ")) == NULL)
				e = p + strlen(p);
			snprintf(one, sizeof one, "%.*s", (int)(e - p), p);
			for (found = 0, i = 0; t[i].action != NULL; i++) {
				tui_key_name(t[i].fkey, t[i].ch, name,
				    sizeof name);
				if (strcmp(name, one) == 0 &&
				    t[i].help != NULL &&
				    strcmp(t[i].help, r->what[j]) == 0)
					found = 1;
			}
			if (!found) {
				snprintf(why, wn, "help lists %s for \"%s\", "
				    "which the table does not bind", one,
				    r->what[j]);
				return -1;
			}
		}
	return 0;
}

/* A table that help lists against the rows help makes of it. */
static void
check_table(const char *what, const struct tui_bind *t)
{
	struct rows r;
	char why[256];

	memset(&r, 0, sizeof r);
	tui_help_rows(t, add_row, &r);
	assert_true(r.n > 0);
	if (check(t, &r, why, sizeof why) == -1)
		fail_msg("%s: %s", what, why);
}

static void
test_tables(void **state)
{
	(void)state;
	check_table("interview question", screen_question_keys());
	check_table("dashboard overview", dash_overview_keys());
	check_table("dashboard unit", dash_unit_keys());
	check_table("dashboard question", dash_question_keys());
}

/* The check fails on a key with no word for help, on a key missing from
 * its row, and on a row naming a key the table does not bind. */
static void
test_check_fails(void **state)
{
	static const struct tui_bind bad[] = {
		{ 0, 'a', act_a, "a" },
		{ 0, 'b', act_b, NULL },
		{ 0, 0, NULL, NULL },
	};
	struct rows r;
	char why[256];

	(void)state;
	memset(&r, 0, sizeof r);
	tui_help_rows(bad, add_row, &r);
	assert_int_equal(r.n, 1);
	assert_int_equal(check(bad, &r, why, sizeof why), -1);
	assert_non_null(strstr(why, "key b says nothing"));
	memset(&r, 0, sizeof r);
	tui_help_rows(keys, add_row, &r);
	assert_int_equal(check(keys, &r, why, sizeof why), 0);
	/* help that drifted: a key dropped from its row */
	snprintf(r.names[0], sizeof r.names[0], "Tab, Ctrl-N");
	assert_int_equal(check(keys, &r, why, sizeof why), -1);
	assert_non_null(strstr(why, "key PgDn"));
	/* help that drifted: a key the table does not bind */
	snprintf(r.names[0], sizeof r.names[0], "Tab, PgDn, Ctrl-N, F9");
	assert_int_equal(check(keys, &r, why, sizeof why), -1);
	assert_non_null(strstr(why, "help lists F9"));
	assert_true(row_names("Tab, b", "b"));
	assert_false(row_names("Tab, bb", "b"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_keys_through_screen),
		cmocka_unit_test(test_switch),
		cmocka_unit_test(test_back_to_first),
		cmocka_unit_test(test_bare),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_check_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
