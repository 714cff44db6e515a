/* sync: moving sealed envelopes from the laptop's outbox to HR: the DEST
 * forms, the three transports (path, drop folder, ssh) and receipts. */
#ifndef AVSLUT_SYNC_H
#define AVSLUT_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/err.h"

/* A function that can fail returns 0 or -1 and fills e with a class
 * (util/err.h), which cli maps to the exit status: ERR_USAGE a bad DEST
 * or option; ERR_IO (ERR_FULL, ERR_PERM) local I/O; ERR_UNAVAILABLE a
 * host unknown or unreachable, or no avslut-hr there; ERR_PERM an ssh
 * login or host key refused; ERR_BUSY no progress for too long; ERR_DATA
 * a receipt that does not parse; central.db's own class at a path DEST.
 * When HR's ingest over ssh fails, its exit status comes back too
 * (sync_ssh_send's remote_status, sync_result's remote_status). Every
 * failure leaves the outbox as it was. */

/* The largest receipt HR can send: one (id, hash) per envelope of the
 * largest bundle (100 000), and room for the header and checksum. */
#define SYNC_RECEIPT_MAX ((size_t)100000 * (16 + 32) + 4096)

enum sync_kind {
	SYNC_PATH, /* central.db on a local disk, opened directly */
	SYNC_DIR,  /* "dir:/path": a drop folder, bundles and receipts */
	SYNC_SSH,  /* "ssh://[user@]host[:port][/path]": remote ingest */
};

struct sync_dest {
	enum sync_kind kind;
	char *path;    /* central.db, the folder, or the remote db ("" =
			 * the remote default; "~/x" = x in the home) */
	char *user;    /* ssh: NULL = the ssh configuration's */
	char *host;    /* ssh: name or address, brackets removed */
	unsigned port; /* ssh: 0 = the ssh configuration's */
};

/* Parse DEST. Refuses an empty DEST, a host or user that could be taken
 * for an ssh option, control characters anywhere, and a port outside
 * 1..65535. A local path or folder starting "~/" is taken from $HOME
 * (the config's sync.to is not expanded by a shell). Fills *d
 * (sync_dest_free it). */
int sync_dest_parse(struct sync_dest *d, const char *s, struct err *e);
void sync_dest_free(struct sync_dest *d);
/* DEST back as text, for messages (caller frees). */
char *sync_dest_str(const struct sync_dest *d);

/* The command line the ssh transport asks the remote shell to run:
 * remote_command (a trailing " -" dropped) then " --db 'PATH' -", or
 * remote_command unchanged when the DEST names no path. Caller frees. */
char *sync_ssh_command(const struct sync_dest *d, const char *remote_command);

/* One exchange with a child process: in_len bytes read from in_fd
 * (from its current offset) go to the child's stdin, its stdout is
 * collected (at most out_max bytes). */
struct sync_exchange {
	const char *const *argv; /* argv[0] looked up in PATH */
	int in_fd;
	size_t in_len;
	size_t out_max;
	unsigned idle_timeout; /* seconds without any progress */
	/* Called as bytes go out; may be NULL. */
	void (*progress)(void *arg, size_t done, size_t total);
	void *progress_arg;
	/* Results. */
	uint8_t *out; /* caller frees */
	size_t out_len;
	char errtail[1024]; /* the child's last stderr bytes */
	int status;	    /* waitpid status */
	int exec_failed;    /* argv[0] could not be run */
};
/* Run it. 0 once the child has ended (whatever its status: the caller
 * judges it), -1 with ERR_BUSY after the child had to be killed for
 * making no progress, ERR_DATA when it sent more than out_max, ERR_IO if
 * it could not start or its pipes failed. Honours the crash point
 * sync-mid-transfer (half the input written). */
int sync_exchange_run(struct sync_exchange *x, struct err *e);

/* The ssh transport: runs ssh_program (a program name, or a shell
 * command line when it holds a space) with BatchMode and the user's own
 * ssh configuration, sends in_len bytes of the bundle from in_fd and
 * returns the receipt bytes HR's ingest printed (caller frees). Failures
 * get the classes above with a message that says what to do; when HR's
 * ingest ran and failed, *remote_status (may be NULL) gets its exit
 * status (1..254; e's class is what that status means in sysexits, else
 * ERR_SOFTWARE) and is left alone otherwise. AVSLUT_SYNC_TIMEOUT
 * (seconds) overrides the idle timeout. */
int sync_ssh_send(const struct sync_dest *d, const char *ssh_program,
    const char *remote_command, int in_fd, size_t in_len,
    void (*progress)(void *, size_t, size_t), void *progress_arg,
    uint8_t **receipt, size_t *receipt_len, int *remote_status, struct err *e);

/* --- one sync, export and receipt (sync_run.c) --- */

struct outbox;
struct bundle_ack;

