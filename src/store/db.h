/* db: the one SQLite base under every store (central.db, outbox.db):
 * opening with the pragmas every store needs, the application id,
 * user_version migrations, prepared-statement helpers, and SQLite's
 * results mapped to the error classes of util/err.h. Only src/store/
 * includes this header: no SQL and no sqlite3 handle outside store/.
 *
 * Adding a schema version (the whole mechanism):
 *   1. append one SQL string to the store's steps[] array; steps[i] takes
 *      user_version i to i + 1 (steps are never edited once released);
 *   2. raise the store's version constant (CENTRAL_SCHEMA_VERSION, ...),
 *      which a _Static_assert ties to the array's length;
 *   3. if the step must also move data in C, handle "to == N" in the
 *      store's db_schema.step_fn.
 * db_open runs every missing step, then sets application_id and
 * user_version, in one BEGIN IMMEDIATE transaction that looks at the
 * version again once it holds the lock (another process may have
 * migrated meanwhile): a crash leaves the old version or the new one,
 * never half. A file from a newer program is refused (ERR_DATA). */
#ifndef AVSLUT_DB_H
#define AVSLUT_DB_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "util/err.h"

struct db;

/* What a store is, for the checks and messages of db_open. */
struct db_schema {
	uint32_t app_id;	  /* PRAGMA application_id */
	int version;		  /* user_version this program writes */
	const char *const *steps; /* version strings: see above */
	/* Optional: C work after steps[to - 1], inside the transaction. */
	int (*step_fn)(struct db *d, int to, struct err *e);
	const char *what;	  /* "an avslut central store" */
	const char *program;	  /* "avslut-hr": what to update */
	const char *notours_hint; /* "check the --db path" */
	const char *damaged_hint; /* "restore it from a backup" */
};

#define DB_RDONLY \
	0x1		/* read-only: no pragma writes, no migration;
				 * an empty file is refused */
#define DB_NOFOLLOW 0x2 /* refuse a symbolic link */
#define DB_EXCLUSIVE \
	0x4 /* locking_mode=EXCLUSIVE: one connection at
				 * a time, the WAL index in heap memory (no
				 * -shm file is mapped: no SIGBUS on a full
				 * disk) */
#define DB_TEMP_MEMORY \
	0x8 /* temp_store=MEMORY: sorts never spill to
				 * $TMPDIR */

/* How to open. Every writable store gets journal_mode=WAL,
 * synchronous=FULL, secure_delete=ON, foreign_keys=ON, and every
 * connection SQLITE_DBCONFIG_DEFENSIVE, no trusted schema and extended
 * result codes. The kind of setting one store needs (exclusive locking
 * for the laptop's outbox) is a flag here, so it has one home. */
struct db_opts {
	int flags;     /* DB_* */
	int busy_ms;   /* busy timeout; 0 = 5000 */
	int page_size; /* for a new, empty file; 0: SQLite's */
};

/* Open path (which must exist: the store creates it 0600 first). Refuses
 * another program's file, a newer schema and an unwritable file
 * (unless DB_RDONLY), sets an empty file up and migrates an older one.
 * Returns 0 or -1 with e's class set. */
int db_open(struct db **out, const char *path, const struct db_schema *s,
    const struct db_opts *o, struct err *e);
/* Close (NULL is fine). Does not checkpoint: the store decides. */
void db_close(struct db *d);
sqlite3 *db_handle(const struct db *d);
const char *db_path(const struct db *d);
/* 1 if db_open set up an empty file (a new store), else 0. */
int db_created(const struct db *d);

/* Fill e from the connection's last error (or from rc, a result code
 * just returned), classed: BUSY and LOCKED are ERR_BUSY; FULL, and IOERR
 * or CANTOPEN with ENOSPC or EDQUOT underneath, are ERR_FULL ("the disk
 * holding PATH is full"); CORRUPT and NOTADB ERR_DATA; READONLY, PERM
 * and CANTOPEN for permission ERR_PERM; other IOERR and CANTOPEN ERR_IO;
 * anything else ERR_SOFTWARE. doing ("cannot store the bundle") starts
 * the message. Returns -1. */
int db_fail(struct db *d, const char *doing, struct err *e);
int db_fail_rc(struct db *d, int rc, const char *doing, struct err *e);

/* sqlite3_exec without callbacks; -1 and db_fail on error. */
int db_exec(struct db *d, const char *sql, const char *doing, struct err *e);
/* Prepare sql (*st is NULL on failure). */
int db_prepare(struct db *d, sqlite3_stmt **st, const char *sql,
    const char *doing, struct err *e);
/* Step a statement that must finish (SQLITE_DONE); resets it. */
int db_step_done(struct db *d, sqlite3_stmt *st, const char *doing,
    struct err *e);
/* The one integer of a one-row query (a PRAGMA, a count). */
int db_int(struct db *d, const char *sql, int64_t *v, const char *doing,
    struct err *e);
/* The rows of sql as one array of elements of size bytes, each filled by
 * row (which returns 0 to skip the row, holding nothing); on an error
 * *out is NULL, *n 0, clear has freed what each element held, and e
 * starts with doing. Free the array with db_rows_free. */
int db_rows(struct db *d, const char *sql, const char *doing, size_t size,
    int (*row)(sqlite3_stmt *st, void *elem), void (*clear)(void *elem),
    void **out, size_t *n, struct err *e);
/* Free an array of n elements of size bytes, clear freeing what each
 * holds. */
void db_rows_free(void *rows, size_t n, size_t size, void (*clear)(void *elem));
/* A copy of column col's blob (at least 1 byte allocated; caller frees),
 * its length in *len. */
uint8_t *db_column_dup(sqlite3_stmt *st, int col, size_t *len);
/* BEGIN IMMEDIATE, COMMIT; db_rollback is silent and harmless outside a
 * transaction. */
int db_begin(struct db *d, const char *doing, struct err *e);
int db_commit(struct db *d, const char *doing, struct err *e);
void db_rollback(struct db *d);
/* Set PRAGMA journal_mode to mode ("wal", "delete"): 0 if it took, 1 if
 * SQLite kept another (the file is in use), -1 on an error. */
int db_journal_mode(struct db *d, const char *mode, struct err *e);
/* Checkpoint the WAL and truncate it to nothing. */
int db_checkpoint(struct db *d, const char *doing, struct err *e);

#endif
