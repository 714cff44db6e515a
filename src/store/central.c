/* central: central.db, HR's SQLite store: opening and refusing, schema
 * migrations, the file-system check, ingest, forms, interviewers, log. */

/*
 * No order of arrival (issue 11). Whoever can read central.db or a backup
 * of it must not learn in which order, or in which batches, envelopes
 * came: with an interviewer's schedule that would tie an envelope to an
 * interview. Two things are needed.
 *
 * Inline envelopes. An envelope bigger than about a quarter of a page
 * spills into overflow pages, which SQLite appends in order of arrival:
 * sorting envelopes by page gave the exact ingest order. At 16 KiB pages
 * (CENTRAL_PAGE_SIZE) an envelope of up to three pad blocks sits in its
 * leaf cell. Stores made with 4 KiB pages are converted once, on the
 * first writable open that has the file to itself (central_relayout).
 *
 * A page order that is a function of the set. Even inline, a b-tree
 * remembers history: leaves split off to the end of the file, freed
 * pages are reused in order, and within a page new cells are placed
 * below older ones. After every ingest and purge the store is rewritten
 * with VACUUM: every table in key order into fresh pages, so that the
 * file's layout depends only on what it holds (the envelopes by their
 * random ids), never on when or in which bundle it came. VACUUM in WAL
 * mode is one atomic write transaction: readers keep their snapshot, a
 * concurrent ingest waits on the lock (BEGIN IMMEDIATE, busy timeout), a
 * kill leaves the old file or the new one. A row in store_meta says
 * "unsettled" between an ingest's commit and its VACUUM; a writable
 * open that finds it (a killed ingest) settles the store first. Its value
 * is a generation, so that a settle only clears the mark it has covered.
 *
 * Why not VACUUM INTO a new file and rename it over central.db? The -wal
 * and -shm files are found by name: a dashboard that keeps the old file
 * open would share them with the new one, and a writer that opened the
 * old file would commit into an unlinked inode. In-place VACUUM has the
 * same result without either hazard.
 *
 * Cost: VACUUM reads and writes the whole store (about 1.1 KiB per
 * envelope: 110 MiB at 100 000), plus the WAL copy and its checkpoint,
 * whatever the size of the bundle. A drop folder of many bundles is
 * settled once per run (central_settle after the last ingest). Measured
 * figures are in avslut-hr(1) and tests/bench/RESULTS.md. The cheaper
 * schemes considered leave a trace: inserting in random order within a
 * bundle hides order inside the bundle but not the bundle; reusing
 * random free pages is not something SQLite lets a program choose.
 */
#include "store/central.h"

#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store/db.h"

#include "util/crash.h"
#include "util/fsx.h"
#include "util/i18n.h"
#include "util/paths.h"
#include "util/xmem.h"

#define BUSY_MS 30000

struct central {
	struct db *d;
	sqlite3 *db;		/* db_handle(d) */
	char *path;
	int rdonly;
	int unsettled;		/* this connection ingested, not settled */
	uint8_t *dkey;		/* the digest key (sodium_malloc), or NULL
				 * until first needed */
};

static int central_mark_unsettled(struct central *c, const char *doing,
    struct err *e);

/* Schema steps; step i brings user_version from i to i + 1. The envelopes
 * table holds the random id and the sealed bytes and nothing else: no
 * arrival time, no batch, no sender, and no rowid that would keep the
 * order of arrival. */
static const char *const central_schema[CENTRAL_SCHEMA_VERSION] = {
	"CREATE TABLE envelopes ("
	"  id BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),"
	"  data BLOB NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE forms ("
	"  hash BLOB PRIMARY KEY NOT NULL CHECK (length(hash) = 32),"
	"  form_id TEXT NOT NULL,"
	"  version INTEGER NOT NULL CHECK (version >= 1),"
	"  yaml TEXT NOT NULL,"
	"  UNIQUE (form_id, version)"
	") WITHOUT ROWID;"
	"CREATE TABLE interviewers ("
	"  pk BLOB PRIMARY KEY NOT NULL CHECK (length(pk) = 32),"
	"  label TEXT NOT NULL DEFAULT '',"
	"  revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))"
	") WITHOUT ROWID;"
	"CREATE TABLE units ("
	"  code TEXT PRIMARY KEY NOT NULL,"
	"  name TEXT NOT NULL,"
	"  area TEXT NOT NULL DEFAULT ''"
	") WITHOUT ROWID;"
	"CREATE TABLE turnover ("
	"  unit TEXT NOT NULL,"
	"  year INTEGER NOT NULL,"
	"  headcount REAL NOT NULL CHECK (headcount >= 0),"
	"  leavers INTEGER NOT NULL CHECK (leavers >= 0),"
	"  PRIMARY KEY (unit, year)"
	") WITHOUT ROWID;"
	"CREATE TABLE hme ("
	"  unit TEXT NOT NULL,"
	"  year INTEGER NOT NULL,"
	"  hme REAL, motivation REAL, ledarskap REAL, styrning REAL,"
	"  PRIMARY KEY (unit, year)"
	") WITHOUT ROWID;"
	"CREATE TABLE access_log ("
	"  seq INTEGER PRIMARY KEY,"
	"  time INTEGER NOT NULL,"
	"  user TEXT NOT NULL,"
	"  what TEXT NOT NULL"
	");",
	/* 2: the frozen releases of closed years (report/release.h). */
	"CREATE TABLE releases ("
	"  year INTEGER NOT NULL,"
	"  revision INTEGER NOT NULL CHECK (revision >= 1),"
	"  date TEXT NOT NULL,"
	"  interviews INTEGER NOT NULL,"
	"  mapdigest TEXT NOT NULL,"
	"  blob BLOB NOT NULL,"
	"  PRIMARY KEY (year, revision)"
	") WITHOUT ROWID;",
	/* 3: the store's own small facts: "unsettled" (see above) and the
	 * envelope-set digest. Pages become 16 KiB in central_relayout. */
	"CREATE TABLE store_meta ("
	"  key TEXT PRIMARY KEY NOT NULL,"
	"  value BLOB"
	") WITHOUT ROWID;",
	/* 4: the MAC of the interviewer set (central_step makes it). */
	"DELETE FROM store_meta WHERE key = 'interviewers';",
	/* 5: of the leavers, the retirements and the moves to another unit
	 * of the region (the turnover import's optional columns; NULL where
	 * a file did not give them, as for every row stored before). */
	"ALTER TABLE turnover ADD COLUMN retirements REAL"
	"  CHECK (retirements >= 0);"
	"ALTER TABLE turnover ADD COLUMN internal_moves REAL"
	"  CHECK (internal_moves >= 0);",
};
_Static_assert(sizeof central_schema / sizeof central_schema[0] ==
    CENTRAL_SCHEMA_VERSION, "one schema step per version");

/* Network file systems by statfs f_type (linux/magic.h and the kernel
 * sources), so the check needs no kernel headers and runs anywhere. */
