/* cmd_demo: `avslut-hr demo`: a throwaway sample region to explore on day
 * one. In a new directory (AVSLUT_HOME for everything) it writes a config
 * marked sample: true (every view and report page says EXEMPELDATA), a
 * demo HR key with a printed passphrase and the fast test KDF, the shipped
 * form approved, three closed years of made-up interviews sealed to that
 * key and stored as ingest stores them, turnover and the staff survey's
 * HME; then it opens the dashboard. Nothing outside the directory is
 * touched. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "config/config.h"
#include "config/embed.h"
#include "crypto/env.h"
#include "crypto/key.h"
#include "crypto/record.h"
#include "form/form.h"
#include "report/gate.h"
#include "report/sample.h"
#include "store/bundle.h"
#include "store/central.h"
#include "util/fsx.h"
#include "util/i18n.h"
#include "util/msg.h"
#include "util/paths.h"
#include "util/xmem.h"

/* Printed for the user to type; the key is a throwaway. */
#define DEMO_PASS "exempeldata"
#define DEMO_YEARS 3

/* An empty or new directory, made 0700. */
static int
demo_dir(const char *dir)
{
	struct err e;
	char *probe;
	int empty;

	err_clear(&e);
	if (fsx_mkdir_p(dir, 0700, &e) != 0) {
		msg_warn(_("cannot create %s: %s: choose another with --dir"),
		    dir, e.msg);
		return EX_CANTCREAT;
	}
	probe = paths_join(dir, "home");
	empty = !fsx_exists(probe);
	free(probe);
	if (!empty) {
		msg_warn(_("%s already holds a demo: remove it or choose "
			   "another directory with --dir"),
		    dir);
		return EX_CANTCREAT;
	}
	return 0;
}

static int
write_text(const char *path, const char *text, size_t len)
{
	struct err e;

	err_clear(&e);
	if (fsx_write_atomic(path, text, len, 0600, 1, &e) != 0) {
		msg_warn(_("cannot write %s: %s"), path, e.msg);
		return EX_IOERR;
	}
	return 0;
}

/* The shipped config marked as sample data. */
static int
write_config(struct config **out)
{
	struct form_diags d;
	struct err e;
	char *dir = paths_config_dir("avslut-hr"), *path, *text;
	int rc;

	err_clear(&e);
	if (fsx_mkdir_p(dir, 0700, &e) != 0) {
		msg_warn(_("cannot create %s: %s"), dir, e.msg);
		free(dir);
		return EX_CANTCREAT;
	}
	path = paths_join(dir, "avslut.yaml");
	text = xasprintf("%s\n# avslut-hr demo: made-up data, marked "
			 "EXEMPELDATA everywhere.\nsample: true\n",
	    (const char *)embed_config_avslut_yaml);
	rc = write_text(path, text, strlen(text));
	free(text);
	if (rc == 0) {
		memset(&d, 0, sizeof d);
		if ((*out = config_load_file(path, &d)) == NULL) {
			msg_warn("%s", d.n ? d.msg[0] : path);
			rc = EX_SOFTWARE;
		}
		form_diags_free(&d);
	}
	free(path);
	free(dir);
	return rc;
}

/* Seal every interview of the sample to pk and store them as ingest
 * would (one signer, registered). Returns the number stored or -1. */
static long
store_interviews(struct central *c, const struct config *cfg,
    const struct form *f, const struct sample_params *sp,
    const uint8_t pk[KEY_PK_BYTES])
{
	struct bundle b;
	struct bundle_ack *acks;
	struct record r;
	struct err e;
	size_t u, j, cap = 0, nacks, added;
	unsigned y, i, n;
	long total = 0;

	memset(&b, 0, sizeof b);
	randombytes_buf(b.signer, sizeof b.signer);
	err_clear(&e);
	if (central_interviewer_add(c, b.signer, "avslut-hr demo", &e) < 0)
		goto fail;
	for (u = 0; u < cfg->nunits; u++)
		for (y = sp->year0; y <= sp->open_year; y++)
			cap += sample_count(sp, cfg, u, y);
	b.envs = xcalloc(cap ? cap : 1, sizeof *b.envs);
	for (u = 0; u < cfg->nunits; u++)
		for (y = sp->year0; y <= sp->open_year; y++) {
			n = sample_count(sp, cfg, u, y);
			for (i = 0; i < n; i++) {
				sample_record(sp, cfg, f, u, y, i, &r);
				if (env_seal(&r, pk, b.envs[b.n].id,
					&b.envs[b.n].data, &b.envs[b.n].len,
					&e) != 0) {
					record_free(&r);
					goto fail;
				}
				record_free(&r);
				b.n++;
			}
		}
	if (central_ingest(c, &b, &acks, &nacks, &added, &e) != 0)
		goto fail;
	free(acks);
	total = (long)added;
	for (j = 0; j < b.n; j++)
		free(b.envs[j].data);
	free(b.envs);
	return total;
fail:
	msg_warn(_("the sample interviews could not be stored: %s"), e.msg);
	for (j = 0; j < b.n; j++)
		free(b.envs[j].data);
	free(b.envs);
	return -1;
}

static int
store_turnover_hme(struct central *c, const struct config *cfg,
    const struct sample_params *sp)
{
	struct turnover_row *t;
	struct hme_row *h;
	struct err e;
	size_t nt, nh;
	int rc = 0;

	nt = sample_turnover(sp, cfg, &t);
	nh = sample_staff_hme(sp, cfg, &h);
	err_clear(&e);
	if (central_turnover_import(c, t, nt, "turnover import (demo)", &e) !=
		0 ||
	    central_hme_import(c, h, nh, "hme import (demo)", &e) != 0) {
		msg_warn(_("the sample turnover could not be stored: %s"),
		    e.msg);
		rc = EX_IOERR;
	}
	sample_free_turnover(t, nt);
	sample_free_staff_hme(h, nh);
	return rc;
}

