/* Unit tests for src/tui/tui_screen: a key dispatched through a table,
 * help's rows generated from a table, and every table that help lists
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
};

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
	struct app a = { { 0, 0, 0 } };
	struct tui_key k;

	(void)state;
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
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_check_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
