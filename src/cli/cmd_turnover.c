/* cmd_turnover: `avslut-hr turnover import FILE.csv` stores each unit's
 * average headcount and leavers per year: all rows or, if any line is
 * wrong, none, with every wrong line named. */
#include <getopt.h>
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

static void
turnover_usage(FILE *f)
{
	fputs(_("usage: avslut-hr turnover import [--db FILE] FILE.csv\n"
	    "Import staff turnover: one line per unit and year with the\n"
	    "unit code, the year, the average headcount and the number of\n"
	    "leavers, separated by ';' or ','; a decimal comma is fine, and\n"
	    "so are a header line, a byte order mark and CRLF line ends.\n"
	    "Rows replace those of the same unit and year already stored.\n"
	    "A file with any error (unknown unit, duplicate row, negative or\n"
	    "non-numeric value) imports nothing; every error is shown with\n"
	    "its line. Turnover above 100 % is imported with a warning.\n\n"
	    "  --db FILE  the central store (default: the data directory's\n"
	    "             central.db)\n"
	    "  --help     show this help\n"
	    "Exit 0 on success, 64 usage, 65 errors in the file, 66 no such\n"
	    "file, 74 I/O, 77 permission, 78 bad config.\n"), f);
}

static void
turnover_diags(const struct csvin_diags *d, const char *prefix)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		msg_warn("%s%s", prefix, d->msg[i]);
	if (d->dropped > 0)
		msg_warn(_("%s%zu more not shown"), prefix, d->dropped);
}

static int
turnover_import(const char *db, const char *path)
{
	struct csvin_diags errs, warns;
	struct central_turnover *rows;
	struct agg_turnover *t = NULL;
	struct config *cfg;
	struct central *c;
	struct err e;
	const char **units, **names, *enc;
	char *buf, *what;
	size_t len, n = 0, i;
	int rc;

	if ((cfg = config_load("avslut-hr", &e)) == NULL) {
		msg_warn(_("turnover import: %s"), e.msg);
		return cli_exit_code(&e);
	}
	if (fsx_read_file(path, CSVIN_MAX_BYTES, &buf, &len, &e) != 0) {
		msg_warn(_("turnover import: %s: check the path"), e.msg);
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
	rc = csvin_turnover(path, buf, len, units, names, cfg->nunits, &t, &n, &errs,
	    &warns);
	free(units);
	free(names);
	free(buf);
	config_free(cfg);
	turnover_diags(&warns, "warning: ");
	csvin_diags_free(&warns);
	if (rc != 0) {
		turnover_diags(&errs, "");
		csvin_diags_free(&errs);
		msg_warn(_("turnover import: %s has errors: nothing was "
		    "imported"), path);
		return EX_DATAERR;
	}
	csvin_diags_free(&errs);
	rows = xcalloc(n + 1, sizeof *rows);
	for (i = 0; i < n; i++) {
		rows[i].unit = t[i].unit;
		rows[i].year = t[i].year;
		rows[i].headcount = t[i].headcount;
		rows[i].leavers = t[i].leavers;
	}
	what = xasprintf("turnover import: %zu rows", n);
	if ((rc = central_open(&c, db, CENTRAL_CREATE, &e)) == 0) {
		rc = central_turnover_import(c, rows, n, what, &e);
		central_close(c);
	}
	free(what);
	free(rows);
	csvin_turnover_free(t, n);
	if (rc != 0) {
		msg_warn(_("turnover import: %s"), e.msg);
		return cli_exit_code(&e);
	}
	if (strcmp(enc, "UTF-8") != 0)
		printf(_("read the file as %s\n"), enc);
	printf(_("imported turnover from %s: %zu rows\n"), path, n);
	return 0;
}

int
cmd_turnover(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = NULL;
	int ch;

	optind = 1;
	while ((ch = cli_getopt(&argc, argv, "h", opts)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'h':
			turnover_usage(stdout);
			return 0;
		default:
			turnover_usage(stderr);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 2 && strcmp(argv[0], "import") == 0)
		return turnover_import(db, argv[1]);
	msg_warn(_("turnover: expected 'import FILE.csv': see avslut-hr "
	    "turnover --help"));
	return EX_USAGE;
}
