/* central_hr: what HR registers and reads beside the envelopes:
 * approved forms, interviewers, the access log, turnover and
 * staff-survey HME, releases. */
#include "store/central.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "store/central_int.h"
#include "store/db.h"

#include "util/i18n.h"
#include "util/xmem.h"

/* Lists are db_rows's (store/db.h); e may be NULL, as everywhere in
 * central. */
static int
central_rows(struct central *c, const char *sql, const char *doing, size_t size,
    int (*row)(sqlite3_stmt *st, void *elem), void (*clear)(void *elem),
    void **out, size_t *n, struct err *e)
{
	struct err tmp;

	return db_rows(c->d, sql, doing, size, row, clear, out, n,
	    e != NULL ? e : &tmp);
}

/* --- forms ---------------------------------------------------------------- */

int
central_form_add(struct central *c, const char *id, uint32_t version,
    const uint8_t hash[BUNDLE_HASH_BYTES], const char *yaml, size_t len,
    struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc, s;
	char *what;

	if ((rc = central_exec(c, "BEGIN IMMEDIATE", "cannot add the form",
		 e)) != 0)
		return rc;
	if ((rc = central_prepare(c, &st,
		 "SELECT hash = ? FROM forms WHERE "
		 "hash = ? OR (form_id = ? AND version = ?)",
		 "cannot add the form", e)) != 0)
		goto out;
	sqlite3_bind_blob(st, 1, hash, BUNDLE_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, hash, BUNDLE_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, version);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		if (sqlite3_column_int(st, 0))
			rc = 1;
		else {
			err_setc(e, ERR_DATA,
			    _("form %s version %lu is "
			      "already approved "
			      "with a different text: give the changed form a "
			      "new version number"),
			    id, (unsigned long)version);
			rc = -1;
		}
		goto out;
	}
	if (s != SQLITE_DONE) {
		rc = central_sqlerr(c, "cannot add the form", e);
		goto out;
	}
	sqlite3_finalize(st);
	if ((rc = central_prepare(c, &st,
		 "INSERT INTO forms (hash, form_id, "
		 "version, yaml) VALUES (?, ?, ?, ?)",
		 "cannot add the form", e)) != 0)
		goto out;
	sqlite3_bind_blob(st, 1, hash, BUNDLE_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, version);
	sqlite3_bind_text(st, 4, yaml, (int)len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = central_sqlerr(c, "cannot add the form", e);
		goto out;
	}
	what = xasprintf("forms add %s version %lu", id,
	    (unsigned long)version);
	rc = central_log(c, what, e);
	free(what);
	if (rc == 0)
		rc = central_exec(c, "COMMIT", "cannot add the form", e);
out:
	sqlite3_finalize(st);
	if (rc < 0 || rc == 1)
		central_rollback(c);
	return rc;
}

static int
form_row(sqlite3_stmt *st, void *elem)
{
	struct central_form *f = elem;

	f->id = xstrdup((const char *)sqlite3_column_text(st, 0));
	f->version = (uint32_t)sqlite3_column_int64(st, 1);
	memset(f->hash, 0, BUNDLE_HASH_BYTES);
	if (sqlite3_column_bytes(st, 2) == BUNDLE_HASH_BYTES)
		memcpy(f->hash, sqlite3_column_blob(st, 2), BUNDLE_HASH_BYTES);
	return 1;
}

static void
form_clear(void *elem)
{
	free(((struct central_form *)elem)->id);
}

int
central_form_list(struct central *c, struct central_form **forms, size_t *n,
    struct err *e)
{
	void *v;
	int rc;

	rc = central_rows(c,
	    "SELECT form_id, version, hash FROM forms ORDER "
	    "BY form_id, version",
	    "cannot list the forms", sizeof **forms, form_row, form_clear, &v,
	    n, e);
	*forms = v;
	return rc;
}

void
central_form_list_free(struct central_form *forms, size_t n)
{
	db_rows_free(forms, n, sizeof *forms, form_clear);
}

