/* Unit tests for src/interview/desk: the interviewer's submit path
 * without a terminal: save, resume, seal (the envelope opens with the HR
 * key and holds the answers), a failed seal keeps the draft, discard,
 * a draft whose form is gone, and no answer text in any file. */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/env.h"
#include "crypto/key.h"
#include "crypto/record.h"
#include "interview/desk.h"
#include "util/xmem.h"

#define CANARY "kanariefågel-7f3a9c"

static const char form_yaml[] =
    "id: desk-form\n"
    "version: 1\n"
    "languages: [sv]\n"
    "title: {sv: Test}\n"
    "intro: {sv: Inledning}\n"
    "sections:\n"
    "  - id: s\n"
    "    title: {sv: Del}\n"
    "    questions:\n"
    "      - id: why\n"
    "        type: text\n"
    "        label: {sv: Varför?}\n"
    "      - id: score\n"
    "        type: scale\n"
    "        label: {sv: Hur?}\n"
    "        min_label: {sv: Dåligt}\n"
    "        max_label: {sv: Bra}\n";

struct fx {
	char root[64];
	char *dir;
	struct form *form;
	struct form *forms[1];
	uint8_t hr_pk[KEY_PK_BYTES], hr_sk[ENV_SK_BYTES];
	struct desk d;
};

static void
rm_rf(const char *path)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	assert_int_equal(system(cmd), 0);
}

/* A desk on a fresh outbox with an unlocked profile (test key
 * derivation) pinned to a fresh HR key pair. */
static int
setup(void **state)
{
	struct fx *fx = xcalloc(1, sizeof *fx);
	struct form_diags diags;
	struct err e;

	strcpy(fx->root, "/tmp/avslut-desk-XXXXXX");
	if (mkdtemp(fx->root) == NULL)
		return -1;
	fx->dir = xasprintf("%s/data", fx->root);
	memset(&diags, 0, sizeof diags);
	fx->form = form_load_buf("desk.yaml", form_yaml, strlen(form_yaml),
	    &diags);
	if (fx->form == NULL)
		return -1;
	fx->forms[0] = fx->form;
	crypto_box_keypair(fx->hr_pk, fx->hr_sk);
	if (profile_create(fx->dir, fx->hr_pk, "lösenord-för-test",
	    KEY_KDF_TEST, NULL, &e) == -1)
		return -1;
	fx->d.forms = fx->forms;
	fx->d.nforms = 1;
	if (desk_open(&fx->d, fx->dir, &e) == -1 ||
	    desk_unlock(&fx->d, fx->dir, "lösenord-för-test",
	    &e) == -1)
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	desk_close(&fx->d);
	form_free(fx->form);
	rm_rf(fx->root);
	free(fx->dir);
	free(fx);
	return 0;
}

/* A session at the review with CANARY as the text and 4 on the scale. */
static struct session *
answered(struct fx *fx)
{
	struct form_answer a;
	struct session *s;
	struct err e;

	s = session_new(fx->form, 0, "VC-ÅSA", 2026, 4, &e);
	assert_non_null(s);
	session_start(s);
	memset(&a, 0, sizeof a);
	a.state = FORM_ANSWERED;
	a.text = (char *)CANARY;
	assert_int_equal(session_put(s, 0, &a, &e), 0);
	memset(&a, 0, sizeof a);
	a.state = FORM_ANSWERED;
	a.num = 4;
	assert_int_equal(session_put(s, 1, &a, &e), 0);
	return s;
}

static size_t
ndrafts(struct fx *fx)
{
	struct desk_draft *d;
	size_t n;
	struct err e;

	assert_int_equal(desk_drafts(&fx->d, &d, &n, &e), 0);
	free(d);
	return n;
}

/* Save, close the desk, open it again: the draft is listed with its
 * header and resumes with the answers as they were. */
