/* slot: the draft-key file beside outbox.db: a fixed array of slots that
 * is only ever overwritten in place (pwrite and fdatasync of the same
 * offsets; never truncated, renamed or grown once created), so that a slot
 * overwritten is gone from the disk, which SQLite pages, WAL frames and
 * renamed files do not promise. No SQLite, no keys: what a slot holds and
 * which slot is whose is the outbox's business (store/outbox.c). */
#ifndef AVSLUT_SLOT_H
#define AVSLUT_SLOT_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define SLOT_FILE "draftkeys" /* in the data directory, 0600 */
#define SLOT_BYTES 128	      /* one slot; the header is one slot too */
#define SLOT_COUNT 255	      /* slots: the file is 32 KiB */
#define SLOT_FILE_BYTES ((SLOT_COUNT + 1) * SLOT_BYTES)
#define SLOT_VERSION 1

struct slot;

/* Open DIR/draftkeys, creating it if missing: the header and every slot
 * filled with random bytes, written under a temporary name, fsynced and
 * linked into place before any key is in it. Refuses (ERR_DATA) a file of
 * another size or with a bad header, and never writes to it. */
int slot_open(const char *dir, struct slot **out, struct err *e);
/* NULL is fine. */
void slot_close(struct slot *s);
/* The file's path, for messages. */
const char *slot_path(const struct slot *s);

/* Read slot i (0 .. SLOT_COUNT - 1) into out. */
int slot_read(struct slot *s, unsigned i, uint8_t out[SLOT_BYTES],
    struct err *e);
/* Overwrite slot i with len bytes of data (at most SLOT_BYTES), the rest
 * random, then fdatasync: on disk when this returns. */
int slot_write(struct slot *s, unsigned i, const void *data, size_t len,
    struct err *e);
/* Overwrite slot i with random bytes, then fdatasync. */
int slot_wipe(struct slot *s, unsigned i, struct err *e);
/* Overwrite with random bytes every slot i with keep[i] == 0, then one
 * fdatasync. A slot kept is not written at all. */
int slot_wipe_all_but(struct slot *s, const uint8_t keep[SLOT_COUNT],
    struct err *e);

#endif
