/* cmd_hr_passwd: avslut-hr passwd, a new passphrase for hr.key. The key
 * pair itself stays, so sealed interviews and hr.pub remain valid. */
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "cli/cli_hr.h"
#include "crypto/key.h"
#include "util/msg.h"
#include "util/pass.h"
#include "util/i18n.h"

int
cmd_hr_passwd(const struct cli_args *a)
{
	const char *keyopt = a->key, *passfile = cli_arg(a, 'p');
	const char *db = a->db;
	enum key_kdf kdf;
	int c, rc, setkdf, test = 0, refused;
	uint8_t pk[KEY_PK_BYTES];
	char *path, *old = NULL, *new = NULL;
	struct key_hr *k = NULL;
	struct err e;

	if ((setkdf = cli_kdf(a, 'k', &kdf)) == -1)
		return EX_USAGE;
	path = cli_hr_key_path(keyopt);
	err_clear(&e);
	/* Check the file before asking for anything. */
	if ((rc = key_peek(path, pk, &test, &e)) != 0) {
		if (e.cls == ERR_NOINPUT)
			msg_warn(
			    _("%s: create it with avslut-hr keygen or name "
			      "it with --key FILE"),
			    e.msg);
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
	if ((rc == 0 || refused) &&
	    (c = cli_hr_log_if_store(db,
		 rc == 0 ? "unlock HR key: passwd" :
			   "HR key unlock refused "
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
