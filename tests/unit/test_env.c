/* Unit tests for src/crypto/env: seal and open, padding, wrong keys, a
 * changed byte anywhere, and a box replayed under another id. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "config/embed.h"
#include "crypto/env.h"
#include "util/xmem.h"

static uint8_t pk[ENV_PK_BYTES], sk[ENV_SK_BYTES];

static void
sample(struct record *r, const char *text)
{
	memset(r, 0, sizeof *r);
	r->unit = xstrdup("AVD-12");
	r->year = 2026;
	r->quarter = 0;
	r->form_id = xstrdup("exit-interview");
	r->form_version = 1;
	memset(r->form_hash, 0x5a, FORM_HASH_BYTES);
	r->lang = xstrdup("sv");
	r->nanswers = 3;
	r->answers = xcalloc(3, sizeof *r->answers);
	r->answers[0].state = FORM_ANSWERED;
	r->answers[0].num = 4;
	r->answers[1].state = FORM_DECLINED;
	r->answers[2].state = FORM_ANSWERED;
	r->answers[2].text = xstrdup(text);
}

static void
test_round_trip(void **state)
{
	struct record r, d;
	struct err e = { .msg = "" };
	uint8_t id[ENV_ID_BYTES], id2[ENV_ID_BYTES], *env, *env2;
	size_t len, len2;
	char hex[2 * ENV_ID_BYTES + 1];

	(void)state;
	sample(&r, "Mer personal på natten, tack 😀");
	assert_int_equal(env_seal(&r, pk, id, &env, &len, &e), 0);
	assert_int_equal(env_open(&d, id, env, len, pk, sk, &e), 0);
	assert_string_equal(d.unit, "AVD-12");
	assert_int_equal(d.answers[0].num, 4);
	assert_int_equal(d.answers[1].state, FORM_DECLINED);
	assert_string_equal(
	    d.answers[2].text, "Mer personal på natten, tack 😀");
	record_free(&d);
	/* Two seals of one record: different ids and different bytes. */
	assert_int_equal(env_seal(&r, pk, id2, &env2, &len2, &e), 0);
	assert_true(memcmp(id, id2, ENV_ID_BYTES) != 0);
	assert_int_equal(len, len2);
	assert_true(memcmp(env, env2, len) != 0);
	/* Hex ids go both ways. */
	env_id_hex(id, hex);
	assert_int_equal(strlen(hex), 32);
	assert_int_equal(env_id_parse(id2, hex), 0);
	assert_memory_equal(id, id2, ENV_ID_BYTES);
	assert_int_equal(env_id_parse(id2, "00"), -1);
	hex[5] = 'g';
	assert_int_equal(env_id_parse(id2, hex), -1);
	free(env);
	free(env2);
	record_free(&r);
}

/* Envelope sizes depend only on the 1 KiB block, not on exact lengths. */
static void
test_padding(void **state)
{
	struct record r;
	struct err e;
	uint8_t id[ENV_ID_BYTES], *env;
	size_t len, first = 0, n;
	char *text;

	(void)state;
	for (n = 0; n < 3000; n += 97) {
		text = xmalloc(n + 1);
		memset(text, 'x', n);
		text[n] = '\0';
		sample(&r, text);
		free(text);
		assert_int_equal(env_seal(&r, pk, id, &env, &len, &e), 0);
		assert_int_equal((len - ENV_SEAL_BYTES) % ENV_PAD_BLOCK, 0);
		if (n == 0)
			first = len;
		if (n < 800) /* short answers all look alike */
			assert_int_equal(len, first);
		free(env);
		record_free(&r);
	}
	assert_int_equal(first, ENV_PAD_BLOCK + ENV_SEAL_BYTES);
}

