/* cmd_print: `avslut print FORM.yaml [--lang L] [--format html|md|codebook]
 * [--out FILE]`, the questionnaire on paper for approval, or its codebook.
 * Needs no profile and no passphrase: a form is not secret. */
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

int
cmd_print(const struct cli_args *a)
{
	enum form_print_format fmt = FORM_PRINT_HTML;
	const char *lang = cli_arg(a, 'l'), *out = cli_arg(a, 'o');
	struct form_diags d;
	struct form *f;
	struct err e = { .msg = "" };
	char *buf = NULL;
	size_t len = 0, j;
	FILE *mf;
	int li = 0, rc = 0;

	if (cli_arg(a, 'f') != NULL &&
	    form_print_format_parse(cli_arg(a, 'f'), &fmt) == -1) {
		msg_warn(_("print: unknown format '%s': use html, md or "
			   "codebook"),
		    cli_arg(a, 'f'));
		return EX_USAGE;
	}
	if (a->argc != 1) {
		msg_warn(a->argc == 0 ? _("print: no form given: see avslut "
					  "print --help") :
					_("print: one form at a time: see "
					  "avslut print --help"));
		return EX_USAGE;
	}
	memset(&d, 0, sizeof d);
	if ((f = form_load_file(a->argv[0], &d)) == NULL) {
		for (j = 0; j < d.n; j++)
			fprintf(stderr, "%s\n", d.msg[j]);
		rc = d.io ? EX_NOINPUT : EX_DATAERR;
		if (d.io && d.n == 0)
			msg_warn(_("cannot read %s: check the path"),
			    a->argv[0]);
		form_diags_free(&d);
		return rc;
	}
	if (lang != NULL && (li = form_lang_index(f, lang)) < 0) {
		msg_warn(
		    _("print: the form has no language '%s': it has %s%s%s"),
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
	} else if (rc == 0 &&
	    fsx_write_atomic(out, buf, len, 0644, 0, &e) != 0) {
		msg_warn("%s", e.msg);
		rc = cli_exit_code(&e);
	} else if (rc != 0)
		msg_warn(_("print: %s"), e.msg);
	free(buf);
	return rc;
}
