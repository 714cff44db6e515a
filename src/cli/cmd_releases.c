/* cmd_releases: `avslut-hr releases`: the frozen releases of closed years
 * (year, revision, date, interviews, interviews held back since, the
 * digest of the unit-to-area map). Held-back counts need every envelope
 * opened, so the key is unlocked and the unlock logged. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "cli/cli_hr.h"
#include "report/release.h"
#include "util/i18n.h"
#include "util/msg.h"

static void
releases_usage(FILE *f)
{
	fputs(_("usage: avslut-hr releases [--db FILE] [--key FILE]\n"
	    "           [--passphrase-file FILE]\n"
	    "List the releases: the first view of a closed year (report,\n"
	    "dashboard, CSV) freezes its figures as release 1; later views\n"
	    "show that release. Interviews of the year that arrive after it\n"
	    "are held back until a revision reveals nothing about them.\n"
	    "One line per release, tab-separated: year, revision, date\n"
	    "(UTC), interviews, held back (newest revision of a year only),\n"
	    "digest of the unit-to-area map it was made with.\n\n"
	    "  --db FILE              the central store\n"
	    "  --key FILE             the HR key file\n"
	    "  --passphrase-file FILE read the passphrase from line 1\n"
	    "  --help                 show this help\n"
	    "Exit 0 on success, 64 usage, 65 a release that does not open,\n"
	    "66 no store, 74 I/O, 77 wrong passphrase. See avslut-hr(1) and\n"
	    "avslut-report(5).\n"), f);
}

int
cmd_releases(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "key", required_argument, NULL, 'k' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = NULL, *key = NULL, *pass = NULL;
	const struct release_entry *v;
	struct cli_hr_data d;
	size_t n, i;
	int ch, rc;

	optind = 1;
	while ((ch = cli_getopt(&argc, argv, "h", opts)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'p':
			pass = optarg;
			break;
		case 'h':
			releases_usage(stdout);
			return 0;
		default:
			releases_usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		msg_warn(_("releases: unexpected argument '%s': see avslut-hr "
		    "releases --help"), argv[optind]);
		return EX_USAGE;
	}
	if ((rc = cli_hr_load(db, key, pass, "releases", &d)) != 0)
		return rc;
	n = release_list(d.rel, &v);
	if (n == 0)
		fputs(_("no releases yet: the first report or dashboard of a "
		    "closed year makes one\n"), stderr);
	else
		printf("%s\n", _("year\trevision\tdate\tinterviews\theld "
		    "back\tarea map"));
	for (i = 0; i < n; i++)
		printf("%u\t%u\t%s\t%u\t%u\t%.16s\n", v[i].year, v[i].revision,
		    v[i].date, (unsigned)v[i].interviews,
		    (unsigned)v[i].held, v[i].mapdigest);
	if (fflush(stdout) != 0) {
		msg_warn(_("releases: cannot write to stdout"));
		rc = EX_IOERR;
	}
	cli_hr_data_free(&d);
	return rc;
}
