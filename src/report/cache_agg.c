/* cache_agg: the aggregate file beside central.db (central.db-aggcache):
 * the load's aggregation and the tap's state as bytes, bound to what
 * made them, so that an open reads no record at all and opens only the
 * envelopes new since; and the background writer of both cache files.
 * The format is avslut-cache(5); the record cache is cache.c's. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "report/agg_int.h" /* the reasons theme; an agg emptied again */
#include "report/cache.h"
#include "report/cache_int.h"
#include "report/cache_rec.h"
#include "sync/sync.h" /* sync_tmp_sweep */
#include "util/buf.h"
#include "util/i18n.h"
#include "util/xmem.h"

#define CACHE_BIND_BYTES 32
#define CACHE_TAPD_BYTES 32

/* The aggregate file of this process's load, one at a time: cache_run
 * sets it up (cache_agg_begin), the background writer or cache_keep
 * writes it, cache_wait forgets it. The writer thread touches it only
 * between cache_spawn and the join, the caller's thread otherwise. */
static struct {
	int on;	     /* the file may be used and written */
	int known;   /* res and the ids below are the load's */
	int pending; /* plain is for the writer */
	int tap;     /* the load had a tap (its state is in the file) */
	void (*tap_digest)(void *ctx, uint8_t out[32]);
	void (*tap_put)(void *ctx, struct buf *b);
	const struct agg *agg; /* the load's, and its tap's context: */
	const void *tapctx;    /* cache_keep's are compared with them */
	uint8_t *key;	       /* sodium_malloc: locked, wiped by sodium_free */
	char *path;
	uint8_t digest[CACHE_DIGEST_BYTES], setd[CACHE_SETD_BYTES];
	int hasset;
	struct buf bind; /* the binding's bytes up to the tap's digest */
	struct hrload_result res; /* the load's counts and notes */
	struct idlist ids, fresh; /* covered: in id order, and not yet */
	struct buf plain;	  /* header and plaintext up to the ids */
} ca;
static int cache_agg_off; /* cache_test_agg */

static pthread_t cache_writer;
static int cache_writing, cache_atexit;

void
cache_test_agg(int off)
{
	cache_agg_off = off;
}

char *
cache_path(const char *dbpath)
{
	return xasprintf("%s%s", dbpath, CACHE_SUFFIX);
}

char *
cache_agg_path(const char *dbpath)
{
	return xasprintf("%s%s", dbpath, CACHE_AGG_SUFFIX);
}

/* A temporary file of either cache file of the store whose base name is
 * arg ("central.db-cache.tmp.XXXXXX", "central.db-aggcache.tmp.XXXXXX"). */
static int
cache_is_tmp(const char *name, const char *arg)
{
	size_t n = strlen(arg);

	return strncmp(name, arg, n) == 0 &&
	    (strncmp(name + n, CACHE_SUFFIX ".tmp.", 11) == 0 ||
		strncmp(name + n, CACHE_AGG_SUFFIX ".tmp.", 14) == 0) &&
	    sync_tmp_is_atomic(name, NULL);
}

void
cache_sweep(const char *dbpath)
{
	char *dir = xstrdup(dbpath), *slash = strrchr(dir, '/');
	const char *base = dbpath;

	/* A writer killed mid-write (^C while the background thread
	 * wrote, the terminal closed at exit) leaves its temporary file:
	 * the answers, encrypted under the HR key, that no purge would
	 * reach. A live writer holds its lock: never taken. */
	if (slash != NULL) {
		*slash = '\0';
		base = dbpath + (slash - dir) + 1;
	}
	(void)sync_tmp_sweep(slash == NULL ? "." :
		slash == dir		   ? "/" :
					     dir,
	    cache_is_tmp, base, 0);
	free(dir);
}

