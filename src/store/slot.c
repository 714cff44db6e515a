/* slot: the draft-key file, a fixed array of slots overwritten in place.
 * The format is in avslut(1) FILES; why it exists, in SECURITY
 * CONSIDERATIONS there and in store/outbox.c. */
#include "store/slot.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/fsx.h"
#include "util/i18n.h"
#include "util/paths.h"
#include "util/xmem.h"

/*
 * Header (the first SLOT_BYTES), integers big-endian:
 *   MAGIC "avslutDK"(8) VERSION(4) SLOT_BYTES(4) SLOT_COUNT(4) zero(92)
 *   CHECK(16) = unkeyed BLAKE2b-128 of the 112 bytes before it.
 * Then SLOT_COUNT slots of SLOT_BYTES. A slot not in use holds random
 * bytes, so the file does not tell how many drafts there are. The header
 * is written once, at creation; after that only slots are written, each
 * at its own offset, whole.
 */
#define MAGIC "avslutDK"
#define CHECK_AT (SLOT_BYTES - 16)

_Static_assert(SLOT_COUNT <= 65535, "slot numbers fit the schema");

struct slot {
	int fd;
	char *path;
};

static void
make_header(uint8_t h[SLOT_BYTES])
{
	memset(h, 0, SLOT_BYTES);
	memcpy(h, MAGIC, 8);
	buf_store_u32(h + 8, SLOT_VERSION);
	buf_store_u32(h + 12, SLOT_BYTES);
	buf_store_u32(h + 16, SLOT_COUNT);
	crypto_generichash(h + CHECK_AT, 16, h, CHECK_AT, NULL, 0);
}

/* A new file: header and random slots, in place under its final name only
 * once complete and on disk (link, so two processes cannot both create
 * it). Renaming is harmless here: no key has been written yet. */
static int
create(const char *path, struct err *e)
{
	uint8_t *img = xmalloc(SLOT_FILE_BYTES);
	int rc;

	make_header(img);
	randombytes_buf(img + SLOT_BYTES, SLOT_FILE_BYTES - SLOT_BYTES);
	rc = fsx_write_atomic(path, img, SLOT_FILE_BYTES, 0600, 1, e);
	free(img);
	if (rc == -1 && fsx_exists(path))
		return 0; /* another avslut made it first */
	if (rc == -1)
		err_reclass(e, ERR_IO);
	return rc;
}

static int
damaged(struct slot *s, const char *why, struct err *e)
{
	return err_setc(e, ERR_DATA,
	    _("%s is not a valid draft-key file (%s): move it away; the "
	      "drafts in progress cannot be opened without it, sealed "
	      "interviews are not affected"),
	    s->path, why);
}

static int
check_header(struct slot *s, struct err *e)
{
	uint8_t h[SLOT_BYTES], want[SLOT_BYTES];
	ssize_t n;

	n = pread(s->fd, h, sizeof h, 0);
	if (n == -1)
		return err_setc(e, ERR_IO, _("cannot read %s: %s"), s->path,
		    strerror(errno));
	if (n != (ssize_t)sizeof h || memcmp(h, MAGIC, 8) != 0)
		return damaged(s, _("no header"), e);
	if (buf_load_u32(h + 8) != SLOT_VERSION)
		return damaged(s, _("unknown version"), e);
	make_header(want);
	if (sodium_memcmp(h, want, SLOT_BYTES) != 0)
		return damaged(s, _("the header does not check"), e);
	return 0;
}

