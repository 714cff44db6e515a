/* cmd_receipt: `avslut receipt FILE`, read the receipt HR's ingest wrote
 * and remove from the outbox what it confirms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "crypto/profile.h"
#include "store/outbox.h"
#include "sync/sync.h"
#include "util/msg.h"
#include "util/paths.h"
#include "util/i18n.h"

int
cmd_receipt(const struct cli_args *a)
{
	struct outbox *ob = NULL;
	struct sync_result r;
	size_t left = 0;
	char *dir = NULL;
	int ex = 0, lock = -1, rc;
	struct err e;

	if (a->argc != 1) {
		msg_warn(_("receipt: give exactly one receipt file: see avslut "
		    "receipt --help"));
		return EX_USAGE;
	}
	dir = paths_data_dir("avslut");
	if (!profile_exists(dir)) {
		msg_warn(_("receipt: this laptop has no interviewer profile yet: "
		    "run avslut init first"));
		ex = EX_NOINPUT;
		goto out;
	}
	if ((lock = sync_lock(dir, &e)) == -1) {
		msg_warn(_("receipt: %s"), e.msg);
		ex = EX_TEMPFAIL;
		goto out;
	}
	if (outbox_open(dir, &ob, &e) != 0) {
		msg_warn(_("receipt: %s"), e.msg);
		ex = cli_exit_code(&e);
		goto out;
	}
	if ((rc = sync_receipt_file(ob, a->argv[0], &r, &e)) != 0) {
		msg_warn(_("receipt: %s"), e.msg);
		ex = cli_exit_code_or(&e, sync_exit_code(rc, 0));
		goto out;
	}
	if (r.refused > 0)
		msg_warn(_("receipt: %zu kept because HR holds different bytes "
		    "under the same id (%s): tell HR"), r.refused, e.msg);
	if (outbox_env_count(ob, &left, &e) != 0) {
		msg_warn(_("receipt: %s"), e.msg);
		ex = cli_exit_code(&e);
		goto out;
	}
	printf(_("%zu sealed interview%s confirmed, %zu still waiting\n"),
	    r.confirmed, r.confirmed == 1 ? "" : "s", left);
out:
	outbox_close(ob);
	sync_unlock(lock);
	free(dir);
	return ex;
}
