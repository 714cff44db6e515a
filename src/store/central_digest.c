/* central_digest: the envelope-set digest and its key file (central.db-key),
 * the interviewers' MAC, schema step 3 that makes them, and
 * central_verify. See central.c for the store as a whole. */
#include "store/central.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "store/central_int.h"
#include "store/db.h"

#include "util/fsx.h"
#include "util/i18n.h"
#include "util/xmem.h"

/*
 * The envelope-set digest (issue 11, "nothing enters or leaves the store
 * around ingest unnoticed"). store_meta 'digest' holds
 *
 *	D = sum over the envelopes of BLAKE2b-256(key K,
 *	    "avslut envelope digest 2" || id || length || head)  mod 2^256
 *
 * (little-endian; length 8 bytes little-endian; head the envelope's
 * first 48 bytes), which is order-free and incremental: ingest adds the
 * terms of what it stored and purge subtracts what it deleted, in the
 * same transaction. Every HR open that shows figures (report, dashboard,
 * purge, audit, releases: CENTRAL_VERIFY) recomputes it and refuses a
 * store whose envelopes do not add up to D.
 *
 * Where K lives: `avslut-hr ingest` runs without the HR passphrase (an
 * ssh forced command, a drop folder run by cron), so K cannot come from
 * the HR key. It is 32 random bytes in a file beside the store,
 * central.db-key (0600, "avslutDK" and the key), made when the store is
 * made. Who holds it can change the store undetected, as avslut-hr can:
 * the accounts that run avslut-hr on this store (HR reviewers, the
 * ingest account). Who can write central.db, a backup or a restore of
 * it, but cannot read central.db-key, cannot add, remove or change an
 * envelope without every HR open refusing. Not covered: someone who
 * holds K; putting back an older genuine copy of the whole store (its
 * digest matches its envelopes: keep the access log and backups); the
 * other tables but the interviewers (below). Threat model: avslut-hr(1)
 * SECURITY CONSIDERATIONS.
 *
 * Why the head suffices, and keeps every HR open cheap (a scan of the
 * ids and heads, not a hash of 110 MB at 100 000 envelopes): a sealed
 * box begins with its ephemeral public key and its Poly1305 tag
 * (crypto_box_seal: epk 32, MAC 16, ciphertext). A new envelope needs a
 * new id (a new term); one that keeps an id, its length and head but
 * changes any later byte no longer authenticates under that epk, whose
 * secret half only its sealer had, and is refused as unreadable by
 * env_open; it cannot be counted. What the digest catches is every
 * envelope added, removed or replaced.
 *
 * A missing digest is never started afresh silently: schema step 3 makes
 * it (with the key file) in the migration's transaction, so a store at
 * schema 3 without one was changed. A key file without a digest means
 * that, or a first upgrade killed in mid-flight: the message says how to
 * start afresh, which only someone who may delete the key can do.
 */
#define DKEY_BYTES 32
#define DKEY_MAGIC "avslutDK"
#define DKEY_FILE_BYTES (8 + DKEY_BYTES)
#define DIGEST_CONTEXT "avslut envelope digest 2"
#define DIGEST_HEAD 48 /* crypto_box_SEALBYTES: epk and MAC */
_Static_assert(DIGEST_HEAD == ENV_SEAL_BYTES, "the sealed box's head");

static char *
central_key_path(const char *dbpath)
{
	return xasprintf("%s-key", dbpath);
}

/* acc += sign * H_K(id || len || head), mod 2^256, little-endian; data
 * holds at least the envelope's first min(len, DIGEST_HEAD) bytes. */
void
cs_digest_term(uint8_t acc[DIGEST_BYTES], const uint8_t *key, const uint8_t *id,
    const uint8_t *data, size_t len, int sign)
{
	crypto_generichash_state st;
	uint8_t h[DIGEST_BYTES], lb[8];
	unsigned carry = 0, x;
	size_t i;

	for (i = 0; i < 8; i++)
		lb[i] = (uint8_t)((uint64_t)len >> (8 * i));
	crypto_generichash_init(&st, key, DKEY_BYTES, DIGEST_BYTES);
	crypto_generichash_update(&st, (const uint8_t *)DIGEST_CONTEXT,
	    sizeof DIGEST_CONTEXT);
	crypto_generichash_update(&st, id, BUNDLE_ID_BYTES);
	crypto_generichash_update(&st, lb, sizeof lb);
	crypto_generichash_update(&st, data,
	    len < DIGEST_HEAD ? len : DIGEST_HEAD);
	crypto_generichash_final(&st, h, sizeof h);
	if (sign < 0) { /* two's complement: ~h + 1 */
		for (i = 0; i < DIGEST_BYTES; i++)
			h[i] = (uint8_t)~h[i];
		carry = 1;
	}
	for (i = 0; i < DIGEST_BYTES; i++) {
		x = (unsigned)acc[i] + h[i] + carry;
		acc[i] = (uint8_t)x;
		carry = x >> 8;
	}
}

