/* avslut-testcentral: a test helper, never installed. Seals N interviews
 * of the shipped form for one unit and year to an hr.pub and stores them
 * in a central.db, as ingest would, for the avslut-hr e2e tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <sodium.h>

#include "config/embed.h"
#include "crypto/env.h"
#include "crypto/key.h"
#include "form/form.h"
#include "store/central.h"
#include "util/msg.h"
#include "util/sec.h"
#include "util/xmem.h"

/* Record i: every shown question declined but the first scale question,
 * answered 1..5 by i; "tamper" changes one byte of every envelope. */
static void
make(struct record *r, const struct form *f, const char *unit, int year,
    long i)
{
	size_t q;
	int scale = 0;

	memset(r, 0, sizeof *r);
	r->unit = xstrdup(unit);
	r->year = (uint16_t)year;
	r->form_id = xstrdup(f->id);
	r->form_version = f->version;
	memcpy(r->form_hash, f->hash, sizeof r->form_hash);
	r->lang = xstrdup(f->langs[0]);
	r->nanswers = f->nquestions;
	r->answers = xcalloc(f->nquestions, sizeof *r->answers);
	for (q = 0; q < f->nquestions; q++) {
		if (!form_visible(f, q, r->answers))
			continue;
		if (!scale && f->questions[q].type == FORM_SCALE) {
			r->answers[q].state = FORM_ANSWERED;
			r->answers[q].num = (int32_t)(i % 5 + 1);
			scale = 1;
		} else
			r->answers[q].state = FORM_DECLINED;
	}
}

int
main(int argc, char **argv)
{
	struct form_diags d;
	struct bundle b;
	struct bundle_ack *acks;
	struct central *c;
	struct record r;
	struct form *f;
	struct err e;
	uint8_t pk[KEY_PK_BYTES];
	size_t nacks, added;
	long n, i;
	int year, tamper;

	msg_set_prog("avslut-testcentral");
	if (sec_init() == -1)
		msg_die(EX_SOFTWARE, "cannot initialise libsodium");
	if (argc < 6 || argc > 7 || (n = atol(argv[5])) < 0) {
		fprintf(stderr, "usage: avslut-testcentral DB HR.PUB UNIT YEAR "
		    "N [tamper]\n");
		return EX_USAGE;
	}
	year = atoi(argv[4]);
	tamper = argc == 7 && strcmp(argv[6], "tamper") == 0;
	if (key_pub_load(KEY_PUB_HR, argv[2], pk, &e) != 0)
		msg_die(EX_NOINPUT, "%s", e.msg);
	memset(&d, 0, sizeof d);
	f = form_load_buf("exit-interview.yaml",
	    (const char *)embed_forms_exit_interview_yaml,
	    embed_forms_exit_interview_yaml_len, &d);
	form_diags_free(&d);
	if (f == NULL)
		msg_die(EX_SOFTWARE, "the shipped form does not load");
	if (central_open(&c, argv[1], CENTRAL_CREATE, &e) != 0)
		msg_die(EX_IOERR, "%s", e.msg);
	memset(&b, 0, sizeof b);
	randombytes_buf(b.signer, sizeof b.signer);
	if (central_interviewer_add(c, b.signer, "test", &e) != 0)
		msg_die(EX_IOERR, "%s", e.msg);
	b.envs = xcalloc((size_t)n + 1, sizeof *b.envs);
	for (i = 0; i < n; i++) {
		make(&r, f, argv[3], year, i);
		if (env_seal(&r, pk, b.envs[i].id, &b.envs[i].data,
		    &b.envs[i].len, &e) != 0)
			msg_die(EX_SOFTWARE, "%s", e.msg);
		record_free(&r);
		if (tamper)
			b.envs[i].data[60] ^= 1;
	}
	b.n = (size_t)n;
	if (central_ingest(c, &b, &acks, &nacks, &added, &e) != 0)
		msg_die(EX_IOERR, "%s", e.msg);
	free(acks);
	for (i = 0; i < n; i++)
		free(b.envs[i].data);
	free(b.envs);
	central_close(c);
	form_free(f);
	printf("%zu\n", added);
	return 0;
}
