/* Unit tests for src/store/db: SQLite's failures, injected by a test VFS
 * (faultvfs.h) under central.db and outbox.db operations, come out with
 * the right error class and a message that names the file and says what
 * to do; after the fault nothing is half-written. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "faultvfs.h"
#include "store/bundle.h"
#include "store/central.h"
#include "store/outbox.h"
#include "util/xmem.h"

static char root[64];
static char *dbpath, *obdir;
static uint8_t signer[32];

static int
rm_cb(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	faultvfs_install();
	randombytes_buf(signer, sizeof signer);
	return 0;
}

static int
each_setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/avslut-tdb-XXXXXX");
	if (mkdtemp(root) == NULL)
		return -1;
	dbpath = xasprintf("%s/central.db", root);
	obdir = xasprintf("%s/data", root);
	return 0;
}

static int
each_teardown(void **state)
{
	(void)state;
	faultvfs_disarm();
	nftw(root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(dbpath);
	free(obdir);
	return 0;
}

/* A bundle of n random 1 KiB envelopes from signer. */
static void
mk_bundle(struct bundle *b, size_t n)
{
	size_t i;

	memset(b, 0, sizeof *b);
	b->envs = xcalloc(n, sizeof *b->envs);
	b->n = n;
	memcpy(b->signer, signer, sizeof signer);
	for (i = 0; i < n; i++) {
		randombytes_buf(b->envs[i].id, BUNDLE_ID_BYTES);
		b->envs[i].len = 1072;
		b->envs[i].data = xmalloc(1072);
		randombytes_buf(b->envs[i].data, 1072);
	}
}

static struct central *
central_ok(void)
{
	struct central *c;
	struct err e;

	if (central_open(&c, dbpath, CENTRAL_CREATE, &e) != 0)
		fail_msg("central_open: %s", e.msg);
	return c;
}

static size_t
central_count(void)
{
	struct central *c = central_ok();
	struct err e;
	size_t n;

	assert_int_equal(central_env_count(c, &n, &e), 0);
	central_close(c);
	return n;
}

/* A store with the signer registered and 20 envelopes. */
static void
central_seed(void)
{
	struct central *c = central_ok();
	struct bundle b;
	struct bundle_ack *acks;
	struct err e;
	size_t n, added;

	assert_int_equal(central_interviewer_add(c, signer, "t", &e), 0);
	mk_bundle(&b, 20);
	assert_int_equal(central_ingest(c, &b, &acks, &n, &added, &e), 0);
	free(acks);
	bundle_free(&b);
	central_close(c);
}

/* Ingest a fresh bundle of 5 under an armed fault: the class and the
 * message, then all or nothing. */
static void
central_ingest_fault(int mask, enum fault_kind kind, enum err_class want,
    const char *text)
{
	struct central *c;
	struct bundle b;
	struct bundle_ack *acks = NULL;
	struct err e = { .msg = "" };
	size_t n, added;
	char *full;

	central_seed();
	c = central_ok();
	mk_bundle(&b, 5);
	faultvfs_arm(mask, 1, kind, 1);
	assert_int_not_equal(central_ingest(c, &b, &acks, &n, &added, &e), 0);
	assert_true(fv.fired > 0);
	faultvfs_disarm();
	if (e.cls != want)
		fail_msg("class %s, want %s: %s", err_class_name(e.cls),
		    err_class_name(want), e.msg);
	full = xasprintf(text, dbpath);
	if (strstr(e.msg, full) == NULL)
		fail_msg("\"%s\" not in \"%s\"", full, e.msg);
	free(full);
	central_close(c);
	bundle_free(&b);
	assert_int_equal(central_count(), 20);
}

static void
test_central_full(void **state)
{
	(void)state;
	central_ingest_fault(FAULT_WRITE, FAULT_FULL, ERR_FULL,
	    "the disk holding %s is full: free some space on it");
}

/* An I/O error with ENOSPC underneath (the -shm case) is a full disk. */
static void
test_central_ioerr_enospc(void **state)
{
	(void)state;
	central_ingest_fault(FAULT_SYNC, FAULT_IOERR_ENOSPC, ERR_FULL,
	    "the disk holding %s is full");
}

