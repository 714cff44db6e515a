/* avslut: the interviewer's program. main() hardens the process and
 * dispatches to a subcommand; without one it opens the home screen. */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "util/i18n.h"
#include "util/msg.h"
#include "util/sec.h"

static const struct cli_cmd avslut_cmds[] = {
	{ "check", cmd_check, N_("validate form files (avslut-form(5))") },
	{ "print", cmd_print, N_("print a form for approval, or its codebook") },
	{ "init", cmd_init, N_("set up the interviewer profile") },
	{ "passwd", cmd_passwd, N_("change the profile passphrase") },
	{ "sync", cmd_sync, N_("send sealed interviews to HR") },
	{ "export", cmd_export, N_("write sealed interviews to a bundle file") },
	{ "receipt", cmd_receipt, N_("read HR's receipt for an export") },
	{ "status", cmd_status, N_("what waits, was exported, last sync") },
	{ "interview", cmd_interview, N_("start a new interview at once") },
	{ NULL, NULL, NULL },
};

static void
avslut_usage(FILE *f)
{
	size_t i;

	fputs(_("usage: avslut [--lang sv|en] [--passphrase-file FILE]\n"
	    "       avslut [--lang sv|en] COMMAND [ARGS]\n"
	    "Anonymous exit interviews: the interviewer's program. With no\n"
	    "command, the start screen: drafts to resume, a new interview.\n\n"
	    "commands:\n"), f);
	for (i = 0; avslut_cmds[i].name != NULL; i++)
		fprintf(f, "  %-10s %s\n", avslut_cmds[i].name,
		    _(avslut_cmds[i].summary));
	fputs(_("\n  --help     show this help\n"
	    "  --version  show the version\n"
	    "See avslut(1).\n"), f);
}

int
main(int argc, char **argv)
{
	size_t i;

	setlocale(LC_ALL, "");
	msg_set_prog("avslut");
	if (sec_init() == -1)
		msg_die(EX_SOFTWARE, _("cannot initialise libsodium"));
	i18n_init(NULL);
	/* avslut [--lang sv|en] COMMAND: the language for every command */
	while (argc >= 3 && strcmp(argv[1], "--lang") == 0 &&
	    argv[2][0] != '\0' && argv[2][0] != '-' && argc > 3 &&
	    argv[3][0] != '-') {
		i18n_init(argv[2]);
		argv[2] = argv[0];
		argc -= 2;
		argv += 2;
	}
	/* no command, or only options: the home screen */
	if (argc < 2 || (argv[1][0] == '-' && strcmp(argv[1], "--help") &&
	    strcmp(argv[1], "-h") && strcmp(argv[1], "--version")))
		return cmd_home(argc, argv);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		avslut_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		cli_version();
		return 0;
	}
	for (i = 0; avslut_cmds[i].name != NULL; i++)
		if (strcmp(argv[1], avslut_cmds[i].name) == 0)
			return avslut_cmds[i].run(argc - 1, argv + 1);
	msg_warn(_("unknown command '%.*s': see avslut --help"),
	    (int)strcspn(argv[1], "="), argv[1]);
	return EX_USAGE;
}
