/* key: the HR key pair (X25519) and its files: hr.pub (text), hr.key (the
 * secret key wrapped under an Argon2id passphrase key), fingerprints, and
 * the Argon2id limits every passphrase-wrapped file is held to. */
#ifndef AVSLUT_KEY_H
#define AVSLUT_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define KEY_PK_BYTES 32	  /* X25519 (crypto_box) and Ed25519 public */
#define KEY_SK_BYTES 32	  /* X25519 secret key */
#define KEY_FPR_BYTES 16  /* BLAKE2b-128 of a public key */
#define KEY_FPR_TEXT 40	  /* "xxxx xxxx ... xxxx" (8 groups) + NUL */
#define KEY_SALT_BYTES 16 /* crypto_pwhash_SALTBYTES */
#define KEY_VERSION 1	  /* the hr.key / hr.pub layout written */
#define KEY_HR_PUB "hr.pub"
#define KEY_HR_KEY "hr.key"

/* Argon2id limits. The default takes about 0.5 s here (avslut-hr(1)).
 * Every limit read from a file must lie in [MIN, MAX]; test mode, and only
 * test mode, may go down to the Argon2id minimum. */
#define KEY_OPS_DEFAULT 3
#define KEY_MEM_DEFAULT (256ULL << 20)
#define KEY_OPS_MIN 2
#define KEY_MEM_MIN (64ULL << 20)
#define KEY_OPS_MAX 16
#define KEY_MEM_MAX (1ULL << 30)
#define KEY_OPS_TEST 1
#define KEY_MEM_TEST (1ULL << 20)

/* The functions below return 0, or -1 with e's class and message (which
 * always names the file): ERR_IO cannot read or write a file; ERR_NOINPUT
 * the file does not exist; ERR_DATA damaged, truncated, future version,
 * absurd limits, altered header; ERR_PERM wrong passphrase, nothing
 * changed; ERR_EXISTS refusing to overwrite. */

/* How strongly a new file's passphrase key is derived. */
enum key_kdf {
	KEY_KDF_DEFAULT, /* KEY_OPS_DEFAULT, KEY_MEM_DEFAULT */
	KEY_KDF_TEST	 /* KEY_OPS_TEST, KEY_MEM_TEST: tests only; the
				 * file records it, commands warn */
};

/* The unlocked HR key pair. sk is in sodium_malloc memory. */
struct key_hr {
	uint8_t pk[KEY_PK_BYTES];
	uint8_t *sk;  /* KEY_SK_BYTES, guarded; key_hr_free wipes */
	int kdf_test; /* the file was made with --kdf test */
};

/* Parse "default" or "test" (the --kdf option). Returns 0 or -1. */
int key_kdf_parse(const char *s, enum key_kdf *kdf);

/* The fingerprint of a public key: BLAKE2b-128 as 8 groups of 4 hex
 * digits separated by spaces. Always computed from the key itself. */
void key_fingerprint(const uint8_t pk[KEY_PK_BYTES], char out[KEY_FPR_TEXT]);

/* Public key files: one line "TAG BASE64 CHECK\n", TAG "avslut-hr-pub-v1"
 * (hr.pub) or "avslut-interviewer-v1" (interviewer.pub), BASE64 the 32-byte
 * key (standard alphabet, padded), CHECK 16 hex digits of BLAKE2b-64 over
 * TAG and key, so a damaged file is refused rather than read as another
 * key. The check is no authentication: compare fingerprints for that. */
enum key_pub_kind {
	KEY_PUB_HR,
	KEY_PUB_INTERVIEWER
};
/* The line for pk, newly allocated (caller frees). */
char *key_pub_format(enum key_pub_kind kind, const uint8_t pk[KEY_PK_BYTES]);
/* Strict parser; name is used in messages. Anything but exactly one such
 * line (the newline is optional) is refused (ERR_DATA). */
int key_pub_parse(enum key_pub_kind kind, const char *name, const char *text,
    size_t len, uint8_t pk[KEY_PK_BYTES], struct err *e)
    __attribute__((warn_unused_result));
int key_pub_load(enum key_pub_kind kind, const char *path,
    uint8_t pk[KEY_PK_BYTES], struct err *e)
    __attribute__((warn_unused_result));
/* Write the file (0644 would do, but 0600 like every file here); with
 * excl, refuse (ERR_EXISTS) if it exists. */
int key_pub_save(enum key_pub_kind kind, const char *path,
    const uint8_t pk[KEY_PK_BYTES], int excl, struct err *e);

