/* Unit tests for src/report/cache: the record cache beside central.db
 * gives exactly what a full load gives, is used on the second open, and is
 * ignored and rebuilt when stale (an ingest, a purge), damaged, or made
 * with another key; it never holds plaintext. The fixture is
 * hrload_fixture.h: good records and every kind of rejected envelope. */
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
#include "report/cache_rec.h"
#include "report/hrload.h"
#include "store/central.h"
#include "util/buf.h"
#include "util/fsx.h"
#include "util/xmem.h"

#include "hrload_fixture.h"

static int
setup(void **state)
{
	(void)state;
	/* the record cache's own paths, but in the tests of the aggregate
	 * file (agg_on) */
	cache_test_agg(1);
	return hrfx_setup("/tmp/avslut-tca-XXXXXX");
}

static int
teardown(void **state)
{
	struct err e;

	(void)state;
	(void)cache_remove(dbpath, &e); /* waits for the writer */
	return hrfx_teardown();
}

/* The calls, and the total of the first: how many envelopes the run
 * set out to open (the store's size, or only those new to the cache). */
static size_t first_total;

static void
progress(void *ctx, size_t done, size_t total)
{
	(void)done;
	if ((*(size_t *)ctx)++ == 0)
		first_total = total;
}

/* One open of the store with the key pair, through the cache or (plain)
 * hrload_run alone: the agg (caller frees) and res. */
static struct agg *
open_with(const uint8_t *k_pk, const uint8_t *k_sk, int plain,
    const struct hrload_opts *o, struct hrload_result *res)
{
	const struct form *forms[1] = { f1 };
	struct central *c;
	struct agg *a;
	struct err e;

	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	a = agg_new(forms, 1, NULL, 0, NULL);
	if (plain)
		assert_int_equal(hrload_run(c, k_pk, k_sk, forms, 1, a, o, res,
		    &e), 0);
	else
		assert_int_equal(cache_run(c, k_pk, k_sk, forms, 1, a, o, res,
		    &e), 0);
	cache_wait();		/* the file is written in the background */
	central_close(c);
	return a;
}

/* One open through the cache, and how many progress calls (1: from the
 * cache; more: a full load). */
static struct agg *
open_store(const uint8_t *k_pk, const uint8_t *k_sk,
    struct hrload_result *res, size_t *calls)
{
	struct hrload_opts o;

	*calls = 0;
	memset(&o, 0, sizeof o);
	o.progress = progress;
	o.progress_ctx = calls;
	return open_with(k_pk, k_sk, 0, &o, res);
}

/* The same as a plain hrload_run. */
static struct agg *
open_plain(struct hrload_result *res)
{
	return open_with(pk, sk, 1, NULL, res);
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The cache file decrypted as its format says (cache.h): the key is
 * keyed BLAKE2b of the context under sk; the header (magic, version,
 * forms digest, set flag, set digest, nonce, plaintext length, chunk
 * size) is the associated data of every chunk; chunk i's nonce is the
 * header's with i XORed into its last 8 bytes, its tag after all the
 * ciphertext. Caller frees *plain. */
#define HEAD (8 + 4 + 32 + 1 + 32 + 24 + 8 + 4)
static void
read_plain(uint8_t **plain, size_t *plen)
{
	static const char ctx[] = "avslut-hr record cache v1";
	uint8_t key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES], nonce[24];
	char *p = cache_path(dbpath), *buf;
	const uint8_t *b;
	size_t len, chunk, n, i, k, l;

	assert_int_equal(fsx_read_file(p, 1 << 24, &buf, &len, NULL), 0);
	free(p);
	b = (const uint8_t *)buf;
	assert_true(len > HEAD);
	*plen = 0;
	for (k = 0; k < 8; k++)
		*plen = *plen << 8 | b[77 + 24 + k];
	chunk = (size_t)b[109] << 24 | (size_t)b[110] << 16 |
	    (size_t)b[111] << 8 | b[112];
	n = (*plen + chunk - 1) / chunk;
	assert_int_equal(len, HEAD + *plen + 16 * n);
	crypto_generichash(key, sizeof key, (const uint8_t *)ctx, sizeof ctx,
	    sk, sizeof sk);
	*plain = xmalloc(*plen);
	for (i = 0; i < n; i++) {
		memcpy(nonce, b + 77, 24);
		for (k = 0; k < 8; k++)
			nonce[23 - k] ^= (uint8_t)((uint64_t)i >> (8 * k));
		l = *plen - i * chunk < chunk ? *plen - i * chunk : chunk;
		assert_int_equal(
		    crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
			*plain + i * chunk, NULL, b + HEAD + i * chunk, l,
			b + HEAD + *plen + 16 * i, b, HEAD, nonce, key),
		    0);
	}
	free(buf);
}

/* Envelopes read back, to take some out of the store and bring them
 * back later. */
struct saved {
	struct bundle_env *v;
	size_t n;
};

static int
save_env(void *ctx, const uint8_t *id, const uint8_t *data, size_t len)
{
	struct saved *s = ctx;

	if (id[0] >= 0x80)
		return 0;	/* about half */
	s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
	memcpy(s->v[s->n].id, id, ENV_ID_BYTES);
	s->v[s->n].data = xmalloc(len);
	memcpy(s->v[s->n].data, data, len);
	s->v[s->n++].len = len;
	return 0;
}

static void
saved_free(struct saved *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].data);
	free(s->v);
}

