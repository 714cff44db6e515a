/* central: central.db, HR's SQLite store: opening and refusing, schema
 * migrations, the file-system check, settling (below), and the helpers
 * the other parts share (central_int.h). The envelopes are in
 * central_env.c, their digest and key file in central_digest.c, forms,
 * interviewers, the log, turnover, HME and releases in central_hr.c. */

/*
 * No order of arrival (issue 11). Whoever can read central.db or a backup
 * of it must not learn in which order, or in which batches, envelopes
 * came: with an interviewer's schedule that would tie an envelope to an
 * interview. Two things are needed.
 *
 * Inline envelopes. An envelope bigger than about a quarter of a page
 * spills into overflow pages, which SQLite appends in order of arrival:
 * sorting envelopes by page gave the exact ingest order. At 16 KiB pages
 * (CENTRAL_PAGE_SIZE) an envelope of up to three pad blocks sits in its
 * leaf cell. Stores made with 4 KiB pages are converted once, on the
 * first writable open that has the file to itself (central_relayout).
 *
 * A page order that is a function of the set. Even inline, a b-tree
 * remembers history: leaves split off to the end of the file, freed
 * pages are reused in order, and within a page new cells are placed
 * below older ones. After every ingest and purge the store is rewritten
 * with VACUUM: every table in key order into fresh pages, so that the
 * file's layout depends only on what it holds (the envelopes by their
 * random ids), never on when or in which bundle it came. VACUUM in WAL
 * mode is one atomic write transaction: readers keep their snapshot, a
 * concurrent ingest waits on the lock (BEGIN IMMEDIATE, busy timeout), a
 * kill leaves the old file or the new one. A row in store_meta says
 * "unsettled" between an ingest's commit and its VACUUM; a writable
 * open that finds it (a killed ingest) settles the store first. Its value
 * is a generation, so that a settle only clears the mark it has covered.
 *
 * Why not VACUUM INTO a new file and rename it over central.db? The -wal
 * and -shm files are found by name: a dashboard that keeps the old file
 * open would share them with the new one, and a writer that opened the
 * old file would commit into an unlinked inode. In-place VACUUM has the
 * same result without either hazard.
 *
 * Cost: VACUUM reads and writes the whole store (about 1.1 KiB per
 * envelope: 110 MiB at 100 000), plus the WAL copy and its checkpoint,
 * whatever the size of the bundle. A drop folder of many bundles is
 * settled once per run (central_settle after the last ingest). Measured
 * figures are in avslut-hr(1) and tests/bench/RESULTS.md. The cheaper
 * schemes considered leave a trace: inserting in random order within a
 * bundle hides order inside the bundle but not the bundle; reusing
 * random free pages is not something SQLite lets a program choose.
 */
#include "store/central.h"

#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "store/central_int.h"
#include "store/db.h"

#include "util/crash.h"
#include "util/fsx.h"
#include "util/i18n.h"
#include "util/paths.h"
#include "util/xmem.h"

/* Schema steps; step i brings user_version from i to i + 1. The envelopes
 * table holds the random id and the sealed bytes and nothing else: no
 * arrival time, no batch, no sender, and no rowid that would keep the
 * order of arrival. */