static const struct {
	unsigned long magic;
	const char *name;
} central_netfs[] = {
	{ 0x6969UL, "NFS" },
	{ 0x517bUL, "SMB" },
	{ 0xff534d42UL, "SMB/CIFS" },
	{ 0xfe534d42UL, "SMB2" },
	{ 0x01021997UL, "9p" },
	{ 0x65735546UL, "FUSE (such as sshfs)" },
	{ 0x564cUL, "NCP (NetWare)" },
	{ 0x5346414fUL, "AFS" },
	{ 0x6b414653UL, "kAFS" },
	{ 0x73757245UL, "Coda" },
	{ 0x00c36400UL, "Ceph" },
	{ 0x01161970UL, "GFS2" },
	{ 0x7461636fUL, "OCFS2" },
	{ 0x0bd00bd0UL, "Lustre" },
	{ 0x20030528UL, "OrangeFS" },
	{ 0x786f4256UL, "VirtualBox shared folder" },
	{ 0x47504653UL, "GPFS" },
};

const char *
central_fs_magic(unsigned long f_type)
{
	size_t i;

	/* f_type is signed on some ABIs: compare the low 32 bits. */
	f_type &= 0xffffffffUL;
	for (i = 0; i < sizeof central_netfs / sizeof central_netfs[0]; i++)
		if (central_netfs[i].magic == f_type)
			return central_netfs[i].name;
	return NULL;
}

int
central_fs_refuse(unsigned long f_type, const char *path, struct err *e)
{
	const char *name = central_fs_magic(f_type);

	if (name == NULL)
		return 0;
	err_setc(e, ERR_IO, _("%s is on a network file system (%s), where "
	    "SQLite's WAL "
	    "mode cannot work safely: keep central.db on a local disk and "
	    "send bundles through a drop folder (sync --to dir:/path) or "
	    "over ssh (sync --to ssh://host/path)"), path, name);
	return -1;
}

int
central_fs_check(const char *path, struct err *e)
{
	char *copy = xstrdup(path);
	const char *dir = dirname(copy);
	struct statfs sf;

	if (statfs(dir, &sf) == -1) {
		err_setc(e, ERR_IO, _("cannot check the file system of %s: %s"),
		    dir,
		    strerror(errno));
		free(copy);
		return -1;
	}
	free(copy);
	return central_fs_refuse((unsigned long)sf.f_type, path, e);
}

char *
central_default_path(void)
{
	char *dir = paths_data_dir("avslut-hr");
	char *p = paths_join(dir, "central.db");

	free(dir);
	return p;
}

/* Turn the connection's last SQLite error into a classed message (see
 * db_fail); returns -1. */
static int
central_sqlerr(const struct central *c, const char *doing, struct err *e)
{
	struct err tmp;

	if (e == NULL)
		e = &tmp;
	db_fail(c->d, doing, e);
	return -1;
}

static int
central_exec(struct central *c, const char *sql, const char *doing,
    struct err *e)
{
	struct err tmp;

	if (e == NULL)
		e = &tmp;
	return db_exec(c->d, sql, doing, e) == 0 ? 0 : -1;
}

static int
central_prepare(struct central *c, sqlite3_stmt **st, const char *sql,
    const char *doing, struct err *e)
{
	struct err tmp;

	if (e == NULL)
		e = &tmp;
	return db_prepare(c->d, st, sql, doing, e) == 0 ? 0 : -1;
}

/* One integer from a one-row query (a PRAGMA or a count). */
static int
central_int(struct central *c, const char *sql, int64_t *v, struct err *e)
{
	struct err tmp;

	if (e == NULL)
		e = &tmp;
	return db_int(c->d, sql, v, "cannot read", e) == 0 ? 0 :
	    -1;
}

static void
central_rollback(struct central *c)
{
	db_rollback(c->d);
}


static int central_step(struct db *d, int to, struct err *e);

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
#define DIGEST_BYTES 32
#define DKEY_BYTES 32
#define DKEY_MAGIC "avslutDK"
#define DKEY_FILE_BYTES (8 + DKEY_BYTES)
#define DIGEST_CONTEXT "avslut envelope digest 2"
#define DIGEST_HEAD 48		/* crypto_box_SEALBYTES: epk and MAC */
_Static_assert(DIGEST_HEAD == ENV_SEAL_BYTES, "the sealed box's head");

static char *
central_key_path(const char *dbpath)
{
	return xasprintf("%s-key", dbpath);
}

/* acc += sign * H_K(id || len || head), mod 2^256, little-endian; data
 * holds at least the envelope's first min(len, DIGEST_HEAD) bytes. */