int
cache_remove(const char *dbpath, struct err *e)
{
	char *p[2];
	size_t i;
	int rc = 0;

	cache_wait(); /* a write under way would bring them back */
	cache_sweep(dbpath);
	p[0] = cache_path(dbpath);
	p[1] = cache_agg_path(dbpath);
	for (i = 0; i < 2; i++) {
		if (unlink(p[i]) != 0 && errno != ENOENT && rc == 0)
			rc = err_setc(e, ERR_IO, _("cannot remove %s: %s"),
			    p[i], strerror(errno));
		free(p[i]);
	}
	return rc;
}

static void
cache_agg_forget(void)
{
	sodium_free(ca.key);
	free(ca.path);
	buf_free(&ca.bind);
	buf_free(&ca.plain);
	hrload_result_free(&ca.res);
	cache_ids_free(&ca.ids);
	cache_ids_free(&ca.fresh);
	memset(&ca, 0, sizeof ca);
}

static void
cache_join(void)
{
	if (cache_writing) {
		pthread_join(cache_writer, NULL);
		cache_writing = 0;
	}
}

void
cache_test_join(void)
{
	cache_join();
}

/* Registered with atexit: `report` leaves whole files, and the kept
 * key is wiped. */
void
cache_wait(void)
{
	cache_join();
	cache_agg_forget();
}