static const char *const central_schema[CENTRAL_SCHEMA_VERSION] = {
	"CREATE TABLE envelopes ("
	"  id BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),"
	"  data BLOB NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE forms ("
	"  hash BLOB PRIMARY KEY NOT NULL CHECK (length(hash) = 32),"
	"  form_id TEXT NOT NULL,"
	"  version INTEGER NOT NULL CHECK (version >= 1),"
	"  yaml TEXT NOT NULL,"
	"  UNIQUE (form_id, version)"
	") WITHOUT ROWID;"
	"CREATE TABLE interviewers ("
	"  pk BLOB PRIMARY KEY NOT NULL CHECK (length(pk) = 32),"
	"  label TEXT NOT NULL DEFAULT '',"
	"  revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))"
	") WITHOUT ROWID;"
	"CREATE TABLE units ("
	"  code TEXT PRIMARY KEY NOT NULL,"
	"  name TEXT NOT NULL,"
	"  area TEXT NOT NULL DEFAULT ''"
	") WITHOUT ROWID;"
	"CREATE TABLE turnover ("
	"  unit TEXT NOT NULL,"
	"  year INTEGER NOT NULL,"
	"  headcount REAL NOT NULL CHECK (headcount >= 0),"
	"  leavers INTEGER NOT NULL CHECK (leavers >= 0),"
	"  PRIMARY KEY (unit, year)"
	") WITHOUT ROWID;"
	"CREATE TABLE hme ("
	"  unit TEXT NOT NULL,"
	"  year INTEGER NOT NULL,"
	"  hme REAL, motivation REAL, ledarskap REAL, styrning REAL,"
	"  PRIMARY KEY (unit, year)"
	") WITHOUT ROWID;"
	"CREATE TABLE access_log ("
	"  seq INTEGER PRIMARY KEY,"
	"  time INTEGER NOT NULL,"
	"  user TEXT NOT NULL,"
	"  what TEXT NOT NULL"
	");",
	/* 2: the frozen releases of closed years (report/release.h). */
	"CREATE TABLE releases ("
	"  year INTEGER NOT NULL,"
	"  revision INTEGER NOT NULL CHECK (revision >= 1),"
	"  date TEXT NOT NULL,"
	"  interviews INTEGER NOT NULL,"
	"  mapdigest TEXT NOT NULL,"
	"  blob BLOB NOT NULL,"
	"  PRIMARY KEY (year, revision)"
	") WITHOUT ROWID;",
	/* 3: the store's own small facts: "unsettled" (see above) and the
	 * envelope-set digest. Pages become 16 KiB in central_relayout. */
	"CREATE TABLE store_meta ("
	"  key TEXT PRIMARY KEY NOT NULL,"
	"  value BLOB"
	") WITHOUT ROWID;",
	/* 4: the MAC of the interviewer set (central_step makes it). */
	"DELETE FROM store_meta WHERE key = 'interviewers';",
	/* 5: of the leavers, the retirements and the moves to another unit
	 * of the region (the turnover import's optional columns; NULL where
	 * a file did not give them, as for every row stored before). */
	"ALTER TABLE turnover ADD COLUMN retirements REAL"
	"  CHECK (retirements >= 0);"
	"ALTER TABLE turnover ADD COLUMN internal_moves REAL"
	"  CHECK (internal_moves >= 0);",
	/* 6: the ids alone (about 2 MB at 100 000 envelopes beside the
	 * 110 MB of the table), so that the record cache reads the id set
	 * (central_env_id_foreach: SQLite scans this covering index)
	 * without reading every envelope's page. VACUUM rebuilds it in id
	 * order with the table: it keeps no order of arrival either. */
	"CREATE INDEX envelopes_ids ON envelopes (id);",
};
_Static_assert(sizeof central_schema / sizeof central_schema[0] ==
	CENTRAL_SCHEMA_VERSION,
    "one schema step per version");

/* Network file systems by statfs f_type (linux/magic.h and the kernel
 * sources), so the check needs no kernel headers and runs anywhere. */
static const struct {
	unsigned long magic;
	const char *name;
} central_netfs[] = {
	{ 0x6969UL, "NFS" },
	{ 0x517bUL, "SMB" },
	{ 0xff534d42UL, "SMB/CIFS" },
	{ 0xfe534d42UL, "SMB2" },
	{ 0x01021997UL, "9p" },
	{ 0x65735546UL, "FUSE (such as sshfs)" },
	{ 0x564cUL, "NCP (NetWare)" },
	{ 0x5346414fUL, "AFS" },
	{ 0x6b414653UL, "kAFS" },
	{ 0x73757245UL, "Coda" },
	{ 0x00c36400UL, "Ceph" },
	{ 0x01161970UL, "GFS2" },
	{ 0x7461636fUL, "OCFS2" },
	{ 0x0bd00bd0UL, "Lustre" },
	{ 0x20030528UL, "OrangeFS" },
	{ 0x786f4256UL, "VirtualBox shared folder" },
	{ 0x47504653UL, "GPFS" },
};