/* Write a new key file for the store at dbpath: under a temporary name,
 * fsynced, then renamed, so the name holds a whole key or none. With
 * excl, an existing key file is refused (see above). */
static int
central_key_create(const char *dbpath, int excl, uint8_t *key, struct err *e)
{
	char *path = central_key_path(dbpath), *tmp;
	uint8_t buf[DKEY_FILE_BYTES];
	int fd, rc = 0;

	if (excl && access(path, F_OK) == 0) {
		rc = err_setc(e, ERR_DATA,
		    _("%s has no envelope digest, but "
		      "its key file %s exists: the store was changed outside "
		      "avslut-hr, or its first upgrade was killed: if you are "
		      "sure nobody changed it, remove %s and open the store "
		      "again to start the digest afresh over what it holds now"),
		    dbpath, path, path);
		free(path);
		return rc;
	}
	tmp = xasprintf("%s.tmp", path);
	randombytes_buf(key, DKEY_BYTES);
	memcpy(buf, DKEY_MAGIC, 8);
	memcpy(buf + 8, key, DKEY_BYTES);
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1 || write(fd, buf, sizeof buf) != (ssize_t)sizeof buf ||
	    fsync(fd) != 0) {
		int saved = errno;

		rc = err_setc(e,
		    saved == ENOSPC || saved == EDQUOT	  ? ERR_FULL :
			saved == EACCES || saved == EROFS ? ERR_PERM :
							    ERR_IO,
		    _("cannot write the store's key %s: %s"), path,
		    strerror(saved));
	}
	if (fd != -1)
		close(fd);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = err_setc(e, ERR_IO,
		    _("cannot write the store's key %s: %s"), path,
		    strerror(errno));
	if (rc == 0)
		(void)fsx_sync_dir_of(path, NULL);
	else
		(void)unlink(tmp);
	sodium_memzero(buf, sizeof buf);
	free(tmp);
	free(path);
	return rc;
}

/* Read the key file of the store at dbpath into key. */
static int
central_key_read(const char *dbpath, uint8_t *key, struct err *e)
{
	char *path = central_key_path(dbpath);
	uint8_t buf[DKEY_FILE_BYTES + 1];
	struct stat st;
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1) {
		if (errno == ENOENT)
			rc = err_setc(e, ERR_DATA,
			    _("the store's key %s is "
			      "missing: restore it from the backup of %s (a "
			      "store and its key go together); without it no "
			      "change made outside avslut-hr can be told"),
			    path, dbpath);
		else if (errno == EACCES || errno == EPERM)
			rc = err_setc(e, ERR_PERM,
			    _("cannot read the store's "
			      "key %s: permission denied: every account that "
			      "runs avslut-hr on this store needs to read it "
			      "(avslut-hr(1) SECURITY CONSIDERATIONS)"),
			    path);
		else
			rc = err_setc(e, ERR_IO,
			    _("cannot read the store's "
			      "key %s: %s"),
			    path, strerror(errno));
		free(path);
		return rc;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (n = read(fd, buf, sizeof buf)) != DKEY_FILE_BYTES ||
	    memcmp(buf, DKEY_MAGIC, 8) != 0)
		rc = err_setc(e, ERR_DATA,
		    _("the store's key %s is damaged: "
		      "restore it from the backup of %s"),
		    path, dbpath);
	else
		memcpy(key, buf + 8, DKEY_BYTES);
	close(fd);
	sodium_memzero(buf, sizeof buf);
	free(path);
	return rc;
}

/* The digest key of this connection's store, read once. */
int
cs_dkey(struct central *c, struct err *e)
{
	struct err tmp;

	if (c->dkey != NULL)
		return 0;
	if (e == NULL)
		e = &tmp;
	if ((c->dkey = sodium_malloc(DKEY_BYTES)) == NULL)
		return err_setc(e, ERR_SOFTWARE, _("out of secure memory"));
	if (central_key_read(c->path, c->dkey, e) != 0) {
		sodium_free(c->dkey);
		c->dkey = NULL;
		return -1;
	}
	return 0;
}

