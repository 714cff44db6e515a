/* cmd_forms: `avslut-hr forms add FILE.yaml` approves a form (validated,
 * hashed, its text kept in central.db); `forms list` shows the approved. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "form/form.h"
#include "store/central.h"
#include "util/fsx.h"
#include "util/msg.h"
#include "util/xmem.h"
#include "util/i18n.h"

/* Print every problem of a failed load; returns the exit code. */
static int
forms_diags(const char *path, struct form_diags *d)
{
	size_t j;

	for (j = 0; j < d->n; j++)
		if (d->io)
			msg_warn(_("%s: check the path"), d->msg[j]);
		else
			fprintf(stderr, "%s\n", d->msg[j]);
	if (d->dropped > 0)
		fprintf(stderr, _("%s: %zu more problems not shown\n"), path,
		    d->dropped);
	return d->io ? EX_NOINPUT : EX_DATAERR;
}

static int
forms_add(const char *db, const char *path)
{
	struct form_diags d;
	struct central *c;
	struct form *f;
	struct err e;
	char hex[2 * FORM_HASH_BYTES + 1], *buf;
	size_t len;
	int rc;

	/* Validate and store the very same bytes. */
	if (fsx_read_file(path, FORM_MAX_BYTES, &buf, &len, &e) != 0) {
		msg_warn(_("forms add: %s: check the path"), e.msg);
		return cli_exit_code(&e);
	}
	memset(&d, 0, sizeof d);
	if ((f = form_load_buf(path, buf, len, &d)) == NULL) {
		rc = forms_diags(path, &d);
		form_diags_free(&d);
		free(buf);
		msg_warn(_("forms add: %s is not a valid form: nothing was "
			   "approved"),
		    path);
		return rc;
	}
	form_hash_hex(f, hex);
	if ((rc = central_open(&c, db, CENTRAL_CREATE, &e)) != 0) {
		msg_warn(_("forms add: %s"), e.msg);
		goto out;
	}
	rc = central_form_add(c, f->id, f->version, f->hash, buf, len, &e);
	central_close(c);
	if (rc < 0) {
		msg_warn(_("forms add: %s"), e.msg);
		goto out;
	}
	if (rc == 1)
		printf(_("form %s version %lu is already approved (hash %s)\n"),
		    f->id, (unsigned long)f->version, hex);
	else
		printf(_("approved form %s version %lu, hash %s\n"), f->id,
		    (unsigned long)f->version, hex);
	rc = 0;
out:
	form_free(f);
	free(buf);
	return rc == 0 ? 0 : cli_exit_code(&e);
}

static int
forms_list(const char *db)
{
	struct central_form *f;
	struct central *c;
	struct err e;
	size_t n, i, j;
	int rc;

	if ((rc = central_open(&c, db, CENTRAL_RDONLY, &e)) != 0) {
		msg_warn(_("forms list: %s"), e.msg);
		return cli_exit_code(&e);
	}
	rc = central_form_list(c, &f, &n, &e);
	central_close(c);
	if (rc != 0) {
		msg_warn(_("forms list: %s"), e.msg);
		return cli_exit_code(&e);
	}
	if (n == 0)
		fputs(
		    _("no approved forms: add one with avslut-hr forms add\n"),
		    stderr);
	for (i = 0; i < n; i++) {
		/* the fields as avslut-hr(1) names them: id, version,
		 * hash, tab-separated, for scripts */
		printf("%s\t%lu\t", f[i].id, (unsigned long)f[i].version);
		for (j = 0; j < BUNDLE_HASH_BYTES; j++)
			printf("%02x", f[i].hash[j]);
		putchar('\n');
	}
	central_form_list_free(f, n);
	return 0;
}

int
cmd_forms(const struct cli_args *a)
{
	if (a->argc == 2 && strcmp(a->argv[0], "add") == 0)
		return forms_add(a->db, a->argv[1]);
	if (a->argc == 1 && strcmp(a->argv[0], "list") == 0)
		return forms_list(a->db);
	msg_warn(_("forms: expected 'add FORM.yaml' or 'list': see avslut-hr "
		   "forms --help"));
	return EX_USAGE;
}