/* The last DEMO_YEARS years the gate calls closed today. */
static void
demo_years(struct sample_params *sp)
{
	struct gate_params gp;
	unsigned y;

	gate_params_default(&gp);
	y = gp.now_year;
	while (y > 2000 && !gate_closed(&gp, y))
		y--;
	sp->seed = 2026;
	sp->year0 = y - (DEMO_YEARS - 1);
	sp->nyears = DEMO_YEARS;
	sp->open_year = y + 1;
}

int
cmd_demo(const struct cli_args *a)
{
	const char *lang = a->lang;
	char *dir = NULL, *home = NULL, *passfile = NULL, *keydir = NULL;
	char *pass_nl = NULL;
	struct config *cfg = NULL;
	struct form *f = NULL;
	struct form_diags d;
	struct central *c = NULL;
	struct sample_params sp;
	struct err e;
	uint8_t pk[KEY_PK_BYTES];
	int rc, open_dash = cli_arg(a, 'n') == NULL;
	long n;

	if (cli_arg(a, 'd') != NULL)
		dir = xstrdup(cli_arg(a, 'd'));
	if (dir == NULL) {
		const char *tmp = getenv("TMPDIR");
		char *tmpl = xasprintf("%s/avslut-hr-demo.XXXXXX",
		    tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");

		if (mkdtemp(tmpl) == NULL) {
			msg_warn(_("cannot create %s: %s: choose a directory "
				   "with --dir"),
			    tmpl, strerror(errno));
			free(tmpl);
			return EX_CANTCREAT;
		}
		dir = tmpl;
	}
	if ((rc = demo_dir(dir)) != 0)
		goto out;
	home = paths_join(dir, "home");
	if (setenv("AVSLUT_HOME", home, 1) != 0) {
		rc = EX_OSERR;
		goto out;
	}
	printf(_("EXEMPELDATA: a made-up region in %s (delete it when you "
		 "are done)\n"),
	    dir);
	if ((rc = write_config(&cfg)) != 0)
		goto out;
	passfile = paths_join(dir, "passphrase");
	pass_nl = xasprintf("%s\n", DEMO_PASS);
	if ((rc = write_text(passfile, pass_nl, strlen(pass_nl))) != 0)
		goto out;
	keydir = paths_data_dir("avslut-hr");
	err_clear(&e);
	if ((rc = key_generate(keydir, DEMO_PASS, KEY_KDF_TEST, pk, &e)) != 0) {
		msg_warn("%s", e.msg);
		rc = cli_exit_code(&e);
		goto out;
	}
	memset(&d, 0, sizeof d);
	f = form_load_buf("exit-interview.yaml",
	    (const char *)embed_forms_exit_interview_yaml,
	    embed_forms_exit_interview_yaml_len, &d);
	form_diags_free(&d);
	if (f == NULL) {
		msg_warn(_("the built-in form does not load"));
		rc = EX_SOFTWARE;
		goto out;
	}
	if (central_open(&c, NULL, CENTRAL_CREATE, &e) != 0) {
		msg_warn("%s", e.msg);
		rc = EX_IOERR;
		goto out;
	}
	if (central_form_add(c, f->id, f->version, f->hash,
		(const char *)embed_forms_exit_interview_yaml,
		embed_forms_exit_interview_yaml_len, &e) < 0) {
		msg_warn("%s", e.msg);
		rc = EX_IOERR;
		goto out;
	}
	demo_years(&sp);
	if ((n = store_interviews(c, cfg, f, &sp, pk)) < 0) {
		rc = EX_IOERR;
		goto out;
	}
	if ((rc = store_turnover_hme(c, cfg, &sp)) != 0)
		goto out;
	central_close(c);
	c = NULL;
	printf(_("%ld made-up interviews (%u-%u, a few in %u), turnover and "
		 "HME for %zu units.\n"),
	    n, sp.year0, sp.year0 + sp.nyears - 1, sp.open_year, cfg->nunits);
	printf(_("The demo HR key's passphrase is: %s\n"
		 "Open the dashboard again, or write a report, with:\n"
		 "  export AVSLUT_HOME=%s\n"
		 "  avslut-hr dashboard --passphrase-file %s\n"
		 "  avslut-hr report --year %u --format html --out report.html "
		 "--passphrase-file %s\n"),
	    DEMO_PASS, home, passfile, sp.year0 + sp.nyears - 1, passfile);
	fflush(stdout);
	if (open_dash && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		char *dargv[7];
		int k = 0;

		/* the dashboard as HR would open it, from the same table */
		dargv[k++] = (char *)"avslut-hr";
		dargv[k++] = (char *)"dashboard";
		dargv[k++] = (char *)"--passphrase-file";
		dargv[k++] = passfile;
		if (lang != NULL) {
			dargv[k++] = (char *)"--lang";
			dargv[k++] = (char *)lang;
		}
		dargv[k] = NULL;
		rc = cli_dispatch(cli_hr_cmds(), k, dargv);
	}
out:
	if (c != NULL)
		central_close(c);
	form_free(f);
	config_free(cfg);
	free(keydir);
	free(pass_nl);
	free(passfile);
	free(home);
	free(dir);
	return rc;
}
