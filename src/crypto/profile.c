/* profile: the interviewer's sealed profile file (the key_wrap format of
 * crypto/key.h) and the interviewer.pub line HR registers. */
#include "crypto/profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "util/fsx.h"
#include "util/paths.h"
#include "util/xmem.h"
#include "util/i18n.h"

#define PROFILE_PUB_LEN (KEY_PK_BYTES + PROFILE_SIGN_PK_BYTES)
#define PROFILE_SEC_LEN (PROFILE_SIGN_SK_BYTES + PROFILE_DRAFT_KEY_BYTES)
#define PROFILE_MAX_FILE 4096

/* PUBLIC = pinned HR key, signing public key; SECRET = signing secret key,
 * master draft key. Both publics are covered by the passphrase tag. */
static const struct key_wrap_spec profile_spec = { "avslutIP", PROFILE_VERSION,
	PROFILE_PUB_LEN, PROFILE_SEC_LEN, N_("interviewer profile") };

int
profile_exists(const char *dir)
{
	char *path = paths_join(dir, PROFILE_FILE);
	int r = fsx_exists(path);

	free(path);
	return r;
}

int
profile_file_check(const char *name, const uint8_t *buf, size_t len,
    struct err *e)
{
	return key_wrap_check(&profile_spec, name, buf, len, NULL, NULL, e);
}

/* Read dir/profile; *path is set either way (caller frees). */
static int
profile_read(const char *dir, char **path, uint8_t **buf, size_t *len,
    struct err *e)
{
	char *b;
	int rc;

	*path = paths_join(dir, PROFILE_FILE);
	*buf = NULL;
	if (!fsx_exists(*path))
		return err_setc(e, ERR_NOINPUT,
		    _("no interviewer profile in "
		      "%s: run avslut init --hr-key hr.pub"),
		    dir);
	if ((rc = key_read_file(*path, PROFILE_MAX_FILE, &b, len, e)) != 0)
		return rc;
	*buf = (uint8_t *)b;
	return 0;
}

/* Seal the parts into dir/profile, replacing it (atomic) unless excl. */
static int
profile_write(const char *dir, const uint8_t *pub, const uint8_t *sec,
    const char *pass, enum key_kdf kdf, int excl, struct err *e)
{
	char *path = paths_join(dir, PROFILE_FILE);
	uint8_t *img = NULL;
	size_t len = 0;
	int rc;

	rc = key_wrap_seal(&profile_spec, pub, sec, pass, kdf, &img, &len, e);
	if (rc == 0 && fsx_write_atomic(path, img, len, 0600, excl, e) == -1)
		rc = -1;
	free(img);
	free(path);
	return rc;
}

int
profile_create(const char *dir, const uint8_t hr_pk[KEY_PK_BYTES],
    const char *pass, enum key_kdf kdf, uint8_t sign_pk[PROFILE_SIGN_PK_BYTES],
    struct err *e)
{
	char *path = paths_join(dir, PROFILE_FILE);
	char *ppath = paths_join(dir, PROFILE_PUB);
	uint8_t pub[PROFILE_PUB_LEN], *sec = NULL;
	int rc;

	if (fsx_exists(path)) {
		rc = err_setc(e, ERR_EXISTS,
		    _("%s already exists: refusing to "
		      "overwrite the interviewer profile (its drafts would be "
		      "lost)"),
		    path);
		goto out;
	}
	if (fsx_mkdir_p(dir, 0700, e) == -1 || fsx_dir_safe(dir, e) == -1) {
		rc = -1;
		goto out;
	}
	if ((sec = sodium_malloc(PROFILE_SEC_LEN)) == NULL) {
		rc = err_setc(e, ERR_IO, _("cannot allocate protected memory"));
		goto out;
	}
	memcpy(pub, hr_pk, KEY_PK_BYTES);
	crypto_sign_keypair(pub + KEY_PK_BYTES, sec);
	randombytes_buf(sec + PROFILE_SIGN_SK_BYTES, PROFILE_DRAFT_KEY_BYTES);
	if ((rc = profile_write(dir, pub, sec, pass, kdf, 1, e)) != 0)
		goto out;
	/* The public half is public: an old copy is simply replaced. */
	if ((rc = key_pub_save(KEY_PUB_INTERVIEWER, ppath, pub + KEY_PK_BYTES,
		 0, e)) != 0) {
		unlink(path);
		goto out;
	}
	if (sign_pk != NULL)
		memcpy(sign_pk, pub + KEY_PK_BYTES, PROFILE_SIGN_PK_BYTES);
out:
	if (sec != NULL)
		sodium_free(sec);
	free(path);
	free(ppath);
	return rc;
}

