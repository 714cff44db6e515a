/* cli: helpers shared by the subcommands. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "util/err.h"
#include "util/i18n.h"

#include "util/msg.h"

/* The option opts lists under exactly the name of arg ("--name" or
 * "--name=..."), or NULL. */
static const struct option *
cli_longopt(const struct option *opts, const char *arg)
{
	size_t n = strcspn(arg + 2, "=");

	for (; opts->name != NULL; opts++)
		if (strlen(opts->name) == n &&
		    strncmp(opts->name, arg + 2, n) == 0)
			return opts;
	return NULL;
}

/* Check every long option of argv before getopt_long sees any: exact
 * names only. A refused option is named up to its '=', never with what
 * follows (it may be a secret). Returns 0, or -1 after a message. */
static int
cli_check_longopts(int argc, char **argv, const char *shortopts,
    const struct option *opts)
{
	const struct option *o;
	const char *a, *s;
	/* argv[0] is the command, or the program itself (the home screen) */
	int i, top = strchr(argv[0], '/') != NULL ||
	    strcmp(argv[0], msg_prog()) == 0;

	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if (a[0] == '-' && a[1] != '-' && a[1] != '\0' && a[2] ==
		    '\0' && (s = strchr(shortopts, a[1])) != NULL &&
		    s[1] == ':') {
			i++;	/* "-t VALUE": the value is no option */
			continue;
		}
		if (strncmp(a, "--", 2) != 0)
			continue;
		if (strcmp(a, "--version") == 0)
			continue;
		if ((o = cli_longopt(opts, a)) != NULL)
			;
		else if (top) {
			msg_warn(_("unknown option '%.*s' (options are never "
			    "abbreviated): see %s --help"),
			    (int)strcspn(a, "="), a, msg_prog());
			return -1;
		} else {
			msg_warn(_("%s: unknown option '%.*s' (options are "
			    "never abbreviated): see %s %s --help"), argv[0],
			    (int)strcspn(a, "="), a, msg_prog(), argv[0]);
			return -1;
		}
		if (o->has_arg == required_argument && strchr(a, '=') == NULL)
			i++;	/* its value, whatever it looks like */
	}
	return 0;
}

/* --lang sv|en: set the language; for a command whose opts do not list
 * it, also take the option out of argv. Returns 0 or -1. */
static int
cli_take_lang(int *argc, char **argv, const struct option *opts)
{
	const char *v;
	int i, n, own = cli_longopt(opts, "--lang") != NULL;

	for (i = 1; i < *argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < *argc) {
			v = argv[i + 1];
			n = 2;
		} else if (strncmp(argv[i], "--lang=", 7) == 0) {
			v = argv[i] + 7;
			n = 1;
		} else
			continue;
		/* A command with its own --lang checks and uses it; its
		 * refusals of other options speak that language too. */
		if (own) {
			if (strcmp(v, "sv") == 0 || strcmp(v, "en") == 0)
				i18n_init(v);
			continue;
		}
		if (strcmp(v, "sv") != 0 && strcmp(v, "en") != 0) {
			msg_warn(_("--lang %s: use sv or en"), v);
			return -1;
		}
		i18n_init(v);
		memmove(argv + i, argv + i + n, (size_t)(*argc - i - n + 1) *
		    sizeof *argv);
		*argc -= n;
		i--;
	}
	return 0;
}

int
cli_getopt(int *argc, char **argv, const char *shortopts,
    const struct option *opts)
{
	static char **checked;
	int i;

	if (argv != checked || optind <= 1) {
		checked = argv;
		if (cli_take_lang(argc, argv, opts) == -1 ||
		    cli_check_longopts(*argc, argv, shortopts, opts) == -1) {
			checked = NULL;
			return '?';
		}
		for (i = 1; i < *argc && strcmp(argv[i], "--") != 0; i++)
			if (strcmp(argv[i], "--version") == 0 &&
			    cli_longopt(opts, argv[i]) == NULL) {
				cli_version();
				exit(0);
			}
	}
	return getopt_long(*argc, argv, shortopts, opts, NULL);
}

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
