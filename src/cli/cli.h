/* cli: the subcommands of both programs, each in its own cmd_*.c file,
 * and the option helpers they share. A command returns a sysexits code. */
#ifndef AVSLUT_CLI_H
#define AVSLUT_CLI_H

struct cli_cmd {
	const char *name;
	int (*run)(int argc, char **argv);	/* argv[0] is the name */
	const char *summary;			/* one line for --help */
};

/* avslut */
int cmd_check(int argc, char **argv);

/* avslut-hr */

/* Print "PROG VERSION" to stdout. */
void cli_version(void);

#endif
