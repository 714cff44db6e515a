/* faultshim: an LD_PRELOAD library for tests/e2e/test_faults.py, never
 * installed (built by the test itself: the programs in tests/tools are built by
 * make).
 * It counts the write, pwrite, writev, fsync and fdatasync calls a
 * program makes on regular files and fails the Nth of them:
 *   FAULT_AT=N           fail call N (1-based); 0 or unset: only count
 *   FAULT_ERRNO=EIO      fail call N alone (a transient I/O error), or
 *   FAULT_ERRNO=ENOSPC   fail call N and every later one (a full disk)
 *   FAULT_COUNT_FILE=F   write the number of calls to F at exit
 * Writes to pipes and terminals (messages, a receipt on stdout) are
 * neither counted nor failed. */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long fault_at, fault_count;
static int fault_errno = EIO, fault_ready, fault_off;

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
	return real_write(fd, buf, n);
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	REAL(pwrite);
	if (fault_hit(fd))
		return -1;
	return real_pwrite(fd, buf, n, off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
	REAL(pwrite64);
	if (fault_hit(fd))
		return -1;
	return real_pwrite64(fd, buf, n, off);
}

ssize_t
writev(int fd, const struct iovec *iov, int n)
{
	REAL(writev);
	if (fault_hit(fd))
		return -1;
	return real_writev(fd, iov, n);
}

int
fsync(int fd)
{
	REAL(fsync);
	if (fault_hit(fd))
		return -1;
	return real_fsync(fd);
}

int
fdatasync(int fd)
{
	REAL(fdatasync);
	if (fault_hit(fd))
		return -1;
	return real_fdatasync(fd);
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
