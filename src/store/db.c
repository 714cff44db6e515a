/* db: the SQLite base of every store: open, pragmas, application id,
 * migrations, statement helpers and the mapping of SQLite's results to
 * error classes (store/db.h). */
#include "store/db.h"

#include <sys/mman.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/i18n.h"
#include "util/xmem.h"

#define DB_BUSY_MS 5000
#define DB_RETRY_MS 50

/*
 * The errno under an I/O error. SQLite 3.40 forgets it on the commit path
 * (sqlite3_system_errno answers 0 for a WAL write that failed with
 * ENOSPC), so that "disk I/O error" could not say "full". Every store
 * opens through a thin VFS that wraps the default one and, when a file
 * operation fails, keeps errno in a thread-local for db_fail.
 */
static _Thread_local int db_last_errno;
static sqlite3_vfs db_vfs, *db_real;
static pthread_once_t db_vfs_once = PTHREAD_ONCE_INIT;

struct db_file {
	sqlite3_file base;
	sqlite3_file *real; /* follows this struct */
	const char *path;   /* the file's name (valid until close) */
};

#define DBF(f) (((struct db_file *)(f))->real)

/* Keep errno if rc is a failure that has one. */
static int
db_keep(int rc)
{
	int prim = rc & 0xff;

	if ((prim == SQLITE_IOERR && rc != SQLITE_IOERR_SHORT_READ) ||
	    prim == SQLITE_FULL || prim == SQLITE_CANTOPEN)
		db_last_errno = errno;
	return rc;
}

static int
dbf_close(sqlite3_file *f)
{
	return DBF(f)->pMethods->xClose(DBF(f));
}

static int
dbf_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	return db_keep(DBF(f)->pMethods->xRead(DBF(f), p, n, off));
}

static int
dbf_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	return db_keep(DBF(f)->pMethods->xWrite(DBF(f), p, n, off));
}

static int
dbf_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return db_keep(DBF(f)->pMethods->xTruncate(DBF(f), size));
}

static int
dbf_sync(sqlite3_file *f, int flags)
{
	return db_keep(DBF(f)->pMethods->xSync(DBF(f), flags));
}

static int
dbf_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return db_keep(DBF(f)->pMethods->xFileSize(DBF(f), size));
}

static int
dbf_lock(sqlite3_file *f, int l)
{
	return db_keep(DBF(f)->pMethods->xLock(DBF(f), l));
}

static int
dbf_unlock(sqlite3_file *f, int l)
{
	return DBF(f)->pMethods->xUnlock(DBF(f), l);
}

static int
dbf_check_lock(sqlite3_file *f, int *out)
{
	return DBF(f)->pMethods->xCheckReservedLock(DBF(f), out);
}

static int
dbf_fcntl(sqlite3_file *f, int op, void *arg)
{
	return DBF(f)->pMethods->xFileControl(DBF(f), op, arg);
}

static int
dbf_sector(sqlite3_file *f)
{
	return DBF(f)->pMethods->xSectorSize(DBF(f));
}

static int
dbf_devchar(sqlite3_file *f)
{
	return DBF(f)->pMethods->xDeviceCharacteristics(DBF(f));
}

/*
 * No SIGBUS on a full disk (faults). In WAL mode SQLite maps the -shm
 * file. When it grows that file it writes one byte per 4 KiB page, which
 * on a file system with 1 KiB blocks (what mkfs.ext4 picks for small
 * file systems, many USB sticks) leaves three blocks of each page
 * unallocated; the first store into such a block needs a new block, and
 * on a full disk the kernel answers that page fault with SIGBUS: the
 * program dies without a word. So every region SQLite maps is faulted in
 * writable at once with madvise(MADV_POPULATE_WRITE) (Linux 5.14), which
 * allocates or reserves every block and reports a failure as an error,
 * not a signal; SQLite then gets SQLITE_FULL and says so. Later stores
 * hit allocated blocks. Where the kernel lacks it, a region is mapped
 * only while more than DB_SHM_SLACK bytes are free (a check, not a
 * guarantee). Exclusive locking mode (DB_EXCLUSIVE: the WAL index in
 * heap memory) would avoid the map too, but it would lock out a second
 * avslut (a sync while an interview is open) and concurrent ingests.
 */
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#define DB_SHM_SLACK (1024 * 1024)
static int db_populate = -1; /* the kernel has MADV_POPULATE_WRITE */

