/* Unit tests for src/report/csvin: the turnover and HME CSV readers, as
 * Swedish spreadsheets write them, and every error with its line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/csvin.h"

static const char *const units[] = {"VC-ALBY", "AKUT-S", "Östra"};
static const char *const names[] = {"Alby vårdcentral", "Akuten Södra",
    "Östra enheten"};
#define NU 3
#define EPS 1e-9

/* A file named name of len bytes, with the units above. */
static struct csvin_src
src(const char *name, const char *buf, size_t len)
{
	return (struct csvin_src){ name, buf, len, units, names, NU };
}

/* csvin_read of kind, the rows as an array and a count. */
static int
read_kind(enum csvin_kind kind, const struct csvin_src *s, void *rows,
    size_t *n, struct csvin_diags *errs, struct csvin_diags *warns)
{
	struct csvin_rows r;
	int rc = csvin_read(kind, s, &r, errs, warns);

	if (kind == CSVIN_TURNOVER) {
		assert_null(r.h);
		*(struct turnover_row **)rows = r.t;
	} else {
		assert_null(r.t);
		*(struct hme_row **)rows = r.h;
	}
	*n = r.n;
	return rc;
}

static int
read_turnover(const struct csvin_src *s, struct turnover_row **rows,
    size_t *n, struct csvin_diags *errs, struct csvin_diags *warns)
{
	return read_kind(CSVIN_TURNOVER, s, rows, n, errs, warns);
}

static int
read_hme(const struct csvin_src *s, struct hme_row **rows, size_t *n,
    struct csvin_diags *errs, struct csvin_diags *warns)
{
	return read_kind(CSVIN_HME, s, rows, n, errs, warns);
}

static void
free_turnover(struct turnover_row *rows, size_t n)
{
	struct csvin_rows r = { rows, NULL, n };

	csvin_rows_free(&r);
}

static void
free_hme(struct hme_row *rows, size_t n)
{
	struct csvin_rows r = { NULL, rows, n };

	csvin_rows_free(&r);
}

static int
turnover(const char *text, struct turnover_row **rows, size_t *n,
    struct csvin_diags *errs, struct csvin_diags *warns)
{
	struct csvin_src s = src("t.csv", text, strlen(text));

	return read_turnover(&s, rows, n, errs, warns);
}

/* Excel "CSV UTF-8" in Swedish: BOM, ';', decimal comma, CRLF, a header,
 * thousands with a no-break space, a trailing empty column. */
static void
test_swedish(void **state)
{
	const char *text = "\xef\xbb\xbf" "Enhet;År;Medelantal anställda;"
	    "Avslutade\r\n"
	    "VC-ALBY;2023;42,5;6\r\n"
	    "AKUT-S;2023;1\xc2\xa0" "200;130;\r\n"
	    "\r\n"
	    "Östra;2024;10;12,0\r\n";
	struct turnover_row *rows;
	struct csvin_diags errs, warns;
	size_t n;

	(void)state;
	assert_int_equal(turnover(text, &rows, &n, &errs, &warns), 0);
	assert_int_equal(errs.n, 0);
	assert_int_equal(n, 3);
	assert_string_equal(rows[0].unit, "VC-ALBY");
	assert_int_equal(rows[0].year, 2023);
	assert_true(fabs(rows[0].headcount - 42.5) < EPS);
	assert_true(fabs(rows[0].leavers - 6) < EPS);
	assert_true(fabs(rows[1].headcount - 1200) < EPS);
	assert_string_equal(rows[2].unit, "Östra");
	/* 12 of 10: 120 %, accepted with a warning on its line */
	assert_int_equal(warns.n, 1);
	assert_string_equal(warns.msg[0],
	    "t.csv:5: turnover for Östra in 2024 is 120 %, above 100 %");
	free_turnover(rows, n);
	csvin_diags_free(&warns);
}

/* ',' as separator, LF, decimal point, no header, no BOM; quoted fields
 * with the decimal comma inside. */
