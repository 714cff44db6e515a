/* Unit tests for src/store/outbox: drafts, submit, envelopes, bad files,
 * a full disk and crashes during submit, and the canary that no answer
 * text reaches any file. */
#define _GNU_SOURCE /* memmem, setgroups */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/env.h"
#include "store/outbox.h"
#include "store/slot.h"
#include "util/utf8.h"
#include "util/xmem.h"

struct fx {
	char root[64]; /* a fresh directory per test */
	char *dir;     /* root/data: the outbox directory */
	char *db;      /* dir/outbox.db */
	uint8_t master[OUTBOX_KEY_BYTES];
};

static int
rm_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static int
setup(void **state)
{
	struct fx *fx = xcalloc(1, sizeof *fx);

	strcpy(fx->root, "/tmp/avslut-outbox-XXXXXX");
	if (mkdtemp(fx->root) == NULL)
		return -1;
	fx->dir = xasprintf("%s/data", fx->root);
	fx->db = xasprintf("%s/outbox.db", fx->dir);
	randombytes_buf(fx->master, sizeof fx->master);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	nftw(fx->root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(fx->dir);
	free(fx->db);
	free(fx);
	return 0;
}

static struct outbox *
open_ok(struct fx *fx)
{
	struct outbox *ob = NULL;
	struct err e = { .msg = "" };

	if (outbox_open(fx->dir, &ob, &e) == -1)
		fail_msg("outbox_open: %s", e.msg);
	return ob;
}

static sqlite3 *
raw(struct fx *fx)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(fx->db, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

/* A blob column of draft id, read behind the outbox's back. */
static size_t
raw_blob(
    struct fx *fx, const char *col, const uint8_t *id, uint8_t *out, size_t max)
{
	sqlite3 *db = raw(fx);
	sqlite3_stmt *st;
	char *sql = xasprintf("SELECT %s FROM drafts WHERE id = ?", col);
	size_t n = 0;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, id, OUTBOX_ID_BYTES, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		n = (size_t)sqlite3_column_bytes(st, 0);
		assert_true(n <= max);
		if (n > 0)
			memcpy(out, sqlite3_column_blob(st, 0), n);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(sql);
	return n;
}

/* The slot file behind the outbox's back: draft id's slot, and its
 * wrapped key there (72 bytes: nonce, key, tag). */
static unsigned
raw_slot(struct fx *fx, const uint8_t *id)
{
	sqlite3 *db = raw(fx);
	sqlite3_stmt *st;
	int slot = -1;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT slot FROM drafts "
	    "WHERE id = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, id, OUTBOX_ID_BYTES, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) == SQLITE_INTEGER)
		slot = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_true(slot >= 0 && slot < SLOT_COUNT);
	return (unsigned)slot;
}

static void
slot_io(struct fx *fx, unsigned slot, uint8_t *buf, size_t len, int wr)
{
	char *path = xasprintf("%s/%s", fx->dir, SLOT_FILE);
	int fd = open(path, O_RDWR);

	assert_true(fd >= 0);
	if (wr)
		assert_int_equal(pwrite(fd, buf, len,
		    (off_t)(slot + 1) * SLOT_BYTES), (ssize_t)len);
	else
		assert_int_equal(pread(fd, buf, len,
		    (off_t)(slot + 1) * SLOT_BYTES), (ssize_t)len);
	close(fd);
	free(path);
}

static size_t
raw_key(struct fx *fx, const uint8_t *id, uint8_t *out)
{
	slot_io(fx, raw_slot(fx, id), out, 72, 0);
	return 72;
}

static void
raw_set_key(struct fx *fx, const uint8_t *id, uint8_t *in)
{
	slot_io(fx, raw_slot(fx, id), in, 72, 1);
}

static void
raw_set_blob(struct fx *fx, const char *col, const uint8_t *id,
    const uint8_t *v, size_t n)
{
	sqlite3 *db = raw(fx);
	sqlite3_stmt *st;
	char *sql = xasprintf("UPDATE drafts SET %s = ? WHERE id = ?", col);

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, v, (int)n, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, id, OUTBOX_ID_BYTES, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	assert_int_equal(sqlite3_changes(db), 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(sql);
}

static sqlite3_int64
raw_int(struct fx *fx, const char *sql)
{
	sqlite3 *db = raw(fx);
	sqlite3_stmt *st;
	sqlite3_int64 v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void
assert_loads(struct outbox *ob, const uint8_t *master, const uint8_t *id,
    const char *want)
{
	struct err e = { .msg = "" };
	uint8_t *p;
	size_t n;

	if (outbox_draft_load(ob, master, id, &p, &n, &e) == -1)
		fail_msg("load: %s", e.msg);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(p, want, n);
	xfree_wipe(p, n);
}

static void
test_open_creates(void **state)
{
	struct fx *fx = *state;
	struct outbox *ob;
	struct stat st;
	char *wal;

	ob = open_ok(fx);
	assert_string_equal(outbox_path(ob), fx->db);
	assert_int_equal(stat(fx->dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(fx->db, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	wal = xasprintf("%s-wal", fx->db);
	assert_int_equal(stat(wal, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(wal);
	assert_int_equal(raw_int(fx, "PRAGMA user_version"), OUTBOX_SCHEMA);
	assert_int_equal(raw_int(fx, "PRAGMA application_id"), 0x41564f42);
	outbox_close(ob);
	/* A file or directory made too open is made private again. */
	assert_int_equal(chmod(fx->db, 0644), 0);
	assert_int_equal(chmod(fx->dir, 0755), 0);
	ob = open_ok(fx);
	assert_int_equal(stat(fx->dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(fx->db, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	outbox_close(ob);
}

static void
test_draft_round_trip(void **state)
{
	struct fx *fx = *state;
	struct outbox *ob = open_ok(fx);
	struct err e = { .msg = "" };
	uint8_t a[OUTBOX_ID_BYTES], b[OUTBOX_ID_BYTES], (*ids)[OUTBOX_ID_BYTES];
	uint8_t *p;
	char hex[2 * OUTBOX_ID_BYTES + 1], want[200];
	size_t n;

	assert_int_equal(outbox_draft_new(ob, fx->master, a, &e), 0);
	assert_int_equal(outbox_draft_new(ob, fx->master, b, &e), 0);
	assert_true(memcmp(a, b, sizeof a) != 0);
	assert_loads(ob, fx->master, a, "");
	assert_int_equal(
	    outbox_draft_save(ob, fx->master, a, "Hälsa på å ä ö 😀",
		strlen("Hälsa på å ä ö 😀"), &e),
	    0);
	assert_int_equal(outbox_draft_save(ob, fx->master, b, "b", 1, &e), 0);
	assert_loads(ob, fx->master, a, "Hälsa på å ä ö 😀");
	assert_loads(ob, fx->master, b, "b");
	assert_int_equal(outbox_draft_list(ob, &ids, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_true(memcmp(ids[0], ids[1], OUTBOX_ID_BYTES) < 0);
	assert_true(memcmp(ids[0], a, sizeof a) == 0 ||
		    memcmp(ids[1], a, sizeof a) == 0);
	free(ids);
	/* Still there after closing and opening again. */
	outbox_close(ob);
	ob = open_ok(fx);
	assert_loads(ob, fx->master, a, "Hälsa på å ä ö 😀");
	assert_int_equal(outbox_draft_delete(ob, a, &e), 0);
	env_id_hex(a, hex);
	snprintf(want, sizeof want, "%s: there is no draft %s", fx->db, hex);
	assert_int_equal(outbox_draft_load(ob, fx->master, a, &p, &n, &e), -1);
	assert_string_equal(e.msg, want);
	assert_int_equal(outbox_draft_save(ob, fx->master, a, "x", 1, &e), -1);
	assert_string_equal(e.msg, want);
	assert_int_equal(outbox_draft_delete(ob, a, &e), -1);
	assert_string_equal(e.msg, want);
	assert_int_equal(outbox_draft_list(ob, &ids, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(ids[0], b, sizeof b);
	free(ids);
	outbox_close(ob);
}

/* Every save draws a new nonce; the wrapped key never changes. */
static void
test_fresh_nonce(void **state)
{
	struct fx *fx = *state;
	struct outbox *ob = open_ok(fx);
	struct err e;
	uint8_t id[OUTBOX_ID_BYTES], n1[64], n2[64], c1[64], c2[64];
	uint8_t k1[128], k2[128];
	size_t l1, l2;

	assert_int_equal(outbox_draft_new(ob, fx->master, id, &e), 0);
	assert_int_equal(
	    outbox_draft_save(ob, fx->master, id, "same", 4, &e), 0);
	assert_int_equal(raw_blob(fx, "nonce", id, n1, sizeof n1), 24);
	l1 = raw_blob(fx, "ciphertext", id, c1, sizeof c1);
	assert_int_equal(raw_key(fx, id, k1), 72);
	assert_int_equal(raw_blob(fx, "wrapped_key", id, k2, sizeof k2), 0);
	assert_int_equal(
	    outbox_draft_save(ob, fx->master, id, "same", 4, &e), 0);
	assert_int_equal(raw_blob(fx, "nonce", id, n2, sizeof n2), 24);
	l2 = raw_blob(fx, "ciphertext", id, c2, sizeof c2);
	assert_int_equal(raw_key(fx, id, k2), 72);
	assert_int_equal(l1, 4 + 16);
	assert_int_equal(l1, l2);
	assert_true(memcmp(n1, n2, 24) != 0);
	assert_true(memcmp(c1, c2, l1) != 0);
	assert_memory_equal(k1, k2, 72);
	/* Nothing in clear: the plaintext is not in the row. */
	assert_null(memmem(c2, l2, "same", 4));
	outbox_close(ob);
}

static void
test_wrong_master(void **state)
{
	struct fx *fx = *state;
	struct outbox *ob = open_ok(fx);
	struct err e;
	uint8_t id[OUTBOX_ID_BYTES], other[OUTBOX_KEY_BYTES], *p;
	char hex[2 * OUTBOX_ID_BYTES + 1], want[300];
	size_t n;

	assert_int_equal(outbox_draft_new(ob, fx->master, id, &e), 0);
	assert_int_equal(outbox_draft_save(ob, fx->master, id, "x", 1, &e), 0);
	randombytes_buf(other, sizeof other);
	env_id_hex(id, hex);
	snprintf(want, sizeof want,
	    "%s: the key of draft %s does not open "
	    "with this profile's draft key: the draft is damaged, its key "
	    "was lost with %s/draftkeys, or it belongs to another profile",
	    fx->db, hex, fx->dir);
	assert_int_equal(outbox_draft_load(ob, other, id, &p, &n, &e), -1);
	assert_string_equal(e.msg, want);
	assert_null(p);
	assert_int_equal(outbox_draft_save(ob, other, id, "y", 1, &e), -1);
	assert_string_equal(e.msg, want);
	assert_loads(ob, fx->master, id, "x");
	outbox_close(ob);
}

/* A changed byte anywhere in a stored draft is refused and named; the
 * other draft loads as before. */
static void
test_flipped_draft(void **state)
{
	static const char *const cols[] = {
	    "ciphertext", "nonce", "wrapped_key"};
	struct fx *fx = *state;
	struct outbox *ob = open_ok(fx);
	struct err e;
	uint8_t a[OUTBOX_ID_BYTES], b[OUTBOX_ID_BYTES], v[256], *p;
	char hex[2 * OUTBOX_ID_BYTES + 1];
	size_t c, i, n, len;

	assert_int_equal(outbox_draft_new(ob, fx->master, a, &e), 0);
	assert_int_equal(outbox_draft_new(ob, fx->master, b, &e), 0);
	assert_int_equal(
	    outbox_draft_save(ob, fx->master, a, "draft A", 7, &e), 0);
	assert_int_equal(
	    outbox_draft_save(ob, fx->master, b, "draft B", 7, &e), 0);
	env_id_hex(a, hex);
	for (c = 0; c < 3; c++) {
		len = c == 2 ? raw_key(fx, a, v) :
		    raw_blob(fx, cols[c], a, v, sizeof v);
		assert_true(len > 0);
		for (i = 0; i < len; i++) {
			v[i] ^= 0x01;
			if (c == 2)
				raw_set_key(fx, a, v);
			else
				raw_set_blob(fx, cols[c], a, v, len);
			err_clear(&e);
			assert_int_equal(
			    outbox_draft_load(ob, fx->master, a, &p, &n, &e),
			    -1);
			assert_non_null(strstr(e.msg, hex));
			if (c == 0)
				assert_non_null(strstr(e.msg,
				    "is damaged (it "
				    "does not authenticate): it cannot be "
				    "recovered; other drafts are not "
				    "affected"));
			assert_loads(ob, fx->master, b, "draft B");
			v[i] ^= 0x01;
		}
		if (c == 2) { /* the key, in its slot: no length to cut */
			raw_set_key(fx, a, v);
			assert_loads(ob, fx->master, a, "draft A");
			continue;
		}
		/* Truncated by one byte. */
		raw_set_blob(fx, cols[c], a, v, len - 1);
		assert_int_equal(
		    outbox_draft_load(ob, fx->master, a, &p, &n, &e), -1);
		assert_non_null(strstr(e.msg, hex));
		raw_set_blob(fx, cols[c], a, v, len);
		assert_loads(ob, fx->master, a, "draft A");
	}
	/* B's content moved into A's row does not open: rows are bound to
	 * their ids. */
	len = raw_blob(fx, "ciphertext", b, v, sizeof v);
	raw_set_blob(fx, "ciphertext", a, v, len);
	len = raw_blob(fx, "nonce", b, v, sizeof v);
	raw_set_blob(fx, "nonce", a, v, len);
	assert_int_equal(outbox_draft_load(ob, fx->master, a, &p, &n, &e), -1);
	raw_key(fx, b, v);
	raw_set_key(fx, a, v);
	assert_int_equal(outbox_draft_load(ob, fx->master, a, &p, &n, &e), -1);
	assert_loads(ob, fx->master, b, "draft B");
	outbox_close(ob);
}

static void
make_env(uint8_t id[OUTBOX_ID_BYTES], uint8_t **blob, size_t len)
{
	randombytes_buf(id, OUTBOX_ID_BYTES);
	*blob = xmalloc(len);
	randombytes_buf(*blob, len);
}

static void
test_submit(void **state)
{
	struct fx *fx = *state;
	struct outbox *ob = open_ok(fx);
	struct err e;
	struct outbox_env *envs;
	uint8_t d[OUTBOX_ID_BYTES], d2[OUTBOX_ID_BYTES], eid[OUTBOX_ID_BYTES];
	uint8_t nod[OUTBOX_ID_BYTES], *blob, *p, (*ids)[OUTBOX_ID_BYTES];
	size_t n;
	struct stat st;
	char *wal;

	assert_int_equal(outbox_draft_new(ob, fx->master, d, &e), 0);
	assert_int_equal(outbox_draft_new(ob, fx->master, d2, &e), 0);
	assert_int_equal(
	    outbox_draft_save(ob, fx->master, d, "answers", 7, &e), 0);
	make_env(eid, &blob, 1072);
	assert_int_equal(outbox_submit(ob, d, eid, blob, 1072, &e), 0);
	assert_int_equal(outbox_draft_load(ob, fx->master, d, &p, &n, &e), -1);
	assert_non_null(strstr(e.msg, "there is no draft"));
	assert_int_equal(outbox_env_list(ob, &envs, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(envs[0].id, eid, OUTBOX_ID_BYTES);
	assert_int_equal(envs[0].len, 1072);
	assert_memory_equal(envs[0].blob, blob, 1072);
	assert_int_equal(envs[0].exported, 0);
	outbox_env_list_free(envs, n);
	/* The WAL is empty after submit. */
	wal = xasprintf("%s-wal", fx->db);
	assert_int_equal(stat(wal, &st), 0);
	assert_int_equal(st.st_size, 0);
	free(wal);

	/* A draft that does not exist: no envelope is stored either. */
	randombytes_buf(nod, sizeof nod);
	free(blob);
	make_env(eid, &blob, 1072);
	assert_int_equal(outbox_submit(ob, nod, eid, blob, 1072, &e), -1);
	assert_non_null(strstr(e.msg, "there is no draft"));
	assert_int_equal(outbox_env_count(ob, &n, &e), 0);
	assert_int_equal(n, 1);
	/* An envelope id already used: the draft stays. */
	assert_int_equal(outbox_env_list(ob, &envs, &n, &e), 0);
	assert_int_equal(outbox_submit(ob, d2, envs[0].id, blob, 1072, &e), -1);
	assert_non_null(strstr(e.msg, "cannot store the sealed interview"));
	outbox_env_list_free(envs, n);
	assert_loads(ob, fx->master, d2, "");
	assert_int_equal(outbox_env_count(ob, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(outbox_submit(ob, d2, eid, blob, 0, &e), -1);
	assert_int_equal(outbox_draft_list(ob, &ids, &n, &e), 0);
	assert_int_equal(n, 1);
	free(ids);
	free(blob);
	outbox_close(ob);
}

/* A receipt that HR answers with other bytes for several envelopes
 * names every one of them (up to five), not only the first. */
static void
test_ack_many_names_all(void **state)
{
	struct fx *fx = *state;
	struct outbox *ob = open_ok(fx);
	struct outbox_ack acks[7];
	struct err e;
	uint8_t d[OUTBOX_ID_BYTES], *blob;
	char hex[2 * OUTBOX_ID_BYTES + 1];
	size_t i, rm, ref;

	for (i = 0; i < 7; i++) {
		assert_int_equal(outbox_draft_new(ob, fx->master, d, &e), 0);
		make_env(acks[i].id, &blob, 2096);
		assert_int_equal(outbox_submit(ob, d, acks[i].id, blob, 2096,
		    &e), 0);
		env_hash(acks[i].hash, blob, 2096);
		free(blob);
	}
	acks[1].hash[0] ^= 1;
	acks[4].hash[0] ^= 1;
	assert_int_equal(outbox_env_ack_many(ob, acks, 7, &rm, &ref, &e), 0);
	assert_int_equal(rm, 5);
	assert_int_equal(ref, 2);
	env_id_hex(acks[1].id, hex);
	assert_non_null(strstr(e.msg, hex));
	env_id_hex(acks[4].id, hex);
	assert_non_null(strstr(e.msg, hex));
	assert_non_null(strstr(e.msg, "the acknowledgements for 2 envelopes"));
	assert_int_equal(e.cls, ERR_DATA);
	/* seven refused: five named, and a sign that there are more */
	for (i = 0; i < 7; i++) {
		assert_int_equal(outbox_draft_new(ob, fx->master, d, &e), 0);
		make_env(acks[i].id, &blob, 2096);
		assert_int_equal(outbox_submit(ob, d, acks[i].id, blob, 2096,
		    &e), 0);
		env_hash(acks[i].hash, blob, 2096);
		acks[i].hash[0] ^= 1;
		free(blob);
	}
	assert_int_equal(outbox_env_ack_many(ob, acks, 7, &rm, &ref, &e), 0);
	assert_int_equal(rm, 0);
	assert_int_equal(ref, 7);
	env_id_hex(acks[4].id, hex);
	assert_non_null(strstr(e.msg, hex));
	env_id_hex(acks[5].id, hex);
	assert_null(strstr(e.msg, hex));
	assert_non_null(strstr(e.msg, "for 7 envelopes ("));
	assert_non_null(strstr(e.msg, ", ...) do not match"));
	outbox_close(ob);
}

static void
test_envelopes(void **state)
{
	struct fx *fx = *state;
	struct outbox *ob = open_ok(fx);
	struct err e;
	struct outbox_env *envs;
	uint8_t d[OUTBOX_ID_BYTES], eid[OUTBOX_ID_BYTES], *blob;
	uint8_t h[OUTBOX_HASH_BYTES], bad[OUTBOX_HASH_BYTES];
	size_t n;
	int removed;
	char *v;

	assert_int_equal(outbox_draft_new(ob, fx->master, d, &e), 0);
	make_env(eid, &blob, 2096);
	assert_int_equal(outbox_submit(ob, d, eid, blob, 2096, &e), 0);
	assert_int_equal(outbox_env_mark_exported(ob, eid, &e), 0);
	assert_int_equal(outbox_env_list(ob, &envs, &n, &e), 0);
	assert_int_equal(envs[0].exported, 1);
	outbox_env_list_free(envs, n);
	env_hash(h, blob, 2096);
	memcpy(bad, h, sizeof bad);
	bad[0] ^= 1;
	assert_int_equal(outbox_env_ack(ob, eid, bad, &removed, &e), -1);
	assert_non_null(strstr(e.msg, "does not match what was sent: it is "
				      "kept for the next sync"));
	assert_int_equal(removed, 0);
	assert_int_equal(outbox_env_count(ob, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(outbox_env_ack(ob, eid, h, &removed, &e), 0);
	assert_int_equal(removed, 1);
	assert_int_equal(outbox_env_count(ob, &n, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(outbox_env_ack(ob, eid, h, &removed, &e), 0);
	assert_int_equal(removed, 0);
	assert_int_equal(outbox_env_mark_exported(ob, eid, &e), -1);
	assert_non_null(strstr(e.msg, "there is no envelope"));
	free(blob);

	assert_int_equal(outbox_meta_get(ob, OUTBOX_META_LAST_SYNC, &v, &e), 0);
	assert_null(v);
	assert_int_equal(
	    outbox_meta_set(ob, OUTBOX_META_LAST_SYNC, "1764150000", &e), 0);
	assert_int_equal(
	    outbox_meta_set(ob, OUTBOX_META_LAST_SYNC, "1764150001", &e), 0);
	assert_int_equal(outbox_meta_get(ob, OUTBOX_META_LAST_SYNC, &v, &e), 0);
	assert_string_equal(v, "1764150001");
	free(v);
	outbox_close(ob);
}

static void
write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void
test_not_avslut(void **state)
{
	struct fx *fx = *state;
	struct outbox *ob;
	struct err e;
	char junk[4096], want[400];
	sqlite3 *db;

	assert_int_equal(mkdir(fx->dir, 0700), 0);
	memset(junk, 'j', sizeof junk);
	write_file(fx->db, junk, sizeof junk);
	assert_int_equal(outbox_open(fx->dir, &ob, &e), -1);
	assert_null(ob);
	snprintf(want, sizeof want,
	    "%s is not an avslut outbox (not an SQLite "
	    "database): move it away; the outbox is created anew",
	    fx->db);
	assert_string_equal(e.msg, want);
	assert_int_equal(e.cls, ERR_DATA);	/* avslut sync exits 65 */

	/* Another program's database. */
	assert_int_equal(unlink(fx->db), 0);
	assert_int_equal(sqlite3_open(fx->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
			     "CREATE TABLE photos (x); "
			     "INSERT INTO photos VALUES (1)",
			     NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(outbox_open(fx->dir, &ob, &e), -1);
	snprintf(want, sizeof want,
	    "%s is not an avslut outbox (another "
	    "program's SQLite database): move it away; the outbox is created "
	    "anew",
	    fx->db);
	assert_string_equal(e.msg, want);
	assert_int_equal(e.cls, ERR_DATA);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM photos"), 1);

	/* Ours, from a newer version. */
	assert_int_equal(unlink(fx->db), 0);
	ob = open_ok(fx);
	outbox_close(ob);
	db = raw(fx);
	assert_int_equal(
	    sqlite3_exec(db, "PRAGMA user_version = 9", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(outbox_open(fx->dir, &ob, &e), -1);
	snprintf(want, sizeof want,
	    "%s was made by a newer avslut (schema 9, this one knows %d): "
	    "update avslut",
	    fx->db, OUTBOX_SCHEMA);
	assert_string_equal(e.msg, want);

	/* Ours, but damaged where SQLite keeps the schema: named, with
	 * what to do, never an empty message. */
	assert_int_equal(unlink(fx->db), 0);
	ob = open_ok(fx);
	outbox_close(ob);
	{
		int fd = open(fx->db, O_WRONLY);

		assert_true(fd != -1);
		memset(junk, 0xff, 200);
		assert_int_equal(pwrite(fd, junk, 200, 100), 200);
		close(fd);
	}
	strcpy(e.msg, "");
	assert_int_equal(outbox_open(fx->dir, &ob, &e), -1);
	assert_null(ob);
	snprintf(want, sizeof want,
	    "cannot open: %s is damaged (database disk image is malformed): "
	    "restore it "
	    "from a backup, or move it away to start a new, empty outbox",
	    fx->db);
	assert_string_equal(e.msg, want);

	/* Not a regular file. */
	assert_int_equal(unlink(fx->db), 0);
	assert_int_equal(mkdir(fx->db, 0700), 0);
	assert_int_equal(outbox_open(fx->dir, &ob, &e), -1);
	assert_non_null(strstr(e.msg, fx->db));
	assert_int_equal(rmdir(fx->db), 0);
}

/* Run fn in a child that cannot override file permissions (as root it
 * becomes nobody, who owns the test files). Returns the exit status. */
static int
run_unprivileged(struct fx *fx, int (*fn)(struct fx *))
{
	pid_t pid;
	int status;

	if (geteuid() == 0) {
		assert_int_equal(chown(fx->root, 65534, 65534), 0);
		assert_int_equal(chown(fx->dir, 65534, 65534), 0);
		assert_int_equal(chown(fx->db, 65534, 65534), 0);
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 &&
		    (setgroups(0, NULL) == -1 || setgid(65534) == -1 ||
			setuid(65534) == -1))
			_exit(90);
		_exit(fn(fx));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int
child_open_ro(struct fx *fx)
{
	struct outbox *ob;
	struct err e = { .msg = "" };
	char want[400];

	if (outbox_open(fx->dir, &ob, &e) == 0)
		return 1;
	snprintf(want, sizeof want,
	    "%s is read-only (Permission denied): the "
	    "outbox must be writable: check the file's owner and "
	    "permissions, or the disk",
	    fx->db);
	if (strcmp(e.msg, want) != 0) {
		fprintf(stderr, "got: %s\n", e.msg);
		return 2;
	}
	return 0;
}

static int
child_open_ro_dir(struct fx *fx)
{
	struct outbox *ob;
	struct err e = { .msg = "" };

	if (outbox_open(fx->dir, &ob, &e) == 0)
		return 1;
	if (strstr(e.msg, fx->db) == NULL ||
	    strstr(e.msg, "the outbox and "
			  "its directory") == NULL ||
	    strstr(e.msg, "must be writable: "
			  "check their owner and permissions") == NULL) {
		fprintf(stderr, "got: %s\n", e.msg);
		return 2;
	}
	return 0;
}

static void
test_read_only(void **state)
{
	struct fx *fx = *state;
	struct outbox *ob = open_ok(fx);
	struct err e;
	uint8_t id[OUTBOX_ID_BYTES];
	sqlite3_int64 before;

	assert_int_equal(outbox_draft_new(ob, fx->master, id, &e), 0);
	assert_int_equal(
	    outbox_draft_save(ob, fx->master, id, "kept", 4, &e), 0);
	outbox_close(ob);
	before = raw_int(fx, "SELECT count(*) FROM drafts");
	assert_int_equal(chmod(fx->db, 0400), 0);
	assert_int_equal(run_unprivileged(fx, child_open_ro), 0);
	/* A directory where the write-ahead log cannot be created. */
	assert_int_equal(chmod(fx->db, 0600), 0);
	assert_int_equal(chmod(fx->dir, 0500), 0);
	assert_int_equal(run_unprivileged(fx, child_open_ro_dir), 0);
	assert_int_equal(chmod(fx->dir, 0700), 0);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM drafts"), before);
	ob = open_ok(fx);
	assert_loads(ob, fx->master, id, "kept");
	outbox_close(ob);
}

/* The disk fills up during submit: in a child whose files may not grow
 * past 16 KiB, a 64 KiB envelope cannot be written. */
static void
test_full_disk(void **state)
{
	struct fx *fx = *state;
	struct outbox *ob = open_ok(fx);
	struct err e;
	uint8_t id[OUTBOX_ID_BYTES], eid[OUTBOX_ID_BYTES], *blob;
	uint8_t(*ids)[OUTBOX_ID_BYTES];
	struct rlimit rl = {16384, 16384};
	size_t n;
	pid_t pid;
	int status;

	assert_int_equal(outbox_draft_new(ob, fx->master, id, &e), 0);
	assert_int_equal(
	    outbox_draft_save(ob, fx->master, id, "survives", 8, &e), 0);
	outbox_close(ob);
	make_env(eid, &blob, 65536 + 48);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct outbox *cob;
		struct err ce = { .msg = "" };

		signal(SIGXFSZ, SIG_IGN);
		if (outbox_open(fx->dir, &cob, &ce) == -1)
			_exit(10);
		if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
			_exit(11);
		if (outbox_submit(cob, id, eid, blob, 65536 + 48, &ce) == 0)
			_exit(12);
		if (strstr(ce.msg, fx->db) == NULL ||
		    strstr(ce.msg,
			"cannot submit (nothing was changed and the draft is "
			"kept): ") == NULL) {
			fprintf(stderr, "got: %s\n", ce.msg);
			_exit(13);
		}
		/* The connection is still usable and the draft still there. */
		if (outbox_env_count(cob, &n, &ce) == -1 || n != 0)
			_exit(14);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* Nothing changed: the draft loads, no envelope, the file is sound. */
	ob = open_ok(fx);
	assert_loads(ob, fx->master, id, "survives");
	assert_int_equal(outbox_env_count(ob, &n, &e), 0);
	assert_int_equal(n, 0);
	outbox_close(ob);
	assert_int_equal(
	    raw_int(fx, "SELECT count(*) FROM pragma_integrity_check "
			"WHERE integrity_check != 'ok'"),
	    0);
	/* With room again the submit goes through. */
	ob = open_ok(fx);
	assert_int_equal(outbox_submit(ob, id, eid, blob, 65536 + 48, &e), 0);
	assert_int_equal(outbox_draft_list(ob, &ids, &n, &e), 0);
	assert_int_equal(n, 0);
	free(ids);
	outbox_close(ob);
	free(blob);
}

/* Killed at the named crash points inside submit: before the commit
 * nothing happened, after it everything did. */
static void
crash_submit(struct fx *fx, const char *point, int committed)
{
	struct outbox *ob = open_ok(fx);
	struct err e;
	uint8_t id[OUTBOX_ID_BYTES], eid[OUTBOX_ID_BYTES], *blob, *p;
	size_t n;
	pid_t pid;
	int status;

	assert_int_equal(outbox_draft_new(ob, fx->master, id, &e), 0);
	assert_int_equal(
	    outbox_draft_save(ob, fx->master, id, "crash", 5, &e), 0);
	outbox_close(ob);
	make_env(eid, &blob, 1072);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct outbox *cob;
		struct err ce;

		setenv("AVSLUT_CRASH", point, 1);
		if (outbox_open(fx->dir, &cob, &ce) == -1)
			_exit(10);
		outbox_submit(cob, id, eid, blob, 1072, &ce);
		_exit(11); /* not reached */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	ob = open_ok(fx);
	assert_int_equal(outbox_env_count(ob, &n, &e), 0);
	assert_int_equal(n, committed ? 1 : 0);
	if (committed)
		assert_int_equal(
		    outbox_draft_load(ob, fx->master, id, &p, &n, &e), -1);
	else
		assert_loads(ob, fx->master, id, "crash");
	outbox_close(ob);
	free(blob);
}

static void
test_crash_before_commit(void **state)
{
	crash_submit(*state, "outbox-submit-before-commit", 0);
}

static void
test_crash_after_commit(void **state)
{
	crash_submit(*state, "outbox-submit-after-commit", 1);
}

/* --- the canary ---------------------------------------------------------- */

struct needle {
	uint8_t *b;
	size_t n;
	const char *what;
};

static struct needle needles[16];
static size_t nneedles;
static char found[512];

static void
add_needle(const void *b, size_t n, const char *what)
{
	assert_true(nneedles < 16);
	needles[nneedles].b = xmalloc(n);
	memcpy(needles[nneedles].b, b, n);
	needles[nneedles].n = n;
	needles[nneedles].what = what;
	nneedles++;
}

/* The text in UTF-8, UTF-32LE, UTF-32BE and UTF-16LE. */
static void
add_text_needles(const char *s)
{
	size_t n = strlen(s), i = 0, k, l;
	uint8_t *le = xmalloc(4 * n), *be = xmalloc(4 * n);
	uint8_t *u16 = xmalloc(4 * n);
	size_t m = 0, m16 = 0;
	uint32_t cp;

	add_needle(s, n, "UTF-8");
	while (i < n) {
		l = utf8_decode(s + i, n - i, &cp);
		assert_true(l > 0);
		i += l;
		for (k = 0; k < 4; k++) {
			le[m + k] = (uint8_t)(cp >> (8 * k));
			be[m + k] = (uint8_t)(cp >> (8 * (3 - k)));
		}
		m += 4;
		if (cp < 0x10000) {
			u16[m16++] = (uint8_t)cp;
			u16[m16++] = (uint8_t)(cp >> 8);
		} else {
			uint32_t v = cp - 0x10000, hi = 0xd800 + (v >> 10),
				 lo = 0xdc00 + (v & 0x3ff);

			u16[m16++] = (uint8_t)hi;
			u16[m16++] = (uint8_t)(hi >> 8);
			u16[m16++] = (uint8_t)lo;
			u16[m16++] = (uint8_t)(lo >> 8);
		}
	}
	add_needle(le, m, "UTF-32LE");
	add_needle(be, m, "UTF-32BE");
	add_needle(u16, m16, "UTF-16LE");
	free(le);
	free(be);
	free(u16);
}

static int
scan_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	uint8_t *buf;
	size_t i;
	int fd;
	ssize_t r;

	(void)f;
	if (flag != FTW_F || !S_ISREG(st->st_mode) || st->st_size == 0)
		return 0;
	buf = xmalloc((size_t)st->st_size);
	fd = open(p, O_RDONLY);
	if (fd == -1) {
		free(buf);
		return 0;
	}
	r = read(fd, buf, (size_t)st->st_size);
	close(fd);
	for (i = 0; r > 0 && i < nneedles; i++)
		if (memmem(buf, (size_t)r, needles[i].b, needles[i].n) != NULL)
			snprintf(found, sizeof found, "%s found in %s",
			    needles[i].what, p);
	free(buf);
	return 0;
}

static void
assert_nowhere(const char *root)
{
	found[0] = '\0';
	assert_int_equal(nftw(root, scan_cb, 16, FTW_PHYS), 0);
	if (found[0] != '\0')
		fail_msg("%s", found);
}

static void
clear_needles(void)
{
	while (nneedles > 0)
		free(needles[--nneedles].b);
}

static void
test_canary(void **state)
{
	struct fx *fx = *state;
	struct outbox *ob;
	struct err e;
	struct record r, d;
	uint8_t keep[OUTBOX_ID_BYTES], sub[OUTBOX_ID_BYTES];
	uint8_t eid[OUTBOX_ID_BYTES], pk[ENV_PK_BYTES], sk[ENV_SK_BYTES];
	uint8_t rnd[8], wrapped[128], ct[16384], nonce[64], *env;
	uint8_t *bigdraft, *bigdraft2;
	char canary[128], canary2[128], hex[17], *tmp, *home;
	size_t envlen, wlen, clen, i;

	tmp = xasprintf("%s/tmp", fx->root);
	home = xasprintf("%s/home", fx->root);
	assert_int_equal(mkdir(tmp, 0700), 0);
	assert_int_equal(mkdir(home, 0700), 0);
	setenv("TMPDIR", tmp, 1);
	setenv("HOME", home, 1);
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	snprintf(canary, sizeof canary, "KANARIE-%s vår chef är bra 😀", hex);
	snprintf(canary2, sizeof canary2, "FÅGEL-%s överbelastning 🐦", hex);
	crypto_box_keypair(pk, sk);

	ob = open_ok(fx);
	/* A draft that stays, holding the first canary. */
	assert_int_equal(outbox_draft_new(ob, fx->master, keep, &e), 0);
	assert_int_equal(
	    outbox_draft_save(ob, fx->master, keep, canary, strlen(canary), &e),
	    0);
	/* A draft that is submitted, large enough for overflow pages,
	 * saved several times, holding the second canary. */
	assert_int_equal(outbox_draft_new(ob, fx->master, sub, &e), 0);
	bigdraft = xmalloc(12000);
	for (i = 0; i < 5; i++) {
		memset(bigdraft, 'a' + (int)i, 12000);
		memcpy(bigdraft + 100 * i, canary2, strlen(canary2));
		assert_int_equal(
		    outbox_draft_save(ob, fx->master, sub, bigdraft, 12000, &e),
		    0);
	}
	wlen = raw_key(fx, sub, wrapped);
	assert_int_equal(raw_blob(fx, "nonce", sub, nonce, sizeof nonce), 24);
	clen = raw_blob(fx, "ciphertext", sub, ct, sizeof ct);
	assert_int_equal(clen, 12000 + 16);
	add_text_needles(canary);
	add_text_needles(canary2);
	assert_nowhere(fx->root);

	/* Seal a record holding the second canary, then submit. */
	memset(&r, 0, sizeof r);
	r.unit = xstrdup("AVD-1");
	r.year = 2026;
	r.form_id = xstrdup("exit-interview");
	r.form_version = 1;
	r.lang = xstrdup("sv");
	r.nanswers = 1;
	r.answers = xcalloc(1, sizeof *r.answers);
	r.answers[0].state = FORM_ANSWERED;
	r.answers[0].text = xstrdup(canary2);
	assert_int_equal(env_seal(&r, pk, eid, &env, &envlen, &e), 0);
	record_free(&r);
	assert_int_equal(outbox_submit(ob, sub, eid, env, envlen, &e), 0);

	/* No trace of the submitted draft: not its wrapped key, not its
	 * nonce, not its content. Without the wrapped key, no passphrase
	 * and no master key can recover it. Checked with the outbox still
	 * open (submit itself cleans up) and after closing it. */
	add_needle(wrapped, 24, "the wrapped key's nonce");
	add_needle(wrapped + 24, wlen - 24, "the wrapped draft key");
	add_needle(nonce, 24, "the last draft nonce");
	add_needle(ct, 32, "the last draft ciphertext");
	assert_nowhere(fx->root);
	outbox_close(ob);
	assert_nowhere(fx->root);
	clear_needles();

	ob = open_ok(fx);
	assert_int_equal(
	    outbox_draft_load(ob, fx->master, sub, &bigdraft2, &clen, &e), -1);
	assert_null(bigdraft2);
	assert_loads(ob, fx->master, keep, canary);
	outbox_close(ob);
	/* The laptop's key material does not open the envelope; HR's does. */
	ob = open_ok(fx);
	{
		struct outbox_env *envs;
		size_t n;

		assert_int_equal(outbox_env_list(ob, &envs, &n, &e), 0);
		assert_int_equal(n, 1);
		assert_int_equal(env_open(&d, envs[0].id, envs[0].blob,
				     envs[0].len, pk, fx->master, &e),
		    -1);
		assert_int_equal(env_open(&d, envs[0].id, envs[0].blob,
				     envs[0].len, pk, sk, &e),
		    0);
		assert_string_equal(d.answers[0].text, canary2);
		record_free(&d);
		outbox_env_list_free(envs, n);
	}
	outbox_close(ob);
	free(env);
	free(bigdraft);
	free(tmp);
	free(home);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_creates, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_draft_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fresh_nonce, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wrong_master, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_flipped_draft, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_submit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_envelopes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ack_many_names_all, setup,
		teardown),
	    cmocka_unit_test_setup_teardown(test_not_avslut, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_full_disk, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_crash_before_commit, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_crash_after_commit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_canary, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