void
profile_free(struct profile *p)
{
	if (p == NULL)
		return;
	if (p->sign_sk != NULL)
		sodium_free(p->sign_sk);
	if (p->draft_key != NULL)
		sodium_free(p->draft_key);
	sodium_memzero(p, sizeof *p);
	free(p);
}

int
profile_unlock(const char *dir, const char *pass, struct profile **out,
    struct err *e)
{
	uint8_t pub[PROFILE_PUB_LEN], *sec = NULL, *buf;
	struct profile *p = NULL;
	char *path;
	size_t len;
	int rc, test = 0;

	*out = NULL;
	if ((rc = profile_read(dir, &path, &buf, &len, e)) != 0)
		goto out;
	if ((sec = sodium_malloc(PROFILE_SEC_LEN)) == NULL) {
		rc = err_setc(e, ERR_IO, _("cannot allocate protected memory"));
		goto out;
	}
	if ((rc = key_wrap_open(&profile_spec, path, buf, len, pass, pub, sec,
		 &test, e)) != 0)
		goto out;
	/* libsodium's Ed25519 secret key ends with its public key. */
	if (sodium_memcmp(sec + 32, pub + KEY_PK_BYTES, 32) != 0) {
		rc = err_setc(e, ERR_DATA,
		    _("%s: the signing key does not "
		      "match its public key: restore the profile from a "
		      "backup"),
		    path);
		goto out;
	}
	p = xcalloc(1, sizeof *p);
	p->sign_sk = sodium_malloc(PROFILE_SIGN_SK_BYTES);
	p->draft_key = sodium_malloc(PROFILE_DRAFT_KEY_BYTES);
	if (p->sign_sk == NULL || p->draft_key == NULL) {
		rc = err_setc(e, ERR_IO, _("cannot allocate protected memory"));
		goto out;
	}
	memcpy(p->hr_pk, pub, KEY_PK_BYTES);
	memcpy(p->sign_pk, pub + KEY_PK_BYTES, PROFILE_SIGN_PK_BYTES);
	memcpy(p->sign_sk, sec, PROFILE_SIGN_SK_BYTES);
	memcpy(p->draft_key, sec + PROFILE_SIGN_SK_BYTES,
	    PROFILE_DRAFT_KEY_BYTES);
	p->kdf_test = test;
out:
	if (sec != NULL)
		sodium_free(sec);
	free(buf);
	free(path);
	if (rc != 0)
		profile_free(p);
	else
		*out = p;
	return rc;
}

int
profile_rewrap(const char *dir, const struct profile *p, const char *newpass,
    const enum key_kdf *kdf, struct err *e)
{
	uint8_t pub[PROFILE_PUB_LEN], *sec;
	int rc;

	if ((sec = sodium_malloc(PROFILE_SEC_LEN)) == NULL)
		return err_setc(e, ERR_IO,
		    _("cannot allocate protected "
		      "memory"));
	memcpy(pub, p->hr_pk, KEY_PK_BYTES);
	memcpy(pub + KEY_PK_BYTES, p->sign_pk, PROFILE_SIGN_PK_BYTES);
	memcpy(sec, p->sign_sk, PROFILE_SIGN_SK_BYTES);
	memcpy(sec + PROFILE_SIGN_SK_BYTES, p->draft_key,
	    PROFILE_DRAFT_KEY_BYTES);
	rc = profile_write(dir, pub, sec, newpass,
	    kdf != NULL	    ? *kdf :
		p->kdf_test ? KEY_KDF_TEST :
			      KEY_KDF_DEFAULT,
	    0, e);
	sodium_free(sec);
	return rc;
}

int
profile_passwd(const char *dir, const char *oldpass, const char *newpass,
    const enum key_kdf *kdf, struct err *e)
{
	struct profile *p;
	int rc;

	if ((rc = profile_unlock(dir, oldpass, &p, e)) != 0)
		return rc;
	rc = profile_rewrap(dir, p, newpass, kdf, e);
	profile_free(p);
	return rc;
}

int
profile_peek(const char *dir, uint8_t hr_pk[KEY_PK_BYTES],
    uint8_t sign_pk[PROFILE_SIGN_PK_BYTES], struct err *e)
{
	uint8_t pub[PROFILE_PUB_LEN], *buf;
	char *path;
	size_t len;
	int rc;

	if ((rc = profile_read(dir, &path, &buf, &len, e)) == 0 &&
	    (rc = key_wrap_check(&profile_spec, path, buf, len, pub, NULL,
		 e)) == 0) {
		if (hr_pk != NULL)
			memcpy(hr_pk, pub, KEY_PK_BYTES);
		if (sign_pk != NULL)
			memcpy(sign_pk, pub + KEY_PK_BYTES,
			    PROFILE_SIGN_PK_BYTES);
	}
	free(buf);
	free(path);
	return rc;
}
