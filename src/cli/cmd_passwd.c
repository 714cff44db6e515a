/* cmd_passwd: avslut passwd and avslut-hr passwd, a new passphrase for the
 * interviewer's profile or for hr.key, by one flow. The key inside stays,
 * so drafts stay readable and sealed interviews and hr.pub stay valid. */
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "cli/cli_hr.h"
#include "crypto/key.h"
#include "crypto/profile.h"
#include "util/msg.h"
#include "util/pass.h"
#include "util/i18n.h"

/* The file whose passphrase changes, and what unlocking it gave. */
struct passwd {
	const char *path; /* hr.key, or the profile's folder */
	const char *db;	  /* avslut-hr: the store whose access log is kept */
	struct key_hr *k;
	struct profile *p;
};

/* What differs between the two programs. */
struct passwd_ops {
	int (*unlock)(struct passwd *, const char *, struct err *);
	/* NULL, or log an unlock (ok) or a refused passphrase: 0, or the
	 * exit code after a message */
	int (*log)(struct passwd *, int ok);
	int (*rewrap)(struct passwd *, const char *, const enum key_kdf *,
	    struct err *);
	void (*done)(struct passwd *); /* says that it is changed */
};

/* A wrong passphrase is refused before the new one is asked for. */
static int
passwd_change(const struct passwd_ops *ops, struct passwd *pw,
    const char *prompt, const char *passfile, const enum key_kdf *kdf)
{
	char *old, *new = NULL;
	int c, rc, refused;
	struct err e;

	err_clear(&e);
	if ((old = cli_pass(prompt, passfile, 0)) == NULL)
		return EX_NOINPUT;
	rc = ops->unlock(pw, old, &e);
	refused = rc != 0 && e.cls == ERR_PERM;
	if (refused)
		msg_warn(_("%s: nothing was changed"), e.msg);
	else if (rc != 0)
		msg_warn("%s", e.msg);
	if (ops->log != NULL && (rc == 0 || refused) &&
	    (c = ops->log(pw, rc == 0)) != 0) {
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
	if ((rc = ops->rewrap(pw, new, kdf, &e)) != 0)
		msg_warn(_("%s: the old passphrase still applies"), e.msg);
	else
		ops->done(pw);
	rc = rc == 0 ? 0 : cli_exit_code(&e);
out:
	pass_free(old);
	pass_free(new);
	return rc;
}

static int
passwd_profile_unlock(struct passwd *pw, const char *pass, struct err *e)
{
	return profile_unlock(pw->path, pass, &pw->p, e);
}

static int
passwd_profile_rewrap(struct passwd *pw, const char *pass,
    const enum key_kdf *kdf, struct err *e)
{
	return profile_rewrap(pw->path, pw->p, pass, kdf, e);
}

static void
passwd_profile_done(struct passwd *pw)
{
	(void)pw;
	printf(_("The passphrase is changed; drafts stay readable.\n"));
}

static const struct passwd_ops passwd_profile = {
	.unlock = passwd_profile_unlock,
	.rewrap = passwd_profile_rewrap,
	.done = passwd_profile_done,
};

static int
passwd_hr_unlock(struct passwd *pw, const char *pass, struct err *e)
{
	return key_unlock(pw->path, pass, &pw->k, e);
}

/* Every unlock, and every refused passphrase, is logged. */
static int
passwd_hr_log(struct passwd *pw, int ok)
{
	return cli_hr_log_if_store(pw->db,
	    ok ? "unlock HR key: passwd" :
		 "HR key unlock refused (wrong passphrase): passwd");
}

static int
passwd_hr_rewrap(struct passwd *pw, const char *pass, const enum key_kdf *kdf,
    struct err *e)
{
	return key_rewrap(pw->path, pw->k, pass, kdf, e);
}

static void
passwd_hr_done(struct passwd *pw)
{
	printf(_("The passphrase of %s is changed.\n"), pw->path);
}

static const struct passwd_ops passwd_hr = {
	.unlock = passwd_hr_unlock,
	.log = passwd_hr_log,
	.rewrap = passwd_hr_rewrap,
	.done = passwd_hr_done,
};

int
cmd_passwd(const struct cli_args *a)
{
	struct passwd pw = { 0 };
	enum key_kdf kdf;
	int rc, setkdf;
	char *dir;

	if ((setkdf = cli_kdf(a, 'k', &kdf)) == -1)
		return EX_USAGE;
	if ((dir = cli_profile_dir(NULL)) == NULL)
		return EX_NOINPUT;
	if (setkdf && kdf == KEY_KDF_TEST)
		cli_kdf_warn("the profile");
	pw.path = dir;
	rc = passwd_change(&passwd_profile, &pw, _("Current passphrase: "),
	    cli_arg(a, 'p'), setkdf ? &kdf : NULL);
	profile_free(pw.p);
	free(dir);
	return rc;
}

int
cmd_hr_passwd(const struct cli_args *a)
{
	struct passwd pw = { 0 };
	enum key_kdf kdf;
	int rc, setkdf, test = 0;
	char *path;

	if ((setkdf = cli_kdf(a, 'k', &kdf)) == -1)
		return EX_USAGE;
	path = cli_hr_key_path(a->key);
	/* Check the file before asking for anything. */
	if ((rc = cli_hr_key_check(path, &test)) != 0) {
		free(path);
		return rc;
	}
	if ((setkdf && kdf == KEY_KDF_TEST) || (!setkdf && test))
		cli_kdf_warn(path);
	pw.path = path;
	pw.db = a->db;
	rc = passwd_change(&passwd_hr, &pw,
	    _("Current passphrase for the HR key: "), cli_arg(a, 'p'),
	    setkdf ? &kdf : NULL);
	key_hr_free(pw.k);
	free(path);
	return rc;
}
