/* Unit tests for src/util/collate: Swedish order without locales, and
 * type-to-filter matching. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "util/collate.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int
sign(int x)
{
	return (x > 0) - (x < 0);
}

/* Every pair in a list that is already in order must compare so, both
 * ways round, and each element equal to itself. */
static void
assert_ordered(const char *const *v, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		assert_int_equal(collate_cmp(v[i], v[i]), 0);
		for (j = i + 1; j < n; j++) {
			if (collate_cmp(v[i], v[j]) >= 0 ||
			    collate_cmp(v[j], v[i]) <= 0)
				fail_msg("\"%s\" should sort before \"%s\"",
				    v[i], v[j]);
		}
	}
}

static void
test_alphabet(void **state)
{
	static const char *const v[] = { "a", "b", "e", "o", "y", "z", "å",
		"ä", "ö" };
	static const char *const up[] = { "Z", "Å", "Ä", "Ö" };

	(void)state;
	assert_ordered(v, N(v));
	assert_ordered(up, N(up));
	/* Case does not decide the letter: "Å" after "z", "ä" after "Å". */
	assert_true(collate_cmp("Å", "z") > 0);
	assert_true(collate_cmp("ä", "Å") > 0);
	assert_true(collate_cmp("Ö", "ä") > 0);
}

static void
test_units(void **state)
{
	/* The sample region's names in the order a Swede expects. */
	static const char *const v[] = {
		"Akutmottagningen",
		"Alby vårdcentral",
		"Barn- och ungdomskliniken",
		"Barnkliniken",
		"Björkhaga vårdcentral",
		"Enhagens vårdcentral",
		"Intensivvårdsavdelningen",
		"Kirurgkliniken",
		"Kvinnokliniken",
		"Lundby vårdcentral",
		"Medicinkliniken",
		"Psykiatriska kliniken",
		"Sandvrets vårdcentral",
		"Zakrisdals vårdcentral",
		"Åbacka vårdcentral",
		"Äldremedicinska kliniken",
		"Älvängens vårdcentral",
		"Ödegårdens vårdcentral",
		"Ögonkliniken",
		"Öron-, näs- och halskliniken",
		"Österby vårdcentral",
	};
	const char *shuffled[N(v)];
	size_t i;

	(void)state;
	assert_ordered(v, N(v));
	for (i = 0; i < N(v); i++)
		shuffled[i] = v[(i * 8 + 3) % N(v)];
	qsort(shuffled, N(v), sizeof shuffled[0], collate_strptr_cmp);
	for (i = 0; i < N(v); i++)
		assert_string_equal(shuffled[i], v[i]);
}

static void
test_digits_punct(void **state)
{
	static const char *const v[] = { "", " ", "-", "0", "1", "10", "9",
		"A", "a1", "ab" };

	(void)state;
	assert_ordered(v, N(v));
	assert_true(collate_cmp("Avd 2", "Avd B") < 0);
	/* Not numeric: "10" before "9". */
	assert_true(collate_cmp("Avd 9", "Avd 10") > 0);
}

static void
test_case(void **state)
{
	(void)state;
	/* Primary: case-insensitive. */
	assert_true(collate_cmp("abc", "ABD") < 0);
	assert_true(collate_cmp("ÅSA", "åsb") < 0);
	assert_true(collate_cmp("Öst", "öster") < 0);
	/* Then lower case first at the first difference in case. */
	assert_true(collate_cmp("ab", "Ab") < 0);
	assert_true(collate_cmp("Ab", "ab") > 0);
	assert_true(collate_cmp("aB", "Ab") < 0);
	assert_true(collate_cmp("å", "Å") < 0);
	assert_true(collate_cmp("ö", "Ö") < 0);
	/* Latin-1 and Latin Extended-A upper and lower case. */
	assert_true(collate_cmp("é", "É") < 0);
	assert_true(collate_cmp("ł", "Ł") < 0);
	assert_true(collate_cmp("ž", "Ž") < 0);
	assert_true(collate_cmp("Č", "d") < 0);
}

