/* outbox: outbox.db on the interviewer's laptop: encrypted drafts, sealed
 * envelopes waiting for sync, laptop-local metadata. SQLite in WAL mode. */
#include "store/outbox.h"
#include "store/outbox_int.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/env.h"
#include "store/db.h"
#include "store/slot.h"
#include "util/crash.h"
#include "util/fsx.h"
#include "util/i18n.h"
#include "util/paths.h"
#include "util/xmem.h"

_Static_assert(OUTBOX_ID_BYTES == ENV_ID_BYTES, "id size");
_Static_assert(OUTBOX_HASH_BYTES == ENV_HASH_BYTES, "hash size");
_Static_assert(OUTBOX_KEY_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
    "key size");

/* PRAGMA application_id: "AVOB". Tells our file from any other SQLite. */
#define APP_ID 0x41564f42

/*
 * Drafts use XChaCha20-Poly1305 (AEAD) rather than plain secretbox, for
 * the associated data: the draft id is authenticated with both the wrapped
 * key and the content, so rows cannot be swapped or recombined without
 * detection. Random 192-bit nonces make a fresh nonce per save safe.
 */
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define WRAPPED_BYTES (NONCE_BYTES + OUTBOX_KEY_BYTES + TAG_BYTES)
#define AD_KEY "avslut draft key 1"
#define AD_DATA "avslut draft data 1"
#define AD_MAX (32 + OUTBOX_ID_BYTES)

/* Schema migrations: step i takes user_version i to i + 1. Drafts and
 * envelopes are WITHOUT ROWID and keyed by random ids, so the file keeps
 * no order of creation; neither holds a time. */
static const char *const migrations[] = {
	"CREATE TABLE drafts ("
	" id BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),"
	" wrapped_key BLOB NOT NULL,"
	" nonce BLOB NOT NULL,"
	" ciphertext BLOB NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE envelopes ("
	" id BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),"
	" blob BLOB NOT NULL,"
	" exported INTEGER NOT NULL DEFAULT 0 CHECK (exported IN (0, 1))"
	") WITHOUT ROWID;"
	"CREATE TABLE meta ("
	" key TEXT PRIMARY KEY NOT NULL,"
	" value TEXT NOT NULL"
	") WITHOUT ROWID;",
	/* 2: draft keys move to the slot file (see "draft keys" below).
     * slot: the draft's slot there; wrapped_key stays empty (X'') except
     * in a draft of version 1 not yet moved. gone: sealed or deleted,
     * its slot being wiped before the row goes. */
	"ALTER TABLE drafts ADD COLUMN slot INTEGER"
	" CHECK (slot IS NULL OR slot BETWEEN 0 AND 65535);"
	"ALTER TABLE drafts ADD COLUMN gone INTEGER NOT NULL DEFAULT 0"
	" CHECK (gone IN (0, 1));"
	"CREATE UNIQUE INDEX drafts_slot ON drafts (slot);",
};
#define NMIGRATIONS (sizeof migrations / sizeof migrations[0])
_Static_assert(NMIGRATIONS == OUTBOX_SCHEMA, "one migration per version");

static const struct db_schema outbox_schema = {
	.app_id = APP_ID,
	.version = OUTBOX_SCHEMA,
	.steps = migrations,
	.what = N_("an avslut outbox"),
	.program = "avslut",
	.notours_hint = N_("move it away; the outbox is created anew"),
	.damaged_hint = N_("restore it from a backup, or move it away to start "
			   "a new, empty outbox"),
};

static int keys_sweep(struct outbox *ob, struct err *e);

/* Create the file 0600 before SQLite sees it (the -wal and -shm files
 * copy its mode), and tighten a file or directory that is too open. */
