/* Unit tests for src/store/central: creating and refusing stores,
 * migrations, ingest with INSERT OR IGNORE, concurrent ingests, forms,
 * interviewers, the access log, the network file-system check, the
 * envelope digest and its one check per open. */
#include "rmtree.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store/bundle.h"
#include "store/central.h"
#include "util/xmem.h"

static uint8_t sk[64], pk[32];
static char dir[64];
static char *dbpath;

static void
rm_db(void)
{
	rmstore(dbpath);
}

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	crypto_sign_keypair(pk, sk);
	strcpy(dir, "/tmp/avslut-tc-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	dbpath = xasprintf("%s/sub/central.db", dir);
	return 0;
}

static int
teardown(void **state)
{
	char *p;

	(void)state;
	sqlite3_reset_auto_extension();
	rm_db();
	p = xasprintf("%s/sub", dir);
	rmdir(p);
	free(p);
	rmdir(dir);
	free(dbpath);
	return 0;
}

static int
each_teardown(void **state)
{
	(void)state;
	rm_db();
	return 0;
}

/* A verified bundle of n envelopes whose ids start at first. */
static void
mk_bundle(struct bundle *b, size_t first, size_t n, const uint8_t *key)
{
	size_t i;

	memset(b, 0, sizeof *b);
	b->envs = xcalloc(n > 0 ? n : 1, sizeof *b->envs);
	b->n = n;
	memcpy(b->signer, key, 32);
	for (i = 0; i < n; i++) {
		size_t k = first + i;

		memcpy(b->envs[i].id, &k, sizeof k);
		b->envs[i].len = 64;
		b->envs[i].data = xmalloc(64);
		memset(b->envs[i].data, (int)(k & 0xff), 64);
	}
}

/* The directory part of path (a static buffer). */
static const char *
dirname_of(const char *path)
{
	static char buf[256];
	char *slash;

	snprintf(buf, sizeof buf, "%s", path);
	if ((slash = strrchr(buf, '/')) != NULL)
		*slash = '\0';
	return buf;
}

static int64_t
pragma(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void
test_create(void **state)
{
	struct central *c;
	struct stat st;
	struct err e;
	char *sub;

	(void)state;
	assert_int_equal(central_open(&c, dbpath, 0, &e), -1);
	assert_int_equal(e.cls, ERR_NOINPUT);
	assert_non_null(strstr(e.msg, "no central store"));
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	assert_string_equal(central_path(c), dbpath);
	central_close(c);
	assert_int_equal(stat(dbpath, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	sub = xasprintf("%s/sub", dir);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	free(sub);
	assert_int_equal(pragma(dbpath, "PRAGMA user_version"),
	    CENTRAL_SCHEMA_VERSION);
	assert_int_equal(pragma(dbpath, "PRAGMA application_id"),
	    CENTRAL_APP_ID);
	assert_int_equal(pragma(dbpath, "SELECT count(*) FROM sqlite_master "
	    "WHERE name = 'envelopes' AND sql LIKE '%WITHOUT ROWID%'"), 1);
	/* The envelopes table holds the id and the bytes: nothing else. */
	assert_int_equal(pragma(dbpath, "SELECT count(*) FROM "
	    "pragma_table_info('envelopes')"), 2);
	/* Reopen, read-only too. */
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	central_close(c);
	assert_int_equal(central_open(&c, dbpath, CENTRAL_RDONLY, &e), 0);
	central_close(c);
}

static void
test_default_path(void **state)
{
	char *p;

	(void)state;
	setenv("AVSLUT_HOME", "/nonexistent/h", 1);
	p = central_default_path();
	assert_string_equal(p, "/nonexistent/h/data/avslut-hr/central.db");
	free(p);
	unsetenv("AVSLUT_HOME");
}

/* 1 if SQLite's plan for sql names what (EXPLAIN QUERY PLAN). */
static int
plan_has(const char *path, const char *sql, const char *what)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *q = xasprintf("EXPLAIN QUERY PLAN %s", sql);
	int found = 0;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		found |= strstr((const char *)sqlite3_column_text(st, 3),
		    what) != NULL;
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(q);
	return found;
}

/* Schema 6: the envelope ids have an index of their own, which the id
 * scan of the record cache reads instead of the table (a store at
 * schema 5 gets it on its next open); the envelopes are read from the
 * table. */
static void
test_id_index(void **state)
{
	static const char ids[] = "SELECT id FROM envelopes ORDER BY id";
	struct central *c;
	struct err e;

	(void)state;
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	central_close(c);
	assert_int_equal(pragma(dbpath, "SELECT count(*) FROM sqlite_master "
	    "WHERE name = 'envelopes_ids'"), 1);
	assert_true(plan_has(dbpath, ids, "COVERING INDEX envelopes_ids"));
	assert_false(plan_has(dbpath, "SELECT id, data FROM envelopes ORDER "
	    "BY id", "envelopes_ids"));
	raw_exec(dbpath, "DROP INDEX envelopes_ids; PRAGMA user_version = 5");
	assert_false(plan_has(dbpath, ids, "envelopes_ids"));
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	central_close(c);
	assert_int_equal(pragma(dbpath, "PRAGMA user_version"), 6);
	assert_true(plan_has(dbpath, ids, "COVERING INDEX envelopes_ids"));
}

/* An empty SQLite file is set up; an older schema would be migrated. */
static void
test_migrate_empty(void **state)
{
	struct central *c;
	struct err e;

	(void)state;
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	central_close(c);
	rm_db();
	raw_exec(dbpath, "PRAGMA user_version = 0");
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	central_close(c);
	assert_int_equal(pragma(dbpath, "PRAGMA user_version"),
	    CENTRAL_SCHEMA_VERSION);
}

static void
test_not_ours(void **state)
{
	struct central *c;
	struct err e;
	FILE *f;

	(void)state;
	/* Someone else's database. */
	raw_exec(dbpath, "CREATE TABLE t (x)");
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e),
	    -1);
	assert_int_equal(e.cls, ERR_DATA);
	assert_non_null(strstr(e.msg, "not an avslut central store"));
	rm_db();
	/* Another avslut database (another application id). */
	raw_exec(dbpath, "PRAGMA application_id = 1094995791; "
	    "PRAGMA user_version = 1; CREATE TABLE t (x)");
	assert_int_equal(central_open(&c, dbpath, 0, &e), -1);
	assert_int_equal(e.cls, ERR_DATA);
	rm_db();
	/* Not a database at all. */
	f = fopen(dbpath, "w");
	assert_non_null(f);
	fputs("this is a text file, long enough to be read as a header "
	    "by SQLite, which will not find its magic string in it at all\n",
	    f);
	fclose(f);
	assert_int_equal(central_open(&c, dbpath, 0, &e), -1);
	assert_int_equal(e.cls, ERR_DATA);
	assert_non_null(strstr(e.msg, "not an avslut central store"));
	rm_db();
	/* A directory. */
	assert_int_equal(mkdir(dbpath, 0700), 0);
	assert_int_equal(central_open(&c, dbpath, 0, &e), -1);
	assert_int_equal(e.cls, ERR_DATA);
	rmdir(dbpath);
}

