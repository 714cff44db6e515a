/* central_env: the envelopes: ingest, listing, purge. Settling what
 * ingest and purge leave (VACUUM) is in central.c. */
#include "store/central.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store/central_int.h"

#include "util/crash.h"
#include "util/i18n.h"
#include "util/xmem.h"

/* --- envelopes ----------------------------------------------------------- */

/* Ack for an id already held: the hash of what the store holds, which
 * differs from the bundle's if someone reused the id. */
static int
central_stored_hash(struct central *c, sqlite3_stmt *sel, const uint8_t *id,
    uint8_t hash[BUNDLE_HASH_BYTES], struct err *e)
{
	int rc = 0;

	sqlite3_bind_blob(sel, 1, id, BUNDLE_ID_BYTES, SQLITE_STATIC);
	if (sqlite3_step(sel) == SQLITE_ROW)
		bundle_env_hash(hash, sqlite3_column_blob(sel, 0),
		    (size_t)sqlite3_column_bytes(sel, 0));
	else
		rc = central_sqlerr(c, "cannot read an envelope", e);
	sqlite3_reset(sel);
	sqlite3_clear_bindings(sel);
	return rc;
}

int
central_ingest(struct central *c, const struct bundle *b,
    struct bundle_ack **acks, size_t *nacks, size_t *added, struct err *e)
{
	sqlite3_stmt *ins = NULL, *sel = NULL;
	struct bundle_ack *a;
	uint8_t delta[DIGEST_BYTES] = { 0 };
	size_t i, nadded = 0;
	int rc, s;

