/* cmd_hme: `avslut-hr hme import FILE.csv` stores each unit's staff-survey
 * HME per year, to stand beside the leavers' HME: all rows or none. */
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
hme_usage(FILE *f)
{
	fputs(_("usage: avslut-hr hme import [--db FILE] FILE.csv\n"
	    "Import the staff survey's HME (Hållbart medarbetarengagemang):\n"
	    "one line per unit and year with the unit code, the year, the\n"
	    "HME total and its sub-indices motivation, ledarskap and\n"
	    "styrning (each 0..100), separated by ';' or ','; a decimal\n"
	    "comma, a header line, a byte order mark and CRLF are fine.\n"
	    "Rows replace those of the same unit and year already stored.\n"
	    "A file with any error imports nothing; every error is shown\n"
	    "with its line.\n\n"
	    "  --db FILE  the central store (default: the data directory's\n"
	    "             central.db)\n"
	    "  --help     show this help\n"
	    "Exit 0 on success, 64 usage, 65 errors in the file, 66 no such\n"
	    "file, 74 I/O, 77 permission, 78 bad config.\n"), f);
}

static int
hme_import(const char *db, const char *path)
{
	struct csvin_diags errs;
	struct central_hme *rows;
	struct agg_staff_hme *h = NULL;
	struct config *cfg;
	struct central *c;
	struct err e;
	const char **units, **names, *enc;
	char *buf, *what;
	size_t len, n = 0, i;
	int rc;

	if ((cfg = config_load("avslut-hr", &e)) == NULL) {
		msg_warn(_("hme import: %s"), e.msg);
		return cli_exit_code(&e);
	}
	if (fsx_read_file(path, CSVIN_MAX_BYTES, &buf, &len, &e) != 0) {
		msg_warn(_("hme import: %s: check the path"), e.msg);
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
	rc = csvin_hme(path, buf, len, units, names, cfg->nunits, &h, &n, &errs);
	free(units);
	free(names);
	free(buf);
	config_free(cfg);
	if (rc != 0) {
		for (i = 0; i < errs.n; i++)
			msg_warn("%s", errs.msg[i]);
		if (errs.dropped > 0)
			msg_warn(_("%zu more not shown"), errs.dropped);
		csvin_diags_free(&errs);
		msg_warn(_("hme import: %s has errors: nothing was imported"),
		    path);
		return EX_DATAERR;
	}
	csvin_diags_free(&errs);
	rows = xcalloc(n + 1, sizeof *rows);
	for (i = 0; i < n; i++) {
		rows[i].unit = h[i].unit;
		rows[i].year = h[i].year;
		rows[i].hme = h[i].hme;
		rows[i].motivation = h[i].motivation;
		rows[i].ledarskap = h[i].ledarskap;
		rows[i].styrning = h[i].styrning;
	}
	what = xasprintf("hme import: %zu rows", n);
	if ((rc = central_open(&c, db, CENTRAL_CREATE, &e)) == 0) {
		rc = central_hme_import(c, rows, n, what, &e);
		central_close(c);
	}
	free(what);
	free(rows);
	csvin_hme_free(h, n);
	if (rc != 0) {
		msg_warn(_("hme import: %s"), e.msg);
		return cli_exit_code(&e);
	}
	if (strcmp(enc, "UTF-8") != 0)
		printf(_("read the file as %s\n"), enc);
	printf(_("imported staff-survey HME from %s: %zu rows\n"), path, n);
	return 0;
}

int
cmd_hme(int argc, char **argv)
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
			hme_usage(stdout);
			return 0;
		default:
			hme_usage(stderr);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 2 && strcmp(argv[0], "import") == 0)
		return hme_import(db, argv[1]);
	msg_warn(_("hme: expected 'import FILE.csv': see avslut-hr hme --help"));
	return EX_USAGE;
}