/* Enough free space beside path for need bytes? Unknown counts as yes. */
static int
db_room(const char *path, size_t need)
{
	struct statvfs sv;

	if (path == NULL || statvfs(path, &sv) == -1)
		return 1;
	return (uint64_t)sv.f_bavail * sv.f_frsize >= need;
}

static int
db_prefault(const struct db_file *df, volatile void *addr, int size)
{
	long pg = sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)addr, start, end;
	void *probe;

	if (pg <= 0)
		pg = 4096;
	if (db_populate == -1) { /* ask the kernel once, on one page */
		probe = mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		db_populate = probe != MAP_FAILED &&
		    madvise(probe, (size_t)pg, MADV_POPULATE_WRITE) == 0;
		if (probe != MAP_FAILED)
			munmap(probe, (size_t)pg);
	}
	if (!db_populate)
		return db_room(df->path, DB_SHM_SLACK + (size_t)size) ?
		    SQLITE_OK :
		    SQLITE_FULL;
	start = a & ~((uintptr_t)pg - 1);
	end = (a + (uintptr_t)size + (uintptr_t)pg - 1) & ~((uintptr_t)pg - 1);
	while (madvise((void *)start, end - start, MADV_POPULATE_WRITE) == -1) {
		if (errno == EINTR)
			continue;
		if (errno == EINVAL) /* a read-only map: nothing to fill */
			return SQLITE_OK;
		if (errno == ENOMEM)
			return SQLITE_NOMEM;
		/* EFAULT: a store would have raised SIGBUS: on a full disk
		 * for want of a block, else an I/O error. */
		db_last_errno = db_room(df->path, DB_SHM_SLACK + (size_t)size) ?
		    EIO :
		    ENOSPC;
		return db_last_errno == ENOSPC ? SQLITE_FULL :
						 SQLITE_IOERR_SHMMAP;
	}
	return SQLITE_OK;
}

static int
dbf_shm_map(sqlite3_file *f, int pg, int sz, int ext, void volatile **pp)
{
	struct db_file *df = (struct db_file *)f;
	int rc, err;

	rc = db_keep(df->real->pMethods->xShmMap(df->real, pg, sz, ext, pp));
	if (rc != SQLITE_OK || *pp == NULL || sz <= 0)
		return rc;
	if ((err = db_prefault(df, *pp, sz)) != SQLITE_OK) {
		/* SQLite keeps *pp as the region's address whenever it is
		 * set: clear it, or it would store into the region anyway. */
		*pp = NULL;
		return err;
	}
	return rc;
}

static int
dbf_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return DBF(f)->pMethods->xShmLock(DBF(f), off, n, flags);
}

static void
dbf_shm_barrier(sqlite3_file *f)
{
	DBF(f)->pMethods->xShmBarrier(DBF(f));
}

static int
dbf_shm_unmap(sqlite3_file *f, int del)
{
	return DBF(f)->pMethods->xShmUnmap(DBF(f), del);
}

static int
dbf_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	if (DBF(f)->pMethods->iVersion < 3) {
		*pp = NULL;
		return SQLITE_OK;
	}
	return db_keep(DBF(f)->pMethods->xFetch(DBF(f), off, n, pp));
}

static int
dbf_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	if (DBF(f)->pMethods->iVersion < 3)
		return SQLITE_OK;
	return DBF(f)->pMethods->xUnfetch(DBF(f), off, p);
}