int
central_form_approved(struct central *c, const uint8_t hash[BUNDLE_HASH_BYTES],
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = central_prepare(c, &st, "SELECT 1 FROM forms WHERE hash = ?",
		 "cannot look up the form", e)) != 0)
		return rc;
	sqlite3_bind_blob(st, 1, hash, BUNDLE_HASH_BYTES, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		rc = 1;
		break;
	case SQLITE_DONE:
		rc = 0;
		break;
	default:
		rc = central_sqlerr(c, "cannot look up the form", e);
	}
	sqlite3_finalize(st);
	return rc;
}

int
central_form_yaml(struct central *c, const uint8_t hash[BUNDLE_HASH_BYTES],
    char **yaml, size_t *len, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = central_prepare(c, &st,
		 "SELECT yaml FROM forms WHERE "
		 "hash = ?",
		 "cannot read the form", e)) != 0)
		return rc;
	sqlite3_bind_blob(st, 1, hash, BUNDLE_HASH_BYTES, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*len = (size_t)sqlite3_column_bytes(st, 0);
		*yaml = xstrndup((const char *)sqlite3_column_text(st, 0),
		    *len);
		break;
	case SQLITE_DONE:
		err_setc(e, ERR_DATA, _("no approved form has that hash"));
		rc = -1;
		break;
	default:
		rc = central_sqlerr(c, "cannot read the form", e);
	}
	sqlite3_finalize(st);
	return rc;
}

/* --- interviewers --------------------------------------------------------- */

int
cs_signer_status(struct central *c, const uint8_t pk[CENTRAL_PK_BYTES],
    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = central_prepare(c, &st,
		 "SELECT revoked FROM interviewers "
		 "WHERE pk = ?",
		 "cannot look up the interviewer", e)) != 0)
		return rc;
	sqlite3_bind_blob(st, 1, pk, CENTRAL_PK_BYTES, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		rc = sqlite3_column_int(st, 0) ? 2 : 1;
		break;
	case SQLITE_DONE:
		rc = 0;
		break;
	default:
		rc = central_sqlerr(c, "cannot look up the interviewer", e);
	}
	sqlite3_finalize(st);
	return rc;
}

int
central_interviewer_status(struct central *c,
    const uint8_t pk[CENTRAL_PK_BYTES], struct err *e)
{
	return central_signer_status(c, pk, e);
}

int
central_interviewer_add(struct central *c, const uint8_t pk[CENTRAL_PK_BYTES],
    const char *label, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = central_exec(c, "BEGIN IMMEDIATE",
		 "cannot add the "
		 "interviewer",
		 e)) != 0)
		return rc;
	if ((rc = central_iv_check(c, "cannot add the interviewer", e)) != 0)
		goto out;
	switch ((rc = central_signer_status(c, pk, e))) {
	case 0:
		break;
	case 1:
		goto out;
	case 2:
		err_setc(e, ERR_DATA,
		    _("this interviewer key was revoked and "
		      "cannot be "
		      "registered again: the interviewer needs a new profile"));
		rc = -1;
		goto out;
	default:
		goto out;
	}
	if ((rc = central_prepare(c, &st,
		 "INSERT INTO interviewers (pk, "
		 "label) VALUES (?, ?)",
		 "cannot add the interviewer", e)) != 0)
		goto out;
	sqlite3_bind_blob(st, 1, pk, CENTRAL_PK_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, label != NULL ? label : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = central_sqlerr(c, "cannot add the interviewer", e);
		goto out;
	}
	if ((rc = central_iv_seal(c, "cannot add the interviewer", e)) == 0 &&
	    (rc = central_log(c, "interviewers add", e)) == 0)
		rc = central_exec(c, "COMMIT", "cannot add the interviewer", e);
out:
	sqlite3_finalize(st);
	if (rc != 0)
		central_rollback(c);
	return rc;
}

static int
interviewer_row(sqlite3_stmt *st, void *elem)
{
	struct central_interviewer *v = elem;

	if (sqlite3_column_bytes(st, 0) != CENTRAL_PK_BYTES)
		return 0;
	memcpy(v->pk, sqlite3_column_blob(st, 0), CENTRAL_PK_BYTES);
	v->label = xstrdup((const char *)sqlite3_column_text(st, 1));
	v->revoked = sqlite3_column_int(st, 2);
	return 1;
}