	a = xcalloc(b->n > 0 ? b->n : 1, sizeof *a);
	/* Without the digest key nothing is stored: the digest would no
	 * longer match, and every HR open would refuse the store. */
	if ((rc = central_dkey(c, e)) != 0 ||
	    (rc = central_exec(c, "BEGIN IMMEDIATE",
		 "cannot store the "
		 "bundle",
		 e)) != 0)
		goto out;
	/* The signer is checked under the write lock, so a revoke that
	 * commits first is honoured, against a set avslut-hr made. */
	if ((rc = central_iv_check(c, "cannot store the bundle", e)) != 0)
		goto out;
	switch ((rc = central_signer_status(c, b->signer, e))) {
	case 1:
		rc = 0;
		break;
	case 0:
		err_setc(e, ERR_PERM,
		    _("the bundle is signed by an "
		      "interviewer key that "
		      "is not registered: register it with avslut-hr "
		      "interviewers add, then ingest again"));
		rc = -1;
		goto out;
	case 2:
		err_setc(e, ERR_PERM,
		    _("the bundle is signed by a revoked "
		      "interviewer "
		      "key: nothing was stored"));
		rc = -1;
		goto out;
	default:
		goto out;
	}
	if ((rc = central_prepare(c, &ins,
		 "INSERT OR IGNORE INTO envelopes "
		 "(id, data) VALUES (?, ?)",
		 "cannot store the bundle", e)) != 0 ||
	    (rc = central_prepare(c, &sel,
		 "SELECT data FROM envelopes "
		 "WHERE id = ?",
		 "cannot store the bundle", e)) != 0)
		goto out;
	for (i = 0; i < b->n; i++) {
		const struct bundle_env *v = &b->envs[i];

		memcpy(a[i].id, v->id, BUNDLE_ID_BYTES);
		sqlite3_bind_blob(ins, 1, v->id, BUNDLE_ID_BYTES,
		    SQLITE_STATIC);
		sqlite3_bind_blob(ins, 2, v->data, (int)v->len, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = central_sqlerr(c, "cannot store the bundle", e);
			goto out;
		}
		s = sqlite3_changes(c->db);
		sqlite3_reset(ins);
		if (s == 1) {
			bundle_env_hash(a[i].hash, v->data, v->len);
			digest_term(delta, c->dkey, v->id, v->data, v->len, 1);
			nadded++;
		} else if ((rc = central_stored_hash(c, sel, v->id, a[i].hash,
				e)) != 0)
			goto out;
		if (i == b->n / 2)
			crash_point("ingest-mid-transaction");
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(sel);
	ins = sel = NULL;
	if (nadded > 0 &&
	    ((rc = central_digest_add(c, delta,
		  "cannot store "
		  "the bundle",
		  e)) != 0 ||
		(rc = central_mark_unsettled(c, "cannot store the bundle",
		     e)) != 0))
		goto out;
	if ((rc = central_exec(c, "COMMIT", "cannot store the bundle", e)) != 0)
		goto out;
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(sel);
	if (rc != 0) {
		central_rollback(c);
		free(a);
		return rc;
	}
	*acks = a;
	*nacks = b->n;
	if (added != NULL)
		*added = nadded;
	return 0;
}

int
central_env_count(struct central *c, size_t *n, struct err *e)
{
	int64_t v;
	int rc;

	if ((rc = central_int(c, "SELECT count(*) FROM envelopes", &v, e)) != 0)
		return rc;
	*n = (size_t)v;
	return 0;
}

/* The one loop of the three listings below. Without ids: every row of
 * sql ("SELECT id[, data] ... ORDER BY id"); with ids: sql ("... WHERE
 * id = ?") once for each of the n ids, an id the store lacks skipped. fn
 * gets each envelope (data NULL and len 0 if sql selects only the id);
 * its nonzero ends the loop, and is no error. */
static int
central_env_rows(struct central *c, const char *sql,
    const uint8_t (*ids)[BUNDLE_ID_BYTES], size_t n,
    int (*fn)(void *ctx, const uint8_t *id, const uint8_t *data, size_t len),
    void *ctx, struct err *e)
{
	sqlite3_stmt *st;
	size_t i;
	int rc, s = SQLITE_DONE, data;

	if ((rc = central_prepare(c, &st, sql, "cannot read the envelopes",
		 e)) != 0)
		return rc;
	data = sqlite3_column_count(st) > 1;
	for (i = 0; ids == NULL || i < n; i++) {
		if (ids != NULL) {
			sqlite3_reset(st);
			sqlite3_bind_blob(st, 1, ids[i], BUNDLE_ID_BYTES,
			    SQLITE_STATIC);
		}
		if ((s = sqlite3_step(st)) == SQLITE_DONE && ids != NULL)
			continue; /* not in the store */
		if (s != SQLITE_ROW)
			break;
		if (sqlite3_column_bytes(st, 0) != BUNDLE_ID_BYTES)
			continue; /* the CHECK constraint prevents it */
		if (fn(ctx, sqlite3_column_blob(st, 0),
			data ? sqlite3_column_blob(st, 1) : NULL,
			data ? (size_t)sqlite3_column_bytes(st, 1) : 0) != 0)
			break;
	}
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		rc = central_sqlerr(c, "cannot read the envelopes", e);
	sqlite3_finalize(st);
	return rc;
}

int
central_env_foreach(struct central *c,
    int (*fn)(void *ctx, const uint8_t *id, const uint8_t *data, size_t len),
    void *ctx, struct err *e)
{
	return central_env_rows(c, "SELECT id, data FROM envelopes ORDER BY id",
	    NULL, 0, fn, ctx, e);
}

/* central_env_id_foreach's callback and its argument, for
 * central_env_rows. */
struct central_env_idfn {
	int (*fn)(void *ctx, const uint8_t *id);
	void *ctx;
};

static int
central_env_idfn(void *ctx, const uint8_t *id, const uint8_t *data, size_t len)
{
	const struct central_env_idfn *f = ctx;

	(void)data;
	(void)len;
	return f->fn(f->ctx, id);
}

int
central_env_id_foreach(struct central *c,
    int (*fn)(void *ctx, const uint8_t *id), void *ctx, struct err *e)
{
	struct central_env_idfn f = { fn, ctx };

	return central_env_rows(c, "SELECT id FROM envelopes ORDER BY id", NULL,
	    0, central_env_idfn, &f, e);
}

int
central_env_foreach_ids(struct central *c,
    const uint8_t (*ids)[BUNDLE_ID_BYTES], size_t n,
    int (*fn)(void *ctx, const uint8_t *id, const uint8_t *data, size_t len),
    void *ctx, struct err *e)
{
	return central_env_rows(c,
	    "SELECT id, data FROM envelopes WHERE id = ?", ids, n, fn, ctx, e);
}

/* --- purge ---------------------------------------------------------------- */

int
central_env_delete(struct central *c, const uint8_t (*ids)[BUNDLE_ID_BYTES],
    size_t n, const char *what, size_t *deleted, struct err *e)
{
	const char *doing = "cannot delete the envelopes";
	sqlite3_stmt *st = NULL, *sel = NULL;
	uint8_t delta[DIGEST_BYTES] = { 0 };
	size_t i, k = 0;
	int rc, s;

	*deleted = 0;
	if ((rc = central_dkey(c, e)) != 0)
		return rc;
	if ((rc = central_exec(c, "BEGIN IMMEDIATE", doing, e)) != 0)
		return rc;
	if ((rc = central_prepare(c, &st, "DELETE FROM envelopes WHERE id = ?",
		 doing, e)) != 0 ||
	    (rc = central_prepare(c, &sel,
		 "SELECT data "
		 "FROM envelopes WHERE id = ?",
		 doing, e)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		/* What goes leaves the digest: its term is subtracted. */
		sqlite3_bind_blob(sel, 1, ids[i], BUNDLE_ID_BYTES,
		    SQLITE_STATIC);
		s = sqlite3_step(sel);
		if (s == SQLITE_ROW)
			digest_term(delta, c->dkey, ids[i],
			    sqlite3_column_blob(sel, 0),
			    (size_t)sqlite3_column_bytes(sel, 0), -1);
		sqlite3_reset(sel);
		if (s != SQLITE_ROW && s != SQLITE_DONE) {
			rc = central_sqlerr(c, doing, e);
			goto out;
		}
		sqlite3_bind_blob(st, 1, ids[i], BUNDLE_ID_BYTES,
		    SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = central_sqlerr(c, "cannot delete the envelopes",
			    e);
			goto out;
		}
		k += (size_t)sqlite3_changes(c->db);
		sqlite3_reset(st);
	}
	if (k > 0 &&
	    ((rc = central_digest_add(c, delta, doing, e)) != 0 ||
		(rc = central_mark_unsettled(c, doing, e)) != 0))
		goto out;
	if ((rc = central_log(c, what, e)) == 0)
		rc = central_exec(c, "COMMIT", doing, e);
out:
	sqlite3_finalize(st);
	sqlite3_finalize(sel);
	if (rc != 0) {
		central_rollback(c);
		return rc;
	}
	*deleted = k;
	/* secure_delete zeroed the rows; settling rebuilds the file without
	 * the freed pages (whose place showed which went), and the
	 * checkpoint leaves no copy in the WAL. */
	if ((rc = central_settle(c, e)) != 0)
		err_prefix(e, _("deleted, but"));
	return rc;
}
