/* Unit tests for src/tui/tui_list: type-to-filter with Swedish letters,
 * a selection that follows its row, and moving through rows (a selection,
 * a scrolled text, a page). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui_list.h"

static void
test_filter(void **state)
{
	const char *rows[] = { "Alby vårdcentral", "Akuten Södertälje",
		"Östra BVC", "Vårdavdelning 12" };
	const char *keys[] = { "VC-ALBY", "AK-SDT", "BVC-OST", "AVD-12" };
	struct tui_list *l = tui_list_new(rows, keys, 4, 1);
	char buf[TUI_FILTER_MAX * 4 + 1];

	(void)state;
	assert_int_equal(l->nshown, 4);
	tui_list_move(l, 3);
	assert_int_equal(tui_list_selected(l), 3);
	tui_list_move(l, 5);
	assert_int_equal(tui_list_selected(l), 3);
	tui_list_move(l, -9);
	assert_int_equal(tui_list_selected(l), 0);
	/* "vÅr": case-insensitive, å is its own letter */
	tui_list_filter_add(l, 'v');
	tui_list_filter_add(l, 0xc5);
	tui_list_filter_add(l, 'r');
	assert_int_equal(l->nshown, 2);
	assert_int_equal(tui_list_selected(l), 0);
	tui_list_filter_text(l, buf);
	assert_string_equal(buf, "vÅr");
	tui_list_move(l, 1);
	assert_int_equal(tui_list_selected(l), 3);
	/* widening the filter keeps the selected row */
	assert_int_equal(tui_list_filter_back(l), 0);
	assert_int_equal(tui_list_selected(l), 3);
	tui_list_filter_clear(l);
	assert_int_equal(l->nshown, 4);
	assert_int_equal(tui_list_filter_back(l), -1);
	/* the key matches too; "a" does not match "å" or "ä" */
	tui_list_filter_add(l, 'o');
	tui_list_filter_add(l, 's');
	tui_list_filter_add(l, 't');
	assert_int_equal(l->nshown, 1);
	assert_int_equal(tui_list_selected(l), 2);
	tui_list_filter_clear(l);
	tui_list_filter_add(l, 0xf6);		/* ö */
	assert_int_equal(l->nshown, 2);		/* Södertälje, Östra */
	/* nothing matches: no selection */
	tui_list_filter_add(l, 'q');
	assert_int_equal(l->nshown, 0);
	assert_int_equal(tui_list_selected(l), -1);
	tui_list_move(l, 1);
	assert_int_equal(tui_list_filter_add(l, 0x1b), -1);
	tui_list_free(l);
}

static void
test_moving(void **state)
{
	(void)state;
	/* a selection stays on a row */
	assert_int_equal(tui_sel_move(0, -1, 5), 0);
	assert_int_equal(tui_sel_move(3, -1, 5), 2);
	assert_int_equal(tui_sel_move(3, 1, 5), 4);
	assert_int_equal(tui_sel_move(4, 1, 5), 4);
	assert_int_equal(tui_sel_move(1, -20, 5), 0);
	assert_int_equal(tui_sel_move(1, 20, 5), 4);
	assert_int_equal(tui_sel_move(7, 0, 5), 4); /* rows went away */
	assert_int_equal(tui_sel_move(0, 1, 0), 0); /* no rows */
	assert_int_equal(tui_sel_move(0, -1, 0), 0);
	/* the rows on screen follow the selection, up and down */
	assert_int_equal(tui_sel_top(5, 2, 10), 2);
	assert_int_equal(tui_sel_top(0, 12, 10), 3);
	assert_int_equal(tui_sel_top(3, 12, 10), 3);
	assert_int_equal(tui_sel_top(4, 9, 0), 4); /* nothing on screen */
	/* a text scrolls down only while lines remain below the screen */
	assert_int_equal(tui_scroll_move(0, 1, 30, 20), 1);
	assert_int_equal(tui_scroll_move(10, 1, 30, 20), 10);
	assert_int_equal(tui_scroll_move(9, 19, 30, 20), 28);
	assert_int_equal(tui_scroll_move(0, 1, 10, 20), 0);
	assert_int_equal(tui_scroll_move(5, -19, 30, 20), 0);
	assert_int_equal(tui_scroll_move(5, -1, 30, 20), 4);
	/* a page keeps a row in view */
	assert_int_equal(tui_page(20), 19);
	assert_int_equal(tui_page(1), 1);
	assert_int_equal(tui_page(-3), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_moving),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