static void
test_future_schema(void **state)
{
	struct central *c;
	struct err e;

	(void)state;
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	central_close(c);
	raw_exec(dbpath, "PRAGMA user_version = 99");
	assert_int_equal(central_open(&c, dbpath, 0, &e), -1);
	assert_int_equal(e.cls, ERR_DATA);
	assert_non_null(strstr(e.msg, "newer avslut-hr (schema 99"));
}

/* The check itself, run as the owner (0400 file) or, under root, as
 * nobody on a root-owned 0644 file. */
static int
readonly_check(void)
{
	struct central *c;
	struct err e;

	if (central_open(&c, dbpath, 0, &e) != -1 || e.cls != ERR_PERM)
		return 1;
	if (strstr(e.msg, "is read-only") == NULL)
		return 2;
	if (central_open(&c, dbpath, CENTRAL_CREATE, &e) != -1 ||
	    e.cls != ERR_PERM)
		return 3;
	return 0;
}

static void
test_readonly(void **state)
{
	struct central *c;
	struct err e;
	char *sub;
	pid_t pid;
	int st;

	(void)state;
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	central_close(c);
	if (geteuid() != 0) {
		assert_int_equal(chmod(dbpath, 0400), 0);
		assert_int_equal(readonly_check(), 0);
		chmod(dbpath, 0600);
		return;
	}
	sub = xasprintf("%s/sub", dir);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chmod(sub, 0755), 0);
	assert_int_equal(chmod(dbpath, 0644), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(9);
		_exit(readonly_check());
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	chmod(dir, 0700);
	chmod(sub, 0700);
	free(sub);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void
test_locked(void **state)
{
	struct central *c, *c2;
	struct bundle b;
	struct bundle_ack *acks;
	struct err e;
	size_t n, added;
	sqlite3 *db;

	(void)state;
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	assert_int_equal(central_interviewer_add(c, pk, "", &e), 0);
	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_OK);
	central_set_busy_timeout(c, 10);
	mk_bundle(&b, 0, 2, pk);
	assert_int_equal(central_ingest(c, &b, &acks, &n, &added, &e),
	    -1);
	assert_int_equal(e.cls, ERR_BUSY);
	assert_non_null(strstr(e.msg, "is locked by another program"));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(central_ingest(c, &b, &acks, &n, &added, &e), 0);
	free(acks);
	assert_int_equal(central_open(&c2, dbpath, 0, &e), 0);
	central_close(c2);
	bundle_free(&b);
	central_close(c);
}

static void
test_ingest_dedup(void **state)
{
	struct central *c;
	struct bundle b, b2;
	struct bundle_ack *acks;
	struct err e;
	size_t n, added, count, i;
	uint8_t h[32];

	(void)state;
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	assert_int_equal(central_interviewer_add(c, pk, "anna", &e), 0);
	mk_bundle(&b, 0, 10, pk);
	assert_int_equal(central_ingest(c, &b, &acks, &n, &added, &e), 0);
	assert_int_equal(n, 10);
	assert_int_equal(added, 10);
	for (i = 0; i < n; i++) {
		bundle_env_hash(h, b.envs[i].data, b.envs[i].len);
		assert_memory_equal(acks[i].id, b.envs[i].id, 16);
		assert_memory_equal(acks[i].hash, h, 32);
	}
	free(acks);
	/* Again: nothing new, the same acknowledgement. */
	assert_int_equal(central_ingest(c, &b, &acks, &n, &added, &e), 0);
	assert_int_equal(added, 0);
	assert_int_equal(n, 10);
	bundle_env_hash(h, b.envs[3].data, b.envs[3].len);
	assert_memory_equal(acks[3].hash, h, 32);
	free(acks);
	assert_int_equal(central_env_count(c, &count, &e), 0);
	assert_int_equal(count, 10);
	/* An id reused for other bytes: the store keeps the first, and the
	 * acknowledgement carries the hash of what it holds. */
	mk_bundle(&b2, 5, 1, pk);
	memset(b2.envs[0].data, 0xee, 64);
	assert_int_equal(central_ingest(c, &b2, &acks, &n, &added, &e), 0);
	assert_int_equal(added, 0);
	bundle_env_hash(h, b2.envs[0].data, 64);
	assert_memory_not_equal(acks[0].hash, h, 32);
	bundle_env_hash(h, b.envs[5].data, 64);
	assert_memory_equal(acks[0].hash, h, 32);
	free(acks);
	bundle_free(&b2);
	bundle_free(&b);
	central_close(c);
}

