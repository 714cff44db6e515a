/* cmd_check: `avslut check FORM.yaml...`, validate forms and print what
 * a record would carry for each (id, version, hash). */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli/cli.h"
#include "form/form.h"
#include "util/msg.h"
#include "util/i18n.h"

int
cmd_check(const struct cli_args *a)
{
	struct form_diags d;
	struct stat st;
	struct form *f;
	char hex[2 * FORM_HASH_BYTES + 1];
	char **argv = a->argv;
	int i, rc = 0, canonical = cli_arg(a, 'c') != NULL;
	size_t j;

	if (a->argc == 0) {
		msg_warn(_("check: no form given: see avslut check --help"));
		return EX_USAGE;
	}
	for (i = 0; i < a->argc; i++) {
		memset(&d, 0, sizeof d);
		if (stat(argv[i], &st) == -1 || access(argv[i], R_OK) == -1) {
			msg_warn(_("cannot read %s: %s: check the path"),
			    argv[i], strerror(errno));
			rc = EX_NOINPUT;
			continue;
		}
		if ((f = form_load_file(argv[i], &d)) == NULL) {
			for (j = 0; j < d.n; j++)
				fprintf(stderr, "%s\n", d.msg[j]);
			if (d.dropped > 0)
				fprintf(stderr,
				    _("%s: %zu more problems not "
				      "shown\n"),
				    argv[i], d.dropped);
			if (rc == 0)
				rc = EX_DATAERR;
			form_diags_free(&d);
			continue;
		}
		if (canonical) {
			size_t len;
			char *cs = form_canonical(f, &len);

			fwrite(cs, 1, len, stdout);
			free(cs);
			form_free(f);
			continue;
		}
		form_hash_hex(f, hex);
		printf(_("%s: %s version %lu, %zu questions, languages "),
		    argv[i], f->id, (unsigned long)f->version, f->nquestions);
		for (j = 0; j < f->nlangs; j++)
			printf("%s%s", j ? "," : "", f->langs[j]);
		printf(_(", hash %.16s\n"), hex);
		form_free(f);
	}
	if (fflush(stdout) == EOF) {
		msg_warn(_("check: cannot write the output"));
		return EX_IOERR;
	}
	return rc;
}