static void
test_central_ioerr(void **state)
{
	(void)state;
	central_ingest_fault(FAULT_WRITE | FAULT_SYNC, FAULT_IOERR_EIO, ERR_IO,
	    "input/output error on %s (Input/output error): check the disk");
}

/* A damaged file is refused as data, named, with what to do. */
static void
test_central_corrupt(void **state)
{
	struct central *c;
	struct err e = { .msg = "" };
	char *want;

	(void)state;
	central_seed();
	faultvfs_corrupt(1);
	assert_int_not_equal(central_open(&c, dbpath, 0, &e), 0);
	faultvfs_disarm();
	assert_int_equal(e.cls, ERR_DATA);
	want = xasprintf("%s is damaged (database disk image is malformed): "
	    "restore it from a backup", dbpath);
	if (strstr(e.msg, want) == NULL)
		fail_msg("\"%s\" not in \"%s\"", want, e.msg);
	free(want);
	assert_int_equal(central_count(), 20);
}

/* Every write of an ingest in turn fails once: each outcome is a
 * success or a classed failure, and afterwards the store holds all of
 * the bundle or none of it. */
static void
test_central_every_write(void **state)
{
	struct central *c;
	struct bundle b;
	struct bundle_ack *acks;
	struct err e;
	size_t n, added, before, after;
	long nth;
	int rc;

	(void)state;
	central_seed();
	for (nth = 1; nth < 200; nth++) {
		before = central_count();
		c = central_ok();
		mk_bundle(&b, 3);
		faultvfs_arm(FAULT_WRITE | FAULT_SYNC, nth, nth % 2 ?
		    FAULT_FULL : FAULT_IOERR_EIO, 0);
		memset(&e, 0, sizeof e);
		rc = central_ingest(c, &b, &acks, &n, &added, &e);
		faultvfs_disarm();
		if (rc == 0)
			free(acks);
		else if (e.cls != ERR_FULL && e.cls != ERR_IO)
			fail_msg("write %ld: class %s: %s", nth,
			    err_class_name(e.cls), e.msg);
		central_close(c);
		bundle_free(&b);
		after = central_count();
		assert_true(after == before || after == before + 3);
		if (rc != 0)
			assert_int_equal(after, before);
		if (fv.fired == 0)
			break;		/* past the last write */
	}
	assert_true(nth > 2 && nth < 200);
}

static struct outbox *
outbox_ok(void)
{
	struct outbox *ob;
	struct err e;

	if (outbox_open(obdir, &ob, &e) != 0)
		fail_msg("outbox_open: %s", e.msg);
	return ob;
}

