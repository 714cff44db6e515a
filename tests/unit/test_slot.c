/* Unit tests for src/store/slot (the draft-key file: created whole, never
 * renamed, truncated or grown, slots overwritten in place, damage refused
 * untouched) and for the outbox's use of it: kill -9 at every named crash
 * point of new draft, save, submit, delete, the sweep and the migration of
 * a schema-1 outbox loses no draft and leaves no key of a draft that is
 * sealed or deleted. */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/outbox.h"
#include "store/slot.h"
#include "util/xmem.h"

struct fx {
	char root[64];
	char *dir;	/* root/data */
	char *file;	/* dir/draftkeys */
	char *db;	/* dir/outbox.db */
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
setup_in(void **state, const char *tmpl)
{
	struct fx *fx = xcalloc(1, sizeof *fx);

	strcpy(fx->root, tmpl);
	if (mkdtemp(fx->root) == NULL)
		return -1;
	fx->dir = xasprintf("%s/data", fx->root);
	fx->file = xasprintf("%s/%s", fx->dir, SLOT_FILE);
	fx->db = xasprintf("%s/%s", fx->dir, OUTBOX_FILE);
	if (mkdir(fx->dir, 0700) == -1)
		return -1;
	randombytes_buf(fx->master, sizeof fx->master);
	*state = fx;
	return 0;
}

static int
setup(void **state)
{
	return setup_in(state, "/tmp/avslut-slot-XXXXXX");
}

/* In memory where there is a tmpfs: 255 drafts make 510 fsyncs. */
static int
setup_shm(void **state)
{
	struct stat st;

	if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
	    access("/dev/shm", W_OK) == 0)
		return setup_in(state, "/dev/shm/avslut-slot-XXXXXX");
	return setup(state);
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	nftw(fx->root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(fx->dir);
	free(fx->file);
	free(fx->db);
	free(fx);
	return 0;
}

/* The whole slot file (SLOT_FILE_BYTES). */
static void
snap(struct fx *fx, uint8_t *buf)
{
	int fd = open(fx->file, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, SLOT_FILE_BYTES, 0), SLOT_FILE_BYTES);
	close(fd);
}

static const uint8_t *
slot_at(const uint8_t *img, unsigned i)
{
	return img + (size_t)(i + 1) * SLOT_BYTES;
}

/* The whole file, whatever its size (caller frees). */
static uint8_t *
slurp(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	*len = (size_t)st.st_size;
	buf = xmalloc(*len + 1);
	assert_int_equal(pread(fd, buf, *len, 0), (ssize_t)*len);
	close(fd);
	return buf;
}

/* --- the slot module ------------------------------------------------------ */

static void
test_create(void **state)
{
	struct fx *fx = *state;
	struct slot *s;
	struct err e = { .msg = "" };
	struct stat st;
	uint8_t *img = xmalloc(SLOT_FILE_BYTES);
	unsigned i, j, same = 0;

	assert_int_equal(slot_open(fx->dir, &s, &e), 0);
	assert_string_equal(slot_path(s), fx->file);
	assert_int_equal(stat(fx->file, &st), 0);
	assert_int_equal(st.st_size, 32768);
	assert_int_equal(st.st_size, SLOT_FILE_BYTES);
	assert_int_equal(st.st_mode & 0777, 0600);
	snap(fx, img);
	assert_memory_equal(img, "avslutDK\0\0\0\1\0\0\0\200\0\0\0\377", 20);
	/* Free slots are random: no two alike, none all zero. */
	for (i = 0; i < SLOT_COUNT; i++)
		for (j = i + 1; j < SLOT_COUNT; j++)
			same += memcmp(slot_at(img, i), slot_at(img, j),
			    SLOT_BYTES) == 0;
	assert_int_equal(same, 0);
	slot_close(s);
	/* No temporary file left beside it. */
	{
		char *cmd = xasprintf("test $(ls -A %s | wc -l) = 1", fx->dir);

		assert_int_equal(system(cmd), 0);
		free(cmd);
	}
	free(img);
	slot_close(NULL);
}

/* Writes go to the same offsets of the same file, which never changes
 * size, inode or header; a kept slot is not touched by a sweep. */