static int
prepare_files(const char *dir, const char *path, struct err *e)
{
	struct stat st;
	int fd;

	if (fsx_mkdir_p(dir, 0700, e) == -1)
		return -1;
	if (stat(dir, &st) == 0 && (st.st_mode & 077) != 0 &&
	    chmod(dir, 0700) == -1)
		return err_setc(e, ERR_PERM,
		    _("%s is readable by others and cannot be made "
		      "private: %s"),
		    dir, strerror(errno));
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1) {
		if (errno == EACCES || errno == EROFS || errno == EPERM)
			return err_setc(e, ERR_PERM,
			    _("%s is read-only (%s): the outbox "
			      "must be writable: check the file's owner and "
			      "permissions, or the disk"),
			    path, strerror(errno));
		if (errno == ENOSPC || errno == EDQUOT)
			return err_setc(e, ERR_FULL,
			    _("cannot create %s: the "
			      "disk holding it is full: free some space on it, "
			      "then try again"),
			    path);
		return err_setc(e, ERR_IO, _("cannot open %s: %s"), path,
		    strerror(errno));
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_setc(e, ERR_DATA, _("%s is not a regular file"),
		    path);
	}
	if ((st.st_mode & 077) != 0 && fchmod(fd, 0600) == -1) {
		close(fd);
		return err_setc(e, ERR_PERM,
		    _("%s is readable by others and cannot be made "
		      "private: %s"),
		    path, strerror(errno));
	}
	close(fd);
	return 0;
}

int
outbox_open(const char *dir, struct outbox **obp, struct err *e)
{
	struct outbox *ob;

	*obp = NULL;
	ob = xcalloc(1, sizeof *ob);
	ob->path = paths_join(dir, OUTBOX_FILE);
	if (prepare_files(dir, ob->path, e) == -1)
		goto fail;
	/* temp_store: no temporary file, so a sort or a big statement never
	 * spills anything to $TMPDIR. */
	if (db_open(&ob->d, ob->path, &outbox_schema,
		&(struct db_opts){ .flags = DB_NOFOLLOW | DB_TEMP_MEMORY,
		    .busy_ms = 5000 },
		e) != 0) {
		/* SQLite says "readonly" also when only the directory is, for
		 * the -wal and -shm files it must create next to the file. */
		if (e != NULL && e->cls == ERR_PERM)
			err_setc(e, ERR_PERM,
			    _("%s: cannot write: the outbox "
			      "and its directory %s must be writable: check "
			      "their owner and permissions, or the disk"),
			    ob->path, dir);
		goto fail;
	}
	ob->db = db_handle(ob->d);
	/* The draft keys (see "draft keys" below): finish what a crash
	 * left half done. */
	if (slot_open(dir, &ob->slots, e) == -1 || keys_sweep(ob, e) == -1)
		goto fail;
	/* A WAL left by a crash may hold old drafts: fold it in now. Only
	 * best effort: another avslut may be reading; close repeats it. */
	checkpoint(ob, NULL);
	*obp = ob;
	return 0;
fail:
	slot_close(ob->slots);
	db_close(ob->d);
	free(ob->path);
	free(ob);
	return -1;
}

void
outbox_close(struct outbox *ob)
{
	if (ob == NULL)
		return;
	checkpoint(ob, NULL);
	db_close(ob->d);
	slot_close(ob->slots);
	free(ob->path);
	free(ob);
}

const char *
outbox_path(const struct outbox *ob)
{
	return ob->path;
}

/* --- drafts ------------------------------------------------------------- */

static size_t
make_ad(uint8_t ad[AD_MAX], const char *domain,
    const uint8_t id[OUTBOX_ID_BYTES])
{
	size_t n = strlen(domain);

	memcpy(ad, domain, n);
	memcpy(ad + n, id, OUTBOX_ID_BYTES);
	return n + OUTBOX_ID_BYTES;
}

void
ob_id_hex(const uint8_t id[OUTBOX_ID_BYTES], char out[2 * OUTBOX_ID_BYTES + 1])
{
	env_id_hex(id, out);
}

int
ob_missing(const struct outbox *ob, enum ob_kind kind,
    const uint8_t id[OUTBOX_ID_BYTES], struct err *e)
{
	char hex[2 * OUTBOX_ID_BYTES + 1];

	ob_id_hex(id, hex);
	return err_setc(e, ERR_DATA,
	    kind == OB_ENVELOPE ? _("%s: there is no envelope %s") :
				  _("%s: there is no draft %s"),
	    ob->path, hex);
}

int
ob_update_id(struct outbox *ob, const char *sql,
    const uint8_t id[OUTBOX_ID_BYTES], const char *doing, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(ob, sql, &st, e) == -1)
		return -1;
	sqlite3_bind_blob(st, 1, id, OUTBOX_ID_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_err(ob, e, doing);
	return sqlite3_changes(ob->db) == 1 ? 0 : 1;
}