static void
ingest(struct bundle_env *v, size_t n)
{
	struct central_interviewer *iv;
	struct bundle_ack *acks;
	struct central *c;
	struct bundle b;
	struct err e;
	size_t ni, nacks, added;

	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	assert_int_equal(central_interviewer_list(c, &iv, &ni, &e), 0);
	memset(&b, 0, sizeof b);
	memcpy(b.signer, iv[0].pk, sizeof b.signer);
	central_interviewer_list_free(iv, ni);
	b.envs = v;
	b.n = n;
	assert_int_equal(central_ingest(c, &b, &acks, &nacks, &added, &e), 0);
	assert_int_equal(added, n);
	free(acks);
	central_close(c);
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

/* The file at p as buf (len bytes) with the bits of byte at flipped. */
static void
write_flipped(const char *p, char *buf, size_t len, size_t at, int bits)
{
	buf[at] ^= (char)bits;
	assert_int_equal(fsx_write_atomic(p, buf, len, 0600, 0, NULL), 0);
	buf[at] ^= (char)bits;
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
		write_flipped(p, buf, len, at, 0x10);
		a1 = open_store(pk, sk, &r1, &calls);
		assert_true(calls >= 2);
		assert_same(a0, &r0, a1, &r1);
		agg_free(a1);
		hrload_result_free(&r1);
	}
	/* truncated; then shorter than its header (the peek at the header
	 * fails as the read does) */
	assert_int_equal(fsx_write_atomic(p, buf, len - 1, 0600, 0, NULL), 0);
	a2 = open_store(pk, sk, &r2, &calls);
	assert_true(calls >= 2);
	assert_same(a0, &r0, a2, &r2);
	agg_free(a2);
	hrload_result_free(&r2);
	assert_int_equal(fsx_write_atomic(p, buf, 50, 0600, 0, NULL), 0);
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

/* Sealed in chunks of 500 bytes: two chunks swapped (with their tags)
 * or one tag moved to another chunk open no more than a changed byte:
 * the file is rebuilt and gives what a full load gives. */
static void
test_chunks(void **state)
{
	struct hrload_result r0, r1;
	struct agg *a0, *a1;
	char *p, *buf, tmp[500];
	uint8_t *one, *many;
	size_t calls, len, plen, k, round, l1, l2;

	(void)state;
	a0 = open_plain(&r0);
	p = cache_path(dbpath);
	drop_cache();
	a1 = open_store(pk, sk, &r1, &calls);
	agg_free(a1);
	hrload_result_free(&r1);
	read_plain(&one, &l1);		/* in one chunk */
	for (round = 0; round < 2; round++) {
		drop_cache();
		cache_test_split(0, 0, 500);
		a1 = open_store(pk, sk, &r1, &calls);
		cache_test_split(0, 0, 0);
		agg_free(a1);
		hrload_result_free(&r1);
		/* the same plaintext, read by the format's rules */
		read_plain(&many, &l2);
		assert_int_equal(l1, l2);
		assert_memory_equal(one, many, l1);
		free(many);
		assert_int_equal(fsx_read_file(p, 1 << 24, &buf, &len, NULL),
		    0);
		plen = 0;
		for (k = 0; k < 8; k++)
			plen = plen << 8 | (uint8_t)buf[HEAD - 12 + k];
		assert_true(plen > 1000);
		assert_int_equal(len, HEAD + plen + 16 * ((plen + 499) / 500));
		if (round == 0) {	/* chunks 0 and 1, and their tags */
			memcpy(tmp, buf + HEAD, 500);
			memcpy(buf + HEAD, buf + HEAD + 500, 500);
			memcpy(buf + HEAD + 500, tmp, 500);
			memcpy(tmp, buf + HEAD + plen, 16);
			memcpy(buf + HEAD + plen, buf + HEAD + plen + 16, 16);
			memcpy(buf + HEAD + plen + 16, tmp, 16);
		} else		/* chunk 1's tag on chunk 0 */
			memcpy(buf + HEAD + plen, buf + HEAD + plen + 16, 16);
		assert_int_equal(fsx_write_atomic(p, buf, len, 0600, 0, NULL),
		    0);
		free(buf);
		a1 = open_store(pk, sk, &r1, &calls);
		assert_true(calls >= 2);	/* not used: a full load */
		assert_same(a0, &r0, a1, &r1);
		agg_free(a1);
		hrload_result_free(&r1);
	}
	free(p);
	free(one);
	agg_free(a0);
	hrload_result_free(&r0);
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

/* An ingest extends the file: the next open opens only the new
 * envelopes (good and rejected ones), gives what a full load gives, and
 * the open after it opens nothing. */
static void
test_incremental(void **state)
{
	struct hrload_result r0, r1, r2;
	struct agg *a0, *a1, *a2;
	struct bundle_env v[3];
	struct record r;
	size_t calls, i;

	(void)state;
	drop_cache();
	a0 = open_store(pk, sk, &r0, &calls);
	assert_true(calls >= 2);
	agg_free(a0);
	hrload_result_free(&r0);
	memset(v, 0, sizeof v);
	for (i = 0; i < 3; i++) {
		struct bundle b;

		memset(&b, 0, sizeof b);
		make_record(&r, i == 2 ? f2 : f1, (int)i);  /* f2: unapproved */
		add_env(&b, &r);
		record_free(&r);
		v[i] = b.envs[0];
		free(b.envs);
	}
	ingest(v, 3);
	a1 = open_store(pk, sk, &r1, &calls);
	assert_true(calls >= 2);
	assert_int_equal(first_total, 3);	/* only the new ones */
	a0 = open_plain(&r0);
	assert_same(a0, &r0, a1, &r1);
	assert_int_equal(r1.used, NREC + 2);
	a2 = open_store(pk, sk, &r2, &calls);
	assert_int_equal(calls, 1);		/* all from the file */
	assert_same(a0, &r0, a2, &r2);
	for (i = 0; i < 3; i++)
		free(v[i].data);
	agg_free(a0);
	agg_free(a1);
	agg_free(a2);
	hrload_result_free(&r0);
	hrload_result_free(&r1);
	hrload_result_free(&r2);
}

/* The file is a function of the envelope set: built at once, or built
 * from half of it and extended by the other half, it holds the same
 * bytes (no order of arrival; only the nonce differs). */
static void
test_order_free(void **state)
{
	struct hrload_result r0, r1;
	struct agg *a0, *a1;
	struct central *c;
	struct saved sv;
	struct err e;
	uint8_t *p1, *p2;
	size_t calls, l1, l2, del, i;

	(void)state;
	drop_cache();
	a0 = open_store(pk, sk, &r0, &calls);
	read_plain(&p1, &l1);
	memset(&sv, 0, sizeof sv);
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	assert_int_equal(central_env_foreach(c, save_env, &sv, &e), 0);
	assert_true(sv.n > 5);
	for (i = 0; i < sv.n; i++)
		assert_int_equal(central_env_delete(c,
		    (const uint8_t (*)[BUNDLE_ID_BYTES])&sv.v[i].id, 1, "test",
		    &del, &e), 0);
	central_close(c);
	a1 = open_store(pk, sk, &r1, &calls);	/* rebuilt: it lost some */
	assert_true(calls >= 2);
	assert_true(first_total < r0.total);
	agg_free(a1);
	hrload_result_free(&r1);
	ingest(sv.v, sv.n);
	a1 = open_store(pk, sk, &r1, &calls);
	assert_int_equal(first_total, sv.n);
	assert_same(a0, &r0, a1, &r1);
	read_plain(&p2, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(p1, p2, l1);
	saved_free(&sv);
	free(p1);
	free(p2);
	agg_free(a0);
	agg_free(a1);
	hrload_result_free(&r0);
	hrload_result_free(&r1);
}

/* The tap sees every record counted, once, from the cache as from a
 * full load: ids collected and compared as sets. */
struct tapped {
	uint8_t (*ids)[ENV_ID_BYTES];
	size_t n;
};

static void
tap(void *ctx, const uint8_t id[ENV_ID_BYTES], const struct agg_rec *r)
{
	struct tapped *t = ctx;

	assert_non_null(r->unit);
	t->ids = xreallocarray(t->ids, t->n + 1, ENV_ID_BYTES);
	memcpy(t->ids[t->n++], id, ENV_ID_BYTES);
}

static int
cmp_id(const void *x, const void *y)
{
	return memcmp(x, y, ENV_ID_BYTES);
}

static struct agg *
open_tapped(int plain, struct tapped *t, struct hrload_result *res)
{
	struct hrload_opts o;
	struct agg *a;

	memset(&o, 0, sizeof o);
	memset(t, 0, sizeof *t);
	o.tap = tap;
	o.tap_ctx = t;
	a = open_with(pk, sk, plain, &o, res);
	qsort(t->ids, t->n, ENV_ID_BYTES, cmp_id);
	return a;
}

/* A file decoded by 1 to 4 threads (a mark every 7 records: 9 or more
 * shares) gives what one thread gives, to the agg
 * and to the tap. */
static void
test_threads(void **state)
{
	struct hrload_result r0, r1, r2;
	struct tapped t0, t1, t2;
	struct agg *a0, *a1, *a2;
	size_t calls;
	unsigned parts;

	(void)state;
	a0 = open_tapped(1, &t0, &r0);
	assert_int_equal(t0.n, r0.used);
	assert_true(t0.n >= NREC);
	for (parts = 1; parts <= 4; parts++) {
		drop_cache();
		cache_test_split(7, parts, parts == 1 ? 0 : 1000 * parts - 1);
		a1 = open_tapped(0, &t1, &r1);	/* made: marks every 7 */
		a2 = open_store(pk, sk, &r2, &calls);
		assert_int_equal(calls, 1);		/* from the file */
		agg_free(a2);
		hrload_result_free(&r2);
		a2 = open_tapped(0, &t2, &r2);	/* from the file, tapped */
		assert_same(a0, &r0, a1, &r1);
		assert_same(a0, &r0, a2, &r2);
		assert_int_equal(t1.n, t0.n);
		assert_int_equal(t2.n, t0.n);
		assert_memory_equal(t0.ids, t1.ids, t0.n * ENV_ID_BYTES);
		assert_memory_equal(t0.ids, t2.ids, t0.n * ENV_ID_BYTES);
		free(t1.ids);
		free(t2.ids);
		agg_free(a1);
		agg_free(a2);
		hrload_result_free(&r1);
		hrload_result_free(&r2);
	}
	cache_test_split(0, 0, 0);
	free(t0.ids);
	agg_free(a0);
	hrload_result_free(&r0);
}

/* The file is bound to the store's envelope-set digest (its header):
 * the digest a purge changes, and back to it when the same envelope
 * set returns. */
static void
test_set_digest(void **state)
{
	uint8_t d0[CENTRAL_SET_DIGEST_BYTES], d1[CENTRAL_SET_DIGEST_BYTES];
	struct hrload_result r0, r1;
	struct agg *a0, *a1;
	struct central *c;
	struct saved sv;
	struct err e;
	char *p, *buf;
	size_t calls, len, del;

	(void)state;
	drop_cache();
	a0 = open_store(pk, sk, &r0, &calls);
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	assert_int_equal(central_set_digest(c, d0, &e), 1);
	central_close(c);
	p = cache_path(dbpath);
	assert_int_equal(fsx_read_file(p, 1 << 24, &buf, &len, NULL), 0);
	assert_int_equal(buf[12 + 32], 1);
	assert_memory_equal(buf + 12 + 32 + 1, d0, sizeof d0);
	free(buf);
	/* one envelope purged: another digest, not counted */
	memset(&sv, 0, sizeof sv);
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	assert_int_equal(central_env_foreach(c, save_env, &sv, &e), 0);
	assert_true(sv.n > 0);
	assert_int_equal(central_env_delete(c,
	    (const uint8_t (*)[BUNDLE_ID_BYTES])&sv.v[0].id, 1, "test", &del,
	    &e), 0);
	assert_int_equal(central_set_digest(c, d1, &e), 1);
	assert_memory_not_equal(d0, d1, sizeof d0);
	central_close(c);
	a1 = open_store(pk, sk, &r1, &calls);
	assert_true(calls >= 2);		/* rebuilt */
	assert_int_equal(r1.total, r0.total - 1);
	assert_int_equal(agg_records(a1) + agg_rejected(a1),
	    agg_records(a0) + agg_rejected(a0) - 1);
	assert_int_equal(fsx_read_file(p, 1 << 24, &buf, &len, NULL), 0);
	assert_memory_equal(buf + 12 + 32 + 1, d1, sizeof d1);
	free(buf);
	agg_free(a1);
	hrload_result_free(&r1);
	/* back: the first digest, and the file extended to it */
	ingest(sv.v, 1);
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	assert_int_equal(central_set_digest(c, d1, &e), 1);
	central_close(c);
	assert_memory_equal(d0, d1, sizeof d0);
	a1 = open_store(pk, sk, &r1, &calls);
	assert_int_equal(first_total, 1);
	assert_same(a0, &r0, a1, &r1);
	saved_free(&sv);
	free(p);
	agg_free(a0);
	agg_free(a1);
	hrload_result_free(&r0);
	hrload_result_free(&r1);
}

/* The records of the file in the order of unit (bytes, a prefix first),
 * year and id, also where units share their first 7 bytes (the writer's
 * sort keys hold 7): records of units "ENHET-L", "ENHET-LONG-A",
 * "ENHET-LONG-B", "ENHET-LONGER" and "ENHET-LONG" added, the file
 * written with a mark at every record, each record's unit, year and id
 * read at its mark and compared with the one before. */
static void
test_record_order(void **state)
{
	static const char *const units[] = { "ENHET-LONG-B", "ENHET-L",
		"ENHET-LONGER", "ENHET-LONG-A", "ENHET-LONG" };
	struct hrload_result r1;
	struct bundle_env v[10];
	struct record r;
	struct buf_rd tr;
	struct agg *a1;
	uint8_t *p;
	const uint8_t *x, *prev = NULL, *rec;
	uint64_t cnt[6], nrec, off;
	uint32_t tl, nn, len, nf, mark;
	size_t plen, calls, i, k;

	(void)state;
	memset(v, 0, sizeof v);
	for (i = 0; i < 10; i++) {
		struct bundle b;

		memset(&b, 0, sizeof b);
		make_record(&r, f1, (int)i);
		free(r.unit);
		r.unit = xstrdup(units[i % 5]);
		add_env(&b, &r);
		record_free(&r);
		v[i] = b.envs[0];
		free(b.envs);
	}
	ingest(v, 10);
	drop_cache();
	cache_test_split(1, 0, 0);
	a1 = open_store(pk, sk, &r1, &calls);
	cache_test_split(0, 0, 0);
	read_plain(&p, &plen);
	tl = buf_load_u32(p + plen - 4);
	buf_rd_init(&tr, p + plen - 4 - tl, tl);
	for (k = 0; k < 6; k++)
		assert_int_equal(buf_get_u64(&tr, &cnt[k]), 0);
	assert_int_equal(buf_get_u32(&tr, &nn), 0);
	for (k = 0; k < nn; k++)
		assert_true(buf_get_u32(&tr, &len) == 0 &&
		    buf_get_ptr(&tr, len, &x) == 0);
	assert_int_equal(buf_get_u32(&tr, &nf), 0);
	assert_int_equal(buf_get_ptr(&tr, (size_t)nf * 32, &x), 0);
	assert_int_equal(buf_get_u64(&tr, &nrec), 0);
	assert_int_equal(buf_get_u32(&tr, &mark), 0);
	assert_int_equal(mark, 1);
	assert_int_equal(nrec, r1.used);
	for (k = 0; k < nrec; k++) {
		assert_int_equal(buf_get_u64(&tr, &off), 0);
		rec = p + off;
		if (prev != NULL) {
			int c = strcmp((const char *)prev + 17,
			    (const char *)rec + 17);
			unsigned py = buf_load_u32(prev + 18 + prev[16] - 2) &
			    0xffff, ry = buf_load_u32(rec + 18 + rec[16] - 2) &
			    0xffff;

			assert_true(c < 0 ||
			    (c == 0 &&
				(py < ry ||
				    (py == ry && memcmp(prev, rec, 16) < 0))));
		}
		prev = rec;
	}
	free(p);
	agg_free(a1);
	hrload_result_free(&r1);
	/* the store as it was for the tests after this one */
	{
		struct central *c;
		struct err e;
		size_t del;

		assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
		for (i = 0; i < 10; i++) {
			assert_int_equal(central_env_delete(c,
			    (const uint8_t (*)[BUNDLE_ID_BYTES])&v[i].id, 1,
			    "test", &del, &e), 0);
			free(v[i].data);
		}
		central_close(c);
	}
}

/* --- the aggregate file ---------------------------------------------- */

static int
agg_on(void **state)
{
	(void)state;
	cache_test_agg(0);
	return 0;
}

static int
agg_off(void **state)
{
	(void)state;
	cache_test_agg(1);
	return 0;
}

/* A tap with a state that can be kept, like the release set's: the ids
 * it saw (tap() above, first: the tap's context is the ttap); its digest
 * set by the test; its get made to fail on demand. */
struct ttap {
	struct tapped s;
	uint8_t digest[32];
	int fail_get, gets;
	int extra; /* put writes a byte more than get reads */
};

static void
ttap_digest(void *ctx, uint8_t out[32])
{
	memcpy(out, ((struct ttap *)ctx)->digest, 32);
}

static void
ttap_put(void *ctx, struct buf *b)
{
	struct ttap *t = ctx;

	qsort(t->s.ids, t->s.n, ENV_ID_BYTES, cmp_id);
	buf_put_u32(b, (uint32_t)t->s.n);
	buf_put(b, t->s.ids, t->s.n * ENV_ID_BYTES);
	if (t->extra)
		buf_put_u8(b, 0);
}

static int
ttap_get(void *ctx, struct buf_rd *r)
{
	struct ttap *t = ctx;
	const uint8_t *x;
	uint32_t n;

	if (t->fail_get || buf_get_u32(r, &n) != 0 ||
	    buf_get_ptr(r, (size_t)n * ENV_ID_BYTES, &x) != 0)
		return -1;
	t->s.ids = xreallocarray(t->s.ids, t->s.n + n + 1, ENV_ID_BYTES);
	memcpy(t->s.ids[t->s.n], x, (size_t)n * ENV_ID_BYTES);
	t->s.n += n;
	t->gets++;
	return 0;
}

/* How one open is made: forms, units, tap (hooks 0: a tap whose state
 * cannot be kept), through the cache or hrload_run alone (plain). */
struct how {
	const struct form *forms[2];
	size_t nforms;
	const struct agg_unit *units;
	size_t nunits;
	struct ttap *tap;
	int hooks, plain, keep;
};

static void
how_init(struct how *h, struct ttap *t)
{
	memset(h, 0, sizeof *h);
	h->forms[0] = f1;
	h->nforms = 1;
	h->tap = t;
	h->hooks = 1;
	if (t != NULL) {
		free(t->s.ids);
		t->s.ids = NULL;
		t->s.n = 0;
	}
}

/* The path the open took, from its trace (avslut-cache(5)): 'a'
 * aggregate file, 'r' record file, 'n' none; covered and opened. */
struct path {
	char which;
	size_t covered, opened, total; /* total: check_open's load's */
};

static struct agg *
open_how(const struct how *h, struct hrload_result *res, struct path *pa)
{
	struct hrload_opts o;
	struct central *c;
	struct agg *a;
	struct err e;
	char line[256];
	FILE *tmp = tmpfile();
	int saved;

	assert_non_null(tmp);
	memset(&o, 0, sizeof o);
	if (h->tap != NULL) {
		o.tap = tap;
		o.tap_ctx = h->tap;
		if (h->hooks) {
			o.tap_digest = ttap_digest;
			o.tap_put = ttap_put;
			o.tap_get = ttap_get;
		}
	}
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0 && dup2(fileno(tmp), 2) == 2);
	setenv("AVSLUT_CACHE_TRACE", "1", 1);
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	a = agg_new(h->forms, h->nforms, h->units, h->nunits, NULL);
	if (h->plain)
		assert_int_equal(hrload_run(c, pk, sk, h->forms, h->nforms, a,
		    &o, res, &e), 0);
	else
		assert_int_equal(cache_run(c, pk, sk, h->forms, h->nforms, a,
		    &o, res, &e), 0);
	if (!h->keep)
		cache_wait();
	central_close(c);
	fflush(stderr);
	unsetenv("AVSLUT_CACHE_TRACE");
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	rewind(tmp);
	memset(pa, 0, sizeof *pa);
	if (fgets(line, sizeof line, tmp) != NULL) {
		if (sscanf(line, "avslut-hr: cache: aggregate file, %zu "
		    "covered, %zu opened", &pa->covered, &pa->opened) == 2)
			pa->which = 'a';
		else if (sscanf(line, "avslut-hr: cache: record file, %zu "
		    "covered, %zu opened", &pa->covered, &pa->opened) == 2)
			pa->which = 'r';
		else if (sscanf(line, "avslut-hr: cache: none, %zu opened",
		    &pa->opened) == 1)
			pa->which = 'n';
	}
	/* one line, and only with the variable set */
	assert_null(fgets(line, sizeof line, tmp));
	fclose(tmp);
	if (h->tap != NULL)
		qsort(h->tap->s.ids, h->tap->s.n, ENV_ID_BYTES, cmp_id);
	return a;
}

/* The strongest equality: both aggs' snapshots, byte for byte; the
 * counts and notes; and the taps' ids. */
static void
assert_same_snap(struct agg *x, const struct hrload_result *rx,
    struct agg *y, const struct hrload_result *ry)
{
	struct buf bx, by;
	size_t i;

	buf_init(&bx);
	buf_init(&by);
	agg_snap_put(x, &bx);
	agg_snap_put(y, &by);
	assert_true(agg_records(x) > 0);
	assert_int_equal(buf_len(&bx), buf_len(&by));
	assert_memory_equal(buf_data(&bx), buf_data(&by), buf_len(&bx));
	buf_free(&bx);
	buf_free(&by);
	assert_int_equal(rx->notes_dropped, ry->notes_dropped);
	assert_int_equal(rx->nnotes, ry->nnotes);
	qsort((char **)rx->notes, rx->nnotes, sizeof *rx->notes, cmp_str);
	qsort((char **)ry->notes, ry->nnotes, sizeof *ry->notes, cmp_str);
	for (i = 0; i < rx->nnotes; i++)
		assert_string_equal(rx->notes[i], ry->notes[i]);
	assert_same(x, rx, y, ry);
}

static void
assert_same_tap(const struct ttap *x, const struct ttap *y)
{
	assert_int_equal(x->s.n, y->s.n);
	assert_memory_equal(x->s.ids, y->s.ids, x->s.n * ENV_ID_BYTES);
}

/* One open through the cache compared with one without any: figures,
 * tap; pa the path it took. */
static void
check_open(struct how *h, struct path *pa)
{
	struct hrload_result r0, r1;
	struct ttap t0;
	struct agg *a0, *a1;
	struct how plain = *h;
	struct path p0;

	memset(&t0, 0, sizeof t0);
	if (h->tap != NULL) {
		memcpy(t0.digest, h->tap->digest, 32);
		plain.tap = &t0;
	}
	plain.plain = 1;
	a0 = open_how(&plain, &r0, &p0);
	assert_int_equal(p0.which, 0);	/* hrload_run: no trace */
	free(h->tap != NULL ? h->tap->s.ids : NULL);
	if (h->tap != NULL) {
		h->tap->s.ids = NULL;
		h->tap->s.n = 0;
	}
	a1 = open_how(h, &r1, pa);
	pa->total = r1.total;
	assert_same_snap(a0, &r0, a1, &r1);
	if (h->tap != NULL)
		assert_same_tap(&t0, h->tap);
	free(t0.s.ids);
	agg_free(a0);
	agg_free(a1);
	hrload_result_free(&r0);
	hrload_result_free(&r1);
}

/* No cache files, a tap t of no state, the first open (with no file):
 * the files made. The store's size. */
static size_t
start(struct how *h, struct ttap *t)
{
	struct path pa;

	drop_cache();
	memset(t, 0, sizeof *t);
	how_init(h, t);
	check_open(h, &pa);
	assert_int_equal(pa.which, 'n');
	assert_int_equal(pa.opened, pa.total);
	return pa.total;
}

/* check_open, and whether it took the aggregate file. */
static void
opens(struct how *h, int agg)
{
	struct path pa;

	check_open(h, &pa);
	if (agg)
		assert_int_equal(pa.which, 'a');
	else
		assert_int_not_equal(pa.which, 'a');
}

/* Envelopes of f1 (i from k) and, if unapproved, one of f2, ingested;
 * their ids in v (caller frees data). */
static void
ingest_new(struct bundle_env *v, size_t n, int k, int unapproved)
{
	struct record r;
	size_t i;

	memset(v, 0, n * sizeof *v);
	for (i = 0; i < n; i++) {
		struct bundle b;

		memset(&b, 0, sizeof b);
		make_record(&r, unapproved && i + 1 == n ? f2 : f1,
		    k + (int)i);
		add_env(&b, &r);
		record_free(&r);
		v[i] = b.envs[0];
		free(b.envs);
	}
	ingest(v, n);
}

static void
delete_envs(struct bundle_env *v, size_t n)
{
	struct central *c;
	struct err e;
	size_t i, del;

	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(central_env_delete(c,
		    (const uint8_t (*)[BUNDLE_ID_BYTES])&v[i].id, 1, "test",
		    &del, &e), 0);
		assert_int_equal(del, 1);
		free(v[i].data);
	}
	central_close(c);
}

/* First open: no file (none), the aggregate file written; second: the
 * aggregate file, nothing opened, the same figures and tap as a load
 * without any cache; the record file is not read (removed: still used). */
static void
test_agg_second_open(void **state)
{
	struct ttap t;
	struct how h;
	struct path pa;
	char *p, *buf;
	struct stat st;
	size_t len;

	(void)state;
	drop_cache();
	memset(&t, 0, sizeof t);
	memset(t.digest, 7, sizeof t.digest);
	how_init(&h, &t);
	check_open(&h, &pa);
	assert_int_equal(pa.which, 'n');
	assert_int_equal(pa.opened, pa.total);
	assert_true(pa.total >= NREC + 5);
	p = cache_agg_path(dbpath);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* no plaintext: the texts, the unit codes */
	assert_int_equal(fsx_read_file(p, 1 << 24, &buf, &len, NULL), 0);
	assert_null(memmem(buf, len, "svar ", 5));
	assert_null(memmem(buf, len, "reasons", 7));
	free(buf);
	free(p);
	check_open(&h, &pa);
	assert_int_equal(pa.which, 'a');
	assert_int_equal(pa.covered, pa.total);
	assert_int_equal(pa.opened, 0);
	assert_int_equal(t.gets, 1);
	/* no record is read: without the record file, the same */
	p = cache_path(dbpath);
	assert_int_equal(unlink(p), 0);
	free(p);
	check_open(&h, &pa);
	assert_int_equal(pa.which, 'a');
	assert_int_equal(pa.opened, 0);
	/* without a tap at all: another binding (zeros), not used, then
	 * used */
	how_init(&h, NULL);
	opens(&h, 0);
	opens(&h, 1);
	free(t.s.ids);
}

/* After an ingest only the new envelopes are opened (one of a form not
 * approved), the figures those of a load without any cache; the record
 * file is not rewritten; the next open opens nothing. */
static void
test_agg_incremental(void **state)
{
	struct bundle_env v[3];
	struct ttap t;
	struct how h;
	struct path pa;
	char *p, *b1, *b2;
	size_t l1, l2, n0;

	(void)state;
	n0 = start(&h, &t);
	p = cache_path(dbpath);
	assert_int_equal(fsx_read_file(p, 1 << 24, &b1, &l1, NULL), 0);
	ingest_new(v, 3, 20, 1);
	how_init(&h, &t);
	check_open(&h, &pa);
	assert_int_equal(pa.which, 'a');
	assert_int_equal(pa.covered, n0);
	assert_int_equal(pa.opened, 3);
	assert_int_equal(pa.total, n0 + 3);
	assert_int_equal(fsx_read_file(p, 1 << 24, &b2, &l2, NULL), 0);
	assert_int_equal(l1, l2);
	assert_memory_equal(b1, b2, l1);	/* the record file as it was */
	free(b1);
	free(b2);
	free(p);
	how_init(&h, &t);
	check_open(&h, &pa);
	assert_int_equal(pa.which, 'a');
	assert_int_equal(pa.covered, n0 + 3);
	assert_int_equal(pa.opened, 0);
	/* a purge-like removal: the file covers what the store lost */
	delete_envs(v, 1);
	how_init(&h, &t);
	opens(&h, 0);
	delete_envs(v + 1, 2);
	how_init(&h, &t);
	opens(&h, 0);
	free(t.s.ids);
}

/* What the file is bound to: another set of forms, other units, another
 * digest of the tap's (the release set), a tap whose state cannot be
 * kept: not used, and the figures those of a load without any cache. */
static void
test_agg_binding(void **state)
{
	static const struct agg_unit ab[] = { { "A", "A", NULL },
		{ "B", "B", NULL } };
	static const struct agg_unit abc[] = { { "A", "A", NULL },
		{ "B", "B", "X" }, { "C", "C", NULL } };
	static const struct agg_unit ba[] = { { "B", "B", "Y" },
		{ "A", "A", NULL } };
	struct ttap t;
	struct how h;
	char *p, *b1, *b2;
	size_t l1, l2;

	(void)state;
	start(&h, &t);
	opens(&h, 1);
	/* forms: f1 and f2 approved */
	h.forms[1] = f2;
	h.nforms = 2;
	opens(&h, 0);
	opens(&h, 1);
	h.nforms = 1;
	opens(&h, 0);
	/* units: the configuration's, then one more; their order and
	 * areas do not count */
	h.units = ab;
	h.nunits = 2;
	opens(&h, 0);
	opens(&h, 1);
	h.units = ba;
	opens(&h, 1);
	h.units = abc;
	h.nunits = 3;
	opens(&h, 0);
	h.units = ab;
	h.nunits = 1;		/* A only: B's records not fitting */
	opens(&h, 0);
	opens(&h, 1);
	h.units = NULL;
	h.nunits = 0;
	opens(&h, 0);
	/* the tap's digest (a release recorded) */
	t.digest[5] ^= 1;
	opens(&h, 0);
	opens(&h, 1);
	/* a tap whose state cannot be kept: neither used nor written */
	p = cache_agg_path(dbpath);
	assert_int_equal(fsx_read_file(p, 1 << 24, &b1, &l1, NULL), 0);
	h.hooks = 0;
	opens(&h, 0);
	assert_int_equal(fsx_read_file(p, 1 << 24, &b2, &l2, NULL), 0);
	assert_int_equal(l1, l2);
	assert_memory_equal(b1, b2, l1);
	free(b1);
	free(b2);
	free(p);
	h.hooks = 1;
	opens(&h, 1);
	free(t.s.ids);
}

/* A file changed anywhere, truncated, made under another key, or whose
 * tap state does not fit (after the aggregation's did): not used, the
 * record path instead, the same figures (the aggregation emptied
 * again, or it would count twice). */
static void
test_agg_damaged(void **state)
{
	uint8_t pk2[ENV_PK_BYTES], sk2[ENV_SK_BYTES];
	struct hrload_result r;
	struct ttap t;
	struct how h;
	struct path pa;
	struct agg *a;
	char *p, *buf;
	size_t len, at;

	(void)state;
	start(&h, &t);
	p = cache_agg_path(dbpath);
	assert_int_equal(fsx_read_file(p, 1 << 24, &buf, &len, NULL), 0);
	for (at = 3; at < len; at += len / 5) {
		write_flipped(p, buf, len, at, 0x08);
		check_open(&h, &pa);
		assert_int_equal(pa.which, 'r');
		assert_int_equal(pa.opened, 0);
	}
	assert_int_equal(fsx_write_atomic(p, buf, len - 1, 0600, 0, NULL), 0);
	check_open(&h, &pa);
	assert_int_equal(pa.which, 'r');
	check_open(&h, &pa);
	assert_int_equal(pa.which, 'a');	/* rewritten by the record path */
	/* the tap refuses its state: the record path, figures once */
	t.fail_get = 1;
	check_open(&h, &pa);
	assert_int_equal(pa.which, 'r');
	t.fail_get = 0;
	/* another key's file: not used; then the right key's again */
	crypto_box_keypair(pk2, sk2);
	{
		struct central *c;
		struct hrload_opts o;
		struct err e;
		const struct form *forms[1] = { f1 };

		assert_int_equal(fsx_write_atomic(p, buf, len, 0600, 0, NULL),
		    0);
		memset(&o, 0, sizeof o);
		assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
		a = agg_new(forms, 1, NULL, 0, NULL);
		assert_int_equal(cache_run(c, pk2, sk2, forms, 1, a, &o, &r,
		    &e), 0);
		assert_int_equal(r.used, 0);
		cache_wait();
		central_close(c);
		agg_free(a);
		hrload_result_free(&r);
	}
	how_init(&h, &t);
	opens(&h, 0);
	sodium_memzero(sk2, sizeof sk2);
	free(buf);
	free(p);
	free(t.s.ids);
}

/* A tap whose get took its state but left bytes of its snapshot (a
 * fault of avslut-hr: the tap cannot be undone): the load fails with a
 * message, the file is removed, the next open takes the record path
 * with the figures of a load without any cache. */
static void
test_agg_tap_left_bytes(void **state)
{
	const struct form *forms[1] = { f1 };
	struct hrload_result r;
	struct hrload_opts o;
	struct central *c;
	struct ttap t;
	struct how h;
	struct agg *a;
	struct err e;
	char *p;

	(void)state;
	memset(&t, 0, sizeof t);
	t.extra = 1;
	drop_cache();
	how_init(&h, &t);
	opens(&h, 0);
	memset(&o, 0, sizeof o);
	o.tap = tap;
	o.tap_ctx = &t;
	o.tap_digest = ttap_digest;
	o.tap_put = ttap_put;
	o.tap_get = ttap_get;
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	a = agg_new(forms, 1, NULL, 0, NULL);
	assert_int_equal(cache_run(c, pk, sk, forms, 1, a, &o, &r, &e), -1);
	assert_non_null(strstr(e.msg, "does not fit the releases"));
	assert_int_equal(t.gets, 1);
	cache_wait();
	central_close(c);
	agg_free(a);
	hrload_result_free(&r);
	p = cache_agg_path(dbpath);
	assert_false(fsx_exists(p));
	free(p);
	t.extra = 0;
	how_init(&h, &t);
	opens(&h, 0);
	opens(&h, 1);
	free(t.s.ids);
}

/* cache_keep with the store as the run holds it. */
static void
keep(const struct agg *a, void *tap_ctx)
{
	struct central *c;
	struct err e;

	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	cache_keep(c, a, tap_ctx);
	central_close(c);
}

/* cache_keep: the tap's state changed after the load (a release
 * recorded by a view): the file written again at the end, with the
 * tap's new digest, and used by the next open; cache_remove deletes
 * both files. */
static void
test_agg_keep(void **state)
{
	struct hrload_result r0, r1;
	struct ttap t;
	struct how h;
	struct path pa;
	struct agg *a0, *a1;
	char *p;

	(void)state;
	start(&h, &t);
	how_init(&h, &t);
	h.keep = 1;
	a0 = open_how(&h, &r0, &pa);
	assert_int_equal(pa.which, 'a');
	t.digest[0] ^= 0x80;	/* the views changed the set */
	keep(a0, &t);
	agg_free(a0);
	hrload_result_free(&r0);
	h.keep = 0;
	check_open(&h, &pa);
	assert_int_equal(pa.which, 'a');
	assert_int_equal(pa.opened, 0);
	/* without the keep, the changed digest is not used; nor with a
	 * keep of an agg or a tap that are not the load's */
	t.digest[0] ^= 0x40;
	opens(&h, 0);
	how_init(&h, &t);
	h.keep = 1;
	a0 = open_how(&h, &r0, &pa);
	assert_int_equal(pa.which, 'a');
	t.digest[0] ^= 0x20;
	h.plain = 1; /* the same figures in another agg */
	a1 = open_how(&h, &r1, &pa);
	h.plain = 0;
	keep(a1, &t);
	keep(a0, &r0);
	keep(a0, &t); /* nothing kept any more */
	agg_free(a0);
	agg_free(a1);
	hrload_result_free(&r0);
	hrload_result_free(&r1);
	h.keep = 0;
	opens(&h, 0);
	drop_cache();
	p = cache_agg_path(dbpath);
	assert_false(fsx_exists(p));
	free(p);
	p = cache_path(dbpath);
	assert_false(fsx_exists(p));
	free(p);
	free(t.s.ids);
}

/* A purge by another process between the load and the end of the run
 * (a dashboard open for hours): cache_keep does not write the file
 * again, which would put the purged interviews back on disk (the
 * review's MEDIUM: it did); nor after an ingest by another process. */
static void
test_agg_keep_after_purge(void **state)
{
	struct hrload_result r0;
	struct bundle_env v[2], w[1];
	struct ttap t;
	struct how h;
	struct path pa;
	struct agg *a0;
	char *p = cache_agg_path(dbpath), *q = cache_path(dbpath);
	int round;

	(void)state;
	start(&h, &t);
	ingest_new(v, 2, 500, 0);
	/* 0: nothing changed (written: the control), 1: a purge, 2: an
	 * ingest, each by another process */
	for (round = 0; round < 3; round++) {
		how_init(&h, &t);
		h.keep = 1;
		a0 = open_how(&h, &r0, &pa);
		if (round == 1) { /* rows deleted, both files removed */
			delete_envs(v, 2);
		} else if (round == 2) {
			ingest_new(w, 1, 700, 0);
			free(w[0].data);
		}
		cache_test_join(); /* the load's own write done */
		unlink(p);
		unlink(q);
		t.digest[0] ^= 0x80; /* a view recorded a release */
		keep(a0, &t);
		assert_int_equal(fsx_exists(p), round == 0);
		agg_free(a0);
		hrload_result_free(&r0);
		h.keep = 0;
	}
	free(p);
	free(q);
	free(t.s.ids);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cold_then_warm),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_chunks),
		cmocka_unit_test(test_other_key),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_order_free),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_set_digest),
		cmocka_unit_test(test_record_order),
		cmocka_unit_test_setup_teardown(test_agg_second_open, agg_on,
		    agg_off),
		cmocka_unit_test_setup_teardown(test_agg_incremental, agg_on,
		    agg_off),
		cmocka_unit_test_setup_teardown(test_agg_binding, agg_on,
		    agg_off),
		cmocka_unit_test_setup_teardown(test_agg_damaged, agg_on,
		    agg_off),
		cmocka_unit_test_setup_teardown(test_agg_tap_left_bytes, agg_on,
		    agg_off),
		cmocka_unit_test_setup_teardown(test_agg_keep, agg_on, agg_off),
		cmocka_unit_test_setup_teardown(test_agg_keep_after_purge, agg_on,
		    agg_off),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
