/* cli_hr: opening central.db with the HR key unlocked and logged, the
 * progress bar, and the whole load that reports and the dashboard share. */
#include "cli/cli_hr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "report/cache.h"
#include "util/msg.h"
#include "util/xmem.h"
#include "util/i18n.h"

int
cli_hr_open_unlock(const char *db, const char *keyopt, const char *passfile,
    const char *what, struct central **c, struct key_hr **k)
{
	struct err e;
	char *line;
	int rc, lrc;

	*k = NULL;
	/* CENTRAL_VERIFY: a store changed outside avslut-hr is refused
	 * before anything is unlocked or shown (exit 65). */
	if ((rc = central_open(c, db, CENTRAL_VERIFY, &e)) != 0) {
		msg_warn("%s", e.msg);
		return cli_exit_code(&e);
	}
	rc = cli_hr_unlock(keyopt, passfile, k);
	if (rc == 0)
		line = xasprintf("unlock HR key: %s", what);
	else if (rc == EX_NOPERM)
		line = xasprintf("HR key unlock refused (wrong passphrase): %s",
		    what);
	else
		line = NULL;
	if (line != NULL) {
		lrc = central_log(*c, line, &e);
		free(line);
		if (lrc != 0) {
			msg_warn(
			    _("%s: nothing is done without the access log"),
			    e.msg);
			if (rc == 0)
				rc = cli_exit_code(&e);
		}
	}
	if (rc != 0) {
		key_hr_free(*k);
		*k = NULL;
		central_close(*c);
		*c = NULL;
	}
	return rc;
}

int
cli_hr_log_if_store(const char *db, const char *what)
{
	struct central *c;
	struct err e;
	int rc;

	if ((rc = central_open(&c, db, 0, &e)) != 0 && e.cls == ERR_NOINPUT)
		return 0;
	if (rc == 0) {
		rc = central_log(c, what, &e);
		central_close(c);
	}
	if (rc != 0) {
		msg_warn(_("%s: nothing is done without the access log"),
		    e.msg);
		return cli_exit_code(&e);
	}
	return 0;
}

