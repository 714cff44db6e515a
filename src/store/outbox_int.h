/* outbox_int: what outbox.c (the file, drafts and their keys) and
 * outbox_env.c (submit, envelopes, metadata) share. Internal to
 * src/store; the API is outbox.h. */
#ifndef AVSLUT_OUTBOX_INT_H
#define AVSLUT_OUTBOX_INT_H

#include <sqlite3.h>
#include <stdint.h>

#include "store/db.h"
#include "store/outbox.h"
#include "store/slot.h"

struct outbox {
	struct db *d;
	sqlite3 *db; /* db_handle(d) */
	char *path;
	struct slot *slots; /* DIR/draftkeys: the wrapped draft keys */
};

/* A classed message from the connection's last error (store/db.h). */
static inline int
db_err(struct outbox *ob, struct err *e, const char *what)
{
	return db_fail(ob->d, what, e);
}

static inline int
exec(struct outbox *ob, const char *sql, const char *what, struct err *e)
{
	return db_exec(ob->d, sql, what, e);
}

static inline int
prepare(struct outbox *ob, const char *sql, sqlite3_stmt **st, struct err *e)
{
	return db_prepare(ob->d, st, sql, "cannot prepare a statement", e);
}

/* Run a one-value query such as "SELECT count(*) FROM envelopes". */
static inline int
query_int(struct outbox *ob, const char *sql, sqlite3_int64 *v, struct err *e)
{
	int64_t x;

	if (db_int(ob->d, sql, &x, "cannot read", e) != 0)
		return -1;
	*v = x;
	return 0;
}

/* Shrink the WAL to nothing, so that no older page version (an earlier
 * draft, a deleted key) stays behind in it. */
static inline int
checkpoint(struct outbox *ob, struct err *e)
{
	return db_checkpoint(ob->d, "cannot checkpoint the write-ahead log", e);
}

/* The id in hex, for messages. */
void ob_id_hex(const uint8_t id[OUTBOX_ID_BYTES],
    char out[2 * OUTBOX_ID_BYTES + 1]);
/* "PATH: there is no draft ID" (OB_DRAFT) or "... no envelope ID"
 * (OB_ENVELOPE), ERR_DATA; returns -1. */
enum ob_kind {
	OB_DRAFT,
	OB_ENVELOPE
};
int ob_missing(const struct outbox *ob, enum ob_kind kind,
    const uint8_t id[OUTBOX_ID_BYTES], struct err *e);
/* Run sql, an UPDATE of the row whose id is ?1: 0 if it changed exactly
 * that row, 1 if there is no such row, -1 (doing) on an error. */
int ob_update_id(struct outbox *ob, const char *sql,
    const uint8_t id[OUTBOX_ID_BYTES], const char *doing, struct err *e);
/* Inside a transaction: mark a live draft gone (sealed or deleted). */
int ob_mark_gone(struct outbox *ob, const uint8_t id[OUTBOX_ID_BYTES],
    struct err *e);
/* Forget a draft marked gone: overwrite its slot, delete the row, then
 * truncate the WAL. */
int ob_forget(struct outbox *ob, const uint8_t id[OUTBOX_ID_BYTES],
    struct err *e);

#endif