static void
test_in_place(void **state)
{
	struct fx *fx = *state;
	struct slot *s;
	struct err e = { .msg = "" };
	struct stat st0, st1;
	uint8_t *a = xmalloc(SLOT_FILE_BYTES), *b = xmalloc(SLOT_FILE_BYTES);
	uint8_t data[72], got[SLOT_BYTES], keep[SLOT_COUNT];
	unsigned i;

	assert_int_equal(slot_open(fx->dir, &s, &e), 0);
	assert_int_equal(stat(fx->file, &st0), 0);
	snap(fx, a);
	randombytes_buf(data, sizeof data);
	assert_int_equal(slot_write(s, 7, data, sizeof data, &e), 0);
	assert_int_equal(slot_read(s, 7, got, &e), 0);
	assert_memory_equal(got, data, sizeof data);
	snap(fx, b);
	for (i = 0; i < SLOT_COUNT; i++)
		if (i != 7)
			assert_memory_equal(slot_at(a, i), slot_at(b, i),
			    SLOT_BYTES);
	assert_memory_equal(a, b, SLOT_BYTES); /* the header */
	/* The last slot too: the file does not grow. */
	assert_int_equal(slot_write(s, SLOT_COUNT - 1, data, 10, &e), 0);
	/* Wipe: the slot changes, nothing else. */
	snap(fx, a);
	assert_int_equal(slot_wipe(s, 7, &e), 0);
	snap(fx, b);
	assert_null(memmem(b, SLOT_FILE_BYTES, data, 16));
	assert_memory_not_equal(slot_at(a, 7), slot_at(b, 7), SLOT_BYTES);
	for (i = 0; i < SLOT_COUNT; i++)
		if (i != 7)
			assert_memory_equal(slot_at(a, i), slot_at(b, i),
			    SLOT_BYTES);
	/* Sweep all but 3, 4 and 200. */
	memset(keep, 0, sizeof keep);
	keep[3] = keep[4] = keep[200] = 1;
	snap(fx, a);
	assert_int_equal(slot_wipe_all_but(s, keep, &e), 0);
	snap(fx, b);
	assert_memory_equal(a, b, SLOT_BYTES);
	for (i = 0; i < SLOT_COUNT; i++)
		if (keep[i])
			assert_memory_equal(slot_at(a, i), slot_at(b, i),
			    SLOT_BYTES);
		else
			assert_memory_not_equal(slot_at(a, i), slot_at(b, i),
			    SLOT_BYTES);
	/* Out of range is refused. */
	assert_int_equal(slot_read(s, SLOT_COUNT, got, &e), -1);
	assert_int_equal(slot_write(s, SLOT_COUNT, data, 1, &e), -1);
	assert_int_equal(slot_write(s, 0, data, SLOT_BYTES + 1, &e), -1);
	slot_close(s);
	/* Reopened: the same file. */
	assert_int_equal(slot_open(fx->dir, &s, &e), 0);
	assert_int_equal(slot_read(s, 3, got, &e), 0);
	assert_memory_equal(got, slot_at(b, 3), SLOT_BYTES);
	slot_close(s);
	assert_int_equal(stat(fx->file, &st1), 0);
	assert_int_equal(st0.st_ino, st1.st_ino);
	assert_int_equal(st1.st_size, SLOT_FILE_BYTES);
	free(a);
	free(b);
}