/* Submit on a full disk: classed, named, and the draft is kept. */
static void
test_outbox_full(void **state)
{
	struct outbox *ob = outbox_ok();
	uint8_t master[OUTBOX_KEY_BYTES], id[OUTBOX_ID_BYTES];
	uint8_t eid[OUTBOX_ID_BYTES], env[1072], *p;
	struct err e = { .msg = "" };
	size_t n;
	char *want;

	(void)state;
	randombytes_buf(master, sizeof master);
	randombytes_buf(eid, sizeof eid);
	randombytes_buf(env, sizeof env);
	assert_int_equal(outbox_draft_new(ob, master, id, &e), 0);
	assert_int_equal(outbox_draft_save(ob, master, id, "kept", 4, &e), 0);
	faultvfs_arm(FAULT_WRITE, 1, FAULT_FULL, 1);
	assert_int_equal(outbox_submit(ob, id, eid, env, sizeof env, &e), -1);
	faultvfs_disarm();
	assert_int_equal(e.cls, ERR_FULL);
	want = xasprintf("the disk holding %s/outbox.db is full: free some "
	    "space on it, then try again", obdir);
	if (strstr(e.msg, want) == NULL)
		fail_msg("\"%s\" not in \"%s\"", want, e.msg);
	free(want);
	outbox_close(ob);
	ob = outbox_ok();
	assert_int_equal(outbox_env_count(ob, &n, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(outbox_draft_load(ob, master, id, &p, &n, &e), 0);
	assert_memory_equal(p, "kept", 4);
	free(p);
	outbox_close(ob);
}

/* A failing fsync while saving a draft is an I/O error, named. */
static void
test_outbox_ioerr(void **state)
{
	struct outbox *ob = outbox_ok();
	uint8_t master[OUTBOX_KEY_BYTES], id[OUTBOX_ID_BYTES];
	struct err e = { .msg = "" };

	(void)state;
	randombytes_buf(master, sizeof master);
	assert_int_equal(outbox_draft_new(ob, master, id, &e), 0);
	faultvfs_arm(FAULT_SYNC, 1, FAULT_IOERR_EIO, 1);
	assert_int_equal(outbox_draft_save(ob, master, id, "x", 1, &e), -1);
	faultvfs_disarm();
	assert_int_equal(e.cls, ERR_IO);
	assert_non_null(strstr(e.msg, "input/output error on "));
	assert_non_null(strstr(e.msg, obdir));
	outbox_close(ob);
}

/* The laptop's disk full before the write-ahead log can be created: a
 * full disk, not "disk I/O error". */
static void
test_outbox_open_full(void **state)
{
	struct outbox *ob;
	struct err e = { .msg = "" };

	(void)state;
	faultvfs_arm(FAULT_OPEN, 2, FAULT_CANTOPEN_ENOSPC, 1);
	assert_int_equal(outbox_open(obdir, &ob, &e), -1);
	faultvfs_disarm();
	if (e.cls != ERR_FULL || strstr(e.msg, "is full") == NULL)
		fail_msg("class %s: %s", err_class_name(e.cls), e.msg);
	ob = outbox_ok();
	outbox_close(ob);
}

static void
test_outbox_corrupt(void **state)
{
	struct outbox *ob = outbox_ok();
	struct err e = { .msg = "" };

	(void)state;
	outbox_close(ob);
	faultvfs_corrupt(1);
	assert_int_equal(outbox_open(obdir, &ob, &e), -1);
	faultvfs_disarm();
	assert_int_equal(e.cls, ERR_DATA);
	assert_non_null(strstr(e.msg, "is damaged (database disk image is "
	    "malformed): restore it from a backup, or move it away"));
}

/* A store held by another writer beyond the timeout is busy. */
static void
test_busy(void **state)
{
	struct central *c;
	struct bundle b;
	struct bundle_ack *acks;
	struct err e = { .msg = "" };
	size_t n, added;
	sqlite3 *h;

	(void)state;
	central_seed();
	c = central_ok();
	central_set_busy_timeout(c, 10);
	assert_int_equal(sqlite3_open(dbpath, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	mk_bundle(&b, 1);
	assert_int_not_equal(central_ingest(c, &b, &acks, &n, &added, &e), 0);
	assert_int_equal(e.cls, ERR_BUSY);
	assert_non_null(strstr(e.msg, "is locked by another program: try "
	    "again when it has finished"));
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(h);
	bundle_free(&b);
	central_close(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_central_full, each_setup,
		    each_teardown),
		cmocka_unit_test_setup_teardown(test_central_ioerr_enospc,
		    each_setup, each_teardown),
		cmocka_unit_test_setup_teardown(test_central_ioerr, each_setup,
		    each_teardown),
		cmocka_unit_test_setup_teardown(test_central_corrupt,
		    each_setup, each_teardown),
		cmocka_unit_test_setup_teardown(test_central_every_write,
		    each_setup, each_teardown),
		cmocka_unit_test_setup_teardown(test_outbox_full, each_setup,
		    each_teardown),
		cmocka_unit_test_setup_teardown(test_outbox_ioerr, each_setup,
		    each_teardown),
		cmocka_unit_test_setup_teardown(test_outbox_open_full,
		    each_setup, each_teardown),
		cmocka_unit_test_setup_teardown(test_outbox_corrupt,
		    each_setup, each_teardown),
		cmocka_unit_test_setup_teardown(test_busy, each_setup,
		    each_teardown),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