static void
test_save_resume(void **state)
{
	struct fx *fx = *state;
	struct session *s = answered(fx), *back;
	struct desk_draft *d;
	const struct form_answer *a;
	uint8_t id[OUTBOX_ID_BYTES];
	size_t n;
	struct err e;

	desk_begin(&fx->d);
	assert_int_equal(desk_save(&fx->d, s, &e), 0);
	assert_true(fx->d.has_draft);
	memcpy(id, fx->d.draft_id, sizeof id);
	/* a second save rewrites the same draft */
	assert_int_equal(desk_save(&fx->d, s, &e), 0);
	assert_memory_equal(id, fx->d.draft_id, sizeof id);
	session_free(s);
	desk_end(&fx->d);
	assert_false(fx->d.has_draft);

	desk_close(&fx->d);
	assert_int_equal(desk_open(&fx->d, fx->dir, &e), 0);
	assert_int_equal(desk_unlock(&fx->d, fx->dir, "lösenord-för-test",
	    &e), 0);
	assert_int_equal(desk_drafts(&fx->d, &d, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_true(d[0].ok);
	assert_memory_equal(d[0].id, id, sizeof id);
	assert_string_equal(d[0].info.unit, "VC-ÅSA");
	assert_ptr_equal(d[0].form, fx->form);
	assert_int_equal(d[0].info.answered, 2);
	free(d);

	assert_int_equal(desk_resume(&fx->d, id, &back, &e), 0);
	assert_true(fx->d.has_draft);
	assert_memory_equal(fx->d.draft_id, id, sizeof id);
	a = session_answer(back, 0);
	assert_int_equal(a->state, FORM_ANSWERED);
	assert_string_equal(a->text, CANARY);
	assert_int_equal(session_answer(back, 1)->num, 4);
	session_free(back);
}

/* Seal: the outbox holds one envelope that HR's key opens to the
 * answers, and no draft is left. */
static void
test_seal(void **state)
{
	struct fx *fx = *state;
	struct session *s = answered(fx);
	struct outbox_env *envs;
	struct record r;
	size_t n, waiting;
	long long last;
	struct err e;

	desk_begin(&fx->d);
	assert_int_equal(desk_save(&fx->d, s, &e), 0);
	assert_int_equal(ndrafts(fx), 1);
	assert_int_equal(desk_seal(&fx->d, s, &e), 0);
	session_free(s);
	assert_false(fx->d.has_draft);
	assert_int_equal(ndrafts(fx), 0);
	assert_int_equal(desk_waiting(&fx->d, &waiting, &last, &e), 0);
	assert_int_equal(waiting, 1);
	assert_int_equal(last, 0);

	assert_int_equal(outbox_env_list(fx->d.ob, &envs, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(env_open(&r, envs[0].id, envs[0].blob, envs[0].len,
	    fx->hr_pk, fx->hr_sk, &e), 0);
	assert_string_equal(r.unit, "VC-ÅSA");
	assert_int_equal(r.year, 2026);
	assert_int_equal(r.quarter, 4);
	assert_string_equal(r.form_id, "desk-form");
	assert_int_equal(r.nanswers, 2);
	assert_string_equal(r.answers[0].text, CANARY);
	assert_int_equal(r.answers[1].num, 4);
	record_free(&r);
	outbox_env_list_free(envs, n);
}

/* A seal that cannot be made (an HR key that no box can be sealed to)
 * leaves the saved draft stored and still open: nothing is lost. */
static void
test_seal_fails_keeps_draft(void **state)
{
	struct fx *fx = *state;
	struct session *s = answered(fx), *back;
	uint8_t id[OUTBOX_ID_BYTES];
	size_t waiting;
	long long last;
	struct err e;

	desk_begin(&fx->d);
	memset(fx->d.prof->hr_pk, 0, sizeof fx->d.prof->hr_pk);
	assert_int_equal(desk_seal(&fx->d, s, &e), -1);
	assert_true(strlen(e.msg) > 0);
	assert_null(strstr(e.msg, CANARY));
	assert_true(fx->d.has_draft);
	memcpy(id, fx->d.draft_id, sizeof id);
	assert_int_equal(ndrafts(fx), 1);
	assert_int_equal(desk_waiting(&fx->d, &waiting, &last, &e), 0);
	assert_int_equal(waiting, 0);
	session_free(s);
	desk_end(&fx->d);
	assert_int_equal(desk_resume(&fx->d, id, &back, &e), 0);
	assert_string_equal(session_answer(back, 0)->text, CANARY);
	session_free(back);
}

/* Discard deletes the draft for good, and the open one stops being
 * open if it was that draft. */
static void
test_discard(void **state)
{
	struct fx *fx = *state;
	struct session *s = answered(fx), *back;
	uint8_t id[OUTBOX_ID_BYTES];
	struct err e;

	desk_begin(&fx->d);
	assert_int_equal(desk_save(&fx->d, s, &e), 0);
	session_free(s);
	memcpy(id, fx->d.draft_id, sizeof id);
	assert_int_equal(desk_discard(&fx->d, id, &e), 0);
	assert_false(fx->d.has_draft);
	assert_int_equal(ndrafts(fx), 0);
	assert_int_equal(desk_resume(&fx->d, id, &back, &e), -1);
	assert_null(back);
}

/* A draft of a form this laptop no longer has is listed without a form
 * and refused at resume with a message that names the form. */
static void
test_form_gone(void **state)
{
	struct fx *fx = *state;
	struct session *s = answered(fx), *back;
	struct desk_draft *d;
	uint8_t id[OUTBOX_ID_BYTES];
	size_t n;
	struct err e;

	desk_begin(&fx->d);
	assert_int_equal(desk_save(&fx->d, s, &e), 0);
	session_free(s);
	memcpy(id, fx->d.draft_id, sizeof id);
	desk_end(&fx->d);
	fx->d.nforms = 0;
	assert_int_equal(desk_drafts(&fx->d, &d, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_true(d[0].ok);
	assert_null(d[0].form);
	free(d);
	assert_int_equal(desk_resume(&fx->d, id, &back, &e), -1);
	assert_null(back);
	assert_int_equal(e.cls, ERR_DATA);
	assert_non_null(strstr(e.msg, "desk-form"));
	assert_false(fx->d.has_draft);
}

/* Save, seal and close: no file under the data directory holds the
 * answer text, in UTF-8 or in UTF-16LE. */
static void
test_no_plaintext(void **state)
{
	struct fx *fx = *state;
	struct session *s = answered(fx);
	char u16[2 * sizeof CANARY], path[512];
	struct dirent *de;
	struct err e;
	DIR *dp;
	FILE *fp;
	char *buf;
	size_t i, len, nfiles = 0;
	long sz;

	for (i = 0; i < sizeof CANARY - 1; i++) {
		u16[2 * i] = CANARY[i];
		u16[2 * i + 1] = 0;
	}
	desk_begin(&fx->d);
	assert_int_equal(desk_save(&fx->d, s, &e), 0);
	assert_int_equal(desk_seal(&fx->d, s, &e), 0);
	session_free(s);
	desk_close(&fx->d);
	assert_non_null(dp = opendir(fx->dir));
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", fx->dir, de->d_name);
		assert_non_null(fp = fopen(path, "rb"));
		fseek(fp, 0, SEEK_END);
		sz = ftell(fp);
		rewind(fp);
		buf = xmalloc((size_t)sz + 1);
		len = fread(buf, 1, (size_t)sz, fp);
		fclose(fp);
		assert_null(memmem(buf, len, CANARY, strlen(CANARY)));
		assert_null(memmem(buf, len, u16, 2 * (sizeof CANARY - 1)));
		free(buf);
		nfiles++;
	}
	closedir(dp);
	assert_true(nfiles >= 2);	/* the profile and the outbox */
	/* teardown closes again: reopen so that it has something to close */
	assert_int_equal(desk_open(&fx->d, fx->dir, &e), 0);
}

/* Reverse n bytes at p (a big-endian integer to little-endian). */
static void
flip(uint8_t *p, size_t n)
{
	size_t i;
	uint8_t t;

	for (i = 0; i < n / 2; i++) {
		t = p[i];
		p[i] = p[n - 1 - i];
		p[n - 1 - i] = t;
	}
}

/* A version 2 draft turned into version 1 (the same layout with
 * little-endian integers, as avslut wrote drafts before util/buf),
 * following the layout described above session_encode. */
static void
to_v1(uint8_t *b, size_t len)
{
	size_t o = 5, q, nq, tl;

	b[4] = 1;
	o += 1 + b[o];				/* form id */
	flip(b + o, 4);
	o += 4 + 32;				/* form version, hash */
	o += 1 + b[o];				/* unit */
	o += 1 + b[o];				/* language */
	flip(b + o, 2);
	o += 2 + 1;				/* year, quarter */
	flip(b + o, 4);
	flip(b + o + 4, 4);
	o += 8 + 1;				/* answered, total, where */
	flip(b + o, 4);
	o += 4 + 1;				/* position, reviewed */
	nq = (size_t)b[o] << 24 | (size_t)b[o + 1] << 16 |
	    (size_t)b[o + 2] << 8 | b[o + 3];
	flip(b + o, 4);
	o += 4;
	for (q = 0; q < nq; q++) {
		o += 3;				/* state, other, warned */
		flip(b + o, 4);
		flip(b + o + 4, 8);
		o += 12;			/* num, choices */
		tl = (size_t)b[o] << 24 | (size_t)b[o + 1] << 16 |
		    (size_t)b[o + 2] << 8 | b[o + 3];
		flip(b + o, 4);
		o += 4 + tl;
	}
	assert_int_equal(o, len);
}

/* A draft saved by an earlier avslut (version 1, little-endian) resumes
 * with its answers, and is written back as version 2 on resuming. */
static void
test_resume_v1_rewritten(void **state)
{
	struct fx *fx = *state;
	struct session *s = answered(fx), *back;
	uint8_t id[OUTBOX_ID_BYTES], *buf, *v1;
	size_t len, v1len;
	struct err e;

	session_encode(s, &v1, &v1len);
	assert_int_equal(v1[4], 2);
	to_v1(v1, v1len);
	assert_int_equal(outbox_draft_new(fx->d.ob, fx->d.prof->draft_key, id,
	    &e), 0);
	assert_int_equal(outbox_draft_save(fx->d.ob, fx->d.prof->draft_key,
	    id, v1, v1len, &e), 0);
	session_free(s);

	assert_int_equal(desk_resume(&fx->d, id, &back, &e), 0);
	assert_string_equal(session_answer(back, 0)->text, CANARY);
	assert_int_equal(session_answer(back, 1)->num, 4);
	session_free(back);
	assert_int_equal(outbox_draft_load(fx->d.ob, fx->d.prof->draft_key,
	    id, &buf, &len, &e), 0);
	assert_int_equal(len, v1len);
	assert_int_equal(buf[4], 2);		/* written back as version 2 */
	assert_memory_not_equal(buf, v1, len);
	xfree_wipe(buf, len);
	xfree_wipe(v1, v1len);
	desk_end(&fx->d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_save_resume, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_seal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seal_fails_keeps_draft,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_discard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_gone, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_plaintext, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_resume_v1_rewritten,
		    setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
