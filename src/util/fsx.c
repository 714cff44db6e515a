/* fsx: private directories, bounded reads, atomic writes. */
#include "util/fsx.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/i18n.h"
#include "util/xmem.h"

int
fsx_mkdir_p(const char *dir, unsigned mode, struct err *e)
{
	char *p, *s;
	struct stat st;
	int rc = 0;

	/* An empty name is no directory (and p + 1 would be past its end). */
	if (dir[0] == '\0')
		return err_setc(e, ERR_USAGE,
		    _("cannot create a directory "
		      "with an empty name: name one"));
	p = xstrdup(dir);
	for (s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, (mode_t)mode) == -1 && errno != EEXIST) {
			rc = err_setc(e,
			    err_class_errno(errno) == ERR_FULL ? ERR_FULL :
								 ERR_IO,
			    _("cannot create directory %s: %s"), p,
			    strerror(errno));
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	if (rc == 0 && (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)))
		rc = err_setc(e, ERR_IO, _("%s is not a directory"), dir);
	free(p);
	return rc;
}

int
fsx_dir_safe(const char *dir, struct err *e)
{
	struct stat st;

	if (stat(dir, &st) == -1)
		return err_setc(e, ERR_IO, _("cannot use directory %s: %s"),
		    dir, strerror(errno));
	if (st.st_uid != geteuid())
		return err_setc(e, ERR_PERM,
		    _("%s belongs to another user: "
		      "refusing to keep keys there; choose a directory of your "
		      "own"),
		    dir);
	if ((st.st_mode & 022) != 0)
		return err_setc(e, ERR_PERM,
		    _("%s can be written by other "
		      "users (mode %03o): refusing to keep keys there; run "
		      "chmod 700 %s"),
		    dir, (unsigned)(st.st_mode & 0777), dir);
	return 0;
}

int
fsx_read_file(const char *path, size_t max, char **buf, size_t *len,
    struct err *e)
{
	struct stat st;
	char *b;
	size_t n = 0;
	ssize_t r;
	int fd;

	/* O_NONBLOCK: opening a FIFO must not hang before fstat refuses it. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return err_setc(e, err_class_errno(errno),
		    _("cannot open %s: %s"), path, strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_setc(e, ERR_DATA, _("%s is not a regular file"),
		    path);
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == -1) {
		close(fd);
		return err_setc(e, ERR_IO, _("cannot read %s: %s"), path,
		    strerror(errno));
	}
	if ((unsigned long long)st.st_size > max) {
		close(fd);
		return err_setc(e, ERR_DATA,
		    _("%s is too large (%lld bytes, "
		      "at most %zu)"),
		    path, (long long)st.st_size, max);
	}
	b = xmalloc((size_t)st.st_size + 1);
	/* The file may grow while we read; never read past its stat size. */
	for (;;) {
		size_t cap = (size_t)st.st_size;
		if (n == cap)
			break;
		r = read(fd, b + n, cap - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			int saved = errno;
			/* It may hold part of a passphrase file. */
			xfree_wipe(b, n);
			close(fd);
			return err_setc(e, ERR_IO, _("cannot read %s: %s"),
			    path, strerror(saved));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int
fsx_write_all(int fd, const void *p, size_t n, const char *what, struct err *e)
{
	const char *b = p;
	ssize_t w;

	while (n > 0) {
		w = write(fd, b, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && err_class_errno(errno) == ERR_FULL)
			return err_setc(e, ERR_FULL,
			    _("%s: the disk is full "
			      "(%s): free some space on it, then try again"),
			    what, strerror(errno));
		if (w == -1)
			return err_setc(e, ERR_IO, "%s: %s", what,
			    strerror(errno));
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

int
fsx_sync_dir_of(const char *path, struct err *e)
{
	char *copy = xstrdup(path);
	int fd, rc = 0;

	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1 || fsync(fd) == -1)
		rc = err_setc(e,
		    err_class_errno(errno) == ERR_FULL ? ERR_FULL : ERR_IO,
		    _("cannot sync directory of %s: %s"), path,
		    strerror(errno));
	if (fd != -1)
		close(fd);
	free(copy);
	return rc;
}

int
fsx_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
    int excl, struct err *e)
{
	char *tmp = xasprintf("%s.tmp.XXXXXX", path);
	const char *p = data;
	struct stat st;
	size_t off = 0;
	ssize_t w;
	int fd, saved;

	if (excl && fsx_exists(path)) {
		free(tmp);
		return err_setc(e, ERR_EXISTS, _("%s already exists"), path);
	}
	/* The rename would put a file in the place of a device, a pipe or
	 * a directory's entry (run as root, --out /dev/null would replace
	 * the machine's /dev/null): refused. A symbolic link is replaced,
	 * not followed, as before. */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
	    !S_ISLNK(st.st_mode)) {
		free(tmp);
		return err_setc(e, ERR_EXISTS,
		    _("%s is not a regular file (a device, a pipe, a socket "
		      "or a directory): it is not replaced; give the name of a "
		      "file"),
		    path);
	}
	for (;;) {
		if ((fd = mkstemp(tmp)) == -1) {
			saved = errno;
			free(tmp);
			return err_setc(e,
			    err_class_errno(saved) == ERR_FULL ? ERR_FULL :
								 ERR_IO,
			    _("cannot create a file next to "
			      "%s: %s"),
			    path, strerror(saved));
		}
		/* Locked while written: a killed writer's temporary file
		 * is swept by avslut's next sync (sync_tmp_sweep) or, for
		 * the HR caches, by avslut-hr's next load (cache_sweep), a
		 * live one's never. Swept before the lock: make another. */
		if (flock(fd, LOCK_EX) == -1 || fstat(fd, &st) == -1 ||
		    st.st_nlink > 0)
			break;
		close(fd);
		memcpy(tmp + strlen(tmp) - 6, "XXXXXX", 6);
	}
	if (fchmod(fd, (mode_t)mode) == -1)
		goto fail;
	while (off < len) {
		w = write(fd, p + off, len - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			goto fail;
		off += (size_t)w;
	}
	if (fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (excl) {
		/* link() fails if path exists: no race with another writer. */
		if (link(tmp, path) == -1)
			goto fail;
		unlink(tmp);
	} else if (rename(tmp, path) == -1)
		goto fail;
	free(tmp);
	return fsx_sync_dir_of(path, e);
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	if (err_class_errno(saved) == ERR_FULL)
		return err_setc(e, ERR_FULL,
		    _("cannot write %s: the disk is "
		      "full: free some space on it, then try again"),
		    path);
	/* link() refuses an existing path: someone was faster. */
	return err_setc(e,
	    err_class_errno(saved) == ERR_NOINPUT ? ERR_IO :
						    err_class_errno(saved),
	    _("cannot write %s: %s"), path, strerror(saved));
}

int
fsx_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}
