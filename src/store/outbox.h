/* outbox: the laptop's outbox.db. Encrypted drafts (each under its own
 * random key, wrapped by the interviewer's master draft key), sealed
 * envelopes waiting for sync, and a little laptop-local metadata. */
#ifndef AVSLUT_OUTBOX_H
#define AVSLUT_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define OUTBOX_FILE "outbox.db"
#define OUTBOX_ID_BYTES 16		   /* draft ids and envelope ids */
#define OUTBOX_KEY_BYTES 32		   /* the master draft key */
#define OUTBOX_HASH_BYTES 32		   /* BLAKE2b-256 of an envelope */
#define OUTBOX_DRAFT_MAX (4 * 1024 * 1024) /* plaintext bytes */
#define OUTBOX_SCHEMA 2 /* PRAGMA user_version this program writes */
#define OUTBOX_META_LAST_SYNC "last_sync" /* seconds since the epoch */

struct outbox;

/* Open (creating if needed) DIR/outbox.db: DIR 0700, the file 0600, WAL,
 * synchronous=FULL, secure_delete. Refuses a file that is not an avslut
 * outbox, one from a newer version, and one it cannot write. */
int outbox_open(const char *dir, struct outbox **ob, struct err *e);
/* Checkpoint and truncate the WAL, then close. NULL is fine. */
void outbox_close(struct outbox *ob);
/* The database's path, for messages. */
const char *outbox_path(const struct outbox *ob);

/* A new, empty draft under a fresh random id and a fresh random key. */
int outbox_draft_new(struct outbox *ob, const uint8_t master[OUTBOX_KEY_BYTES],
    uint8_t id[OUTBOX_ID_BYTES], struct err *e);
/* Replace the draft's content: encrypted under its key with a fresh nonce,
 * one statement, on disk (fsynced) when this returns. */
int outbox_draft_save(struct outbox *ob, const uint8_t master[OUTBOX_KEY_BYTES],
    const uint8_t id[OUTBOX_ID_BYTES], const void *plain, size_t len,
    struct err *e);
/* Decrypt a draft into a newly allocated *plain (free it with
 * xfree_wipe(*plain, *len)). A damaged draft is refused and named; other
 * drafts are unaffected. */
int outbox_draft_load(struct outbox *ob, const uint8_t master[OUTBOX_KEY_BYTES],
    const uint8_t id[OUTBOX_ID_BYTES], uint8_t **plain, size_t *len,
    struct err *e) __attribute__((warn_unused_result));
/* The ids of every draft, in id order (random, so no order of creation);
 * *ids is newly allocated, caller frees. */
int outbox_draft_list(struct outbox *ob, uint8_t (**ids)[OUTBOX_ID_BYTES],
    size_t *n, struct err *e);
/* Destroy a draft and its key for good (WAL checkpointed and truncated). */
int outbox_draft_delete(struct outbox *ob, const uint8_t id[OUTBOX_ID_BYTES],
    struct err *e);

/* In one transaction: store the sealed envelope and delete the draft and
 * its key. Then checkpoint and truncate the WAL so that nothing of the
 * draft remains in any file. If anything fails, neither happens. */
int outbox_submit(struct outbox *ob, const uint8_t draft_id[OUTBOX_ID_BYTES],
    const uint8_t env_id[OUTBOX_ID_BYTES], const uint8_t *env, size_t len,
    struct err *e);

struct outbox_env {
	uint8_t id[OUTBOX_ID_BYTES];
	uint8_t *blob; /* the sealed envelope; owned */
	size_t len;
	int exported; /* written by avslut export, not receipted */
};

/* Every waiting envelope, in id order; free with outbox_env_list_free. */
int outbox_env_list(struct outbox *ob, struct outbox_env **envs, size_t *n,
    struct err *e);
void outbox_env_list_free(struct outbox_env *envs, size_t n);
/* How many envelopes are waiting. */
int outbox_env_count(struct outbox *ob, size_t *n, struct err *e);
/* An acknowledgement from HR: remove envelope id if its BLAKE2b-256 equals
 * hash. An id that is not here is fine (already removed): *removed says
 * which (may be NULL). A hash that differs is refused and nothing removed. */
int outbox_env_ack(struct outbox *ob, const uint8_t id[OUTBOX_ID_BYTES],
    const uint8_t hash[OUTBOX_HASH_BYTES], int *removed, struct err *e);
/* Many acknowledgements in one transaction (one fsync, for a sync of
 * thousands): each envelope whose hash matches is removed (*removed
 * counts them), one whose hash differs is kept (*refused counts them, e
 * holds the first reason), an id not here is skipped. Returns -1 on a
 * database error, and then nothing was removed. Freed envelope pages are
 * not zeroed (they held only sealed bytes); drafts keep secure_delete. */
struct outbox_ack {
	uint8_t id[OUTBOX_ID_BYTES];
	uint8_t hash[OUTBOX_HASH_BYTES];
};
int outbox_env_ack_many(struct outbox *ob, const struct outbox_ack *acks,
    size_t n, size_t *removed, size_t *refused, struct err *e);
/* Flag an envelope as exported (avslut export); it stays until acked. */
int outbox_env_mark_exported(struct outbox *ob,
    const uint8_t id[OUTBOX_ID_BYTES], struct err *e);

/* Laptop-local metadata (e.g. OUTBOX_META_LAST_SYNC). get: *value is
 * newly allocated, or NULL if the key is not set. */
int outbox_meta_get(struct outbox *ob, const char *key, char **value,
    struct err *e);
int outbox_meta_set(struct outbox *ob, const char *key, const char *value,
    struct err *e);

#endif
