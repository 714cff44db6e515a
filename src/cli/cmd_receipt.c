/* cmd_receipt: `avslut receipt FILE`, read the receipt HR's ingest wrote
 * and remove from the outbox what it confirms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "crypto/profile.h"
#include "store/bundle.h"
#include "store/outbox.h"
#include "sync/sync.h"
#include "util/fsx.h"
#include "util/msg.h"
#include "util/paths.h"
#include "util/i18n.h"

/* Name every envelope the receipt acknowledged with other bytes: once
 * the receipt is applied, those are the ones it lists that are still
 * waiting (a matching one is gone). One line each, on stderr. */
static void
receipt_name_refused(struct outbox *ob, const char *file)
{
	char hex[2 * OUTBOX_ID_BYTES + 1], *buf;
	struct bundle_ack *acks = NULL;
	struct outbox_env *envs = NULL;
	size_t len, n = 0, ne = 0, i, j, k;
	struct err e;

	if (fsx_read_file(file, SYNC_RECEIPT_MAX, &buf, &len, &e) != 0)
		return;
	if (bundle_receipt_read_buf((uint8_t *)buf, len, &acks, &n, &e) != 0) {
		free(buf);
		return;
	}
	free(buf);
	if (outbox_env_list(ob, &envs, &ne, &e) == 0) {
		for (i = 0; i < ne; i++)
			for (j = 0; j < n; j++) {
				if (memcmp(envs[i].id, acks[j].id,
					OUTBOX_ID_BYTES) != 0)
					continue;
				for (k = 0; k < OUTBOX_ID_BYTES; k++)
					snprintf(hex + 2 * k, 3, "%02x",
					    envs[i].id[k]);
				msg_warn(
				    _("receipt: envelope %s: HR holds other "
				      "bytes under its id; it stays here"),
				    hex);
				break;
			}
		outbox_env_list_free(envs, ne);
	}
	free(acks);
}

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
	if ((ex = cli_outbox_open("receipt", &dir, &lock, &ob)) != 0)
		goto out;
	if ((rc = sync_receipt_file(ob, a->argv[0], &r, &e)) != 0) {
		msg_warn(_("receipt: %s"), e.msg);
		ex = cli_exit_code(&e);
		goto out;
	}
	if (r.refused > 0) {
		msg_warn(_("receipt: %zu kept because HR holds different bytes "
			   "under the same id (%s): tell HR"),
		    r.refused, e.msg);
		receipt_name_refused(ob, a->argv[0]);
	}
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