const char *
central_fs_magic(unsigned long f_type)
{
	size_t i;

	/* f_type is signed on some ABIs: compare the low 32 bits. */
	f_type &= 0xffffffffUL;
	for (i = 0; i < sizeof central_netfs / sizeof central_netfs[0]; i++)
		if (central_netfs[i].magic == f_type)
			return central_netfs[i].name;
	return NULL;
}

int
central_fs_refuse(unsigned long f_type, const char *path, struct err *e)
{
	const char *name = central_fs_magic(f_type);

	if (name == NULL)
		return 0;
	err_setc(e, ERR_IO,
	    _("%s is on a network file system (%s), where "
	      "SQLite's WAL "
	      "mode cannot work safely: keep central.db on a local disk and "
	      "send bundles through a drop folder (sync --to dir:/path) or "
	      "over ssh (sync --to ssh://host/path)"),
	    path, name);
	return -1;
}

int
central_fs_check(const char *path, struct err *e)
{
	char *copy = xstrdup(path);
	const char *dir = dirname(copy);
	struct statfs sf;

	if (statfs(dir, &sf) == -1) {
		err_setc(e, ERR_IO, _("cannot check the file system of %s: %s"),
		    dir, strerror(errno));
		free(copy);
		return -1;
	}
	free(copy);
	return central_fs_refuse((unsigned long)sf.f_type, path, e);
}

char *
central_default_path(void)
{
	char *dir = paths_data_dir("avslut-hr");
	char *p = paths_join(dir, "central.db");

	free(dir);
	return p;
}

/* Turn the connection's last SQLite error into a classed message (see
 * db_fail); returns -1. */
int
cs_sqlerr(const struct central *c, const char *doing, struct err *e)
{
	struct err tmp;

	if (e == NULL)
		e = &tmp;
	db_fail(c->d, doing, e);
	return -1;
}

int
cs_exec(struct central *c, const char *sql, const char *doing, struct err *e)
{
	struct err tmp;

	if (e == NULL)
		e = &tmp;
	return db_exec(c->d, sql, doing, e) == 0 ? 0 : -1;
}

int
cs_prepare(struct central *c, sqlite3_stmt **st, const char *sql,
    const char *doing, struct err *e)
{
	struct err tmp;

	if (e == NULL)
		e = &tmp;
	return db_prepare(c->d, st, sql, doing, e) == 0 ? 0 : -1;
}

/* One integer from a one-row query (a PRAGMA or a count). */
int
cs_int(struct central *c, const char *sql, int64_t *v, struct err *e)
{
	struct err tmp;

	if (e == NULL)
		e = &tmp;
	return db_int(c->d, sql, v, "cannot read", e) == 0 ? 0 : -1;
}

void
cs_rollback(struct central *c)
{
	db_rollback(c->d);
}

static const struct db_schema central_db_schema = { .app_id = CENTRAL_APP_ID,
	.version = CENTRAL_SCHEMA_VERSION,
	.steps = central_schema,
	.what = N_("an avslut central store"),
	.program = "avslut-hr",
	.notours_hint = N_("check the --db path"),
	.damaged_hint = N_("restore it from a backup"),
	.step_fn = central_step };

/* Create the file 0600 (and its directory 0700) before SQLite sees it,
 * so it never exists with the umask's mode. */
static int
central_create_file(const char *path, struct err *e)
{
	char *copy = xstrdup(path);
	int fd, rc = 0;

	if (fsx_mkdir_p(dirname(copy), 0700, e) != 0)
		rc = -1;
	free(copy);
	if (rc != 0)
		return rc;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1 && errno != EEXIST) {
		int saved = errno;
		if (saved == ENOSPC || saved == EDQUOT) {
			err_setc(e, ERR_FULL,
			    _("cannot create %s: the disk "
			      "holding it is full: free some space on it, then "
			      "try again"),
			    path);
			return -1;
		}
		err_setc(e,
		    saved == EACCES || saved == EROFS || saved == EPERM ?
			ERR_PERM :
			ERR_IO,
		    _("cannot create %s: %s"), path, strerror(saved));
		return -1;
	}
	if (fd != -1)
		close(fd);
	return 0;
}

