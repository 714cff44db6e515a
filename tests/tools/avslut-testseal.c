/* avslut-testseal: a test helper, never installed. Seals N interviews
 * into the outbox of $AVSLUT_HOME the way submit does (draft, seal,
 * outbox_submit), for the sync tests while no screen is needed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "config/embed.h"
#include "crypto/env.h"
#include "crypto/profile.h"
#include "crypto/record.h"
#include "form/form.h"
#include "store/outbox.h"
#include "util/msg.h"
#include "util/pass.h"
#include "util/paths.h"
#include "util/sec.h"
#include "util/xmem.h"

/* One record: every question declined, the first scale question (if
 * any) answered, so records differ only by their random envelope. */
static int
seal_one(struct outbox *ob, const struct profile *p, const struct form *f,
    const char *unit, struct err *e)
{
	uint8_t draft[OUTBOX_ID_BYTES], id[ENV_ID_BYTES], *env = NULL;
	struct record r;
	size_t len = 0, i;
	int rc;

	memset(&r, 0, sizeof r);
	r.unit = (char *)unit;
	r.year = 2026;
	r.form_id = f->id;
	r.form_version = f->version;
	memcpy(r.form_hash, f->hash, sizeof r.form_hash);
	r.lang = f->langs[0];
	r.nanswers = f->nquestions;
	r.answers = xcalloc(f->nquestions, sizeof *r.answers);
	for (i = 0; i < f->nquestions; i++)
		r.answers[i].state = FORM_DECLINED;
	rc = env_seal(&r, p->hr_pk, id, &env, &len, e);
	free(r.answers);
	if (rc != 0)
		return -1;
	rc = outbox_draft_new(ob, p->draft_key, draft, e) != 0 ||
	    outbox_submit(ob, draft, id, env, len, e) != 0 ? -1 : 0;
	free(env);
	return rc;
}

int
main(int argc, char **argv)
{
	struct form_diags d;
	struct profile *p = NULL;
	struct outbox *ob = NULL;
	struct form *f;
	struct err e;
	char *dir, *pass;
	long n, i;

	msg_set_prog("avslut-testseal");
	if (sec_init() == -1)
		msg_die(EX_SOFTWARE, "cannot initialise libsodium");
	if (argc < 2 || argc > 3 || (n = atol(argv[1])) < 0) {
		fprintf(stderr, "usage: avslut-testseal N [UNIT]   "
		    "(AVSLUT_HOME, AVSLUT_PASSPHRASE_FILE)\n");
		return EX_USAGE;
	}
	memset(&d, 0, sizeof d);
	f = form_load_buf("exit-interview.yaml",
	    (const char *)embed_forms_exit_interview_yaml,
	    embed_forms_exit_interview_yaml_len, &d);
	if (f == NULL)
		msg_die(EX_SOFTWARE, "the embedded form does not load: %s",
		    d.n ? d.msg[0] : "?");
	dir = paths_data_dir("avslut");
	if ((pass = pass_read("Passphrase: ", NULL, 0, 0, &e)) == NULL)
		msg_die(EX_NOPERM, "%s", e.msg);
	if (profile_unlock(dir, pass, &p, &e) != 0)
		msg_die(EX_NOPERM, "%s", e.msg);
	pass_free(pass);
	if (outbox_open(dir, &ob, &e) != 0)
		msg_die(EX_IOERR, "%s", e.msg);
	for (i = 0; i < n; i++)
		if (seal_one(ob, p, f, argc > 2 ? argv[2] : "VC-TEST",
		    &e) != 0)
			msg_die(EX_SOFTWARE, "interview %ld: %s", i + 1,
			    e.msg);
	outbox_close(ob);
	profile_free(p);
	form_free(f);
	free(dir);
	printf("%ld sealed\n", n);
	return 0;
}
