/* cache: the sealed record cache beside central.db, so that a second open
 * of the same store skips the public-key work. See cache.h for what the
 * file holds and why only the HR secret key reads or writes it. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "report/cache.h"
#include "report/cache_rec.h"
#include "util/buf.h"
#include "util/fsx.h"
#include "util/i18n.h"
#include "util/xmem.h"

#include "report/cache_int.h"

/* The trailer gives the offset of every CACHE_MARK-th record (the
 * interval is written in it), so that threads can each decode a share
 * of the records. */
#define CACHE_MARK 4096
#define CACHE_MAX_MARK (1u << 20)

/* The mark interval files are written with and the most threads that
 * decode one: cache_test_split changes them, for the tests. */
static unsigned cache_mark = CACHE_MARK, cache_parts; /* 0: by cores */
static unsigned cache_chunk = CACHE_CHUNK;

void
cache_test_split(unsigned mark, unsigned parts, unsigned chunk)
{
	cache_mark = mark >= 1 && mark <= CACHE_MAX_MARK ? mark : CACHE_MARK;
	cache_parts = parts <= 4 ? parts : 4;
	cache_chunk = chunk >= 1 && chunk <= CACHE_MAX_CHUNK ? chunk :
							       CACHE_CHUNK;
}

void
cache_ids_push(struct idlist *l, const uint8_t *id)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4096;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	memcpy(l->v[l->n++], id, ENV_ID_BYTES);
}

static int
cache_id_add(void *arg, const uint8_t *id)
{
	cache_ids_push(arg, id);
	return 0;
}

void
cache_ids_free(struct idlist *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}

int
cache_cmp_id(const void *x, const void *y)
{
	return memcmp(x, y, ENV_ID_BYTES);
}

