/* cmd_init: avslut init, the interviewer's profile: pins the HR public
 * key (after its fingerprint is confirmed) and makes the signing key. */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli/cli.h"
#include "crypto/key.h"
#include "crypto/profile.h"
#include "util/msg.h"
#include "util/pass.h"
#include "util/paths.h"
#include "util/xmem.h"
#include "util/i18n.h"

/* FPR as typed (any case, blanks anywhere) against the computed one. */
static int
init_fpr_match(const char *typed, const char *fpr)
{
	char a[KEY_FPR_TEXT], b[KEY_FPR_TEXT];
	size_t i, n = 0, m = 0;

	for (i = 0; typed[i] != '\0'; i++) {
		if (isspace((unsigned char)typed[i]) || typed[i] == ':')
			continue;
		if (n + 1 >= sizeof a)
			return 0;
		a[n++] = (char)tolower((unsigned char)typed[i]);
	}
	for (i = 0; fpr[i] != '\0'; i++)
		if (fpr[i] != ' ')
			b[m++] = fpr[i];
	return n == m && memcmp(a, b, n) == 0;
}

/* Ask on the terminal whether the fingerprints match: 1 yes, 0 no. */
static int
init_confirm(void)
{
	static const char q[] = "Is this the fingerprint HR gave you? "
				"[y/N] ";
	char c = 0, first = 0;
	int fd, n = 0;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1)
		return 0;
	if (write(fd, q, sizeof q - 1) == -1) {
		close(fd);
		return 0;
	}
	while (read(fd, &c, 1) == 1 && c != '\n')
		if (n++ == 0)
			first = c;
	close(fd);
	return n == 1 && (first == 'y' || first == 'Y');
}

int
cmd_init(const struct cli_args *a)
{
	const char *hrfile = cli_arg(a, 'H'), *typed = cli_arg(a, 'f');
	const char *passfile = a->passfile;
	enum key_kdf kdf = KEY_KDF_DEFAULT;
	uint8_t hr_pk[KEY_PK_BYTES], sign_pk[PROFILE_SIGN_PK_BYTES];
	char fpr[KEY_FPR_TEXT], sfpr[KEY_FPR_TEXT], *dir, *pass, *ppath;
	const char *env;
	struct err e;
	int rc;

	if (cli_kdf(a, 'k', &kdf) == -1)
		return EX_USAGE;
	if (hrfile == NULL) {
		msg_warn(_("no HR key given: use avslut init --hr-key hr.pub"));
		return EX_USAGE;
	}
	dir = paths_data_dir("avslut");
	err_clear(&e);
	if (profile_exists(dir)) {
		msg_warn(
		    _("an interviewer profile already exists in %s: "
		      "refusing to overwrite it (its drafts would be lost); use "
		      "avslut passwd to change the passphrase"),
		    dir);
		free(dir);
		return EX_CANTCREAT;
	}
	if ((rc = key_pub_load(KEY_PUB_HR, hrfile, hr_pk, &e)) != 0) {
		msg_warn("%s", e.msg);
		free(dir);
		return cli_exit_code(&e);
	}
	key_fingerprint(hr_pk, fpr);
	printf(_("HR key fingerprint: %s\n"), fpr);
	fflush(stdout);
	env = getenv("AVSLUT_PASSPHRASE_FILE");
	if (typed != NULL) {
		if (!init_fpr_match(typed, fpr)) {
			msg_warn(
			    _("the fingerprint of %s is not the one given "
			      "with --fingerprint: do not use this key; ask HR "
			      "for hr.pub again"),
			    hrfile);
			free(dir);
			return EX_DATAERR;
		}
	} else if (passfile == NULL && (env == NULL || env[0] == '\0') &&
	    isatty(STDIN_FILENO)) {
		if (!init_confirm()) {
			msg_warn(
			    _("fingerprint not confirmed: nothing was set "
			      "up; compare it with HR's and run avslut init "
			      "again"));
			free(dir);
			return EX_DATAERR;
		}
	} else
		printf(_("Compare it with the fingerprint HR gave you before "
			 "your first interview.\n"));
	if (kdf == KEY_KDF_TEST)
		cli_kdf_warn("the new profile");
	if ((pass = cli_new_pass(_("New passphrase for your profile: "),
		 passfile, 0)) == NULL) {
		free(dir);
		return EX_NOINPUT;
	}
	rc = profile_create(dir, hr_pk, pass, kdf, sign_pk, &e);
	pass_free(pass);
	if (rc != 0) {
		msg_warn("%s", e.msg);
		free(dir);
		return cli_exit_code(&e);
	}
	ppath = paths_join(dir, PROFILE_PUB);
	key_fingerprint(sign_pk, sfpr);
	printf(_("Profile created in %s.\n"
		 "Give %s to HR (avslut-hr interviewers add);\n"
		 "its fingerprint is %s\n"),
	    dir, ppath, sfpr);
	free(ppath);
	free(dir);
	return 0;
}
