/* profile: the interviewer's keys under the data directory: the pinned HR
 * public key, the Ed25519 signing key pair and the master draft key, all
 * sealed and authenticated under one Argon2id passphrase key. */
#ifndef AVSLUT_PROFILE_H
#define AVSLUT_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"
#include "util/err.h"

#define PROFILE_FILE "profile"	      /* in the data directory, 0600 */
#define PROFILE_PUB "interviewer.pub" /* the signing public key, text */
#define PROFILE_SIGN_PK_BYTES 32      /* crypto_sign_PUBLICKEYBYTES */
#define PROFILE_SIGN_SK_BYTES 64      /* crypto_sign_SECRETKEYBYTES */
#define PROFILE_DRAFT_KEY_BYTES 32    /* wraps each draft's own key */
#define PROFILE_VERSION 1

/* An unlocked profile. The secret parts are in sodium_malloc memory and
 * wiped by profile_free. */
struct profile {
	uint8_t hr_pk[KEY_PK_BYTES]; /* pinned at init */
	uint8_t sign_pk[PROFILE_SIGN_PK_BYTES];
	uint8_t *sign_sk;   /* PROFILE_SIGN_SK_BYTES, guarded */
	uint8_t *draft_key; /* PROFILE_DRAFT_KEY_BYTES, guarded; the same
				 * for the profile's whole life */
	int kdf_test;	    /* made with --kdf test */
};

/* Results are 0, or -1 with e's class as in crypto/key.h. Every
 * function takes the data directory, e.g. paths_data_dir("avslut"). */

/* 1 if dir holds a profile file (whatever its state). */
int profile_exists(const char *dir);
/* Create the profile: dir made 0700, dir/profile (0600) pinning hr_pk with
 * a new signing key pair and a new random draft key, and dir/
 * interviewer.pub. Refuses (ERR_EXISTS) if a profile exists. Fills sign_pk
 * when not NULL. */
int profile_create(const char *dir, const uint8_t hr_pk[KEY_PK_BYTES],
    const char *pass, enum key_kdf kdf, uint8_t sign_pk[PROFILE_SIGN_PK_BYTES],
    struct err *e);
/* Unlock: check the file and its limits, run the KDF exactly once, open
 * the secrets and verify the whole profile (a swapped HR key or signing
 * public key is refused, ERR_DATA). *out: profile_free it. */
int profile_unlock(const char *dir, const char *pass, struct profile **out,
    struct err *e) __attribute__((warn_unused_result));
void profile_free(struct profile *p);
/* Re-wrap under newpass with a fresh salt and nonce; the draft key and
 * the signing key stay the same, so drafts and registration survive. The
 * KDF mode is kept unless kdf is not NULL. ERR_PERM if oldpass is wrong,
 * and then nothing changed. */
int profile_passwd(const char *dir, const char *oldpass, const char *newpass,
    const enum key_kdf *kdf, struct err *e);
/* The second half of profile_passwd, for a profile already unlocked (so a
 * command can refuse a wrong passphrase before asking for the new one). */
int profile_rewrap(const char *dir, const struct profile *p,
    const char *newpass, const enum key_kdf *kdf, struct err *e);
/* Read the pinned HR key and signing public key without the passphrase
 * (unauthenticated: for status displays only). */
int profile_peek(const char *dir, uint8_t hr_pk[KEY_PK_BYTES],
    uint8_t sign_pk[PROFILE_SIGN_PK_BYTES], struct err *e)
    __attribute__((warn_unused_result));

/* Parse and check a profile image without the passphrase (magic, length,
 * checksum, version, limits). For the fuzzer and the tests. */
int profile_file_check(const char *name, const uint8_t *buf, size_t len,
    struct err *e) __attribute__((warn_unused_result));

#endif
