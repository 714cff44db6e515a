/* cmd_passwd: avslut passwd, a new passphrase for the interviewer's
 * profile. The draft key stays, so saved drafts remain readable. */
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

int
cmd_passwd(const struct cli_args *a)
{
	const char *passfile = cli_arg(a, 'p');
	enum key_kdf kdf;
	int rc, setkdf;
	char *dir, *old = NULL, *new = NULL;
	struct profile *p = NULL;
	struct err e;

	if ((setkdf = cli_kdf(a, 'k', &kdf)) == -1)
		return EX_USAGE;
	err_clear(&e);
	if ((dir = cli_profile_dir()) == NULL)
		return EX_NOINPUT;
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
