/* cli_outbox: what the avslut commands that change this laptop's outbox
 * share (export, sync, receipt): the data directory with its profile,
 * the sync lock and the outbox, each refusal said once. */
#include "cli/cli.h"

#include <stdlib.h>
#include <sysexits.h>

#include "store/outbox.h"
#include "sync/sync.h"
#include "util/msg.h"

int
cli_outbox_open(const char *cmd, char **dir, int *lock, struct outbox **ob)
{
	struct err e;

	*lock = -1;
	*ob = NULL;
	if ((*dir = cli_profile_dir(cmd)) == NULL)
		return EX_NOINPUT;
	if ((*lock = sync_lock(*dir, &e)) == -1 ||
	    outbox_open(*dir, ob, &e) != 0) {
		msg_warn("%s: %s", cmd, e.msg);
		return cli_exit_code(&e); /* a lock held elsewhere: busy, 75 */
	}
	return 0;
}
