/* cmd_receipt: `avslut receipt FILE`, read the receipt HR's ingest wrote
 * and remove from the outbox what it confirms. */
#include <getopt.h>
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

static void
receipt_usage(FILE *f)
{
	fputs(_("usage: avslut receipt FILE\n"
	    "Read a receipt written by HR's avslut-hr ingest and remove from\n"
	    "this laptop every sealed interview it confirms (same id and the\n"
	    "same BLAKE2b hash); the rest stay. Needs no passphrase.\n\n"
	    "  -h, --help     show this help\n"
	    "      --version  show the version\n"
	    "Exit 0 when done, 64 usage, 65 not a sound receipt, 74 I/O.\n"
	    "See avslut(1).\n"), f);
}

int
cmd_receipt(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct outbox *ob = NULL;
	struct sync_result r;
	size_t left = 0;
	char *dir = NULL;
	int c, ex = 0, lock = -1, rc;
	struct err e;

	optind = 1;
	while ((c = cli_getopt(&argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'h':
			receipt_usage(stdout);
			return 0;
		case 'V':
			cli_version();
			return 0;
		default:
			receipt_usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind + 1 != argc) {
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
		ex = EX_IOERR;
		goto out;
	}
	if ((rc = sync_receipt_file(ob, argv[optind], &r, &e)) != 0) {
		msg_warn(_("receipt: %s"), e.msg);
		ex = cli_exit_code_or(&e, sync_exit_code(rc, 0));
		goto out;
	}
	if (r.refused > 0)
		msg_warn(_("receipt: %zu kept because HR holds different bytes "
		    "under the same id (%s): tell HR"), r.refused, e.msg);
	if (outbox_env_count(ob, &left, &e) != 0) {
		msg_warn(_("receipt: %s"), e.msg);
		ex = EX_IOERR;
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
