/* avslut-hr: the HR reviewer's program. main() hardens the process and
 * dispatches to a subcommand of the table (cli_cmds.c). */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "util/msg.h"
#include "util/sec.h"
#include "util/i18n.h"

static const char *const hr_about = N_(
    "usage: avslut-hr COMMAND [ARGS]\n"
    "Anonymous exit interviews: the HR reviewer's program.\n");

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	i18n_init(NULL); /* the locale's language; --lang overrides */
	msg_set_prog("avslut-hr");
	if (sec_init() == -1)
		msg_die(EX_SOFTWARE, _("cannot initialise libsodium"));
	if (argc < 2) {
		cli_prog_usage(stderr, hr_about, cli_hr_cmds());
		return EX_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli_prog_usage(stdout, hr_about, cli_hr_cmds());
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		cli_version();
		return 0;
	}
	return cli_dispatch(cli_hr_cmds(), argc, argv);
}
