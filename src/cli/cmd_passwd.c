/* cmd_passwd: avslut passwd, a new passphrase for the interviewer's
 * profile. The draft key stays, so saved drafts remain readable. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "crypto/key.h"
#include "crypto/profile.h"
#include "util/msg.h"
#include "util/pass.h"
#include "util/paths.h"
#include "util/i18n.h"

static void
passwd_usage(FILE *f)
{
	fputs(_("usage: avslut passwd [--passphrase-file FILE] "
	    "[--kdf default|test]\n"
	    "Change the passphrase of the interviewer profile. Drafts and "
	    "the signing key\nstay as they are.\n\n"
	    "  --passphrase-file FILE  the old passphrase on line 1, the new "
	    "one on line 2\n"
	    "  --kdf default|test      change the key derivation limits "
	    "(default: keep them)\n"
	    "  --help                  show this help\n"), f);
}

int
cmd_passwd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "kdf", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *passfile = NULL;
	enum key_kdf kdf;
	int c, rc, setkdf = 0;
	char *dir, *old = NULL, *new = NULL;
	struct profile *p = NULL;
	struct err e;

	optind = 1;
	while ((c = cli_getopt(&argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'p':
			passfile = optarg;
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
			passwd_usage(stdout);
			return 0;
		default:
			passwd_usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		msg_warn(_("unexpected argument '%s': see avslut passwd --help"),
		    argv[optind]);
		return EX_USAGE;
	}
	dir = paths_data_dir("avslut");
	err_clear(&e);
	if (!profile_exists(dir)) {
		msg_warn(_("no interviewer profile in %s: set one up with "
		    "avslut init --hr-key hr.pub"), dir);
		free(dir);
		return EX_NOINPUT;
	}
	if (setkdf && kdf == KEY_KDF_TEST)
		cli_kdf_warn("the profile");
	if ((old = cli_pass(_("Current passphrase: "), passfile, 0)) == NULL) {
		rc = EX_NOINPUT;
		goto out;
	}
	/* A wrong passphrase is refused before the new one is asked for. */
	rc = profile_unlock(dir, old, &p, &e);
	if (rc != 0 && e.cls == ERR_PERM)
		msg_warn(_("%s: nothing was changed"), e.msg);
	else if (rc != 0)
		msg_warn("%s", e.msg);
	if (rc != 0) {
		rc = cli_exit_code(&e);
		goto out;
	}
	if ((new = cli_new_pass(_("New passphrase: "), passfile, 1)) == NULL) {
		rc = EX_NOINPUT;
		goto out;
	}
	if ((rc = profile_rewrap(dir, p, new, setkdf ? &kdf : NULL, &e)) != 0)
		msg_warn(_("%s: the old passphrase still applies"), e.msg);
	else
		printf(_("The passphrase is changed; drafts stay readable.\n"));
	rc = rc == 0 ? 0 : cli_exit_code(&e);
out:
	profile_free(p);
	pass_free(old);
	pass_free(new);
	free(dir);
	return rc;
}
