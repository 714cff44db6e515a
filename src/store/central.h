/* central: HR's store, central.db (SQLite, WAL): sealed envelopes keyed by
 * their random id and nothing else, approved forms, registered
 * interviewers, units, turnover, staff-survey HME and the access log. */
#ifndef AVSLUT_CENTRAL_H
#define AVSLUT_CENTRAL_H

#include <stddef.h>
#include <stdint.h>

#include "store/hmerow.h"
#include "store/turnrow.h"

#include "store/bundle.h"
#include "util/err.h"

#define CENTRAL_SCHEMA_VERSION \
	6 /* 2: releases; 3: store_meta and the
					 * envelope digest; 4: interviewer MAC;
					 * 5: turnover's retirements and
					 * internal moves; 6: an index of the
					 * envelope ids */
/* Page size of the store: a sealed envelope of up to three 1 KiB pad
 * blocks (3 * 1024 + 48 bytes) fits in one leaf cell of the envelopes
 * b-tree (at most 4086 payload bytes at 16 KiB), so it lies inline, not
 * in overflow pages allocated in order of arrival. */
#define CENTRAL_PAGE_SIZE 16384
#define CENTRAL_APP_ID 0x41564843	 /* PRAGMA application_id, "AVHC" */
#define CENTRAL_PK_BYTES BUNDLE_PK_BYTES /* interviewer Ed25519 key */

/* A function that can fail returns -1 (besides its other results) and
 * fills e with a class (util/err.h), never a code of its own: ERR_NOINPUT
 * no store at the path (without CENTRAL_CREATE); ERR_DATA not a central
 * store, a newer schema, a store changed outside avslut-hr, or input
 * refused (a duplicate, an unknown key); ERR_PERM a read-only file, an
 * unknown or revoked interviewer; ERR_BUSY locked beyond the busy
 * timeout; ERR_FULL a full disk; ERR_IO any other I/O or SQLite failure
 * and a network file system; ERR_SOFTWARE what cannot fail. */
#define CENTRAL_CREATE 0x1 /* create the file (and its dir, 0700) */
#define CENTRAL_RDONLY 0x2 /* open read-only */
#define CENTRAL_VERIFY \
	0x4 /* check the envelope digest (central_verify):
				 * every HR open that shows figures */

struct central;

/* $AVSLUT_HOME or XDG data dir "avslut-hr/central.db"; caller frees. */
char *central_default_path(void);
/* Open (or create) path, NULL for the default. Refuses a file that is
 * not an avslut central store, a schema newer than this program and a
 * network file system; migrates an older schema. */
int central_open(struct central **c, const char *path, int flags,
    struct err *e);
void central_close(struct central *c);
const char *central_path(const struct central *c);
/* Override the busy timeout (default 30 s); tests use a short one. */
void central_set_busy_timeout(struct central *c, int ms);

/* Network file systems: SQLite's WAL needs shared memory and working
 * locks, which NFS, SMB/CIFS, 9p, FUSE (sshfs) and the like do not give.
 * central_fs_magic returns NULL for a local statfs f_type, else the file
 * system's name. central_fs_refuse is the pure decision: 0, or
 * -1 (ERR_IO) with a message about path naming the drop-folder and
 * ssh transports. central_fs_check statfs()es the directory of path. */
const char *central_fs_magic(unsigned long f_type);
int central_fs_refuse(unsigned long f_type, const char *path, struct err *e);
int central_fs_check(const char *path, struct err *e);

/* Envelopes. central_ingest first checks (inside the same BEGIN IMMEDIATE
 * transaction) that b->signer is registered and not revoked, then
 * inserts every envelope with INSERT OR IGNORE, commits, and fills *acks
 * (caller frees) with each envelope's id and the BLAKE2b-256 of what the
 * store now holds under that id. *added counts the new ones. Nothing
 * about the signer or the time is stored. */
int central_ingest(struct central *c, const struct bundle *b,
    struct bundle_ack **acks, size_t *nacks, size_t *added, struct err *e);
int central_env_count(struct central *c, size_t *n, struct err *e);
/* Recompute the envelope-set digest (see central.c) and compare it with
 * the one ingest and purge keep: 0, or -1 (ERR_DATA) with
 * "PATH was changed outside avslut-hr" if an envelope was added, removed
 * or altered by other means; needs the store's key file (PATH-key). */
