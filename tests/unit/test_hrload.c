/* Unit tests for src/report/hrload: generated records sealed to a test key
 * in a temporary central.db, with a tampered envelope, an unapproved form
 * and a record that does not fit its form; counts and aggregates exact. */
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

#define NREC 60		/* good records */

static const char form_yaml[] =
    "id: t\n"
    "version: %d\n"
    "languages: [sv]\n"
    "title: {sv: T}\n"
    "intro: {sv: I}\n"
    "sections:\n"
    "  - id: s\n"
    "    title: {sv: S}\n"
    "    questions:\n"
    "      - id: lead\n"
    "        type: scale\n"
    "        label: {sv: L}\n"
    "        min_label: {sv: a}\n"
    "        max_label: {sv: b}\n"
    "      - id: why\n"
    "        type: multi\n"
    "        label: {sv: W}\n"
    "        theme: reasons\n"
    "        choices:\n"
    "          - id: pay\n"
    "            label: {sv: P}\n"
    "          - id: boss\n"
    "            label: {sv: B}\n"
    "          - id: hours\n"
    "            label: {sv: H}\n"
    "      - id: enps\n"
    "        type: nps\n"
    "        label: {sv: N}\n"
    "        min_label: {sv: a}\n"
    "        max_label: {sv: b}\n"
    "      - id: change\n"
    "        type: text\n"
    "        label: {sv: C}\n"
    "        show_if: \"lead <= 2\"\n";

static char dir[64];
static char *dbpath;
static uint8_t pk[ENV_PK_BYTES], sk[ENV_SK_BYTES];
static struct form *f1, *f2;	/* f1 approved, f2 (version 2) not */
static uint8_t tampered_id[ENV_ID_BYTES];

static struct form *
load_form(int version, char **yaml)
{
	struct form_diags d;
	struct form *f;

	*yaml = xasprintf(form_yaml, version);
	memset(&d, 0, sizeof d);
	f = form_load_buf("t.yaml", *yaml, strlen(*yaml), &d);
	if (f == NULL && d.n > 0)
		fprintf(stderr, "%s\n", d.msg[0]);
	form_diags_free(&d);
	return f;
}

/* Record i of the fixture; the test recomputes what it must count. */
static const char *
rec_unit(int i)
{
	return i % 3 == 0 ? "B" : "A";
}

static unsigned
rec_year(int i)
{
	return i % 2 ? 2025 : 2024;
}

static int
rec_lead(int i)
{
	return i % 7 == 6 ? -1 : i % 5 + 1;	/* -1: declined */
}

static void
make_record(struct record *r, const struct form *f, int i)
{
	int lead = rec_lead(i);

	memset(r, 0, sizeof *r);
	r->unit = xstrdup(rec_unit(i));
	r->year = (uint16_t)rec_year(i);
	r->form_id = xstrdup(f->id);
	r->form_version = f->version;
	memcpy(r->form_hash, f->hash, FORM_HASH_BYTES);
	r->lang = xstrdup("sv");
	r->nanswers = 4;
	r->answers = xcalloc(4, sizeof *r->answers);
	if (lead < 0)
		r->answers[0].state = FORM_DECLINED;
	else {
		r->answers[0].state = FORM_ANSWERED;
		r->answers[0].num = lead;
	}
	r->answers[1].state = FORM_ANSWERED;
	r->answers[1].choices = (uint64_t)(i % 7) + 1;	/* 1..7: bits */
	r->answers[2].state = FORM_ANSWERED;
	r->answers[2].num = i % 11;
	/* "change" is shown only when lead <= 2 */
	if (lead >= 1 && lead <= 2) {
		if (i % 4 == 0)
			r->answers[3].state = FORM_SKIPPED;
		else {
			r->answers[3].state = FORM_ANSWERED;
			r->answers[3].text = xasprintf("svar %d", i);
		}
	}
}

static void
add_env(struct bundle *b, const struct record *r)
{
	struct bundle_env *v;
	struct err e;

	b->envs = xreallocarray(b->envs, b->n + 1, sizeof *b->envs);
	v = &b->envs[b->n++];
	assert_int_equal(env_seal(r, pk, v->id, &v->data, &v->len, &e), 0);
}

static int
setup(void **state)
{
	struct central *c;
	struct bundle b;
	struct bundle_ack *acks;
	struct record r;
	struct err e;
	uint8_t spk[CENTRAL_PK_BYTES];
	char *y1, *y2;
	size_t nacks, added, i;

	(void)state;
	if (sodium_init() < 0)
		return -1;
	crypto_box_keypair(pk, sk);
	strcpy(dir, "/tmp/avslut-thl-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	dbpath = xasprintf("%s/central.db", dir);
	f1 = load_form(1, &y1);
	f2 = load_form(2, &y2);
	if (f1 == NULL || f2 == NULL)
		return -1;
	if (central_open(&c, dbpath, CENTRAL_CREATE, &e) != 0 ||
	    central_form_add(c, f1->id, f1->version, f1->hash, y1, strlen(y1),
	    &e) != 0)
		return -1;
	free(y1);
	free(y2);
	randombytes_buf(spk, sizeof spk);
	if (central_interviewer_add(c, spk, "t", &e) != 0)
		return -1;
	memset(&b, 0, sizeof b);
	memcpy(b.signer, spk, sizeof spk);
	for (i = 0; i < NREC; i++) {
		make_record(&r, f1, (int)i);
		add_env(&b, &r);
		record_free(&r);
	}
	/* A tampered envelope: one byte of the box changed. */
	make_record(&r, f1, 1);
	add_env(&b, &r);
	record_free(&r);
	b.envs[b.n - 1].data[100] ^= 0x40;
	memcpy(tampered_id, b.envs[b.n - 1].id, ENV_ID_BYTES);
	/* A truncated one. */
	make_record(&r, f1, 2);
	add_env(&b, &r);
	record_free(&r);
	b.envs[b.n - 1].len -= 1;
	/* A form that HR never approved. */
	make_record(&r, f2, 3);
	add_env(&b, &r);
	record_free(&r);
	/* An approved form, but a scale answer it cannot take. */
	make_record(&r, f1, 4);
	r.answers[0].num = 9;
	add_env(&b, &r);
	record_free(&r);
	/* An answer to a question its own answers hide (lead 5). */
	make_record(&r, f1, 9);
	r.answers[3].state = FORM_ANSWERED;
	r.answers[3].text = xstrdup("hemlig text");
	add_env(&b, &r);
	record_free(&r);
	if (central_ingest(c, &b, &acks, &nacks, &added, &e) != 0 ||
	    added != NREC + 5)
		return -1;
	free(acks);
	for (i = 0; i < b.n; i++)
		free(b.envs[i].data);
	free(b.envs);
	central_close(c);
	return 0;
}

static int
teardown(void **state)
{
	char *p;

	(void)state;
	unlink(dbpath);
	p = xasprintf("%s-wal", dbpath);
	unlink(p);
	free(p);
	p = xasprintf("%s-shm", dbpath);
	unlink(p);
	free(p);
	rmdir(dir);
	free(dbpath);
	form_free(f1);
	form_free(f2);
	return 0;
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
	char *path = xasprintf("%s/empty.db", dir), *x;

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
	unlink(path);
	x = xasprintf("%s-wal", path);
	unlink(x);
	free(x);
	x = xasprintf("%s-shm", path);
	unlink(x);
	free(x);
	free(path);
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