/* --- draft keys ----------------------------------------------------------
 *
 * A draft's key, wrapped by the profile's master draft key (NONCE, AEAD of
 * the key, AD_KEY || draft id: WRAPPED_BYTES), lives in a slot of the
 * slot file (store/slot.h), never in SQLite: a page or WAL frame that
 * held it would stay on the raw disk after the file system moved on, and
 * the draft's old versions with it. The row holds the slot's number and
 * the content, encrypted under the key; without the key, every copy of
 * the row anywhere on the disk is only ciphertext.
 *
 * Every step runs under SQLite's write lock (BEGIN IMMEDIATE), so no two
 * avslut processes race for a slot; a slot is written and fdatasynced
 * before the commit that depends on it:
 *
 *   new      pick a slot no row names, at random (the file keeps no order
 *            of creation); write the wrapped key; insert the row; commit.
 *            Killed before the commit: a key no row names (swept below).
 *   save     one UPDATE of the content: the key and slot do not change.
 *   submit   insert the envelope and mark the draft gone; commit. Then
 *            forget: overwrite the slot with random bytes; delete the row;
 *            commit; truncate the WAL. Killed before the first commit:
 *            nothing happened; after it: the envelope is kept and the
 *            draft, gone, is hidden; the sweep finishes the forgetting.
 *   delete   mark gone; commit; forget, as above.
 *   sweep    at every open: move the keys of drafts from schema 1 into
 *            slots (their column then emptied under secure_delete);
 *            overwrite every slot that no live draft names (keys of drafts
 *            killed half-made, sealed or deleted); delete the gone rows.
 *
 * So a kill -9 at any point loses no draft and no envelope, and a key of
 * a sealed or deleted draft survives at most until the next start. A slot
 * named by a gone row is not reused before that row is deleted.
 */

/* keep[i] = 1 for every slot a draft names; only drafts not gone when
 * live_only. */
static int
slots_named(struct outbox *ob, int live_only, uint8_t keep[SLOT_COUNT],
    struct err *e)
{
	sqlite3_stmt *st;
	sqlite3_int64 v;
	int rc;

	memset(keep, 0, SLOT_COUNT);
	if (prepare(ob,
		live_only ?
		    "SELECT slot FROM drafts WHERE slot IS NOT NULL AND gone = 0" :
		    "SELECT slot FROM drafts WHERE slot IS NOT NULL",
		&st, e) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = sqlite3_column_int64(st, 0);
		if (v >= 0 && v < SLOT_COUNT)
			keep[v] = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_err(ob, e, "cannot read the drafts");
	return 0;
}

/* A slot no draft names, chosen at random; -1 when every slot is taken. */
static int
pick_slot(const uint8_t used[SLOT_COUNT], unsigned *slot)
{
	uint32_t nfree = 0, r;
	unsigned i;

	for (i = 0; i < SLOT_COUNT; i++)
		nfree += !used[i];
	if (nfree == 0)
		return -1;
	r = randombytes_uniform(nfree);
	for (i = 0; i < SLOT_COUNT; i++)
		if (!used[i] && r-- == 0)
			break;
	*slot = i;
	return 0;
}

/* The keys of version-1 drafts (in the wrapped_key column) into slots,
 * as they are: the wrapping does not change, so no passphrase is needed.
 * Drafts beyond the slots free stay in the column, still readable. */
static int
move_old_keys(struct outbox *ob, struct err *e)
{
	struct old {
		uint8_t id[OUTBOX_ID_BYTES], w[WRAPPED_BYTES];
	} *v = NULL;
	uint8_t used[SLOT_COUNT];
	size_t n = 0, i;
	sqlite3_stmt *st;
	unsigned slot;
	int rc;

	if (prepare(ob,
		"SELECT id, wrapped_key FROM drafts WHERE gone = 0 "
		"AND slot IS NULL AND length(wrapped_key) = ?",
		&st, e) == -1)
		return -1;
	sqlite3_bind_int(st, 1, WRAPPED_BYTES);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != OUTBOX_ID_BYTES)
			continue;
		v = xreallocarray(v, n + 1, sizeof *v);
		memcpy(v[n].id, sqlite3_column_blob(st, 0), OUTBOX_ID_BYTES);
		memcpy(v[n++].w, sqlite3_column_blob(st, 1), WRAPPED_BYTES);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		rc = db_err(ob, e, "cannot read the drafts");
		goto out;
	}
	rc = 0;
	for (i = 0; i < n; i++) {
		if ((rc = slots_named(ob, 0, used, e)) == -1 ||
		    pick_slot(used, &slot) == -1)
			break; /* full: the rest stay where they are */
		if ((rc = slot_write(ob->slots, slot, v[i].w, WRAPPED_BYTES,
			 e)) == -1)
			break;
		crash_point("outbox-migrate-after-slot");
		if ((rc = prepare(ob,
			 "UPDATE drafts SET slot = ?, "
			 "wrapped_key = X'' WHERE id = ?",
			 &st, e)) == -1)
			break;
		sqlite3_bind_int(st, 1, (int)slot);
		sqlite3_bind_blob(st, 2, v[i].id, OUTBOX_ID_BYTES,
		    SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ?
		    0 :
		    db_err(ob, e, "cannot move a draft's key");
		sqlite3_finalize(st);
		if (rc == -1)
			break;
	}
out:
	if (v != NULL)
		sodium_memzero(v, n * sizeof *v);
	free(v);
	return rc;
}