/* Sum the terms of every envelope of the store behind h into acc. */
static int
digest_scan(sqlite3 *h, const uint8_t *key, uint8_t acc[DIGEST_BYTES],
    size_t *n)
{
	sqlite3_stmt *st;
	int s;

	memset(acc, 0, DIGEST_BYTES);
	*n = 0;
	/* Only the head is read out of each record (see above). */
	if ((s = sqlite3_prepare_v2(h,
		 "SELECT id, substr(data, 1, 48), "
		 "length(data) FROM envelopes",
		 -1, &st, NULL)) != SQLITE_OK)
		return s;
	_Static_assert(DIGEST_HEAD == 48, "the SQL above");
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		size_t len = (size_t)sqlite3_column_int64(st, 2);

		if (sqlite3_column_bytes(st, 0) != BUNDLE_ID_BYTES ||
		    (size_t)sqlite3_column_bytes(st, 1) !=
			(len < DIGEST_HEAD ? len : DIGEST_HEAD))
			continue; /* the CHECK constraint prevents it */
		digest_term(acc, key, sqlite3_column_blob(st, 0),
		    sqlite3_column_blob(st, 1), len, 1);
		(*n)++;
	}
	sqlite3_finalize(st);
	return s == SQLITE_DONE ? SQLITE_OK : s;
}

/* The stored digest: 1 if there is one (into d), 0 if none, < 0. */
static int
central_digest_get(struct central *c, uint8_t d[DIGEST_BYTES],
    const char *doing, struct err *e)
{
	sqlite3_stmt *st;
	int rc, s;

	if ((rc = central_prepare(c, &st,
		 "SELECT value FROM store_meta WHERE "
		 "key = 'digest'",
		 doing, e)) != 0)
		return rc;
	s = sqlite3_step(st);
	if (s == SQLITE_ROW && sqlite3_column_bytes(st, 0) == DIGEST_BYTES) {
		memcpy(d, sqlite3_column_blob(st, 0), DIGEST_BYTES);
		rc = 1;
	} else if (s == SQLITE_ROW || s == SQLITE_DONE)
		rc = 0;
	else
		rc = central_sqlerr(c, doing, e);
	sqlite3_finalize(st);
	return rc;
}

int
central_set_digest(struct central *c, uint8_t d[CENTRAL_SET_DIGEST_BYTES],
    struct err *e)
{
	return central_digest_get(c, d, "cannot read the envelopes", e);
}

int
central_snapshot_begin(struct central *c, struct err *e)
{
	if (c->snapshot || !sqlite3_get_autocommit(c->db))
		return 0;
	if (central_exec(c, "BEGIN", "cannot read the envelopes", e) != 0)
		return -1;
	c->snapshot = 1;
	/* A store opened with CENTRAL_VERIFY is checked again here, in the
	 * snapshot the caller then reads: the check at open was another
	 * transaction, and envelopes slipped in between (while HR typed
	 * the passphrase) and deleted after the load would otherwise be
	 * counted by this load and, through the record cache, by every
	 * later one (tests/e2e/test_attack_cache.py, laundered). */
	if (c->verify && central_verify(c, e) != 0) {
		central_snapshot_end(c);
		return -1;
	}
	return 0;
}

void
central_snapshot_end(struct central *c)
{
	if (!c->snapshot)
		return;
	c->snapshot = 0;
	(void)central_exec(c, "COMMIT", "cannot read the envelopes", NULL);
}

static int
digest_put(sqlite3 *h, const uint8_t d[DIGEST_BYTES])
{
	sqlite3_stmt *st;
	int s;

	if ((s = sqlite3_prepare_v2(h,
		 "INSERT INTO store_meta (key, value) "
		 "VALUES ('digest', ?) ON CONFLICT (key) DO UPDATE SET value = "
		 "excluded.value",
		 -1, &st, NULL)) != SQLITE_OK)
		return s;
	sqlite3_bind_blob(st, 1, d, DIGEST_BYTES, SQLITE_STATIC);
	s = sqlite3_step(st);
	sqlite3_finalize(st);
	return s == SQLITE_DONE ? SQLITE_OK : s;
}