/* Create a new HR key pair in dir (made 0700 if missing): dir/hr.pub and
 * dir/hr.key (0600). Refuses (ERR_EXISTS) if either exists. Fills pk. */
int key_generate(const char *dir, const char *pass, enum key_kdf kdf,
    uint8_t pk[KEY_PK_BYTES], struct err *e);
/* Read the public key recorded in hr.key, without the passphrase (for the
 * fingerprint; the header is only authenticated by key_unlock). */
int key_peek(const char *keyfile, uint8_t pk[KEY_PK_BYTES], int *kdf_test,
    struct err *e) __attribute__((warn_unused_result));
/* Unlock hr.key: check the file and its limits (before any KDF), derive
 * the key once, open the secret key, verify the header and that the
 * secret key matches the public key. *out: key_hr_free it. */
int key_unlock(const char *keyfile, const char *pass, struct key_hr **out,
    struct err *e) __attribute__((warn_unused_result));
void key_hr_free(struct key_hr *k);
/* Re-wrap hr.key under newpass (fresh salt and nonce). The KDF mode is
 * kept unless kdf is not NULL. ERR_PERM, nothing changed, if oldpass is
 * wrong. Atomic: the old file stays until the new one is on disk. */
int key_passwd(const char *keyfile, const char *oldpass, const char *newpass,
    const enum key_kdf *kdf, struct err *e);
/* The second half of key_passwd, for a key already unlocked. */
int key_rewrap(const char *keyfile, const struct key_hr *k, const char *newpass,
    const enum key_kdf *kdf, struct err *e);

/* Read a whole key file of at most max bytes (caller frees): ERR_NOINPUT
 * if it is missing, ERR_DATA if it is no regular file or too large. */
int key_read_file(const char *path, size_t max, char **buf, size_t *len,
    struct err *e);

/* Parse and check an hr.key image without the passphrase: magic, length,
 * checksum, version, limits. For the fuzzer and the tests. */
int key_file_check(const char *name, const uint8_t *buf, size_t len,
    struct err *e) __attribute__((warn_unused_result));

/* The passphrase-wrapped file format shared by hr.key and the profile
 * (avslut-hr(1), FILES). Integers big-endian:
 *   MAGIC(8) VERSION(4) FLAGS(4) ALG(4) OPS(4) MEM(8) SALT(16)
 *   PUBLIC(pub_len) NONCE(24) BOX(sec_len + 16) TAG(32) CHECK(16)
 * FLAGS bit 0 = test KDF; ALG 1 = Argon2id v1.3. Argon2id(passphrase,
 * SALT, OPS, MEM) gives a master key; two subkeys of it (crypto_kdf) seal
 * the secret part (secretbox, BOX) and authenticate everything before TAG
 * (crypto_auth), so no header field, public key or limit can be altered
 * unnoticed. CHECK is an unkeyed BLAKE2b-128 of everything before it: it
 * tells a damaged file from a wrong passphrase before any KDF runs. */
struct key_wrap_spec {
	const char *magic; /* exactly 8 characters */
	uint32_t version;
	size_t pub_len, sec_len;
	const char *what; /* "HR key file", "interviewer profile" */
};
size_t key_wrap_size(const struct key_wrap_spec *s);
/* Seal pub and sec under pass into a newly allocated image (caller frees). */
int key_wrap_seal(const struct key_wrap_spec *s, const uint8_t *pub,
    const uint8_t *sec, const char *pass, enum key_kdf kdf, uint8_t **out,
    size_t *len, struct err *e);
/* Everything that can be checked without the passphrase, limits included:
 * never runs the KDF. Copies PUBLIC to pub and the test flag to kdf_test
 * when they are not NULL, unauthenticated. */
int key_wrap_check(const struct key_wrap_spec *s, const char *name,
    const uint8_t *buf, size_t len, uint8_t *pub, int *kdf_test, struct err *e)
    __attribute__((warn_unused_result));
/* key_wrap_check, the KDF once, then open and verify. sec (sec_len bytes)
 * should be sodium_malloc memory; it is wiped on failure. */
int key_wrap_open(const struct key_wrap_spec *s, const char *name,
    const uint8_t *buf, size_t len, const char *pass, uint8_t *pub,
    uint8_t *sec, int *kdf_test, struct err *e)
    __attribute__((warn_unused_result));
/* How many times this process has run Argon2id (tests count unlocks). */
unsigned long key_kdf_runs(void);

#endif