static const sqlite3_io_methods dbf_methods = { 3, dbf_close, dbf_read,
	dbf_write, dbf_truncate, dbf_sync, dbf_size, dbf_lock, dbf_unlock,
	dbf_check_lock, dbf_fcntl, dbf_sector, dbf_devchar, dbf_shm_map,
	dbf_shm_lock, dbf_shm_barrier, dbf_shm_unmap, dbf_fetch, dbf_unfetch };

static int
dbv_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
	struct db_file *df = (struct db_file *)f;
	int rc;

	(void)v;
	df->real = (sqlite3_file *)(df + 1);
	df->path = name;
	df->base.pMethods = NULL;
	rc = db_keep(db_real->xOpen(db_real, name, df->real, flags, out));
	if (df->real->pMethods != NULL)
		df->base.pMethods = &dbf_methods;
	return rc;
}

static int
dbv_delete(sqlite3_vfs *v, const char *n, int s)
{
	(void)v;
	return db_keep(db_real->xDelete(db_real, n, s));
}

static int
dbv_access(sqlite3_vfs *v, const char *n, int fl, int *out)
{
	(void)v;
	return db_real->xAccess(db_real, n, fl, out);
}

static int
dbv_fullpath(sqlite3_vfs *v, const char *n, int len, char *out)
{
	(void)v;
	return db_real->xFullPathname(db_real, n, len, out);
}

static int
dbv_random(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return db_real->xRandomness(db_real, n, out);
}

static int
dbv_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return db_real->xSleep(db_real, us);
}

static int
dbv_time(sqlite3_vfs *v, double *t)
{
	(void)v;
	return db_real->xCurrentTime(db_real, t);
}

static int
dbv_last_error(sqlite3_vfs *v, int n, char *buf)
{
	(void)v;
	return db_real->xGetLastError(db_real, n, buf);
}

static int
dbv_time64(sqlite3_vfs *v, sqlite3_int64 *t)
{
	(void)v;
	return db_real->xCurrentTimeInt64(db_real, t);
}

/* Wrap whatever VFS is the default when the first store opens (the
 * unix one; in tests, their fault-injecting one). */
static void
db_vfs_init(void)
{
	db_real = sqlite3_vfs_find(NULL);
	db_vfs.iVersion = 2;
	db_vfs.szOsFile = (int)sizeof(struct db_file) + db_real->szOsFile;
	db_vfs.mxPathname = db_real->mxPathname;
	db_vfs.zName = "avslut";
	db_vfs.xOpen = dbv_open;
	db_vfs.xDelete = dbv_delete;
	db_vfs.xAccess = dbv_access;
	db_vfs.xFullPathname = dbv_fullpath;
	db_vfs.xRandomness = dbv_random;
	db_vfs.xSleep = dbv_sleep;
	db_vfs.xCurrentTime = dbv_time;
	db_vfs.xGetLastError = dbv_last_error;
	db_vfs.xCurrentTimeInt64 = dbv_time64;
	sqlite3_vfs_register(&db_vfs, 0);
}

struct db {
	sqlite3 *h;
	char *path;
	const struct db_schema *s;
	int flags;
	int busy_ms;
	int created;
};

sqlite3 *
db_handle(const struct db *d)
{
	return d->h;
}

const char *
db_path(const struct db *d)
{
	return d->path;
}

int
db_created(const struct db *d)
{
	return d->created;
}

/* The system error under an I/O result: SQLite's, else the one the
 * VFS kept (read once). */
static int
db_sys_errno(struct db *d, int rc)
{
	int prim = rc & 0xff, sys = db_last_errno;

	db_last_errno = 0;
	if (prim != SQLITE_IOERR && prim != SQLITE_CANTOPEN &&
	    prim != SQLITE_FULL)
		return 0;
	if (d->h != NULL && sqlite3_system_errno(d->h) != 0)
		return sqlite3_system_errno(d->h);
	return sys;
}

