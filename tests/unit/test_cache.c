/* Unit tests for src/report/cache: the record cache beside central.db
 * gives exactly what a full load gives, is used on the second open, and is
 * ignored and rebuilt when stale (an ingest, a purge), damaged, or made
 * with another key; it never holds plaintext. The fixture is
 * test_hrload's: good records and every kind of rejected envelope. */
#define _GNU_SOURCE	/* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/env.h"
#include "report/cache.h"
#include "report/hrload.h"
#include "store/central.h"
#include "util/fsx.h"
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
	strcpy(dir, "/tmp/avslut-tca-XXXXXX");
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
	p = cache_path(dbpath);
	unlink(p);
	free(p);
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

static void
progress(void *ctx, size_t done, size_t total)
{
	(void)done;
	(void)total;
	(*(size_t *)ctx)++;
}

/* One open through the cache: the agg (caller frees), res, and how many
 * progress calls (1: from the cache; more: a full load). */
static struct agg *
open_store(const uint8_t *k_pk, const uint8_t *k_sk,
    struct hrload_result *res, size_t *calls)
{
	const struct form *forms[1] = { f1 };
	struct hrload_opts o;
	struct central *c;
	struct agg *a;
	struct err e;

	*calls = 0;
	memset(&o, 0, sizeof o);
	o.progress = progress;
	o.progress_ctx = calls;
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	a = agg_new(forms, 1, NULL, 0, NULL);
	assert_int_equal(cache_run(c, k_pk, k_sk, forms, 1, a, &o, res, &e),
	    0);
	central_close(c);
	return a;
}

