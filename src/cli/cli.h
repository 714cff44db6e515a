/* cli: the subcommands of both programs, each in its own cmd_*.c file,
 * and the option helpers they share. A command returns a sysexits code. */
#ifndef AVSLUT_CLI_H
#define AVSLUT_CLI_H

#include <stdio.h>

#include "crypto/key.h"

/* Options several commands take, parsed, checked and explained in one
 * place (cli.c): a command's table entry names the ones it takes. */
#define CLI_DB 0x1   /* --db FILE: the central store */
#define CLI_KEY 0x2  /* --key FILE: the HR key file */
#define CLI_PASS 0x4 /* --passphrase-file FILE */
#define CLI_LANG 0x8 /* --lang sv|en, checked and set */

#define CLI_MAXOPT 8

/* One option of the command's own: --name (and -ch when shortopt). */
struct cli_opt {
	const char *name;
	int ch;		     /* the key for cli_arg(), a letter */
	const char *metavar; /* N_("FILE"): takes a value; NULL: a flag */
	int shortopt;	     /* -ch works too */
	const char *help;    /* N_(): one line of --help, wrapped */
};

struct cli_args;

/* A subcommand, as one entry of its program's table (main_avslut.c,
 * main_hr.c). The usage and --help text are made from the entry, so
 * they name exactly the options the parser takes. */
struct cli_cmd {
	const char *name; /* NULL ends a table; "" the bare program */
	int (*run)(const struct cli_args *a);
	/* N_(): what follows the name in usage, one form a line; a form's
	 * leading verb ("add", "import") comes before the shared options */
	const char *synopsis;
	const char *summary; /* N_(): one line for the program's --help */
	const char *help;    /* N_(): what it does (its options: opts) */
	unsigned shared;     /* CLI_DB | CLI_KEY | CLI_PASS | CLI_LANG */
	/* CLI_ARGS: the command checks its operands (verbs, files); else
	 * none is taken and cli_cmd_run refuses one */
	int operands;
	struct cli_opt opts[CLI_MAXOPT]; /* own options, to { NULL } */
};
#define CLI_ARGS 1

/* What cli_cmd_run parsed for a command's run(). */
struct cli_args {
	const struct cli_cmd *cmd;
	const char *db, *key, *passfile, *lang; /* NULL: not given */
	const char *val[CLI_MAXOPT]; /* own options: the value, "" for a
					 * flag given, NULL if not given */
	int argc;		     /* the operands */
	char **argv;
};

/* The value of the command's own option ch (see struct cli_args). */
const char *cli_arg(const struct cli_args *a, int ch);
/* Parse argv (argv[0] the command's name) by cmd's entry and run it:
 * --help prints the usage (exit 0); a refused option prints the usage
 * lines on stderr (64). Returns the exit code. */
int cli_cmd_run(const struct cli_cmd *cmd, int argc, char **argv);
/* The usage of cmd: its usage lines, its help, the shared options it
 * takes, --help, --version and where the exit statuses are. */
void cli_usage(FILE *f, const struct cli_cmd *cmd);
/* The usage lines only ("usage: avslut-hr report [--db FILE] ..."). */
void cli_usage_lines(FILE *f, const struct cli_cmd *cmd);
/* A program's --help: about (N_()), then each command with its summary. */
void cli_prog_usage(FILE *f, const char *about, const struct cli_cmd *cmds);
/* --kdf's value: 1 and *kdf set, 0 if not given, or -1 after a
 * message (a usage error). */
int cli_kdf(const struct cli_args *a, int ch, enum key_kdf *kdf);
/* --year's value: 0, or -1 after "CMD: --year S is not a year". */
int cli_year(const char *cmd, const char *s, unsigned *y);
/* The programs' tables (cli_cmds.c), each ending with { NULL }; the
 * entry named "" is avslut without a command (the home screen). */
