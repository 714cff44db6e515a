/* cmd_log: `avslut-hr log` shows the access log of central.db: when (UTC),
 * which OS user, and what (key unlocks, reports, exports, imports, purges). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>
#include <time.h>

#include "cli/cli.h"
#include "store/central.h"
#include "util/msg.h"
#include "util/i18n.h"

static void
log_usage(FILE *f)
{
	fputs(_("usage: avslut-hr log [--db FILE]\n"
	    "Show the access log: every unlock of the HR key (and every\n"
	    "refused passphrase), report, export, import, purge and change to\n"
	    "forms and interviewers, oldest first: time (UTC), OS user, what.\n"
	    "Ingests are not logged: a time beside a count would tell when\n"
	    "interviews arrived.\n\n"
	    "  --db FILE  the central store (default: the data directory's\n"
	    "             central.db)\n"
	    "  --help     show this help\n"
	    "Exit 0 on success, 64 usage, 66 no store, 74 I/O.\n"), f);
}

int
cmd_log(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct central_log_entry *v;
	struct central *c;
	struct err e;
	const char *db = NULL;
	char when[32];
	size_t n, i;
	time_t t;
	struct tm tm;
	int ch, rc;

	optind = 1;
	while ((ch = cli_getopt(&argc, argv, "h", opts)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'h':
			log_usage(stdout);
			return 0;
		default:
			log_usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		msg_warn(_("log: unexpected argument '%s': see avslut-hr log "
		    "--help"), argv[optind]);
		return EX_USAGE;
	}
	if ((rc = central_open(&c, db, CENTRAL_RDONLY, &e)) != 0) {
		msg_warn(_("log: %s"), e.msg);
		return cli_exit_code(&e);
	}
	rc = central_log_list(c, &v, &n, &e);
	central_close(c);
	if (rc != 0) {
		msg_warn(_("log: %s"), e.msg);
		return cli_exit_code(&e);
	}
	if (n == 0)
		fputs(_("the access log is empty\n"), stderr);
	for (i = 0; i < n; i++) {
		t = (time_t)v[i].time;
		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC",
		    &tm) == 0)
			snprintf(when, sizeof when, "%lld",
			    (long long)v[i].time);
		printf("%s\t%s\t%s\n", when, v[i].user, v[i].what);
	}
	central_log_list_free(v, n);
	return 0;
}
