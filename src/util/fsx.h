/* fsx: the few file-system operations everything shares: private
 * directories, bounded reads and crash-safe atomic writes. */
#ifndef AVSLUT_FSX_H
#define AVSLUT_FSX_H

#include <stddef.h>

#include "util/err.h"

/* Create dir and its parents with mode (0700 for private data). Existing
 * directories are left as they are. */
int fsx_mkdir_p(const char *dir, unsigned mode, struct err *e);
/* Refuse dir (which must exist) as a home for key files when another
 * user owns it or others may write to it: they could swap the files in it
 * (hr.pub, interviewer.pub) or plant links. */
int fsx_dir_safe(const char *dir, struct err *e);
/* Read a whole regular file of at most max bytes into a NUL-terminated
 * buffer (the NUL is not counted in *len). Caller frees. */
int fsx_read_file(const char *path, size_t max, char **buf, size_t *len,
    struct err *e);
/* Write data to path atomically: a temporary file in the same directory
 * with mode, fsync, rename, fsync of the directory. With excl, fail if
 * path exists. A path that is a device, a pipe, a socket or a directory
 * is refused (ERR_EXISTS), never replaced. */
int fsx_write_atomic(const char *path, const void *data, size_t len,
    unsigned mode, int excl, struct err *e);
/* Write all n bytes to fd (again after EINTR and short writes). On
 * failure e says "WHAT: the disk is full (...): free some space on it,
 * then try again" (ERR_FULL) or "WHAT: strerror" (ERR_IO). The one
 * write loop of the programs. */
int fsx_write_all(int fd, const void *p, size_t n, const char *what,
    struct err *e);
/* fsync the directory holding path. */
int fsx_sync_dir_of(const char *path, struct err *e);
/* 1 if path exists (any type). */
int fsx_exists(const char *path);

#endif