static void
digest_term(uint8_t acc[DIGEST_BYTES], const uint8_t *key, const uint8_t *id,
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
	crypto_generichash_update(&st, data, len < DIGEST_HEAD ? len :
	    DIGEST_HEAD);
	crypto_generichash_final(&st, h, sizeof h);
	if (sign < 0) {		/* two's complement: ~h + 1 */
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
central_key_create(const char *dbpath, int excl, uint8_t *key,
    struct err *e)
{
	char *path = central_key_path(dbpath), *tmp;
	uint8_t buf[DKEY_FILE_BYTES];
	int fd, rc = 0;

	if (excl && access(path, F_OK) == 0) {
		rc = err_setc(e, ERR_DATA, _("%s has no envelope digest, but "
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

		rc = err_setc(e, saved == ENOSPC || saved == EDQUOT ?
		    ERR_FULL : saved == EACCES || saved == EROFS ? ERR_PERM :
		    ERR_IO, _("cannot write the store's key %s: %s"), path,
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
			rc = err_setc(e, ERR_DATA, _("the store's key %s is "
			    "missing: restore it from the backup of %s (a "
			    "store and its key go together); without it no "
			    "change made outside avslut-hr can be told"),
			    path, dbpath);
		else if (errno == EACCES || errno == EPERM)
			rc = err_setc(e, ERR_PERM, _("cannot read the store's "
			    "key %s: permission denied: every account that "
			    "runs avslut-hr on this store needs to read it "
			    "(avslut-hr(1) SECURITY CONSIDERATIONS)"), path);
		else
			rc = err_setc(e, ERR_IO, _("cannot read the store's "
			    "key %s: %s"), path, strerror(errno));
		free(path);
		return rc;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (n = read(fd, buf, sizeof buf)) != DKEY_FILE_BYTES ||
	    memcmp(buf, DKEY_MAGIC, 8) != 0)
		rc = err_setc(e, ERR_DATA, _("the store's key %s is damaged: "
		    "restore it from the backup of %s"), path, dbpath);
	else
		memcpy(key, buf + 8, DKEY_BYTES);
	close(fd);
	sodium_memzero(buf, sizeof buf);
	free(path);
	return rc;
}

/* The digest key of this connection's store, read once. */
static int
central_dkey(struct central *c, struct err *e)
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
	if ((s = sqlite3_prepare_v2(h, "SELECT id, substr(data, 1, 48), "
	    "length(data) FROM envelopes", -1, &st, NULL)) != SQLITE_OK)
		return s;
	_Static_assert(DIGEST_HEAD == 48, "the SQL above");
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		size_t len = (size_t)sqlite3_column_int64(st, 2);

		if (sqlite3_column_bytes(st, 0) != BUNDLE_ID_BYTES ||
		    (size_t)sqlite3_column_bytes(st, 1) !=
		    (len < DIGEST_HEAD ? len : DIGEST_HEAD))
			continue;	/* the CHECK constraint prevents it */
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

	if ((rc = central_prepare(c, &st, "SELECT value FROM store_meta WHERE "
	    "key = 'digest'", doing, e)) != 0)
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

static int
digest_put(sqlite3 *h, const uint8_t d[DIGEST_BYTES])
{
	sqlite3_stmt *st;
	int s;

	if ((s = sqlite3_prepare_v2(h, "INSERT INTO store_meta (key, value) "
	    "VALUES ('digest', ?) ON CONFLICT (key) DO UPDATE SET value = "
	    "excluded.value", -1, &st, NULL)) != SQLITE_OK)
		return s;
	sqlite3_bind_blob(st, 1, d, DIGEST_BYTES, SQLITE_STATIC);
	s = sqlite3_step(st);
	sqlite3_finalize(st);
	return s == SQLITE_DONE ? SQLITE_OK : s;
}

/* Inside the caller's write transaction: D += delta. */
static int
central_digest_add(struct central *c, const uint8_t delta[DIGEST_BYTES],
    const char *doing, struct err *e)
{
	uint8_t d[DIGEST_BYTES];
	unsigned carry = 0, x;
	size_t i;
	int rc;

	if ((rc = central_digest_get(c, d, doing, e)) < 0)
		return rc;
	if (rc == 0) {
		err_setc(e, ERR_DATA, _("%s: %s was changed outside avslut-hr: "
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
	if ((s = sqlite3_prepare_v2(h, "SELECT pk, revoked FROM interviewers "
	    "ORDER BY pk", -1, &st, NULL)) != SQLITE_OK)
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
	if ((s = sqlite3_prepare_v2(h, "INSERT INTO store_meta (key, value) "
	    "VALUES ('interviewers', ?) ON CONFLICT (key) DO UPDATE SET "
	    "value = excluded.value", -1, &st, NULL)) != SQLITE_OK)
		return s;
	sqlite3_bind_blob(st, 1, mac, DIGEST_BYTES, SQLITE_TRANSIENT);
	s = sqlite3_step(st);
	sqlite3_finalize(st);
	return s == SQLITE_DONE ? SQLITE_OK : s;
}

/* Inside a transaction: 0 if the interviewer set is as avslut-hr left
 * it, else -1 (ERR_DATA when it is not, another class when it cannot
 * be read). */
static int
central_iv_check(struct central *c, const char *doing, struct err *e)
{
	uint8_t want[DIGEST_BYTES], got[DIGEST_BYTES];
	sqlite3_stmt *st;
	int rc, s, have = 0;

	if ((rc = central_dkey(c, e)) != 0)
		return rc;
	if ((rc = central_prepare(c, &st, "SELECT value FROM store_meta WHERE "
	    "key = 'interviewers'", doing, e)) != 0)
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
		err_setc(e, ERR_DATA, _("%s: %s was changed outside avslut-hr: "
		    "its interviewers are not the ones avslut-hr registered "
		    "(a key was added, removed or un-revoked by other means): "
		    "find out who can write the store, and restore it from a "
		    "backup (avslut-hr(1) SECURITY CONSIDERATIONS)"), doing,
		    c->path);
		return -1;
	}
	return 0;
}

/* Inside the caller's transaction, after a change of the set. */
static int
central_iv_seal(struct central *c, const char *doing, struct err *e)
{
	if (iv_mac_put(c->db, c->dkey) != SQLITE_OK)
		return central_sqlerr(c, doing, e);
	return 0;
}

/* Schema step 3, inside the migration's transaction: the key file and
 * the digest over what the store holds. A new store gets a fresh key
 * (a key file left by a deleted store is replaced); an older store must
 * not have one yet (see above). The start is written to the log. */
static int
central_step(struct db *d, int to, struct err *e)
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
			return db_fail_rc(d, s, "cannot seal the interviewer "
			    "set", e);
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
		    "(schema 3)", n);
		s = sqlite3_prepare_v2(db_handle(d), "INSERT INTO access_log "
		    "(time, user, what) VALUES (?, ?, ?)", -1, &st, NULL);
		if (s == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
			sqlite3_bind_text(st, 2, "avslut-hr", -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(st, 3, what, -1, SQLITE_STATIC);
			s = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK :
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

	if ((rc = central_dkey(c, e)) != 0)
		return rc;
	if ((rc = central_exec(c, "BEGIN", "cannot check the store", e)) != 0)
		return rc;
	if ((rc = central_digest_get(c, want, "cannot check the store",
	    e)) < 0)
		goto out;
	if (rc == 0) {
		err_setc(e, ERR_DATA, _("%s was changed outside avslut-hr: its "
		    "envelope digest is gone: nothing is shown; find out who "
		    "can write it, and restore it from a backup (avslut-hr(1) "
		    "SECURITY CONSIDERATIONS)"), c->path);
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
		err_setc(e, ERR_DATA, _("%s was changed outside avslut-hr: its "
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
	central_rollback(c);
	return rc;
}

static const struct db_schema central_db_schema = {
	.app_id = CENTRAL_APP_ID,
	.version = CENTRAL_SCHEMA_VERSION,
	.steps = central_schema,
	.what = N_("an avslut central store"),
	.program = "avslut-hr",
	.notours_hint = N_("check the --db path"),
	.damaged_hint = N_("restore it from a backup"),
	.step_fn = central_step,
};

/* Create the file 0600 (and its directory 0700) before SQLite sees it,
 * so it never exists with the umask's mode. */
static int
central_create_file(const char *path, struct err *e)
{
	char *copy = xstrdup(path);
	int fd, rc = 0;

	if (fsx_mkdir_p(dirname(copy), 0700, e) != 0)
		rc = -1;
	free(copy);
	if (rc != 0)
		return rc;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1 && errno != EEXIST) {
		int saved = errno;
		if (saved == ENOSPC || saved == EDQUOT) {
			err_setc(e, ERR_FULL, _("cannot create %s: the disk "
			    "holding it is full: free some space on it, then "
			    "try again"), path);
			return -1;
		}
		err_setc(e, saved == EACCES || saved == EROFS ||
		    saved == EPERM ? ERR_PERM : ERR_IO,
		    _("cannot create %s: %s"), path, strerror(saved));
		return -1;
	}
	if (fd != -1)
		close(fd);
	return 0;
}

/* Convert a store made with another page size (4 KiB before schema 3).
 * WAL mode cannot change the page size, so the store goes to a rollback
 * journal, is rewritten at the new size, and comes back; VACUUM under a
 * rollback journal is atomic too. That needs the file to itself: while
 * another program has it open, it stays as it is until a later open. */
static int
central_relayout(struct central *c, struct err *e)
{
	int64_t ps;
	int rc, mode;

	if ((rc = central_int(c, "PRAGMA page_size", &ps, e)) != 0)
		return rc;
	if (ps == CENTRAL_PAGE_SIZE)
		return 0;
	sqlite3_busy_timeout(c->db, 0);
	mode = db_journal_mode(c->d, "delete", e);
	sqlite3_busy_timeout(c->db, BUSY_MS);
	if (mode != 0) {
		if (mode > 0 || (e != NULL && e->cls == ERR_BUSY))
			return 0;		/* in use: next time */
		return -1;
	}
	rc = central_exec(c, "PRAGMA page_size = 16384; VACUUM", "cannot "
	    "convert the store to 16 KiB pages (VACUUM)", e);
	_Static_assert(CENTRAL_PAGE_SIZE == 16384, "the SQL above");
	if (db_journal_mode(c->d, "wal", rc == 0 ? e : NULL) != 0 && rc == 0)
		rc = -1;
	return rc;
}

int
central_open(struct central **out, const char *path, int flags,
    struct err *e)
{
	struct central *c;
	struct stat st;
	int rc;

	*out = NULL;
	c = xcalloc(1, sizeof *c);
	c->path = path != NULL ? xstrdup(path) : central_default_path();
	c->rdonly = (flags & CENTRAL_RDONLY) != 0;
	if (stat(c->path, &st) == -1) {
		if (errno != ENOENT || !(flags & CENTRAL_CREATE) ||
		    c->rdonly) {
			rc = -1;
			if (errno == ENOENT)
				err_setc(e, ERR_NOINPUT, _("there is no "
				    "central store at %s "
				    "yet: register a form or an interviewer "
				    "first (avslut-hr forms add, interviewers "
				    "add), or check --db"), c->path);
			else
				err_setc(e, ERR_IO, _("cannot open %s: %s"),
				    c->path, strerror(errno));
			goto fail;
		}
		if ((rc = central_create_file(c->path, e)) != 0)
			goto fail;
	} else if (!S_ISREG(st.st_mode)) {
		err_setc(e, ERR_DATA, _("%s is not an avslut central store "
		    "(not a regular "
		    "file): check the --db path"), c->path);
		rc = -1;
		goto fail;
	}
	if ((rc = central_fs_check(c->path, e)) != 0)
		goto fail;
	if (db_open(&c->d, c->path, &central_db_schema, &(struct db_opts){
	    .flags = c->rdonly ? DB_RDONLY : 0, .busy_ms = BUSY_MS,
	    .page_size = CENTRAL_PAGE_SIZE }, e) != 0) {
		rc = -1;
		goto fail;
	}
	c->db = db_handle(c->d);
	if (!c->rdonly && ((rc = central_relayout(c, e)) != 0 ||
	    (rc = central_settle(c, e)) != 0))
		goto fail;
	if ((flags & CENTRAL_VERIFY) && (rc = central_verify(c, e)) != 0)
		goto fail;
	*out = c;
	return 0;
fail:
	central_close(c);
	return rc;
}

void
central_close(struct central *c)
{
	if (c == NULL)
		return;
	if (c->unsettled)
		(void)central_settle(c, NULL);
	db_close(c->d);
	if (c->dkey != NULL)
		sodium_free(c->dkey);
	free(c->path);
	free(c);
}

/* The grandchild of central_close_detached: no terminal, no pipe of the
 * caller's (an ssh session ends when its pipes close), no descriptor of
 * the caller's; a writable open settles the store. */
static void
central_settle_child(const char *path)
{
	struct central *c;
	struct err e;
	long fd, max;
	int nul;

	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if ((nul = open("/dev/null", O_RDWR)) != -1) {
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
	}
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		(void)close((int)fd);
	crash_point("settle-detached");
	if (central_open(&c, path, 0, &e) == 0)
		central_close(c);
}

int
central_close_detached(struct central *c)
{
	char *path;
	pid_t pid;
	int st;

	if (c == NULL)
		return 0;
	if (!c->unsettled) {
		central_close(c);
		return 0;
	}
	/* The mark stays in store_meta: whatever happens to the child, the
	 * next writable open settles the store. */
	c->unsettled = 0;
	path = xstrdup(c->path);
	central_close(c);
	fflush(NULL);
	if ((pid = fork()) == -1) {
		/* no process to spare: settle here */
		struct central *c2;
		struct err e;

		if (central_open(&c2, path, 0, &e) == 0)
			central_close(c2);
		free(path);
		return -1;
	}
	if (pid == 0) {
		/* a session of its own, and an orphan: init reaps it */
		(void)setsid();
		if (fork() == 0) {
			central_settle_child(path);
			_exit(0);
		}
		_exit(0);
	}
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	free(path);
	return 0;
}

const char *
central_path(const struct central *c)
{
	return c->path;
}

void
central_set_busy_timeout(struct central *c, int ms)
{
	sqlite3_busy_timeout(c->db, ms);
}

/* --- envelopes ----------------------------------------------------------- */

static int
central_signer_status(struct central *c, const uint8_t pk[CENTRAL_PK_BYTES],
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = central_prepare(c, &st, "SELECT revoked FROM interviewers "
	    "WHERE pk = ?", "cannot look up the interviewer", e)) != 0)
		return rc;
	sqlite3_bind_blob(st, 1, pk, CENTRAL_PK_BYTES, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		rc = sqlite3_column_int(st, 0) ? 2 : 1;
		break;
	case SQLITE_DONE:
		rc = 0;
		break;
	default:
		rc = central_sqlerr(c, "cannot look up the interviewer", e);
	}
	sqlite3_finalize(st);
	return rc;
}

int
central_interviewer_status(struct central *c,
    const uint8_t pk[CENTRAL_PK_BYTES], struct err *e)
{
	return central_signer_status(c, pk, e);
}

/* Ack for an id already held: the hash of what the store holds, which
 * differs from the bundle's if someone reused the id. */
static int
central_stored_hash(struct central *c, sqlite3_stmt *sel,
    const uint8_t *id, uint8_t hash[BUNDLE_HASH_BYTES], struct err *e)
{
	int rc = 0;

	sqlite3_bind_blob(sel, 1, id, BUNDLE_ID_BYTES, SQLITE_STATIC);
	if (sqlite3_step(sel) == SQLITE_ROW)
		bundle_env_hash(hash, sqlite3_column_blob(sel, 0),
		    (size_t)sqlite3_column_bytes(sel, 0));
	else
		rc = central_sqlerr(c, "cannot read an envelope", e);
	sqlite3_reset(sel);
	sqlite3_clear_bindings(sel);
	return rc;
}

int
central_ingest(struct central *c, const struct bundle *b,
    struct bundle_ack **acks, size_t *nacks, size_t *added, struct err *e)
{
	sqlite3_stmt *ins = NULL, *sel = NULL;
	struct bundle_ack *a;
	uint8_t delta[DIGEST_BYTES] = { 0 };
	size_t i, nadded = 0;
	int rc, s;

	a = xcalloc(b->n > 0 ? b->n : 1, sizeof *a);
	/* Without the digest key nothing is stored: the digest would no
	 * longer match, and every HR open would refuse the store. */
	if ((rc = central_dkey(c, e)) != 0 ||
	    (rc = central_exec(c, "BEGIN IMMEDIATE", "cannot store the "
	    "bundle", e)) != 0)
		goto out;
	/* The signer is checked under the write lock, so a revoke that
	 * commits first is honoured, against a set avslut-hr made. */
	if ((rc = central_iv_check(c, "cannot store the bundle", e)) != 0)
		goto out;
	switch ((rc = central_signer_status(c, b->signer, e))) {
	case 1:
		rc = 0;
		break;
	case 0:
		err_setc(e, ERR_PERM, _("the bundle is signed by an "
		    "interviewer key that "
		    "is not registered: register it with avslut-hr "
		    "interviewers add, then ingest again"));
		rc = -1;
		goto out;
	case 2:
		err_setc(e, ERR_PERM, _("the bundle is signed by a revoked "
		    "interviewer "
		    "key: nothing was stored"));
		rc = -1;
		goto out;
	default:
		goto out;
	}
	if ((rc = central_prepare(c, &ins, "INSERT OR IGNORE INTO envelopes "
	    "(id, data) VALUES (?, ?)", "cannot store the bundle", e)) != 0 ||
	    (rc = central_prepare(c, &sel, "SELECT data FROM envelopes "
	    "WHERE id = ?", "cannot store the bundle", e)) != 0)
		goto out;
	for (i = 0; i < b->n; i++) {
		const struct bundle_env *v = &b->envs[i];

		memcpy(a[i].id, v->id, BUNDLE_ID_BYTES);
		sqlite3_bind_blob(ins, 1, v->id, BUNDLE_ID_BYTES,
		    SQLITE_STATIC);
		sqlite3_bind_blob(ins, 2, v->data, (int)v->len,
		    SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = central_sqlerr(c, "cannot store the bundle", e);
			goto out;
		}
		s = sqlite3_changes(c->db);
		sqlite3_reset(ins);
		if (s == 1) {
			bundle_env_hash(a[i].hash, v->data, v->len);
			digest_term(delta, c->dkey, v->id, v->data, v->len, 1);
			nadded++;
		} else if ((rc = central_stored_hash(c, sel, v->id,
		    a[i].hash, e)) != 0)
			goto out;
		if (i == b->n / 2)
			crash_point("ingest-mid-transaction");
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(sel);
	ins = sel = NULL;
	if (nadded > 0 && ((rc = central_digest_add(c, delta, "cannot store "
	    "the bundle", e)) != 0 || (rc = central_mark_unsettled(c,
	    "cannot store the bundle", e)) != 0))
		goto out;
	if ((rc = central_exec(c, "COMMIT", "cannot store the bundle",
	    e)) != 0)
		goto out;
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(sel);
	if (rc != 0) {
		central_rollback(c);
		free(a);
		return rc;
	}
	*acks = a;
	*nacks = b->n;
	if (added != NULL)
		*added = nadded;
	return 0;
}

/* Inside a write transaction: the store holds changes that VACUUM has
 * not yet laid out (see "No order of arrival"). */
static int
central_mark_unsettled(struct central *c, const char *doing, struct err *e)
{
	int rc;

	rc = central_exec(c, "INSERT INTO store_meta (key, value) VALUES "
	    "('unsettled', 1) ON CONFLICT (key) DO UPDATE SET value = "
	    "value + 1", doing, e);
	if (rc == 0)
		c->unsettled = 1;
	return rc;
}

int
central_settle(struct central *c, struct err *e)
{
	const char *doing = "cannot rewrite the store in id order (VACUUM)";
	sqlite3_stmt *st;
	int64_t gen;
	int rc, s;

	if ((rc = central_prepare(c, &st, "SELECT value FROM store_meta "
	    "WHERE key = 'unsettled'", doing, e)) != 0)
		return rc;
	s = sqlite3_step(st);
	gen = s == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		rc = central_sqlerr(c, doing, e);
	sqlite3_finalize(st);
	if (rc != 0 || s == SQLITE_DONE) {
		if (rc == 0)
			c->unsettled = 0;
		return rc;
	}
	if ((rc = central_exec(c, "VACUUM", doing, e)) != 0)
		return rc;
	/* Clear only the mark this VACUUM covered: an ingest that
	 * committed meanwhile has raised it and settles again. */
	if ((rc = central_exec(c, "BEGIN IMMEDIATE", doing, e)) != 0)
		return rc;
	if ((rc = central_prepare(c, &st, "DELETE FROM store_meta WHERE "
	    "key = 'unsettled' AND value = ?", doing, e)) == 0) {
		sqlite3_bind_int64(st, 1, gen);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = central_sqlerr(c, doing, e);
		sqlite3_finalize(st);
	}
	if (rc == 0)
		rc = central_exec(c, "COMMIT", doing, e);
	if (rc != 0) {
		central_rollback(c);
		return rc;
	}
	c->unsettled = 0;
	/* The WAL still holds the ingest's pages in the order they were
	 * written: truncate it. A reader that holds an old snapshot can
	 * keep it from finishing: then the next settle or open does it. */
	s = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
	    NULL, NULL);
	if (s != SQLITE_OK && (s & 0xff) != SQLITE_BUSY &&
	    (s & 0xff) != SQLITE_LOCKED)
		return central_sqlerr(c, "cannot checkpoint the WAL", e);
	return 0;
}

int
central_env_count(struct central *c, size_t *n, struct err *e)
{
	int64_t v;
	int rc;

	if ((rc = central_int(c, "SELECT count(*) FROM envelopes", &v, e)) != 0)
		return rc;
	*n = (size_t)v;
	return 0;
}

int
central_env_foreach(struct central *c,
    int (*fn)(void *ctx, const uint8_t *id, const uint8_t *data,
	size_t len),
    void *ctx, struct err *e)
{
	sqlite3_stmt *st;
	int rc, s;

	if ((rc = central_prepare(c, &st, "SELECT id, data FROM envelopes "
	    "ORDER BY id", "cannot read the envelopes", e)) != 0)
		return rc;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != BUNDLE_ID_BYTES)
			continue;	/* the CHECK constraint prevents it */
		if (fn(ctx, sqlite3_column_blob(st, 0),
		    sqlite3_column_blob(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1)) != 0)
			break;
	}
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		rc = central_sqlerr(c, "cannot read the envelopes", e);
	sqlite3_finalize(st);
	return rc;
}

int
central_env_id_foreach(struct central *c,
    int (*fn)(void *ctx, const uint8_t *id), void *ctx, struct err *e)
{
	sqlite3_stmt *st;
	int rc, s;

	if ((rc = central_prepare(c, &st, "SELECT id FROM envelopes ORDER BY "
	    "id", "cannot read the envelopes", e)) != 0)
		return rc;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != BUNDLE_ID_BYTES)
			continue;	/* the CHECK constraint prevents it */
		if (fn(ctx, sqlite3_column_blob(st, 0)) != 0)
			break;
	}
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		rc = central_sqlerr(c, "cannot read the envelopes", e);
	sqlite3_finalize(st);
	return rc;
}

int
central_env_foreach_ids(struct central *c,
    const uint8_t (*ids)[BUNDLE_ID_BYTES], size_t n,
    int (*fn)(void *ctx, const uint8_t *id, const uint8_t *data,
	size_t len),
    void *ctx, struct err *e)
{
	sqlite3_stmt *st;
	size_t i;
	int rc, s = SQLITE_DONE;

	if ((rc = central_prepare(c, &st, "SELECT data FROM envelopes "
	    "WHERE id = ?", "cannot read the envelopes", e)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		sqlite3_bind_blob(st, 1, ids[i], BUNDLE_ID_BYTES,
		    SQLITE_STATIC);
		s = sqlite3_step(st);
		if (s == SQLITE_ROW && fn(ctx, ids[i],
		    sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0)) != 0) {
			s = SQLITE_DONE;
			break;
		}
		if (s != SQLITE_ROW && s != SQLITE_DONE)
			break;
		s = SQLITE_DONE;
		sqlite3_reset(st);
	}
	if (s != SQLITE_DONE)
		rc = central_sqlerr(c, "cannot read the envelopes", e);
	sqlite3_finalize(st);
	return rc;
}

/* --- forms ---------------------------------------------------------------- */

int
central_form_add(struct central *c, const char *id, uint32_t version,
    const uint8_t hash[BUNDLE_HASH_BYTES], const char *yaml, size_t len,
    struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc, s;
	char *what;

	if ((rc = central_exec(c, "BEGIN IMMEDIATE", "cannot add the form",
	    e)) != 0)
		return rc;
	if ((rc = central_prepare(c, &st, "SELECT hash = ? FROM forms WHERE "
	    "hash = ? OR (form_id = ? AND version = ?)",
	    "cannot add the form", e)) != 0)
		goto out;
	sqlite3_bind_blob(st, 1, hash, BUNDLE_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, hash, BUNDLE_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, version);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		if (sqlite3_column_int(st, 0))
			rc = 1;
		else {
			err_setc(e, ERR_DATA, _("form %s version %lu is "
			    "already approved "
			    "with a different text: give the changed form a "
			    "new version number"), id, (unsigned long)version);
			rc = -1;
		}
		goto out;
	}
	if (s != SQLITE_DONE) {
		rc = central_sqlerr(c, "cannot add the form", e);
		goto out;
	}
	sqlite3_finalize(st);
	if ((rc = central_prepare(c, &st, "INSERT INTO forms (hash, form_id, "
	    "version, yaml) VALUES (?, ?, ?, ?)", "cannot add the form",
	    e)) != 0)
		goto out;
	sqlite3_bind_blob(st, 1, hash, BUNDLE_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, version);
	sqlite3_bind_text(st, 4, yaml, (int)len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = central_sqlerr(c, "cannot add the form", e);
		goto out;
	}
	what = xasprintf("forms add %s version %lu", id,
	    (unsigned long)version);
	rc = central_log(c, what, e);
	free(what);
	if (rc == 0)
		rc = central_exec(c, "COMMIT", "cannot add the form", e);
out:
	sqlite3_finalize(st);
	if (rc < 0 || rc == 1)
		central_rollback(c);
	return rc;
}

int
central_form_list(struct central *c, struct central_form **forms,
    size_t *n, struct err *e)
{
	sqlite3_stmt *st;
	struct central_form *f = NULL;
	size_t k = 0;
	int rc, s;

	if ((rc = central_prepare(c, &st, "SELECT form_id, version, hash FROM "
	    "forms ORDER BY form_id, version", "cannot list the forms",
	    e)) != 0)
		return rc;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		f = xreallocarray(f, k + 1, sizeof *f);
		f[k].id = xstrdup((const char *)sqlite3_column_text(st, 0));
		f[k].version = (uint32_t)sqlite3_column_int64(st, 1);
		memset(f[k].hash, 0, BUNDLE_HASH_BYTES);
		if (sqlite3_column_bytes(st, 2) == BUNDLE_HASH_BYTES)
			memcpy(f[k].hash, sqlite3_column_blob(st, 2),
			    BUNDLE_HASH_BYTES);
		k++;
	}
	if (s != SQLITE_DONE) {
		rc = central_sqlerr(c, "cannot list the forms", e);
		central_form_list_free(f, k);
		f = NULL;
		k = 0;
	}
	sqlite3_finalize(st);
	*forms = f;
	*n = k;
	return rc;
}

void
central_form_list_free(struct central_form *forms, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(forms[i].id);
	free(forms);
}

int
central_form_approved(struct central *c,
    const uint8_t hash[BUNDLE_HASH_BYTES], struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = central_prepare(c, &st, "SELECT 1 FROM forms WHERE hash = ?",
	    "cannot look up the form", e)) != 0)
		return rc;
	sqlite3_bind_blob(st, 1, hash, BUNDLE_HASH_BYTES, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		rc = 1;
		break;
	case SQLITE_DONE:
		rc = 0;
		break;
	default:
		rc = central_sqlerr(c, "cannot look up the form", e);
	}
	sqlite3_finalize(st);
	return rc;
}