static void
test_comma(void **state)
{
	const char *text = "VC-ALBY,2022,40.25,4\n"
	    "\"AKUT-S\",2022,\"80,5\",\"8\"\n";
	struct turnover_row *rows;
	struct csvin_diags errs, warns;
	size_t n;

	(void)state;
	assert_int_equal(turnover(text, &rows, &n, &errs, &warns), 0);
	assert_int_equal(n, 2);
	assert_true(fabs(rows[0].headcount - 40.25) < EPS);
	assert_true(fabs(rows[1].headcount - 80.5) < EPS);
	assert_int_equal(warns.n, 0);
	free_turnover(rows, n);
}

/* Every error, with its line; nothing imported. */
static void
test_errors(void **state)
{
	const char *text = "unit;year;headcount;leavers\n"
	    "VC-ALBY;2023;40;4\n"		/* 2 fine */
	    "VC-NOPE;2023;40;4\n"		/* 3 unknown unit */
	    "VC-ALBY;2023;41;5\n"		/* 4 duplicate */
	    "AKUT-S;2023;-40;4\n"		/* 5 negative */
	    "AKUT-S;2024;40;fyra\n"		/* 6 not a number */
	    "AKUT-S;24;40;4\n"			/* 7 bad year */
	    "AKUT-S;2025;0;0\n"			/* 8 zero headcount */
	    "AKUT-S;2026;40\n"			/* 9 three fields */
	    "AKUT-S;2027;\"40;4\n"		/* 10 open quote */
	    "AKUT-S;2028;4,5,5;1\n"		/* 11 two marks */
	    "AKUT-S;2029;40;\n"			/* 12 empty */
	    "AKUT\x1b[2J;2030;40;4\n"		/* 13 unknown, escaped */
	    "AKUT-S;2031;4\xff;4\n";		/* 14 Windows-1252: 4ÿ */
	struct turnover_row *rows = (void *)1;
	struct csvin_diags errs, warns;
	size_t n = 99;

	(void)state;
	assert_int_equal(turnover(text, &rows, &n, &errs, &warns), -1);
	assert_null(rows);
	assert_int_equal(n, 0);
	assert_int_equal(errs.n, 12);
	assert_string_equal(errs.msg[0], "t.csv:3: unknown unit \"VC-NOPE\": "
	    "add it to the config or correct the code");
	assert_string_equal(errs.msg[1],
	    "t.csv:4: duplicate row for VC-ALBY 2023 (first on line 2)");
	assert_string_equal(errs.msg[2],
	    "t.csv:5: average headcount \"-40\" is negative");
	assert_string_equal(errs.msg[3],
	    "t.csv:6: leavers \"fyra\" is not a number");
	assert_string_equal(errs.msg[4],
	    "t.csv:7: year \"24\" is not a year (1900-2999)");
	assert_string_equal(errs.msg[5],
	    "t.csv:8: average headcount must be above zero");
	assert_string_equal(errs.msg[6],
	    "t.csv:9: 3 fields, expected 4 to 6 (separator ';')");
	assert_string_equal(errs.msg[7], "t.csv:10: a quote is not closed");
	assert_string_equal(errs.msg[8],
	    "t.csv:11: average headcount \"4,5,5\" is not a number");
	assert_string_equal(errs.msg[9], "t.csv:12: leavers \"\" is empty");
	assert_non_null(strstr(errs.msg[10], "t.csv:13: unknown unit \"AKUT"
	    "\xef\xbf\xbd[2J\""));
	/* not UTF-8: read as Windows-1252, so the byte is a letter */
	assert_string_equal(errs.msg[11],
	    "t.csv:14: average headcount \"4\xc3\xbf\" is not a number");
	assert_int_equal(warns.n, 0);
	csvin_diags_free(&errs);
}

