/* cmd_print: `avslut print FORM.yaml [--lang L] [--format html|md|codebook]
 * [--out FILE]`, the questionnaire on paper for approval, or its codebook.
 * Needs no profile and no passphrase: a form is not secret. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "form/form.h"
#include "form/form_print.h"
#include "util/fsx.h"
#include "util/i18n.h"
#include "util/msg.h"

static void
print_usage(FILE *f)
{
	fputs(_("usage: avslut print [--lang sv|en] [--format html|md|codebook]\n"
	    "                    [--out FILE] FORM.yaml\n"
	    "Print the questionnaire as people read it, for approval: every\n"
	    "part and question with its answers, what is required, when a\n"
	    "question is shown, which part the leaver answers alone, the text\n"
	    "read first; the form's id, version and hash on every page. Or\n"
	    "its codebook: question and category ids as the CSV report uses\n"
	    "them, with their texts.\n\n"
	    "  --format F  html (the default; prints on A4), md or codebook\n"
	    "              (CSV: ';', UTF-8)\n"
	    "  --lang L    the form language to print (default: its first)\n"
	    "  --out FILE  write FILE instead of standard output\n"
	    "  --help      show this help\n"
	    "  --version   show the version\n"
	    "Exit 0 on success, 64 for a wrong option, 65 for an invalid form,\n"
	    "66 if it cannot be read, 74 if the output cannot be written.\n"
	    "See avslut(1).\n"), f);
}

int
cmd_print(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "lang", required_argument, NULL, 'l' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	enum form_print_format fmt = FORM_PRINT_HTML;
	const char *lang = NULL, *out = NULL;
	struct form_diags d;
	struct form *f;
	struct err e = { .msg = "" };
	char *buf = NULL;
	size_t len = 0, j;
	FILE *mf;
	int c, li = 0, rc = 0;

	optind = 1;
	while ((c = cli_getopt(&argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'f':
			if (form_print_format_parse(optarg, &fmt) == -1) {
				msg_warn(_("print: unknown format '%s': use "
				    "html, md or codebook"), optarg);
				return EX_USAGE;
			}
			break;
		case 'l':
			lang = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		case 'V':
			cli_version();
			return 0;
		default:
			print_usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind + 1 != argc) {
		msg_warn(optind >= argc ? _("print: no form given: see avslut "
		    "print --help") : _("print: one form at a time: see "
		    "avslut print --help"));
		return EX_USAGE;
	}
	memset(&d, 0, sizeof d);
	if ((f = form_load_file(argv[optind], &d)) == NULL) {
		for (j = 0; j < d.n; j++)
			fprintf(stderr, "%s\n", d.msg[j]);
		rc = d.io ? EX_NOINPUT : EX_DATAERR;
		if (d.io && d.n == 0)
			msg_warn(_("cannot read %s: check the path"),
			    argv[optind]);
		form_diags_free(&d);
		return rc;
	}
	if (lang != NULL && (li = form_lang_index(f, lang)) < 0) {
		msg_warn(_("print: the form has no language '%s': it has %s%s%s"),
		    lang, f->langs[0], f->nlangs > 1 ? ", " : "",
		    f->nlangs > 1 ? f->langs[1] : "");
		form_free(f);
		return EX_USAGE;
	}
	/* our own words in the language of the form's text, where we have
	 * them (Swedish or English) */
	i18n_init(strcmp(f->langs[li], "sv") == 0 ? "sv" : "en");
	if ((mf = open_memstream(&buf, &len)) == NULL) {
		form_free(f);
		msg_warn(_("print: out of memory"));
		return EX_OSERR;
	}
	if (form_print(mf, f, li, fmt, &e) == -1)
		rc = cli_exit_code(&e);
	fclose(mf);
	form_free(f);
	if (rc == 0 && out == NULL) {
		if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0) {
			msg_warn(_("print: cannot write to standard output"));
			rc = EX_IOERR;
		}
	} else if (rc == 0 && fsx_write_atomic(out, buf, len, 0644, 0,
	    &e) != 0) {
		msg_warn("%s", e.msg);
		rc = cli_exit_code(&e);
	} else if (rc != 0)
		msg_warn(_("print: %s"), e.msg);
	free(buf);
	return rc;
}
