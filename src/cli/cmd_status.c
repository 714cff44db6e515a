/* cmd_status: `avslut status`, what waits on this laptop, what was
 * exported and when the last sync succeeded. Needs no passphrase. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "cli/cli.h"
#include "config/config.h"
#include "crypto/profile.h"
#include "store/outbox.h"
#include "sync/sync.h"
#include "util/msg.h"
#include "util/paths.h"
#include "util/i18n.h"

/* The stored epoch seconds as local time, or "never". */
static void
status_time(const char *v, char *out, size_t cap)
{
	struct tm tm;
	time_t t;
	char *end;
	long long s;

	if (v == NULL || (s = strtoll(v, &end, 10)) <= 0 || *end != '\0') {
		snprintf(out, cap, "never");
		return;
	}
	t = (time_t)s;
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(out, cap, "%Y-%m-%d %H:%M %Z", &tm) == 0)
		snprintf(out, cap, "%lld", s);
}

int
cmd_status(const struct cli_args *a)
{
	(void)a; /* no options of its own, no operands */
	struct outbox_env *envs = NULL;
	uint8_t(*drafts)[OUTBOX_ID_BYTES] = NULL;
	struct outbox *ob = NULL;
	struct config *cfg = NULL;
	size_t n = 0, ndrafts = 0, exported = 0, i;
	char *dir = NULL, *last = NULL, when[64];
	int ex = 0;
	struct err e;

	if ((cfg = config_load("avslut", &e)) == NULL) {
		msg_warn("%s", e.msg);
		return cli_exit_code(&e);
	}
	if ((dir = cli_profile_dir("status")) == NULL) {
		ex = EX_NOINPUT;
		goto out;
	}
	if (outbox_open(dir, &ob, &e) != 0 ||
	    outbox_env_list(ob, &envs, &n, &e) != 0 ||
	    outbox_draft_list(ob, &drafts, &ndrafts, &e) != 0 ||
	    outbox_meta_get(ob, OUTBOX_META_LAST_SYNC, &last, &e) != 0) {
		msg_warn(_("status: %s"), e.msg);
		ex = EX_IOERR;
		goto out;
	}
	for (i = 0; i < n; i++)
		exported += envs[i].exported != 0;
	status_time(last, when, sizeof when);
	printf(_("sealed interviews waiting: %zu"), n);
	if (exported > 0)
		printf(_(" (%zu exported, waiting for HR's receipt)"),
		    exported);
	printf(_("\nunfinished drafts:         %zu\n"), ndrafts);
	printf(_("last successful sync:      %s\n"), when);
	printf(_("sync sends to:             %s\n"),
	    cfg->sync_to ?
		cfg->sync_to :
		"not set (sync.to in the config, or avslut sync --to DEST)");
	printf(_("sync waits for:            %u sealed interviews "
		 "(sync.min_waiting; --now sends fewer)\n"),
	    cfg->sync_min);
out:
	outbox_env_list_free(envs, n);
	free(drafts);
	free(last);
	outbox_close(ob);
	config_free(cfg);
	free(dir);
	return ex;
}
