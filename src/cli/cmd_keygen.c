/* cmd_keygen: avslut-hr keygen, the HR key pair every sealed interview is
 * addressed to. Prints the fingerprint interviewers compare at init. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "crypto/key.h"
#include "util/fsx.h"
#include "util/msg.h"
#include "util/pass.h"
#include "util/paths.h"
#include "util/xmem.h"
#include "util/i18n.h"

int
cmd_keygen(const struct cli_args *a)
{
	const char *passfile = a->passfile;
	enum key_kdf kdf = KEY_KDF_DEFAULT;
	uint8_t pk[KEY_PK_BYTES];
	char fpr[KEY_FPR_TEXT], *dir = NULL, *kpath, *ppath, *pass;
	struct err e;
	int rc;

	/* "" would put the keys in / (paths_join). */
	if (cli_arg(a, 'o') != NULL && cli_arg(a, 'o')[0] == '\0') {
		msg_warn(_("--out needs a directory name: see avslut-hr keygen "
			   "--help"));
		return EX_USAGE;
	}
	if (cli_kdf(a, 'k', &kdf) == -1)
		return EX_USAGE;
	if (cli_arg(a, 'o') != NULL)
		dir = xstrdup(cli_arg(a, 'o'));
	if (dir != NULL) {
		/* --out DIR may be new, but its parent must exist: a typo
		 * must not quietly make a tree of folders for the key */
		char *parent = xstrdup(dir), *sl;

		while (strlen(parent) > 1 && parent[strlen(parent) - 1] == '/')
			parent[strlen(parent) - 1] = '\0';
		sl = strrchr(parent, '/');
		if (sl == parent)
			sl[1] = '\0';
		else if (sl != NULL)
			*sl = '\0';
		else
			strcpy(parent, ".");
		if (!fsx_exists(parent)) {
			msg_warn(
			    _("--out %s: %s does not exist: create it first "
			      "or choose another directory"),
			    dir, parent);
			free(parent);
			free(dir);
			return EX_CANTCREAT;
		}
		free(parent);
	}
	if (dir == NULL)
		dir = paths_data_dir("avslut-hr");
	kpath = paths_join(dir, KEY_HR_KEY);
	ppath = paths_join(dir, KEY_HR_PUB);
	/* Refuse before asking for a passphrase that would not be used. */
	if (fsx_exists(kpath) || fsx_exists(ppath)) {
		msg_warn(
		    _("%s already exists: refusing to overwrite an HR key; "
		      "choose another directory with --out DIR"),
		    fsx_exists(kpath) ? kpath : ppath);
		rc = EX_CANTCREAT;
		goto out;
	}
	if (kdf == KEY_KDF_TEST)
		cli_kdf_warn(kpath);
	if ((pass = cli_new_pass(_("New passphrase for the HR key: "), passfile,
		 0)) == NULL) {
		rc = EX_NOINPUT;
		goto out;
	}
	err_clear(&e);
	rc = key_generate(dir, pass, kdf, pk, &e);
	pass_free(pass);
	if (rc != 0) {
		msg_warn("%s", e.msg);
		rc = cli_exit_code(&e);
		goto out;
	}
	key_fingerprint(pk, fpr);
	printf(_("Created the HR key pair:\n"
		 "  public key   %s  (give it to every interviewer)\n"
		 "  secret key   %s  (keep it and its passphrase safe)\n"
		 "  fingerprint  %s\n"
		 "Interviewers see this fingerprint at avslut init: confirm it "
		 "with them\nover a channel other than the one that carried "
		 "hr.pub.\n"),
	    ppath, kpath, fpr);
out:
	free(kpath);
	free(ppath);
	free(dir);
	return rc;
}