static void
test_empty(void **state)
{
	struct csvin_src s;
	struct turnover_row *rows;
	struct csvin_diags errs, warns;
	size_t n;

	(void)state;
	assert_int_equal(turnover("\xef\xbb\xbf" "Enhet;År;A;B\r\n\r\n",
	    &rows, &n, &errs, &warns), -1);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msg[0], "t.csv: no rows");
	csvin_diags_free(&errs);
	s = src("t.csv", "VC-ALBY;2023;1;0\0x", 18);
	assert_int_equal(read_turnover(&s, &rows, &n, &errs, &warns), -1);
	assert_string_equal(errs.msg[0], "t.csv:1: a NUL byte");
	csvin_diags_free(&errs);
}

/* Excel's Swedish "CSV (semikolonavgränsad)": Windows-1252, with unit
 * names instead of codes, in other cases and without accents. */
static void
test_windows_1252_names(void **state)
{
	/* "Enhet;År;Medelantal;Avgångar", Alby vårdcentral, ÖSTRA ENHETEN */
	const char text[] = "Enhet;\xc5r;Medelantal;Avg\xe5ngar\r\n"
	    "Alby v\xe5rdcentral;2023;42,5;6\r\n"
	    "\xd6STRA ENHETEN;2023;10;1\r\n"
	    "alby vardcentral;2024;40;4\r\n"
	    "akut-s;2024;30;3\r\n";
	struct turnover_row *rows;
	struct csvin_diags errs, warns;
	size_t n;

	(void)state;
	assert_string_equal(csvin_encoding(text, strlen(text)),
	    "Windows-1252");
	assert_int_equal(turnover(text, &rows, &n, &errs, &warns), 0);
	assert_int_equal(n, 4);
	assert_string_equal(rows[0].unit, "VC-ALBY");
	assert_string_equal(rows[1].unit, "\xc3\x96stra");	/* Östra */
	assert_string_equal(rows[2].unit, "VC-ALBY");
	assert_int_equal(rows[2].year, 2024);
	assert_string_equal(rows[3].unit, "AKUT-S");
	assert_true(fabs(rows[0].headcount - 42.5) < EPS);
	free_turnover(rows, n);
	csvin_diags_free(&errs);
	csvin_diags_free(&warns);
}

/* "Unicode text" from Excel: UTF-16 little endian with a BOM (and big
 * endian), with å, ä, ö in the header and a name. */
static void
test_utf16(void **state)
{
	const char *u8 = "Enhet;År;Medelantal;Avgångar\r\n"
	    "Östra enheten;2024;10;2\r\n";
	char buf[256];
	struct csvin_src s;
	size_t i = 0, k;
	struct turnover_row *rows;
	struct csvin_diags errs, warns;
	size_t n;
	int be;

	(void)state;
	for (be = 0; be <= 1; be++) {
		i = 0;
		buf[i++] = be ? (char)0xfe : (char)0xff;
		buf[i++] = be ? (char)0xff : (char)0xfe;
		for (k = 0; u8[k] != '\0';) {
			unsigned cp = (unsigned char)u8[k];

			if (cp >= 0xc0) {	/* two-byte sequences only here */
				cp = (cp & 0x1f) << 6 |
				    ((unsigned char)u8[k + 1] & 0x3f);
				k += 2;
			} else {
				k++;
			}
			buf[i++] = (char)(be ? cp >> 8 : cp & 0xff);
			buf[i++] = (char)(be ? cp & 0xff : cp >> 8);
		}
		assert_string_equal(csvin_encoding(buf, i), be ? "UTF-16BE" :
		    "UTF-16LE");
		s = src("t.csv", buf, i);
		assert_int_equal(read_turnover(&s, &rows, &n, &errs, &warns),
		    0);
		assert_int_equal(n, 1);
		assert_string_equal(rows[0].unit, "\xc3\x96stra");
		assert_true(fabs(rows[0].leavers - 2) < EPS);
		free_turnover(rows, n);
		csvin_diags_free(&errs);
		csvin_diags_free(&warns);
	}
}

