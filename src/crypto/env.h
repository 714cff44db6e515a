/* env: sealed envelopes. A record is encoded, bound to its random envelope
 * id, padded to 1 KiB blocks and sealed (crypto_box_seal) to the HR public
 * key; only the HR secret key opens it. Format: man avslut-record(5). */
#ifndef AVSLUT_ENV_H
#define AVSLUT_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/record.h"
#include "util/err.h"

#define ENV_ID_BYTES 16	   /* random, the key in every store */
#define ENV_HASH_BYTES 32  /* BLAKE2b-256 of the envelope: receipts */
#define ENV_PK_BYTES 32	   /* X25519 public key (crypto_box) */
#define ENV_SK_BYTES 32	   /* X25519 secret key */
#define ENV_SEAL_BYTES 48  /* crypto_box_SEALBYTES */
#define ENV_PAD_BLOCK 1024 /* padded plaintext is a multiple of this */
#define ENV_VERSION 1	   /* the sealed-plaintext layout */
/* The largest envelope env_open accepts (a full record, padded, sealed). */
#define ENV_MAX_BYTES (RECORD_MAX_BYTES + 2 * ENV_PAD_BLOCK + ENV_SEAL_BYTES)

/* Seal r to hr_pk. Fills id with fresh random bytes and *env with a newly
 * allocated envelope of *len bytes (caller frees). After this, only the
 * HR secret key can read the record. */
int env_seal(const struct record *r, const uint8_t hr_pk[ENV_PK_BYTES],
    uint8_t id[ENV_ID_BYTES], uint8_t **env, size_t *len, struct err *e);
/* Open an envelope stored under id: decrypt, check the id sealed inside
 * equals id (a box replayed under another id fails), unpad, decode.
 * Fills *r (record_free it). Messages name the envelope by its id. */
int env_open(struct record *r, const uint8_t id[ENV_ID_BYTES],
    const uint8_t *env, size_t len, const uint8_t hr_pk[ENV_PK_BYTES],
    const uint8_t hr_sk[ENV_SK_BYTES], struct err *e)
    __attribute__((warn_unused_result));
/* BLAKE2b-256 of the envelope bytes, for sync acknowledgements. */
void env_hash(uint8_t out[ENV_HASH_BYTES], const uint8_t *env, size_t len);
/* id as 32 lower-case hex digits and a NUL, for messages and receipts. */
void env_id_hex(const uint8_t id[ENV_ID_BYTES], char out[2 * ENV_ID_BYTES + 1]);
/* Parse 32 hex digits; returns 0, or -1 if s is not exactly that. */
int env_id_parse(uint8_t id[ENV_ID_BYTES], const char *s);

#endif