static void
interviewer_clear(void *elem)
{
	free(((struct central_interviewer *)elem)->label);
}

int
central_interviewer_list(struct central *c, struct central_interviewer **list,
    size_t *n, struct err *e)
{
	void *v;
	int rc;

	rc = central_rows(c,
	    "SELECT pk, label, revoked FROM interviewers "
	    "ORDER BY revoked, label, pk",
	    "cannot list the interviewers", sizeof **list, interviewer_row,
	    interviewer_clear, &v, n, e);
	*list = v;
	return rc;
}

void
central_interviewer_list_free(struct central_interviewer *list, size_t n)
{
	db_rows_free(list, n, sizeof *list, interviewer_clear);
}

int
central_interviewer_revoke(struct central *c,
    const uint8_t pk[CENTRAL_PK_BYTES], struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = central_exec(c, "BEGIN IMMEDIATE",
		 "cannot revoke the "
		 "interviewer",
		 e)) != 0)
		return rc;
	if ((rc = central_iv_check(c, "cannot revoke the interviewer", e)) != 0)
		goto out;
	switch ((rc = central_signer_status(c, pk, e))) {
	case 0:
		err_setc(e, ERR_DATA,
		    _("no registered interviewer has that "
		      "key: see "
		      "avslut-hr interviewers list"));
		rc = -1;
		goto out;
	case 1:
		break;
	case 2:
		rc = 1;
		goto out;
	default:
		goto out;
	}
	if ((rc = central_prepare(c, &st,
		 "UPDATE interviewers SET revoked = 1 "
		 "WHERE pk = ?",
		 "cannot revoke the interviewer", e)) != 0)
		goto out;
	sqlite3_bind_blob(st, 1, pk, CENTRAL_PK_BYTES, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = central_sqlerr(c, "cannot revoke the interviewer", e);
		goto out;
	}
	if ((rc = central_iv_seal(c, "cannot revoke the interviewer", e)) ==
		0 &&
	    (rc = central_log(c, "interviewers revoke", e)) == 0)
		rc = central_exec(c, "COMMIT", "cannot revoke the interviewer",
		    e);
out:
	sqlite3_finalize(st);
	if (rc != 0)
		central_rollback(c);
	return rc;
}

/* --- access log ----------------------------------------------------------- */

int
central_log(struct central *c, const char *what, struct err *e)
{
	sqlite3_stmt *st;
	struct passwd *pw = getpwuid(getuid());
	char *user;
	int rc;

	if (pw != NULL && pw->pw_name != NULL)
		user = xstrdup(pw->pw_name);
	else
		user = xasprintf("uid %lu", (unsigned long)getuid());
	if ((rc = central_prepare(c, &st,
		 "INSERT INTO access_log (time, "
		 "user, what) VALUES (?, ?, ?)",
		 "cannot write the access log", e)) != 0) {
		free(user);
		return rc;
	}
	sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
	sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, what, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = central_sqlerr(c, "cannot write the access log", e);
	sqlite3_finalize(st);
	free(user);
	return rc;
}

static int
log_row(sqlite3_stmt *st, void *elem)
{
	struct central_log_entry *v = elem;

	v->time = sqlite3_column_int64(st, 0);
	v->user = xstrdup((const char *)sqlite3_column_text(st, 1));
	v->what = xstrdup((const char *)sqlite3_column_text(st, 2));
	return 1;
}

static void
log_clear(void *elem)
{
	struct central_log_entry *v = elem;

	free(v->user);
	free(v->what);
}

int
central_log_list(struct central *c, struct central_log_entry **list, size_t *n,
    struct err *e)
{
	void *v;
	int rc;

	rc = central_rows(c,
	    "SELECT time, user, what FROM access_log ORDER "
	    "BY seq",
	    "cannot read the access log", sizeof **list, log_row, log_clear, &v,
	    n, e);
	*list = v;
	return rc;
}

void
central_log_list_free(struct central_log_entry *list, size_t n)
{
	db_rows_free(list, n, sizeof *list, log_clear);
}

/* --- turnover and staff-survey HME ---------------------------------------- */

