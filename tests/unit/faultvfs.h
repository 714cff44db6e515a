/* faultvfs: a test VFS in the spirit of SQLite's own test_vfs.c. It wraps
 * the default VFS (unix) and, once armed, fails the Nth xWrite, xSync,
 * xTruncate or xOpen (counted across every file) with a full disk or an
 * I/O error, with the errno SQLite reads back through xGetLastError, or
 * corrupts what xRead returns from a main database file. Registered as
 * the default VFS, so the code under test needs no hook. Header-only:
 * include it in one test file. */
#ifndef AVSLUT_FAULTVFS_H
#define AVSLUT_FAULTVFS_H

#include <errno.h>
#include <string.h>

#include <sqlite3.h>

enum fault_op { FAULT_WRITE = 1, FAULT_SYNC = 2, FAULT_TRUNCATE = 4,
	FAULT_OPEN = 8 };
enum fault_kind {
	FAULT_FULL,		/* SQLITE_FULL, as unix returns for ENOSPC */
	FAULT_IOERR_ENOSPC,	/* an I/O error with ENOSPC underneath */
	FAULT_IOERR_EIO,	/* an I/O error with EIO underneath */
	FAULT_CANTOPEN_ENOSPC,	/* xOpen: SQLITE_CANTOPEN, errno ENOSPC */
};

static struct {
	sqlite3_vfs vfs;
	sqlite3_vfs *real;
	int ops;		/* FAULT_* mask counted */
	long nth;		/* fail the nth counted call (1-based); 0 off */
	long calls;		/* counted calls so far */
	int sticky;		/* keep failing after the nth */
	enum fault_kind kind;
	int last_errno;
	long fired;		/* how many calls were failed */
	int corrupt;		/* corrupt main-db reads past byte 100 */
} fv;

struct fault_file {
	sqlite3_file base;
	int main_db;
	sqlite3_file *real;	/* follows this struct */
};

/* Should this call of op fail? */
static int
fault_hit(int op)
{
	if (fv.nth == 0 || !(fv.ops & op))
		return 0;
	fv.calls++;
	if (fv.calls == fv.nth || (fv.sticky && fv.calls > fv.nth)) {
		fv.fired++;
		return 1;
	}
	return 0;
}

static int
fault_io_rc(int ioerr)
{
	switch (fv.kind) {
	case FAULT_FULL:
		errno = fv.last_errno = ENOSPC;
		return SQLITE_FULL;
	case FAULT_IOERR_ENOSPC:
		errno = fv.last_errno = ENOSPC;
		return ioerr;
	case FAULT_IOERR_EIO:
	default:
		errno = fv.last_errno = EIO;
		return ioerr;
	}
}

#define FF(f) (((struct fault_file *)(f))->real)

static int
fault_close(sqlite3_file *f)
{
	int rc = FF(f)->pMethods != NULL ? FF(f)->pMethods->xClose(FF(f)) :
	    SQLITE_OK;

	return rc;
}

static int
fault_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	int rc = FF(f)->pMethods->xRead(FF(f), p, n, off);
	unsigned char *b = p;
	sqlite3_int64 i;

	if (fv.corrupt && ((struct fault_file *)f)->main_db &&
	    rc == SQLITE_OK) {
		for (i = off < 100 ? 100 - off : 0; i < n; i++)
			b[i] ^= 0x5a;
	}
	return rc;
}

static int
fault_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	if (fault_hit(FAULT_WRITE))
		return fault_io_rc(SQLITE_IOERR_WRITE);
	return FF(f)->pMethods->xWrite(FF(f), p, n, off);
}

static int
fault_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	if (fault_hit(FAULT_TRUNCATE))
		return fault_io_rc(SQLITE_IOERR_TRUNCATE);
	return FF(f)->pMethods->xTruncate(FF(f), size);
}

static int
fault_sync(sqlite3_file *f, int flags)
{
	if (fault_hit(FAULT_SYNC))
		return fault_io_rc(SQLITE_IOERR_FSYNC);
	return FF(f)->pMethods->xSync(FF(f), flags);
}

static int
fault_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return FF(f)->pMethods->xFileSize(FF(f), size);
}

static int
fault_lock(sqlite3_file *f, int l)
{
	return FF(f)->pMethods->xLock(FF(f), l);
}

static int
fault_unlock(sqlite3_file *f, int l)
{
	return FF(f)->pMethods->xUnlock(FF(f), l);
}

static int
fault_check_lock(sqlite3_file *f, int *out)
{
	return FF(f)->pMethods->xCheckReservedLock(FF(f), out);
}

static int
fault_fcntl(sqlite3_file *f, int op, void *arg)
{
	return FF(f)->pMethods->xFileControl(FF(f), op, arg);
}

static int
fault_sector(sqlite3_file *f)
{
	return FF(f)->pMethods->xSectorSize(FF(f));
}

static int
fault_devchar(sqlite3_file *f)
{
	return FF(f)->pMethods->xDeviceCharacteristics(FF(f));
}