int
central_form_yaml(struct central *c, const uint8_t hash[BUNDLE_HASH_BYTES],
    char **yaml, size_t *len, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = central_prepare(c, &st, "SELECT yaml FROM forms WHERE "
	    "hash = ?", "cannot read the form", e)) != 0)
		return rc;
	sqlite3_bind_blob(st, 1, hash, BUNDLE_HASH_BYTES, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*len = (size_t)sqlite3_column_bytes(st, 0);
		*yaml = xstrndup((const char *)sqlite3_column_text(st, 0),
		    *len);
		break;
	case SQLITE_DONE:
		err_setc(e, ERR_DATA, _("no approved form has that hash"));
		rc = -1;
		break;
	default:
		rc = central_sqlerr(c, "cannot read the form", e);
	}
	sqlite3_finalize(st);
	return rc;
}

/* --- interviewers --------------------------------------------------------- */

int
central_interviewer_add(struct central *c,
    const uint8_t pk[CENTRAL_PK_BYTES], const char *label, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = central_exec(c, "BEGIN IMMEDIATE", "cannot add the "
	    "interviewer", e)) != 0)
		return rc;
	if ((rc = central_iv_check(c, "cannot add the interviewer", e)) != 0)
		goto out;
	switch ((rc = central_signer_status(c, pk, e))) {
	case 0:
		break;
	case 1:
		goto out;
	case 2:
		err_setc(e, ERR_DATA, _("this interviewer key was revoked and "
		    "cannot be "
		    "registered again: the interviewer needs a new profile"));
		rc = -1;
		goto out;
	default:
		goto out;
	}
	if ((rc = central_prepare(c, &st, "INSERT INTO interviewers (pk, "
	    "label) VALUES (?, ?)", "cannot add the interviewer", e)) != 0)
		goto out;
	sqlite3_bind_blob(st, 1, pk, CENTRAL_PK_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, label != NULL ? label : "", -1,
	    SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = central_sqlerr(c, "cannot add the interviewer", e);
		goto out;
	}
	if ((rc = central_iv_seal(c, "cannot add the interviewer", e)) == 0 &&
	    (rc = central_log(c, "interviewers add", e)) == 0)
		rc = central_exec(c, "COMMIT", "cannot add the interviewer", e);
