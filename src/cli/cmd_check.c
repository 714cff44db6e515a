/* cmd_check: `avslut check FORM.yaml...`, validate forms and print what
 * a record would carry for each (id, version, hash). */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli/cli.h"
#include "form/form.h"
#include "util/msg.h"
#include "util/i18n.h"

static void
check_usage(FILE *f)
{
	fputs(_("usage: avslut check [--canonical] FORM.yaml...\n"
	    "Load and validate each form. For a sound form print one line:\n"
	    "  FILE: ID version N, Q questions, languages L, hash H\n"
	    "(H: the first 16 hex digits of its BLAKE2b-256 form hash);\n"
	    "otherwise print every problem as FILE:LINE:COL: message.\n\n"
	    "  --canonical  print the canonical serialisation the hash covers\n"
	    "               instead (see avslut-form(5))\n"
	    "  --help     show this help\n"
	    "  --version  show the version\n"
	    "Exit 0 if every form is sound, 65 if one is not, 66 if a file\n"
	    "cannot be read. See avslut-form(5).\n"), f);
}

int
cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "canonical", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct form_diags d;
	struct stat st;
	struct form *f;
	char hex[2 * FORM_HASH_BYTES + 1];
	int c, i, rc = 0, canonical = 0;
	size_t j;

	optind = 1;
	while ((c = cli_getopt(&argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'c':
			canonical = 1;
			break;
		case 'h':
			check_usage(stdout);
			return 0;
		case 'V':
			cli_version();
			return 0;
		default:
			check_usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind >= argc) {
		msg_warn(_("check: no form given: see avslut check --help"));
		return EX_USAGE;
	}
	for (i = optind; i < argc; i++) {
		memset(&d, 0, sizeof d);
		if (stat(argv[i], &st) == -1 || access(argv[i], R_OK) == -1) {
			msg_warn(_("cannot read %s: %s: check the path"), argv[i],
			    strerror(errno));
			rc = EX_NOINPUT;
			continue;
		}
		if ((f = form_load_file(argv[i], &d)) == NULL) {
			for (j = 0; j < d.n; j++)
				fprintf(stderr, "%s\n", d.msg[j]);
			if (d.dropped > 0)
				fprintf(stderr, _("%s: %zu more problems not "
				    "shown\n"), argv[i], d.dropped);
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
		    argv[i], f->id, (unsigned long)f->version,
		    f->nquestions);
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