/* The sweep (see above), in one transaction. Busy (another avslut holds
 * the outbox) is not an error: that one sweeps when it starts or later. */
static int
keys_sweep(struct outbox *ob, struct err *e)
{
	uint8_t keep[SLOT_COUNT];

	if (sqlite3_exec(ob->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		if ((sqlite3_errcode(ob->db) & 0xff) == SQLITE_BUSY)
			return 0;
		return db_err(ob, e, "cannot start a transaction");
	}
	if (move_old_keys(ob, e) == -1 || slots_named(ob, 1, keep, e) == -1 ||
	    slot_wipe_all_but(ob->slots, keep, e) == -1)
		goto fail;
	crash_point("outbox-sweep-after-wipe");
	if (exec(ob, "DELETE FROM drafts WHERE gone = 1",
		"cannot remove sealed drafts", e) == -1 ||
	    exec(ob, "COMMIT", "cannot finish the draft keys", e) == -1)
		goto fail;
	return 0;
fail:
	sqlite3_exec(ob->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* Unwrap a draft's key (sodium_malloc memory: caller sodium_free's it). */
static int
unwrap_key(const struct outbox *ob, const uint8_t master[OUTBOX_KEY_BYTES],
    const uint8_t id[OUTBOX_ID_BYTES], const void *wrapped, size_t wlen,
    uint8_t **key, struct err *e)
{
	char hex[2 * OUTBOX_ID_BYTES + 1];
	uint8_t ad[AD_MAX];
	const uint8_t *w = wrapped;
	size_t adlen = make_ad(ad, AD_KEY, id);
	unsigned long long klen;

	ob_id_hex(id, hex);
	*key = NULL;
	if (wrapped == NULL || wlen != WRAPPED_BYTES)
		return err_setc(e, ERR_DATA,
		    _("%s: draft %s is damaged (its key has the "
		      "wrong size): it cannot be recovered"),
		    ob->path, hex);
	if ((*key = sodium_malloc(OUTBOX_KEY_BYTES)) == NULL)
		return err_setc(e, ERR_SOFTWARE, _("out of secure memory"));
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(*key, &klen, NULL,
		w + NONCE_BYTES, wlen - NONCE_BYTES, ad, adlen, w,
		master) != 0 ||
	    klen != OUTBOX_KEY_BYTES) {
		sodium_free(*key);
		*key = NULL;
		return err_setc(e, ERR_DATA,
		    _("%s: the key of draft %s does not open with "
		      "this profile's draft key: the draft is damaged, its key "
		      "was lost with %s, or it belongs to another profile"),
		    ob->path, hex, slot_path(ob->slots));
	}
	return 0;
}

/* The key of the draft in the current row of st, whose columns col and
 * col + 1 are slot and wrapped_key: from its slot, or for a draft of
 * schema 1 not yet moved, from the row. */
static int
row_key(struct outbox *ob, const uint8_t master[OUTBOX_KEY_BYTES],
    const uint8_t id[OUTBOX_ID_BYTES], sqlite3_stmt *st, int col, uint8_t **key,
    struct err *e)
{
	uint8_t w[SLOT_BYTES];
	sqlite3_int64 slot;
	int rc;

	*key = NULL;
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return unwrap_key(ob, master, id,
		    sqlite3_column_blob(st, col + 1),
		    (size_t)sqlite3_column_bytes(st, col + 1), key, e);
	slot = sqlite3_column_int64(st, col);
	if (slot < 0 || slot >= SLOT_COUNT)
		return err_setc(e, ERR_DATA,
		    _("%s: a draft names slot %lld, "
		      "which %s does not have"),
		    ob->path, (long long)slot, slot_path(ob->slots));
	if (slot_read(ob->slots, (unsigned)slot, w, e) == -1)
		return -1;
	rc = unwrap_key(ob, master, id, w, WRAPPED_BYTES, key, e);
	sodium_memzero(w, sizeof w);
	return rc;
}

/* Fetch a draft's key. */
static int
draft_key(struct outbox *ob, const uint8_t master[OUTBOX_KEY_BYTES],
    const uint8_t id[OUTBOX_ID_BYTES], uint8_t **key, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	*key = NULL;
	if (prepare(ob,
		"SELECT slot, wrapped_key FROM drafts "
		"WHERE id = ? AND gone = 0",
		&st, e) == -1)
		return -1;
	sqlite3_bind_blob(st, 1, id, OUTBOX_ID_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = row_key(ob, master, id, st, 0, key, e);
	else if (rc == SQLITE_DONE)
		rc = ob_missing(ob, OB_DRAFT, id, e);
	else
		rc = db_err(ob, e, "cannot read a draft");
	sqlite3_finalize(st);
	return rc;
}

/* Encrypt plain under key with a fresh nonce and write it to draft id. */
static int
store_content(struct outbox *ob, const uint8_t *key,
    const uint8_t id[OUTBOX_ID_BYTES], const void *plain, size_t len,
    struct err *e)
{
	uint8_t nonce[NONCE_BYTES], ad[AD_MAX], *ct;
	size_t adlen = make_ad(ad, AD_DATA, id);
	unsigned long long clen;
	sqlite3_stmt *st;
	int rc;

	randombytes_buf(nonce, sizeof nonce);
	ct = xmalloc(len + TAG_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct, &clen, plain, len, ad,
	    adlen, NULL, nonce, key);
	if (prepare(ob,
		"UPDATE drafts SET nonce = ?, ciphertext = ? "
		"WHERE id = ? AND gone = 0",
		&st, e) == -1) {
		free(ct);
		return -1;
	}
	sqlite3_bind_blob(st, 1, nonce, sizeof nonce, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, ct, (int)clen, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, id, OUTBOX_ID_BYTES, SQLITE_STATIC);
	crash_point("outbox-draft-save-before");
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		rc = db_err(ob, e, "cannot save the draft");
	else if (sqlite3_changes(ob->db) != 1)
		rc = ob_missing(ob, OB_DRAFT, id, e);
	else
		rc = 0;
	sqlite3_finalize(st);
	free(ct);
	crash_point("outbox-draft-save-after");
	return rc;
}

int
outbox_draft_new(struct outbox *ob, const uint8_t master[OUTBOX_KEY_BYTES],
    uint8_t id[OUTBOX_ID_BYTES], struct err *e)
{
	uint8_t wrapped[WRAPPED_BYTES], ad[AD_MAX], nonce[NONCE_BYTES];
	uint8_t ct0[TAG_BYTES], used[SLOT_COUNT], *key;
	sqlite3_stmt *st;
	size_t adlen;
	unsigned slot;
	int written = 0;

	if ((key = sodium_malloc(OUTBOX_KEY_BYTES)) == NULL)
		return err_setc(e, ERR_SOFTWARE, _("out of secure memory"));
	crypto_aead_xchacha20poly1305_ietf_keygen(key);
	randombytes_buf(id, OUTBOX_ID_BYTES);
	adlen = make_ad(ad, AD_KEY, id);
	randombytes_buf(wrapped, NONCE_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(wrapped + NONCE_BYTES, NULL,
	    key, OUTBOX_KEY_BYTES, ad, adlen, NULL, wrapped, master);
	/* The row is never without content: an empty draft to start. */
	adlen = make_ad(ad, AD_DATA, id);
	randombytes_buf(nonce, sizeof nonce);
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct0, NULL, NULL, 0, ad,
	    adlen, NULL, nonce, key);
	sodium_free(key);
	if (exec(ob, "BEGIN IMMEDIATE", "cannot start a transaction", e) == -1)
		return -1;
	if (slots_named(ob, 0, used, e) == -1)
		goto fail;
	if (pick_slot(used, &slot) == -1) {
		err_setc(e, ERR_FULL,
		    _("%s is full: %d drafts are open, as "
		      "many as it holds: seal or delete a draft first"),
		    slot_path(ob->slots), SLOT_COUNT);
		goto fail;
	}
	if (slot_write(ob->slots, slot, wrapped, sizeof wrapped, e) == -1)
		goto fail;
	written = 1;
	crash_point("outbox-draft-new-after-slot");
	if (prepare(ob,
		"INSERT INTO drafts (id, wrapped_key, nonce, ciphertext, "
		"slot) VALUES (?, X'', ?, ?, ?)",
		&st, e) == -1)
		goto fail;
	sqlite3_bind_blob(st, 1, id, OUTBOX_ID_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, nonce, sizeof nonce, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, ct0, sizeof ct0, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, (int)slot);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_err(ob, e, "cannot create a draft");
		sqlite3_finalize(st);
		goto fail;
	}
	sqlite3_finalize(st);
	if (exec(ob, "COMMIT", "cannot create a draft", e) == -1)
		goto fail;
	sodium_memzero(wrapped, sizeof wrapped);
	crash_point("outbox-draft-new-after-commit");
	return 0;
fail:
	sqlite3_exec(ob->db, "ROLLBACK", NULL, NULL, NULL);
	if (written)
		slot_wipe(ob->slots, slot, NULL); /* else the next sweep */
	sodium_memzero(wrapped, sizeof wrapped);
	return -1;
}

int
outbox_draft_save(struct outbox *ob, const uint8_t master[OUTBOX_KEY_BYTES],
    const uint8_t id[OUTBOX_ID_BYTES], const void *plain, size_t len,
    struct err *e)
{
	uint8_t *key;
	int rc;

	if (len > OUTBOX_DRAFT_MAX)
		return err_setc(e, ERR_DATA,
		    _("draft too large (%zu bytes, at most %d)"), len,
		    OUTBOX_DRAFT_MAX);
	if (draft_key(ob, master, id, &key, e) == -1)
		return -1;
	rc = store_content(ob, key, id, plain, len, e);
	sodium_free(key);
	return rc;
}

int
outbox_draft_load(struct outbox *ob, const uint8_t master[OUTBOX_KEY_BYTES],
    const uint8_t id[OUTBOX_ID_BYTES], uint8_t **plain, size_t *len,
    struct err *e)
{
	char hex[2 * OUTBOX_ID_BYTES + 1];
	uint8_t ad[AD_MAX], *key = NULL, *out;
	size_t adlen = make_ad(ad, AD_DATA, id), clen;
	unsigned long long plen;
	const uint8_t *nonce, *ct;
	sqlite3_stmt *st;
	int rc;

	*plain = NULL;
	*len = 0;
	ob_id_hex(id, hex);
	if (prepare(ob,
		"SELECT slot, wrapped_key, nonce, ciphertext FROM drafts "
		"WHERE id = ? AND gone = 0",
		&st, e) == -1)
		return -1;
	sqlite3_bind_blob(st, 1, id, OUTBOX_ID_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		return ob_missing(ob, OB_DRAFT, id, e);
	}
	if (rc != SQLITE_ROW) {
		rc = db_err(ob, e, "cannot read a draft");
		sqlite3_finalize(st);
		return rc;
	}
	if (row_key(ob, master, id, st, 0, &key, e) == -1) {
		sqlite3_finalize(st);
		return -1;
	}
	nonce = sqlite3_column_blob(st, 2);
	ct = sqlite3_column_blob(st, 3);
	clen = (size_t)sqlite3_column_bytes(st, 3);
	if (nonce == NULL || sqlite3_column_bytes(st, 2) != NONCE_BYTES ||
	    ct == NULL || clen < TAG_BYTES ||
	    clen > OUTBOX_DRAFT_MAX + TAG_BYTES) {
		rc = err_setc(e, ERR_DATA,
		    _("%s: draft %s is damaged (wrong sizes): it "
		      "cannot be recovered"),
		    ob->path, hex);
		goto out;
	}
	out = xmalloc(clen - TAG_BYTES + 1);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, &plen, NULL, ct,
		clen, ad, adlen, nonce, key) != 0) {
		free(out);
		rc = err_setc(e, ERR_DATA,
		    _("%s: draft %s is damaged (it does not "
		      "authenticate): it cannot be recovered; other drafts are "
		      "not affected"),
		    ob->path, hex);
		goto out;
	}
	*plain = out;
	*len = (size_t)plen;
	rc = 0;
