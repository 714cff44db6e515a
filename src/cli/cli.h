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
int cmd_print(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_passwd(int argc, char **argv);
int cmd_sync(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_receipt(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_interview(int argc, char **argv);
/* avslut with no command (or only options): the home screen. */
int cmd_home(int argc, char **argv);

/* avslut-hr */
int cmd_keygen(int argc, char **argv);
int cmd_hr_passwd(int argc, char **argv);
int cmd_forms(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_interviewers(int argc, char **argv);
int cmd_units(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_releases(int argc, char **argv);
int cmd_purge(int argc, char **argv);
int cmd_dashboard(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_turnover(int argc, char **argv);
int cmd_hme(int argc, char **argv);
int cmd_demo(int argc, char **argv);

/* Print "PROG VERSION" to stdout. */
void cli_version(void);

/* getopt_long for every command, with the rules both programs share:
 * long options match exactly (GNU getopt would take "--pass" for
 * "--passphrase-file" and the secret typed after it for a file name);
 * an unknown option is named without its value; --version works on
 * every command (it prints the version and exits 0) and --lang sv|en
 * sets the language of its messages, whether or not opts lists them
 * (--lang is then taken out of argv and *argc). Returns what getopt_long
 * returns, '?' after a message for a refused option. Use it as
 * getopt_long, from optind = 1. */
struct option;
int cli_getopt(int *argc, char **argv, const char *shortopts,
    const struct option *opts);

/* The one mapping of error classes to sysexits (util/err.h): usage 64,
 * data 65, noinput 66, unavailable 69, software 70, exists 73, io and
 * full 74, busy 75, perm 77, config 78. */
struct err;
int cli_exit_code(const struct err *e);
/* For modules not yet migrated (store/central, sync): e's class when the
 * module set one, else legacy, the code its old mapping gave. */
int cli_exit_code_or(const struct err *e, int legacy);

/* Keys (cli_keys.c). The unlock helpers ask for the passphrase (terminal,
 * or line 1 of passfile / $AVSLUT_PASSPHRASE_FILE), print what went wrong
 * and return the exit code to use (cli_exit_code): 0, or 77 for a wrong
 * passphrase, 65 for a damaged file, 66 when there is none, 74 for I/O. */
struct key_hr;
struct profile;
#define CLI_PASS_MIN 8	/* bytes a new passphrase needs at least */
/* --key, or paths_data_dir("avslut-hr")/hr.key; caller frees. */
char *cli_hr_key_path(const char *opt);
int cli_hr_unlock(const char *keyopt, const char *passfile,
    struct key_hr **k);
/* Unlock the profile in paths_data_dir("avslut"); profile_free it. */
int cli_profile_unlock(const char *passfile, struct profile **p);
/* A passphrase (pass_free it) or NULL after a message. cli_new_pass asks
 * twice on a terminal and refuses one shorter than CLI_PASS_MIN. */
char *cli_pass(const char *prompt, const char *file, int line);
char *cli_new_pass(const char *prompt, const char *file, int line);
/* The warning every use of a --kdf test file prints. */
void cli_kdf_warn(const char *what);

#endif