static double
cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void
cli_progress(void *ctx, size_t done, size_t total)
{
	struct cli_progress *p = ctx;
	double t = cli_now();
	char bar[31];
	size_t fill, i;

	if (p->start == 0)
		p->start = t;
	if (!isatty(STDERR_FILENO))
		return;
	if (done >= total) {
		if (p->drawn)
			fputs("\r\033[K", stderr);
		p->drawn = 0;
		return;
	}
	/* Quick runs draw nothing; long ones about ten times a second. */
	if (t - p->start < 0.3 || t - p->last < 0.1)
		return;
	p->last = t;
	fill = total > 0 ? done * (sizeof bar - 1) / total : 0;
	for (i = 0; i < sizeof bar - 1; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[sizeof bar - 1] = '\0';
	fprintf(stderr, "\r%s: %s [%s] %3zu%% %zu/%zu", msg_prog(),
	    p->label != NULL ? p->label : "opening interviews", bar,
	    total > 0 ? done * 100 / total : 0, done, total);
	fflush(stderr);
	p->drawn = 1;
}

/* What was left out and why, on stderr: counts, then the first notes. */
static void
cli_hr_rejected(const struct hrload_result *r, size_t skipped_forms)
{
	size_t i;

	if (skipped_forms > 0)
		msg_warn(
		    _("warning: %zu approved forms no longer load to their "
		      "hash; their interviews are counted as rejected"),
		    skipped_forms);
	if (hrload_rejected(r) == 0)
		return;
	msg_warn(
	    _("warning: %zu of %zu interviews rejected (%zu unreadable, "
	      "%zu of forms not approved, %zu not fitting their form); they "
	      "are in no figure"),
	    hrload_rejected(r), r->total, r->unreadable, r->unapproved,
	    r->invalid);
	for (i = 0; i < r->nnotes; i++)
		fprintf(stderr, "  %s\n", r->notes[i]);
	if (r->notes_dropped > 0)
		fprintf(stderr, _("  ... and %zu more\n"), r->notes_dropped);
}

/* The leavers of row t that the region's turnover definition counts
 * (avslut-config(5): turnover.count_retirements, count_internal_moves);
 * def records which parts the rows gave and whether they count. */
static double
cli_hr_counted(const struct config *cfg, const struct turnover_row *t,
    struct cli_turnover_def *def)
{
	double n = t->leavers;

	def->count_retirements = cfg->turnover_count_retirements;
	def->count_internal = cfg->turnover_count_internal;
	if (t->retirements >= 0) {
		def->has_retirements = 1;
		if (!cfg->turnover_count_retirements)
			n -= t->retirements;
	}
	if (t->internal >= 0) {
		def->has_internal = 1;
		if (!cfg->turnover_count_internal)
			n -= t->internal;
	}
	return n > 0 ? n : 0;
}

/* Turnover and HME as the agg module takes them. */
static int
cli_hr_tables(struct cli_hr_data *d)
{
	struct turnover_row *t;
	struct hme_row *h;
	struct err e;
	size_t n, i;
	int rc;

	if ((rc = central_turnover_list(d->c, &t, &n, &e)) != 0) {
		msg_warn("%s", e.msg);
		return cli_exit_code(&e);
	}
	d->turnover = xcalloc(n > 0 ? n : 1, sizeof *d->turnover);
	d->turnover_all = xcalloc(n > 0 ? n : 1, sizeof *d->turnover_all);
	for (i = 0; i < n; i++) {
		d->turnover[i].unit = xstrdup(t[i].unit);
		d->turnover[i].year = t[i].year;
		d->turnover[i].headcount = t[i].headcount;
		d->turnover_all[i] = d->turnover[i];
		d->turnover_all[i].leavers = t[i].leavers;
		d->turnover[i].leavers = cli_hr_counted(d->cfg, &t[i],
		    &d->tdef);
	}
	d->nturnover = n;
	central_turnover_list_free(t, n);
	if ((rc = central_hme_list(d->c, &h, &n, &e)) != 0) {
		msg_warn("%s", e.msg);
		return cli_exit_code(&e);
	}
	d->hme = h; /* the store's rows, as the reports read them */
	d->nhme = n;
	return 0;
}

int
cli_hr_load(const char *db, const char *keyopt, const char *passfile,
    const char *what, struct cli_hr_data *d)
{
	struct cli_progress prog;
	struct hrload_opts o;
	struct agg_unit *units;
	struct err e;
	size_t i, skipped = 0;
	int rc;

	memset(d, 0, sizeof *d);
	if ((d->cfg = config_load("avslut-hr", &e)) == NULL) {
		msg_warn("%s", e.msg);
		return cli_exit_code(&e);
	}
	/* an empty store is said before any passphrase is asked for */
	{
		struct central *c0;
		size_t n = 0;

		if (central_open(&c0, db, CENTRAL_RDONLY, &e) == 0) {
			rc = central_env_count(c0, &n, &e);
			if (rc == 0 && n == 0)
				msg_warn(
				    _("%s holds no interviews yet: ingest the "
				      "laptops' bundles with avslut-hr ingest "
				      "first"),
				    central_path(c0));
			central_close(c0);
			if (rc == 0 && n == 0) {
				config_free(d->cfg);
				d->cfg = NULL;
				return EX_NOINPUT;
			}
		}
	}
	if ((rc = cli_hr_open_unlock(db, keyopt, passfile, what, &d->c,
		 &d->k)) != 0)
		goto fail;
	if ((rc = hrload_forms(d->c, &d->forms, &d->nforms, &skipped, &e)) !=
	    0) {
		msg_warn("%s", e.msg);
		rc = cli_exit_code(&e);
		goto fail;
	}
	units = xcalloc(d->cfg->nunits > 0 ? d->cfg->nunits : 1, sizeof *units);
	for (i = 0; i < d->cfg->nunits; i++) {
		units[i].code = d->cfg->units[i].code;
		units[i].name = d->cfg->units[i].name;
		units[i].area = d->cfg->units[i].area;
	}
	d->agg = agg_new((const struct form *const *)d->forms, d->nforms, units,
	    d->cfg->nunits, NULL);
	memcpy(d->pk, d->k->pk, sizeof d->pk);
	rc = release_set_open(&d->rel, d->c, d->k->pk, d->k->sk,
	    (const struct form *const *)d->forms, d->nforms, units,
	    d->cfg->nunits, &e);
	free(units);
	if (rc != 0) {
		msg_warn("%s", e.msg);
		rc = cli_exit_code(&e);
		goto fail;
	}
	memset(&prog, 0, sizeof prog);
	memset(&o, 0, sizeof o);
	o.progress = cli_progress;
	o.progress_ctx = &prog;
	o.tap = release_set_tap;
	o.tap_ctx = d->rel;
	/* the releases' part of the load is kept in the aggregate file */
	o.tap_digest = release_set_tap_digest;
	o.tap_put = release_set_tap_put;
	o.tap_get = release_set_tap_get;
	rc = cache_run(d->c, d->k->pk, d->k->sk,
	    (const struct form *const *)d->forms, d->nforms, d->agg, &o,
	    &d->res, &e);
	key_hr_free(d->k);
	d->k = NULL;
	if (rc != 0) {
		msg_warn("%s", e.msg);
		rc = cli_exit_code(&e);
		goto fail;
	}
	cli_hr_rejected(&d->res, skipped);
	if ((rc = cli_hr_tables(d)) != 0)
		goto fail;
	return 0;
fail:
	cli_hr_data_free(d);
	return rc;
}

void
cli_hr_data_free(struct cli_hr_data *d)
{
	size_t i;

	/* Releases recorded by the views change the set the aggregate file
	 * is bound to: written again, so that the next open uses it. */
	if (d->rel != NULL && d->agg != NULL && d->c != NULL &&
	    release_set_generation(d->rel) > 0)
		cache_keep(d->c, d->agg, d->rel);
	release_set_free(d->rel);
	agg_free(d->agg);
	hrload_forms_free(d->forms, d->nforms);
	hrload_result_free(&d->res);
	key_hr_free(d->k);
	central_close(d->c);
	config_free(d->cfg);
	for (i = 0; i < d->nturnover; i++)
		free(d->turnover[i].unit);
	free(d->turnover);
	free(d->turnover_all); /* its units are d->turnover's */
	central_hme_list_free(d->hme, d->nhme);
	memset(d, 0, sizeof *d);
}

int
cli_hr_table(struct cli_hr_data *d, unsigned y, const struct gate_params *gp,
    struct gate_table **t, struct release_info *info)
{
	struct err e;

	if (release_view(d->rel, d->c, d->pk, d->agg, y, gp, t, info, &e) !=
	    0) {
		msg_warn("%s", e.msg);
		return cli_exit_code(&e);
	}
	return 0;
}

void
cli_hr_gate_params(const struct cli_hr_data *d, struct gate_params *gp)
{
	gate_params_default(gp);
	gp->k = d->cfg->k;
	gp->text_k = d->cfg->text_k;
	gp->sensitive_t = d->cfg->sensitive_t;
	/* every leaver, whatever the definition counts: the gate holds a
	 * unit-year with more interviews than leavers implausible */
	gp->turnover = d->turnover_all;
	gp->nturnover = d->nturnover;
}