/* An unknown unit close to a code or a name gets a suggestion; bytes
 * that are neither UTF-8 nor Windows-1252 are refused. */
static void
test_did_you_mean(void **state)
{
	const char *text = "VC-ALBI;2023;40;4\n"
	    "Alby vårdcentralen;2023;40;4\n"
	    "Helt okänd;2023;40;4\n";
	struct turnover_row *rows;
	struct csvin_diags errs, warns;
	size_t n;

	(void)state;
	assert_int_equal(turnover(text, &rows, &n, &errs, &warns), -1);
	assert_int_equal(errs.n, 3);
	assert_string_equal(errs.msg[0], "t.csv:1: unknown unit \"VC-ALBI\": "
	    "did you mean VC-ALBY (Alby vårdcentral)?");
	assert_string_equal(errs.msg[1], "t.csv:2: unknown unit \"Alby "
	    "vårdcentralen\": did you mean VC-ALBY (Alby vårdcentral)?");
	assert_string_equal(errs.msg[2], "t.csv:3: unknown unit \"Helt "
	    "okänd\": add it to the config or correct the code");
	csvin_diags_free(&errs);
	/* 0x81 is not a character in Windows-1252 */
	assert_int_equal(turnover("VC-ALBY;2023;40;4\n\x81;2023;1;1\n",
	    &rows, &n, &errs, &warns), -1);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msg[0], "t.csv: neither UTF-8 nor "
	    "Windows-1252 (byte 19): save the file as UTF-8 (\"CSV UTF-8\")");
	csvin_diags_free(&errs);
}

static void
test_hme(void **state)
{
	const char *ok = "\xef\xbb\xbf" "Enhet;År;HME;Motivation;Ledarskap;"
	    "Styrning\r\n"
	    "VC-ALBY;2024;78,4;80;79,5;75,7\r\n"
	    "AKUT-S;2024;70;71;72;73\r\n";
	const char *bad = "VC-ALBY;2024;78,4;80;79,5;175\n"
	    "VC-ALBY;2024;78;80;79;75\n"
	    "VC-ALBY;2024;78;80;79;75\n"
	    "AKUT-S;2024;70;71;72\n";
	struct csvin_src s = src("h.csv", ok, strlen(ok));
	struct hme_row *rows;
	struct csvin_diags errs, warns;
	size_t n;

	(void)state;
	assert_int_equal(read_hme(&s, &rows, &n, &errs, &warns), 0);
	assert_int_equal(warns.n, 0);
	assert_int_equal(n, 2);
	assert_true(fabs(rows[0].hme - 78.4) < EPS);
	assert_true(fabs(rows[0].motivation - 80) < EPS);
	assert_true(fabs(rows[0].ledarskap - 79.5) < EPS);
	assert_true(fabs(rows[0].styrning - 75.7) < EPS);
	assert_int_equal(rows[1].year, 2024);
	free_hme(rows, n);
	s = src("h.csv", bad, strlen(bad));
	assert_int_equal(read_hme(&s, &rows, &n, &errs, &warns), -1);
	assert_null(rows);
	assert_int_equal(n, 0);
	assert_int_equal(errs.n, 3);
	assert_string_equal(errs.msg[0], "h.csv:1: styrning 175 is above 100");
	assert_string_equal(errs.msg[1],
	    "h.csv:3: duplicate row for VC-ALBY 2024 (first on line 2)");
	assert_string_equal(errs.msg[2],
	    "h.csv:4: 5 fields, expected 6 (separator ';')");
	csvin_diags_free(&errs);
}

/* The optional columns: retirements and internal moves among the
 * leavers, by their Swedish or English header in either order, or 5th and
 * 6th without a header; an empty cell or a missing column is -1. */