/* A damaged or foreign file is refused, named, and left as it was. */
static void
test_damaged(void **state)
{
	static const struct {
		off_t off;	/* -1: cut the file short; -2: grow it */
		const char *why;
	} cases[] = {
		{ 0, "no header" }, { 11, "unknown version" },
		{ 15, "the header does not check" },
		{ 40, "the header does not check" },
		{ 120, "the header does not check" },
		{ -1, "wrong size" }, { -2, "wrong size" },
	};
	struct fx *fx = *state;
	struct slot *s;
	struct err e;
	uint8_t *a = xmalloc(SLOT_FILE_BYTES), *b, *after;
	size_t c, blen, alen;
	int fd;

	assert_int_equal(slot_open(fx->dir, &s, &e), 0);
	slot_close(s);
	snap(fx, a);
	for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		uint8_t x;

		fd = open(fx->file, O_RDWR);
		assert_true(fd >= 0);
		if (cases[c].off == -1)
			assert_int_equal(ftruncate(fd, SLOT_FILE_BYTES - 1), 0);
		else if (cases[c].off == -2)
			assert_int_equal(ftruncate(fd, SLOT_FILE_BYTES + 1), 0);
		else {
			x = a[cases[c].off] ^ 0x10;
			assert_int_equal(pwrite(fd, &x, 1, cases[c].off), 1);
		}
		close(fd);
		b = slurp(fx->file, &blen);
		err_clear(&e);
		assert_int_equal(slot_open(fx->dir, &s, &e), -1);
		assert_null(s);
		assert_int_equal(e.cls, ERR_DATA);
		assert_non_null(strstr(e.msg, fx->file));
		assert_non_null(strstr(e.msg, cases[c].why));
		assert_non_null(strstr(e.msg, "move it away"));
		after = slurp(fx->file, &alen);
		assert_int_equal(alen, blen);
		assert_memory_equal(after, b, blen);
		free(after);
		free(b);
		fd = open(fx->file, O_RDWR | O_TRUNC);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, a, SLOT_FILE_BYTES),
		    SLOT_FILE_BYTES);
		close(fd);
		assert_int_equal(slot_open(fx->dir, &s, &e), 0);
		slot_close(s);
	}
	/* A symbolic link is not followed; a directory is not a file. */
	assert_int_equal(rename(fx->file, fx->db), 0);
	assert_int_equal(symlink(fx->db, fx->file), 0);
	assert_int_equal(slot_open(fx->dir, &s, &e), -1);
	assert_non_null(strstr(e.msg, fx->file));
	assert_int_equal(unlink(fx->file), 0);
	assert_int_equal(mkdir(fx->file, 0700), 0);
	assert_int_equal(slot_open(fx->dir, &s, &e), -1);
	assert_non_null(strstr(e.msg, fx->file));
	free(a);
}

