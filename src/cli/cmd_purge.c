/* cmd_purge: `avslut-hr purge --before YEAR` deletes the interviews of
 * earlier periods for the region's retention rules. A sealed envelope
 * does not show its period, so each is opened with the HR key first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_hr.h"
#include "report/cache.h"
#include "util/i18n.h"
#include "util/msg.h"
#include "util/xmem.h"
#include "util/i18n.h"

struct purge {
	unsigned before;
	uint8_t (*ids)[ENV_ID_BYTES];
	size_t n, cap;
	size_t opened;
};

/* Serialised by hrload: collect the ids of earlier periods. */
static int
purge_pick(void *ctx, const uint8_t id[ENV_ID_BYTES], enum hrload_status st,
    const struct record *r, struct err *e)
{
	struct purge *p = ctx;

	(void)e;
	if (r == NULL || st == HRLOAD_UNREADABLE)
		return 0;
	p->opened++;
	if (r->year >= p->before)
		return 0;
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 256;
		p->ids = xreallocarray(p->ids, p->cap, sizeof *p->ids);
	}
	memcpy(p->ids[p->n++], id, ENV_ID_BYTES);
	return 0;
}

/* Ask on the terminal; 1 for yes. */
static int
purge_confirm(size_t n, unsigned before)
{
	char line[16];

	fprintf(stderr,
	    _("Delete these %zu interviews from before %u for good? "
	      "[y/N] "),
	    n, before);
	fflush(stderr);
	if (fgets(line, sizeof line, stdin) == NULL)
		return 0;
	return line[0] == 'y' || line[0] == 'Y' || line[0] == 'j' ||
	    line[0] == 'J';
}

static int
purge_run(const char *db, const char *keyopt, const char *passfile,
    unsigned before, int dry, int yes)
{
	struct cli_progress prog;
	struct hrload_result res;
	struct hrload_opts o;
	struct purge p;
	struct central *c;
	struct key_hr *k;
	struct err e;
	char *what;
	size_t deleted, deleted_rel = 0;
	int rc;

	what = xasprintf("purge --before %u%s", before,
	    dry ? " --dry-run" : "");
	rc = cli_hr_open_unlock(db, keyopt, passfile, what, &c, &k);
	free(what);
	if (rc != 0)
		return rc;
	memset(&p, 0, sizeof p);
	memset(&prog, 0, sizeof prog);
	memset(&o, 0, sizeof o);
	p.before = before;
	o.progress = cli_progress;
	o.progress_ctx = &prog;
	rc = hrload_foreach(c, k->pk, k->sk, NULL, 0, &o, purge_pick, &p, &res,
	    &e);
	key_hr_free(k);
	if (rc != 0) {
		msg_warn(_("purge: %s"), e.msg);
		rc = cli_exit_code(&e);
		goto out;
	}
	printf(_("%zu of %zu interviews are from before %u\n"), p.n, res.total,
	    before);
	if (res.unreadable > 0)
		msg_warn(_("warning: %zu envelopes cannot be opened with this "
			   "key; their period is unknown, so they are kept"),
		    res.unreadable);
	if (p.n == 0 || dry)
		goto out;
	if (!yes) {
		if (!isatty(STDIN_FILENO)) {
			msg_warn(
			    _("purge: nothing deleted: add --yes to delete "
			      "without asking"));
			rc = EX_USAGE;
			goto out;
		}
		if (!purge_confirm(p.n, before)) {
			fputs(_("nothing deleted\n"), stderr);
			goto out;
		}
	}
	what = xasprintf("purge --before %u: deleted %zu interviews", before,
	    p.n);
	rc = central_env_delete(c, (const uint8_t(*)[ENV_ID_BYTES])p.ids, p.n,
	    what, &deleted, &e);
	free(what);
	if (rc != 0) {
		msg_warn(_("purge: %s"), e.msg);
		rc = cli_exit_code(&e);
		goto out;
	}
	/* the record cache still holds the purged interviews */
	if (cache_remove(central_path(c), &e) != 0)
		msg_warn(_("purge: %s"), e.msg);
	/* and the releases of those years their figures and texts */
	if (central_release_purge(c, before, &deleted_rel, &e) != 0 ||
	    release_ledger_purge(central_path(c), before, &e) != 0) {
		msg_warn(_("purge: %s"), e.msg);
		rc = cli_exit_code(&e);
		goto out;
	}
	if (deleted_rel > 0)
		printf(ngettext("deleted %zu release of years before %u\n",
			   "deleted %zu releases of years before %u\n",
			   (unsigned long)deleted_rel),
		    deleted_rel, before);
	printf(_("deleted %zu interviews; the store was compacted\n"), deleted);
out:
	hrload_result_free(&res);
	free(p.ids);
	central_close(c);
	return rc;
}

int
cmd_purge(const struct cli_args *a)
{
	const char *b = cli_arg(a, 'b');
	char *end;
	long before = -1;

	if (b != NULL) {
		before = strtol(b, &end, 10);
		if (*b == '\0' || *end != '\0' || before < RECORD_YEAR_MIN ||
		    before > RECORD_YEAR_MAX + 1) {
			msg_warn(_("purge: --before %s: give a year such as "
				   "2020"),
			    b);
			return EX_USAGE;
		}
	}
	if (before < 0) {
		msg_warn(_("purge: --before YEAR is required: see avslut-hr "
			   "purge --help"));
		return EX_USAGE;
	}
	return purge_run(a->db, a->key, a->passfile, (unsigned)before,
	    cli_arg(a, 'n') != NULL, cli_arg(a, 'y') != NULL);
}