out:
	sqlite3_finalize(st);
	if (rc != 0)
		central_rollback(c);
	return rc;
}

int
central_interviewer_list(struct central *c,
    struct central_interviewer **list, size_t *n, struct err *e)
{
	sqlite3_stmt *st;
	struct central_interviewer *v = NULL;
	size_t k = 0;
	int rc, s;

	if ((rc = central_prepare(c, &st, "SELECT pk, label, revoked FROM "
	    "interviewers ORDER BY revoked, label, pk",
	    "cannot list the interviewers", e)) != 0)
		return rc;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != CENTRAL_PK_BYTES)
			continue;
		v = xreallocarray(v, k + 1, sizeof *v);
		memcpy(v[k].pk, sqlite3_column_blob(st, 0), CENTRAL_PK_BYTES);
		v[k].label = xstrdup((const char *)sqlite3_column_text(st, 1));
		v[k].revoked = sqlite3_column_int(st, 2);
		k++;
	}
	if (s != SQLITE_DONE) {
		rc = central_sqlerr(c, "cannot list the interviewers", e);
		central_interviewer_list_free(v, k);
		v = NULL;
		k = 0;
	}
	sqlite3_finalize(st);
	*list = v;
	*n = k;
	return rc;
}

void
central_interviewer_list_free(struct central_interviewer *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i].label);
	free(list);
}