/* A file others could read is made private. */
static void
test_mode(void **state)
{
	struct fx *fx = *state;
	struct slot *s;
	struct err e;
	struct stat st;

	assert_int_equal(slot_open(fx->dir, &s, &e), 0);
	slot_close(s);
	assert_int_equal(chmod(fx->file, 0644), 0);
	assert_int_equal(slot_open(fx->dir, &s, &e), 0);
	slot_close(s);
	assert_int_equal(stat(fx->file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

/* --- the outbox's draft keys ------------------------------------------------ */

static struct outbox *
open_ok(struct fx *fx)
{
	struct outbox *ob = NULL;
	struct err e = { .msg = "" };

	if (outbox_open(fx->dir, &ob, &e) == -1)
		fail_msg("outbox_open: %s", e.msg);
	return ob;
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

static sqlite3_int64
raw_int(struct fx *fx, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	sqlite3_int64 v = -1;

	assert_int_equal(sqlite3_open(fx->db, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Draft id's slot, read behind the outbox's back; -1 if none. */
static int
slot_of(struct fx *fx, const uint8_t *id)
{
	char hex[2 * OUTBOX_ID_BYTES + 1], *sql;
	sqlite3_int64 v;

	sodium_bin2hex(hex, sizeof hex, id, OUTBOX_ID_BYTES);
	sql = xasprintf("SELECT coalesce((SELECT slot FROM drafts WHERE "
	    "id = x'%s'), -1)", hex);
	v = raw_int(fx, sql);
	free(sql);
	return (int)v;
}

/* 1 if the 72 bytes at the start of slot i open as draft id's key. */
static int
key_in_slot(struct fx *fx, const uint8_t *img, unsigned i, const uint8_t *id)
{
	uint8_t ad[64], key[32];
	unsigned long long kl;
	const uint8_t *w = slot_at(img, i);

	memcpy(ad, "avslut draft key 1", 18);
	memcpy(ad + 18, id, OUTBOX_ID_BYTES);
	return crypto_aead_xchacha20poly1305_ietf_decrypt(key, &kl, NULL,
	    w + 24, 48, ad, 18 + OUTBOX_ID_BYTES, w, fx->master) == 0;
}

/* Does any slot open as draft id's key? */
static int
key_anywhere(struct fx *fx, const uint8_t *id)
{
	uint8_t *img = xmalloc(SLOT_FILE_BYTES);
	unsigned i;
	int found = 0;

	snap(fx, img);
	for (i = 0; i < SLOT_COUNT; i++)
		found |= key_in_slot(fx, img, i, id);
	free(img);
	return found;
}

enum op { OP_NEW, OP_SAVE, OP_SUBMIT, OP_DELETE, OP_OPEN };

/* In a child: open the outbox and run op on draft id, with AVSLUT_CRASH
 * set to point; the child must die by SIGKILL there. */
static void
crash_child(struct fx *fx, const char *point, enum op op, uint8_t *id)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct outbox *ob;
		struct err e;
		uint8_t eid[OUTBOX_ID_BYTES], env[1072];

		setenv("AVSLUT_CRASH", point, 1);
		if (outbox_open(fx->dir, &ob, &e) == -1)
			_exit(10);
		randombytes_buf(eid, sizeof eid);
		randombytes_buf(env, sizeof env);
		switch (op) {
		case OP_NEW:
			outbox_draft_new(ob, fx->master, id, &e);
			break;
		case OP_SAVE:
			outbox_draft_save(ob, fx->master, id, "second", 6,
			    &e);
			break;
		case OP_SUBMIT:
			outbox_submit(ob, id, eid, env, sizeof env, &e);
			break;
		case OP_DELETE:
			outbox_draft_delete(ob, id, &e);
			break;
		case OP_OPEN:
			break;
		}
		_exit(11); /* not reached */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		fail_msg("%s: the child was not killed there (status %d)",
		    point, status);
}

/* A bystander draft that must survive everything, and the one the test
 * works on, saved as "first". */
static void
two_drafts(struct fx *fx, uint8_t *keep, uint8_t *id)
{
	struct outbox *ob = open_ok(fx);
	struct err e;

	assert_int_equal(outbox_draft_new(ob, fx->master, keep, &e), 0);
	assert_int_equal(outbox_draft_save(ob, fx->master, keep, "bystander",
	    9, &e), 0);
	assert_int_equal(outbox_draft_new(ob, fx->master, id, &e), 0);
	assert_int_equal(outbox_draft_save(ob, fx->master, id, "first", 5,
	    &e), 0);
	outbox_close(ob);
}

static size_t
ndrafts(struct outbox *ob)
{
	uint8_t(*ids)[OUTBOX_ID_BYTES];
	struct err e;
	size_t n;

	assert_int_equal(outbox_draft_list(ob, &ids, &n, &e), 0);
	free(ids);
	return n;
}

static size_t
nenvs(struct outbox *ob)
{
	struct err e;
	size_t n;

	assert_int_equal(outbox_env_count(ob, &n, &e), 0);
	return n;
}

/* Killed half way through a new draft: before the commit, a key with no
 * row (in one of the slots no draft names: which, only the dead process
 * knew), so the next start overwrites every such slot; after the commit,
 * an empty draft. */
static void
test_crash_new(void **state)
{
	struct fx *fx = *state;
	uint8_t keep[OUTBOX_ID_BYTES], id[OUTBOX_ID_BYTES], fresh[16];
	uint8_t *b = xmalloc(SLOT_FILE_BYTES), *c = xmalloc(SLOT_FILE_BYTES);
	struct outbox *ob;
	unsigned i;
	int sk, si;

	two_drafts(fx, keep, id);
	sk = slot_of(fx, keep);
	si = slot_of(fx, id);
	crash_child(fx, "outbox-draft-new-after-slot", OP_NEW, fresh);
	snap(fx, b);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM drafts"), 2);
	ob = open_ok(fx);
	snap(fx, c);
	for (i = 0; i < SLOT_COUNT; i++)
		if ((int)i == sk || (int)i == si)
			assert_memory_equal(slot_at(b, i), slot_at(c, i),
			    SLOT_BYTES);
		else
			assert_memory_not_equal(slot_at(b, i), slot_at(c, i),
			    SLOT_BYTES);
	assert_int_equal(ndrafts(ob), 2);
	assert_loads(ob, fx->master, keep, "bystander");
	assert_loads(ob, fx->master, id, "first");
	outbox_close(ob);

	crash_child(fx, "outbox-draft-new-after-commit", OP_NEW, fresh);
	ob = open_ok(fx);
	assert_int_equal(ndrafts(ob), 3);
	assert_loads(ob, fx->master, keep, "bystander");
	assert_loads(ob, fx->master, id, "first");
	outbox_close(ob);
	free(b);
	free(c);
}

/* Killed around a save: the old content or the new, never neither. */
static void
test_crash_save(void **state)
{
	struct fx *fx = *state;
	uint8_t keep[OUTBOX_ID_BYTES], id[OUTBOX_ID_BYTES];
	struct outbox *ob;

	two_drafts(fx, keep, id);
	crash_child(fx, "outbox-draft-save-before", OP_SAVE, id);
	ob = open_ok(fx);
	assert_loads(ob, fx->master, id, "first");
	outbox_close(ob);
	crash_child(fx, "outbox-draft-save-after", OP_SAVE, id);
	ob = open_ok(fx);
	assert_loads(ob, fx->master, id, "second");
	assert_loads(ob, fx->master, keep, "bystander");
	assert_true(key_anywhere(fx, id));
	outbox_close(ob);
}

/* Killed during a submit or a delete: before its commit the draft is
 * whole; after it the envelope (for a submit) is kept, the draft hidden,
 * and its key overwritten by the next start at the latest. */
static void
crash_gone(struct fx *fx, enum op op, const char *point, int committed)
{
	uint8_t keep[OUTBOX_ID_BYTES], id[OUTBOX_ID_BYTES];
	struct outbox *ob;
	int slot;

	two_drafts(fx, keep, id);
	slot = slot_of(fx, id);
	assert_true(slot >= 0);
	crash_child(fx, point, op, id);
	ob = open_ok(fx);
	assert_loads(ob, fx->master, keep, "bystander");
	if (!committed) {
		assert_int_equal(ndrafts(ob), 2);
		assert_int_equal(nenvs(ob), 0);
		assert_loads(ob, fx->master, id, "first");
		assert_true(key_anywhere(fx, id));
		assert_int_equal(slot_of(fx, id), slot);
	} else {
		assert_int_equal(ndrafts(ob), 1);
		assert_int_equal(nenvs(ob), op == OP_SUBMIT ? 1 : 0);
		assert_false(key_anywhere(fx, id));
		assert_int_equal(slot_of(fx, id), -1);
		assert_int_equal(raw_int(fx, "SELECT count(*) FROM drafts"),
		    1);
	}
	outbox_close(ob);
	/* The bystander's key is still where it was. */
	assert_true(key_anywhere(fx, keep));
}

static void
test_crash_submit(void **state)
{
	struct fx *fx = *state;

	crash_gone(fx, OP_SUBMIT, "outbox-submit-before-commit", 0);
	teardown(state);
	setup(state);
	crash_gone(*state, OP_SUBMIT, "outbox-submit-after-commit", 1);
	teardown(state);
	setup(state);
	crash_gone(*state, OP_SUBMIT, "outbox-forget-after-wipe", 1);
}

static void
test_crash_delete(void **state)
{
	crash_gone(*state, OP_DELETE, "outbox-delete-after-mark", 1);
	teardown(state);
	setup(state);
	crash_gone(*state, OP_DELETE, "outbox-forget-after-wipe", 1);
}

/* Killed after the key is overwritten but before the row goes: the row
 * without a key stays hidden and goes at the next start. Then the sweep
 * itself killed half way is finished by the next one. */
static void
test_crash_sweep(void **state)
{
	struct fx *fx = *state;
	uint8_t keep[OUTBOX_ID_BYTES], id[OUTBOX_ID_BYTES];
	struct outbox *ob;

	two_drafts(fx, keep, id);
	crash_child(fx, "outbox-forget-after-wipe", OP_SUBMIT, id);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM drafts "
	    "WHERE gone = 1"), 1);
	assert_false(key_anywhere(fx, id));
	crash_child(fx, "outbox-sweep-after-wipe", OP_OPEN, id);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM drafts "
	    "WHERE gone = 1"), 1);
	ob = open_ok(fx);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM drafts"), 1);
	assert_int_equal(nenvs(ob), 1);
	assert_loads(ob, fx->master, keep, "bystander");
	outbox_close(ob);
}

/* Every slot taken: a clear refusal; one freed, room again. */
static void
test_full(void **state)
{
	struct fx *fx = *state;
	struct outbox *ob = open_ok(fx);
	struct err e = { .msg = "" };
	uint8_t id[OUTBOX_ID_BYTES], first[OUTBOX_ID_BYTES];
	unsigned i;

	for (i = 0; i < SLOT_COUNT; i++)
		assert_int_equal(outbox_draft_new(ob, fx->master,
		    i == 0 ? first : id, &e), 0);
	assert_int_equal(outbox_draft_new(ob, fx->master, id, &e), -1);
	assert_int_equal(e.cls, ERR_FULL);
	assert_non_null(strstr(e.msg, fx->file));
	assert_non_null(strstr(e.msg, "255 drafts are open"));
	assert_non_null(strstr(e.msg, "seal or delete a draft"));
	assert_int_equal(ndrafts(ob), SLOT_COUNT);
	assert_int_equal(outbox_draft_delete(ob, first, &e), 0);
	assert_int_equal(outbox_draft_new(ob, fx->master, id, &e), 0);
	assert_int_equal(raw_int(fx, "SELECT count(DISTINCT slot) FROM drafts"),
	    SLOT_COUNT);
	outbox_close(ob);
}

/* A second avslut opening the outbox (its sweep) leaves the first one's
 * drafts alone. */
static void
test_two_processes(void **state)
{
	struct fx *fx = *state;
	struct outbox *a = open_ok(fx), *b;
	struct err e;
	uint8_t id[OUTBOX_ID_BYTES];

	assert_int_equal(outbox_draft_new(a, fx->master, id, &e), 0);
	assert_int_equal(outbox_draft_save(a, fx->master, id, "mine", 4, &e),
	    0);
	b = open_ok(fx);
	assert_loads(b, fx->master, id, "mine");
	outbox_close(b);
	assert_int_equal(outbox_draft_save(a, fx->master, id, "still", 5, &e),
	    0);
	assert_loads(a, fx->master, id, "still");
	outbox_close(a);
}

/* --- migration of a schema-1 outbox ----------------------------------------- */

/* A version-1 outbox as avslut 0.1 wrote it: the wrapped keys in the rows.
 * Written here with SQL and libsodium, not with the program's code. */
static void
make_v1(struct fx *fx, uint8_t ids[2][OUTBOX_ID_BYTES],
    uint8_t wrapped[2][72])
{
	static const char *const texts[2] = { "gammalt utkast ett",
	    "gammalt utkast två" };
	sqlite3 *db;
	sqlite3_stmt *st;
	uint8_t key[32], ad[64], nonce[24], ct[64];
	unsigned long long cl;
	int i;

	assert_int_equal(sqlite3_open(fx->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	    "PRAGMA journal_mode = WAL;"
	    "CREATE TABLE drafts ("
	    " id BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),"
	    " wrapped_key BLOB NOT NULL, nonce BLOB NOT NULL,"
	    " ciphertext BLOB NOT NULL) WITHOUT ROWID;"
	    "CREATE TABLE envelopes ("
	    " id BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),"
	    " blob BLOB NOT NULL, exported INTEGER NOT NULL DEFAULT 0"
	    " CHECK (exported IN (0, 1))) WITHOUT ROWID;"
	    "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL,"
	    " value TEXT NOT NULL) WITHOUT ROWID;"
	    "PRAGMA application_id = 1096175426; PRAGMA user_version = 1;",
	    NULL, NULL, NULL), SQLITE_OK);
	for (i = 0; i < 2; i++) {
		randombytes_buf(ids[i], OUTBOX_ID_BYTES);
		randombytes_buf(key, sizeof key);
		memcpy(ad, "avslut draft key 1", 18);
		memcpy(ad + 18, ids[i], 16);
		randombytes_buf(wrapped[i], 24);
		crypto_aead_xchacha20poly1305_ietf_encrypt(wrapped[i] + 24,
		    NULL, key, 32, ad, 34, NULL, wrapped[i], fx->master);
		memcpy(ad, "avslut draft data 1", 19);
		memcpy(ad + 19, ids[i], 16);
		randombytes_buf(nonce, sizeof nonce);
		crypto_aead_xchacha20poly1305_ietf_encrypt(ct, &cl,
		    (const uint8_t *)texts[i], strlen(texts[i]), ad, 35, NULL,
		    nonce, key);
		assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO drafts "
		    "VALUES (?, ?, ?, ?)", -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_blob(st, 1, ids[i], 16, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, wrapped[i], 72, SQLITE_STATIC);
		sqlite3_bind_blob(st, 3, nonce, 24, SQLITE_STATIC);
		sqlite3_bind_blob(st, 4, ct, (int)cl, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
}

/* n bytes of needle anywhere in path? */
static int
file_has(const char *path, const uint8_t *needle, size_t n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;
	int found;

	if (f == NULL)
		return 0;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xmalloc((size_t)len + 1);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	found = memmem(buf, (size_t)len, needle, n) != NULL;
	free(buf);
	return found;
}

static void
check_migrated(struct fx *fx, uint8_t ids[2][OUTBOX_ID_BYTES],
    uint8_t wrapped[2][72])
{
	struct outbox *ob = open_ok(fx);
	char *wal = xasprintf("%s-wal", fx->db);
	int i;

	assert_loads(ob, fx->master, ids[0], "gammalt utkast ett");
	assert_loads(ob, fx->master, ids[1], "gammalt utkast två");
	outbox_close(ob);
	assert_int_equal(raw_int(fx, "PRAGMA user_version"), OUTBOX_SCHEMA);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM drafts WHERE "
	    "length(wrapped_key) > 0 OR slot IS NULL"), 0);
	for (i = 0; i < 2; i++) {
		assert_true(key_anywhere(fx, ids[i]));
		assert_true(file_has(fx->file, wrapped[i], 72));
		assert_false(file_has(fx->db, wrapped[i] + 24, 32));
		assert_false(file_has(wal, wrapped[i] + 24, 32));
	}
	free(wal);
}

static void
test_migrate(void **state)
{
	struct fx *fx = *state;
	uint8_t ids[2][OUTBOX_ID_BYTES], wrapped[2][72];

	make_v1(fx, ids, wrapped);
	/* Before: the keys are in the database file. */
	assert_true(file_has(fx->db, wrapped[0] + 24, 32));
	assert_true(file_has(fx->db, wrapped[1] + 24, 32));
	check_migrated(fx, ids, wrapped);
}

/* Killed after the first key is in its slot, before the commit: the next
 * start moves both; the half-moved copy is overwritten or reused. */
static void
test_crash_migrate(void **state)
{
	struct fx *fx = *state;
	uint8_t ids[2][OUTBOX_ID_BYTES], wrapped[2][72], none[16];

	make_v1(fx, ids, wrapped);
	crash_child(fx, "outbox-migrate-after-slot", OP_OPEN, none);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM drafts WHERE "
	    "length(wrapped_key) = 72"), 2);
	check_migrated(fx, ids, wrapped);
	/* Exactly one slot per draft holds its key: no stray copy. */
	{
		uint8_t *img = xmalloc(SLOT_FILE_BYTES);
		unsigned i, n = 0;

		snap(fx, img);
		for (i = 0; i < SLOT_COUNT; i++)
			n += key_in_slot(fx, img, i, ids[0]) +
			    key_in_slot(fx, img, i, ids[1]);
		assert_int_equal(n, 2);
		free(img);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_create, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_in_place, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_damaged, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mode, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_crash_new, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_crash_save, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_crash_submit, setup,
		teardown),
	    cmocka_unit_test_setup_teardown(test_crash_delete, setup,
		teardown),
	    cmocka_unit_test_setup_teardown(test_crash_sweep, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_full, setup_shm, teardown),
	    cmocka_unit_test_setup_teardown(test_two_processes, setup,
		teardown),
	    cmocka_unit_test_setup_teardown(test_migrate, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_crash_migrate, setup,
		teardown),
	};

	if (sodium_init() < 0)
		return 1;
	unsetenv("AVSLUT_CRASH");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