int central_verify(struct central *c, struct err *e);
/* The envelope-set digest as ingest and purge keep it (store_meta; not
 * recomputed: central_verify does that): an order-free keyed sum over
 * the envelopes' ids, lengths and heads, so it changes with every
 * envelope added, removed or replaced. 1 with it in d, 0 if the store
 * has none, -1. The record cache binds itself to it. */
#define CENTRAL_SET_DIGEST_BYTES 32
int central_set_digest(struct central *c, uint8_t d[CENTRAL_SET_DIGEST_BYTES],
    struct err *e);
/* One read snapshot for what follows, until central_snapshot_end: every
 * read on c sees the store as it was at the first one, whatever another
 * process commits meanwhile. A store opened with CENTRAL_VERIFY is
 * checked again in it (central_verify) unless nothing but this
 * connection's access log and the like has been written since the last
 * check on it (PRAGMA data_version, the stored digest and the files'
 * stamps: "One check per open" in central_digest.c): what the caller
 * reads is a set the digest vouches for. Inside a transaction of the
 * caller's it does nothing (that one is the snapshot). 0 or -1 (the
 * store refused, as at open). */
int central_snapshot_begin(struct central *c, struct err *e);
void central_snapshot_end(struct central *c);
/* Rewrite the file so that no page order shows an order of arrival (see
 * "No order of arrival" in central.c): VACUUM if an ingest or purge left
 * the store unsettled, then truncate the WAL. central_ingest leaves it
 * unsettled, so that a drop folder of many bundles is settled once:
 * call this after the last ingest (central_close does it too, best
 * effort; a killed process leaves it to the next writable open). */
int central_settle(struct central *c, struct err *e);
/* Close c, and if it left the store unsettled (an ingest), settle it in
 * a detached process (a new session, its standard streams on /dev/null,
 * none of the caller's descriptors), so that the caller can exit before
 * the VACUUM: `avslut-hr ingest -` under ssh answers with its receipt,
 * and the laptop's sync ends without waiting for the rewrite of the
 * store. Until that process is done the store is unsettled, as between
 * any ingest's commit and its VACUUM; if it dies, the next writable open
 * settles. 0, or -1 if no process could be started (then it was settled
 * here). */
int central_close_detached(struct central *c);
/* Call fn for every envelope in id order; a non-zero return stops. */
int central_env_foreach(struct central *c,
    int (*fn)(void *ctx, const uint8_t *id, const uint8_t *data, size_t len),
    void *ctx, struct err *e);

/* Call fn for every envelope id in id order, reading no envelope (the
 * record cache binds itself to the id set); a non-zero return stops. */
int central_env_id_foreach(struct central *c,
    int (*fn)(void *ctx, const uint8_t *id), void *ctx, struct err *e);

/* Call fn for each of the n envelopes with these ids that the store
 * holds, in the order given (an id it does not hold is skipped); a
 * non-zero return stops. For the record cache: the envelopes it lacks. */
int central_env_foreach_ids(struct central *c,
    const uint8_t (*ids)[BUNDLE_ID_BYTES], size_t n,
    int (*fn)(void *ctx, const uint8_t *id, const uint8_t *data, size_t len),
    void *ctx, struct err *e);

/* Approved forms, keyed by their hash. */
struct central_form {
	char *id;
	uint32_t version;
	uint8_t hash[BUNDLE_HASH_BYTES];
};
/* Returns 0 (added), 1 (that hash is already approved) or -1. A
 * different text for an id and version already approved is refused. */
int central_form_add(struct central *c, const char *id, uint32_t version,
    const uint8_t hash[BUNDLE_HASH_BYTES], const char *yaml, size_t len,
    struct err *e);
int central_form_list(struct central *c, struct central_form **forms, size_t *n,
    struct err *e);
void central_form_list_free(struct central_form *forms, size_t n);
/* 1 if approved, 0 if not, -1 on error. */
int central_form_approved(struct central *c,
    const uint8_t hash[BUNDLE_HASH_BYTES], struct err *e);
/* The YAML text of an approved form (caller frees). */
int central_form_yaml(struct central *c, const uint8_t hash[BUNDLE_HASH_BYTES],
    char **yaml, size_t *len, struct err *e);

