/* cli: helpers shared by the subcommands. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "crypto/key.h"
#include "util/err.h"
#include "util/i18n.h"

#include "util/msg.h"
#include "util/xmem.h"

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
	int i,
	    top = strchr(argv[0], '/') != NULL ||
	    strcmp(argv[0], msg_prog()) == 0;

	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if (a[0] == '-' && a[1] != '-' && a[1] != '\0' &&
		    a[2] == '\0' && (s = strchr(shortopts, a[1])) != NULL &&
		    s[1] == ':') {
			i++; /* "-t VALUE": the value is no option */
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
				   "never abbreviated): see %s %s --help"),
			    argv[0], (int)strcspn(a, "="), a, msg_prog(),
			    argv[0]);
			return -1;
		}
		if (o->has_arg == required_argument && strchr(a, '=') == NULL)
			i++; /* its value, whatever it looks like */
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
		memmove(argv + i, argv + i + n,
		    (size_t)(*argc - i - n + 1) * sizeof *argv);
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
	return err_exit_status(e->cls);
}

/* The shared options, their values' names and their help. */
static const struct {
	unsigned flag;
	const char *name;
	const char *metavar;
	const char *help;
} cli_shared[] = {
	{ CLI_LANG, "lang", "sv|en",
	    N_("the language (default: the "
	       "locale's)") },
	{ CLI_DB, "db", N_("FILE"),
	    N_("the central store (default: "
	       "central.db in the data directory)") },
	{ CLI_KEY, "key", N_("FILE"),
	    N_("the HR key (default: hr.key in "
	       "the data directory)") },
	{ CLI_PASS, "passphrase-file", N_("FILE"),
	    N_("read the passphrase "
	       "from line 1 of FILE") },
};
#define CLI_NSHARED (sizeof cli_shared / sizeof cli_shared[0])
#define CLI_SHARED_CH 0x100 /* getopt value of cli_shared[0] */

const char *
cli_arg(const struct cli_args *a, int ch)
{
	size_t i;

	for (i = 0; i < CLI_MAXOPT && a->cmd->opts[i].name != NULL; i++)
		if (a->cmd->opts[i].ch == ch)
			return a->val[i];
	return NULL;
}