static int
db_full(struct db *d, const char *doing, struct err *e)
{
	return err_setc(e, ERR_FULL,
	    _("%s: the disk holding %s is full: "
	      "free some space on it, then try again"),
	    doing, d->path);
}

int
db_fail_rc(struct db *d, int rc, const char *doing, struct err *e)
{
	const char *detail = d->h != NULL ? sqlite3_errmsg(d->h) :
					    sqlite3_errstr(rc);
	int sys = db_sys_errno(d, rc);
	const struct db_schema *s = d->s;

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return err_setc(e, ERR_BUSY,
		    _("%s: %s is locked by another "
		      "program: try again when it has finished"),
		    doing, d->path);
	case SQLITE_FULL:
		return db_full(d, doing, e);
	case SQLITE_IOERR:
		if (rc == SQLITE_IOERR_NOMEM)
			return err_setc(e, ERR_SOFTWARE,
			    _("%s: %s: out of "
			      "memory"),
			    doing, d->path);
		if (sys == ENOSPC || sys == EDQUOT)
			return db_full(d, doing, e);
		return err_setc(e, ERR_IO,
		    _("%s: input/output error on %s "
		      "(%s): check the disk"),
		    doing, d->path, sys != 0 ? strerror(sys) : detail);
	case SQLITE_CORRUPT:
		return err_setc(e, ERR_DATA, _("%s: %s is damaged (%s): %s"),
		    doing, d->path, detail, _(s->damaged_hint));
	case SQLITE_NOTADB:
		return err_setc(e, ERR_DATA,
		    _("%s is not %s (not an SQLite "
		      "database): %s"),
		    d->path, _(s->what), _(s->notours_hint));
	case SQLITE_READONLY:
		return err_setc(e, ERR_PERM,
		    _("%s: %s is read-only: check "
		      "the permissions of the file and of its directory"),
		    doing, d->path);
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return err_setc(e, ERR_PERM, _("%s: permission denied on %s"),
		    doing, d->path);
	case SQLITE_CANTOPEN:
		if (sys == ENOSPC || sys == EDQUOT)
			return db_full(d, doing, e);
		if (sys == EACCES || sys == EPERM || sys == EROFS || sys == 0)
			return err_setc(e, ERR_PERM,
			    _("%s: cannot open %s or "
			      "its journal: check the permissions of its "
			      "directory"),
			    doing, d->path);
		return err_setc(e, ERR_IO,
		    _("%s: cannot open %s or its "
		      "journal: %s"),
		    doing, d->path, strerror(sys));
	case SQLITE_NOMEM:
		return err_setc(e, ERR_SOFTWARE, _("%s: %s: out of memory"),
		    doing, d->path);
	case SQLITE_TOOBIG:
		return err_setc(e, ERR_DATA, _("%s: %s: too large"), doing,
		    d->path);
	default:
		return err_setc(e, ERR_SOFTWARE, "%s: %s: %s", doing, d->path,
		    detail);
	}
}

int
db_fail(struct db *d, const char *doing, struct err *e)
{
	return db_fail_rc(d,
	    d->h != NULL ? sqlite3_extended_errcode(d->h) : SQLITE_NOMEM, doing,
	    e);
}

int
db_exec(struct db *d, const char *sql, const char *doing, struct err *e)
{
	int rc = sqlite3_exec(d->h, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : db_fail_rc(d, rc, doing, e);
}

int
db_prepare(struct db *d, sqlite3_stmt **st, const char *sql, const char *doing,
    struct err *e)
{
	int rc = sqlite3_prepare_v2(d->h, sql, -1, st, NULL);

	if (rc != SQLITE_OK) {
		*st = NULL;
		return db_fail_rc(d, rc, doing, e);
	}
	return 0;
}

int
db_step_done(struct db *d, sqlite3_stmt *st, const char *doing, struct err *e)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail_rc(d, rc, doing, e);
}