int
central_interviewer_revoke(struct central *c,
    const uint8_t pk[CENTRAL_PK_BYTES], struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = central_exec(c, "BEGIN IMMEDIATE", "cannot revoke the "
	    "interviewer", e)) != 0)
		return rc;
	if ((rc = central_iv_check(c, "cannot revoke the interviewer",
	    e)) != 0)
		goto out;
	switch ((rc = central_signer_status(c, pk, e))) {
	case 0:
		err_setc(e, ERR_DATA, _("no registered interviewer has that "
		    "key: see "
		    "avslut-hr interviewers list"));
		rc = -1;
		goto out;
	case 1:
		break;
	case 2:
		rc = 1;
		goto out;
	default:
		goto out;
	}
	if ((rc = central_prepare(c, &st, "UPDATE interviewers SET revoked = 1 "
	    "WHERE pk = ?", "cannot revoke the interviewer", e)) != 0)
		goto out;
	sqlite3_bind_blob(st, 1, pk, CENTRAL_PK_BYTES, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = central_sqlerr(c, "cannot revoke the interviewer", e);
		goto out;
	}
	if ((rc = central_iv_seal(c, "cannot revoke the interviewer",
	    e)) == 0 && (rc = central_log(c, "interviewers revoke", e)) == 0)
		rc = central_exec(c, "COMMIT", "cannot revoke the interviewer",
		    e);