static void
test_hash(void **state)
{
	uint8_t h1[ENV_HASH_BYTES], h2[ENV_HASH_BYTES];
	char hex[2 * ENV_HASH_BYTES + 1];

	(void)state;
	env_hash(h1, (const uint8_t *)"abc", 3);
	sodium_bin2hex(hex, sizeof hex, h1, sizeof h1);
	/* BLAKE2b-256("abc"), RFC 7693 parameters, 32-byte output. */
	assert_string_equal(hex, "bddd813c634239723171ef3fee98579b"
				 "94964e3bb1cb3e427262c8c068d52319");
	env_hash(h2, (const uint8_t *)"abd", 3);
	assert_true(memcmp(h1, h2, sizeof h1) != 0);
}

static void
test_wrong_key(void **state)
{
	struct record r, d;
	struct err e;
	uint8_t id[ENV_ID_BYTES], *env, opk[ENV_PK_BYTES], osk[ENV_SK_BYTES];
	char hex[2 * ENV_ID_BYTES + 1], want[256];
	size_t len;

	(void)state;
	crypto_box_keypair(opk, osk);
	sample(&r, "hemligt");
	assert_int_equal(env_seal(&r, pk, id, &env, &len, &e), 0);
	env_id_hex(id, hex);
	snprintf(want, sizeof want,
	    "envelope %s cannot be opened with this "
	    "HR key: it is damaged or was sealed to another key",
	    hex);
	assert_int_equal(env_open(&d, id, env, len, opk, osk, &e), -1);
	assert_string_equal(e.msg, want);
	assert_null(d.unit);
	/* A pair that does not belong together fails too. */
	assert_int_equal(env_open(&d, id, env, len, opk, sk, &e), -1);
	free(env);
	record_free(&r);
}

/* A changed byte anywhere in the envelope is refused, and named. */
static void
test_flipped_bytes(void **state)
{
	struct record r, d;
	struct err e;
	uint8_t id[ENV_ID_BYTES], *env;
	char hex[2 * ENV_ID_BYTES + 1];
	size_t len, i;

	(void)state;
	sample(&r, "text");
	assert_int_equal(env_seal(&r, pk, id, &env, &len, &e), 0);
	env_id_hex(id, hex);
	for (i = 0; i < len; i++) {
		env[i] ^= 0x01;
		err_clear(&e);
		assert_int_equal(env_open(&d, id, env, len, pk, sk, &e), -1);
		assert_non_null(strstr(e.msg, hex));
		env[i] ^= 0x01;
	}
	assert_int_equal(env_open(&d, id, env, len, pk, sk, &e), 0);
	record_free(&d);
	free(env);
	record_free(&r);
}

static void
test_sizes(void **state)
{
	struct record r, d;
	struct err e;
	uint8_t id[ENV_ID_BYTES], *env;
	size_t len, n;

	(void)state;
	sample(&r, "text");
	assert_int_equal(env_seal(&r, pk, id, &env, &len, &e), 0);
	for (n = 0; n < len; n++) {
		assert_int_equal(env_open(&d, id, env, n, pk, sk, &e), -1);
		assert_non_null(
		    strstr(e.msg, "is not the size of a sealed "
				  "envelope: it is truncated or damaged"));
	}
	assert_int_equal(
	    env_open(&d, id, env, ENV_MAX_BYTES + 1, pk, sk, &e), -1);
	free(env);
	record_free(&r);
}

/* The same box stored under a new id does not open. */
static void
test_replay(void **state)
{
	struct record r, d;
	struct err e;
	uint8_t id[ENV_ID_BYTES], other[ENV_ID_BYTES], *env;
	char hex[2 * ENV_ID_BYTES + 1], want[256];
	size_t len;

	(void)state;
	sample(&r, "text");
	assert_int_equal(env_seal(&r, pk, id, &env, &len, &e), 0);
	randombytes_buf(other, sizeof other);
	env_id_hex(other, hex);
	snprintf(want, sizeof want,
	    "envelope %s was sealed under another "
	    "id: a copy stored under a new id is refused",
	    hex);
	assert_int_equal(env_open(&d, other, env, len, pk, sk, &e), -1);
	assert_string_equal(e.msg, want);
	assert_null(d.unit);
	free(env);
	record_free(&r);
}