int
db_int(struct db *d, const char *sql, int64_t *v, const char *doing,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(d, &st, sql, doing, e) != 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	else
		db_fail_rc(d, rc == SQLITE_DONE ? SQLITE_ERROR : rc, doing, e);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

void
db_rows_free(void *rows, size_t n, size_t size, void (*clear)(void *elem))
{
	size_t i;

	for (i = 0; i < n; i++)
		clear((unsigned char *)rows + i * size);
	free(rows);
}

int
db_rows(struct db *d, const char *sql, const char *doing, size_t size,
    int (*row)(sqlite3_stmt *st, void *elem), void (*clear)(void *elem),
    void **out, size_t *n, struct err *e)
{
	sqlite3_stmt *st;
	unsigned char *v = NULL;
	size_t k = 0;
	int rc = 0, s;

	*out = NULL;
	*n = 0;
	if (db_prepare(d, &st, sql, doing, e) != 0)
		return -1;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, k + 1, size);
		k += row(st, v + k * size) != 0;
	}
	if (s != SQLITE_DONE) {
		rc = db_fail(d, doing, e);
		db_rows_free(v, k, size, clear);
		v = NULL;
		k = 0;
	}
	sqlite3_finalize(st);
	*out = v;
	*n = k;
	return rc;
}

uint8_t *
db_column_dup(sqlite3_stmt *st, int col, size_t *len)
{
	const void *b = sqlite3_column_blob(st, col);
	uint8_t *p;

	*len = (size_t)sqlite3_column_bytes(st, col);
	p = xmalloc(*len ? *len : 1);
	if (*len > 0)
		memcpy(p, b, *len);
	return p;
}

int
db_begin(struct db *d, const char *doing, struct err *e)
{
	return db_exec(d, "BEGIN IMMEDIATE", doing, e);
}

