/* cmd_sync: `avslut sync [--to DEST] [--now]`, send the sealed interviews
 * to HR and remove those HR's receipt confirms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli/cli.h"
#include "config/config.h"
#include "crypto/profile.h"
#include "store/outbox.h"
#include "sync/sync.h"
#include "util/msg.h"
#include "util/paths.h"
#include "util/xmem.h"
#include "util/i18n.h"

#define SYNC_BAR_WIDTH 30

/* One bar on stderr, redrawn in place; only on a terminal. */
static void
sync_bar(void *arg, size_t done, size_t total)
{
	int *last = arg, pct, fill;

	if (total == 0)
		return;
	pct = (int)((double)done * 100.0 / (double)total);
	if (pct == *last)
		return;
	*last = pct;
	fill = pct * SYNC_BAR_WIDTH / 100;
	fputc('\r', stderr);
	fprintf(stderr, _("sending [%.*s%*s] %3d%%"), fill,
	    "##############################", SYNC_BAR_WIDTH - fill, "", pct);
	fflush(stderr);
}

static const char *
sync_plural(size_t n)
{
	return n == 1 ? "" : "s";
}

int
cmd_sync(const struct cli_args *a)
{
	const char *to = cli_arg(a, 't'), *passfile = a->passfile;
	struct profile *prof = NULL;
	struct outbox *ob = NULL;
	struct config *cfg = NULL;
	struct sync_dest dest;
	struct sync_result r;
	struct sync_opts o;
	uint8_t hr_pk[KEY_PK_BYTES], sign_pk[PROFILE_SIGN_PK_BYTES];
	char *dir = NULL, *where = NULL;
	int now = cli_arg(a, 'n') != NULL, ex = 0, lock = -1, rc, bar = -1;
	size_t waiting = 0;
	struct err e;

	memset(&dest, 0, sizeof dest);
	if ((cfg = config_load("avslut", &e)) == NULL) {
		msg_warn("%s", e.msg);
		return cli_exit_code(&e);
	}
	if (to == NULL)
		to = cfg->sync_to;
	if (to == NULL) {
		msg_warn(
		    _("sync: no destination: give --to DEST or set sync.to "
		      "in the config (see avslut sync --help)"));
		ex = EX_USAGE;
		goto out;
	}
	if ((rc = sync_dest_parse(&dest, to, &e)) != 0) {
		msg_warn(_("sync: %s"), e.msg);
		ex = cli_exit_code(&e);
		goto out;
	}
	where = sync_dest_str(&dest);
	if ((ex = cli_outbox_open("sync", &dir, &lock, &ob)) != 0)
		goto out;
	if (outbox_env_count(ob, &waiting, &e) != 0) {
		msg_warn(_("sync: %s"), e.msg);
		ex = cli_exit_code(&e);
		goto out;
	}
	memset(&o, 0, sizeof o);
	o.dest = &dest;
	o.data_dir = dir;
	o.ssh_program = cfg->ssh_program;
	o.remote_command = cfg->remote_command;
	o.min = now ? 1 : cfg->sync_min;
	if (waiting < o.min && dest.kind != SYNC_DIR) {
		if (waiting == 0)
			printf(_("0 sealed interviews sent, 0 confirmed: none "
				 "are waiting\n"));
		else
			printf(
			    _("0 sealed interviews sent, 0 confirmed: %zu "
			      "waiting; sync waits until %zu are, so that one "
			      "sync rarely carries one interview (--now sends "
			      "them anyway)\n"),
			    waiting, o.min);
		goto out;
	}
	if (waiting >= o.min && waiting > 0) {
		if ((ex = cli_profile_unlock(passfile, &prof)) != 0)
			goto out;
		o.sign_sk = prof->sign_sk;
		o.sign_pk = prof->sign_pk;
	} else {
		/* A drop folder with too few new: apply HR's receipts, which
		 * needs only the public key, and send nothing. */
		if ((rc = profile_peek(dir, hr_pk, sign_pk, &e)) != 0) {
			msg_warn(_("sync: %s"), e.msg);
			ex = cli_exit_code(&e);
			goto out;
		}
		o.sign_pk = sign_pk;
	}
	if (isatty(2)) {
		o.progress = sync_bar;
		o.progress_arg = &bar;
	}
	rc = sync_run(ob, &o, &r, &e);
	if (bar != -1)
		fputs("\r\033[K", stderr);
	if (rc != 0) {
		msg_warn(_("sync to %s: %s"), where, e.msg);
		msg_warn(_("nothing was removed from this laptop: %zu sealed "
			   "interview%s still waiting"),
		    waiting, sync_plural(waiting));
		/* HR's ingest failed over ssh: its own status, passed on. */
		ex = r.remote_status > 0 && r.remote_status < 128 ?
		    r.remote_status :
		    cli_exit_code(&e);
		goto out;
	}
	if (r.bad_receipts > 0)
		msg_warn(
		    _("sync: %zu receipt%s in the drop folder could not be "
		      "read and %s left there (%s): their interviews stay on "
		      "this laptop"),
		    r.bad_receipts, sync_plural(r.bad_receipts),
		    r.bad_receipts == 1 ? "is" : "are", r.note);
	if (r.refused > 0)
		msg_warn(_("sync: %zu kept because HR holds different bytes "
			   "under the same id (%s): tell HR"),
		    r.refused, e.msg);
	printf(_("%zu sealed interview%s sent, %zu confirmed"), r.sent,
	    sync_plural(r.sent), r.confirmed);
	if (dest.kind == SYNC_DIR && r.pending > 0)
		printf(_(", %zu waiting for HR's receipt in the drop folder"),
		    r.pending);
	if (r.held)
		printf(_("; fewer than %zu new are waiting, so none were sent "
			 "(--now sends them anyway)"),
		    o.min);
	putchar('\n');
out:
	profile_free(prof);
	outbox_close(ob);
	sync_unlock(lock);
	sync_dest_free(&dest);
	config_free(cfg);
	free(where);
	free(dir);
	return ex;
}