int
slot_open(const char *dir, struct slot **out, struct err *e)
{
	struct slot *s = xcalloc(1, sizeof *s);
	struct stat st;

	*out = NULL;
	s->fd = -1;
	s->path = paths_join(dir, SLOT_FILE);
	if (!fsx_exists(s->path) && create(s->path, e) == -1)
		goto fail;
	s->fd = open(s->path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (s->fd == -1) {
		err_setc(e,
		    errno == EACCES || errno == EROFS || errno == EPERM ?
			ERR_PERM :
			ERR_IO,
		    _("cannot open %s: %s: it must be a writable file"),
		    s->path, strerror(errno));
		goto fail;
	}
	if (fstat(s->fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		err_setc(e, ERR_DATA, _("%s is not a regular file"), s->path);
		goto fail;
	}
	if ((st.st_mode & 077) != 0 && fchmod(s->fd, 0600) == -1) {
		err_setc(e, ERR_PERM,
		    _("%s is readable by others and cannot "
		      "be made private: %s"),
		    s->path, strerror(errno));
		goto fail;
	}
	if (st.st_size != SLOT_FILE_BYTES) {
		damaged(s, _("wrong size"), e);
		goto fail;
	}
	if (check_header(s, e) == -1)
		goto fail;
	*out = s;
	return 0;
fail:
	slot_close(s);
	return -1;
}

void
slot_close(struct slot *s)
{
	if (s == NULL)
		return;
	if (s->fd != -1)
		close(s->fd);
	free(s->path);
	free(s);
}

const char *
slot_path(const struct slot *s)
{
	return s->path;
}

static off_t
offset_of(unsigned i)
{
	return (off_t)(i + 1) * SLOT_BYTES;
}

static int
io_err(struct slot *s, int saved, struct err *e)
{
	if (saved == ENOSPC || saved == EDQUOT)
		return err_setc(e, ERR_FULL,
		    _("cannot write %s: the disk is "
		      "full: free some space on it, then try again"),
		    s->path);
	return err_setc(e, ERR_IO, _("cannot write %s: %s"), s->path,
	    strerror(saved));
}

/* pwrite all of buf at off (no sync). */
static int
put(struct slot *s, const uint8_t *buf, size_t len, off_t off, struct err *e)
{
	size_t done = 0;
	ssize_t w;

	while (done < len) {
		w = pwrite(s->fd, buf + done, len - done, off + (off_t)done);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return io_err(s, w == 0 ? EIO : errno, e);
		done += (size_t)w;
	}
	return 0;
}

static int
sync_data(struct slot *s, struct err *e)
{
	if (fdatasync(s->fd) == -1)
		return io_err(s, errno, e);
	return 0;
}

int
slot_read(struct slot *s, unsigned i, uint8_t out[SLOT_BYTES], struct err *e)
{
	ssize_t n;

	if (i >= SLOT_COUNT)
		return err_setc(e, ERR_DATA, _("%s: no slot %u"), s->path, i);
	do
		n = pread(s->fd, out, SLOT_BYTES, offset_of(i));
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return err_setc(e, ERR_IO, _("cannot read %s: %s"), s->path,
		    strerror(errno));
	if (n != SLOT_BYTES)
		return damaged(s, _("cut short"), e);
	return 0;
}

int
slot_write(struct slot *s, unsigned i, const void *data, size_t len,
    struct err *e)
{
	uint8_t buf[SLOT_BYTES];
	int rc;

	if (i >= SLOT_COUNT || len > SLOT_BYTES)
		return err_setc(e, ERR_SOFTWARE,
		    _("%s: no slot %u of %zu bytes"), s->path, i, len);
	if (len > 0)
		memcpy(buf, data, len);
	randombytes_buf(buf + len, SLOT_BYTES - len);
	rc = put(s, buf, SLOT_BYTES, offset_of(i), e);
	sodium_memzero(buf, sizeof buf);
	if (rc == -1)
		return -1;
	return sync_data(s, e);
}

int
slot_wipe(struct slot *s, unsigned i, struct err *e)
{
	return slot_write(s, i, NULL, 0, e);
}

int
slot_wipe_all_but(struct slot *s, const uint8_t keep[SLOT_COUNT], struct err *e)
{
	uint8_t buf[SLOT_COUNT * SLOT_BYTES];
	unsigned i, j;

	/* Runs of slots not kept, one pwrite each: a kept slot's bytes are
	 * never rewritten, not even with themselves. */
	for (i = 0; i < SLOT_COUNT; i = j) {
		if (keep[i]) {
			j = i + 1;
			continue;
		}
		for (j = i; j < SLOT_COUNT && !keep[j]; j++)
			;
		randombytes_buf(buf, (size_t)(j - i) * SLOT_BYTES);
		if (put(s, buf, (size_t)(j - i) * SLOT_BYTES, offset_of(i),
			e) == -1)
			return -1;
	}
	return sync_data(s, e);
}
