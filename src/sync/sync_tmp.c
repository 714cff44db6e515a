/* sync_tmp: the temporary files of sync, export, receipt and ingest, and
 * the one rule that removes them after a kill: each kind has one owner,
 * and that owner's next run sweeps what a killed run left behind. */
#include "sync/sync.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/i18n.h"
#include "util/xmem.h"

/* "XXXXXX" as mkstemp fills it: six letters or digits. */
static int
sync_tmp_six(const char *s)
{
	size_t i;

	for (i = 0; i < 6; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9')))
			return 0;
	}
	return s[6] == '\0';
}

int
sync_tmp_is_receipt(const char *name, const char *base)
{
	size_t n = strlen(name), b;

	if (name[0] != '.' || n < 8)
		return 0;
	if (base != NULL) { /* ".BASE.XXXXXX" */
		b = strlen(base);
		return n == b + 8 && strncmp(name + 1, base, b) == 0 &&
		    name[b + 1] == '.' && sync_tmp_six(name + b + 2);
	}
	/* ".NAME.receipt.XXXXXX" in a drop folder */
	return n > 1 + 9 + 7 && strncmp(name + n - 15, ".receipt.", 9) == 0 &&
	    sync_tmp_six(name + n - 6);
}

int
sync_tmp_is_bundle(const char *name, const char *unused)
{
	(void)unused;
	return strlen(name) == 14 && strncmp(name, ".bundle-", 8) == 0 &&
	    sync_tmp_six(name + 8);
}

int
sync_tmp_is_atomic(const char *name, const char *unused)
{
	size_t n = strlen(name);

	(void)unused;
	return n > 11 && strncmp(name + n - 11, ".tmp.", 5) == 0 &&
	    sync_tmp_six(name + n - 6);
}

int
sync_tmp_hold(int fd)
{
	struct stat st;

	/* A sweeper may have found the file between its creation and this
	 * lock, taken it as stale and unlinked it: wait for its lock, then
	 * look. A share without locks (some SMB or NFS set-ups) answers
	 * with an error: there only the age tells a stale file. */
	if (flock(fd, LOCK_EX) == -1)
		return 0;
	return fstat(fd, &st) == 0 && st.st_nlink == 0;
}

/* Is path a temporary file nobody alive writes? Ours (same owner), a
 * regular file, at least min_age seconds old, and no live writer's lock
 * on it (sync_tmp_hold). Without locks on this file system, an hour. */
static int
sync_tmp_stale(const char *path, time_t min_age)
{
	struct stat st;
	time_t now = time(NULL);
	int fd, stale = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == geteuid() && now - st.st_mtime >= min_age) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			stale = 1;
		else if (errno != EWOULDBLOCK && errno != EINTR)
			stale = now - st.st_mtime >= 3600;
	}
	close(fd);
	return stale;
}

size_t
sync_tmp_sweep(const char *dir, int (*match)(const char *, const char *),
    const char *arg, time_t min_age)
{
	struct dirent *de;
	size_t n = 0;
	char *p;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (!match(de->d_name, arg))
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (sync_tmp_stale(p, min_age) && unlink(p) == 0)
			n++;
		free(p);
	}
	closedir(d);
	return n;
}

int
sync_errno(struct err *e, int errnum, const char *fmt, ...)
{
	char what[ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (errnum == ENOSPC || errnum == EDQUOT)
		return err_setc(e, ERR_FULL,
		    _("%s: the disk is full (%s): free "
		      "some space on it, then try again"),
		    what, strerror(errnum));
	if (errnum == EACCES || errnum == EPERM || errnum == EROFS)
		return err_setc(e, ERR_PERM, "%s: %s", what, strerror(errnum));
	return err_setc(e, ERR_IO, "%s: %s", what, strerror(errnum));
}

int
sync_fail(struct err *e, enum err_class cls)
{
	if (e != NULL && e->cls == ERR_SOFTWARE)
		e->cls = cls;
	return -1;
}