/* Inside the caller's write transaction: D += delta. */
int
cs_digest_add(struct central *c, const uint8_t delta[DIGEST_BYTES],
    const char *doing, struct err *e)
{
	uint8_t d[DIGEST_BYTES];
	unsigned carry = 0, x;
	size_t i;
	int rc;

	if ((rc = central_digest_get(c, d, doing, e)) < 0)
		return rc;
	if (rc == 0) {
		err_setc(e, ERR_DATA,
		    _("%s: %s was changed outside avslut-hr: "
		      "its envelope digest is gone: nothing was stored"),
		    doing, c->path);
		return -1;
	}
	for (i = 0; i < DIGEST_BYTES; i++) {
		x = (unsigned)d[i] + delta[i] + carry;
		d[i] = (uint8_t)x;
		carry = x >> 8;
	}
	if (digest_put(c->db, d) != SQLITE_OK)
		return central_sqlerr(c, doing, e);
	return 0;
}

/*
 * The interviewer set is covered too: otherwise whoever can write the
 * store could register a key of their own with sqlite3 and send bundles
 * that ingest accepts as genuine. store_meta 'interviewers' holds a
 * BLAKE2b-256 MAC, under the same key, of every (pk, revoked) in pk
 * order; interviewers add and revoke check it, change the set and MAC it
 * again in one transaction; ingest and every verifying open check it.
 */
#define IV_CONTEXT "avslut interviewer set 1"

static int
iv_mac(sqlite3 *h, const uint8_t *key, uint8_t out[DIGEST_BYTES])
{
	crypto_generichash_state gs;
	sqlite3_stmt *st;
	uint8_t rev;
	int s;

	crypto_generichash_init(&gs, key, DKEY_BYTES, DIGEST_BYTES);
	crypto_generichash_update(&gs, (const uint8_t *)IV_CONTEXT,
	    sizeof IV_CONTEXT);
	if ((s = sqlite3_prepare_v2(h,
		 "SELECT pk, revoked FROM interviewers "
		 "ORDER BY pk",
		 -1, &st, NULL)) != SQLITE_OK)
		return s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		crypto_generichash_update(&gs, sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0));
		rev = sqlite3_column_int(st, 1) != 0;
		crypto_generichash_update(&gs, &rev, 1);
	}
	sqlite3_finalize(st);
	crypto_generichash_final(&gs, out, DIGEST_BYTES);
	return s == SQLITE_DONE ? SQLITE_OK : s;
}

static int
iv_mac_put(sqlite3 *h, const uint8_t *key)
{
	uint8_t mac[DIGEST_BYTES];
	sqlite3_stmt *st;
	int s;

	if ((s = iv_mac(h, key, mac)) != SQLITE_OK)
		return s;
	if ((s = sqlite3_prepare_v2(h,
		 "INSERT INTO store_meta (key, value) "
		 "VALUES ('interviewers', ?) ON CONFLICT (key) DO UPDATE SET "
		 "value = excluded.value",
		 -1, &st, NULL)) != SQLITE_OK)
		return s;
	sqlite3_bind_blob(st, 1, mac, DIGEST_BYTES, SQLITE_TRANSIENT);
	s = sqlite3_step(st);
	sqlite3_finalize(st);
	return s == SQLITE_DONE ? SQLITE_OK : s;
}

/* Inside a transaction: 0 if the interviewer set is as avslut-hr left
 * it, else -1 (ERR_DATA when it is not, another class when it cannot
 * be read). */
