/* outbox_env: the sealed side of outbox.db: a draft submitted as a
 * sealed envelope, the envelopes waiting for sync and their
 * acknowledgement, laptop-local metadata (see outbox.h). */
#include "store/outbox.h"
#include "store/outbox_int.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/env.h"
#include "util/crash.h"
#include "util/i18n.h"
#include "util/xmem.h"

/* Refused envelopes named in one message: 5 ids fit ERR_MAX. */
#define ACK_NAMED 5

/* --- submit --------------------------------------------------------------- */

static int
submit_tx(struct outbox *ob, const uint8_t draft_id[OUTBOX_ID_BYTES],
    const uint8_t env_id[OUTBOX_ID_BYTES], const uint8_t *env, size_t len,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(ob, "INSERT INTO envelopes (id, blob) VALUES (?, ?)", &st,
		e) == -1)
		return -1;
	sqlite3_bind_blob(st, 1, env_id, OUTBOX_ID_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, env, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_err(ob, e, "cannot store the sealed interview");
	return ob_mark_gone(ob, draft_id, e);
}

int
outbox_submit(struct outbox *ob, const uint8_t draft_id[OUTBOX_ID_BYTES],
    const uint8_t env_id[OUTBOX_ID_BYTES], const uint8_t *env, size_t len,
    struct err *e)
{
	if (len == 0 || len > ENV_MAX_BYTES)
		return err_setc(e, ERR_DATA,
		    _("not a sealed envelope (%zu "
		      "bytes)"),
		    len);
	if (exec(ob, "BEGIN IMMEDIATE", "cannot start a transaction", e) == -1)
		return -1;
	if (submit_tx(ob, draft_id, env_id, env, len, e) == -1) {
		/* Full disk: the envelope's pages cannot be written. */
		sqlite3_exec(ob->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	crash_point("outbox-submit-before-commit");
	if (db_commit(ob->d,
		"cannot submit (nothing was changed and the "
		"draft is kept)",
		e) != 0)
		return -1;
	crash_point("outbox-submit-after-commit");
	/* Submitted. Should forgetting fail (a reader holds the WAL, the
	 * slot cannot be written), the sweep at the next start repeats it;
	 * the submit stands. */
	ob_forget(ob, draft_id, NULL);
	return 0;
}

/* --- envelopes ------------------------------------------------------------ */

static int
env_row(sqlite3_stmt *st, void *elem)
{
	struct outbox_env *x = elem;

	if (sqlite3_column_bytes(st, 0) != OUTBOX_ID_BYTES)
		return 0;
	memcpy(x->id, sqlite3_column_blob(st, 0), OUTBOX_ID_BYTES);
	x->blob = db_column_dup(st, 1, &x->len);
	x->exported = sqlite3_column_int(st, 2) != 0;
	return 1;
}

static void
env_clear(void *elem)
{
	free(((struct outbox_env *)elem)->blob);
}

int
outbox_env_list(struct outbox *ob, struct outbox_env **envs, size_t *n,
    struct err *e)
{
	void *v;
	int rc;

	rc = db_rows(ob->d,
	    "SELECT id, blob, exported FROM envelopes ORDER BY id",
	    "cannot list the sealed interviews", sizeof **envs, env_row,
	    env_clear, &v, n, e);
	*envs = v;
	return rc;
}

void
outbox_env_list_free(struct outbox_env *envs, size_t n)
{
	db_rows_free(envs, n, sizeof *envs, env_clear);
}

int
outbox_env_count(struct outbox *ob, size_t *n, struct err *e)
{
	sqlite3_int64 v = 0;

	*n = 0;
	if (query_int(ob, "SELECT count(*) FROM envelopes", &v, e) == -1)
		return -1;
	*n = (size_t)v;
	return 0;
}

int
outbox_env_ack(struct outbox *ob, const uint8_t id[OUTBOX_ID_BYTES],
    const uint8_t hash[OUTBOX_HASH_BYTES], int *removed, struct err *e)
{
	char hex[2 * OUTBOX_ID_BYTES + 1];
	uint8_t h[ENV_HASH_BYTES];
	sqlite3_stmt *st;
	int rc;

	if (removed != NULL)
		*removed = 0;
	ob_id_hex(id, hex);
	if (exec(ob, "BEGIN IMMEDIATE", "cannot start a transaction", e) == -1)
		return -1;
	if (prepare(ob, "SELECT blob FROM envelopes WHERE id = ?", &st, e) ==
	    -1)
		goto fail;
	sqlite3_bind_blob(st, 1, id, OUTBOX_ID_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		sqlite3_exec(ob->db, "ROLLBACK", NULL, NULL, NULL);
		return 0; /* acknowledged before */
	}
	if (rc != SQLITE_ROW) {
		db_err(ob, e, "cannot read a sealed interview");
		sqlite3_finalize(st);
		goto fail;
	}
	env_hash(h, sqlite3_column_blob(st, 0),
	    (size_t)sqlite3_column_bytes(st, 0));
	sqlite3_finalize(st);
	if (sodium_memcmp(h, hash, sizeof h) != 0) {
		err_setc(e, ERR_DATA,
		    _("%s: the acknowledgement for envelope %s does not "
		      "match what was sent: it is kept for the next sync"),
		    ob->path, hex);
		goto fail;
	}
	if (prepare(ob, "DELETE FROM envelopes WHERE id = ?", &st, e) == -1)
		goto fail;
	sqlite3_bind_blob(st, 1, id, OUTBOX_ID_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_err(ob, e, "cannot remove an acknowledged interview");
		goto fail;
	}
	if (sqlite3_exec(ob->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		db_err(ob, e, "cannot remove an acknowledged interview");
		goto fail;
	}
	if (removed != NULL)
		*removed = 1;
	return 0;
fail:
	sqlite3_exec(ob->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
outbox_env_ack_many(struct outbox *ob, const struct outbox_ack *acks, size_t n,
    size_t *removed, size_t *refused, struct err *e)
{
	char hex[2 * OUTBOX_ID_BYTES + 1];
	char named[ACK_NAMED * (2 * OUTBOX_ID_BYTES + 2) + 1];
	uint8_t h[ENV_HASH_BYTES];
	sqlite3_stmt *sel = NULL, *del = NULL;
	size_t i, nrm = 0, nref = 0;
	int rc;

	*removed = *refused = 0;
	named[0] = '\0';
	/* Acknowledged envelopes are sealed to HR: zeroing their freed pages
	 * protects nothing and doubles the writes of a large sync. Drafts
	 * keep the full secure_delete: it is switched back below. */
	if (exec(ob, "PRAGMA secure_delete = FAST",
		"cannot remove "
		"acknowledged interviews",
		e) == -1)
		return -1;
	if (exec(ob, "BEGIN IMMEDIATE", "cannot start a transaction", e) == -1)
		goto restore;
	if (prepare(ob, "SELECT blob FROM envelopes WHERE id = ?", &sel, e) ==
		-1 ||
	    prepare(ob, "DELETE FROM envelopes WHERE id = ?", &del, e) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		sqlite3_bind_blob(sel, 1, acks[i].id, OUTBOX_ID_BYTES,
		    SQLITE_STATIC);
		rc = sqlite3_step(sel);
		if (rc == SQLITE_DONE) {
			sqlite3_reset(sel);
			continue; /* acknowledged before */
		}
		if (rc != SQLITE_ROW) {
			db_err(ob, e, "cannot read a sealed interview");
			goto fail;
		}
		env_hash(h, sqlite3_column_blob(sel, 0),
		    (size_t)sqlite3_column_bytes(sel, 0));
		sqlite3_reset(sel);
		if (sodium_memcmp(h, acks[i].hash, sizeof h) != 0) {
			if (nref++ < ACK_NAMED) {
				ob_id_hex(acks[i].id, hex);
				if (named[0] != '\0')
					strcat(named, ", ");
				strcat(named, hex);
			}
			continue;
		}
		sqlite3_bind_blob(del, 1, acks[i].id, OUTBOX_ID_BYTES,
		    SQLITE_STATIC);
		rc = sqlite3_step(del);
		sqlite3_reset(del);
		if (rc != SQLITE_DONE) {
			db_err(ob, e,
			    "cannot remove an acknowledged interview");
			goto fail;
		}
		nrm++;
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(del);
	sel = del = NULL;
	if (sqlite3_exec(ob->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		db_err(ob, e, "cannot remove an acknowledged interview");
		goto fail;
	}
	*removed = nrm;
	*refused = nref;
	/* Every refused envelope named (up to ACK_NAMED), not the first. */
	if (nref == 1)
		err_setc(e, ERR_DATA,
		    _("%s: the acknowledgement for envelope "
		      "%s does not match what was sent: it is kept for the next "
		      "sync"),
		    ob->path, named);
	else if (nref > 1)
		err_setc(e, ERR_DATA,
		    _("%s: the acknowledgements for %zu "
		      "envelopes (%s%s) do not match what was sent: they are "
		      "kept for the next sync"),
		    ob->path, nref, named, nref > ACK_NAMED ? ", ..." : "");
	return exec(ob, "PRAGMA secure_delete = ON",
		   "cannot remove "
		   "acknowledged interviews",
		   e) == -1 ?
	    -1 :
	    0;
fail:
	sqlite3_finalize(sel);
	sqlite3_finalize(del);
	sqlite3_exec(ob->db, "ROLLBACK", NULL, NULL, NULL);
restore:
	sqlite3_exec(ob->db, "PRAGMA secure_delete = ON", NULL, NULL, NULL);
	return -1;
}

int
outbox_env_mark_exported(struct outbox *ob, const uint8_t id[OUTBOX_ID_BYTES],
    struct err *e)
{
	int rc = ob_update_id(ob,
	    "UPDATE envelopes SET exported = 1 WHERE id = ?", id,
	    "cannot mark an envelope as exported", e);

	return rc == 1 ? ob_missing(ob, OB_ENVELOPE, id, e) : rc;
}

/* --- metadata ------------------------------------------------------------- */

int
outbox_meta_get(struct outbox *ob, const char *key, char **value, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	*value = NULL;
	if (prepare(ob, "SELECT value FROM meta WHERE key = ?", &st, e) == -1)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);

		*value = xstrdup(v != NULL ? v : "");
		rc = 0;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = db_err(ob, e, "cannot read the outbox metadata");
	sqlite3_finalize(st);
	return rc;
}

int
outbox_meta_set(struct outbox *ob, const char *key, const char *value,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(ob,
		"INSERT INTO meta (key, value) VALUES (?, ?) "
		"ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		&st, e) == -1)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ?
	    0 :
	    db_err(ob, e, "cannot write the outbox metadata");
	sqlite3_finalize(st);
	return rc;
}
