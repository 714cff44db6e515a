/* cmd_import: `avslut-hr turnover import FILE.csv` and `avslut-hr hme
 * import FILE.csv`: HR's own tables per unit and year, read by csvin and
 * stored in central.db, all rows or (if any line is wrong) none, with
 * every wrong line named. One path for both; a kind says what differs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "config/config.h"
#include "report/csvin.h"
#include "store/central.h"
#include "util/fsx.h"
#include "util/i18n.h"
#include "util/msg.h"
#include "util/xmem.h"

/* What the two imports do differently. */
struct import_kind {
	const char *name; /* the command: "turnover", "hme" */
	const char *done; /* N_(): "imported ... from %s: %zu rows\n" */
	enum csvin_kind kind;
	int (*store)(struct central *c, const struct csvin_rows *rows,
	    const char *what, struct err *e);
};

static int
import_turnover(struct central *c, const struct csvin_rows *rows,
    const char *what, struct err *e)
{
	return central_turnover_import(c, rows->t, rows->n, what, e);
}

static int
import_hme(struct central *c, const struct csvin_rows *rows, const char *what,
    struct err *e)
{
	return central_hme_import(c, rows->h, rows->n, what, e);
}

static const struct import_kind import_kinds[] = {
	{ "turnover", N_("imported turnover from %s: %zu rows\n"),
	    CSVIN_TURNOVER, import_turnover },
	{ "hme", N_("imported staff-survey HME from %s: %zu rows\n"), CSVIN_HME,
	    import_hme },
};

static void
import_diags(const struct csvin_diags *d, const char *prefix)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		msg_warn("%s%s", prefix, d->msg[i]);
	if (d->dropped > 0)
		msg_warn(_("%s%zu more not shown"), prefix, d->dropped);
}

static int
import_file(const struct import_kind *k, const char *db, const char *path)
{
	struct csvin_diags errs, warns;
	struct config *cfg;
	struct central *c;
	struct err e;
	const char **units, **names, *enc;
	struct csvin_src src;
	struct csvin_rows rows;
	char *buf, *what;
	size_t len, n, i;
	int rc;

	if ((cfg = config_load("avslut-hr", &e)) == NULL) {
		msg_warn(_("%s import: %s"), k->name, e.msg);
		return cli_exit_code(&e);
	}
	if (fsx_read_file(path, CSVIN_MAX_BYTES, &buf, &len, &e) != 0) {
		msg_warn(_("%s import: %s: check the path"), k->name, e.msg);
		config_free(cfg);
		return cli_exit_code(&e);
	}
	units = xcalloc(cfg->nunits + 1, sizeof *units);
	names = xcalloc(cfg->nunits + 1, sizeof *names);
	for (i = 0; i < cfg->nunits; i++) {
		units[i] = cfg->units[i].code;
		names[i] = cfg->units[i].name;
	}
	enc = csvin_encoding(buf, len);
	src = (struct csvin_src){ path, buf, len, units, names, cfg->nunits };
	rc = csvin_read(k->kind, &src, &rows, &errs, &warns);
	free(units);
	free(names);
	free(buf);
	config_free(cfg);
	import_diags(&warns, _("warning: "));
	csvin_diags_free(&warns);
	if (rc != 0) {
		import_diags(&errs, "");
		csvin_diags_free(&errs);
		msg_warn(_("%s import: %s has errors: nothing was imported"),
		    k->name, path);
		return EX_DATAERR;
	}
	csvin_diags_free(&errs);
	what = xasprintf("%s import: %zu rows", k->name, rows.n);
	if ((rc = central_open(&c, db, CENTRAL_CREATE, &e)) == 0) {
		rc = k->store(c, &rows, what, &e);
		central_close(c);
	}
	free(what);
	n = rows.n;
	csvin_rows_free(&rows);
	if (rc != 0) {
		msg_warn(_("%s import: %s"), k->name, e.msg);
		return cli_exit_code(&e);
	}
	if (strcmp(enc, "UTF-8") != 0)
		printf(_("read the file as %s\n"), enc);
	printf(_(k->done), path, n);
	return 0;
}

int
cmd_import(const struct cli_args *a)
{
	const struct import_kind *k = NULL;
	size_t i;

	for (i = 0; i < sizeof import_kinds / sizeof import_kinds[0]; i++)
		if (strcmp(a->cmd->name, import_kinds[i].name) == 0)
			k = &import_kinds[i];
	if (k == NULL)
		return EX_SOFTWARE;
	if (a->argc == 2 && strcmp(a->argv[0], "import") == 0)
		return import_file(k, a->db, a->argv[1]);
	msg_warn(_("%s: expected 'import FILE.csv': see avslut-hr %s --help"),
	    k->name, k->name);
	return EX_USAGE;
}
