/* faultshim: an LD_PRELOAD library for tests/e2e/test_faults.py, never
 * installed (built by the test itself: the programs in tests/tools are built by
 * make).
 * It counts the write, pwrite, writev, fsync and fdatasync calls a
 * program makes on regular files and fails the Nth of them:
 *   FAULT_AT=N           fail call N (1-based); 0 or unset: only count
 *   FAULT_ERRNO=EIO      fail call N alone (a transient I/O error), or
 *   FAULT_ERRNO=ENOSPC   fail call N and every later one (a full disk)
 *   FAULT_ERRNO=POWER    at call N, undo every write made since the last
 *                        fsync or fdatasync of its file, then SIGKILL:
 *                        what a power cut would leave on the disk, as far
 *                        as file contents go (renames and unlinks done
 *                        before call N stay; the -shm map is not undone,
 *                        nothing reads it after a reboot anyway)
 *   FAULT_COUNT_FILE=F   write the number of calls to F at exit
 * Writes to pipes and terminals (messages, a receipt on stdout) are
 * neither counted nor failed. */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <dlfcn.h>
#include <limits.h>
#include <signal.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long fault_at, fault_count;
static int fault_errno = EIO, fault_ready, fault_off, fault_power;

/* POWER: what each write since its file's last fsync overwrote. */
struct undo {
	dev_t dev;
	ino_t ino;
	char path[PATH_MAX];
	off_t off, oldsize;
	size_t len;			/* bytes of old that existed */
	unsigned char *old;
};
static struct undo *undo;
static size_t nundo, capundo;

static void
fault_setup(void)
{
	const char *s;

	if (fault_ready)
		return;
	fault_ready = 1;
	s = getenv("FAULT_AT");
	fault_at = s != NULL ? atol(s) : 0;
	s = getenv("FAULT_ERRNO");
	if (s != NULL && strcmp(s, "ENOSPC") == 0)
		fault_errno = ENOSPC;
	if (s != NULL && strcmp(s, "POWER") == 0)
		fault_power = 1;
}

/* Remember what a write of n bytes at off (-1: the fd's offset) will
 * overwrite in fd's file. */
static void
undo_note(int fd, off_t off, size_t n)
{
	struct stat st;
	struct undo *u;
	char link[64];
	ssize_t got;
	int rfd = fd, flags;

	if (!fault_power || fault_off || fstat(fd, &st) == -1 ||
	    !S_ISREG(st.st_mode))
		return;
	flags = fcntl(fd, F_GETFL);
	if (off < 0)
		off = (flags != -1 && (flags & O_APPEND)) ? st.st_size :
		    lseek(fd, 0, SEEK_CUR);
	if (nundo == capundo) {
		capundo = capundo ? capundo * 2 : 64;
		undo = realloc(undo, capundo * sizeof *undo);
		if (undo == NULL)
			abort();
	}
	u = &undo[nundo++];
	memset(u, 0, sizeof *u);
	u->dev = st.st_dev;
	u->ino = st.st_ino;
	u->off = off;
	u->oldsize = st.st_size;
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	got = readlink(link, u->path, sizeof u->path - 1);
	u->path[got > 0 ? got : 0] = '\0';
	if (off >= st.st_size)
		return;
	u->len = (size_t)(st.st_size - off) < n ?
	    (size_t)(st.st_size - off) : n;
	u->old = malloc(u->len);
	if (u->old == NULL)
		abort();
	if ((flags & O_ACCMODE) == O_WRONLY)
		rfd = open(link, O_RDONLY | O_CLOEXEC);
	got = rfd == -1 ? -1 : pread(rfd, u->old, u->len, off);
	if (rfd != fd && rfd != -1)
		close(rfd);
	if (got != (ssize_t)u->len)
		u->len = 0;		/* cannot tell: leave it */
}

