/* cli_keys: what every command that needs a key shares: default key
 * paths, asking for passphrases, unlocking with the right exit code. */
#include "cli/cli.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "crypto/key.h"
#include "crypto/profile.h"
#include "util/msg.h"
#include "util/pass.h"
#include "util/paths.h"
#include "util/xmem.h"
#include "util/i18n.h"

char *
cli_hr_key_path(const char *opt)
{
	char *dir, *path;

	if (opt != NULL)
		return xstrdup(opt);
	dir = paths_data_dir("avslut-hr");
	path = paths_join(dir, KEY_HR_KEY);
	free(dir);
	return path;
}

char *
cli_pass(const char *prompt, const char *file, int line)
{
	struct err e;
	char *p;

	err_clear(&e);
	if ((p = pass_read(prompt, file, line, 0, &e)) == NULL)
		msg_warn(_("cannot read the passphrase: %s"), e.msg);
	return p;
}

char *
cli_new_pass(const char *prompt, const char *file, int line)
{
	struct err e;
	char *p, *q;
	int tty = file == NULL && getenv("AVSLUT_PASSPHRASE_FILE") == NULL,
	    tries;

	/* On a terminal: the length is checked before "Repeat:", and a
	 * short or mistyped passphrase is asked for again (three times),
	 * not a reason to stop. From a file: read once, checked once. */
	for (tries = 0; tries < 3; tries++) {
		err_clear(&e);
		if ((p = pass_read(prompt, file, line, 0, &e)) == NULL) {
			msg_warn(_("cannot read the new passphrase: %s"),
			    e.msg);
			return NULL;
		}
		if (strlen(p) < CLI_PASS_MIN) {
			msg_warn(
			    _("the new passphrase is too short (%zu "
			      "bytes): use at least %d, a few words are best"),
			    strlen(p), CLI_PASS_MIN);
			pass_free(p);
			if (!tty)
				return NULL;
			continue;
		}
		if (!tty)
			return p;
		if ((q = pass_read(_("Repeat: "), NULL, 0, 0, &e)) == NULL) {
			pass_free(p);
			msg_warn(_("cannot read the new passphrase: %s"),
			    e.msg);
			return NULL;
		}
		if (strcmp(p, q) == 0) {
			pass_free(q);
			return p;
		}
		pass_free(q);
		pass_free(p);
		msg_warn("%s", _("the two passphrases differ: type it again"));
	}
	msg_warn("%s", _("no passphrase set: run the command again"));
	return NULL;
}

/* Like ssh with private keys: say so when others may read a secret file
 * (not fatal: the passphrase still protects it). */
static void
cli_perm_warn(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && (st.st_mode & 077) != 0)
		msg_warn(
		    _("warning: %s can be read by other users (mode %03o): "
		      "run chmod 600 %s"),
		    path, (unsigned)(st.st_mode & 0777), path);
}

void
cli_kdf_warn(const char *what)
{
	msg_warn(_("warning: %s uses --kdf test limits: its passphrase is only "
		   "weakly protected; use it for tests only"),
	    what);
}

/* What is wrong with hr.key, and for a missing one how to make it. */
static void
cli_hr_key_warn(const struct err *e)
{
	if (e->cls == ERR_NOINPUT)
		msg_warn(_("%s: create it with avslut-hr keygen or name it "
			   "with --key FILE"),
		    e->msg);
	else
		msg_warn("%s", e->msg);
}

int
cli_hr_key_check(const char *path, int *kdf_test)
{
	uint8_t pk[KEY_PK_BYTES];
	struct err e;

	err_clear(&e);
	if (key_peek(path, pk, kdf_test, &e) == 0)
		return 0;
	cli_hr_key_warn(&e);
	return cli_exit_code(&e);
}

int
cli_hr_unlock(const char *keyopt, const char *passfile, struct key_hr **k)
{
	char *path = cli_hr_key_path(keyopt), *pass;
	struct err e;
	int rc, kdf_test;

	*k = NULL;
	/* a missing or damaged key file is said before any passphrase is
	 * asked for: there would be nothing to unlock */
	if ((rc = cli_hr_key_check(path, &kdf_test)) != 0) {
		free(path);
		return rc;
	}
	err_clear(&e);
	if ((pass = cli_pass(_("Passphrase for the HR key: "), passfile, 0)) ==
	    NULL) {
		free(path);
		return EX_NOINPUT;
	}
	rc = key_unlock(path, pass, k, &e);
	pass_free(pass);
	if (rc == 0)
		cli_perm_warn(path);
	if (rc != 0 && e.cls == ERR_PERM)
		msg_warn(_("%s: try again"), e.msg);
	else if (rc != 0)
		cli_hr_key_warn(&e);
	else if ((*k)->kdf_test)
		cli_kdf_warn(path);
	free(path);
	return rc == 0 ? 0 : cli_exit_code(&e);
}

char *
cli_profile_dir(const char *cmd)
{
	char *dir = paths_data_dir("avslut");

	if (profile_exists(dir))
		return dir;
	if (cmd != NULL)
		msg_warn(_("%s: this laptop has no interviewer profile yet: "
			   "run avslut init first"),
		    cmd);
	else
		msg_warn(_("no interviewer profile in %s: set one up with "
			   "avslut init --hr-key hr.pub"),
		    dir);
	free(dir);
	return NULL;
}

int
cli_profile_unlock(const char *passfile, struct profile **p)
{
	char *dir, *pass;
	struct err e;
	int rc;

	*p = NULL;
	err_clear(&e);
	if ((dir = cli_profile_dir(NULL)) == NULL)
		return EX_NOINPUT;
	if ((pass = cli_pass(_("Passphrase: "), passfile, 0)) == NULL) {
		free(dir);
		return EX_NOINPUT;
	}
	rc = profile_unlock(dir, pass, p, &e);
	pass_free(pass);
	if (rc == 0) {
		char *path = paths_join(dir, PROFILE_FILE);

		cli_perm_warn(path);
		free(path);
	}
	if (rc != 0 && e.cls == ERR_PERM)
		msg_warn(_("%s: try again"), e.msg);
	else if (rc != 0)
		msg_warn("%s", e.msg);
	else if ((*p)->kdf_test)
		cli_kdf_warn("the interviewer profile");
	free(dir);
	return rc == 0 ? 0 : cli_exit_code(&e);
}