static void
cache_note(struct hrload_result *r, const char *msg)
{
	hrload_result_note(r, msg);
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* from's counts and notes added to to's. */
void
cache_res_add(struct hrload_result *to, const struct hrload_result *from)
{
	size_t i;

	to->total += from->total;
	to->used += from->used;
	to->unreadable += from->unreadable;
	to->unapproved += from->unapproved;
	to->invalid += from->invalid;
	for (i = 0; i < from->nnotes; i++)
		cache_note(to, from->notes[i]);
	to->notes_dropped += from->notes_dropped;
}

void
cache_res_counts(struct hrload_result *r, const uint64_t v[6])
{
	r->total = v[0];
	r->used = v[1];
	r->unreadable = v[2];
	r->unapproved = v[3];
	r->invalid = v[4];
	r->notes_dropped = v[5];
}

/* A used record into the aggregation; -1 if agg_add refuses it (a unit
 * the config does not name), with a note in notes. The caller counts it
 * as invalid: the cache keeps it, so that a config that names the unit
 * later counts it without opening it again. */
static int
cache_agg(struct agg *a, struct hrload_result *notes, const uint8_t *id,
    const struct agg_rec *ar, const struct hrload_opts *opts,
    pthread_mutex_t *tapmu)
{
	struct err ae;
	char hex[2 * ENV_ID_BYTES + 1], *note;

	if (agg_add(a, ar, &ae) != 0) {
		env_id_hex(id, hex);
		note = xasprintf(_("envelope %s: %s"), hex, ae.msg);
		cache_note(notes, note);
		free(note);
		return -1;
	}
	if (opts != NULL && opts->tap != NULL) {
		if (tapmu != NULL)
			pthread_mutex_lock(tapmu);
		opts->tap(opts->tap_ctx, id, ar);
		if (tapmu != NULL)
			pthread_mutex_unlock(tapmu);
	}
	return 0;
}

/* The opened file: where its records lie and what its trailer says. */
struct cache_in {
	uint8_t *mem; /* the whole file: wipe and free */
	size_t memlen;
	const uint8_t *recs; /* the records, recslen bytes */
	size_t recslen;
	struct hrload_result base; /* what the loads that made it saw,
					 * before the aggregation */
	const struct form *byix[256];
	size_t nix, maxq;
	uint64_t nrec;
	const uint8_t *marks; /* nmarks big-endian u64: the offset of
					 * record i * mark in recs */
	size_t nmarks, mark;
	const uint8_t (*ids)[ENV_ID_BYTES]; /* every envelope it covers,
						 * used or not, in id order */
	size_t nids;
	struct cspan *sp; /* each record, filled by cache_feed */
	size_t nsp;
};

static void
cache_in_free(struct cache_in *in)
{
	if (in->mem != NULL)
		xfree_wipe(in->mem, in->memlen);
	hrload_result_free(&in->base);
	free(in->sp);
	memset(in, 0, sizeof *in);
}

/* The plaintext: records, then a trailer (the counts and notes of the
 * loads that made it, the form hashes in the order of forms[], the
 * number of records, every envelope id covered in id order), then the
 * trailer's length. 0 if it parses and fits forms[] (same forms in the
 * same order: the records index them), else -1. */
static int
cache_parse(struct cache_in *in, const uint8_t *plain, size_t plen,
    const struct form *const *forms, size_t nforms)
{
	struct hrload_result *g = &in->base;
	const uint8_t *x;
	struct buf_rd tr;
	char *note;
	uint64_t v[6], nrec, nids;
	uint32_t tl, nnotes, nix, len, j;
	size_t k;

	if (plen < 4)
		return -1;
	tl = buf_load_u32(plain + plen - 4);
	if (tl > plen - 4)
		return -1;
	in->recs = plain;
	in->recslen = plen - 4 - tl;
	buf_rd_init(&tr, plain + in->recslen, tl);
	for (k = 0; k < 6; k++)
		buf_get_u64(&tr, &v[k]);
	buf_get_u32(&tr, &nnotes);
	if (buf_rd_failed(&tr))
		return -1;
	cache_res_counts(g, v);
	for (j = 0; j < nnotes; j++) {
		if (buf_get_u32(&tr, &len) != 0 ||
		    buf_get_ptr(&tr, len, &x) != 0)
			return -1;
		note = xstrndup((const char *)x, len);
		cache_note(g, note);
		free(note);
	}
	if (buf_get_u32(&tr, &nix) != 0 || nix != nforms || nix > 256)
		return -1;
	in->nix = nix;
	in->maxq = 1;
	for (k = 0; k < in->nix; k++) {
		if (buf_get_ptr(&tr, FORM_HASH_BYTES, &x) != 0 ||
		    memcmp(forms[k]->hash, x, FORM_HASH_BYTES) != 0)
			return -1;
		in->byix[k] = forms[k];
		if (forms[k]->nquestions > in->maxq)
			in->maxq = forms[k]->nquestions;
	}
	if (buf_get_u64(&tr, &nrec) != 0 || buf_get_u32(&tr, &len) != 0 ||
	    len < 1 || len > CACHE_MAX_MARK || nrec > plen ||
	    buf_get_ptr(&tr, (size_t)((nrec + len - 1) / len) * 8,
		&in->marks) != 0)
		return -1;
	in->mark = len;
	in->nmarks = (size_t)((nrec + len - 1) / len);
	for (k = 0; k < in->nmarks; k++)
		if (buf_load_u64(in->marks + 8 * k) >= in->recslen ||
		    (k > 0 &&
			buf_load_u64(in->marks + 8 * k) <=
			    buf_load_u64(in->marks + 8 * (k - 1))) ||
		    (k == 0 && buf_load_u64(in->marks) != 0))
			return -1;
	if (buf_get_u64(&tr, &nids) != 0 || nids != g->total ||
	    nids != buf_rd_left(&tr) / ENV_ID_BYTES ||
	    buf_get_ptr(&tr, (size_t)nids * ENV_ID_BYTES, &x) != 0 ||
	    buf_rd_left(&tr) != 0)
		return -1;
	in->nrec = nrec;
	in->nids = (size_t)nids;
	in->ids = (const uint8_t(*)[ENV_ID_BYTES])x;
	if (in->nrec != g->used || g->used > g->total ||
	    g->unreadable + g->unapproved + g->invalid != g->total - g->used)
		return -1;
	for (k = 1; k < in->nids; k++)
		if (memcmp(in->ids[k - 1], in->ids[k], ENV_ID_BYTES) >= 0)
			return -1;
	return 0;
}

int
cache_fresh(const uint8_t (*ids)[ENV_ID_BYTES], size_t nids,
    const struct idlist *store, struct idlist *fresh)
{
	size_t i, j = 0;
	int c;

	for (i = 0; i < store->n; i++) {
		c = j < nids ? memcmp(ids[j], store->v[i], ENV_ID_BYTES) : 1;
		if (c < 0)
			return -1;
		if (c == 0)
			j++;
		else
			cache_ids_push(fresh, store->v[i]);
	}
	return j == nids ? 0 : -1;
}

/* One thread's share of the records: from..to, at bytes off..end of
 * the records, into its own agg (the first share: the caller's). */
struct cache_part {
	struct cache_in *in;
	struct agg *a;
	struct hrload_result res; /* agg_add refused: invalid, notes */
	const struct hrload_opts *opts;
	pthread_mutex_t *tapmu; /* the tap is called one at a time */
	uint64_t from, to;
	size_t off, end;
	int bad;
};

static void *
cache_part_feed(void *arg)
{
	struct cache_part *p = arg;
	struct cache_in *in = p->in;
	const uint8_t *rid;
	struct form_answer *ans;
	struct agg_rec ar;
	struct buf_rd rd;
	uint64_t i;
	size_t at;

	buf_rd_init(&rd, in->recs + p->off, p->end - p->off);
	ans = xcalloc(in->maxq, sizeof *ans);
	/* From here on the bytes are authentic: only the HR secret key made
	 * them. A record that does not parse would be a bug: it is counted
	 * as invalid, never trusted, and so is every one after it. */
	for (i = p->from; i < p->to; i++) {
		at = buf_rd_off(&rd);
		if (p->bad ||
		    cache_rec_decode(&rd, in->byix, in->nix, ans, &ar, &rid) !=
			0) {
			p->res.invalid++;
			agg_reject(p->a);
			p->bad = 1;
			continue;
		}
		in->sp[i].p = in->recs + p->off + at;
		in->sp[i].len = buf_rd_off(&rd) - at;
		if (cache_agg(p->a, &p->res, rid, &ar, p->opts, p->tapmu) != 0)
			p->res.invalid++;
	}
	if (buf_rd_left(&rd) != 0)
		p->bad = 1;
	sodium_memzero(ans, in->maxq * sizeof *ans); /* pointers only */
	free(ans);
	return NULL;
}

/* How many threads decode the file: one per online core, at most 4, and
 * at most one per mark. */
static size_t
cache_nparts(const struct cache_in *in)
{
	long n = cache_parts ? (long)cache_parts :
			       sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	if (n > 4)
		n = 4;
	return (size_t)n < in->nmarks ? (size_t)n : in->nmarks;
}

/* Feed a and res from the parsed file; 1 if a record does not parse
 * (the file is then damaged: counted, noted, and not built on). The
 * records are split at marks between threads, each into an agg of its
 * own, merged in record order: the agg comes out as one thread would
 * make it. The tap sees every record once, in no fixed order (as in
 * hrload_run). */
static int
cache_feed(struct cache_in *in, struct agg *a, struct hrload_result *res,
    const struct hrload_opts *opts)
{
	struct cache_part parts[4];
	pthread_t tids[4];
	pthread_mutex_t tapmu;
	size_t np = cache_nparts(in), k, m, started[4];
	uint64_t i;
	int bad = 0;

	memset(res, 0, sizeof *res);
	cache_res_add(res, &in->base);
	for (i = 0; i < res->total - res->used; i++)
		agg_reject(a);
	in->sp = xcalloc(in->nrec ? in->nrec : 1, sizeof *in->sp);
	if (np < 1)
		np = 1;
	pthread_mutex_init(&tapmu, NULL);
	memset(parts, 0, sizeof parts);
	for (k = 0; k < np; k++) {
		struct cache_part *p = &parts[k];

		p->in = in;
		p->opts = opts;
		p->tapmu = np > 1 ? &tapmu : NULL;
		m = in->nmarks * k / np;
		p->from = (uint64_t)m * in->mark;
		p->off = in->nmarks > 0 ? buf_load_u64(in->marks + 8 * m) : 0;
		m = in->nmarks * (k + 1) / np;
		p->to = k + 1 == np ? in->nrec : (uint64_t)m * in->mark;
		p->end = k + 1 == np ? in->recslen :
				       buf_load_u64(in->marks + 8 * m);
		p->a = k == 0 ? a : agg_new_like(a);
	}
	for (k = 1; k < np; k++)
		started[k] = pthread_create(&tids[k], NULL, cache_part_feed,
				 &parts[k]) == 0;
	cache_part_feed(&parts[0]);
	for (k = 1; k < np; k++) {
		if (started[k])
			pthread_join(tids[k], NULL);
		else
			cache_part_feed(&parts[k]);
	}
	pthread_mutex_destroy(&tapmu);
	for (k = 0; k < np; k++) {
		if (k > 0)
			agg_merge(a, parts[k].a);
		res->used -= parts[k].res.invalid;
		res->invalid += parts[k].res.invalid;
		parts[k].res.invalid = 0;
		cache_res_add(res, &parts[k].res);
		hrload_result_free(&parts[k].res);
		bad |= parts[k].bad;
	}
	in->nsp = (size_t)in->nrec;
	if (bad)
		cache_note(res, _("the record cache is damaged: run again"));
	return bad;
}

void
cache_fill_free(struct cache_fill *f)
{
	buf_free(&f->recs);
	free(f->sp);
	cache_ids_free(&f->ids);
	hrload_result_free(&f->adj);
}

/* Runs serialised (hrload_foreach), like hrload_run's own callback. */
int
cache_fill_fn(void *ctx, const uint8_t id[ENV_ID_BYTES], enum hrload_status st,
    const struct record *r, struct err *e)
{
	struct cache_fill *f = ctx;
	struct agg_rec ar;
	size_t fi, at;

	(void)e;
	cache_ids_push(&f->ids, id);
	if (st != HRLOAD_USED) {
		agg_reject(f->a);
		return 0;
	}
	ar.unit = r->unit;
	ar.year = r->year;
	ar.form_hash = r->form_hash;
	ar.answers = r->answers;
	ar.nanswers = r->nanswers;
	if (cache_agg(f->a, &f->adj, id, &ar, f->opts, NULL) != 0)
		f->adj.invalid++;
	if (f->failed)
		return 0;
	for (fi = 0; fi < f->nforms; fi++)
		if (memcmp(f->forms[fi]->hash, r->form_hash, FORM_HASH_BYTES) ==
		    0)
			break;
	if (fi >= f->nforms || fi > 255 || strlen(r->unit) > 255 ||
	    r->nanswers != f->forms[fi]->nquestions) {
		f->failed = 1;
		return 0;
	}
	if (f->nsp == f->capsp) {
		f->capsp = f->capsp ? 2 * f->capsp : 4096;
		f->sp = xreallocarray(f->sp, f->capsp, sizeof *f->sp);
	}
	at = buf_len(&f->recs);
	cache_rec_encode(&f->recs, f->forms[fi], (uint8_t)fi, id, r);
	f->sp[f->nsp][0] = at;
	f->sp[f->nsp++][1] = buf_len(&f->recs) - at;
	return 0;
}

/* hrload's counts (before the aggregation) of res, made the caller's:
 * res with the records agg_add refused counted as invalid. */
void
cache_fill_settle(struct cache_fill *f, struct hrload_result *res)
{
	res->used -= f->adj.invalid;
	res->invalid += f->adj.invalid;
	f->adj.invalid = 0;
	cache_res_add(res, &f->adj);
}

/* What the background writer makes the file from; it owns all of it. */
struct cache_job {
	char *path;
	uint8_t *key; /* sodium_malloc: locked, wiped by sodium_free */
	uint8_t digest[CACHE_DIGEST_BYTES];
	uint8_t setd[CACHE_SETD_BYTES];	    /* of the set the file covers */
	int hasset;			    /* 0: the store had no digest */
	struct cache_in old;		    /* the file this run read, if any */
	struct cache_fill fill;		    /* what this run opened */
	struct hrload_result base;	    /* the trailer's counts and notes */
	uint8_t (*hashes)[FORM_HASH_BYTES]; /* forms[]' hashes, in order:
						 * the caller frees forms */
	size_t nforms;
};

static void
cache_job_free(struct cache_job *j)
{
	cache_in_free(&j->old);
	cache_fill_free(&j->fill);
	hrload_result_free(&j->base);
	sodium_free(j->key);
	free(j->hashes);
	free(j->path);
	free(j);
}

/* Every record in order (cmp_span), then the trailer; encrypted and
 * written. That order, and the ids' (id order), make the file a function
 * of the envelope set, not of the order in which envelopes arrived or
 * were opened (the store's promise, see "No order of arrival" in
 * central.c, kept by its cache too). */
void
cache_write(struct cache_job *j)
{
	const struct hrload_result *res = &j->base;
	struct cache_fill *f = &j->fill;
	struct cspan *sp;
	struct idlist ids;
	uint64_t *marks;
	struct buf b;
	size_t n, i, t0, size;

	n = j->old.nsp + f->nsp;
	sp = xcalloc(n ? n : 1, sizeof *sp);
	size = CACHE_HEAD_BYTES + 4 + 65536 + 8 * (n / cache_mark + 1);
	for (i = 0; i < j->old.nsp; i++) {
		sp[i] = j->old.sp[i];
		cache_span_keys(&sp[i]);
		size += sp[i].len;
	}
	for (i = 0; i < f->nsp; i++) {
		sp[j->old.nsp + i].p = buf_data(&f->recs) + f->sp[i][0];
		sp[j->old.nsp + i].len = f->sp[i][1];
		cache_span_keys(&sp[j->old.nsp + i]);
		size += f->sp[i][1];
	}
	/* The old file's records and ids are in order already: only
	 * what this run opened is sorted, then the two merged. */
	qsort(sp + j->old.nsp, f->nsp, sizeof *sp, cmp_span);
	sp = cache_merge(sp, j->old.nsp, n, sizeof *sp, cmp_span);
	memset(&ids, 0, sizeof ids);
	ids.cap = j->old.nids + f->ids.n;
	ids.v = xcalloc(ids.cap ? ids.cap : 1, sizeof *ids.v);
	if (j->old.nids > 0)
		memcpy(ids.v, j->old.ids, j->old.nids * ENV_ID_BYTES);
	if (f->ids.n > 0)
		memcpy(ids.v + j->old.nids, f->ids.v, f->ids.n * ENV_ID_BYTES);
	ids.n = ids.cap;
	qsort(ids.v + j->old.nids, f->ids.n, ENV_ID_BYTES, cache_cmp_id);
	ids.v = cache_merge(ids.v, j->old.nids, ids.n, ENV_ID_BYTES,
	    cache_cmp_id);
	size += ids.n * ENV_ID_BYTES;
	size += (size / cache_chunk + 2) * CACHE_TAG_BYTES;

	buf_init(&b);
	buf_reserve(&b, size); /* one allocation: no copies */
	cache_head_put(&b, CACHE_RECORDS, j->digest, j->hasset, j->setd,
	    cache_chunk);
	marks = xcalloc(n / cache_mark + 1, sizeof *marks);
	for (i = 0; i < n; i++) {
		if (i % cache_mark == 0)
			marks[i / cache_mark] = buf_len(&b) - CACHE_HEAD_BYTES;
		buf_put(&b, sp[i].p, sp[i].len);
	}
	free(sp);
	/* the sources are copied: wipe them before the rest is made */
	cache_in_free(&j->old);
	buf_free(&f->recs);
	t0 = buf_len(&b);
	qsort(j->base.notes, j->base.nnotes, sizeof *j->base.notes, cmp_str);
	buf_put_u64(&b, res->total);
	buf_put_u64(&b, res->used);
	buf_put_u64(&b, res->unreadable);
	buf_put_u64(&b, res->unapproved);
	buf_put_u64(&b, res->invalid);
	buf_put_u64(&b, res->notes_dropped);
	buf_put_u32(&b, (uint32_t)res->nnotes);
	for (i = 0; i < res->nnotes; i++) {
		buf_put_u32(&b, (uint32_t)strlen(res->notes[i]));
		buf_put(&b, res->notes[i], strlen(res->notes[i]));
	}
	buf_put_u32(&b, (uint32_t)j->nforms);
	buf_put(&b, j->hashes, j->nforms * FORM_HASH_BYTES);
	buf_put_u64(&b, res->used);
	buf_put_u32(&b, cache_mark);
	for (i = 0; i < (n + cache_mark - 1) / cache_mark; i++)
		buf_put_u64(&b, marks[i]);
	free(marks);
	buf_put_u64(&b, ids.n);
	buf_put(&b, ids.v, ids.n * ENV_ID_BYTES);
	cache_ids_free(&ids);
	buf_put_u32(&b, (uint32_t)(buf_len(&b) - t0));
	/* best effort: without a cache the next run loads in full */
	if (j->key != NULL)
		(void)cache_seal_write(&b, j->key, cache_chunk, j->path);
	buf_free(&b);
	cache_job_free(j);
}

static struct cache_job *
cache_job_new(const char *path, const uint8_t *sk, const uint8_t *digest,
    const uint8_t *setd, int hasset, const struct form *const *forms,
    size_t nforms)
{
	struct cache_job *j = xcalloc(1, sizeof *j);
	size_t i;

	memcpy(j->setd, setd, CACHE_SETD_BYTES);
	j->hasset = hasset;

	j->hashes = xcalloc(nforms ? nforms : 1, sizeof *j->hashes);
	for (i = 0; i < nforms; i++)
		memcpy(j->hashes[i], forms[i]->hash, FORM_HASH_BYTES);
	j->nforms = nforms;
	j->path = xstrdup(path);
	j->key = cache_key_new(sk, CACHE_RECORDS); /* NULL: not written */
	memcpy(j->digest, digest, CACHE_DIGEST_BYTES);
	return j;
}

void
cache_fill_init(struct cache_fill *f, struct agg *a,
    const struct form *const *forms, size_t nforms,
    const struct hrload_opts *opts, size_t expect)
{
	memset(f, 0, sizeof *f);
	f->opts = opts;
	f->a = a;
	f->forms = forms;
	f->nforms = nforms;
	/* room for about every record at once, so the buffer is not copied
	 * as it grows (untouched pages cost no memory) */
	buf_init(&f->recs);
	if (expect < (SIZE_MAX >> 12))
		buf_reserve(&f->recs, expect * 1024 + 65536);
}

void *
cache_ids_thread(void *arg)
{
	struct cache_ids *d = arg;

	d->rc = central_env_id_foreach(d->c, cache_id_add, &d->ids, &d->e);
	d->done = 1;
	return NULL;
}

/* The record path: the record cache read, the store's ids (unless d
 * has them, or the same set needs none) read on another core meanwhile;
 * if the file fits, it feeds a and only what the store holds beyond it
 * is opened; otherwise everything is. The aggregate file is queued
 * after it. For the trace: *covered the envelopes the file covered
 * (SIZE_MAX: no file used), *opened those opened. */
static int
cache_records(struct central *c, const uint8_t pk[ENV_PK_BYTES],
    const uint8_t sk[ENV_SK_BYTES], const struct form *const *forms,
    size_t nforms, struct agg *a, const struct hrload_opts *opts,
    const uint8_t *digest, int hasset, const uint8_t *setd, struct cache_ids *d,
    struct hrload_result *res, size_t *covered, size_t *opened, struct err *e)
{
	uint8_t head[CACHE_HEAD_BYTES];
	uint8_t key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	struct hrload_result hr;
	struct cache_job *j = NULL;
	struct cache_in in;
	struct idlist fresh;
	pthread_t t;
	size_t plen = 0;
	char *path;
	int rc, threaded = 0, damaged, same, usable;

	memset(&in, 0, sizeof in);
	memset(&fresh, 0, sizeof fresh);
	path = cache_path(central_path(c));
	/* A file made over the same set needs none of the store's ids;
	 * otherwise they are read while the file is read and decrypted:
	 * two cores. Its header, peeked at first, says which (so that the
	 * ids are read during the read of the file, about 10 ms at
	 * 100 000); the file read whole then decides (it may have been
	 * replaced meanwhile). */
	same = hasset && cache_peek(path, head) == 0 &&
	    cache_same_set(head, setd);
	if (!same && !d->done)
		threaded = pthread_create(&t, NULL, cache_ids_thread, d) == 0;
	in.mem = cache_read_file(path, CACHE_RECORDS, &in.memlen);
	if (same && (in.mem == NULL || !cache_same_set(in.mem, setd)))
		same = 0;
	cache_key(key, sk, CACHE_RECORDS);
	if (in.mem != NULL &&
	    cache_decrypt(in.mem, in.memlen, key, &plen) != 0) {
		xfree_wipe(in.mem, in.memlen);
		in.mem = NULL;
	}
	sodium_memzero(key, sizeof key);
	if (threaded)
		pthread_join(t, NULL);
	else if (!same && !d->done)
		cache_ids_thread(d);
	if (!same && d->rc != 0) {
		cache_in_free(&in);
		free(path);
		rc = hrload_run(c, pk, sk, forms, nforms, a, opts, res, e);
		*opened = res->total;
		return rc;
	}
	usable = in.mem != NULL &&
	    sodium_memcmp(in.mem + CACHE_OFF_FORMS, digest,
		CACHE_DIGEST_BYTES) == 0 &&
	    cache_parse(&in, in.mem + CACHE_HEAD_BYTES, plen, forms, nforms) ==
		0;
	/* The same set (its digest, authenticated now) needs no check of
	 * the ids; otherwise the file must cover only envelopes the store
	 * still holds, and what it lacks is opened. */
	if (usable && !same)
		usable = cache_fresh(in.ids, in.nids, &d->ids, &fresh) == 0;
	if (usable) {
		*covered = in.nids;
		damaged = cache_feed(&in, a, res, opts);
		if (damaged)
			(void)unlink(path); /* the next run rebuilds it */
		if (fresh.n == 0) {
			if (!damaged)
				cache_agg_queue(a, opts, res, in.ids, in.nids,
				    &fresh);
			cache_in_free(&in);
			free(path);
			cache_spawn(NULL);
			return 0;
		}
		/* Only what is new since the file was written is opened. */
		j = cache_job_new(path, sk, digest, setd, hasset, forms,
		    nforms);
		cache_fill_init(&j->fill, a, forms, nforms, opts, fresh.n);
		rc = hrload_foreach_ids(c, pk, sk, forms, nforms,
		    (const uint8_t(*)[ENV_ID_BYTES])fresh.v, fresh.n, opts,
		    cache_fill_fn, &j->fill, &hr, e);
		cache_ids_free(&fresh);
		*opened = hr.total;
		cache_res_add(&j->base, &in.base);
		cache_res_add(&j->base, &hr);
		cache_res_add(res, &hr);
		hrload_result_free(&hr);
		cache_fill_settle(&j->fill, res);
		j->old = in;
	} else {
		/* No usable file: open everything, and make one. */
		cache_in_free(&in);
		cache_ids_free(&fresh);
		j = cache_job_new(path, sk, digest, setd, hasset, forms,
		    nforms);
		cache_fill_init(&j->fill, a, forms, nforms, opts, d->ids.n);
		rc = hrload_foreach(c, pk, sk, forms, nforms, opts,
		    cache_fill_fn, &j->fill, res, e);
		*opened = res->total;
		damaged = 0;
		cache_res_add(&j->base, res);
		cache_fill_settle(&j->fill, res);
	}
	free(path);
	cache_ids_free(&d->ids);
	if (rc == 0 && !damaged)
		cache_agg_queue(a, opts, res, j->old.ids, j->old.nids,
		    &j->fill.ids);
	if (rc != 0 || j->fill.failed || damaged) {
		cache_job_free(j);
		j = NULL;
	}
	if (rc == 0)
		cache_spawn(j);
	return rc;
}

/* cache_run inside one read snapshot of c: the set digest, the ids and
 * the envelopes read are of one and the same envelope set. The
 * aggregate file first (no record read when it fits), then the record
 * cache. */
static int
cache_run_snap(struct central *c, const uint8_t pk[ENV_PK_BYTES],
    const uint8_t sk[ENV_SK_BYTES], const struct form *const *forms,
    size_t nforms, struct agg *a, const struct hrload_opts *opts,
    struct hrload_result *res, struct err *e)
{
	uint8_t digest[CACHE_DIGEST_BYTES], setd[CACHE_SETD_BYTES];
	struct cache_ids d;
	struct err de;
	size_t covered = SIZE_MAX, opened = 0;
	int rc, hasset, used;

	memset(res, 0, sizeof *res);
	memset(&d, 0, sizeof d);
	memset(setd, 0, sizeof setd);
	d.c = c;
	cache_digest(forms, nforms, digest);
	/* The set digest first: it starts the snapshot. */
	hasset = central_set_digest(c, setd, &de) == 1;
	cache_agg_begin(central_path(c), sk, a, opts, digest, hasset, setd);
	rc = cache_agg_load(c, pk, sk, forms, nforms, a, opts, &d, res, &used,
	    e);
	if (used) {
		cache_ids_free(&d.ids);
		return rc;
	}
	rc = cache_records(c, pk, sk, forms, nforms, a, opts, digest, hasset,
	    setd, &d, res, &covered, &opened, e);
	cache_ids_free(&d.ids);
	if (rc == 0 && covered != SIZE_MAX && opts != NULL &&
	    opts->progress != NULL)
		opts->progress(opts->progress_ctx, res->total, res->total);
	cache_trace(covered != SIZE_MAX ? "record file" : NULL, covered,
	    opened);
	return rc;
}

int
cache_run(struct central *c, const uint8_t pk[ENV_PK_BYTES],
    const uint8_t sk[ENV_SK_BYTES], const struct form *const *forms,
    size_t nforms, struct agg *a, const struct hrload_opts *opts,
    struct hrload_result *res, struct err *e)
{
	int rc;

	cache_wait();
	cache_sweep(central_path(c));
	if (central_snapshot_begin(c, e) != 0) {
		memset(res, 0, sizeof *res);
		return -1;
	}
	rc = cache_run_snap(c, pk, sk, forms, nforms, a, opts, res, e);
	central_snapshot_end(c);
	return rc;
}
