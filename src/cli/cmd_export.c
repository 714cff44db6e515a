/* cmd_export: `avslut export FILE`, the waiting sealed interviews as one
 * signed bundle for any channel, confirmed later with `avslut receipt`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "config/config.h"
#include "crypto/profile.h"
#include "store/outbox.h"
#include "sync/sync.h"
#include "util/msg.h"
#include "util/paths.h"
#include "util/i18n.h"

int
cmd_export(const struct cli_args *a)
{
	const char *passfile = a->passfile, *file;
	struct profile *prof = NULL;
	struct outbox *ob = NULL;
	struct config *cfg = NULL;
	struct sync_opts o;
	size_t waiting = 0, n = 0, min;
	char *dir = NULL;
	int now = cli_arg(a, 'n') != NULL, ex = 0, lock = -1, rc;
	struct err e;

	if (a->argc != 1) {
		msg_warn(_("export: give exactly one file to write: see avslut "
			   "export --help"));
		return EX_USAGE;
	}
	file = a->argv[0];
	if ((cfg = config_load("avslut", &e)) == NULL) {
		msg_warn("%s", e.msg);
		return cli_exit_code(&e);
	}
	min = now ? 1 : cfg->sync_min;
	if ((ex = cli_outbox_open("export", &dir, &lock, &ob)) != 0)
		goto out;
	if (outbox_env_count(ob, &waiting, &e) != 0) {
		msg_warn(_("export: %s"), e.msg);
		ex = cli_exit_code(&e);
		goto out;
	}
	if (waiting == 0 || waiting < min) {
		if (waiting == 0)
			printf(_("0 sealed interviews exported: none are "
				 "waiting; %s was not written\n"),
			    file);
		else
			printf(
			    _("0 sealed interviews exported: %zu waiting; "
			      "export waits until %zu are, so that one bundle "
			      "rarely carries one interview (--now exports them "
			      "anyway); %s was not written\n"),
			    waiting, min, file);
		goto out;
	}
	if ((ex = cli_profile_unlock(passfile, &prof)) != 0)
		goto out;
	memset(&o, 0, sizeof o);
	o.data_dir = dir;
	o.sign_sk = prof->sign_sk;
	o.sign_pk = prof->sign_pk;
	if ((rc = sync_export(ob, &o, file, &n, &e)) != 0) {
		msg_warn(_("export: %s"), e.msg);
		ex = cli_exit_code(&e);
		goto out;
	}
	printf(_("%zu sealed interview%s exported to %s; they stay on this "
		 "laptop until HR's receipt is read (avslut receipt FILE)\n"),
	    n, n == 1 ? "" : "s", file);
out:
	profile_free(prof);
	outbox_close(ob);
	sync_unlock(lock);
	config_free(cfg);
	free(dir);
	return ex;
}