static int
fault_shm_map(sqlite3_file *f, int pg, int sz, int ext, void volatile **pp)
{
	return FF(f)->pMethods->xShmMap(FF(f), pg, sz, ext, pp);
}

static int
fault_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return FF(f)->pMethods->xShmLock(FF(f), off, n, flags);
}

static void
fault_shm_barrier(sqlite3_file *f)
{
	FF(f)->pMethods->xShmBarrier(FF(f));
}

static int
fault_shm_unmap(sqlite3_file *f, int del)
{
	return FF(f)->pMethods->xShmUnmap(FF(f), del);
}

static int
fault_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	/* No memory-mapped reads: every read goes through fault_read. */
	(void)f;
	(void)off;
	(void)n;
	*pp = NULL;
	return SQLITE_OK;
}

static int
fault_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	(void)f;
	(void)off;
	(void)p;
	return SQLITE_OK;
}

static const sqlite3_io_methods fault_methods = {
	3, fault_close, fault_read, fault_write, fault_truncate, fault_sync,
	fault_size, fault_lock, fault_unlock, fault_check_lock, fault_fcntl,
	fault_sector, fault_devchar, fault_shm_map, fault_shm_lock,
	fault_shm_barrier, fault_shm_unmap, fault_fetch, fault_unfetch,
};

static int
fault_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out)
{
	struct fault_file *ff = (struct fault_file *)f;
	int rc;

	(void)vfs;
	ff->base.pMethods = NULL;
	ff->real = (sqlite3_file *)(ff + 1);
	ff->main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
	if (fault_hit(FAULT_OPEN)) {
		errno = fv.last_errno = fv.kind == FAULT_IOERR_EIO ? EIO :
		    ENOSPC;
		return SQLITE_CANTOPEN;
	}
	rc = fv.real->xOpen(fv.real, name, ff->real, flags, out);
	if (ff->real->pMethods != NULL)
		ff->base.pMethods = &fault_methods;
	return rc;
}

static int
fault_last_error(sqlite3_vfs *vfs, int n, char *buf)
{
	(void)vfs;
	if (n > 0 && buf != NULL)
		buf[0] = '\0';
	if (fv.last_errno != 0)
		return fv.last_errno;
	return fv.real->xGetLastError(fv.real, n, buf);
}

/* Pass-throughs for the rest. */
static int
fault_delete(sqlite3_vfs *v, const char *n, int s)
{
	(void)v;
	return fv.real->xDelete(fv.real, n, s);
}

static int
fault_access(sqlite3_vfs *v, const char *n, int fl, int *out)
{
	(void)v;
	return fv.real->xAccess(fv.real, n, fl, out);
}

static int
fault_fullpath(sqlite3_vfs *v, const char *n, int len, char *out)
{
	(void)v;
	return fv.real->xFullPathname(fv.real, n, len, out);
}

static int
fault_random(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return fv.real->xRandomness(fv.real, n, out);
}

static int
fault_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return fv.real->xSleep(fv.real, us);
}

static int
fault_time(sqlite3_vfs *v, double *t)
{
	(void)v;
	return fv.real->xCurrentTime(fv.real, t);
}

static int
fault_time64(sqlite3_vfs *v, sqlite3_int64 *t)
{
	(void)v;
	return fv.real->xCurrentTimeInt64(fv.real, t);
}

/* Register the fault VFS as the default (once). */
static void
faultvfs_install(void)
{
	if (fv.real != NULL)
		return;
	fv.real = sqlite3_vfs_find(NULL);
	fv.vfs.iVersion = 2;
	fv.vfs.szOsFile = (int)sizeof(struct fault_file) + fv.real->szOsFile;
	fv.vfs.mxPathname = fv.real->mxPathname;
	fv.vfs.zName = "avslut-fault";
	fv.vfs.xOpen = fault_open;
	fv.vfs.xDelete = fault_delete;
	fv.vfs.xAccess = fault_access;
	fv.vfs.xFullPathname = fault_fullpath;
	fv.vfs.xRandomness = fault_random;
	fv.vfs.xSleep = fault_sleep;
	fv.vfs.xCurrentTime = fault_time;
	fv.vfs.xGetLastError = fault_last_error;
	fv.vfs.xCurrentTimeInt64 = fault_time64;
	sqlite3_vfs_register(&fv.vfs, 1);
}

/* Fail the nth call (1-based) of the ops in mask with kind; sticky keeps
 * failing every later call too (a disk that stays full). */
static void
faultvfs_arm(int mask, long nth, enum fault_kind kind, int sticky)
{
	fv.ops = mask;
	fv.nth = nth;
	fv.calls = 0;
	fv.fired = 0;
	fv.kind = kind;
	fv.sticky = sticky;
	fv.last_errno = 0;
}

static void
faultvfs_disarm(void)
{
	fv.nth = 0;
	fv.corrupt = 0;
	fv.last_errno = 0;
}

static void
faultvfs_corrupt(int on)
{
	fv.corrupt = on;
}

#endif