static void
test_optional_columns(void **state)
{
	const char *sv = "Enhet;År;Medelantal anställda;Avslutade;"
	    "Varav pensionsavgångar;Varav interna byten\n"
	    "VC-ALBY;2023;40;6;1;2\n"
	    "AKUT-S;2023;80;8;;3\n"
	    "Östra;2023;10;2\n";
	const char *en = "unit;year;headcount;leavers;internal moves;"
	    "retirements\n"
	    "VC-ALBY;2024;40;6;2;1\n";
	const char *bare = "VC-ALBY;2022;40;6;1;2\n"
	    "AKUT-S;2022;80;8;4\n"
	    "Östra;2022;10;2\n";
	struct turnover_row *rows;
	struct csvin_diags errs, warns;
	size_t n;

	(void)state;
	assert_int_equal(turnover(sv, &rows, &n, &errs, &warns), 0);
	assert_int_equal(n, 3);
	assert_true(rows[0].retirements == 1 && rows[0].internal == 2);
	assert_true(rows[1].retirements == -1 && rows[1].internal == 3);
	assert_true(rows[2].retirements == -1 && rows[2].internal == -1);
	free_turnover(rows, n);
	assert_int_equal(turnover(en, &rows, &n, &errs, &warns), 0);
	assert_int_equal(n, 1);
	assert_true(rows[0].retirements == 1 && rows[0].internal == 2);
	free_turnover(rows, n);
	assert_int_equal(turnover(bare, &rows, &n, &errs, &warns), 0);
	assert_int_equal(n, 3);
	assert_true(rows[0].retirements == 1 && rows[0].internal == 2);
	assert_true(rows[1].retirements == 4 && rows[1].internal == -1);
	assert_true(rows[2].retirements == -1 && rows[2].internal == -1);
	free_turnover(rows, n);
}

/* The optional columns' errors, each with its line; nothing returned. */
static void
test_optional_errors(void **state)
{
	const char *text = "unit;year;headcount;leavers;retirements\n"
	    "VC-ALBY;2023;40;4;5\n"		/* 2 more than the leavers */
	    "AKUT-S;2023;40;4;-1\n"		/* 3 negative */
	    "Östra;2023;40;4;1;1\n";		/* 4 beyond the header */
	const char *both = "VC-ALBY;2023;40;4;3;2\n";	/* 3 + 2 > 4 */
	const char *col = "unit;year;headcount;leavers;sick leave\n"
	    "VC-ALBY;2023;40;4;1\n";
	struct turnover_row *rows;
	struct csvin_diags errs, warns;
	size_t n;

	(void)state;
	assert_int_equal(turnover(text, &rows, &n, &errs, &warns), -1);
	assert_null(rows);
	assert_int_equal(errs.n, 3);
	assert_string_equal(errs.msg[0], "t.csv:2: retirements and internal "
	    "moves (5 + 0) are more than the leavers (4): they are counted "
	    "among them");
	assert_non_null(strstr(errs.msg[1], "t.csv:3: retirements \"-1\""));
	assert_string_equal(errs.msg[2], "t.csv:4: 6 fields, the header "
	    "names 5");
	csvin_diags_free(&errs);
	assert_int_equal(turnover(both, &rows, &n, &errs, &warns), -1);
	assert_int_equal(errs.n, 1);
	assert_non_null(strstr(errs.msg[0], "(3 + 2) are more than the "
	    "leavers (4)"));
	csvin_diags_free(&errs);
	assert_int_equal(turnover(col, &rows, &n, &errs, &warns), -1);
	assert_true(errs.n >= 1);
	assert_string_equal(errs.msg[0], "t.csv:1: column 5 \"sick leave\": "
	    "expected retirements (pensionsavgångar) or internal moves "
	    "(interna byten)");
	csvin_diags_free(&errs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_swedish),
		cmocka_unit_test(test_comma),
		cmocka_unit_test(test_optional_columns),
		cmocka_unit_test(test_optional_errors),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_windows_1252_names),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_did_you_mean),
		cmocka_unit_test(test_hme),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
