/* hrload_fixture: the central.db of the hrload and cache tests: records of
 * a small form sealed to a test key, with every kind of envelope a load
 * must reject (tampered, truncated, unapproved form, an answer the form
 * cannot take, an answer its own answers hide). Static, one copy per test;
 * include after cmocka.h. */
#ifndef AVSLUT_HRLOAD_FIXTURE_H
#define AVSLUT_HRLOAD_FIXTURE_H

#include "rmtree.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/env.h"
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

/* Seal the fixture into a new central.db in a fresh directory made from
 * TEMPLATE (mkdtemp): NREC good records and five rejected envelopes. */
static int
hrfx_setup(const char *template)
{
	struct central *c;
	struct bundle b;
	struct bundle_ack *acks;
	struct record r;
	struct err e;
	uint8_t spk[CENTRAL_PK_BYTES];
	char *y1, *y2;
	size_t nacks, added, i;

	if (sodium_init() < 0)
		return -1;
	crypto_box_keypair(pk, sk);
	snprintf(dir, sizeof dir, "%s", template);
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

/* Remove the fixture's directory with everything in it (the store, its
 * key file, caches). */
static int
hrfx_teardown(void)
{
	rmtree(dir);
	free(dbpath);
	form_free(f1);
	form_free(f2);
	return 0;
}

#endif