/* Hand-made boxes: what an attacker with only the public key can make. */
static void
seal_plain(const uint8_t *plain, size_t plen, uint8_t **env, size_t *len)
{
	*len = plen + ENV_SEAL_BYTES;
	*env = xmalloc(*len);
	assert_int_equal(crypto_box_seal(*env, plain, plen, pk), 0);
}

static void
test_crafted(void **state)
{
	struct record d;
	struct err e;
	uint8_t plain[ENV_PAD_BLOCK], id[ENV_ID_BYTES], *env;
	size_t len, padded;

	(void)state;
	randombytes_buf(id, sizeof id);
	/* Not padded at all. */
	memset(plain, 0, sizeof plain);
	seal_plain(plain, sizeof plain, &env, &len);
	assert_int_equal(env_open(&d, id, env, len, pk, sk, &e), -1);
	assert_non_null(strstr(e.msg, ": the padding is damaged"));
	free(env);
	/* The marker one byte off (0x81), and a marker followed by a
	 * whole block of zeros: not sodium_pad's padding. */
	plain[sizeof plain - 1] = 0x81;
	seal_plain(plain, sizeof plain, &env, &len);
	assert_int_equal(env_open(&d, id, env, len, pk, sk, &e), -1);
	assert_non_null(strstr(e.msg, ": the padding is damaged"));
	free(env);
	{
		uint8_t two[2 * ENV_PAD_BLOCK];

		memset(two, 0, sizeof two);
		two[ENV_PAD_BLOCK - 1] = 0x80;
		seal_plain(two, sizeof two, &env, &len);
		assert_int_equal(env_open(&d, id, env, len, pk, sk, &e), -1);
		assert_non_null(strstr(e.msg, ": the padding is damaged"));
		free(env);
	}
	{
		/* The marker at every place near and in the last block:
		 * followed by at most ENV_PAD_BLOCK - 1 zeros it is padding
		 * (then the record is not one), by more it is not. */
		uint8_t two[2 * ENV_PAD_BLOCK];
		size_t at;

		for (at = ENV_PAD_BLOCK - 20; at < sizeof two; at++) {
			memset(two, 0, sizeof two);
			two[0] = ENV_VERSION;
			memcpy(two + 1, id, ENV_ID_BYTES);
			memset(two + 1 + ENV_ID_BYTES, 'x',
			    at - 1 - ENV_ID_BYTES);
			two[at] = 0x80;
			seal_plain(two, sizeof two, &env, &len);
			assert_int_equal(
			    env_open(&d, id, env, len, pk, sk, &e), -1);
			assert_non_null(strstr(e.msg,
			    at >= ENV_PAD_BLOCK ?
				": not an avslut record (bad magic)" :
				": the padding is damaged"));
			free(env);
		}
	}
	memset(plain, 0, sizeof plain);
	/* Padded, but too short to hold the version and id. */
	assert_int_equal(
	    sodium_pad(&padded, plain, 5, ENV_PAD_BLOCK, sizeof plain), 0);
	seal_plain(plain, padded, &env, &len);
	assert_int_equal(env_open(&d, id, env, len, pk, sk, &e), -1);
	assert_non_null(strstr(e.msg, ": too short to hold a record"));
	free(env);
	/* A future envelope version. */
	memset(plain, 0, sizeof plain);
	plain[0] = 7;
	memcpy(plain + 1, id, ENV_ID_BYTES);
	assert_int_equal(sodium_pad(&padded, plain, 1 + ENV_ID_BYTES + 10,
			     ENV_PAD_BLOCK, sizeof plain),
	    0);
	seal_plain(plain, padded, &env, &len);
	assert_int_equal(env_open(&d, id, env, len, pk, sk, &e), -1);
	assert_non_null(
	    strstr(e.msg, ": envelope version 7 is newer than "
			  "this program understands: upgrade avslut-hr"));
	free(env);
	/* The right version and id, a record that is not one. */
	plain[0] = ENV_VERSION;
	seal_plain(plain, padded, &env, &len);
	assert_int_equal(env_open(&d, id, env, len, pk, sk, &e), -1);
	assert_non_null(strstr(e.msg, ": not an avslut record (bad magic)"));
	free(env);
}

