/* Unit tests for src/tui/tui_edit: multibyte insert and delete, movement
 * by character and display width, wrapping, paste, the length limit. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui_edit.h"
#include "util/xmem.h"

static void
assert_text(const struct tui_edit *e, const char *want)
{
	char *t = tui_edit_text(e);

	assert_string_equal(t, want);
	xfree_str_wipe(t);
}

static void
test_insert_delete(void **state)
{
	struct tui_edit *e = tui_edit_new(100, 1);

	(void)state;
	assert_int_equal(tui_edit_insert(e, 0xe5), 0);		/* å */
	assert_int_equal(tui_edit_insert(e, 0xe4), 0);		/* ä */
	assert_int_equal(tui_edit_insert(e, 0xf6), 0);		/* ö */
	assert_int_equal(tui_edit_insert(e, 0x1f600), 0);	/* 😀 */
	assert_text(e, "åäö😀");
	assert_int_equal(e->len, 4);
	tui_edit_left(e);
	tui_edit_left(e);
	assert_int_equal(tui_edit_backspace(e), 0);		/* ä */
	assert_text(e, "åö😀");
	assert_int_equal(tui_edit_delete(e), 0);		/* ö */
	assert_text(e, "å😀");
	assert_int_equal(e->cur, 1);
	tui_edit_insert(e, 'X');
	assert_text(e, "åX😀");
	tui_edit_left(e);
	tui_edit_left(e);
	tui_edit_left(e);
	tui_edit_left(e);					/* stays at 0 */
	assert_int_equal(e->cur, 0);
	assert_int_equal(tui_edit_backspace(e), -1);
	tui_edit_right(e);
	tui_edit_right(e);
	tui_edit_right(e);
	tui_edit_right(e);
	assert_int_equal(e->cur, 3);
	assert_int_equal(tui_edit_delete(e), -1);
	/* never stored: escape, bidi override, surrogates */
	assert_int_equal(tui_edit_insert(e, 0x1b), -1);
	assert_int_equal(tui_edit_insert(e, 0x202e), -1);
	assert_int_equal(tui_edit_insert(e, 0xd800), -1);
	assert_int_equal(tui_edit_insert(e, 0x110000), -1);
	/* tab is a space, CR a newline */
	tui_edit_insert(e, '\t');
	tui_edit_insert(e, '\r');
	assert_text(e, "åX😀 \n");
	tui_edit_free(e);
}

static void
test_max_length(void **state)
{
	struct tui_edit *e = tui_edit_new(5, 1);
	size_t n;

	(void)state;
	n = tui_edit_paste(e, "åäöåäöåäö", strlen("åäöåäöåäö"));
	assert_int_equal(n, 5);
	assert_int_equal(e->len, 5);
	assert_text(e, "åäöåä");
	assert_int_equal(tui_edit_insert(e, 'a'), -1);
	tui_edit_backspace(e);
	assert_int_equal(tui_edit_insert(e, 'a'), 0);
	assert_text(e, "åäöåa");
	tui_edit_free(e);

	/* single line: newlines are refused, pasted ones dropped */
	e = tui_edit_new(50, 0);
	assert_int_equal(tui_edit_insert(e, '\n'), -1);
	tui_edit_paste(e, "a\r\nb\nc", 6);
	assert_text(e, "abc");
	tui_edit_free(e);
}

static void
test_paste(void **state)
{
	struct tui_edit *e = tui_edit_new(10000, 1);
	char *big;
	size_t i;

	(void)state;
	/* CRLF is one newline; a bad byte and an escape are left out */
	tui_edit_paste(e, "rad 1\r\nrad 2\xff\x1b[2J", 17);
	assert_text(e, "rad 1\nrad 2[2J");
	tui_edit_set(e, NULL);
	assert_int_equal(e->len, 0);
	/* a long paste: 12000 characters, the first 10000 kept */
	big = xmalloc(12000 * 2 + 1);
	for (i = 0; i < 12000; i++)
		memcpy(big + 2 * i, "ö", 2);
	big[24000] = '\0';
	assert_int_equal(tui_edit_paste(e, big, 24000), 10000);
	assert_int_equal(e->len, 10000);
	assert_int_equal(e->cur, 10000);
	free(big);
	tui_edit_free(e);
}

