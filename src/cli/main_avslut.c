/* avslut: the interviewer's program. main() hardens the process and
 * dispatches to a subcommand of the table (cli_cmds.c); without one it
 * opens the home screen. */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "util/i18n.h"
#include "util/msg.h"
#include "util/sec.h"

static const char *const avslut_about = N_(
    "usage: avslut [--lang sv|en] "
    "[--passphrase-file FILE]\n"
    "       avslut [--lang sv|en] COMMAND [ARGS]\n"
    "Anonymous exit interviews: the interviewer's program. With no\n"
    "command, the start screen: drafts to resume, a new interview.\n");

int
main(int argc, char **argv)
{
	const struct cli_cmd *cmds;

	setlocale(LC_ALL, "");
	msg_set_prog("avslut");
	if (sec_init() == -1)
		msg_die(EX_SOFTWARE, _("cannot initialise libsodium"));
	i18n_init(NULL);
	cmds = cli_avslut_cmds();
	/* avslut [--lang sv|en] COMMAND: the language for every command */
	while (argc >= 3 && strcmp(argv[1], "--lang") == 0 &&
	    argv[2][0] != '\0' && argv[2][0] != '-' && argc > 3 &&
	    argv[3][0] != '-') {
		i18n_init(argv[2]);
		argv[2] = argv[0];
		argc -= 2;
		argv += 2;
	}
	/* no command, or only options: the home screen (the "" entry) */
	if (argc < 2 ||
	    (argv[1][0] == '-' && strcmp(argv[1], "--help") &&
		strcmp(argv[1], "-h") && strcmp(argv[1], "--version")))
		return cli_cmd_run(&cmds[0], argc, argv);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli_prog_usage(stdout, avslut_about, cmds);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		cli_version();
		return 0;
	}
	return cli_dispatch(cmds, argc, argv);
}