/* A record the encoder refuses is not sealed. */
static void
test_seal_refuses(void **state)
{
	struct record r;
	struct err e;
	uint8_t id[ENV_ID_BYTES], *env;
	size_t len;

	(void)state;
	sample(&r, "text");
	r.quarter = 7;
	assert_int_equal(env_seal(&r, pk, id, &env, &len, &e), -1);
	assert_string_equal(e.msg, "record: quarter 7 is not 0..4");
	assert_null(env);
	record_free(&r);
}

/* The shipped form end to end: a record answering every question checks
 * against the form, seals, opens and checks again. */
static void
test_shipped_form(void **state)
{
	struct form_diags diags;
	struct form *f;
	struct record r, d;
	struct err e;
	uint8_t id[ENV_ID_BYTES], *env;
	size_t i, len;

	(void)state;
	memset(&diags, 0, sizeof diags);
	f = form_load_buf("exit-interview.yaml",
	    (const char *)embed_forms_exit_interview_yaml,
	    embed_forms_exit_interview_yaml_len, &diags);
	if (f == NULL)
		fail_msg("%s", diags.n > 0 ? diags.msg[0] : "no form");
	memset(&r, 0, sizeof r);
	r.unit = xstrdup("AVD-12");
	r.year = 2026;
	r.form_id = xstrdup(f->id);
	r.form_version = f->version;
	memcpy(r.form_hash, f->hash, FORM_HASH_BYTES);
	r.lang = xstrdup(f->langs[f->nlangs - 1]);
	r.nanswers = f->nquestions;
	r.answers = xcalloc(f->nquestions, sizeof *r.answers);
	for (i = 0; i < f->nquestions; i++) {
		const struct form_question *q = &f->questions[i];
		struct form_answer *a = &r.answers[i];

		a->state = FORM_ANSWERED;
		switch (q->type) {
		case FORM_SINGLE:
			a->num = (int32_t)(q->nchoices - 1);
			break;
		case FORM_MULTI:
			a->choices = 1;
			break;
		case FORM_TEXT:
			a->text = xstrdup("Fler kollegor på natten 😀");
			break;
		default:
			a->num = q->max;
			break;
		}
	}
	r.answers[0].state = FORM_DECLINED;
	r.answers[0].num = 0;
	r.answers[0].choices = 0;
	xfree_str_wipe(r.answers[0].text);
	r.answers[0].text = NULL;
	/* As the session does: what the answers hide is "not shown". */
	for (i = 0; i < f->nquestions; i++)
		if (!form_visible(f, i, r.answers))
			form_answer_clear(&r.answers[i]);
	if (record_check(&r, f, &e) == -1)
		fail_msg("%s", e.msg);
	assert_int_equal(env_seal(&r, pk, id, &env, &len, &e), 0);
	assert_int_equal(env_open(&d, id, env, len, pk, sk, &e), 0);
	assert_int_equal(record_check(&d, f, &e), 0);
	assert_int_equal(d.nanswers, f->nquestions);
	assert_int_equal(d.answers[0].state, FORM_DECLINED);
	free(env);
	record_free(&d);
	/* A record of another version of the form is refused. */
	r.form_hash[0] ^= 1;
	assert_int_equal(record_check(&r, f, &e), -1);
	record_free(&r);
	form_free(f);
	form_diags_free(&diags);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_padding),
	    cmocka_unit_test(test_hash),
	    cmocka_unit_test(test_wrong_key),
	    cmocka_unit_test(test_flipped_bytes),
	    cmocka_unit_test(test_sizes),
	    cmocka_unit_test(test_replay),
	    cmocka_unit_test(test_crafted),
	    cmocka_unit_test(test_seal_refuses),
	    cmocka_unit_test(test_shipped_form),
	};

	if (sodium_init() < 0)
		return 1;
	crypto_box_keypair(pk, sk);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