/* Convert a store made with another page size (4 KiB before schema 3).
 * WAL mode cannot change the page size, so the store goes to a rollback
 * journal, is rewritten at the new size, and comes back; VACUUM under a
 * rollback journal is atomic too. That needs the file to itself: while
 * another program has it open, it stays as it is until a later open. */
static int
central_relayout(struct central *c, struct err *e)
{
	int64_t ps;
	int rc, mode;

	if ((rc = central_int(c, "PRAGMA page_size", &ps, e)) != 0)
		return rc;
	if (ps == CENTRAL_PAGE_SIZE)
		return 0;
	sqlite3_busy_timeout(c->db, 0);
	mode = db_journal_mode(c->d, "delete", e);
	sqlite3_busy_timeout(c->db, BUSY_MS);
	if (mode != 0) {
		if (mode > 0 || (e != NULL && e->cls == ERR_BUSY))
			return 0; /* in use: next time */
		return -1;
	}
	rc = central_exec(c, "PRAGMA page_size = 16384; VACUUM",
	    "cannot "
	    "convert the store to 16 KiB pages (VACUUM)",
	    e);
	_Static_assert(CENTRAL_PAGE_SIZE == 16384, "the SQL above");
	if (db_journal_mode(c->d, "wal", rc == 0 ? e : NULL) != 0 && rc == 0)
		rc = -1;
	return rc;
}

int
central_open(struct central **out, const char *path, int flags, struct err *e)
{
	struct central *c;
	struct stat st;
	int rc;

	*out = NULL;
	c = xcalloc(1, sizeof *c);
	c->path = path != NULL ? xstrdup(path) : central_default_path();
	c->rdonly = (flags & CENTRAL_RDONLY) != 0;
	if (stat(c->path, &st) == -1) {
		if (errno != ENOENT || !(flags & CENTRAL_CREATE) || c->rdonly) {
			rc = -1;
			if (errno == ENOENT)
				err_setc(e, ERR_NOINPUT,
				    _("there is no "
				      "central store at %s "
				      "yet: register a form or an interviewer "
				      "first (avslut-hr forms add, interviewers "
				      "add), or check --db"),
				    c->path);
			else
				err_setc(e, ERR_IO, _("cannot open %s: %s"),
				    c->path, strerror(errno));
			goto fail;
		}
		if ((rc = central_create_file(c->path, e)) != 0)
			goto fail;
	} else if (!S_ISREG(st.st_mode)) {
		err_setc(e, ERR_DATA,
		    _("%s is not an avslut central store "
		      "(not a regular "
		      "file): check the --db path"),
		    c->path);
		rc = -1;
		goto fail;
	}
	if ((rc = central_fs_check(c->path, e)) != 0)
		goto fail;
	if (db_open(&c->d, c->path, &central_db_schema,
		&(struct db_opts){ .flags = c->rdonly ? DB_RDONLY : 0,
		    .busy_ms = BUSY_MS,
		    .page_size = CENTRAL_PAGE_SIZE },
		e) != 0) {
		rc = -1;
		goto fail;
	}
	c->db = db_handle(c->d);
	if (!c->rdonly &&
	    ((rc = central_relayout(c, e)) != 0 ||
		(rc = central_settle(c, e)) != 0))
		goto fail;
	c->verify = (flags & CENTRAL_VERIFY) != 0;
	if ((flags & CENTRAL_VERIFY) && (rc = central_verify(c, e)) != 0)
		goto fail;
	*out = c;
	return 0;
fail:
	central_close(c);
	return rc;
}

void
central_close(struct central *c)
{
	if (c == NULL)
		return;
	if (c->unsettled)
		(void)central_settle(c, NULL);
	db_close(c->d);
	if (c->dkey != NULL)
		sodium_free(c->dkey);
	free(c->path);
	free(c);
}

/* The grandchild of central_close_detached: no terminal, no pipe of the
 * caller's (an ssh session ends when its pipes close), no descriptor of
 * the caller's; a writable open settles the store. */