/* Run one prepared INSERT OR REPLACE per row inside BEGIN IMMEDIATE, then
 * log what and commit: all rows or none. bind fills row i's values. */
static int
central_import(struct central *c, const char *sql, size_t n,
    void (*bind)(sqlite3_stmt *st, const void *rows, size_t i),
    const void *rows, const char *what, const char *doing, struct err *e)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	if ((rc = central_exec(c, "BEGIN IMMEDIATE", doing, e)) != 0)
		return rc;
	if ((rc = central_prepare(c, &st, sql, doing, e)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		bind(st, rows, i);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = central_sqlerr(c, doing, e);
			goto out;
		}
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	if ((rc = central_log(c, what, e)) == 0)
		rc = central_exec(c, "COMMIT", doing, e);
out:
	sqlite3_finalize(st);
	if (rc != 0)
		central_rollback(c);
	return rc;
}

static void
central_turnover_bind(sqlite3_stmt *st, const void *rows, size_t i)
{
	const struct turnover_row *r = (const struct turnover_row *)rows + i;

	sqlite3_bind_text(st, 1, r->unit, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->year);
	sqlite3_bind_double(st, 3, r->headcount);
	sqlite3_bind_double(st, 4, r->leavers);
	if (r->retirements >= 0)
		sqlite3_bind_double(st, 5, r->retirements);
	if (r->internal >= 0)
		sqlite3_bind_double(st, 6, r->internal);
}

int
central_turnover_import(struct central *c, const struct turnover_row *rows,
    size_t n, const char *what, struct err *e)
{
	return central_import(c,
	    "INSERT OR REPLACE INTO turnover (unit, "
	    "year, headcount, leavers, retirements, internal_moves) VALUES "
	    "(?, ?, ?, ?, ?, ?)",
	    n, central_turnover_bind, rows, what, "cannot import the turnover",
	    e);
}

static int
turnover_row(sqlite3_stmt *st, void *elem)
{
	struct turnover_row *v = elem;

	v->unit = xstrdup((const char *)sqlite3_column_text(st, 0));
	v->year = (unsigned)sqlite3_column_int64(st, 1);
	v->headcount = sqlite3_column_double(st, 2);
	v->leavers = sqlite3_column_double(st, 3);
	v->retirements = sqlite3_column_type(st, 4) == SQLITE_NULL ?
	    -1 :
	    sqlite3_column_double(st, 4);
	v->internal = sqlite3_column_type(st, 5) == SQLITE_NULL ?
	    -1 :
	    sqlite3_column_double(st, 5);
	return 1;
}

static void
turnover_clear(void *elem)
{
	free(((struct turnover_row *)elem)->unit);
}

int
central_turnover_list(struct central *c, struct turnover_row **out,
    size_t *nout, struct err *e)
{
	void *v;
	int rc;

	rc = central_rows(c,
	    "SELECT unit, year, headcount, leavers, "
	    "retirements, internal_moves FROM turnover ORDER BY unit, year",
	    "cannot read the turnover", sizeof **out, turnover_row,
	    turnover_clear, &v, nout, e);
	*out = v;
	return rc;
}

void
central_turnover_list_free(struct turnover_row *rows, size_t n)
{
	db_rows_free(rows, n, sizeof *rows, turnover_clear);
}

static void
central_hme_bind(sqlite3_stmt *st, const void *rows, size_t i)
{
	const struct hme_row *r = (const struct hme_row *)rows + i;

	sqlite3_bind_text(st, 1, r->unit, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->year);
	sqlite3_bind_double(st, 3, r->hme);
	sqlite3_bind_double(st, 4, r->motivation);
	sqlite3_bind_double(st, 5, r->ledarskap);
	sqlite3_bind_double(st, 6, r->styrning);
}

int
central_hme_import(struct central *c, const struct hme_row *rows, size_t n,
    const char *what, struct err *e)
{
	return central_import(c,
	    "INSERT OR REPLACE INTO hme (unit, year, "
	    "hme, motivation, ledarskap, styrning) VALUES (?, ?, ?, ?, ?, ?)",
	    n, central_hme_bind, rows, what, "cannot import the HME", e);
}

