/* cmd_interviewers: `avslut-hr interviewers add|list|revoke`, the
 * Ed25519 keys whose signed bundles ingest accepts. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <sodium.h>

#include "cli/cli.h"
#include "crypto/key.h"
#include "store/central.h"
#include "util/fsx.h"
#include "util/msg.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "util/i18n.h"

#define LABEL_MAX 200 /* bytes */

static int
iv_add(const char *db, const char *path, const char *label)
{
	uint8_t pk[KEY_PK_BYTES];
	char fpr[KEY_FPR_TEXT];
	struct central *c;
	struct err e;
	size_t bad;
	uint32_t cp;
	int rc;

	if (label != NULL &&
	    (strlen(label) > LABEL_MAX ||
		!utf8_clean(label, strlen(label), 0, &bad, &cp))) {
		msg_warn(
		    _("interviewers add: the label must be at most %d bytes "
		      "of UTF-8 text without control characters"),
		    LABEL_MAX);
		return EX_USAGE;
	}
	if ((rc = key_pub_load(KEY_PUB_INTERVIEWER, path, pk, &e)) != 0) {
		msg_warn(_("interviewers add: %s"), e.msg);
		return cli_exit_code(&e);
	}
	key_fingerprint(pk, fpr);
	if ((rc = central_open(&c, db, CENTRAL_CREATE, &e)) != 0) {
		msg_warn(_("interviewers add: %s"), e.msg);
		return cli_exit_code(&e);
	}
	rc = central_interviewer_add(c, pk, label, &e);
	central_close(c);
	if (rc < 0) {
		msg_warn(_("interviewers add: %s"), e.msg);
		return cli_exit_code(&e);
	}
	printf(_("%s interviewer %s\n"),
	    rc == 1 ? "already registered:" : "registered", fpr);
	return 0;
}

static int
iv_list(const char *db)
{
	struct central_interviewer *v;
	struct central *c;
	struct err e;
	char fpr[KEY_FPR_TEXT], *label;
	size_t n, i;
	int rc;

	if ((rc = central_open(&c, db, CENTRAL_RDONLY, &e)) != 0) {
		msg_warn(_("interviewers list: %s"), e.msg);
		return cli_exit_code(&e);
	}
	rc = central_interviewer_list(c, &v, &n, &e);
	central_close(c);
	if (rc != 0) {
		msg_warn(_("interviewers list: %s"), e.msg);
		return cli_exit_code(&e);
	}
	if (n == 0)
		fputs(_("no registered interviewers: add one with avslut-hr "
			"interviewers add\n"),
		    stderr);
	for (i = 0; i < n; i++) {
		key_fingerprint(v[i].pk, fpr);
		label = utf8_sanitize(v[i].label, strlen(v[i].label), 0);
		printf("%s\t%s\t%s\n", fpr, v[i].revoked ? "revoked" : "active",
		    label);
		free(label);
	}
	central_interviewer_list_free(v, n);
	return 0;
}

/* Lower-case hex digits of s with spaces and colons dropped, or NULL. */
static char *
iv_hexonly(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == ':')
			continue;
		if (!isxdigit((unsigned char)*s)) {
			free(out);
			return NULL;
		}
		*o++ = (char)tolower((unsigned char)*s);
	}
	*o = '\0';
	return out;
}

/* Which key the argument names: a .pub file, its line, the bare base64
 * key, or the fingerprint of a registered key. */
static int
iv_resolve(struct central *c, const char *which, uint8_t pk[KEY_PK_BYTES],
    struct err *e)
{
	struct central_interviewer *v;
	char fpr[KEY_FPR_TEXT], *want, *have;
	size_t n, i, len;
	int rc, found = 0;

	if (fsx_exists(which))
		return key_pub_load(KEY_PUB_INTERVIEWER, which, pk, e) == 0 ?
		    0 :
		    -1;
	if (strncmp(which, "avslut-interviewer-v1 ", 22) == 0)
		return key_pub_parse(KEY_PUB_INTERVIEWER, "the argument", which,
			   strlen(which), pk, e) == 0 ?
		    0 :
		    -1;
	if (sodium_base642bin(pk, KEY_PK_BYTES, which, strlen(which), NULL,
		&len, NULL, sodium_base64_VARIANT_ORIGINAL) == 0 &&
	    len == KEY_PK_BYTES)
		return 0;
	if ((want = iv_hexonly(which)) == NULL ||
	    strlen(want) != 2 * KEY_FPR_BYTES) {
		free(want);
		err_setc(e, ERR_DATA,
		    _("'%s' is neither a key nor a "
		      "fingerprint: see avslut-hr interviewers list"),
		    which);
		return -1;
	}
	if ((rc = central_interviewer_list(c, &v, &n, e)) != 0) {
		free(want);
		return rc;
	}
	for (i = 0; i < n && !found; i++) {
		key_fingerprint(v[i].pk, fpr);
		have = iv_hexonly(fpr);
		if (have != NULL && strcmp(have, want) == 0) {
			memcpy(pk, v[i].pk, KEY_PK_BYTES);
			found = 1;
		}
		free(have);
	}
	central_interviewer_list_free(v, n);
	free(want);
	if (!found) {
		err_setc(e, ERR_DATA,
		    _("no registered interviewer has the "
		      "fingerprint %s: see avslut-hr interviewers list"),
		    which);
		return -1;
	}
	return 0;
}

static int
iv_revoke(const char *db, const char *which)
{
	uint8_t pk[KEY_PK_BYTES];
	char fpr[KEY_FPR_TEXT];
	struct central *c;
	struct err e;
	int rc;

	if ((rc = central_open(&c, db, 0, &e)) != 0) {
		msg_warn(_("interviewers revoke: %s"), e.msg);
		return cli_exit_code(&e);
	}
	if ((rc = iv_resolve(c, which, pk, &e)) == 0)
		rc = central_interviewer_revoke(c, pk, &e);
	central_close(c);
	if (rc < 0) {
		msg_warn(_("interviewers revoke: %s"), e.msg);
		return cli_exit_code(&e);
	}
	key_fingerprint(pk, fpr);
	printf(_("%s interviewer %s\n"),
	    rc == 1 ? "already revoked:" : "revoked", fpr);
	return 0;
}

int
cmd_interviewers(const struct cli_args *a)
{
	const char *db = a->db, *label = cli_arg(a, 'l');
	int argc = a->argc;
	char **argv = a->argv;

	if (argc == 2 && strcmp(argv[0], "add") == 0)
		return iv_add(db, argv[1], label);
	if (label != NULL) {
		msg_warn(_("interviewers: --label goes with add only"));
		return EX_USAGE;
	}
	if (argc == 1 && strcmp(argv[0], "list") == 0)
		return iv_list(db);
	if (argc == 2 && strcmp(argv[0], "revoke") == 0)
		return iv_revoke(db, argv[1]);
	msg_warn(_("interviewers: expected 'add FILE.pub', 'list' or 'revoke "
		   "KEY': see avslut-hr interviewers --help"));
	return EX_USAGE;
}
