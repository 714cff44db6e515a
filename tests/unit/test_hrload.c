/* Unit tests for src/report/hrload: generated records sealed to a test key
 * in a temporary central.db (hrload_fixture.h), with a tampered envelope,
 * an unapproved form and a record that does not fit its form; counts and
 * aggregates exact. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/env.h"
#include "report/hrload.h"
#include "store/central.h"
#include "util/xmem.h"

#include "hrload_fixture.h"

static int
setup(void **state)
{
	(void)state;
	return hrfx_setup("/tmp/avslut-thl-XXXXXX");
}

static int
teardown(void **state)
{
	(void)state;
	return hrfx_teardown();
}

struct progress {
	size_t calls, last_done, last_total, backwards;
};

static void
progress(void *ctx, size_t done, size_t total)
{
	struct progress *p = ctx;

	if (done < p->last_done)
		p->backwards++;
	p->calls++;
	p->last_done = done;
	p->last_total = total;
}

static void
check_run(unsigned threads)
{
	static const struct agg_unit units[] = {
		{ "A", "Avdelning A", "Norr" },
		{ "B", "Avdelning B", NULL },
	};
	const struct form *forms[1];
	struct hrload_opts o;
	struct hrload_result res;
	struct progress p;
	struct central *c;
	struct agg *a;
	struct err e;
	const struct agg_cell *cell;
	struct form **loaded;
	size_t nloaded, skipped, q, u, y, i;
	uint32_t want_n, want_counts[5], want_texts, want_declined;
	uint32_t want_why[3], want_notshown;
	int k, bad_text = 0;

	assert_int_equal(central_open(&c, dbpath, CENTRAL_RDONLY, &e), 0);
	assert_int_equal(hrload_forms(c, &loaded, &nloaded, &skipped, &e), 0);
	assert_int_equal(nloaded, 1);
	assert_int_equal(skipped, 0);
	assert_memory_equal(loaded[0]->hash, f1->hash, FORM_HASH_BYTES);
	forms[0] = loaded[0];
	a = agg_new(forms, 1, units, 2, NULL);
	memset(&o, 0, sizeof o);
	memset(&p, 0, sizeof p);
	o.threads = threads;
	o.progress = progress;
	o.progress_ctx = &p;
	assert_int_equal(hrload_run(c, pk, sk, forms, 1, a, &o, &res, &e), 0);
	central_close(c);

	assert_int_equal(res.total, NREC + 5);
	assert_int_equal(res.used, NREC);
	assert_int_equal(res.unreadable, 2);
	assert_int_equal(res.unapproved, 1);
	assert_int_equal(res.invalid, 2);
	assert_int_equal(hrload_rejected(&res), 5);
	assert_int_equal(agg_records(a), NREC);
	assert_int_equal(agg_rejected(a), 5);
	assert_int_equal(res.nnotes, 5);
	assert_int_equal(res.notes_dropped, 0);
	for (i = 0; i < res.nnotes; i++) {
		assert_non_null(strstr(res.notes[i], "envelope "));
		if (strstr(res.notes[i], "hemlig") != NULL ||
		    strstr(res.notes[i], "svar ") != NULL)
			bad_text = 1;
	}
	assert_false(bad_text);
	assert_true(p.calls >= 2);
	assert_int_equal(p.backwards, 0);
	assert_int_equal(p.last_done, NREC + 5);
	assert_int_equal(p.last_total, NREC + 5);

	/* Per unit and year, recount the fixture independently. */
	assert_int_equal(agg_nyears(a), 2);
	q = agg_find(a, "lead");
	assert_true(q != AGG_NONE);
	for (u = 0; u < 2; u++)
		for (y = 2024; y <= 2025; y++) {
			want_n = want_texts = want_declined = 0;
			want_notshown = 0;
			memset(want_counts, 0, sizeof want_counts);
			memset(want_why, 0, sizeof want_why);
			for (k = 0; k < NREC; k++) {
				if (strcmp(rec_unit(k), units[u].code) != 0 ||
				    rec_year(k) != y)
					continue;
				want_n++;
				if (rec_lead(k) < 0)
					want_declined++;
				else
					want_counts[rec_lead(k) - 1]++;
				for (i = 0; i < 3; i++)
					if ((((unsigned)(k % 7) + 1) >> i) & 1)
						want_why[i]++;
				if (rec_lead(k) >= 1 && rec_lead(k) <= 2) {
					if (k % 4 != 0)
						want_texts++;
				} else
					want_notshown++;
			}
			assert_int_equal(agg_interviews(a, u, (unsigned)y),
			    want_n);
			cell = agg_cell(a, u, (unsigned)y, q);
			assert_non_null(cell);
			assert_int_equal(cell->declined, want_declined);
			for (i = 0; i < 5; i++)
				assert_int_equal(cell->counts[i],
				    want_counts[i]);
			cell = agg_cell(a, u, (unsigned)y, agg_find(a, "why"));
			for (i = 0; i < 3; i++)
				assert_int_equal(cell->counts[i], want_why[i]);
			cell = agg_cell(a, u, (unsigned)y,
			    agg_find(a, "change"));
			assert_int_equal(cell->ntexts, want_texts);
			assert_int_equal(cell->notshown, want_notshown);
		}
	assert_int_equal(agg_interviews(a, AGG_NONE, 2024) +
	    agg_interviews(a, AGG_NONE, 2025), NREC);
	agg_free(a);
	hrload_forms_free(loaded, nloaded);
	hrload_result_free(&res);
}

static void
test_one_thread(void **state)
{
	(void)state;
	check_run(1);
}