/* The same as a plain hrload_run. */
static struct agg *
open_plain(struct hrload_result *res)
{
	const struct form *forms[1] = { f1 };
	struct central *c;
	struct agg *a;
	struct err e;

	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	a = agg_new(forms, 1, NULL, 0, NULL);
	assert_int_equal(hrload_run(c, pk, sk, forms, 1, a, NULL, res, &e),
	    0);
	central_close(c);
	return a;
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static void
assert_same(const struct agg *x, const struct hrload_result *rx,
    const struct agg *y, const struct hrload_result *ry)
{
	size_t u, yi, q, i;

	assert_int_equal(rx->total, ry->total);
	assert_int_equal(rx->used, ry->used);
	assert_int_equal(rx->unreadable, ry->unreadable);
	assert_int_equal(rx->unapproved, ry->unapproved);
	assert_int_equal(rx->invalid, ry->invalid);
	assert_int_equal(rx->nnotes, ry->nnotes);
	assert_int_equal(agg_records(x), agg_records(y));
	assert_int_equal(agg_rejected(x), agg_rejected(y));
	assert_int_equal(agg_nunits(x), agg_nunits(y));
	assert_int_equal(agg_nyears(x), agg_nyears(y));
	for (u = 0; u < agg_nunits(x); u++)
		for (yi = 0; yi < agg_nyears(x); yi++) {
			unsigned year = agg_year(x, yi);
			size_t uy = agg_unit_find(y, agg_unit(x, u)->code);

			assert_int_not_equal(uy, AGG_NONE);
			assert_int_equal(agg_interviews(x, u, year),
			    agg_interviews(y, uy, year));
			for (q = 0; q < agg_nquestions(x); q++) {
				const struct agg_cell *a = agg_cell(x, u, year,
				    q), *b = agg_cell(y, uy, year, q);
				const struct agg_question *aq =
				    agg_question(x, q);

				if (a == NULL) {
					assert_null(b);
					continue;
				}
				assert_non_null(b);
				assert_int_equal(a->answered, b->answered);
				assert_int_equal(a->declined, b->declined);
				assert_int_equal(a->skipped, b->skipped);
				assert_int_equal(a->notshown, b->notshown);
				assert_true(a->sum == b->sum);
				for (i = 0; i < aq->ncat; i++)
					assert_int_equal(a->counts[i],
					    b->counts[i]);
				assert_int_equal(a->ntexts, b->ntexts);
				if (a->ntexts > 1) {
					qsort(a->texts, a->ntexts,
					    sizeof *a->texts, cmp_str);
					qsort(b->texts, b->ntexts,
					    sizeof *b->texts, cmp_str);
				}
				for (i = 0; i < a->ntexts; i++)
					assert_string_equal(a->texts[i],
					    b->texts[i]);
			}
		}
}

static void
drop_cache(void)
{
	struct err e;

	assert_int_equal(cache_remove(dbpath, &e), 0);
}

static void
test_cold_then_warm(void **state)
{
	struct hrload_result r0, r1, r2;
	struct agg *a0, *a1, *a2;
	struct stat st;
	char *p, *buf;
	size_t calls, len;

	(void)state;
	drop_cache();
	a0 = open_plain(&r0);
	a1 = open_store(pk, sk, &r1, &calls);
	assert_true(calls >= 2);		/* a full load */
	assert_same(a0, &r0, a1, &r1);
	p = cache_path(dbpath);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* no plaintext: the texts, the unit codes, the form id */
	assert_int_equal(fsx_read_file(p, 1 << 24, &buf, &len, NULL), 0);
	assert_null(memmem(buf, len, "svar ", 5));
	assert_null(memmem(buf, len, "hemlig", 6));
	free(buf);
	free(p);
	a2 = open_store(pk, sk, &r2, &calls);
	assert_int_equal(calls, 1);		/* from the cache */
	assert_same(a0, &r0, a2, &r2);
	assert_int_equal(r2.used, NREC);
	agg_free(a0);
	agg_free(a1);
	agg_free(a2);
	hrload_result_free(&r0);
	hrload_result_free(&r1);
	hrload_result_free(&r2);
}

/* A changed byte anywhere: the file is ignored and rebuilt. */
static void
test_damaged(void **state)
{
	struct hrload_result r0, r1, r2;
	struct agg *a0, *a1, *a2;
	char *p, *buf;
	size_t calls, len, at;

	(void)state;
	drop_cache();
	a0 = open_store(pk, sk, &r0, &calls);
	p = cache_path(dbpath);
	assert_int_equal(fsx_read_file(p, 1 << 24, &buf, &len, NULL), 0);
	for (at = 5; at < len; at += len / 3) {
		buf[at] ^= 0x10;
		assert_int_equal(fsx_write_atomic(p, buf, len, 0600, 0, NULL),
		    0);
		buf[at] ^= 0x10;
		a1 = open_store(pk, sk, &r1, &calls);
		assert_true(calls >= 2);
		assert_same(a0, &r0, a1, &r1);
		agg_free(a1);
		hrload_result_free(&r1);
	}
	/* truncated */
	assert_int_equal(fsx_write_atomic(p, buf, len - 1, 0600, 0, NULL), 0);
	a2 = open_store(pk, sk, &r2, &calls);
	assert_true(calls >= 2);
	assert_same(a0, &r0, a2, &r2);
	free(buf);
	free(p);
	agg_free(a0);
	agg_free(a2);
	hrload_result_free(&r0);
	hrload_result_free(&r2);
}

/* Made under another key: not used, and the right key rebuilds it. */
static void
test_other_key(void **state)
{
	uint8_t pk2[ENV_PK_BYTES], sk2[ENV_SK_BYTES];
	struct hrload_result r0, r1, r2;
	struct agg *a0, *a1, *a2;
	size_t calls;

	(void)state;
	crypto_box_keypair(pk2, sk2);
	drop_cache();
	a0 = open_plain(&r0);
	a1 = open_store(pk2, sk2, &r1, &calls);
	assert_int_equal(r1.used, 0);		/* nothing opens */
	a2 = open_store(pk, sk, &r2, &calls);
	assert_true(calls >= 2);
	assert_same(a0, &r0, a2, &r2);
	agg_free(a0);
	agg_free(a1);
	agg_free(a2);
	hrload_result_free(&r0);
	hrload_result_free(&r1);
	hrload_result_free(&r2);
	sodium_memzero(sk2, sizeof sk2);
}

/* An ingest makes the cache stale; so does the purge that undoes it. */
static void
test_stale(void **state)
{
	struct hrload_result r0, r1, r2;
	struct agg *a0, *a1, *a2;
	struct central *c;
	struct bundle b;
	struct bundle_ack *acks;
	struct record r;
	struct err e;
	struct central_interviewer *iv;
	size_t calls, nacks, added, n, del;
	char *p;

	(void)state;
	drop_cache();
	a0 = open_store(pk, sk, &r0, &calls);
	agg_free(a0);
	hrload_result_free(&r0);
	a0 = open_store(pk, sk, &r0, &calls);
	assert_int_equal(calls, 1);
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	assert_int_equal(central_interviewer_list(c, &iv, &n, &e), 0);
	memset(&b, 0, sizeof b);
	memcpy(b.signer, iv[0].pk, sizeof b.signer);
	central_interviewer_list_free(iv, n);
	make_record(&r, f1, 0);
	add_env(&b, &r);
	record_free(&r);
	assert_int_equal(central_ingest(c, &b, &acks, &nacks, &added, &e), 0);
	free(acks);
	central_close(c);
	a1 = open_store(pk, sk, &r1, &calls);
	assert_true(calls >= 2);
	assert_int_equal(r1.used, NREC + 1);
	assert_int_equal(agg_records(a1), NREC + 1);
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	assert_int_equal(central_env_delete(c,
	    (const uint8_t (*)[BUNDLE_ID_BYTES])&b.envs[0].id, 1, "test",
	    &del, &e), 0);
	assert_int_equal(del, 1);
	central_close(c);
	free(b.envs[0].data);
	free(b.envs);
	a2 = open_store(pk, sk, &r2, &calls);
	assert_true(calls >= 2);
	assert_int_equal(r2.used, NREC);
	agg_free(a0);
	agg_free(a1);
	agg_free(a2);
	hrload_result_free(&r0);
	hrload_result_free(&r1);
	hrload_result_free(&r2);
	drop_cache();
	p = cache_path(dbpath);
	assert_false(fsx_exists(p));
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cold_then_warm),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_other_key),
		cmocka_unit_test(test_stale),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