const struct cli_cmd *cli_avslut_cmds(void);
const struct cli_cmd *cli_hr_cmds(void);
/* Dispatch argv[1] to its entry of cmds; an unknown name is 64. */
int cli_dispatch(const struct cli_cmd *cmds, int argc, char **argv);

/* avslut */
int cmd_check(const struct cli_args *a);
int cmd_print(const struct cli_args *a);
int cmd_init(const struct cli_args *a);
int cmd_passwd(const struct cli_args *a);
int cmd_sync(const struct cli_args *a);
int cmd_export(const struct cli_args *a);
int cmd_receipt(const struct cli_args *a);
int cmd_status(const struct cli_args *a);
int cmd_interview(const struct cli_args *a);
/* avslut with no command (or only options): the home screen. */
int cmd_home(const struct cli_args *a);

/* avslut-hr */
int cmd_keygen(const struct cli_args *a);
int cmd_hr_passwd(const struct cli_args *a);
int cmd_forms(const struct cli_args *a);
int cmd_ingest(const struct cli_args *a);
int cmd_interviewers(const struct cli_args *a);
int cmd_units(const struct cli_args *a);
int cmd_log(const struct cli_args *a);
int cmd_releases(const struct cli_args *a);
int cmd_purge(const struct cli_args *a);
int cmd_dashboard(const struct cli_args *a);
int cmd_report(const struct cli_args *a);
int cmd_audit(const struct cli_args *a);
/* turnover import, hme import: by the entry's name */
int cmd_import(const struct cli_args *a);
int cmd_demo(const struct cli_args *a);

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

/* The exit status of e's class (err_exit_status, util/err.h): usage 64,
 * data 65, noinput 66, unavailable 69, software 70, exists 73, io and
 * full 74, busy 75, perm 77, config 78. */
struct err;
int cli_exit_code(const struct err *e);

/* Keys (cli_keys.c). The unlock helpers ask for the passphrase (terminal,
 * or line 1 of passfile / $AVSLUT_PASSPHRASE_FILE), print what went wrong
 * and return the exit code to use (cli_exit_code): 0, or 77 for a wrong
 * passphrase, 65 for a damaged file, 66 when there is none, 74 for I/O. */
struct key_hr;
struct profile;
#define CLI_PASS_MIN 8 /* bytes a new passphrase needs at least */
/* --key, or paths_data_dir("avslut-hr")/hr.key; caller frees. */
char *cli_hr_key_path(const char *opt);
int cli_hr_unlock(const char *keyopt, const char *passfile, struct key_hr **k);
/* Is hr.key at path there and whole (key_peek)? Said before any
 * passphrase is asked for: 0 and *kdf_test set, or the exit code after
 * a message (with how to make a missing one). */
int cli_hr_key_check(const char *path, int *kdf_test);
/* paths_data_dir("avslut") if it holds a profile (caller frees), else
 * NULL after saying how to make one (exit 66): "CMD: this laptop has no
 * interviewer profile yet", or without cmd where it looked. */
char *cli_profile_dir(const char *cmd);
/* Unlock the profile in paths_data_dir("avslut"); profile_free it. */
int cli_profile_unlock(const char *passfile, struct profile **p);
/* A passphrase (pass_free it) or NULL after a message. cli_new_pass asks
 * twice on a terminal and refuses one shorter than CLI_PASS_MIN. */
char *cli_pass(const char *prompt, const char *file, int line);
char *cli_new_pass(const char *prompt, const char *file, int line);
/* The warning every use of a --kdf test file prints. */
void cli_kdf_warn(const char *what);

/* This laptop's outbox (cli_outbox.c): the data directory
 * (*dir, cli_profile_dir(cmd)), the sync lock on it (*lock: sync_unlock
 * it) and its outbox opened (*ob: outbox_close it); 0, or the exit code
 * after "CMD: why", with what was taken left in *dir, *lock (-1: none)
 * and *ob (NULL: none) for the caller to release. */
struct outbox;
int cli_outbox_open(const char *cmd, char **dir, int *lock, struct outbox **ob);

#endif