static void
test_wrap(void **state)
{
	struct tui_edit *e = tui_edit_new(1000, 1);
	struct tui_edit_line *v;
	size_t n, row;
	int col;

	(void)state;
	/* 11 columns: 10 for text, one for the cursor */
	tui_edit_set(e, "Jag tyckte om mitt jobb");
	n = tui_edit_layout(e, 11, &v);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].start, 0);
	assert_int_equal(v[0].end, 11);		/* "Jag tyckte " */
	assert_false(v[0].hard);
	assert_int_equal(v[1].start, 11);
	assert_int_equal(v[1].end, 19);		/* "om mitt " */
	assert_int_equal(v[2].end, 23);		/* "jobb" */
	assert_true(v[2].hard);
	free(v);
	tui_edit_cursor(e, 11, &row, &col);
	assert_int_equal(row, 2);
	assert_int_equal(col, 4);
	/* a word longer than the line is broken */
	tui_edit_set(e, "abcdefghijklmnopqrstu");
	n = tui_edit_layout(e, 11, &v);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].end, 10);
	assert_int_equal(v[1].end, 20);
	free(v);
	/* newlines make lines, empty ones too */
	tui_edit_set(e, "a\n\nb");
	n = tui_edit_layout(e, 11, &v);
	assert_int_equal(n, 3);
	assert_int_equal(v[1].start, 2);
	assert_int_equal(v[1].end, 2);
	free(v);
	/* wide characters: five emoji of width 2 fill 10 columns */
	tui_edit_set(e, "😀😀😀😀😀😀");
	n = tui_edit_layout(e, 11, &v);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].end, 5);
	free(v);
	tui_edit_cursor(e, 11, &row, &col);
	assert_int_equal(row, 1);
	assert_int_equal(col, 2);
	/* the empty text is one line */
	tui_edit_set(e, "");
	n = tui_edit_layout(e, 11, &v);
	assert_int_equal(n, 1);
	free(v);
	tui_edit_free(e);
}

static void
test_vertical(void **state)
{
	struct tui_edit *e = tui_edit_new(1000, 1);
	size_t row;
	int col;

	(void)state;
	/* up and down keep the display column across wide characters */
	tui_edit_set(e, "abcdef\n😀😀😀\nxy");
	e->cur = 4;				/* before 'e': column 4 */
	assert_int_equal(tui_edit_down(e, 40), 0);
	tui_edit_cursor(e, 40, &row, &col);
	assert_int_equal(row, 1);
	assert_int_equal(col, 4);		/* before the third emoji */
	assert_int_equal(e->cur, 9);
	assert_int_equal(tui_edit_down(e, 40), 0);
	assert_int_equal(e->cur, 13);		/* end of "xy" */
	assert_int_equal(tui_edit_down(e, 40), -1);
	assert_int_equal(tui_edit_up(e, 40), 0);
	assert_int_equal(e->cur, 9);		/* the goal column held */
	assert_int_equal(tui_edit_up(e, 40), 0);
	assert_int_equal(e->cur, 4);
	assert_int_equal(tui_edit_up(e, 40), -1);
	/* column 1 on the emoji line lands before the first emoji */
	e->cur = 1;
	e->goal = -1;
	tui_edit_down(e, 40);
	assert_int_equal(e->cur, 7);
	/* home and end of a soft-wrapped line */
	tui_edit_set(e, "Jag tyckte om mitt jobb");
	e->cur = 13;
	tui_edit_home(e, 11);
	assert_int_equal(e->cur, 11);
	tui_edit_end(e, 11);
	assert_int_equal(e->cur, 18);		/* before the trailing space */
	e->cur = 2;
	tui_edit_end(e, 11);
	assert_int_equal(e->cur, 10);
	/* words */
	e->cur = 0;
	tui_edit_word_right(e);
	assert_int_equal(e->cur, 3);
	tui_edit_word_right(e);
	assert_int_equal(e->cur, 10);
	tui_edit_word_left(e);
	assert_int_equal(e->cur, 4);
	tui_edit_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_delete),
		cmocka_unit_test(test_max_length),
		cmocka_unit_test(test_paste),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_vertical),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
