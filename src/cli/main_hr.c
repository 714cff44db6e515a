/* avslut-hr: the HR reviewer's program. main() hardens the process and
 * dispatches to a subcommand. */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "util/msg.h"
#include "util/sec.h"
#include "util/i18n.h"

static const struct cli_cmd hr_cmds[] = {
	{ "keygen", cmd_keygen, N_("create the HR key pair") },
	{ "passwd", cmd_hr_passwd, N_("change the HR key passphrase") },
	{ "forms", cmd_forms, N_("approve forms, list the approved (add|list)") },
	{ "ingest", cmd_ingest, N_("store a signed bundle, answer with a receipt") },
	{ "interviewers", cmd_interviewers,
	    N_("register, list, revoke interviewer keys") },
	{ "turnover", cmd_turnover, N_("import staff turnover (import FILE.csv)") },
	{ "hme", cmd_hme, N_("import the staff survey's HME (import FILE.csv)") },
	{ "units", cmd_units, N_("list the units, their areas and data") },
	{ "log", cmd_log, N_("show the access log") },
	{ "purge", cmd_purge, N_("delete interviews of earlier years") },
	{ "dashboard", cmd_dashboard, N_("the per-unit dashboard (a terminal "
	    "screen)") },
	{ "report", cmd_report, N_("write the yearly report (md, csv, html)") },
	{ "audit", cmd_audit, N_("the disclosure audit of what reports show") },
	{ "demo", cmd_demo, N_("a throwaway sample region (EXEMPELDATA) and "
	    "its dashboard") },
	{ "releases", cmd_releases, N_("list the frozen releases of closed "
	    "years") },
	{ NULL, NULL, NULL },
};

static void
hr_usage(FILE *f)
{
	size_t i;

	fputs(_("usage: avslut-hr COMMAND [ARGS]\n"
	    "Anonymous exit interviews: the HR reviewer's program.\n\n"
	    "commands:\n"), f);
	for (i = 0; hr_cmds[i].name != NULL; i++)
		fprintf(f, "  %-14s %s\n", hr_cmds[i].name,
		    _(hr_cmds[i].summary));
	fputs(_("\n  --help     show this help\n"
	    "  --version  show the version\n"
	    "See avslut-hr(1).\n"), f);
}

int
main(int argc, char **argv)
{
	size_t i;

	setlocale(LC_ALL, "");
	i18n_init(NULL);	/* the locale's language; --lang overrides */
	msg_set_prog("avslut-hr");
	if (sec_init() == -1)
		msg_die(EX_SOFTWARE, _("cannot initialise libsodium"));
	if (argc < 2) {
		hr_usage(stderr);
		return EX_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		hr_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		cli_version();
		return 0;
	}
	for (i = 0; hr_cmds[i].name != NULL; i++)
		if (strcmp(argv[1], hr_cmds[i].name) == 0)
			return hr_cmds[i].run(argc - 1, argv + 1);
	/* Never past a '=': "--pass=SECRET" is no command, and no echo. */
	msg_warn(_("unknown command '%.*s': see avslut-hr --help"),
	    (int)strcspn(argv[1], "="), argv[1]);
	return EX_USAGE;
}