out:
	sqlite3_finalize(st);
	if (rc != 0)
		central_rollback(c);
	return rc;
}

/* --- access log ----------------------------------------------------------- */

int
central_log(struct central *c, const char *what, struct err *e)
{
	sqlite3_stmt *st;
	struct passwd *pw = getpwuid(getuid());
	char *user;
	int rc;

	if (pw != NULL && pw->pw_name != NULL)
		user = xstrdup(pw->pw_name);
	else
		user = xasprintf("uid %lu", (unsigned long)getuid());
	if ((rc = central_prepare(c, &st, "INSERT INTO access_log (time, "
	    "user, what) VALUES (?, ?, ?)", "cannot write the access log",
	    e)) != 0) {
		free(user);
		return rc;
	}
	sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
	sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, what, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = central_sqlerr(c, "cannot write the access log", e);
	sqlite3_finalize(st);
	free(user);
	return rc;
}

int
central_log_list(struct central *c, struct central_log_entry **list,
    size_t *n, struct err *e)
{
	sqlite3_stmt *st;
	struct central_log_entry *v = NULL;
	size_t k = 0;
	int rc, s;

	if ((rc = central_prepare(c, &st, "SELECT time, user, what FROM "
	    "access_log ORDER BY seq", "cannot read the access log", e)) != 0)
		return rc;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, k + 1, sizeof *v);
		v[k].time = sqlite3_column_int64(st, 0);
		v[k].user = xstrdup((const char *)sqlite3_column_text(st, 1));
		v[k].what = xstrdup((const char *)sqlite3_column_text(st, 2));
		k++;
	}
	if (s != SQLITE_DONE) {
		rc = central_sqlerr(c, "cannot read the access log", e);
		central_log_list_free(v, k);
		v = NULL;
		k = 0;
	}
	sqlite3_finalize(st);
	*list = v;
	*n = k;
	return rc;
}

void
central_log_list_free(struct central_log_entry *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(list[i].user);
		free(list[i].what);
	}
	free(list);
}

/* --- turnover and staff-survey HME ---------------------------------------- */

/* Run one prepared INSERT OR REPLACE per row inside BEGIN IMMEDIATE, then
 * log what and commit: all rows or none. bind fills row i's values. */
static int
central_import(struct central *c, const char *sql, size_t n,
    void (*bind)(sqlite3_stmt *st, const void *rows, size_t i),
    const void *rows, const char *what, const char *doing, struct err *e)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	if ((rc = central_exec(c, "BEGIN IMMEDIATE", doing, e)) != 0)
		return rc;
	if ((rc = central_prepare(c, &st, sql, doing, e)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		bind(st, rows, i);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = central_sqlerr(c, doing, e);
			goto out;
		}
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	if ((rc = central_log(c, what, e)) == 0)
		rc = central_exec(c, "COMMIT", doing, e);
out:
	sqlite3_finalize(st);
	if (rc != 0)
		central_rollback(c);
	return rc;
}

static void
central_turnover_bind(sqlite3_stmt *st, const void *rows, size_t i)
{
	const struct central_turnover *r =
	    (const struct central_turnover *)rows + i;

	sqlite3_bind_text(st, 1, r->unit, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->year);
	sqlite3_bind_double(st, 3, r->headcount);
	sqlite3_bind_double(st, 4, r->leavers);
	if (r->retirements >= 0)
		sqlite3_bind_double(st, 5, r->retirements);
	if (r->internal >= 0)
		sqlite3_bind_double(st, 6, r->internal);
}

int
central_turnover_import(struct central *c,
    const struct central_turnover *rows, size_t n, const char *what,
    struct err *e)
{
	return central_import(c, "INSERT OR REPLACE INTO turnover (unit, "
	    "year, headcount, leavers, retirements, internal_moves) VALUES "
	    "(?, ?, ?, ?, ?, ?)", n,
	    central_turnover_bind, rows, what, "cannot import the turnover",
	    e);
}

int
central_turnover_list(struct central *c, struct central_turnover **out,
    size_t *nout, struct err *e)
{
	sqlite3_stmt *st;
	struct central_turnover *v = NULL;
	size_t k = 0;
	int rc, s;

	if ((rc = central_prepare(c, &st, "SELECT unit, year, headcount, "
	    "leavers, retirements, internal_moves FROM turnover ORDER BY "
	    "unit, year",
	    "cannot read the turnover", e)) != 0)
		return rc;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, k + 1, sizeof *v);
		v[k].unit = xstrdup((const char *)sqlite3_column_text(st, 0));
		v[k].year = (unsigned)sqlite3_column_int64(st, 1);
		v[k].headcount = sqlite3_column_double(st, 2);
		v[k].leavers = sqlite3_column_double(st, 3);
		v[k].retirements = sqlite3_column_type(st, 4) == SQLITE_NULL ?
		    -1 : sqlite3_column_double(st, 4);
		v[k].internal = sqlite3_column_type(st, 5) == SQLITE_NULL ?
		    -1 : sqlite3_column_double(st, 5);
		k++;
	}
	if (s != SQLITE_DONE) {
		rc = central_sqlerr(c, "cannot read the turnover", e);
		central_turnover_list_free(v, k);
		v = NULL;
		k = 0;
	}
	sqlite3_finalize(st);
	*out = v;
	*nout = k;
	return rc;
}

void
central_turnover_list_free(struct central_turnover *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(rows[i].unit);
	free(rows);
}

static void
central_hme_bind(sqlite3_stmt *st, const void *rows, size_t i)
{
	const struct central_hme *r = (const struct central_hme *)rows + i;

	sqlite3_bind_text(st, 1, r->unit, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->year);
	sqlite3_bind_double(st, 3, r->hme);
	sqlite3_bind_double(st, 4, r->motivation);
	sqlite3_bind_double(st, 5, r->ledarskap);
	sqlite3_bind_double(st, 6, r->styrning);
}

