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

/*
 * One check per open (issue 15). A store opened with CENTRAL_VERIFY is
 * checked at open, before the passphrase prompt, and the snapshot the
 * load then reads (central_snapshot_begin) must again be a set the
 * digest vouches for: envelopes slipped in between (while HR types the
 * passphrase) and deleted after the load would otherwise be counted,
 * and kept by the record cache (tests/e2e/test_attack_cache.py,
 * laundered). Checking twice cost a second scan of the store: 0.13 s
 * at 100 000 envelopes, 1.3 s at 1 000 000. So the snapshot trusts the
 * last check on this connection when it can tell that no one else has
 * written the store since, and checks again otherwise.
 *
 * A writer that goes through SQLite (sqlite3, another avslut-hr, any
 * program with the library: its locks, its WAL index). PRAGMA
 * data_version "provides an indication that the database file has been
 * modified": two invocations on one connection differ "if changes were
 * committed to the database by any other connection in the interim",
 * and it "is unchanged for changes committed on the same database
 * connection" (https://www.sqlite.org/pragma.html#pragma_data_version).
 * In WAL mode a connection sees another's commit when it starts a read
 * transaction (the WAL index header changed); SQLite then drops its
 * page cache and counts the change, so a commit made at any time after
 * the check is counted by whichever read transaction comes next (the
 * access log's write included) and stays counted. central_verify keeps
 * the value of its own snapshot; the load's snapshot reads it as its
 * first read (the pragma begins the read transaction) and trusts the
 * check only if it is the same, and the stored digest too. This
 * connection's own commits do not move it: between the check at open
 * and the load avslut-hr writes only the access log (central_log),
 * which touches no envelope, digest or interviewer. The writes that do
 * touch them (ingest and purge through cs_digest_add, interviewers add
 * and revoke through cs_iv_seal, VACUUM in central_settle) drop what
 * was kept, so the next snapshot checks again.
 *
 * A writer of the files' bytes (cp of a doctored copy over central.db, a
 * write into the WAL) makes no commit: data_version does not move, and
 * SQLite reads what the file holds whenever a page is not in its cache. The
 * second scan caught such a copy put in place during the prompt (in a store
 * bigger than SQLite's page cache, which keeps pages read before); that is
 * kept. central_verify also keeps central.db's stat (device, inode, size,
 * mtime and ctime: write(2) and stores through mmap set the ctime, and no
 * user can set it back) and a BLAKE2b hash of the WAL's bytes, both taken
 * before its snapshot's first read; the load's snapshot takes them again
 * before its own, and trusts the check only if central.db is as it was and
 * the WAL is the same file with its first bytes as they were (this
 * connection's access log is appended after them). A WAL that had grown by
 * the end of the check (another commit between the stamps and the check's
 * first read: frames of its snapshot that the hash does not cover), a
 * central.db changed in the clock tick of the stamps (a later write in that
 * tick would leave the same ctime), a WAL over VOUCH_WAL_MAX and a file
 * gone: nothing is kept, the load's snapshot checks again.
 *
 * What neither this nor the second scan covers: a writer of the bytes
 * who changes a page after it was checked. SQLite reads pages lazily,
 * as the load needs them, so a page changed on disk after the scan in
 * the snapshot (during the load's seconds) was read changed by the
 * load before as well, and the end of that scan can be seen from
 * outside (inotify reports the reads). Nor a writer of the -shm index
 * who leaves its header alone, nor one who swaps a file's name in the
 * moment between SQLite's open and the first stamps. The defence
 * against those is who may write the files (avslut-hr(1) SECURITY
 * CONSIDERATIONS), not the digest.
 */
#define VOUCH_WAL_MAX (8 << 20) /* hash no more of the WAL than this */

static void
vouch_stamp(const struct stat *st, struct cs_fstamp *s)
{
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	s->size = st->st_size;
	s->mtim = st->st_mtim;
	s->ctim = st->st_ctim;
}

