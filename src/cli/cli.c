/* cli: helpers shared by the subcommands. */
#include "cli/cli.h"

#include <stdio.h>

#include "util/msg.h"

void
cli_version(void)
{
	printf("%s %s\n", msg_prog(), AVSLUT_VERSION);
}