static void
test_accents(void **state)
{
	(void)state;
	/* é sorts as e: "Café" between "Cafa" and "Caff", tie broken by
	 * bytes so the order stays total. */
	assert_true(collate_cmp("Cafa", "Café") < 0);
	assert_true(collate_cmp("Café", "Caff") < 0);
	assert_true(collate_cmp("Cafe", "Café") < 0);
	assert_true(collate_cmp("Café", "Cafe") > 0);
	assert_true(collate_cmp("André", "Andrea") < 0);
	/* ü as y: Müller after Mya, before Mz. */
	assert_true(collate_cmp("Mya", "Müller") < 0);
	assert_true(collate_cmp("Müller", "Mz") < 0);
	assert_true(collate_cmp("Mu", "Mü") < 0);
	assert_true(collate_cmp("Mü", "Mv") > 0);
	/* æ as ä, ø as ö, after z and å. */
	assert_true(collate_cmp("æ", "å") > 0);
	assert_true(collate_cmp("æb", "äc") < 0);
	assert_true(collate_cmp("ø", "ä") > 0);
	assert_true(collate_cmp("øb", "öc") < 0);
	/* Other accents are their base letter. */
	assert_true(collate_cmp("Çelik", "Cz") < 0);
	assert_true(collate_cmp("Ñu", "Nz") < 0);
	assert_true(collate_cmp("Łódź", "Lz") < 0);
}

/* Decomposed å, ä, ö (a + U+030A, a/o + U+0308) are the letters. */
static void
test_decomposed(void **state)
{
	(void)state;
	assert_int_equal(sign(collate_cmp("a\xcc\x8a" "b", "åc")), -1);
	assert_int_equal(sign(collate_cmp("a\xcc\x8a" "c", "åb")), 1);
	assert_true(collate_cmp("a\xcc\x88", "z") > 0);		/* ä */
	assert_true(collate_cmp("O\xcc\x88rebro", "Zeta") > 0);	/* Ö */
	assert_true(collate_cmp("e\xcc\x81" "b", "ec") < 0);	/* é */
	assert_true(collate_cmp("u\xcc\x88", "v") > 0);		/* ü */
}

static void
test_invalid_and_other(void **state)
{
	(void)state;
	/* Other scripts after ö; invalid bytes after everything. */
	assert_true(collate_cmp("ö", "α") < 0);
	assert_true(collate_cmp("α", "\xff") < 0);
	assert_true(collate_cmp("a\xff", "a\xfe") > 0);
	assert_int_equal(collate_cmp("\xc3", "\xc3"), 0);
	assert_true(collate_cmp("a\xc3", "a") > 0);
}

/* The order must not depend on the process locale. */
static void
test_locale_independent(void **state)
{
	int before, after;

	(void)state;
	before = collate_cmp("Ängen", "Zebra");
	setlocale(LC_ALL, "C");
	after = collate_cmp("Ängen", "Zebra");
	assert_int_equal(sign(before), 1);
	assert_int_equal(sign(after), 1);
}

static void
test_contains(void **state)
{
	(void)state;
	assert_true(collate_contains("Alby vårdcentral", ""));
	assert_true(collate_contains("Alby vårdcentral", "alby"));
	assert_true(collate_contains("Alby vårdcentral", "VÅRD"));
	assert_true(collate_contains("Alby vårdcentral", "central"));
	assert_true(collate_contains("Öron-, näs- och halskliniken", "ör"));
	assert_true(collate_contains("Öron-, näs- och halskliniken", "NÄS"));
	assert_true(collate_contains("Café Nord", "cafe"));
	assert_true(collate_contains("Café Nord", "café"));
	assert_true(collate_contains("Müller", "mull"));
	assert_true(collate_contains("Müller", "myll"));
	assert_true(collate_contains("O\xcc\x88gon", "ög"));	/* NFD */
	/* å, ä, ö are letters of their own: no match without them. */
	assert_false(collate_contains("Öron-, näs- och halskliniken", "oron"));
	assert_false(collate_contains("Ögonkliniken", "ogon"));
	assert_false(collate_contains("Alby vårdcentral", "vard"));
	assert_false(collate_contains("Älvängens vårdcentral", "alv"));
	/* ...and the other way round. */
	assert_false(collate_contains("Ortopedkliniken", "ört"));
	assert_false(collate_contains("Alby", "å"));
	assert_false(collate_contains("Alby", "albyx"));
	assert_false(collate_contains("", "a"));
	assert_true(collate_contains("", ""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alphabet),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_digits_punct),
		cmocka_unit_test(test_case),
		cmocka_unit_test(test_accents),
		cmocka_unit_test(test_decomposed),
		cmocka_unit_test(test_invalid_and_other),
		cmocka_unit_test(test_locale_independent),
		cmocka_unit_test(test_contains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