int
cs_iv_check(struct central *c, const char *doing, struct err *e)
{
	uint8_t want[DIGEST_BYTES], got[DIGEST_BYTES];
	sqlite3_stmt *st;
	int rc, s, have = 0;

	if ((rc = central_dkey(c, e)) != 0)
		return rc;
	if ((rc = central_prepare(c, &st,
		 "SELECT value FROM store_meta WHERE "
		 "key = 'interviewers'",
		 doing, e)) != 0)
		return rc;
	s = sqlite3_step(st);
	if (s == SQLITE_ROW && sqlite3_column_bytes(st, 0) == DIGEST_BYTES) {
		memcpy(want, sqlite3_column_blob(st, 0), DIGEST_BYTES);
		have = 1;
	}
	sqlite3_finalize(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return central_sqlerr(c, doing, e);
	if (iv_mac(c->db, c->dkey, got) != SQLITE_OK)
		return central_sqlerr(c, doing, e);
	if (!have || sodium_memcmp(got, want, DIGEST_BYTES) != 0) {
		err_setc(e, ERR_DATA,
		    _("%s: %s was changed outside avslut-hr: "
		      "its interviewers are not the ones avslut-hr registered "
		      "(a key was added, removed or un-revoked by other means): "
		      "find out who can write the store, and restore it from a "
		      "backup (avslut-hr(1) SECURITY CONSIDERATIONS)"),
		    doing, c->path);
		return -1;
	}
	return 0;
}

/* Inside the caller's transaction, after a change of the set. */
int
cs_iv_seal(struct central *c, const char *doing, struct err *e)
{
	if (iv_mac_put(c->db, c->dkey) != SQLITE_OK)
		return central_sqlerr(c, doing, e);
	return 0;
}

/* Schema step 3, inside the migration's transaction: the key file and
 * the digest over what the store holds. A new store gets a fresh key
 * (a key file left by a deleted store is replaced); an older store must
 * not have one yet (see above). The start is written to the log. */
int
cs_step(struct db *d, int to, struct err *e)
{
	uint8_t *key, acc[DIGEST_BYTES];
	size_t n;
	char *what;
	int s;

	if (to != 3 && to != 4)
		return 0;
	if ((key = sodium_malloc(DKEY_BYTES)) == NULL)
		return err_setc(e, ERR_SOFTWARE, _("out of secure memory"));
	if (to == 4) {
		/* The key step 3 made (in this migration or an earlier). */
		if (central_key_read(db_path(d), key, e) != 0) {
			sodium_free(key);
			return -1;
		}
		s = iv_mac_put(db_handle(d), key);
		sodium_free(key);
		if (s != SQLITE_OK)
			return db_fail_rc(d, s,
			    "cannot seal the interviewer "
			    "set",
			    e);
		return 0;
	}
	if (central_key_create(db_path(d), !db_created(d), key, e) != 0) {
		sodium_free(key);
		return -1;
	}
	s = digest_scan(db_handle(d), key, acc, &n);
	sodium_free(key);
	if (s == SQLITE_OK)
		s = digest_put(db_handle(d), acc);
	if (s == SQLITE_OK && !db_created(d)) {
		sqlite3_stmt *st;

		what = xasprintf("envelope digest started over %zu envelopes "
				 "(schema 3)",
		    n);
		s = sqlite3_prepare_v2(db_handle(d),
		    "INSERT INTO access_log "
		    "(time, user, what) VALUES (?, ?, ?)",
		    -1, &st, NULL);
		if (s == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
			sqlite3_bind_text(st, 2, "avslut-hr", -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(st, 3, what, -1, SQLITE_STATIC);
			s = sqlite3_step(st) == SQLITE_DONE ?
			    SQLITE_OK :
			    sqlite3_errcode(db_handle(d));
			sqlite3_finalize(st);
		}
		free(what);
	}
	if (s != SQLITE_OK)
		return db_fail_rc(d, s, "cannot start the envelope digest", e);
	return 0;
}

int
central_verify(struct central *c, struct err *e)
{
	uint8_t want[DIGEST_BYTES], got[DIGEST_BYTES];
	size_t n;
	int rc, s;

	int own = !c->snapshot; /* inside a snapshot: check what it sees */

	if ((rc = central_dkey(c, e)) != 0)
		return rc;
	if (own &&
	    (rc = central_exec(c, "BEGIN", "cannot check the store", e)) != 0)
		return rc;
	if ((rc = central_digest_get(c, want, "cannot check the store", e)) < 0)
		goto out;
	if (rc == 0) {
		err_setc(e, ERR_DATA,
		    _("%s was changed outside avslut-hr: its "
		      "envelope digest is gone: nothing is shown; find out who "
		      "can write it, and restore it from a backup (avslut-hr(1) "
		      "SECURITY CONSIDERATIONS)"),
		    c->path);
		rc = -1;
		goto out;
	}
	if ((rc = central_iv_check(c, "cannot check the store", e)) != 0)
		goto out;
	if ((s = digest_scan(c->db, c->dkey, got, &n)) != SQLITE_OK) {
		rc = central_sqlerr(c, "cannot check the store", e);
		goto out;
	}
	if (sodium_memcmp(got, want, DIGEST_BYTES) != 0) {
		err_setc(e, ERR_DATA,
		    _("%s was changed outside avslut-hr: its "
		      "%zu envelopes do not match the digest that only "
		      "avslut-hr's ingest and purge keep (an envelope was "
		      "added, removed or altered by other means): nothing is "
		      "shown; find out who can write the store, and restore it "
		      "from a backup (avslut-hr(1) SECURITY CONSIDERATIONS)"),
		    c->path, n);
		rc = -1;
		goto out;
	}
	rc = 0;
out:
	if (own)
		central_rollback(c);
	return rc;
}
