/* desk: drafts, saving, sealing and discarding, without curses (see
 * desk.h). Every buffer that held a draft's plaintext is wiped. */
#include "interview/desk.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/env.h"
#include "crypto/record.h"
#include "util/i18n.h"
#include "util/xmem.h"

int
desk_open(struct desk *d, const char *datadir, struct err *e)
{
	d->prof = NULL;
	d->has_draft = 0;
	memset(d->draft_id, 0, sizeof d->draft_id);
	return outbox_open(datadir, &d->ob, e);
}

int
desk_unlock(struct desk *d, const char *datadir, const char *pass,
    struct err *e)
{
	return profile_unlock(datadir, pass, &d->prof, e);
}

void
desk_close(struct desk *d)
{
	profile_free(d->prof);
	d->prof = NULL;
	outbox_close(d->ob);
	d->ob = NULL;
	d->has_draft = 0;
}

struct form *
desk_form(const struct desk *d, const char *id, uint32_t version,
    const uint8_t *hash)
{
	size_t i;

	for (i = 0; i < d->nforms; i++)
		if (strcmp(d->forms[i]->id, id) == 0 &&
		    d->forms[i]->version == version &&
		    memcmp(d->forms[i]->hash, hash, FORM_HASH_BYTES) == 0)
			return d->forms[i];
	return NULL;
}

/* The draft's plaintext and its header; the buffer is the caller's to
 * wipe. */
static int
desk_load(struct desk *d, const uint8_t id[OUTBOX_ID_BYTES], uint8_t **buf,
    size_t *len, struct session_info *in, struct err *e)
{
	if (outbox_draft_load(d->ob, d->prof->draft_key, id, buf, len, e) == -1)
		return -1;
	if (session_peek(*buf, *len, in, e) == -1) {
		xfree_wipe(*buf, *len);
		*buf = NULL;
		return -1;
	}
	return 0;
}

int
desk_drafts(struct desk *d, struct desk_draft **out, size_t *n, struct err *e)
{
	uint8_t(*ids)[OUTBOX_ID_BYTES] = NULL;
	struct desk_draft *r;
	uint8_t *buf;
	size_t len, i;

	*out = NULL;
	*n = 0;
	if (outbox_draft_list(d->ob, &ids, n, e) == -1)
		return -1;
	r = *n > 0 ? xcalloc(*n, sizeof *r) : NULL;
	for (i = 0; i < *n; i++) {
		memcpy(r[i].id, ids[i], OUTBOX_ID_BYTES);
		if (desk_load(d, ids[i], &buf, &len, &r[i].info, &r[i].why) ==
		    -1)
			continue;
		xfree_wipe(buf, len);
		r[i].ok = 1;
		r[i].form = desk_form(d, r[i].info.form_id,
		    r[i].info.form_version, r[i].info.form_hash);
	}
	free(ids);
	*out = r;
	return 0;
}

int
desk_waiting(struct desk *d, size_t *n, long long *last_sync, struct err *e)
{
	char *v = NULL;

	*last_sync = 0;
	if (outbox_env_count(d->ob, n, e) == -1)
		return -1;
	if (outbox_meta_get(d->ob, OUTBOX_META_LAST_SYNC, &v, e) == -1)
		return -1;
	if (v != NULL)
		*last_sync = strtoll(v, NULL, 10);
	free(v);
	return 0;
}

int
desk_resume(struct desk *d, const uint8_t id[OUTBOX_ID_BYTES],
    struct session **s, struct err *e)
{
	struct session_info in;
	const struct form *f;
	uint8_t *buf;
	size_t len;

	*s = NULL;
	if (desk_load(d, id, &buf, &len, &in, e) == -1)
		return -1;
	f = desk_form(d, in.form_id, in.form_version, in.form_hash);
	if (f == NULL) {
		xfree_wipe(buf, len);
		return err_setc(e, ERR_DATA,
		    _("The form %s version %u of "
		      "this draft is not on this laptop."),
		    in.form_id, in.form_version);
	}
	*s = session_decode(f, buf, len, e);
	xfree_wipe(buf, len);
	if (*s == NULL)
		return -1;
	memcpy(d->draft_id, id, OUTBOX_ID_BYTES);
	d->has_draft = 1;
	/* A draft of an older layout (version 1, little-endian) is written
	 * back in today's at once; if that fails, the next save does it. */
	if (in.version < SESSION_DRAFT_VERSION) {
		struct err e2;

		(void)desk_save(d, *s, &e2);
	}
	return 0;
}

void
desk_begin(struct desk *d)
{
	d->has_draft = 0;
	memset(d->draft_id, 0, sizeof d->draft_id);
}

int
desk_save(struct desk *d, const struct session *s, struct err *e)
{
	uint8_t *buf;
	size_t len;
	int rc;

	if (!d->has_draft) {
		if (outbox_draft_new(d->ob, d->prof->draft_key, d->draft_id,
			e) == -1)
			return -1;
		d->has_draft = 1;
	}
	session_encode(s, &buf, &len);
	rc = outbox_draft_save(d->ob, d->prof->draft_key, d->draft_id, buf, len,
	    e);
	xfree_wipe(buf, len);
	return rc;
}

int
desk_seal(struct desk *d, const struct session *s, struct err *e)
{
	struct record r;
	uint8_t id[ENV_ID_BYTES], *env = NULL;
	size_t len = 0;
	int rc;

	if (desk_save(d, s, e) == -1)
		return -1;
	session_to_record(s, &r);
	rc = env_seal(&r, d->prof->hr_pk, id, &env, &len, e);
	record_free(&r);
	if (rc == 0)
		rc = outbox_submit(d->ob, d->draft_id, id, env, len, e);
	free(env);
	if (rc == -1)
		return -1;
	desk_begin(d);
	return 0;
}

void
desk_end(struct desk *d)
{
	desk_begin(d);
}

int
desk_discard(struct desk *d, const uint8_t id[OUTBOX_ID_BYTES], struct err *e)
{
	if (outbox_draft_delete(d->ob, id, e) == -1)
		return -1;
	if (d->has_draft && memcmp(d->draft_id, id, OUTBOX_ID_BYTES) == 0)
		desk_begin(d);
	return 0;
}
