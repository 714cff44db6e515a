/* avslut-testfill: a test helper, never installed. Seals interviews with
 * known answers to an HR public key and stores them in central.db, the
 * way ingest would, for the dashboard and report tests.
 *
 * usage: avslut-testfill DB HR.pub FORM.yaml < SPEC
 * SPEC: one interview per line: "N UNIT YEAR id=value ..." stores N
 * identical interviews. A value is a number (scale, nps, number), a
 * choice id (single), choice ids joined by "," (multi), yes or no, or
 * text with %XX escapes (so "%1b[2J" is ESC [2J). In a single or multi
 * value, "other" or "other:TEXT" (escaped likewise) is the "other,
 * namely" choice. "-" declines, "!" is "not shown" (a question its
 * show_if hides). A question not named is skipped. Lines starting with #
 * are ignored. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "crypto/env.h"
#include "crypto/key.h"
#include "crypto/record.h"
#include "form/form.h"
#include "store/central.h"
#include "util/fsx.h"
#include "util/msg.h"
#include "util/sec.h"
#include "util/xmem.h"

/* %XX decoding in place. */
static void
unescape(char *s)
{
	char *o = s;
	unsigned v;

	for (; *s != '\0'; s++) {
		if (*s == '%' && sscanf(s + 1, "%2x", &v) == 1) {
			*o++ = (char)v;
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

static long
choice_ix(const struct form_question *q, const char *id)
{
	size_t i;

	for (i = 0; i < q->nchoices; i++)
		if (strcmp(q->choices[i].id, id) == 0)
			return (long)i;
	return -1;
}

/* "other" or "other:TEXT": the "other, namely" choice; 0 if v is not. */
static int
set_other(struct form_answer *an, char *v)
{
	if (strncmp(v, "other", 5) != 0 || (v[5] != '\0' && v[5] != ':'))
		return 0;
	an->other = 1;
	if (v[5] == ':') {
		unescape(v + 6);
		an->text = xstrdup(v + 6);
	}
	return 1;
}

static void
set_answer(const struct form *f, struct form_answer *an, const char *id,
    char *val)
{
	const struct form_question *q;
	long qi = form_find(f, id), c;
	char *tok, *save = NULL;

	if (qi < 0)
		msg_die(EX_DATAERR, "no question %s", id);
	q = &f->questions[qi];
	an += qi;
	if (strcmp(val, "-") == 0) {
		an->state = FORM_DECLINED;
		return;
	}
	if (strcmp(val, "!") == 0) {
		an->state = FORM_NOT_SHOWN;
		return;
	}
	an->state = FORM_ANSWERED;
	switch (q->type) {
	case FORM_SCALE:
	case FORM_NPS:
	case FORM_NUMBER:
		an->num = (int32_t)atol(val);
		break;
	case FORM_YESNO:
		an->num = strcmp(val, "yes") == 0 ? FORM_YES : FORM_NO;
		break;
	case FORM_SINGLE:
		if (set_other(an, val))
			break;
		if ((c = choice_ix(q, val)) < 0)
			msg_die(EX_DATAERR, "%s: no choice %s", id, val);
		an->num = (int32_t)c;
		break;
	case FORM_MULTI:
		for (tok = strtok_r(val, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			if (set_other(an, tok))
				continue;
			if ((c = choice_ix(q, tok)) < 0)
				msg_die(EX_DATAERR, "%s: no choice %s", id,
				    tok);
			an->choices |= (uint64_t)1 << c;
		}
		break;
	case FORM_TEXT:
		unescape(val);
		an->text = xstrdup(val);
		break;
	}
}

int
main(int argc, char **argv)
{
	struct form_diags d;
	struct central *c;
	struct form *f;
	struct bundle b;
	struct bundle_ack *acks;
	struct record r;
	struct err e;
	uint8_t pk[KEY_PK_BYTES];
	char line[8192], unit[128], *yaml, *tok, *save, *eq;
	size_t len, nacks, added, i, total = 0;
	long n, k;
	unsigned year;

	msg_set_prog("avslut-testfill");
	if (sec_init() == -1)
		msg_die(EX_SOFTWARE, "cannot initialise libsodium");
	if (argc != 4) {
		fprintf(stderr, "usage: avslut-testfill DB HR.pub FORM.yaml "
		    "< SPEC\n");
		return EX_USAGE;
	}
	if (key_pub_load(KEY_PUB_HR, argv[2], pk, &e) != 0)
		msg_die(EX_NOINPUT, "%s", e.msg);
	if (fsx_read_file(argv[3], FORM_MAX_BYTES, &yaml, &len, &e) != 0)
		msg_die(EX_NOINPUT, "%s", e.msg);
	memset(&d, 0, sizeof d);
	if ((f = form_load_buf(argv[3], yaml, len, &d)) == NULL)
		msg_die(EX_DATAERR, "%s", d.n ? d.msg[0] : "bad form");
	free(yaml);
	if (central_open(&c, argv[1], CENTRAL_CREATE, &e) != 0)
		msg_die(EX_IOERR, "%s", e.msg);
	memset(&b, 0, sizeof b);
	randombytes_buf(b.signer, sizeof b.signer);
	if (central_interviewer_add(c, b.signer, "testfill", &e) < 0)
		msg_die(EX_IOERR, "%s", e.msg);
	while (fgets(line, sizeof line, stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (sscanf(line, "%ld %127s %u", &n, unit, &year) != 3)
			msg_die(EX_DATAERR, "bad line: %s", line);
		memset(&r, 0, sizeof r);
		r.unit = unit;
		r.year = (uint16_t)year;
		r.form_id = f->id;
		r.form_version = f->version;
		memcpy(r.form_hash, f->hash, sizeof r.form_hash);
		r.lang = f->langs[0];
		r.nanswers = f->nquestions;
		r.answers = xcalloc(f->nquestions, sizeof *r.answers);
		for (i = 0; i < f->nquestions; i++)
			r.answers[i].state = FORM_SKIPPED;
		save = NULL;
		strtok_r(line, " ", &save);	/* N, unit, year */
		strtok_r(NULL, " ", &save);
		strtok_r(NULL, " ", &save);
		while ((tok = strtok_r(NULL, " ", &save)) != NULL) {
			if ((eq = strchr(tok, '=')) == NULL)
				msg_die(EX_DATAERR, "bad answer %s", tok);
			*eq = '\0';
			set_answer(f, r.answers, tok, eq + 1);
		}
		for (k = 0; k < n; k++) {
			b.envs = xreallocarray(b.envs, b.n + 1,
			    sizeof *b.envs);
			if (env_seal(&r, pk, b.envs[b.n].id, &b.envs[b.n].data,
			    &b.envs[b.n].len, &e) != 0)
				msg_die(EX_SOFTWARE, "%s", e.msg);
			b.n++;
		}
		for (i = 0; i < f->nquestions; i++)
			free(r.answers[i].text);
		free(r.answers);
	}
	if (b.n > 0 && central_ingest(c, &b, &acks, &nacks, &added, &e) != 0)
		msg_die(EX_IOERR, "%s", e.msg);
	if (b.n > 0)
		free(acks);
	total = b.n;
	for (i = 0; i < b.n; i++)
		free(b.envs[i].data);
	free(b.envs);
	central_close(c);
	form_free(f);
	printf("stored %zu interviews\n", total);
	return 0;
}