/* Interviewers: their Ed25519 public keys. */
struct central_interviewer {
	uint8_t pk[CENTRAL_PK_BYTES];
	char *label; /* "" if none */
	int revoked;
};
/* Returns 0 (added), 1 (already registered: label kept) or -1. A
 * revoked key stays revoked: it cannot be added back. */
int central_interviewer_add(struct central *c,
    const uint8_t pk[CENTRAL_PK_BYTES], const char *label, struct err *e);
int central_interviewer_list(struct central *c,
    struct central_interviewer **list, size_t *n, struct err *e);
void central_interviewer_list_free(struct central_interviewer *list, size_t n);
/* Returns 0 (revoked), 1 (was already revoked) or -1 (ERR_DATA if
 * the key is not registered). Its envelopes already stored stay. */
int central_interviewer_revoke(struct central *c,
    const uint8_t pk[CENTRAL_PK_BYTES], struct err *e);
/* 1 registered and active, 0 unknown, 2 revoked, -1 on error. */
int central_interviewer_status(struct central *c,
    const uint8_t pk[CENTRAL_PK_BYTES], struct err *e);

/* Access log: the time (UTC, seconds), the OS user and what was done.
 * Ingests are deliberately not logged: a time beside a count would give
 * back the arrival time the envelopes table leaves out. */
int central_log(struct central *c, const char *what, struct err *e);
struct central_log_entry {
	int64_t time;
	char *user;
	char *what;
};
int central_log_list(struct central *c, struct central_log_entry **list,
    size_t *n, struct err *e);
void central_log_list_free(struct central_log_entry *list, size_t n);

/* Turnover (`avslut-hr turnover import`): per unit and year the average
 * headcount and the leavers, and of those the retirements and the moves
 * to another unit of the region where the file gave them. An import
 * replaces the rows of the same unit and year and leaves the others; all
 * rows or none (one transaction), and it is logged as what. Rows:
 * struct turnover_row (store/turnrow.h). */
int central_turnover_import(struct central *c, const struct turnover_row *rows,
    size_t n, const char *what, struct err *e);
/* Every row, by unit and year. */
int central_turnover_list(struct central *c, struct turnover_row **rows,
    size_t *n, struct err *e);
void central_turnover_list_free(struct turnover_row *rows, size_t n);

/* The units' staff-survey HME (`avslut-hr hme import`), each 0..100;
 * imported like turnover. Rows: struct hme_row (store/hmerow.h). */
int central_hme_import(struct central *c, const struct hme_row *rows, size_t n,
    const char *what, struct err *e);
int central_hme_list(struct central *c, struct hme_row **rows, size_t *n,
    struct err *e);
void central_hme_list_free(struct hme_row *rows, size_t n);

/* Delete the envelopes with these ids (purge), log what, all in one
 * transaction; then VACUUM and truncate the WAL so that no deleted byte
 * stays in the file (secure_delete is on). *deleted counts them. */
int central_env_delete(struct central *c, const uint8_t (*ids)[BUNDLE_ID_BYTES],
    size_t n, const char *what, size_t *deleted, struct err *e);

/* Releases (report/release.h): one closed year's published tables,
 * sealed to the HR public key (the blob), with the revision number, the
 * date it was made, its interview count and the digest of the unit-to-area
 * map it was made with (shown by every view anyway, so kept in the clear
 * for `avslut-hr releases`). */
struct central_release {
	unsigned year;
	unsigned revision;   /* 1, 2, ... */
	char date[11];	     /* YYYY-MM-DD, UTC */
	uint32_t interviews; /* in the release */
	char mapdigest[33];  /* hex */
	uint8_t *blob;	     /* sealed */
	size_t bloblen;
};
/* Every release, by year and revision. Returns 0 or -1. */
int central_release_list(struct central *c, struct central_release **rows,
    size_t *n, struct err *e);
void central_release_list_free(struct central_release *rows, size_t n);
/* Add one release. Returns 0, 1 if that year and revision exist already
 * (another view made it at the same moment: nothing is written), -1. */
int central_release_add(struct central *c, const struct central_release *r,
    struct err *e);
/* Delete the releases of years before year (purge: their figures hold
 * the purged interviews' texts); *deleted counts them. */
int central_release_purge(struct central *c, unsigned year, size_t *deleted,
    struct err *e);

#endif
