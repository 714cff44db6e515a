/* bundle: the signed bundle of sealed envelopes that travels from a laptop
 * to HR, and the receipt HR sends back. Format: man avslut-bundle(5). */
#ifndef AVSLUT_BUNDLE_H
#define AVSLUT_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/env.h"
#include "util/err.h"

#define BUNDLE_MAGIC "AVSLUTB\n"  /* 8 bytes, no NUL */
#define RECEIPT_MAGIC "AVSLUTR\n" /* 8 bytes, no NUL */
#define BUNDLE_MAGIC_BYTES 8
#define BUNDLE_VERSION 1
#define BUNDLE_ID_BYTES ENV_ID_BYTES	      /* 16 */
#define BUNDLE_HASH_BYTES ENV_HASH_BYTES      /* 32, BLAKE2b-256 */
#define BUNDLE_PK_BYTES 32		      /* Ed25519 public key */
#define BUNDLE_SK_BYTES 64		      /* libsodium Ed25519 secret key */
#define BUNDLE_SIG_BYTES 64		      /* Ed25519ph signature */
#define BUNDLE_MAX_ENVELOPE ENV_MAX_BYTES     /* one envelope */
#define BUNDLE_MAX_COUNT 100000		      /* envelopes in one bundle */
#define BUNDLE_MAX_BYTES (256u * 1024 * 1024) /* a whole bundle */

/* Every function that can fail returns 0 or -1 with e's class: ERR_DATA
 * for bad data (tampered, truncated, unsigned, too large), ERR_IO for an
 * I/O error of the stream itself (util/err.h). */

struct bundle_env {
	uint8_t id[BUNDLE_ID_BYTES];
	uint8_t *data; /* owned by the bundle */
	size_t len;
};

/* A bundle whose signature has been verified: bundle_read returns one
 * only after the signature checked out, so nothing unverified is ever
 * handed to a caller. Whether the signer may send is the caller's call. */
struct bundle {
	struct bundle_env *envs;
	size_t n;
	uint8_t signer[BUNDLE_PK_BYTES];
};

/* One acknowledged envelope: its id and BLAKE2b-256 of the bytes HR
 * holds under that id. */
struct bundle_ack {
	uint8_t id[BUNDLE_ID_BYTES];
	uint8_t hash[BUNDLE_HASH_BYTES];
};

/* Write n envelopes as a bundle signed with sk (libsodium's 64-byte
 * Ed25519 secret key; the public key is its second half). Handles short
 * writes and EINTR; the fd is not closed or fsynced. */
int bundle_write(int fd, const struct bundle_env *envs, size_t n,
    const uint8_t sk[BUNDLE_SK_BYTES], struct err *e);

/* The same as a stream, for callers that fetch envelopes one at a time
 * (the outbox): the count is fixed up front, bundle_writer_finish checks
 * that exactly that many were added and writes the key and signature. */
struct bundle_writer;
struct bundle_writer *bundle_writer_new(int fd, size_t count,
    const uint8_t sk[BUNDLE_SK_BYTES], struct err *e);
int bundle_writer_add(struct bundle_writer *w, const uint8_t *id,
    const uint8_t *data, size_t len, struct err *e);
/* Writes the trailer and frees w (also on error). */
int bundle_writer_finish(struct bundle_writer *w, struct err *e);
/* Frees w without finishing (wipes the key copy). NULL is fine. */
void bundle_writer_abort(struct bundle_writer *w);

/* Read a whole bundle from fd until end of file, check every length, the
 * magic, the version, that no bytes follow the signature, and verify the
 * signature; fills *b only if all of that holds. Returns 0 or -1 (class
 * ERR_DATA or ERR_IO); e says what and where (byte offset). */
int bundle_read(int fd, struct bundle *b, struct err *e)
    __attribute__((warn_unused_result));
/* The same from memory (tests, fuzzing). */
int bundle_read_buf(const uint8_t *buf, size_t len, struct bundle *b,
    struct err *e) __attribute__((warn_unused_result));
void bundle_free(struct bundle *b);

/* BLAKE2b-256 of an envelope's bytes (equal to env_hash). */
void bundle_env_hash(uint8_t out[BUNDLE_HASH_BYTES], const uint8_t *data,
    size_t len);

/* Receipts: magic, version, count, (id, hash) pairs, and a BLAKE2b-256
 * checksum over everything before it (catches truncation; a receipt is
 * not signed: see avslut-bundle(5) for why that is safe). */
int bundle_receipt_write(int fd, const struct bundle_ack *acks, size_t n,
    struct err *e);
/* The same bytes in memory (*out newly allocated, caller frees). */
int bundle_receipt_encode(const struct bundle_ack *acks, size_t n,
    uint8_t **out, size_t *len, struct err *e);
/* Reads until end of file; *acks newly allocated (caller frees). 0 or
 * -1 as bundle_read. */
int bundle_receipt_read(int fd, struct bundle_ack **acks, size_t *n,
    struct err *e) __attribute__((warn_unused_result));
int bundle_receipt_read_buf(const uint8_t *buf, size_t len,
    struct bundle_ack **acks, size_t *n, struct err *e)
    __attribute__((warn_unused_result));

/* Keyed receipts (version 2), for drop folders: instead of (id, hash)
 * each envelope is two BLAKE2b-256 digests keyed with a per-bundle key
 * that only the laptop can recompute (avslut-bundle(5)), so that a
 * receipt left in a shared folder links no id in central.db to the
 * laptop that sent it. Sorted by digest. */
#define RECEIPT_VERSION_KEYED 2
#define BUNDLE_RKEY_BYTES 32
struct bundle_kack {
	uint8_t idmac[BUNDLE_HASH_BYTES];  /* keyed digest of the id */
	uint8_t envmac[BUNDLE_HASH_BYTES]; /* of the id and the hash */
};
_Static_assert(sizeof(struct bundle_kack) == 2 * BUNDLE_HASH_BYTES,
    "no padding in bundle_kack");
void bundle_receipt_mac(const uint8_t key[BUNDLE_RKEY_BYTES],
    const uint8_t id[BUNDLE_ID_BYTES], const uint8_t hash[BUNDLE_HASH_BYTES],
    struct bundle_kack *out);
int bundle_receipt_encode_keyed(const struct bundle_ack *acks, size_t n,
    const uint8_t key[BUNDLE_RKEY_BYTES], uint8_t **out, size_t *len,
    struct err *e);
/* The version of a receipt in memory (0: not a receipt). */
int bundle_receipt_version(const uint8_t *buf, size_t len);
int bundle_receipt_read_keyed(const uint8_t *buf, size_t len,
    struct bundle_kack **kacks, size_t *n, struct err *e)
    __attribute__((warn_unused_result));

#endif
