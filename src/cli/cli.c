/* cli: helpers shared by the subcommands. */
#include "cli/cli.h"

#include <stdio.h>
#include <sysexits.h>

#include "util/err.h"

#include "util/msg.h"

void
cli_version(void)
{
	printf("%s %s\n", msg_prog(), AVSLUT_VERSION);
}

int
cli_exit_code(const struct err *e)
{
	static const int code[ERR_NCLASS] = {
		[ERR_SOFTWARE] = EX_SOFTWARE, [ERR_USAGE] = EX_USAGE,
		[ERR_DATA] = EX_DATAERR, [ERR_NOINPUT] = EX_NOINPUT,
		[ERR_UNAVAILABLE] = EX_UNAVAILABLE,
		[ERR_EXISTS] = EX_CANTCREAT, [ERR_IO] = EX_IOERR,
		[ERR_FULL] = EX_IOERR, [ERR_BUSY] = EX_TEMPFAIL,
		[ERR_PERM] = EX_NOPERM, [ERR_CONFIG] = EX_CONFIG,
	};

	return (unsigned)e->cls < ERR_NCLASS ? code[e->cls] : EX_SOFTWARE;
}

int
cli_exit_code_or(const struct err *e, int legacy)
{
	return e->cls != ERR_SOFTWARE ? cli_exit_code(e) : legacy;
}