/* Characters on screen of a UTF-8 string (no wide ones in our texts). */
static size_t
cli_width(const char *s, size_t n)
{
	size_t w = 0, i;

	for (i = 0; i < n && s[i] != '\0'; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

/* Print the n-byte token s at *col, wrapping before column 79 to
 * indent. */
static void
cli_word(FILE *f, const char *s, size_t n, size_t *col, size_t indent)
{
	size_t w = cli_width(s, n);

	if (*col > indent && *col + 1 + w > 78) {
		fprintf(f, "\n%*s", (int)indent, "");
		*col = indent;
	} else if (*col > 0) {
		fputc(' ', f);
		(*col)++;
	}
	fprintf(f, "%.*s", (int)n, s);
	*col += w;
}

/* The next word of s (up to a '\n'), a bracketed group as one word:
 * its length, with *s moved to it; 0 at the end of the line. */
static size_t
cli_next_word(const char **s)
{
	const char *t;
	int depth = 0;

	while (**s == ' ')
		(*s)++;
	for (t = *s; *t != '\0' && *t != '\n' && (*t != ' ' || depth > 0); t++)
		depth += (*t == '[') - (*t == ']');
	return (size_t)(t - *s);
}

/* The shared options cmd takes, as "[--db FILE]" words. */
static void
cli_shared_words(FILE *f, const struct cli_cmd *cmd, size_t *col, size_t indent)
{
	size_t i;
	char *opt;

	for (i = 0; i < CLI_NSHARED; i++) {
		if (!(cmd->shared & cli_shared[i].flag))
			continue;
		opt = xasprintf("[--%s %s]", cli_shared[i].name,
		    _(cli_shared[i].metavar));
		cli_word(f, opt, strlen(opt), col, indent);
		free(opt);
	}
}

void
cli_usage_lines(FILE *f, const struct cli_cmd *cmd)
{
	const char *lead = _("usage:"), *syn, *line, *w;
	size_t col, indent, lw = cli_width(lead, strlen(lead)), n;
	int shared, value;

	syn = cmd->synopsis != NULL && cmd->synopsis[0] != '\0' ?
	    _(cmd->synopsis) :
	    "";
	line = syn;
	do {
		fprintf(f, "%*s", (int)lw, line == syn ? lead : "");
		col = lw;
		cli_word(f, msg_prog(), strlen(msg_prog()), &col, 0);
		if (cmd->name[0] != '\0')
			cli_word(f, cmd->name, strlen(cmd->name), &col, 0);
		indent = col + 1;
		/* the verb ("add", "import"), the command's own options,
		 * the shared ones, then the operands */
		w = line;
		if ((n = cli_next_word(&w)) > 0 && w[0] >= 'a' && w[0] <= 'z') {
			cli_word(f, w, n, &col, 0);
			w += n;
		}
		shared = 0;
		value = 0;
		while ((n = cli_next_word(&w)) > 0) {
			if (!shared && !value && w[0] != '[' && w[0] != '-') {
				cli_shared_words(f, cmd, &col, indent);
				shared = 1;
			}
			value = w[0] == '-'; /* "--before YEAR" */
			cli_word(f, w, n, &col, indent);
			w += n;
		}
		if (!shared)
			cli_shared_words(f, cmd, &col, indent);
		fputc('\n', f);
		line = strchr(w, '\n');
	} while (line != NULL && *++line != '\0');
}

/* One entry of the option list: "  -c, --name METAVAR" (short is 0
 * when there is no -c) and its help, wrapped under itself. */
static void
cli_opt_line(FILE *f, int short_ch, const char *name, const char *metavar,
    const char *help)
{
	char sh[8] = "    ";
	char *o;
	size_t w, col, n;

	if (short_ch != 0)
		snprintf(sh, sizeof sh, "-%c, ", short_ch);
	o = xasprintf("%s--%s%s%s", sh, name, metavar != NULL ? " " : "",
	    metavar != NULL ? metavar : "");
	w = cli_width(o, strlen(o));
	/* the help from column 29, as GNU programs align it */
	fprintf(f, "  %s%*s", o, w < 26 ? (int)(26 - w) : 0, "");
	col = 2 + (w < 26 ? 26 : w);
	while ((n = cli_next_word(&help)) > 0) {
		cli_word(f, help, n, &col, 29);
		help += n;
	}
	fputc('\n', f);
	free(o);
}

void
cli_usage(FILE *f, const struct cli_cmd *cmd)
{
	size_t i;

	const struct cli_opt *o;

	cli_usage_lines(f, cmd);
	if (cmd->help != NULL)
		fputs(_(cmd->help), f);
	fputc('\n', f);
	for (i = 0; i < CLI_MAXOPT && cmd->opts[i].name != NULL; i++) {
		o = &cmd->opts[i];
		cli_opt_line(f, o->shortopt ? o->ch : 0, o->name,
		    o->metavar != NULL ? _(o->metavar) : NULL,
		    o->help != NULL ? _(o->help) : "");
	}
	for (i = 0; i < CLI_NSHARED; i++)
		if (cmd->shared & cli_shared[i].flag)
			cli_opt_line(f, 0, cli_shared[i].name,
			    _(cli_shared[i].metavar), _(cli_shared[i].help));
	cli_opt_line(f, 'h', "help", NULL, _("show this help"));
	cli_opt_line(f, 0, "version", NULL, _("show the version"));
	fprintf(f, _("Exit statuses: see EXIT STATUS in %s(1).\n"), msg_prog());
}

void
cli_prog_usage(FILE *f, const char *about, const struct cli_cmd *cmds)
{
	size_t i, w = 0;

	for (i = 0; cmds[i].name != NULL; i++)
		if (strlen(cmds[i].name) > w)
			w = strlen(cmds[i].name);
	fputs(_(about), f);
	fputs(_("\ncommands:\n"), f);
	for (i = 0; cmds[i].name != NULL; i++)
		if (cmds[i].name[0] != '\0')
			fprintf(f, "  %-*s %s\n", (int)w, cmds[i].name,
			    _(cmds[i].summary));
	fputc('\n', f);
	cli_opt_line(f, 'h', "help", NULL, _("show this help"));
	cli_opt_line(f, 0, "version", NULL, _("show the version"));
	fprintf(f, _("Each command has its own --help. See %s(1).\n"),
	    msg_prog());
}

int
cli_cmd_run(const struct cli_cmd *cmd, int argc, char **argv)
{
	struct option lo[CLI_MAXOPT + CLI_NSHARED + 2];
	char so[2 * CLI_MAXOPT + 2];
	struct cli_args a;
	const char **sv;
	size_t n = 0, ns = 0, i;
	int ch;

	memset(&a, 0, sizeof a);
	a.cmd = cmd;
	so[ns++] = 'h';
	for (i = 0; i < CLI_MAXOPT && cmd->opts[i].name != NULL; i++) {
		lo[n++] = (struct option){ cmd->opts[i].name,
			cmd->opts[i].metavar != NULL ? required_argument :
						       no_argument,
			NULL, cmd->opts[i].ch };
		if (cmd->opts[i].shortopt) {
			so[ns++] = (char)cmd->opts[i].ch;
			if (cmd->opts[i].metavar != NULL)
				so[ns++] = ':';
		}
	}
	for (i = 0; i < CLI_NSHARED; i++)
		if (cmd->shared & cli_shared[i].flag)
			lo[n++] = (struct option){ cli_shared[i].name,
				required_argument, NULL,
				CLI_SHARED_CH + (int)i };
	lo[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n] = (struct option){ NULL, 0, NULL, 0 };
	so[ns] = '\0';
	optind = 1;
	while ((ch = cli_getopt(&argc, argv, so, lo)) != -1) {
		if (ch == 'h') {
			cli_usage(stdout, cmd);
			return 0;
		}
		if (ch >= CLI_SHARED_CH &&
		    ch < CLI_SHARED_CH + (int)CLI_NSHARED) {
			switch (cli_shared[ch - CLI_SHARED_CH].flag) {
			case CLI_DB:
				sv = &a.db;
				break;
			case CLI_KEY:
				sv = &a.key;
				break;
			case CLI_PASS:
				sv = &a.passfile;
				break;
			default:
				if (strcmp(optarg, "sv") != 0 &&
				    strcmp(optarg, "en") != 0) {
					msg_warn(_("--lang %s: use sv or en"),
					    optarg);
					return EX_USAGE;
				}
				i18n_init(optarg);
				sv = &a.lang;
				break;
			}
			*sv = optarg;
			continue;
		}
		for (i = 0; i < CLI_MAXOPT && cmd->opts[i].name != NULL; i++)
			if (cmd->opts[i].ch == ch)
				break;
		if (i == CLI_MAXOPT || cmd->opts[i].name == NULL) {
			cli_usage_lines(stderr, cmd);
			return EX_USAGE;
		}
		a.val[i] = optarg != NULL ? optarg : "";
	}
	a.argc = argc - optind;
	a.argv = argv + optind;
	if (a.argc > 0 && cmd->operands != CLI_ARGS) {
		msg_warn(_("%s%sunexpected argument '%.*s': see %s%s%s --help"),
		    cmd->name, cmd->name[0] != '\0' ? ": " : "",
		    (int)strcspn(a.argv[0], "="), a.argv[0], msg_prog(),
		    cmd->name[0] != '\0' ? " " : "", cmd->name);
		return EX_USAGE;
	}
	return cmd->run(&a);
}

int
cli_dispatch(const struct cli_cmd *cmds, int argc, char **argv)
{
	size_t i;

	for (i = 0; cmds[i].name != NULL; i++)
		if (cmds[i].name[0] != '\0' &&
		    strcmp(argv[1], cmds[i].name) == 0)
			return cli_cmd_run(&cmds[i], argc - 1, argv + 1);
	/* Never past a '=': "--pass=SECRET" is no command, and no echo. */
	msg_warn(_("unknown command '%.*s': see %s --help"),
	    (int)strcspn(argv[1], "="), argv[1], msg_prog());
	return EX_USAGE;
}

int
cli_year(const char *cmd, const char *s, unsigned *y)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1900 || v > 2999) {
		msg_warn(_("%s: --year %s is not a year such as 2025"), cmd, s);
		return -1;
	}
	*y = (unsigned)v;
	return 0;
}

int
cli_kdf(const struct cli_args *a, int ch, enum key_kdf *kdf)
{
	const char *v = cli_arg(a, ch);

	if (v == NULL)
		return 0;
	if (key_kdf_parse(v, kdf) == -1) {
		msg_warn(_("--kdf must be default or test, not '%s'"), v);
		return -1;
	}
	return 1;
}