static int
hme_row(sqlite3_stmt *st, void *elem)
{
	struct hme_row *v = elem;

	v->unit = xstrdup((const char *)sqlite3_column_text(st, 0));
	v->year = (unsigned)sqlite3_column_int64(st, 1);
	v->hme = sqlite3_column_double(st, 2);
	v->motivation = sqlite3_column_double(st, 3);
	v->ledarskap = sqlite3_column_double(st, 4);
	v->styrning = sqlite3_column_double(st, 5);
	return 1;
}

static void
hme_clear(void *elem)
{
	free(((struct hme_row *)elem)->unit);
}

int
central_hme_list(struct central *c, struct hme_row **out, size_t *nout,
    struct err *e)
{
	void *v;
	int rc;

	rc = central_rows(c,
	    "SELECT unit, year, hme, motivation, ledarskap, "
	    "styrning FROM hme ORDER BY unit, year",
	    "cannot read the HME", sizeof **out, hme_row, hme_clear, &v, nout,
	    e);
	*out = v;
	return rc;
}

void
central_hme_list_free(struct hme_row *rows, size_t n)
{
	db_rows_free(rows, n, sizeof *rows, hme_clear);
}

/* --- releases ------------------------------------------------------------ */

static int
release_row(sqlite3_stmt *st, void *elem)
{
	struct central_release *r = elem;
	const char *s;

	memset(r, 0, sizeof *r);
	r->year = (unsigned)sqlite3_column_int64(st, 0);
	r->revision = (unsigned)sqlite3_column_int64(st, 1);
	s = (const char *)sqlite3_column_text(st, 2);
	snprintf(r->date, sizeof r->date, "%s", s != NULL ? s : "");
	r->interviews = (uint32_t)sqlite3_column_int64(st, 3);
	s = (const char *)sqlite3_column_text(st, 4);
	snprintf(r->mapdigest, sizeof r->mapdigest, "%s", s != NULL ? s : "");
	r->blob = db_column_dup(st, 5, &r->bloblen);
	return 1;
}

static void
release_clear(void *elem)
{
	free(((struct central_release *)elem)->blob);
}

int
central_release_list(struct central *c, struct central_release **rows,
    size_t *n, struct err *e)
{
	void *v;
	int rc;

	rc = central_rows(c,
	    "SELECT year, revision, date, interviews, mapdigest, blob FROM "
	    "releases ORDER BY year, revision",
	    "cannot read the releases", sizeof **rows, release_row,
	    release_clear, &v, n, e);
	*rows = v;
	return rc;
}

void
central_release_list_free(struct central_release *rows, size_t n)
{
	db_rows_free(rows, n, sizeof *rows, release_clear);
}

int
central_release_add(struct central *c, const struct central_release *r,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc, x;

	if ((rc = central_prepare(c, &st,
		 "INSERT OR IGNORE INTO releases "
		 "(year, revision, date, interviews, mapdigest, blob) VALUES (?, "
		 "?, ?, ?, ?, ?)",
		 "cannot record the release", e)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, r->year);
	sqlite3_bind_int64(st, 2, r->revision);
	sqlite3_bind_text(st, 3, r->date, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, r->interviews);
	sqlite3_bind_text(st, 5, r->mapdigest, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, r->blob, (int)r->bloblen, SQLITE_STATIC);
	x = sqlite3_step(st);
	if (x != SQLITE_DONE) {
		rc = central_sqlerr(c, "cannot record the release", e);
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	return sqlite3_changes(c->db) == 0 ? 1 : 0;
}

int
central_release_purge(struct central *c, unsigned year, size_t *deleted,
    struct err *e)
{
	sqlite3_stmt *st;
	int rc, x;

	*deleted = 0;
	if ((rc = central_prepare(c, &st, "DELETE FROM releases WHERE year < ?",
		 "cannot delete the releases", e)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, year);
	x = sqlite3_step(st);
	if (x != SQLITE_DONE) {
		rc = central_sqlerr(c, "cannot delete the releases", e);
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	*deleted = (size_t)sqlite3_changes(c->db);
	return 0;
}