/* fsync: that file's writes are on the disk now. */
static void
undo_forget(int fd)
{
	struct stat st;
	size_t i, j;

	if (!fault_power || fstat(fd, &st) == -1)
		return;
	for (i = j = 0; i < nundo; i++) {
		if (undo[i].dev == st.st_dev && undo[i].ino == st.st_ino)
			free(undo[i].old);
		else
			undo[j++] = undo[i];
	}
	nundo = j;
}

/* The power goes: every write not yet fsynced is undone, newest first. */
static void
undo_all_and_die(void)
{
	struct stat st;
	size_t i;
	int fd;

	fault_off = 1;
	for (i = nundo; i-- > 0;) {
		struct undo *u = &undo[i];

		if (u->path[0] != '/' ||
		    (fd = open(u->path, O_WRONLY | O_CLOEXEC)) == -1)
			continue;
		if (fstat(fd, &st) == 0 && st.st_dev == u->dev &&
		    st.st_ino == u->ino) {
			if (u->len > 0)
				(void)pwrite(fd, u->old, u->len, u->off);
			(void)ftruncate(fd, u->oldsize);
		}
		close(fd);
	}
	kill(getpid(), SIGKILL);
	_exit(137);
}

/* Count this call; 1 if it must fail (errno set). */
static int
fault_hit(int fd)
{
	struct stat st;
	int saved = errno;

	fault_setup();
	if (fault_off || fd < 0 || fstat(fd, &st) == -1 ||
	    !S_ISREG(st.st_mode)) {
		errno = saved;
		return 0;
	}
	fault_count++;
	errno = saved;
	if (fault_at <= 0)
		return 0;
	if (fault_power) {
		if (fault_count == fault_at)
			undo_all_and_die();
		return 0;
	}
	if (fault_count == fault_at || (fault_errno == ENOSPC &&
	    fault_count > fault_at)) {
		errno = fault_errno;
		return 1;
	}
	return 0;
}

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*pwrite64_fn)(int, const void *, size_t, off64_t);
typedef ssize_t (*writev_fn)(int, const struct iovec *, int);
typedef int (*fsync_fn)(int);
typedef int (*fdatasync_fn)(int);

#define REAL(name) \
	static name##_fn real_##name; \
	if (real_##name == NULL) \
		real_##name = (name##_fn)dlsym(RTLD_NEXT, #name)

ssize_t
write(int fd, const void *buf, size_t n)
{
	REAL(write);
	if (fault_hit(fd))
		return -1;
	undo_note(fd, -1, n);
	return real_write(fd, buf, n);
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	REAL(pwrite);
	if (fault_hit(fd))
		return -1;
	undo_note(fd, off, n);
	return real_pwrite(fd, buf, n, off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
	REAL(pwrite64);
	if (fault_hit(fd))
		return -1;
	undo_note(fd, (off_t)off, n);
	return real_pwrite64(fd, buf, n, off);
}

ssize_t
writev(int fd, const struct iovec *iov, int n)
{
	size_t total = 0;
	int i;

	REAL(writev);
	if (fault_hit(fd))
		return -1;
	for (i = 0; i < n; i++)
		total += iov[i].iov_len;
	undo_note(fd, -1, total);
	return real_writev(fd, iov, n);
}

int
fsync(int fd)
{
	int rc;

	REAL(fsync);
	if (fault_hit(fd))
		return -1;
	if ((rc = real_fsync(fd)) == 0)
		undo_forget(fd);
	return rc;
}

int
fdatasync(int fd)
{
	int rc;

	REAL(fdatasync);
	if (fault_hit(fd))
		return -1;
	if ((rc = real_fdatasync(fd)) == 0)
		undo_forget(fd);
	return rc;
}

__attribute__((destructor)) static void
fault_report(void)
{
	const char *out = getenv("FAULT_COUNT_FILE");
	FILE *f;

	fault_off = 1;
	if (out == NULL || (f = fopen(out, "w")) == NULL)
		return;
	fprintf(f, "%ld\n", fault_count);
	fclose(f);
}