static int
cmp_code(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

void
cache_agg_begin(const char *dbpath, const uint8_t sk[ENV_SK_BYTES],
    const struct agg *a, const struct hrload_opts *opts,
    const uint8_t digest[CACHE_DIGEST_BYTES], int hasset,
    const uint8_t setd[CACHE_SETD_BYTES])
{
	int tap = opts != NULL && opts->tap != NULL, ok = 1;
	size_t i, n = agg_nunits(a);
	const char **codes;

	cache_agg_forget();
	/* A tap whose state cannot be kept would see none of the records
	 * the file covers. */
	if (cache_agg_off || agg_records(a) != 0 || agg_rejected(a) != 0 ||
	    (tap &&
		(opts->tap_digest == NULL || opts->tap_put == NULL ||
		    opts->tap_get == NULL)))
		return;
	/* The binding (avslut-cache(5)) up to the tap's digest: the units
	 * a was made with (empty, a holds only the configuration's), the
	 * reasons theme. */
	buf_init(&ca.bind);
	buf_put(&ca.bind, CACHE_AGG_CONTEXT, sizeof CACHE_AGG_CONTEXT);
	buf_put_u32(&ca.bind, (uint32_t)n);
	codes = xcalloc(n ? n : 1, sizeof *codes);
	for (i = 0; i < n; i++)
		codes[i] = agg_unit(a, i)->code;
	qsort(codes, n, sizeof *codes, cmp_code);
	for (i = 0; i < n; i++)
		ok &= buf_put_str8(&ca.bind, codes[i], strlen(codes[i])) == 0;
	free(codes);
	ok &= buf_put_str8(&ca.bind, a->reasons_theme,
		  strlen(a->reasons_theme)) == 0;
	if (!ok || (ca.key = cache_key_new(sk, CACHE_AGGREGATE)) == NULL) {
		cache_agg_forget();
		return;
	}
	if (!cache_atexit)
		cache_atexit = atexit(cache_wait) == 0;
	ca.on = 1;
	ca.tap = tap;
	ca.agg = a;
	ca.tapctx = tap ? opts->tap_ctx : NULL;
	if (tap) {
		ca.tap_digest = opts->tap_digest;
		ca.tap_put = opts->tap_put;
	}
	ca.path = cache_agg_path(dbpath);
	memcpy(ca.digest, digest, sizeof ca.digest);
	memcpy(ca.setd, setd, sizeof ca.setd);
	ca.hasset = hasset;
}

/* The binding: BLAKE2b-256 of its bytes and the tap's digest now
 * (zeros without a tap). */
static void
cache_agg_bind(void *tapctx, uint8_t out[CACHE_BIND_BYTES])
{
	crypto_generichash_state st;
	uint8_t td[CACHE_TAPD_BYTES];

	memset(td, 0, sizeof td);
	if (ca.tap)
		ca.tap_digest(tapctx, td);
	crypto_generichash_init(&st, NULL, 0, CACHE_BIND_BYTES);
	crypto_generichash_update(&st, buf_data(&ca.bind), buf_len(&ca.bind));
	crypto_generichash_update(&st, td, sizeof td);
	crypto_generichash_final(&st, out, CACHE_BIND_BYTES);
}

/* What the file says besides a and the tap, kept for its writes: the
 * ids covered (nold in id order; then fresh, in any order), res. */
static void
cache_agg_cover(const uint8_t (*old)[ENV_ID_BYTES], size_t nold)
{
	cache_ids_free(&ca.ids);
	ca.ids.v = xcalloc(nold ? nold : 1, ENV_ID_BYTES);
	if (nold > 0)
		memcpy(ca.ids.v, old, nold * ENV_ID_BYTES);
	ca.ids.n = ca.ids.cap = nold;
}

static void
cache_agg_known(const struct hrload_result *res, const struct idlist *fresh)
{
	hrload_result_free(&ca.res);
	memset(&ca.res, 0, sizeof ca.res);
	cache_res_add(&ca.res, res);
	cache_ids_free(&ca.fresh);
	if (fresh != NULL && fresh->n > 0) {
		ca.fresh.v = xcalloc(fresh->n, ENV_ID_BYTES);
		memcpy(ca.fresh.v, fresh->v, fresh->n * ENV_ID_BYTES);
		ca.fresh.n = ca.fresh.cap = fresh->n;
	}
	ca.known = 1;
}

/* The header and the plaintext up to the ids into ca.plain, now (the
 * views may change the tap's state afterwards): the binding, the
 * counts and notes (sorted), a's snapshot, the tap's. */
static void
cache_agg_encode(const struct agg *a, void *tapctx)
{
	uint8_t bind[CACHE_BIND_BYTES];
	const struct hrload_result *r = &ca.res;
	char **notes;
	size_t i;

	buf_free(&ca.plain);
	cache_head_put(&ca.plain, CACHE_AGGREGATE, ca.digest, ca.hasset,
	    ca.setd, CACHE_CHUNK);
	cache_agg_bind(tapctx, bind);
	buf_put(&ca.plain, bind, sizeof bind);
	buf_put_u64(&ca.plain, r->total);
	buf_put_u64(&ca.plain, r->used);
	buf_put_u64(&ca.plain, r->unreadable);
	buf_put_u64(&ca.plain, r->unapproved);
	buf_put_u64(&ca.plain, r->invalid);
	buf_put_u64(&ca.plain, r->notes_dropped);
	notes = xcalloc(r->nnotes ? r->nnotes : 1, sizeof *notes);
	memcpy(notes, r->notes, r->nnotes * sizeof *notes);
	qsort(notes, r->nnotes, sizeof *notes, cmp_code);
	buf_put_u32(&ca.plain, (uint32_t)r->nnotes);
	for (i = 0; i < r->nnotes; i++) {
		buf_put_u32(&ca.plain, (uint32_t)strlen(notes[i]));
		buf_put(&ca.plain, notes[i], strlen(notes[i]));
	}
	free(notes);
	agg_snap_put(a, &ca.plain);
	buf_put_u8(&ca.plain, ca.tap ? 1 : 0);
	if (ca.tap)
		ca.tap_put(tapctx, &ca.plain);
}

/* The ids covered (the new ones sorted and merged in), then the whole
 * sealed and written; ca.ids stays, for a write at exit. */
static void
cache_agg_write(void)
{
	size_t n = ca.ids.n;

	if (ca.fresh.n > 0) {
		qsort(ca.fresh.v, ca.fresh.n, ENV_ID_BYTES, cache_cmp_id);
		ca.ids.v = xreallocarray(ca.ids.v, n + ca.fresh.n,
		    ENV_ID_BYTES);
		memcpy(ca.ids.v + n, ca.fresh.v, ca.fresh.n * ENV_ID_BYTES);
		ca.ids.n = ca.ids.cap = n + ca.fresh.n;
		ca.ids.v = cache_merge(ca.ids.v, n, ca.ids.n, ENV_ID_BYTES,
		    cache_cmp_id);
		cache_ids_free(&ca.fresh);
	}
	buf_put_u64(&ca.plain, ca.ids.n);
	buf_put(&ca.plain, ca.ids.v, ca.ids.n * ENV_ID_BYTES);
	/* best effort: without the file the next run takes the record path */
	(void)cache_seal_write(&ca.plain, ca.key, CACHE_CHUNK, ca.path);
	ca.pending = 0;
}

void
cache_agg_queue(const struct agg *a, const struct hrload_opts *opts,
    const struct hrload_result *res, const uint8_t (*old)[ENV_ID_BYTES],
    size_t nold, const struct idlist *fresh)
{
	if (!ca.on)
		return;
	cache_agg_cover(old, nold);
	cache_agg_known(res, fresh);
	cache_agg_encode(a, opts != NULL ? opts->tap_ctx : NULL);
	ca.pending = 1;
}

/* 1 if the store still holds exactly the set the load counted: its
 * envelope-set digest, read now, is the one the file is bound to. A
 * purge (or an ingest) by another process since the load changes it. */
static int
cache_keep_same_set(struct central *c)
{
	uint8_t now[CACHE_SETD_BYTES];
	struct err e;

	return ca.hasset && central_set_digest(c, now, &e) == 1 &&
	    sodium_memcmp(now, ca.setd, sizeof now) == 0;
}

void
cache_keep(struct central *c, const struct agg *a, void *tap_ctx)
{
	cache_join();
	/* Not after a purge by another process: the file would put the
	 * purged interviews back on disk, hours after the purge removed
	 * them, until the next open replaced it (the review's MEDIUM). */
	if (ca.on && ca.known && a == ca.agg && tap_ctx == ca.tapctx &&
	    cache_keep_same_set(c)) {
		cache_agg_encode(a, tap_ctx);
		cache_agg_write();
	}
	cache_agg_forget();
}

static void *
cache_write_thread(void *arg)
{
	if (ca.pending)
		cache_agg_write();
	if (arg != NULL)
		cache_write(arg);
	return NULL;
}

/* Write the files off the caller's path: the dashboard draws meanwhile;
 * exit (atexit) waits for it, so `report` leaves whole files. */
void
cache_spawn(struct cache_job *j)
{
	cache_join();
	if (j == NULL && !ca.pending)
		return;
	if (!cache_atexit)
		cache_atexit = atexit(cache_wait) == 0;
	if (cache_atexit &&
	    pthread_create(&cache_writer, NULL, cache_write_thread, j) == 0)
		cache_writing = 1;
	else
		cache_write_thread(j);
}

void
cache_trace(const char *file, size_t covered, size_t opened)
{
	/* A test aid in English (avslut-cache(5)), not a message to
	 * translate: the tests match these lines. */
	static const char *const fmt[2] = {
		"avslut-hr: cache: none, %zu opened\n",
		"avslut-hr: cache: %s, %zu covered, %zu opened\n",
	};

	if (getenv("AVSLUT_CACHE_TRACE") == NULL)
		return;
	if (file == NULL)
		fprintf(stderr, fmt[0], opened);
	else
		fprintf(stderr, fmt[1], file, covered, opened);
}

/* The file read and opened: its plaintext, what it says (counts and
 * notes, the ids covered), where the snapshots lie. */
struct cache_aggin {
	uint8_t *mem; /* the whole file: wipe and free */
	size_t memlen;
	const uint8_t *plain;
	size_t plen, snap, snapend; /* the snapshots: plain[snap..snapend) */
	struct hrload_result base;
	const uint8_t (*ids)[ENV_ID_BYTES];
	size_t nids;
};

static void
cache_aggin_free(struct cache_aggin *in)
{
	xfree_wipe(in->mem, in->memlen); /* holds answers: the texts */
	hrload_result_free(&in->base);
	memset(in, 0, sizeof *in);
}

/* Everything but the snapshots, checked before any of it is applied:
 * the binding now, the counts (they add up), at most HRLOAD_MAX_NOTES
 * notes, the ids (total of them, last, in strict id order). 0 or -1. */
static int
cache_agg_parse(struct cache_aggin *in, void *tapctx)
{
	uint8_t bind[CACHE_BIND_BYTES];
	struct hrload_result *g = &in->base;
	const uint8_t *x;
	struct buf_rd rd;
	uint64_t v[6], tail;
	uint32_t nnotes, k;
	size_t len, i;
	char *note;

	cache_agg_bind(tapctx, bind);
	buf_rd_init(&rd, in->plain, in->plen);
	if (buf_get_ptr(&rd, sizeof bind, &x) != 0 ||
	    sodium_memcmp(x, bind, sizeof bind) != 0)
		return -1;
	for (i = 0; i < 6; i++)
		buf_get_u64(&rd, &v[i]);
	if (buf_get_u32(&rd, &nnotes) != 0 || nnotes > HRLOAD_MAX_NOTES ||
	    v[0] > in->plen / ENV_ID_BYTES || v[1] > v[0] || v[2] > v[0] ||
	    v[3] > v[0] || v[4] > v[0] || v[2] + v[3] + v[4] != v[0] - v[1])
		return -1;
	for (k = 0; k < nnotes; k++) {
		if (buf_get_str32(&rd, buf_rd_left(&rd), &x, &len) != 0)
			return -1;
		note = xstrndup((const char *)x, len);
		hrload_result_note(g, note);
		free(note);
	}
	cache_res_counts(g, v);
	/* the ids end the plaintext: total of them, after their number */
	in->snap = buf_rd_off(&rd);
	tail = v[0] * ENV_ID_BYTES + 8;
	if (tail > in->plen - in->snap)
		return -1;
	in->snapend = in->plen - (size_t)tail;
	if (buf_load_u64(in->plain + in->snapend) != v[0])
		return -1;
	in->ids = (const uint8_t(*)[ENV_ID_BYTES])(in->plain + in->snapend + 8);
	in->nids = (size_t)v[0];
	for (i = 1; i < in->nids; i++)
		if (memcmp(in->ids[i - 1], in->ids[i], ENV_ID_BYTES) >= 0)
			return -1;
	return 0;
}

/* a back to empty, as cache_run got it, after agg_snap_get filled it
 * and the rest did not fit: an agg made alike takes the place of its
 * insides (the caller's pointer stays). */
static void
cache_agg_empty(struct agg *a)
{
	struct agg *b = agg_new_like(a), t = *a;

	*a = *b;
	*b = t;
	agg_free(b);
}

/* a and the tap from the snapshots: 0; -1 if they do not fit (a empty
 * again, the tap as it was); -2 if the tap took its state and bytes
 * are left before the ids (a fault of avslut-hr: the tap cannot be
 * undone). */
static int
cache_agg_apply(struct cache_aggin *in, struct agg *a,
    const struct hrload_opts *opts)
{
	struct buf_rd rd;
	uint8_t flag;

	buf_rd_init(&rd, in->plain + in->snap, in->snapend - in->snap);
	if (agg_snap_get(a, &rd) != 0)
		return -1;
	if (agg_records(a) != in->base.used ||
	    agg_rejected(a) != in->base.total - in->base.used ||
	    buf_get_u8(&rd, &flag) != 0 || flag != (ca.tap ? 1 : 0) ||
	    (ca.tap && opts->tap_get(opts->tap_ctx, &rd) != 0)) {
		cache_agg_empty(a);
		return -1;
	}
	if (buf_rd_left(&rd) == 0)
		return 0;
	if (ca.tap)
		return -2;
	cache_agg_empty(a);
	return -1;
}

int
cache_agg_load(struct central *c, const uint8_t pk[ENV_PK_BYTES],
    const uint8_t sk[ENV_SK_BYTES], const struct form *const *forms,
    size_t nforms, struct agg *a, const struct hrload_opts *opts,
    struct cache_ids *d, struct hrload_result *res, int *used, struct err *e)
{
	uint8_t head[CACHE_HEAD_BYTES];
	void *tapctx = opts != NULL ? opts->tap_ctx : NULL;
	struct cache_aggin in;
	struct cache_fill f;
	struct hrload_result hr;
	struct idlist fresh;
	pthread_t t;
	size_t covered;
	int rc, same, threaded = 0;

	*used = 0;
	if (!ca.on)
		return 0;
	memset(&in, 0, sizeof in);
	memset(&fresh, 0, sizeof fresh);
	/* A file over another set: the store's ids are read meanwhile (and
	 * left in d for the record path if the file does not fit). */
	if (cache_peek(ca.path, head) != 0)
		return 0;
	same = ca.hasset && cache_same_set(head, ca.setd);
	if (!same)
		threaded = pthread_create(&t, NULL, cache_ids_thread, d) == 0;
	in.mem = cache_read_file(ca.path, CACHE_AGGREGATE, &in.memlen);
	if (in.mem != NULL &&
	    cache_decrypt(in.mem, in.memlen, ca.key, &in.plen) != 0) {
		xfree_wipe(in.mem, in.memlen);
		in.mem = NULL;
	}
	if (threaded)
		pthread_join(t, NULL);
	if (in.mem == NULL ||
	    sodium_memcmp(in.mem + CACHE_OFF_FORMS, ca.digest,
		CACHE_DIGEST_BYTES) != 0)
		goto unused;
	in.plain = in.mem + CACHE_HEAD_BYTES;
	if (cache_agg_parse(&in, tapctx) != 0)
		goto unused;
	/* The same set (its digest, authenticated now) needs no check of
	 * the ids; otherwise the file must cover only envelopes the store
	 * still holds (a purge: not used), and what it lacks is opened. */
	if (!ca.hasset || !cache_same_set(in.mem, ca.setd)) {
		if (!d->done)
			cache_ids_thread(d);
		if (d->rc != 0 ||
		    cache_fresh(in.ids, in.nids, &d->ids, &fresh) != 0)
			goto unused;
	}
	switch (cache_agg_apply(&in, a, opts)) {
	case -1:
		goto unused;
	case -2:
		(void)unlink(ca.path);
		rc = err_setc(e, ERR_SOFTWARE,
		    _("%s does not fit the releases: it is removed; run "
		      "again"),
		    ca.path);
		cache_ids_free(&fresh);
		cache_aggin_free(&in);
		*used = 1;
		return rc;
	}
	*used = 1;
	memset(res, 0, sizeof *res);
	cache_res_add(res, &in.base);
	/* The ids kept for the file's writes; its bytes (the answers'
	 * texts among them) wiped before anything is opened or encoded. */
	cache_agg_cover(in.ids, in.nids);
	covered = in.nids;
	cache_aggin_free(&in);
	if (fresh.n == 0) {
		/* nothing new: the file stays as it is */
		cache_agg_known(res, NULL);
		cache_trace("aggregate file", covered, 0);
		if (opts != NULL && opts->progress != NULL)
			opts->progress(opts->progress_ctx, res->total,
			    res->total);
		return 0;
	}
	/* Only what is new is opened, into a and the tap; no record is
	 * encoded: the record cache stays as it is. */
	cache_fill_init(&f, a, forms, nforms, opts, 0);
	f.failed = 1;
	rc = hrload_foreach_ids(c, pk, sk, forms, nforms,
	    (const uint8_t(*)[ENV_ID_BYTES])fresh.v, fresh.n, opts,
	    cache_fill_fn, &f, &hr, e);
	cache_res_add(res, &hr);
	cache_fill_settle(&f, res);
	cache_trace("aggregate file", covered, hr.total);
	hrload_result_free(&hr);
	if (rc == 0) {
		cache_agg_known(res, &f.ids);
		cache_agg_encode(a, tapctx);
		ca.pending = 1;
		cache_spawn(NULL);
		if (opts != NULL && opts->progress != NULL)
			opts->progress(opts->progress_ctx, res->total,
			    res->total);
	}
	cache_fill_free(&f);
	cache_ids_free(&fresh);
	return rc;
unused:
	cache_ids_free(&fresh);
	cache_aggin_free(&in);
	return 0;
}