out:
	sodium_free(key);
	sqlite3_finalize(st);
	return rc;
}

int
outbox_draft_list(struct outbox *ob, uint8_t (**ids)[OUTBOX_ID_BYTES],
    size_t *n, struct err *e)
{
	uint8_t(*v)[OUTBOX_ID_BYTES] = NULL;
	size_t cnt = 0;
	sqlite3_stmt *st;
	int rc;

	*ids = NULL;
	*n = 0;
	if (prepare(ob, "SELECT id FROM drafts WHERE gone = 0 ORDER BY id", &st,
		e) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != OUTBOX_ID_BYTES)
			continue; /* CHECK makes this impossible */
		v = xreallocarray(v, cnt + 1, sizeof *v);
		memcpy(v[cnt++], sqlite3_column_blob(st, 0), OUTBOX_ID_BYTES);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return db_err(ob, e, "cannot list the drafts");
	}
	*ids = v;
	*n = cnt;
	return 0;
}

/* Inside a transaction: mark a live draft gone (sealed or deleted). */
int
ob_mark_gone(struct outbox *ob, const uint8_t id[OUTBOX_ID_BYTES],
    struct err *e)
{
	int rc = ob_update_id(ob,
	    "UPDATE drafts SET gone = 1 WHERE id = ? AND gone = 0", id,
	    "cannot delete the draft", e);