static void
central_settle_child(const char *path)
{
	struct central *c;
	struct err e;
	long fd, max;
	int nul;

	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if ((nul = open("/dev/null", O_RDWR)) != -1) {
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
	}
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		(void)close((int)fd);
	crash_point("settle-detached");
	if (central_open(&c, path, 0, &e) == 0)
		central_close(c);
}

int
central_close_detached(struct central *c)
{
	char *path;
	pid_t pid;
	int st;

	if (c == NULL)
		return 0;
	if (!c->unsettled) {
		central_close(c);
		return 0;
	}
	/* The mark stays in store_meta: whatever happens to the child, the
	 * next writable open settles the store. */
	c->unsettled = 0;
	path = xstrdup(c->path);
	central_close(c);
	fflush(NULL);
	if ((pid = fork()) == -1) {
		/* no process to spare: settle here */
		struct central *c2;
		struct err e;

		if (central_open(&c2, path, 0, &e) == 0)
			central_close(c2);
		free(path);
		return -1;
	}
	if (pid == 0) {
		/* a session of its own, and an orphan: init reaps it */
		(void)setsid();
		if (fork() == 0) {
			central_settle_child(path);
			_exit(0);
		}
		_exit(0);
	}
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	free(path);
	return 0;
}

const char *
central_path(const struct central *c)
{
	return c->path;
}

void
central_set_busy_timeout(struct central *c, int ms)
{
	sqlite3_busy_timeout(c->db, ms);
}

/* Inside a write transaction: the store holds changes that VACUUM has
 * not yet laid out (see "No order of arrival"). */
int
cs_mark_unsettled(struct central *c, const char *doing, struct err *e)
{
	int rc;

	rc = central_exec(c,
	    "INSERT INTO store_meta (key, value) VALUES "
	    "('unsettled', 1) ON CONFLICT (key) DO UPDATE SET value = "
	    "value + 1",
	    doing, e);
	if (rc == 0)
		c->unsettled = 1;
	return rc;
}

int
central_settle(struct central *c, struct err *e)
{
	const char *doing = "cannot rewrite the store in id order (VACUUM)";
	sqlite3_stmt *st;
	int64_t gen;
	int rc, s;

	if ((rc = central_prepare(c, &st,
		 "SELECT value FROM store_meta "
		 "WHERE key = 'unsettled'",
		 doing, e)) != 0)
		return rc;
	s = sqlite3_step(st);
	gen = s == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		rc = central_sqlerr(c, doing, e);
	sqlite3_finalize(st);
	if (rc != 0 || s == SQLITE_DONE) {
		if (rc == 0)
			c->unsettled = 0;
		return rc;
	}
	c->vouch.ok = 0; /* every page rewritten: check again */
	if ((rc = central_exec(c, "VACUUM", doing, e)) != 0)
		return rc;
	/* Clear only the mark this VACUUM covered: an ingest that
	 * committed meanwhile has raised it and settles again. */
	if ((rc = central_exec(c, "BEGIN IMMEDIATE", doing, e)) != 0)
		return rc;
	if ((rc = central_prepare(c, &st,
		 "DELETE FROM store_meta WHERE "
		 "key = 'unsettled' AND value = ?",
		 doing, e)) == 0) {
		sqlite3_bind_int64(st, 1, gen);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = central_sqlerr(c, doing, e);
		sqlite3_finalize(st);
	}
	if (rc == 0)
		rc = central_exec(c, "COMMIT", doing, e);
	if (rc != 0) {
		central_rollback(c);
		return rc;
	}
	c->unsettled = 0;
	/* The WAL still holds the ingest's pages in the order they were
	 * written: truncate it. A reader that holds an old snapshot can
	 * keep it from finishing: then the next settle or open does it. */
	s = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
	    NULL, NULL);
	if (s != SQLITE_OK && (s & 0xff) != SQLITE_BUSY &&
	    (s & 0xff) != SQLITE_LOCKED)
		return central_sqlerr(c, "cannot checkpoint the WAL", e);
	return 0;
}