int
db_commit(struct db *d, const char *doing, struct err *e)
{
	int rc = sqlite3_exec(d->h, "COMMIT", NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		return 0;
	db_fail_rc(d, rc, doing, e);
	db_rollback(d);
	return -1;
}

void
db_rollback(struct db *d)
{
	if (d->h != NULL && !sqlite3_get_autocommit(d->h))
		sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
}

int
db_checkpoint(struct db *d, const char *doing, struct err *e)
{
	int rc = sqlite3_wal_checkpoint_v2(d->h, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);

	return rc == SQLITE_OK ? 0 : db_fail_rc(d, rc, doing, e);
}

/* Sleep DB_RETRY_MS before trying a busy step again. */
static void
db_nap(void)
{
	struct timespec ts = { 0, DB_RETRY_MS * 1000000L };

	nanosleep(&ts, NULL);
}

/* What kind of file this is: 0 an empty database (ours to set up), 1
 * ours at *version, -1 refused with a message. */
static int
db_identify(struct db *d, int64_t *version, struct err *e)
{
	const struct db_schema *s = d->s;
	int64_t app, objects;

	if (db_int(d, "PRAGMA application_id", &app, _("cannot open"), e) ||
	    db_int(d, "PRAGMA user_version", version, _("cannot open"), e) ||
	    db_int(d, "SELECT count(*) FROM sqlite_schema", &objects,
		_("cannot open"), e))
		return -1;
	if (app == 0 && *version == 0 && objects == 0)
		return 0;
	if (app != (int64_t)(int32_t)s->app_id)
		return err_setc(e, ERR_DATA,
		    _("%s is not %s (another "
		      "program's SQLite database): %s"),
		    d->path, _(s->what), _(s->notours_hint));
	if (*version > s->version)
		return err_setc(e, ERR_DATA,
		    _("%s was made by a newer %s "
		      "(schema %lld, this one knows %d): update %s"),
		    d->path, s->program, (long long)*version, s->version,
		    s->program);
	if (*version < 1)
		return err_setc(e, ERR_DATA, _("%s is not %s (no schema): %s"),
		    d->path, _(s->what), _(s->notours_hint));
	return 1;
}

/* Run the missing steps in one BEGIN IMMEDIATE transaction, looking at
 * the version again once the lock is held. */
static int
db_migrate(struct db *d, struct err *e)
{
	const struct db_schema *s = d->s;
	const char *doing = _("cannot set up the store");
	int64_t version = 0;
	char *sql;
	int rc;

	if (db_begin(d, doing, e) != 0)
		return -1;
	if (db_identify(d, &version, e) < 0)
		goto fail;
	for (; version < s->version; version++) {
		if (db_exec(d, s->steps[version], doing, e) != 0)
			goto fail;
		if (s->step_fn != NULL &&
		    s->step_fn(d, (int)version + 1, e) != 0)
			goto fail;
	}
	sql = xasprintf("PRAGMA application_id = %d; PRAGMA user_version = "
			"%d",
	    (int)(int32_t)s->app_id, s->version);
	rc = db_exec(d, sql, doing, e);
	free(sql);
	if (rc != 0 || db_commit(d, doing, e) != 0)
		goto fail;
	return 0;
fail:
	db_rollback(d);
	return -1;
}

/* Look at the file in one read transaction, so the three values come
 * from one snapshot even while another process sets the store up. While
 * another process turns a new store to WAL, SQLite can answer "busy"
 * without calling the busy handler: retry then, within the timeout. */
static int
db_identify_retry(struct db *d, int64_t *version, struct err *e)
{
	int rc, tries;

	for (tries = 0;; tries++) {
		rc = db_exec(d, "BEGIN", _("cannot open"), e);
		if (rc == 0) {
			rc = db_identify(d, version, e);
			db_rollback(d);
		}
		if (rc >= 0 || e == NULL || e->cls != ERR_BUSY ||
		    tries >= d->busy_ms / DB_RETRY_MS)
			return rc;
		db_nap();
	}
}

/* 1 if the one-row query sql gives the text want, 0 if another, -1 on
 * an error (e filled). */
static int
db_text_is(struct db *d, const char *sql, const char *want, struct err *e)
{
	sqlite3_stmt *st;
	const char *v;
	int rc;

	if (db_prepare(d, &st, sql, _("cannot open"), e) != 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		db_fail_rc(d, rc, _("cannot open"), e);
		sqlite3_finalize(st);
		return -1;
	}
	v = (const char *)sqlite3_column_text(st, 0);
	rc = v != NULL && strcmp(v, want) == 0;
	sqlite3_finalize(st);
	return rc;
}

int
db_journal_mode(struct db *d, const char *mode, struct err *e)
{
	char sql[64];
	int rc;

	snprintf(sql, sizeof sql, "PRAGMA journal_mode = %s", mode);
	if ((rc = db_text_is(d, sql, mode, e)) < 0) {
		if (e != NULL && e->cls == ERR_BUSY)
			return 1;
		return -1;
	}
	return rc == 1 ? 0 : 1;
}

/* The pragmas of a writable store, retried like db_identify_retry. */
static int
db_configure(struct db *d, int empty, int page_size, struct err *e)
{
	char sql[400], pfx[64];
	int64_t v;
	int rc, tries;

	/* The page size only takes on a file with no page written yet,
	 * and before the switch to WAL. */
	if (empty && page_size > 0)
		snprintf(pfx, sizeof pfx, "PRAGMA page_size = %d; ", page_size);
	else
		pfx[0] = '\0';
	snprintf(sql, sizeof sql,
	    "%sPRAGMA journal_mode = WAL; "
	    "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON; "
	    "PRAGMA foreign_keys = ON;%s",
	    pfx,
	    (d->flags & DB_TEMP_MEMORY) ? " PRAGMA temp_store = MEMORY;" : "");
	for (tries = 0;; tries++) {
		rc = db_exec(d, sql, _("cannot open"), e);
		if (rc == 0 || e == NULL || e->cls != ERR_BUSY ||
		    tries >= d->busy_ms / DB_RETRY_MS)
			break;
		db_nap();
	}
	if (rc != 0)
		return -1;
	if ((rc = db_text_is(d, "PRAGMA journal_mode", "wal", e)) != 1)
		return rc < 0 ?
		    -1 :
		    err_setc(e, ERR_IO,
			_("%s: cannot "
			  "switch to write-ahead logging: check that its directory "
			  "is writable and on a local disk"),
			d->path);
	/* What the stores promise rests on these: check they took. */
	if (db_int(d, "PRAGMA secure_delete", &v, _("cannot open"), e) != 0)
		return -1;
	if (v != 1)
		return err_setc(e, ERR_SOFTWARE,
		    _("%s: this SQLite does not "
		      "apply secure_delete: install a standard SQLite build"),
		    d->path);
	if (db_int(d, "PRAGMA synchronous", &v, _("cannot open"), e) != 0)
		return -1;
	if (v != 2)
		return err_setc(e, ERR_SOFTWARE,
		    _("%s: this SQLite does not "
		      "apply synchronous=FULL: install a standard SQLite "
		      "build"),
		    d->path);
	return 0;
}

int
db_open(struct db **out, const char *path, const struct db_schema *s,
    const struct db_opts *o, struct err *e)
{
	struct db *d;
	int64_t version = 0;
	int rc, oflags, kind;

	*out = NULL;
	d = xcalloc(1, sizeof *d);
	d->path = xstrdup(path);
	d->s = s;
	d->flags = o != NULL ? o->flags : 0;
	d->busy_ms = o != NULL && o->busy_ms > 0 ? o->busy_ms : DB_BUSY_MS;
	oflags = (d->flags & DB_RDONLY) ? SQLITE_OPEN_READONLY :
					  SQLITE_OPEN_READWRITE;
	if (d->flags & DB_NOFOLLOW)
		oflags |= SQLITE_OPEN_NOFOLLOW;
	pthread_once(&db_vfs_once, db_vfs_init);
	rc = sqlite3_open_v2(path, &d->h, oflags | SQLITE_OPEN_NOMUTEX,
	    "avslut");
	if (rc != SQLITE_OK) {
		db_fail_rc(d, rc, _("cannot open"), e);
		goto fail;
	}
	sqlite3_extended_result_codes(d->h, 1);
	sqlite3_db_config(d->h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(d->h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_busy_timeout(d->h, d->busy_ms);
	/* Before the first read: only then does SQLite keep the WAL index
	 * in heap memory instead of mapping the -shm file. */
	if ((d->flags & DB_EXCLUSIVE) &&
	    db_exec(d,
		"PRAGMA locking_mode = "
		"EXCLUSIVE",
		_("cannot open"), e) != 0)
		goto fail;
	if (!(d->flags & DB_RDONLY) && sqlite3_db_readonly(d->h, "main") == 1) {
		err_setc(e, ERR_PERM,
		    _("%s is read-only: check the "
		      "permissions of the file and of its directory"),
		    d->path);
		goto fail;
	}
	if ((kind = db_identify_retry(d, &version, e)) < 0)
		goto fail;
	if (d->flags & DB_RDONLY) {
		if (kind == 0) {
			err_setc(e, ERR_DATA,
			    _("%s is an empty database, not "
			      "%s: %s"),
			    d->path, _(s->what), _(s->notours_hint));
			goto fail;
		}
		*out = d;
		return 0;
	}
	if (db_configure(d, kind == 0, o != NULL ? o->page_size : 0, e) != 0)
		goto fail;
	if (kind == 0 || version < s->version) {
		d->created = kind == 0;
		if (db_migrate(d, e) != 0)
			goto fail;
	}
	*out = d;
	return 0;
fail:
	db_close(d);
	return -1;
}

void
db_close(struct db *d)
{
	if (d == NULL)
		return;
	if (d->h != NULL)
		sqlite3_close_v2(d->h);
	free(d->path);
	free(d);
}