	return rc == 1 ? ob_missing(ob, OB_DRAFT, id, e) : rc;
}

/* Forget a draft marked gone: overwrite its slot, then delete the row,
 * then truncate the WAL. On failure the sweep at the next start does it. */
int
ob_forget(struct outbox *ob, const uint8_t id[OUTBOX_ID_BYTES], struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (exec(ob, "BEGIN IMMEDIATE", "cannot start a transaction", e) == -1)
		return -1;
	if (prepare(ob, "SELECT slot FROM drafts WHERE id = ? AND gone = 1",
		&st, e) == -1)
		goto fail;
	sqlite3_bind_blob(st, 1, id, OUTBOX_ID_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		sqlite3_int64 slot = sqlite3_column_int64(st, 0);

		sqlite3_finalize(st);
		if (slot >= 0 && slot < SLOT_COUNT &&
		    slot_wipe(ob->slots, (unsigned)slot, e) == -1)
			goto fail;
	} else {
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			db_err(ob, e, "cannot read a draft");
			goto fail;
		}
	}
	crash_point("outbox-forget-after-wipe");
	if (prepare(ob, "DELETE FROM drafts WHERE id = ? AND gone = 1", &st,
		e) == -1)
		goto fail;
	sqlite3_bind_blob(st, 1, id, OUTBOX_ID_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_err(ob, e, "cannot delete the draft");
		goto fail;
	}
	if (exec(ob, "COMMIT", "cannot delete the draft", e) == -1)
		goto fail;
	return checkpoint(ob, e);
fail:
	sqlite3_exec(ob->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
outbox_draft_delete(struct outbox *ob, const uint8_t id[OUTBOX_ID_BYTES],
    struct err *e)
{
	if (exec(ob, "BEGIN IMMEDIATE", "cannot start a transaction", e) == -1)
		return -1;
	if (ob_mark_gone(ob, id, e) == -1 ||
	    exec(ob, "COMMIT", "cannot delete the draft", e) == -1) {
		sqlite3_exec(ob->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	crash_point("outbox-delete-after-mark");
	if (ob_forget(ob, id, e) == -1)
		return err_prefix(e, "%s",
		    _("the draft is deleted, but its "
		      "key is wiped only when avslut next starts"));
	return 0;
}