/* Two processes ingest at once, partly the same envelopes: both finish
 * and the store holds the union, each envelope once. */
static void
test_concurrent(void **state)
{
	struct central *c;
	struct err e;
	size_t count;
	pid_t pid[2];
	int i, st;

	(void)state;
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	assert_int_equal(central_interviewer_add(c, pk, "", &e), 0);
	central_close(c);
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			struct central *cc;
			struct bundle b;
			struct bundle_ack *a;
			size_t n, added, k;
			int bad = 0;

			/* 8 bundles each: 0..399 and 200..599. */
			for (k = 0; k < 8 && !bad; k++) {
				if (central_open(&cc, dbpath, 0, &e) != 0) {
					bad = 1;
					break;
				}
				mk_bundle(&b, (size_t)i * 200 + k * 50, 50, pk);
				if (central_ingest(cc, &b, &a, &n, &added,
				    &e) != 0 || n != 50)
					bad = 1;
				else
					free(a);
				bundle_free(&b);
				central_close(cc);
			}
			if (bad)
				fprintf(stderr, "child: %s\n", e.msg);
			_exit(bad);
		}
	}
	for (i = 0; i < 2; i++) {
		assert_int_equal(waitpid(pid[i], &st, 0), pid[i]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	assert_int_equal(central_env_count(c, &count, &e), 0);
	assert_int_equal(count, 600);
	central_close(c);
}

/* Two processes creating the same new store at once. */
static void
test_concurrent_create(void **state)
{
	struct central *c;
	struct err e;
	pid_t pid[2];
	int i, st;

	(void)state;
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			int rc = central_open(&c, dbpath, CENTRAL_CREATE, &e);
			if (rc != 0)
				fprintf(stderr, "child: %s\n", e.msg);
			central_close(c);
			_exit(rc != 0);
		}
	}
	for (i = 0; i < 2; i++) {
		assert_int_equal(waitpid(pid[i], &st, 0), pid[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	assert_int_equal(pragma(dbpath, "PRAGMA user_version"),
	    CENTRAL_SCHEMA_VERSION);
}

static void
test_forms(void **state)
{
	struct central *c;
	struct central_form *f;
	struct err e;
	uint8_t h1[32], h2[32];
	char *yaml;
	size_t n, len;

	(void)state;
	memset(h1, 1, 32);
	memset(h2, 2, 32);
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	assert_int_equal(central_form_approved(c, h1, &e), 0);
	assert_int_equal(central_form_add(c, "exit", 1, h1, "id: exit\n", 9,
	    &e), 0);
	assert_int_equal(central_form_add(c, "exit", 1, h1, "id: exit\n", 9,
	    &e), 1);
	assert_int_equal(central_form_add(c, "exit", 1, h2, "id: exit2\n",
	    10, &e), -1);
	assert_int_equal(e.cls, ERR_DATA);
	assert_non_null(strstr(e.msg, "already approved with a different"));
	assert_int_equal(central_form_add(c, "exit", 2, h2, "id: exit2\n",
	    10, &e), 0);
	assert_int_equal(central_form_approved(c, h1, &e), 1);
	assert_int_equal(central_form_list(c, &f, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(f[0].id, "exit");
	assert_int_equal(f[0].version, 1);
	assert_memory_equal(f[1].hash, h2, 32);
	central_form_list_free(f, n);
	assert_int_equal(central_form_yaml(c, h2, &yaml, &len, &e), 0);
	assert_string_equal(yaml, "id: exit2\n");
	assert_int_equal(len, 10);
	free(yaml);
	central_close(c);
}

static void
test_interviewers_and_log(void **state)
{
	struct central *c;
	struct central_interviewer *v;
	struct central_log_entry *l;
	struct err e;
	uint8_t pk2[32];
	size_t n;

	(void)state;
	memset(pk2, 9, 32);
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	assert_int_equal(central_interviewer_status(c, pk, &e), 0);
	assert_int_equal(central_interviewer_add(c, pk, "Anna", &e), 0);
	assert_int_equal(central_interviewer_add(c, pk, "other", &e), 1);
	assert_int_equal(central_interviewer_add(c, pk2, NULL, &e), 0);
	assert_int_equal(central_interviewer_status(c, pk, &e), 1);
	assert_int_equal(central_interviewer_revoke(c, pk, &e), 0);
	assert_int_equal(central_interviewer_revoke(c, pk, &e), 1);
	assert_int_equal(central_interviewer_status(c, pk, &e), 2);
	assert_int_equal(central_interviewer_add(c, pk, "Anna", &e),
	    -1);
	assert_int_equal(e.cls, ERR_DATA);
	memset(pk2, 8, 32);
	assert_int_equal(central_interviewer_revoke(c, pk2, &e), -1);
	assert_int_equal(e.cls, ERR_DATA);
	assert_int_equal(central_interviewer_list(c, &v, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].label, "");
	assert_int_equal(v[0].revoked, 0);
	assert_string_equal(v[1].label, "Anna");
	assert_int_equal(v[1].revoked, 1);
	central_interviewer_list_free(v, n);
	assert_int_equal(central_log(c, "report 2025", &e), 0);
	assert_int_equal(central_log_list(c, &l, &n, &e), 0);
	assert_int_equal(n, 4);
	assert_string_equal(l[0].what, "interviewers add");
	assert_string_equal(l[2].what, "interviewers revoke");
	assert_string_equal(l[3].what, "report 2025");
	assert_true(l[3].time > 1700000000);
	assert_true(strlen(l[3].user) > 0);
	central_log_list_free(l, n);
	central_close(c);
}

static void
test_fs_magic(void **state)
{
	struct err e;

	(void)state;
	assert_string_equal(central_fs_magic(0x6969), "NFS");
	assert_string_equal(central_fs_magic(0xff534d42UL), "SMB/CIFS");
	assert_string_equal(central_fs_magic(0xfe534d42UL), "SMB2");
	assert_string_equal(central_fs_magic(0x517b), "SMB");
	assert_string_equal(central_fs_magic(0x01021997), "9p");
	assert_string_equal(central_fs_magic(0x65735546),
	    "FUSE (such as sshfs)");
	/* A sign-extended f_type (long on some ABIs) still matches. */
	assert_string_equal(central_fs_magic((unsigned long)(long)(int32_t)
	    0xff534d42UL), "SMB/CIFS");
	assert_null(central_fs_magic(0xef53));		/* ext4 */
	assert_null(central_fs_magic(0x01021994));	/* tmpfs */
	assert_null(central_fs_magic(0x58465342));	/* xfs */
	assert_null(central_fs_magic(0x9123683eUL));	/* btrfs */
	assert_null(central_fs_magic(0x794c7630));	/* overlayfs */
	assert_null(central_fs_magic(0x2fc12fc1));	/* zfs */
	assert_int_equal(central_fs_refuse(0xef53, "/x/central.db", &e), 0);
	assert_int_equal(central_fs_refuse(0x6969, "/mnt/hr/central.db", &e),
	    -1);
	assert_int_equal(e.cls, ERR_IO);
	assert_string_equal(e.msg, "/mnt/hr/central.db is on a network file "
	    "system (NFS), where SQLite's WAL mode cannot work safely: keep "
	    "central.db on a local disk and send bundles through a drop "
	    "folder (sync --to dir:/path) or over ssh (sync --to "
	    "ssh://host/path)");
	assert_int_equal(central_fs_refuse(0xff534d42UL, "/s/c.db", &e),
	    -1);
	assert_int_equal(e.cls, ERR_IO);
	assert_non_null(strstr(e.msg, "(SMB/CIFS)"));
	/* The directory this test runs in is local. */
	assert_int_equal(central_fs_check(dbpath, &e), 0);
}

static int
count_env(void *ctx, const uint8_t *id, const uint8_t *data, size_t len)
{
	(void)id;
	(void)data;
	assert_int_equal(len, 64);
	(*(int *)ctx)++;
	return 0;
}

/* The ids a listing gave, in order; a nonzero stop ends it there. */
struct seen_ids {
	uint8_t v[8][BUNDLE_ID_BYTES];
	size_t n, stop;
};

static int
seen_id(void *ctx, const uint8_t *id)
{
	struct seen_ids *l = ctx;

	assert_true(l->n < 8);
	memcpy(l->v[l->n++], id, BUNDLE_ID_BYTES);
	return l->n == l->stop;
}

static int
seen_env(void *ctx, const uint8_t *id, const uint8_t *data, size_t len)
{
	assert_non_null(data);
	assert_int_equal(len, 64);
	return seen_id(ctx, id);
}

static void
test_foreach(void **state)
{
	struct central *c;
	struct bundle b;
	struct bundle_ack *acks;
	struct seen_ids all, ids, some;
	struct err e;
	uint8_t ask[3][BUNDLE_ID_BYTES];
	size_t n, added, i;
	int seen = 0;

	(void)state;
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	assert_int_equal(central_interviewer_add(c, pk, "", &e), 0);
	mk_bundle(&b, 100, 5, pk);
	assert_int_equal(central_ingest(c, &b, &acks, &n, &added, &e), 0);
	free(acks);
	assert_int_equal(central_env_foreach(c, count_env, &seen, &e), 0);
	assert_int_equal(seen, 5);
	/* Every listing in id order, the ids alone as with the data. */
	memset(&all, 0, sizeof all);
	memset(&ids, 0, sizeof ids);
	assert_int_equal(central_env_foreach(c, seen_env, &all, &e), 0);
	assert_int_equal(central_env_id_foreach(c, seen_id, &ids, &e), 0);
	assert_int_equal(all.n, 5);
	assert_int_equal(ids.n, 5);
	assert_memory_equal(all.v, ids.v, 5 * BUNDLE_ID_BYTES);
	for (i = 1; i < 5; i++)
		assert_true(memcmp(ids.v[i - 1], ids.v[i], BUNDLE_ID_BYTES) <
		    0);
	/* By ids: in the order asked, an id the store lacks skipped. */
	memcpy(ask[0], ids.v[3], BUNDLE_ID_BYTES);
	memset(ask[1], 0xff, BUNDLE_ID_BYTES);
	memcpy(ask[2], ids.v[1], BUNDLE_ID_BYTES);
	memset(&some, 0, sizeof some);
	assert_int_equal(central_env_foreach_ids(c,
	    (const uint8_t(*)[BUNDLE_ID_BYTES])ask, 3, seen_env, &some, &e), 0);
	assert_int_equal(some.n, 2);
	assert_memory_equal(some.v[0], ids.v[3], BUNDLE_ID_BYTES);
	assert_memory_equal(some.v[1], ids.v[1], BUNDLE_ID_BYTES);
	/* A callback's nonzero ends each listing, and is no error. */
	memset(&some, 0, sizeof some);
	some.stop = 1;
	assert_int_equal(central_env_foreach_ids(c,
	    (const uint8_t(*)[BUNDLE_ID_BYTES])ask, 3, seen_env, &some, &e), 0);
	assert_int_equal(some.n, 1);
	memset(&some, 0, sizeof some);
	some.stop = 2;
	assert_int_equal(central_env_id_foreach(c, seen_id, &some, &e), 0);
	assert_int_equal(some.n, 2);
	memset(&some, 0, sizeof some);
	some.stop = 3;
	assert_int_equal(central_env_foreach(c, seen_env, &some, &e), 0);
	assert_int_equal(some.n, 3);
	bundle_free(&b);
	central_close(c);
}

/* A store as schema 1 made it: 4 KiB pages, envelopes in overflow. */
static void
make_v1(void)
{
	raw_exec(dbpath, "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL;"
	    "CREATE TABLE envelopes (id BLOB PRIMARY KEY NOT NULL CHECK "
	    "(length(id) = 16), data BLOB NOT NULL) WITHOUT ROWID;"
	    "CREATE TABLE forms (hash BLOB PRIMARY KEY NOT NULL CHECK "
	    "(length(hash) = 32), form_id TEXT NOT NULL, version INTEGER NOT "
	    "NULL CHECK (version >= 1), yaml TEXT NOT NULL, UNIQUE (form_id, "
	    "version)) WITHOUT ROWID;"
	    "CREATE TABLE interviewers (pk BLOB PRIMARY KEY NOT NULL CHECK "
	    "(length(pk) = 32), label TEXT NOT NULL DEFAULT '', revoked "
	    "INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))) WITHOUT "
	    "ROWID;"
	    "CREATE TABLE units (code TEXT PRIMARY KEY NOT NULL, name TEXT NOT "
	    "NULL, area TEXT NOT NULL DEFAULT '') WITHOUT ROWID;"
	    "CREATE TABLE turnover (unit TEXT NOT NULL, year INTEGER NOT NULL, "
	    "headcount REAL NOT NULL, leavers INTEGER NOT NULL, PRIMARY KEY "
	    "(unit, year)) WITHOUT ROWID;"
	    "CREATE TABLE hme (unit TEXT NOT NULL, year INTEGER NOT NULL, hme "
	    "REAL, motivation REAL, ledarskap REAL, styrning REAL, PRIMARY KEY "
	    "(unit, year)) WITHOUT ROWID;"
	    "CREATE TABLE access_log (seq INTEGER PRIMARY KEY, time INTEGER "
	    "NOT NULL, user TEXT NOT NULL, what TEXT NOT NULL);"
	    "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k "
	    "WHERE i < 40) INSERT INTO envelopes SELECT randomblob(16), "
	    "randomblob(1072) FROM k;"
	    "PRAGMA application_id = 1096173635; PRAGMA user_version = 1;");
}

/* Schema 1 is migrated, and converted to 16 KiB pages with the
 * envelopes inline, once the store is not in use. */
static void
test_relayout(void **state)
{
	struct central *c;
	struct err e;
	sqlite3 *h;
	size_t n;

	(void)state;
	assert_int_equal(mkdir(dirname_of(dbpath), 0700) == 0 ||
	    errno == EEXIST, 1);
	make_v1();
	assert_int_equal(pragma(dbpath, "PRAGMA page_size"), 4096);
	/* In use by another connection: opened, migrated, not converted. */
	assert_int_equal(sqlite3_open(dbpath, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "SELECT count(*) FROM envelopes",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	assert_int_equal(central_env_count(c, &n, &e), 0);
	assert_int_equal(n, 40);
	central_close(c);
	sqlite3_close(h);
	assert_int_equal(pragma(dbpath, "PRAGMA user_version"),
	    CENTRAL_SCHEMA_VERSION);
	assert_int_equal(pragma(dbpath, "PRAGMA page_size"), 4096);
	/* Alone: converted, nothing lost, overflow pages gone. */
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	central_close(c);
	assert_int_equal(pragma(dbpath, "PRAGMA page_size"),
	    CENTRAL_PAGE_SIZE);
	assert_int_equal(pragma(dbpath, "SELECT journal_mode = 'wal' FROM "
	    "pragma_journal_mode"), 1);
	assert_int_equal(pragma(dbpath, "SELECT count(*) FROM envelopes"), 40);
	assert_int_equal(pragma(dbpath, "SELECT count(*) FROM "
	    "pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
	assert_int_equal(pragma(dbpath, "SELECT count(*) FROM dbstat WHERE "
	    "pagetype = 'overflow'"), 0);
}

/* An ingest killed between its commit and its VACUUM leaves the mark;
 * the next writable open settles the store. */
static void
test_settle(void **state)
{
	struct central *c;
	struct bundle b;
	struct bundle_ack *acks;
	struct err e;
	size_t n, added;

	(void)state;
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	assert_int_equal(central_interviewer_add(c, pk, "", &e), 0);
	mk_bundle(&b, 300, 5, pk);
	assert_int_equal(central_ingest(c, &b, &acks, &n, &added, &e), 0);
	free(acks);
	bundle_free(&b);
	assert_int_equal(pragma(dbpath, "SELECT count(*) FROM store_meta "
	    "WHERE key = 'unsettled'"), 1);
	assert_int_equal(central_settle(c, &e), 0);
	assert_int_equal(pragma(dbpath, "SELECT count(*) FROM store_meta "
	    "WHERE key = 'unsettled'"), 0);
	central_close(c);
	raw_exec(dbpath, "INSERT INTO store_meta VALUES ('unsettled', 7)");
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	central_close(c);
	assert_int_equal(pragma(dbpath, "SELECT count(*) FROM store_meta "
	    "WHERE key = 'unsettled'"), 0);
	/* A read-only open leaves it (and does not fail). */
	raw_exec(dbpath, "INSERT INTO store_meta VALUES ('unsettled', 8)");
	assert_int_equal(central_open(&c, dbpath, CENTRAL_RDONLY, &e), 0);
	central_close(c);
	assert_int_equal(pragma(dbpath, "SELECT count(*) FROM store_meta "
	    "WHERE key = 'unsettled'"), 1);
}

/* central_close_detached: the caller returns at once, a detached
 * process settles the store (the ssh transport's ingest). */
static void
test_settle_detached(void **state)
{
	struct central *c;
	struct bundle b;
	struct bundle_ack *acks;
	struct err e;
	size_t n, added;
	int i;

	(void)state;
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	assert_int_equal(central_interviewer_add(c, pk, "", &e), 0);
	central_close(c);
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	assert_int_equal(central_close_detached(c), 0);	/* nothing to do */
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	mk_bundle(&b, 700, 5, pk);
	assert_int_equal(central_ingest(c, &b, &acks, &n, &added, &e), 0);
	free(acks);
	bundle_free(&b);
	assert_int_equal(central_close_detached(c), 0);
	for (i = 0; i < 300 && pragma(dbpath, "SELECT count(*) FROM "
	    "store_meta WHERE key = 'unsettled'") != 0; i++)
		usleep(100000);
	assert_int_equal(pragma(dbpath, "SELECT count(*) FROM store_meta "
	    "WHERE key = 'unsettled'"), 0);
	assert_int_equal(pragma(dbpath, "SELECT count(*) FROM envelopes"), 5);
	assert_int_equal(pragma(dbpath, "SELECT count(*) FROM "
	    "pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
}

/* The envelope digest: kept by ingest and purge, checked on a verifying
 * open; a row added or removed behind avslut-hr's back is refused. */
static void
test_digest(void **state)
{
	struct central *c;
	struct bundle b;
	struct bundle_ack *acks;
	struct err e;
	size_t n, added, deleted;
	uint8_t ids[2][BUNDLE_ID_BYTES], other[CENTRAL_PK_BYTES];
	char *key;

	(void)state;
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	assert_int_equal(central_interviewer_add(c, pk, "", &e), 0);
	mk_bundle(&b, 500, 6, pk);
	assert_int_equal(central_ingest(c, &b, &acks, &n, &added, &e), 0);
	free(acks);
	/* Again: nothing added, the digest unchanged. */
	assert_int_equal(central_ingest(c, &b, &acks, &n, &added, &e), 0);
	free(acks);
	assert_int_equal(added, 0);
	assert_int_equal(central_verify(c, &e), 0);
	memcpy(ids[0], b.envs[0].id, BUNDLE_ID_BYTES);
	memcpy(ids[1], b.envs[3].id, BUNDLE_ID_BYTES);
	assert_int_equal(central_env_delete(c,
	    (const uint8_t (*)[BUNDLE_ID_BYTES])ids, 2, "purge test", &deleted,
	    &e), 0);
	assert_int_equal(deleted, 2);
	assert_int_equal(central_verify(c, &e), 0);
	central_close(c);
	assert_int_equal(central_open(&c, dbpath, CENTRAL_VERIFY, &e), 0);
	central_close(c);
	assert_int_equal(central_open(&c, dbpath, CENTRAL_RDONLY |
	    CENTRAL_VERIFY, &e), 0);
	central_close(c);
	/* Behind its back: refused, then accepted once put back. */
	raw_exec(dbpath, "INSERT INTO envelopes SELECT randomblob(16), data "
	    "FROM envelopes LIMIT 1");
	assert_int_equal(central_open(&c, dbpath, CENTRAL_VERIFY, &e),
	    -1);
	assert_int_equal(e.cls, ERR_DATA);
	assert_non_null(strstr(e.msg, "was changed outside avslut-hr"));
	/* Opens that show no figures still work (the log, forms). */
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	central_close(c);
	bundle_free(&b);
	/* An interviewer registered behind its back: ingest, add and a
	 * verifying open refuse. */
	raw_exec(dbpath, "DELETE FROM envelopes WHERE id NOT IN (SELECT id "
	    "FROM envelopes ORDER BY id LIMIT 4)");
	raw_exec(dbpath, "INSERT INTO interviewers (pk) VALUES "
	    "(randomblob(32))");
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	randombytes_buf(other, sizeof other);
	assert_int_equal(central_interviewer_add(c, other, "x", &e),
	    -1);
	assert_int_equal(e.cls, ERR_DATA);
	assert_non_null(strstr(e.msg, "its interviewers are not the ones"));
	central_close(c);
	assert_int_equal(central_open(&c, dbpath, CENTRAL_VERIFY, &e),
	    -1);
	assert_int_equal(e.cls, ERR_DATA);
	assert_non_null(strstr(e.msg, "its interviewers are not the ones"));
	/* A missing key file: named, refused. */
	key = xasprintf("%s-key", dbpath);
	assert_int_equal(rename(key, "/tmp/avslut-tc-key-aside"), 0);
	assert_int_equal(central_open(&c, dbpath, CENTRAL_VERIFY, &e),
	    -1);
	assert_int_equal(e.cls, ERR_DATA);
	assert_non_null(strstr(e.msg, "is missing"));
	assert_int_equal(rename("/tmp/avslut-tc-key-aside", key), 0);
	free(key);
}

/* Schema 1 gets its key and digest in the migration, logged; a key file
 * already there (a digest removed) is refused, never started afresh. */
static void
test_digest_migration(void **state)
{
	struct central *c;
	struct central_log_entry *log;
	struct err e;
	size_t n, i;
	int found = 0;
	char *key;

	(void)state;
	assert_int_equal(mkdir(dirname_of(dbpath), 0700) == 0 ||
	    errno == EEXIST, 1);
	make_v1();
	assert_int_equal(central_open(&c, dbpath, CENTRAL_VERIFY, &e), 0);
	assert_int_equal(central_log_list(c, &log, &n, &e), 0);
	for (i = 0; i < n; i++)
		found += strstr(log[i].what, "envelope digest started over "
		    "40 envelopes") != NULL;
	central_log_list_free(log, n);
	assert_int_equal(found, 1);
	central_close(c);
	/* Someone takes the digest out and sets the schema back. */
	raw_exec(dbpath, "DROP TABLE store_meta; DROP TABLE releases; "
	    "PRAGMA user_version = 1");
	assert_int_equal(central_open(&c, dbpath, 0, &e), -1);
	assert_int_equal(e.cls, ERR_DATA);
	assert_non_null(strstr(e.msg, "has no envelope digest, but its key "
	    "file"));
	key = xasprintf("%s-key", dbpath);
	assert_non_null(strstr(e.msg, key));
	free(key);
}

/*
 * One check per open (issue 15, central_digest.c): the snapshot of a store
 * opened with CENTRAL_VERIFY trusts the check at open while no one else
 * has written the store, and checks again (and refuses) when someone has.
 * The checks are counted from outside: an SQLite auto extension (set up
 * by make_store) traces every connection opened and counts the digest's scan
 * (its SELECT of every envelope's id and head); the program has no hook
 * for it.
 */
#define NENV 20
#define SCAN_SQL "SELECT id, substr(data, 1, 48)" /* central_digest.c */

static int scans;	/* digest scans run since the test reset it */
static sqlite3 *lastdb; /* the connection opened last */

static int
trace_cb(unsigned type, void *ctx, void *p, void *x)
{
	const char *sql;

	(void)ctx;
	(void)x;
	if (type == SQLITE_TRACE_STMT &&
	    (sql = sqlite3_sql((sqlite3_stmt *)p)) != NULL &&
	    strncmp(sql, SCAN_SQL, strlen(SCAN_SQL)) == 0)
		scans++;
	return 0;
}

/* Run by SQLite for every connection opened (sqlite3_auto_extension). */
static int
trace_ext(sqlite3 *db, char **err, const sqlite3_api_routines *api)
{
	(void)err;
	(void)api;
	lastdb = db;
	return sqlite3_trace_v2(db, SQLITE_TRACE_STMT, trace_cb, NULL);
}

/* A store of n envelopes, closed; then a pause of a few clock ticks
 * (the check keeps nothing about a file changed in its own tick). */
static void
make_store_n(size_t n)
{
	struct central *c;
	struct bundle b;
	struct bundle_ack *acks;
	struct err e;
	size_t nacks, added;

	rm_db();
	/* the scans' counter on every connection from now on (a no-op
	 * when it is there already) */
	assert_int_equal(sqlite3_auto_extension((void (*)(void))trace_ext),
	    SQLITE_OK);
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	assert_int_equal(central_interviewer_add(c, pk, "", &e), 0);
	mk_bundle(&b, 7000, n, pk);
	assert_int_equal(central_ingest(c, &b, &acks, &nacks, &added, &e), 0);
	assert_int_equal(added, n);
	free(acks);
	bundle_free(&b);
	assert_int_equal(central_settle(c, &e), 0);
	central_close(c);
	usleep(50000);
}

static void
make_store(void)
{
	make_store_n(NENV);
}

/* Open as avslut-hr does before a load: verified, then the access log. */
static struct central *
open_logged(void)
{
	struct central *c;
	struct err e;

	scans = 0;
	assert_int_equal(central_open(&c, dbpath, CENTRAL_VERIFY, &e), 0);
	assert_int_equal(scans, 1);
	assert_int_equal(central_log(c, "unlock HR key: test", &e), 0);
	return c;
}

/* Nobody else wrote: the check at open stands for the load's snapshot
 * (and for a later one), and the snapshot reads the store. */
static void
test_verify_once(void **state)
{
	struct central *c;
	struct err e;
	size_t n;

	(void)state;
	make_store();
	c = open_logged();
	assert_int_equal(central_snapshot_begin(c, &e), 0);
	assert_int_equal(scans, 1);
	assert_int_equal(central_env_count(c, &n, &e), 0);
	assert_int_equal(n, NENV);
	central_snapshot_end(c);
	assert_int_equal(central_snapshot_begin(c, &e), 0);
	central_snapshot_end(c);
	assert_int_equal(scans, 1);
	central_close(c);
}

/* Another connection commits sql between the open and the snapshot:
 * checked again in the snapshot, which refuses (-1) or reads (0). */
static void
other_writer(const char *sql, int want)
{
	struct central *c;
	struct err e;

	make_store();
	c = open_logged();
	raw_exec(dbpath, sql);
	assert_int_equal(central_snapshot_begin(c, &e), want);
	if (want != 0) {
		assert_int_equal(e.cls, ERR_DATA);
		assert_non_null(
		    strstr(e.msg, "was changed outside avslut-hr"));
	} else
		central_snapshot_end(c);
	assert_int_equal(scans, 2);
	central_close(c);
}

/* An envelope added or the digest changed by another process: refused;
 * a commit that changed neither is checked and accepted. */
static void
test_verify_other_writer(void **state)
{
	(void)state;
	other_writer("INSERT INTO envelopes SELECT randomblob(16), data "
		     "FROM envelopes LIMIT 1",
	    -1);
	other_writer("UPDATE store_meta SET value = randomblob(32) "
		     "WHERE key = 'digest'",
	    -1);
	other_writer("INSERT INTO access_log (time, user, what) VALUES "
		     "(0, 'x', 'another process')",
	    0);
}

/* This connection's own purge changes the set: checked again. */
static void
test_verify_own_purge(void **state)
{
	struct central *c;
	struct err e;
	sqlite3 *db;
	sqlite3_stmt *st;
	uint8_t id[1][BUNDLE_ID_BYTES];
	size_t deleted;

	(void)state;
	make_store();
	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
			     "SELECT id FROM envelopes LIMIT 1", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	memcpy(id[0], sqlite3_column_blob(st, 0), BUNDLE_ID_BYTES);
	sqlite3_finalize(st);
	sqlite3_close(db);
	c = open_logged();
	assert_int_equal(central_env_delete(c,
			     (const uint8_t(*)[BUNDLE_ID_BYTES])id, 1, "purge",
			     &deleted, &e),
	    0);
	assert_int_equal(deleted, 1);
	assert_int_equal(central_snapshot_begin(c, &e), 0);
	assert_int_equal(scans, 2);
	central_snapshot_end(c);
	central_close(c);
}

/* A doctored copy (one envelope more, made with sqlite3 elsewhere)
 * written over central.db's bytes during the prompt: no commit, so no
 * data_version change, but the file's stamp moved: checked again and
 * refused. The connection's page cache is emptied first, as a store of
 * more pages than the cache holds would have it. */
static void
test_verify_bytes_writer(void **state)
{
	struct central *c;
	struct err e;
	struct stat st;
	sqlite3 *cdb;
	char *copy, *buf;
	size_t len;
	int fd;

	(void)state;
	make_store();
	copy = xasprintf("%s-doctored", dbpath);
	assert_int_equal(stat(dbpath, &st), 0);
	len = (size_t)st.st_size;
	buf = xmalloc(len);
	fd = open(dbpath, O_RDONLY);
	assert_true(fd != -1);
	assert_int_equal(read(fd, buf, len), (ssize_t)len);
	close(fd);
	fd = open(copy, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd != -1);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	raw_exec(copy, "INSERT INTO envelopes SELECT randomblob(16), data "
		       "FROM envelopes LIMIT 1; "
		       "PRAGMA wal_checkpoint(TRUNCATE)");
	assert_int_equal(stat(copy, &st), 0);
	assert_int_equal(st.st_size, (off_t)len); /* the same pages */
	fd = open(copy, O_RDONLY);
	assert_true(fd != -1);
	assert_int_equal(read(fd, buf, len), (ssize_t)len);
	close(fd);
	usleep(50000);

	c = open_logged();
	cdb = lastdb;
	fd = open(dbpath, O_WRONLY);
	assert_true(fd != -1);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	usleep(50000); /* while HR types: not in the stamps' tick */
	sqlite3_db_release_memory(cdb);
	assert_int_equal(central_snapshot_begin(c, &e), -1);
	assert_int_equal(e.cls, ERR_DATA);
	assert_int_equal(scans, 2);
	central_close(c);
	unlink(copy);
	free(buf);
	free(copy);
}

/* A byte of the WAL written directly (here one that SQLite reads only in
 * a recovery, so the store stays whole): checked again. Another
 * connection keeps the WAL, with its frames, open meanwhile. */
static void
test_verify_wal_writer(void **state)
{
	struct central *c;
	struct err e;
	sqlite3 *other;
	char *wal;
	uint8_t byte;
	int fd;

	(void)state;
	make_store();
	assert_int_equal(sqlite3_open(dbpath, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other,
			     "INSERT INTO access_log (time, user, what) "
			     "VALUES (0, 'x', 'before the open')",
			     NULL, NULL, NULL),
	    SQLITE_OK);
	c = open_logged();
	wal = xasprintf("%s-wal", dbpath);
	fd = open(wal, O_RDWR);
	assert_true(fd != -1);
	assert_int_equal(pread(fd, &byte, 1, 28), 1); /* header checksum */
	byte ^= 0xff;
	assert_int_equal(pwrite(fd, &byte, 1, 28), 1);
	close(fd);
	free(wal);
	assert_int_equal(central_snapshot_begin(c, &e), 0);
	assert_int_equal(scans, 2);
	central_snapshot_end(c);
	central_close(c);
	sqlite3_close(other);
}

/* The scan over many batches (central_scan.c: 512 rows each, hashed on
 * two threads): the sum still matches the one ingest kept, and a row
 * added (here one shorter than a head) is still told. */
static void
test_verify_many(void **state)
{
	struct central *c;
	struct err e;

	(void)state;
	make_store_n(5000);
	assert_int_equal(central_open(&c, dbpath, CENTRAL_VERIFY, &e), 0);
	central_close(c);
	raw_exec(dbpath, "INSERT INTO envelopes VALUES (randomblob(16), "
			 "x'0102')");
	assert_int_equal(central_open(&c, dbpath, CENTRAL_VERIFY, &e), -1);
	assert_int_equal(e.cls, ERR_DATA);
	assert_non_null(strstr(e.msg, "5001 envelopes do not match"));
	raw_exec(dbpath, "DELETE FROM envelopes WHERE length(data) = 2");
	assert_int_equal(central_open(&c, dbpath, CENTRAL_VERIFY, &e), 0);
	central_close(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_create, each_teardown),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test_teardown(test_id_index, each_teardown),
		cmocka_unit_test_teardown(test_migrate_empty, each_teardown),
		cmocka_unit_test_teardown(test_not_ours, each_teardown),
		cmocka_unit_test_teardown(test_future_schema, each_teardown),
		cmocka_unit_test_teardown(test_readonly, each_teardown),
		cmocka_unit_test_teardown(test_locked, each_teardown),
		cmocka_unit_test_teardown(test_ingest_dedup, each_teardown),
		cmocka_unit_test_teardown(test_concurrent, each_teardown),
		cmocka_unit_test_teardown(test_concurrent_create,
		    each_teardown),
		cmocka_unit_test_teardown(test_forms, each_teardown),
		cmocka_unit_test_teardown(test_interviewers_and_log,
		    each_teardown),
		cmocka_unit_test(test_fs_magic),
		cmocka_unit_test_teardown(test_foreach, each_teardown),
		cmocka_unit_test_teardown(test_relayout, each_teardown),
		cmocka_unit_test_teardown(test_settle, each_teardown),
		cmocka_unit_test_teardown(test_settle_detached,
		    each_teardown),
		cmocka_unit_test_teardown(test_digest, each_teardown),
		cmocka_unit_test_teardown(test_digest_migration,
		    each_teardown),
		cmocka_unit_test_teardown(test_verify_once, each_teardown),
		cmocka_unit_test_teardown(test_verify_other_writer,
		    each_teardown),
		cmocka_unit_test_teardown(test_verify_own_purge, each_teardown),
		cmocka_unit_test_teardown(test_verify_bytes_writer,
		    each_teardown),
		cmocka_unit_test_teardown(test_verify_wal_writer,
		    each_teardown),
		cmocka_unit_test_teardown(test_verify_many, each_teardown),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