struct sync_opts {
	const struct sync_dest *dest;
	const char *data_dir;	    /* the laptop's: temp files, lock */
	const char *ssh_program;    /* NULL: "ssh" */
	const char *remote_command; /* NULL: "avslut-hr ingest -" */
	const uint8_t *sign_sk;	    /* 64-byte Ed25519 secret key; NULL:
				 * a drop folder only applies receipts */
	const uint8_t *sign_pk;	    /* its 32-byte public half */
	size_t min;		    /* send only with this many new */
	/* done/total as a fraction of the transfer; may be NULL. */
	void (*progress)(void *arg, size_t done, size_t total);
	void *progress_arg;
};

struct sync_result {
	size_t waiting;	     /* in the outbox before */
	size_t sent;	     /* envelopes sent this time */
	size_t confirmed;    /* removed on HR's receipts */
	size_t added;	     /* new in central.db (path transport) */
	size_t pending;	     /* drop folder: in a bundle there, no receipt */
	size_t refused;	     /* acks whose hash did not match: kept */
	size_t bad_receipts; /* drop folder: receipts that do not parse,
				 * left in place; note says the first */
	char note[ERR_MAX];
	int held;	   /* fewer than min new: nothing sent */
	int remote_status; /* HR's ingest over ssh failed: its exit
				 * status; else 0 */
};

/* Take the laptop's sync lock (DIR/sync.lock, flock): one sync, export
 * or receipt at a time. Returns the lock's fd, or -1 with e set. */
int sync_lock(const char *data_dir, struct err *e);
void sync_unlock(int fd);

/* One sync: the waiting envelopes as a bundle signed with sign_sk, sent
 * through the DEST's transport, and those HR's receipt confirms (id and
 * hash) removed from the outbox. The drop folder first applies the
 * receipts HR's ingest left for this laptop's earlier bundles, and sends
 * only envelopes no earlier bundle there still carries. Records the time
 * (OUTBOX_META_LAST_SYNC) when something moved. On any failure the
 * outbox is as it was. Crash points: sync-before-transfer,
 * sync-mid-transfer, sync-after-ack-before-remove, sync-mid-remove. */
int sync_run(struct outbox *ob, const struct sync_opts *o,
    struct sync_result *r, struct err *e);
/* avslut export: every waiting envelope as a signed bundle in file
 * (which must not exist), fsynced, then marked exported. *n: how many
 * (0: nothing waits, no file written). o->min is the caller's to check. */
int sync_export(struct outbox *ob, const struct sync_opts *o, const char *file,
    size_t *n, struct err *e);
/* Remove every envelope whose id and hash the receipt lists; the rest
 * stay. r->confirmed and r->refused say what happened; when refused is
 * not 0, e holds the first reason. */
int sync_apply_acks(struct outbox *ob, const struct bundle_ack *acks, size_t n,
    struct sync_result *r, struct err *e);
/* avslut receipt: read a receipt file and apply it. */
int sync_receipt_file(struct outbox *ob, const char *file,
    struct sync_result *r, struct err *e);

/* --- temporary files (sync_tmp.c) ---
 *
 * Every temporary file has one owner whose next run removes what a
 * killed run left (man avslut-bundle(5), FILES):
 *   laptop data dir  ".bundle-XXXXXX" (sync), "NAME.tmp.XXXXXX" (profile
 *                    writes): swept by sync, export and receipt under the
 *                    sync lock;
 *   drop folder      ".TAG-HEX.bundle.tmp" (sync: its own tag),
 *                    ".NAME.receipt.XXXXXX" (ingest);
 *   beside FILE      "FILE.tmp.HEX" (export: remembered in the outbox),
 *                    ".FILE.XXXXXX" (ingest --receipt FILE).
 * A file is stale when it is ours (same owner), at least min_age seconds
 * old and no live writer holds its lock (sync_tmp_hold). */

/* Name tests for sync_tmp_sweep: ".NAME.receipt.XXXXXX" (base NULL) or
 * ".BASE.XXXXXX"; ".bundle-XXXXXX"; "NAME.tmp.XXXXXX". */
int sync_tmp_is_receipt(const char *name, const char *base);
int sync_tmp_is_bundle(const char *name, const char *unused);
int sync_tmp_is_atomic(const char *name, const char *unused);
/* The writer's lock on a temporary file it just created; 1 when a
 * sweep removed the file before the lock was taken (make another). */
int sync_tmp_hold(int fd);
/* Remove the stale files of dir whose names match(name, arg); returns
 * how many went. Errors are silent: a sweep never fails a run. */
size_t sync_tmp_sweep(const char *dir,
    int (*match)(const char *name, const char *arg), const char *arg,
    time_t min_age);

/* Fill e for a failed system call: "what: reason", classed ERR_FULL with
 * what to do when errnum is ENOSPC or EDQUOT, ERR_PERM for EACCES,
 * EPERM and EROFS, else ERR_IO. Returns -1. */
int sync_errno(struct err *e, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Give e the class cls unless the module that filled it gave it one
 * (a class other than ERR_SOFTWARE): for the failures of what sync calls
 * (outbox, bundle, central), whose own class decides. Returns -1. */
int sync_fail(struct err *e, enum err_class cls);

#endif