static void
test_many_threads(void **state)
{
	(void)state;
	check_run(4);
	check_run(0);
}

/* The tampered envelope is named by its id; nothing stops the run. */
static void
test_notes(void **state)
{
	struct hrload_result res;
	struct central *c;
	struct agg *a;
	struct err e;
	const struct form *forms[1] = { f1 };
	char hex[2 * ENV_ID_BYTES + 1];
	size_t i;
	int found = 0;

	(void)state;
	env_id_hex(tampered_id, hex);
	assert_int_equal(central_open(&c, dbpath, CENTRAL_RDONLY, &e), 0);
	a = agg_new(forms, 1, NULL, 0, NULL);
	assert_int_equal(hrload_run(c, pk, sk, forms, 1, a, NULL, &res, &e),
	    0);
	for (i = 0; i < res.nnotes; i++)
		if (strstr(res.notes[i], hex) != NULL &&
		    strstr(res.notes[i], "cannot be opened") != NULL)
			found = 1;
	assert_true(found);
	/* Units not in the config are added without an area. */
	assert_true(agg_unit_find(a, "A") != AGG_NONE);
	agg_free(a);
	hrload_result_free(&res);
	central_close(c);
}

/* The wrong key: every envelope unreadable, counted, no crash. */
static void
test_wrong_key(void **state)
{
	uint8_t opk[ENV_PK_BYTES], osk[ENV_SK_BYTES];
	struct hrload_result res;
	struct central *c;
	struct agg *a;
	struct err e;
	const struct form *forms[1] = { f1 };

	(void)state;
	crypto_box_keypair(opk, osk);
	assert_int_equal(central_open(&c, dbpath, CENTRAL_RDONLY, &e), 0);
	a = agg_new(forms, 1, NULL, 0, NULL);
	assert_int_equal(hrload_run(c, opk, osk, forms, 1, a, NULL, &res, &e),
	    0);
	assert_int_equal(res.unreadable, NREC + 5);
	assert_int_equal(res.used, 0);
	assert_int_equal(agg_rejected(a), NREC + 5);
	assert_int_equal(res.nnotes, HRLOAD_MAX_NOTES);
	assert_int_equal(res.notes_dropped, NREC + 5 - HRLOAD_MAX_NOTES);
	agg_free(a);
	hrload_result_free(&res);
	central_close(c);
}

struct years {
	size_t before2025, unreadable, calls;
	int stop_after;
};

static int
count_years(void *ctx, const uint8_t id[ENV_ID_BYTES],
    enum hrload_status st, const struct record *r, struct err *e)
{
	struct years *y = ctx;

	(void)id;
	y->calls++;
	if (y->stop_after > 0 && y->calls == (size_t)y->stop_after)
		return err_set(e, "stopped here");
	if (st == HRLOAD_UNREADABLE) {
		assert_null(r);
		y->unreadable++;
	} else if (r->year < 2025)
		y->before2025++;
	return 0;
}

/* Without forms every opened record is used (what purge needs). */
static void
test_foreach(void **state)
{
	struct hrload_result res;
	struct hrload_opts o;
	struct central *c;
	struct years y;
	struct err e;
	int k;
	size_t want = 0;

	(void)state;
	for (k = 0; k < NREC; k++)
		want += rec_year(k) < 2025;
	want += 1;	/* record 4 (invalid) is 2024; 3 (unapproved) and 9
			 * (hidden answer) are 2025 */
	memset(&y, 0, sizeof y);
	memset(&o, 0, sizeof o);
	o.threads = 2;
	assert_int_equal(central_open(&c, dbpath, CENTRAL_RDONLY, &e), 0);
	assert_int_equal(hrload_foreach(c, pk, sk, NULL, 0, &o, count_years,
	    &y, &res, &e), 0);
	assert_int_equal(res.used, NREC + 3);
	assert_int_equal(res.unreadable, 2);
	assert_int_equal(y.unreadable, 2);
	assert_int_equal(y.before2025, want);
	hrload_result_free(&res);
	/* fn stops the run: -1 and its message. */
	memset(&y, 0, sizeof y);
	y.stop_after = 7;
	assert_int_equal(hrload_foreach(c, pk, sk, NULL, 0, &o, count_years,
	    &y, &res, &e), -1);
	assert_string_equal(e.msg, "stopped here");
	assert_int_equal(y.calls, 7);
	hrload_result_free(&res);
	central_close(c);
}

/* An empty store: nothing to open, progress still ends at 0 of 0. */
static void
test_empty(void **state)
{
	struct hrload_result res;
	struct hrload_opts o;
	struct progress p;
	struct central *c;
	struct agg *a;
	struct err e;
	char *path = xasprintf("%s/empty.db", dir);

	(void)state;
	assert_int_equal(central_open(&c, path, CENTRAL_CREATE, &e), 0);
	a = agg_new(NULL, 0, NULL, 0, NULL);
	memset(&o, 0, sizeof o);
	memset(&p, 0, sizeof p);
	o.progress = progress;
	o.progress_ctx = &p;
	assert_int_equal(hrload_run(c, pk, sk, NULL, 0, a, &o, &res, &e), 0);
	assert_int_equal(res.total, 0);
	assert_int_equal(agg_records(a), 0);
	assert_true(p.calls >= 1);
	assert_int_equal(p.last_total, 0);
	agg_free(a);
	hrload_result_free(&res);
	central_close(c);
	free(path); /* the fixture's teardown removes the directory */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_thread),
		cmocka_unit_test(test_many_threads),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_foreach),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