int
central_hme_import(struct central *c, const struct central_hme *rows,
    size_t n, const char *what, struct err *e)
{
	return central_import(c, "INSERT OR REPLACE INTO hme (unit, year, "
	    "hme, motivation, ledarskap, styrning) VALUES (?, ?, ?, ?, ?, ?)",
	    n, central_hme_bind, rows, what, "cannot import the HME", e);
}

int
central_hme_list(struct central *c, struct central_hme **out, size_t *nout,
    struct err *e)
{
	sqlite3_stmt *st;
	struct central_hme *v = NULL;
	size_t k = 0;
	int rc, s;

	if ((rc = central_prepare(c, &st, "SELECT unit, year, hme, "
	    "motivation, ledarskap, styrning FROM hme ORDER BY unit, year",
	    "cannot read the HME", e)) != 0)
		return rc;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, k + 1, sizeof *v);
		v[k].unit = xstrdup((const char *)sqlite3_column_text(st, 0));
		v[k].year = (unsigned)sqlite3_column_int64(st, 1);
		v[k].hme = sqlite3_column_double(st, 2);
		v[k].motivation = sqlite3_column_double(st, 3);
		v[k].ledarskap = sqlite3_column_double(st, 4);
		v[k].styrning = sqlite3_column_double(st, 5);
		k++;
	}
	if (s != SQLITE_DONE) {
		rc = central_sqlerr(c, "cannot read the HME", e);
		central_hme_list_free(v, k);
		v = NULL;
		k = 0;
	}
	sqlite3_finalize(st);
	*out = v;
	*nout = k;
	return rc;
}

void
central_hme_list_free(struct central_hme *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(rows[i].unit);
	free(rows);
}

/* --- purge ---------------------------------------------------------------- */

int
central_env_delete(struct central *c, const uint8_t (*ids)[BUNDLE_ID_BYTES],
    size_t n, const char *what, size_t *deleted, struct err *e)
{
	const char *doing = "cannot delete the envelopes";
	sqlite3_stmt *st = NULL, *sel = NULL;
	uint8_t delta[DIGEST_BYTES] = { 0 };
	size_t i, k = 0;
	int rc, s;

	*deleted = 0;
	if ((rc = central_dkey(c, e)) != 0)
		return rc;
	if ((rc = central_exec(c, "BEGIN IMMEDIATE", doing, e)) != 0)
		return rc;
	if ((rc = central_prepare(c, &st, "DELETE FROM envelopes WHERE id = ?",
	    doing, e)) != 0 || (rc = central_prepare(c, &sel, "SELECT data "
	    "FROM envelopes WHERE id = ?", doing, e)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		/* What goes leaves the digest: its term is subtracted. */
		sqlite3_bind_blob(sel, 1, ids[i], BUNDLE_ID_BYTES,
		    SQLITE_STATIC);
		s = sqlite3_step(sel);
		if (s == SQLITE_ROW)
			digest_term(delta, c->dkey, ids[i],
			    sqlite3_column_blob(sel, 0),
			    (size_t)sqlite3_column_bytes(sel, 0), -1);
		sqlite3_reset(sel);
		if (s != SQLITE_ROW && s != SQLITE_DONE) {
			rc = central_sqlerr(c, doing, e);
			goto out;
		}
		sqlite3_bind_blob(st, 1, ids[i], BUNDLE_ID_BYTES,
		    SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = central_sqlerr(c, "cannot delete the envelopes",
			    e);
			goto out;
		}
		k += (size_t)sqlite3_changes(c->db);
		sqlite3_reset(st);
	}
	if (k > 0 && ((rc = central_digest_add(c, delta, doing, e)) != 0 ||
	    (rc = central_mark_unsettled(c, doing, e)) != 0))
		goto out;
	if ((rc = central_log(c, what, e)) == 0)
		rc = central_exec(c, "COMMIT", doing, e);
out:
	sqlite3_finalize(st);
	sqlite3_finalize(sel);
	if (rc != 0) {
		central_rollback(c);
		return rc;
	}
	*deleted = k;
	/* secure_delete zeroed the rows; settling rebuilds the file without
	 * the freed pages (whose place showed which went), and the
	 * checkpoint leaves no copy in the WAL. */
	if ((rc = central_settle(c, e)) != 0)
		err_prefix(e, _("deleted, but"));
	return rc;
}

/* --- releases ------------------------------------------------------------ */

int
central_release_list(struct central *c, struct central_release **rows,
    size_t *n, struct err *e)
{
	sqlite3_stmt *st;
	struct central_release *v = NULL, *r;
	size_t k = 0;
	const void *b;
	const char *s;
	int rc, x;

	*rows = NULL;
	*n = 0;
	if ((rc = central_prepare(c, &st, "SELECT year, revision, date, "
	    "interviews, mapdigest, blob FROM releases ORDER BY year, "
	    "revision", "cannot read the releases", e)) != 0)
		return rc;
	while ((x = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, k + 1, sizeof *v);
		r = &v[k++];
		memset(r, 0, sizeof *r);
		r->year = (unsigned)sqlite3_column_int64(st, 0);
		r->revision = (unsigned)sqlite3_column_int64(st, 1);
		s = (const char *)sqlite3_column_text(st, 2);
		snprintf(r->date, sizeof r->date, "%s", s != NULL ? s : "");
		r->interviews = (uint32_t)sqlite3_column_int64(st, 3);
		s = (const char *)sqlite3_column_text(st, 4);
		snprintf(r->mapdigest, sizeof r->mapdigest, "%s",
		    s != NULL ? s : "");
		b = sqlite3_column_blob(st, 5);
		r->bloblen = (size_t)sqlite3_column_bytes(st, 5);
		r->blob = xmalloc(r->bloblen ? r->bloblen : 1);
		if (r->bloblen > 0)
			memcpy(r->blob, b, r->bloblen);
	}
	if (x != SQLITE_DONE) {
		rc = central_sqlerr(c, "cannot read the releases", e);
		sqlite3_finalize(st);
		central_release_list_free(v, k);
		return rc;
	}
	sqlite3_finalize(st);
	*rows = v;
	*n = k;
	return 0;
}

void
central_release_list_free(struct central_release *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(rows[i].blob);
	free(rows);
}

int
central_release_add(struct central *c, const struct central_release *r,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc, x;

	if ((rc = central_prepare(c, &st, "INSERT OR IGNORE INTO releases "
	    "(year, revision, date, interviews, mapdigest, blob) VALUES (?, "
	    "?, ?, ?, ?, ?)", "cannot record the release", e)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, r->year);
	sqlite3_bind_int64(st, 2, r->revision);
	sqlite3_bind_text(st, 3, r->date, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, r->interviews);
	sqlite3_bind_text(st, 5, r->mapdigest, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, r->blob, (int)r->bloblen, SQLITE_STATIC);
	x = sqlite3_step(st);
	if (x != SQLITE_DONE) {
		rc = central_sqlerr(c, "cannot record the release", e);
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	return sqlite3_changes(c->db) == 0 ? 1 : 0;
}

int
central_release_purge(struct central *c, unsigned year, size_t *deleted,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc, x;

	*deleted = 0;
	if ((rc = central_prepare(c, &st, "DELETE FROM releases WHERE year < ?",
	    "cannot delete the releases", e)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, year);
	x = sqlite3_step(st);
	if (x != SQLITE_DONE) {
		rc = central_sqlerr(c, "cannot delete the releases", e);
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	*deleted = (size_t)sqlite3_changes(c->db);
	return 0;
}