static int
vouch_ts_eq(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static int
vouch_ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	    (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static int
vouch_same_file(const struct cs_fstamp *a, const struct cs_fstamp *b)
{
	return a->dev == b->dev && a->ino == b->ino;
}

/* Hash the first st->st_size bytes of fd into all, and the first mark of
 * them into at (*hasat = 1) if mark is in that range (a file grown since
 * st is read no further). */
static int
vouch_hash(int fd, const struct stat *st, off_t mark, uint8_t all[DIGEST_BYTES],
    uint8_t at[DIGEST_BYTES], int *hasat)
{
	crypto_generichash_state gs, gm;
	uint8_t buf[16384];
	off_t done = 0, end;
	ssize_t r;

	*hasat = 0;
	crypto_generichash_init(&gs, NULL, 0, DIGEST_BYTES);
	for (;;) {
		if (done == mark && !*hasat) {
			gm = gs;
			crypto_generichash_final(&gm, at, DIGEST_BYTES);
			*hasat = 1;
		}
		if (done == st->st_size)
			break;
		end = mark > done && mark < st->st_size ? mark : st->st_size;
		r = read(fd, buf,
		    end - done < (off_t)sizeof buf ? (size_t)(end - done) :
						     sizeof buf);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		crypto_generichash_update(&gs, buf, (size_t)r);
		done += r;
	}
	crypto_generichash_final(&gs, all, DIGEST_BYTES);
	return 0;
}

/* The files' stamps now, before a snapshot's first read, into v:
 * central.db's, the WAL's and the hash of its bytes; the hash of its
 * first mark bytes into at (*hasat = 1) if it still has that many. 0, or
 * -1 if they can vouch for nothing. */
static int
vouch_take(const struct central *c, struct cs_vouch *v, off_t mark,
    uint8_t at[DIGEST_BYTES], int *hasat)
{
	struct timespec now;
	struct stat st;
	char *wal;
	int fd, rc = -1;

	memset(v, 0, sizeof *v);
	*hasat = 0;
	if (stat(c->path, &st) != 0)
		return -1;
	vouch_stamp(&st, &v->db);
	/* After the stamp: a write from now on gets a later ctime. Not on
	 * a filesystem that keeps whole seconds (ext4 with small inodes,
	 * FAT's two seconds, many network shares): there a write later in
	 * the same second (or two) keeps the stamps, so they must be two
	 * seconds old. Such stamps have no nanoseconds; a fine-grained one
	 * that has none by chance only costs a second check. */
	if (clock_gettime(CLOCK_REALTIME_COARSE, &now) != 0)
		return -1;
	if (v->db.ctim.tv_nsec == 0 && v->db.mtim.tv_nsec == 0)
		now.tv_sec -= 2;
	if (!vouch_ts_before(&v->db.ctim, &now) ||
	    !vouch_ts_before(&v->db.mtim, &now))
		return -1;
	wal = xasprintf("%s-wal", c->path);
	fd = open(wal, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	free(wal);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size <= VOUCH_WAL_MAX) {
		vouch_stamp(&st, &v->wal);
		rc = vouch_hash(fd, &st, mark, v->walhash, at, hasat);
	}
	close(fd);
	return rc;
}

/* Inside the check's transaction, after it succeeded: keep what it
 * checked in v (1), unless the WAL has grown since v's stamps (0). */
static int
vouch_record(struct central *c, struct cs_vouch *v,
    const uint8_t digest[DIGEST_BYTES])
{
	struct stat st;
	char *wal;
	int rc;

	if (central_int(c, "PRAGMA data_version", &v->dv, NULL) != 0)
		return 0;
	wal = xasprintf("%s-wal", c->path);
	rc = stat(wal, &st);
	free(wal);
	if (rc != 0 || st.st_dev != v->wal.dev || st.st_ino != v->wal.ino ||
	    st.st_size != v->wal.size)
		return 0;
	memcpy(v->digest, digest, DIGEST_BYTES);
	v->ok = 1;
	return 1;
}

/* As the snapshot's first read: 1 if the last check on c still holds
 * for it (now: the stamps taken just before it; at: the hash of the
 * WAL's first c->vouch.wal.size bytes now), else 0. */
static int
vouch_holds(struct central *c, const struct cs_vouch *now,
    const uint8_t at[DIGEST_BYTES])
{
	const struct cs_vouch *v = &c->vouch;
	uint8_t d[DIGEST_BYTES];
	int64_t dv;

	if (!v->ok || central_int(c, "PRAGMA data_version", &dv, NULL) != 0 ||
	    dv != v->dv)
		return 0;
	if (central_digest_get(c, d, "cannot read the envelopes", NULL) != 1 ||
	    sodium_memcmp(d, v->digest, DIGEST_BYTES) != 0)
		return 0;
	return vouch_same_file(&now->db, &v->db) &&
	    now->db.size == v->db.size &&
	    vouch_ts_eq(&now->db.mtim, &v->db.mtim) &&
	    vouch_ts_eq(&now->db.ctim, &v->db.ctim) &&
	    vouch_same_file(&now->wal, &v->wal) &&
	    sodium_memcmp(at, v->walhash, DIGEST_BYTES) == 0;
}

static int verify_run(struct central *c, struct cs_vouch *v, struct err *e);

int
central_snapshot_begin(struct central *c, struct err *e)
{
	struct cs_vouch now;
	uint8_t at[DIGEST_BYTES];
	int have = 0, hasat = 0;

	if (c->snapshot || !sqlite3_get_autocommit(c->db))
		return 0;
	/* The files' stamps before the snapshot's first read (see "One
	 * check per open"). */
	if (c->verify)
		have = vouch_take(c, &now, c->vouch.ok ? c->vouch.wal.size : -1,
			   at, &hasat) == 0;
	if (central_exec(c, "BEGIN", "cannot read the envelopes", e) != 0)
		return -1;
	c->snapshot = 1;
	/* A store opened with CENTRAL_VERIFY is checked again here, in the
	 * snapshot the caller then reads, unless the last check still
	 * holds: the check at open was another transaction, and envelopes
	 * slipped in between (while HR typed the passphrase) and deleted
	 * after the load would otherwise be counted by this load and,
	 * through the record cache, by every later one
	 * (tests/e2e/test_attack_cache.py, laundered). */
	if (!c->verify || (have && hasat && vouch_holds(c, &now, at)))
		return 0;
	if (verify_run(c, have ? &now : NULL, e) != 0) {
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

	c->vouch.ok = 0; /* the set changes: the next snapshot checks it */
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
	c->vouch.ok = 0; /* what central_verify checked changes */
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
	s = central_digest_scan(db_handle(d), key, acc, &n);
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

/* central_verify in c's snapshot, or in a transaction of its own; with v
 * (the files' stamps taken before that snapshot's first read), what it
 * checked is recorded in c->vouch when it succeeds. */
static int
verify_run(struct central *c, struct cs_vouch *v, struct err *e)
{
	uint8_t want[DIGEST_BYTES], got[DIGEST_BYTES];
	size_t n;
	int rc, s;

	int own = !c->snapshot; /* inside a snapshot: check what it sees */

	c->vouch.ok = 0;
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
	if ((s = central_digest_scan(c->db, c->dkey, got, &n)) != SQLITE_OK) {
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
	if (v != NULL && vouch_record(c, v, want))
		c->vouch = *v; /* with ok set */
out:
	if (own)
		central_rollback(c);
	return rc;
}

int
central_verify(struct central *c, struct err *e)
{
	struct cs_vouch now;
	uint8_t at[DIGEST_BYTES];
	int hasat;

	/* Inside the caller's snapshot its first read is past: the stamps
	 * would come too late to vouch for it. */
	if (!c->snapshot && vouch_take(c, &now, -1, at, &hasat) == 0)
		return verify_run(c, &now, e);
	return verify_run(c, NULL, e);
}
