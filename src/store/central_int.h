/* central_int: what the parts of the central store share (central.c,
 * central_digest.c, central_env.c, central_hr.c); not for other modules.
 * The shared helpers are defined as cs_* and called through the static
 * inline central_* and digest_term below, the names they had when they
 * were static in one file. */
#ifndef AVSLUT_CENTRAL_INT_H
#define AVSLUT_CENTRAL_INT_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "store/central.h"

#define BUSY_MS 30000
#define DIGEST_BYTES 32 /* the envelope-set digest, a term of it */
_Static_assert(DIGEST_BYTES == CENTRAL_SET_DIGEST_BYTES, "one digest size");
#define DIGEST_HEAD 48 /* of each envelope in its term: the epk and MAC */
_Static_assert(DIGEST_HEAD == ENV_SEAL_BYTES, "the sealed box's head");

struct db;

/* A file as stat(2) saw it: which one, its size and change times. */
struct cs_fstamp {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtim, ctim;
};

/* What the last successful central_verify on this connection checked,
 * so that the next snapshot may trust it instead of checking again (see
 * "One check per open" in central_digest.c): PRAGMA data_version and the
 * stored digest in that check's snapshot, central.db's stamp and the
 * WAL's, with a hash of the WAL's first wal.size bytes. ok is cleared by
 * every write of this connection's that changes what the check covers
 * (cs_digest_add, cs_iv_seal, central_settle). */
struct cs_vouch {
	int ok;
	int64_t dv;
	uint8_t digest[DIGEST_BYTES];
	struct cs_fstamp db, wal;
	uint8_t walhash[DIGEST_BYTES];
};

struct central {
	struct db *d;
	sqlite3 *db; /* db_handle(d) */
	char *path;
	int rdonly;
	int unsettled; /* this connection ingested, not settled */
	uint8_t *dkey; /* the digest key (sodium_malloc), or NULL
				 * until first needed */
	int snapshot;  /* central_snapshot_begin began a transaction */
	int verify;    /* opened with CENTRAL_VERIFY: every snapshot
			* checks the envelope digest again, unless the
			* last check still holds (vouch) */
	struct cs_vouch vouch;
};

/* central.c: the connection's last SQLite error as a classed message
 * (-1); SQL without rows, a prepared statement, one integer (0 or -1,
 * e may be NULL); ROLLBACK; the "unsettled" mark inside a write
 * transaction (see "No order of arrival"). */
int cs_sqlerr(const struct central *c, const char *doing, struct err *e);
int cs_exec(struct central *c, const char *sql, const char *doing,
    struct err *e);
int cs_prepare(struct central *c, sqlite3_stmt **st, const char *sql,
    const char *doing, struct err *e);
int cs_int(struct central *c, const char *sql, int64_t *v, struct err *e);
void cs_rollback(struct central *c);
int cs_mark_unsettled(struct central *c, const char *doing, struct err *e);

/* central_digest.c: add (sign 1) or subtract (-1) one envelope's term
 * to acc; load the digest key; add delta to the stored digest (inside a
 * write transaction); check and re-seal the interviewers' MAC; schema
 * step 3 (db_schema's step_fn). */
void cs_digest_term(uint8_t acc[DIGEST_BYTES], const uint8_t *key,
    const uint8_t *id, const uint8_t *data, size_t len, int sign);
int cs_dkey(struct central *c, struct err *e);
int cs_digest_add(struct central *c, const uint8_t delta[DIGEST_BYTES],
    const char *doing, struct err *e);
int cs_iv_check(struct central *c, const char *doing, struct err *e);
int cs_iv_seal(struct central *c, const char *doing, struct err *e);
int cs_step(struct db *d, int to, struct err *e);

/* central_scan.c: sum the terms of every envelope of the store behind h
 * into acc, *n of them (an SQLite result code). */
int cs_digest_scan(sqlite3 *h, const uint8_t *key, uint8_t acc[DIGEST_BYTES],
    size_t *n);

/* central_hr.c: 1 registered and active, 0 unknown, 2 revoked, -1. */
int cs_signer_status(struct central *c, const uint8_t pk[CENTRAL_PK_BYTES],
    struct err *e);

static inline int
central_sqlerr(const struct central *c, const char *doing, struct err *e)
{
	return cs_sqlerr(c, doing, e);
}

static inline int
central_exec(struct central *c, const char *sql, const char *doing,
    struct err *e)
{
	return cs_exec(c, sql, doing, e);
}

static inline int
central_prepare(struct central *c, sqlite3_stmt **st, const char *sql,
    const char *doing, struct err *e)
{
	return cs_prepare(c, st, sql, doing, e);
}

static inline int
central_int(struct central *c, const char *sql, int64_t *v, struct err *e)
{
	return cs_int(c, sql, v, e);
}

static inline void
central_rollback(struct central *c)
{
	cs_rollback(c);
}

static inline int
central_mark_unsettled(struct central *c, const char *doing, struct err *e)
{
	return cs_mark_unsettled(c, doing, e);
}

static inline void
digest_term(uint8_t acc[DIGEST_BYTES], const uint8_t *key, const uint8_t *id,
    const uint8_t *data, size_t len, int sign)
{
	cs_digest_term(acc, key, id, data, len, sign);
}

static inline int
central_digest_scan(sqlite3 *h, const uint8_t *key, uint8_t acc[DIGEST_BYTES],
    size_t *n)
{
	return cs_digest_scan(h, key, acc, n);
}

static inline int
central_dkey(struct central *c, struct err *e)
{
	return cs_dkey(c, e);
}

static inline int
central_digest_add(struct central *c, const uint8_t delta[DIGEST_BYTES],
    const char *doing, struct err *e)
{
	return cs_digest_add(c, delta, doing, e);
}

static inline int
central_iv_check(struct central *c, const char *doing, struct err *e)
{
	return cs_iv_check(c, doing, e);
}

static inline int
central_iv_seal(struct central *c, const char *doing, struct err *e)
{
	return cs_iv_seal(c, doing, e);
}

static inline int
central_step(struct db *d, int to, struct err *e)
{
	return cs_step(d, to, e);
}

static inline int
central_signer_status(struct central *c, const uint8_t pk[CENTRAL_PK_BYTES],
    struct err *e)
{
	return cs_signer_status(c, pk, e);
}

#endif
