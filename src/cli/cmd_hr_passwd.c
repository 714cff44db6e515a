/* cmd_hr_passwd: avslut-hr passwd, a new passphrase for hr.key. The key
 * pair itself stays, so sealed interviews and hr.pub remain valid. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "cli/cli_hr.h"
#include "crypto/key.h"
#include "util/msg.h"
#include "util/pass.h"
#include "util/i18n.h"

static void
hr_passwd_usage(FILE *f)
{
	fputs(_("usage: avslut-hr passwd [--key FILE] [--passphrase-file FILE] "
	    "[--kdf default|test]\n"
	    "                       [--db FILE]\n"
	    "Change the passphrase of the HR secret key; the key itself "
	    "stays the same.\n\n"
	    "  --key FILE              the HR key (default: hr.key in the "
	    "avslut-hr data directory)\n"
	    "  --passphrase-file FILE  the old passphrase on line 1, the new "
	    "one on line 2\n"
	    "  --kdf default|test      change the key derivation limits "
	    "(default: keep them)\n"
	    "  --db FILE               the central store whose access log "
	    "records the unlock\n"
	    "                          (default: central.db in the data "
	    "directory, if it exists)\n"
	    "  --help                  show this help\n"), f);
}

int
cmd_hr_passwd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'K' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "kdf", required_argument, NULL, 'k' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *keyopt = NULL, *passfile = NULL, *db = NULL;
	enum key_kdf kdf;
	int c, rc, setkdf = 0, test = 0, refused;
	uint8_t pk[KEY_PK_BYTES];
	char *path, *old = NULL, *new = NULL;
	struct key_hr *k = NULL;
	struct err e;

	optind = 1;
	while ((c = cli_getopt(&argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'K':
			keyopt = optarg;
			break;
		case 'p':
			passfile = optarg;
			break;
		case 'd':
			db = optarg;
			break;
		case 'k':
			if (key_kdf_parse(optarg, &kdf) == -1) {
				msg_warn(_("--kdf must be default or test, not "
				    "'%s'"), optarg);
				return EX_USAGE;
			}
			setkdf = 1;
			break;
		case 'h':
			hr_passwd_usage(stdout);
			return 0;
		default:
			hr_passwd_usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		msg_warn(_("unexpected argument '%s': see avslut-hr passwd "
		    "--help"), argv[optind]);
		return EX_USAGE;
	}
	path = cli_hr_key_path(keyopt);
	err_clear(&e);
	/* Check the file before asking for anything. */
	if ((rc = key_peek(path, pk, &test, &e)) != 0) {
		if (e.cls == ERR_NOINPUT)
			msg_warn(_("%s: create it with avslut-hr keygen or name "
			    "it with --key FILE"), e.msg);
		else
			msg_warn("%s", e.msg);
		rc = cli_exit_code(&e);
		goto out;
	}
	if ((setkdf && kdf == KEY_KDF_TEST) || (!setkdf && test))
		cli_kdf_warn(path);
	if ((old = cli_pass(_("Current passphrase for the HR key: "), passfile,
	    0)) == NULL) {
		rc = EX_NOINPUT;
		goto out;
	}
	/* A wrong passphrase is refused before the new one is asked for. */
	rc = key_unlock(path, old, &k, &e);
	refused = rc != 0 && e.cls == ERR_PERM;
	if (refused)
		msg_warn(_("%s: nothing was changed"), e.msg);
	else if (rc != 0)
		msg_warn("%s", e.msg);
	/* Every unlock, and every refused passphrase, is logged. */
	if ((rc == 0 || refused) && (c = cli_hr_log_if_store(db,
	    rc == 0 ? "unlock HR key: passwd" : "HR key unlock refused "
	    "(wrong passphrase): passwd")) != 0) {
		rc = c;
		goto out;
	}
	if (rc != 0) {
		rc = cli_exit_code(&e);
		goto out;
	}
	if ((new = cli_new_pass(_("New passphrase: "), passfile, 1)) == NULL) {
		rc = EX_NOINPUT;
		goto out;
	}
	if ((rc = key_rewrap(path, k, new, setkdf ? &kdf : NULL, &e)) != 0)
		msg_warn(_("%s: the old passphrase still applies"), e.msg);
	else
		printf(_("The passphrase of %s is changed.\n"), path);
	rc = rc == 0 ? 0 : cli_exit_code(&e);
out:
	key_hr_free(k);
	pass_free(old);
	pass_free(new);
	free(path);
	return rc;
}
