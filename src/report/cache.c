/* cache: the sealed record cache beside central.db, so that a second open
 * of the same store skips the public-key work. See cache.h for what the
 * file holds and why only the HR secret key reads or writes it. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "report/cache.h"
#include "util/fsx.h"
#include "util/xmem.h"

#define CACHE_DIGEST_BYTES 32
#define CACHE_NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define CACHE_TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define CACHE_HEAD_BYTES (8 + 4 + CACHE_DIGEST_BYTES + CACHE_NONCE_BYTES)
#define CACHE_KEY_CONTEXT "avslut-hr record cache v1"

/* A growing buffer; wiped when freed: it holds records. */
struct cbuf {
	uint8_t *p;
	size_t len, cap;
	size_t hw;		/* bytes ever written: what to wipe */
};

static void
cb_put(struct cbuf *b, const void *src, size_t n)
{
	uint8_t *np;
	size_t cap;

	if (n == 0)
		return;
	if (b->len + n > b->cap) {
		cap = b->cap ? b->cap : 1 << 20;
		while (cap < b->len + n)
			cap *= 2;
		/* fresh memory and a wipe: realloc would leave copies */
		np = xmalloc(cap);
		if (b->len > 0)
			memcpy(np, b->p, b->len);
		if (b->p != NULL)
			xfree_wipe(b->p, b->hw);
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, src, n);
	b->len += n;
	if (b->len > b->hw)
		b->hw = b->len;
}

static void
cb_u32(struct cbuf *b, uint32_t v)
{
	uint8_t x[4] = { v >> 24, v >> 16, v >> 8, v };

	cb_put(b, x, 4);
}

static void
cb_u64(struct cbuf *b, uint64_t v)
{
	cb_u32(b, (uint32_t)(v >> 32));
	cb_u32(b, (uint32_t)v);
}

static void
cb_free(struct cbuf *b)
{
	if (b->p != NULL)
		xfree_wipe(b->p, b->hw);
	memset(b, 0, sizeof *b);
}

/* A bounded reader over the decrypted bytes. */
struct crd {
	const uint8_t *p;
	size_t len, off;
	int bad;
};

static uint32_t
cr_u32(struct crd *r)
{
	const uint8_t *x;

	if (r->bad || r->len - r->off < 4) {
		r->bad = 1;
		return 0;
	}
	x = r->p + r->off;
	r->off += 4;
	return (uint32_t)x[0] << 24 | (uint32_t)x[1] << 16 |
	    (uint32_t)x[2] << 8 | x[3];
}

static uint64_t
cr_u64(struct crd *r)
{
	uint64_t hi = cr_u32(r);

	return hi << 32 | cr_u32(r);
}

static const uint8_t *
cr_bytes(struct crd *r, size_t n)
{
	const uint8_t *x;

	if (r->bad || r->len - r->off < n) {
		r->bad = 1;
		return NULL;
	}
	x = r->p + r->off;
	r->off += n;
	return x;
}

/* A record in the cache: its envelope id (16 bytes, for the releases'
 * sets of ids), unit (u8 length, bytes, NUL), year u16, the
 * form's index in the hash table (u8), then per question its state and,
 * when answered, what its type holds; texts as u32 length, bytes, NUL so
 * that the reader can point into the buffer instead of copying. */
static void
cb_text(struct cbuf *b, const char *t)
{
	size_t n = t ? strlen(t) : 0;

	cb_u32(b, t ? (uint32_t)n : UINT32_MAX);
	if (t != NULL)
		cb_put(b, t, n + 1);
}

static void
cache_encode(struct cbuf *b, const struct form *f, uint8_t fi,
    const uint8_t id[ENV_ID_BYTES], const struct record *r)
{
	size_t q, ul = strlen(r->unit);
	uint8_t x[3] = { (uint8_t)ul, 0, 0 };

	cb_put(b, id, ENV_ID_BYTES);
	cb_put(b, x, 1);
	cb_put(b, r->unit, ul + 1);
	x[0] = (uint8_t)(r->year >> 8);
	x[1] = (uint8_t)r->year;
	x[2] = fi;
	cb_put(b, x, 3);
	for (q = 0; q < f->nquestions; q++) {
		const struct form_answer *a = &r->answers[q];

		cb_put(b, &a->state, 1);
		if (a->state != FORM_ANSWERED)
			continue;
		switch (f->questions[q].type) {
		case FORM_SINGLE:
		case FORM_MULTI:
			cb_put(b, &a->other, 1);
			cb_u32(b, (uint32_t)a->num);
			cb_u64(b, a->choices);
			cb_text(b, a->other ? a->text : NULL);
			break;
		case FORM_TEXT:
			cb_text(b, a->text);
			break;
		default:
			cb_u32(b, (uint32_t)a->num);
			break;
		}
	}
}

static const char *
cr_text(struct crd *r)
{
	uint32_t n = cr_u32(r);
	const uint8_t *x;

	if (n == UINT32_MAX || r->bad)
		return NULL;
	if ((x = cr_bytes(r, (size_t)n + 1)) == NULL || x[n] != '\0') {
		r->bad = 1;
		return NULL;
	}
	return (const char *)x;
}

/* Decode one record in place: ar points into the buffer and into ans
 * (room for the largest form). 0, or -1 if the bytes do not parse. */
static int
cache_decode(struct crd *r, const struct form *const *byix, size_t nix,
    struct form_answer *ans, struct agg_rec *ar, const uint8_t **id)
{
	const struct form *f;
	const uint8_t *x;
	uint8_t ul;
	size_t q;

	if ((*id = cr_bytes(r, ENV_ID_BYTES)) == NULL)
		return -1;
	if ((x = cr_bytes(r, 1)) == NULL)
		return -1;
	ul = x[0];
	if ((x = cr_bytes(r, (size_t)ul + 1)) == NULL || x[ul] != '\0')
		return -1;
	ar->unit = (const char *)x;
	if ((x = cr_bytes(r, 3)) == NULL || x[2] >= nix)
		return -1;
	ar->year = (unsigned)x[0] << 8 | x[1];
	f = byix[x[2]];
	ar->form_hash = f->hash;
	ar->answers = ans;
	ar->nanswers = f->nquestions;
	for (q = 0; q < f->nquestions && !r->bad; q++) {
		struct form_answer *a = &ans[q];

		memset(a, 0, sizeof *a);
		if ((x = cr_bytes(r, 1)) == NULL || x[0] > FORM_ANSWERED)
			return -1;
		a->state = x[0];
		if (a->state != FORM_ANSWERED)
			continue;
		switch (f->questions[q].type) {
		case FORM_SINGLE:
		case FORM_MULTI:
			if ((x = cr_bytes(r, 1)) == NULL)
				return -1;
			a->other = x[0];
			a->num = (int32_t)cr_u32(r);
			a->choices = cr_u64(r);
			a->text = (char *)(uintptr_t)cr_text(r);
			break;
		case FORM_TEXT:
			a->text = (char *)(uintptr_t)cr_text(r);
			break;
		default:
			a->num = (int32_t)cr_u32(r);
			break;
		}
	}
	return r->bad ? -1 : 0;
}

char *
cache_path(const char *dbpath)
{
	return xasprintf("%s%s", dbpath, CACHE_SUFFIX);
}

int
cache_remove(const char *dbpath, struct err *e)
{
	char *p;
	int rc = 0;

	cache_wait();	/* a write under way would bring it back */
	p = cache_path(dbpath);
	if (unlink(p) != 0 && errno != ENOENT)
		rc = err_setc(e, ERR_IO, "cannot remove %s: %s", p,
		    strerror(errno));
	free(p);
	return rc;
}

static int
cmp_hash(const void *x, const void *y)
{
	return memcmp(*(const uint8_t *const *)x, *(const uint8_t *const *)y,
	    FORM_HASH_BYTES);
}

/* Envelope ids, 16 bytes each. */
struct idlist {
	uint8_t (*v)[ENV_ID_BYTES];
	size_t n, cap;
};

static void
ids_push(struct idlist *l, const uint8_t *id)
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
	ids_push(arg, id);
	return 0;
}

static void
ids_free(struct idlist *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}

static int
cmp_id(const void *x, const void *y)
{
	return memcmp(x, y, ENV_ID_BYTES);
}

/* What the file is bound to besides its list of envelope ids: the
 * approved forms' hashes (sorted). An approval changes it, and so
 * rebuilds the file: the envelopes of a newly approved form count. */
static void
cache_digest(const struct form *const *forms, size_t nforms,
    uint8_t out[CACHE_DIGEST_BYTES])
{
	crypto_generichash_state st;
	const uint8_t **h;
	size_t i;

	crypto_generichash_init(&st, NULL, 0, CACHE_DIGEST_BYTES);
	crypto_generichash_update(&st, (const uint8_t *)CACHE_KEY_CONTEXT,
	    sizeof CACHE_KEY_CONTEXT);
	h = xcalloc(nforms ? nforms : 1, sizeof *h);
	for (i = 0; i < nforms; i++)
		h[i] = forms[i]->hash;
	qsort(h, nforms, sizeof *h, cmp_hash);
	for (i = 0; i < nforms; i++)
		crypto_generichash_update(&st, h[i], FORM_HASH_BYTES);
	free(h);
	crypto_generichash_final(&st, out, CACHE_DIGEST_BYTES);
}

/* The file key: keyed BLAKE2b of a fixed context under the HR secret
 * key, so that only its holder can read the file or make one the next
 * run would accept. (The digest is authenticated as associated data.) */
static void
cache_key(uint8_t key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES],
    const uint8_t sk[ENV_SK_BYTES])
{
	crypto_generichash(key, crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
	    (const uint8_t *)CACHE_KEY_CONTEXT, sizeof CACHE_KEY_CONTEXT, sk,
	    ENV_SK_BYTES);
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
static void
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

/* A used record into the aggregation; -1 if agg_add refuses it (a unit
 * the config does not name), with a note in notes. The caller counts it
 * as invalid: the cache keeps it, so that a config that names the unit
 * later counts it without opening it again. */
static int
cache_agg(struct agg *a, struct hrload_result *notes, const uint8_t *id,
    const struct agg_rec *ar, const struct hrload_opts *opts)
{
	struct err ae;
	char hex[2 * ENV_ID_BYTES + 1], *note;

	if (agg_add(a, ar, &ae) != 0) {
		env_id_hex(id, hex);
		note = xasprintf("envelope %s: %s", hex, ae.msg);
		cache_note(notes, note);
		free(note);
		return -1;
	}
	if (opts != NULL && opts->tap != NULL)
		opts->tap(opts->tap_ctx, id, ar);
	return 0;
}

/* The file, read and opened in place: *mem is the buffer to wipe and
 * free (*memlen bytes), the decrypted bytes start CACHE_HEAD_BYTES into
 * it; NULL if there is no file or it does not open. digest_in gets the
 * digest it claims (authenticated with the rest). */
static uint8_t *
cache_open_file(const char *path, const uint8_t *sk,
    uint8_t digest_in[CACHE_DIGEST_BYTES], size_t *plain_len, size_t *memlen)
{
	uint8_t key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	unsigned long long plen;
	struct err e;
	char *buf = NULL;
	uint8_t *b;
	size_t flen;
	int rc;

	if (fsx_read_file(path, CACHE_MAX_BYTES, &buf, &flen, &e) != 0)
		return NULL;
	b = (uint8_t *)buf;
	if (flen < CACHE_HEAD_BYTES + CACHE_TAG_BYTES ||
	    memcmp(b, CACHE_MAGIC, 8) != 0 || ((uint32_t)b[8] << 24 |
	    (uint32_t)b[9] << 16 | (uint32_t)b[10] << 8 | b[11]) !=
	    CACHE_VERSION) {
		free(buf);
		return NULL;
	}
	cache_key(key, sk);
	/* in place: one copy of 100 000 records in memory, not two */
	rc = crypto_aead_xchacha20poly1305_ietf_decrypt(b + CACHE_HEAD_BYTES,
	    &plen, NULL, b + CACHE_HEAD_BYTES, flen - CACHE_HEAD_BYTES, b,
	    CACHE_HEAD_BYTES, b + 12 + CACHE_DIGEST_BYTES, key);
	sodium_memzero(key, sizeof key);
	if (rc != 0) {
		xfree_wipe(buf, flen);
		return NULL;
	}
	memcpy(digest_in, b + 12, CACHE_DIGEST_BYTES);
	*plain_len = (size_t)plen;
	*memlen = flen;
	return b;
}

/* One record's bytes (its id first). */
struct cspan {
	const uint8_t *p;
	size_t len;
};

/* The opened file: where its records lie and what its trailer says. */
struct cache_in {
	uint8_t *mem;			/* the whole file: wipe and free */
	size_t memlen;
	const uint8_t *recs;		/* the records, recslen bytes */
	size_t recslen;
	struct hrload_result base;	/* what the loads that made it saw,
					 * before the aggregation */
	const struct form *byix[256];
	size_t nix, maxq;
	uint64_t nrec;
	const uint8_t (*ids)[ENV_ID_BYTES];	/* every envelope it covers,
						 * used or not, in id order */
	size_t nids;
	struct cspan *sp;		/* each record, filled by cache_feed */
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
	struct crd tr;
	char *note;
	uint64_t nids;
	uint32_t tl, nnotes, len, j;
	size_t k;

	if (plen < 4)
		return -1;
	tl = (uint32_t)plain[plen - 4] << 24 | (uint32_t)plain[plen - 3] << 16 |
	    (uint32_t)plain[plen - 2] << 8 | plain[plen - 1];
	if (tl > plen - 4)
		return -1;
	in->recs = plain;
	in->recslen = plen - 4 - tl;
	memset(&tr, 0, sizeof tr);
	tr.p = plain + in->recslen;
	tr.len = tl;
	g->total = cr_u64(&tr);
	g->used = cr_u64(&tr);
	g->unreadable = cr_u64(&tr);
	g->unapproved = cr_u64(&tr);
	g->invalid = cr_u64(&tr);
	g->notes_dropped = cr_u64(&tr);
	nnotes = cr_u32(&tr);
	for (j = 0; !tr.bad && j < nnotes; j++) {
		len = cr_u32(&tr);
		if ((x = cr_bytes(&tr, len)) == NULL)
			break;
		note = xstrndup((const char *)x, len);
		cache_note(g, note);
		free(note);
	}
	in->nix = cr_u32(&tr);
	in->maxq = 1;
	if (in->nix != nforms || in->nix > 256)
		return -1;
	for (k = 0; !tr.bad && k < in->nix; k++) {
		if ((x = cr_bytes(&tr, FORM_HASH_BYTES)) == NULL)
			break;
		if (memcmp(forms[k]->hash, x, FORM_HASH_BYTES) != 0)
			return -1;
		in->byix[k] = forms[k];
		if (forms[k]->nquestions > in->maxq)
			in->maxq = forms[k]->nquestions;
	}
	in->nrec = cr_u64(&tr);
	nids = cr_u64(&tr);
	if (tr.bad || nids != g->total || nids > (tr.len - tr.off) /
	    ENV_ID_BYTES)
		return -1;
	in->nids = (size_t)nids;
	in->ids = (const uint8_t (*)[ENV_ID_BYTES])cr_bytes(&tr,
	    in->nids * ENV_ID_BYTES);
	if (tr.bad || tr.off != tr.len || in->nrec != g->used ||
	    g->used > g->total || g->unreadable + g->unapproved + g->invalid !=
	    g->total - g->used)
		return -1;
	for (k = 1; k < in->nids; k++)
		if (memcmp(in->ids[k - 1], in->ids[k], ENV_ID_BYTES) >= 0)
			return -1;
	return 0;
}

/* The store's ids (in id order) against the file's: -1 if the file
 * covers an envelope the store no longer holds (a purge, or a store
 * changed by other means: rebuild), else 0 with the store's envelopes
 * the file lacks in fresh. */
static int
cache_fresh(const struct cache_in *in, const struct idlist *store,
    struct idlist *fresh)
{
	size_t i, j = 0;
	int c;

	for (i = 0; i < store->n; i++) {
		c = j < in->nids ? memcmp(in->ids[j], store->v[i],
		    ENV_ID_BYTES) : 1;
		if (c < 0)
			return -1;
		if (c == 0)
			j++;
		else
			ids_push(fresh, store->v[i]);
	}
	return j == in->nids ? 0 : -1;
}

/* Feed a and res from the parsed file; 1 if a record does not parse
 * (the file is then damaged: counted, noted, and not built on). */
static int
cache_feed(struct cache_in *in, struct agg *a, struct hrload_result *res,
    const struct hrload_opts *opts)
{
	const uint8_t *rid;
	struct form_answer *ans;
	struct agg_rec ar;
	struct crd rd;
	uint64_t i;
	size_t at;

	memset(res, 0, sizeof *res);
	cache_res_add(res, &in->base);
	memset(&rd, 0, sizeof rd);
	rd.p = in->recs;
	rd.len = in->recslen;
	/* From here on the bytes are authentic: only the HR secret key made
	 * them. A record that does not parse would be a bug: it is counted
	 * as invalid, never trusted. */
	for (i = 0; i < res->total - res->used; i++)
		agg_reject(a);
	ans = xcalloc(in->maxq, sizeof *ans);
	in->sp = xcalloc(in->nrec ? in->nrec : 1, sizeof *in->sp);
	for (i = 0; i < in->nrec; i++) {
		at = rd.off;
		if (rd.bad || cache_decode(&rd, in->byix, in->nix, ans, &ar,
		    &rid) != 0) {
			res->used--;
			res->invalid++;
			agg_reject(a);
			if (!rd.bad)
				cache_note(res, "a cached record does not "
				    "parse");
			rd.bad = 1;
			continue;
		}
		in->sp[in->nsp].p = rd.p + at;
		in->sp[in->nsp++].len = rd.off - at;
		if (cache_agg(a, res, rid, &ar, opts) != 0) {
			res->used--;
			res->invalid++;
		}
	}
	if (!rd.bad && rd.off != rd.len)
		rd.bad = 1;
	if (rd.bad)
		cache_note(res, "the record cache is damaged: run again");
	sodium_memzero(ans, in->maxq * sizeof *ans);	/* pointers only */
	free(ans);
	return rd.bad;
}

/* Records opened in this run, for the file. */
struct cache_fill {
	const struct hrload_opts *opts;
	struct agg *a;
	struct hrload_result adj;	/* agg_add refused: invalid, notes */
	const struct form *const *forms;
	size_t nforms;
	struct cbuf recs;
	size_t (*sp)[2];		/* each record's offset and length */
	size_t nsp, capsp;
	struct idlist ids;		/* every envelope read, used or not */
	int failed;
};

static void
cache_fill_free(struct cache_fill *f)
{
	cb_free(&f->recs);
	free(f->sp);
	ids_free(&f->ids);
	hrload_result_free(&f->adj);
}

/* Runs serialised (hrload_foreach), like hrload_run's own callback. */
static int
cache_fill_fn(void *ctx, const uint8_t id[ENV_ID_BYTES],
    enum hrload_status st, const struct record *r, struct err *e)
{
	struct cache_fill *f = ctx;
	struct agg_rec ar;
	size_t fi, at;

	(void)e;
	ids_push(&f->ids, id);
	if (st != HRLOAD_USED) {
		agg_reject(f->a);
		return 0;
	}
	ar.unit = r->unit;
	ar.year = r->year;
	ar.form_hash = r->form_hash;
	ar.answers = r->answers;
	ar.nanswers = r->nanswers;
	if (cache_agg(f->a, &f->adj, id, &ar, f->opts) != 0)
		f->adj.invalid++;
	if (f->failed)
		return 0;
	for (fi = 0; fi < f->nforms; fi++)
		if (memcmp(f->forms[fi]->hash, r->form_hash,
		    FORM_HASH_BYTES) == 0)
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
	at = f->recs.len;
	cache_encode(&f->recs, f->forms[fi], (uint8_t)fi, id, r);
	f->sp[f->nsp][0] = at;
	f->sp[f->nsp++][1] = f->recs.len - at;
	return 0;
}

/* hrload's counts (before the aggregation) of res, made the caller's:
 * res with the records agg_add refused counted as invalid. */
static void
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
	uint8_t key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	uint8_t digest[CACHE_DIGEST_BYTES];
	struct cache_in old;		/* the file this run read, if any */
	struct cache_fill fill;		/* what this run opened */
	struct hrload_result base;	/* the trailer's counts and notes */
	uint8_t (*hashes)[FORM_HASH_BYTES];	/* forms[]' hashes, in order:
						 * the caller frees forms */
	size_t nforms;
};

static void
cache_job_free(struct cache_job *j)
{
	cache_in_free(&j->old);
	cache_fill_free(&j->fill);
	hrload_result_free(&j->base);
	sodium_memzero(j->key, sizeof j->key);
	free(j->hashes);
	free(j->path);
	free(j);
}

static int
cmp_span(const void *x, const void *y)
{
	return memcmp(((const struct cspan *)x)->p,
	    ((const struct cspan *)y)->p, ENV_ID_BYTES);
}

/* Every record in id order, then the trailer; encrypted and written.
 * Id order: the file is a function of the envelope set, not of the
 * order in which envelopes arrived or were opened (the store's promise,
 * see "No order of arrival" in central.c, kept by its cache too). */
static void
cache_write(struct cache_job *j)
{
	uint8_t nonce[CACHE_NONCE_BYTES], tag[CACHE_TAG_BYTES];
	const struct hrload_result *res = &j->base;
	struct cache_fill *f = &j->fill;
	struct cspan *sp;
	struct idlist ids;
	unsigned long long clen;
	struct cbuf b;
	struct err e;
	size_t n, i, t0, size;
	uint32_t tl;

	n = j->old.nsp + f->nsp;
	sp = xcalloc(n ? n : 1, sizeof *sp);
	size = CACHE_HEAD_BYTES + CACHE_TAG_BYTES + 4 + 65536;
	for (i = 0; i < j->old.nsp; i++) {
		sp[i] = j->old.sp[i];
		size += sp[i].len;
	}
	for (i = 0; i < f->nsp; i++) {
		sp[j->old.nsp + i].p = f->recs.p + f->sp[i][0];
		sp[j->old.nsp + i].len = f->sp[i][1];
		size += f->sp[i][1];
	}
	qsort(sp, n, sizeof *sp, cmp_span);
	memset(&ids, 0, sizeof ids);
	ids.cap = j->old.nids + f->ids.n;
	ids.v = xcalloc(ids.cap ? ids.cap : 1, sizeof *ids.v);
	if (j->old.nids > 0)
		memcpy(ids.v, j->old.ids, j->old.nids * ENV_ID_BYTES);
	if (f->ids.n > 0)
		memcpy(ids.v + j->old.nids, f->ids.v, f->ids.n * ENV_ID_BYTES);
	ids.n = ids.cap;
	qsort(ids.v, ids.n, ENV_ID_BYTES, cmp_id);
	size += ids.n * ENV_ID_BYTES;

	memset(&b, 0, sizeof b);
	b.cap = size;			/* one allocation: no copies */
	b.p = xmalloc(b.cap);
	cb_put(&b, CACHE_MAGIC, 8);
	cb_u32(&b, CACHE_VERSION);
	cb_put(&b, j->digest, CACHE_DIGEST_BYTES);
	randombytes_buf(nonce, sizeof nonce);
	cb_put(&b, nonce, sizeof nonce);
	for (i = 0; i < n; i++)
		cb_put(&b, sp[i].p, sp[i].len);
	free(sp);
	/* the sources are copied: wipe them before the rest is made */
	cache_in_free(&j->old);
	cb_free(&f->recs);
	t0 = b.len;
	qsort(j->base.notes, j->base.nnotes, sizeof *j->base.notes, cmp_str);
	cb_u64(&b, res->total);
	cb_u64(&b, res->used);
	cb_u64(&b, res->unreadable);
	cb_u64(&b, res->unapproved);
	cb_u64(&b, res->invalid);
	cb_u64(&b, res->notes_dropped);
	cb_u32(&b, (uint32_t)res->nnotes);
	for (i = 0; i < res->nnotes; i++) {
		cb_u32(&b, (uint32_t)strlen(res->notes[i]));
		cb_put(&b, res->notes[i], strlen(res->notes[i]));
	}
	cb_u32(&b, (uint32_t)j->nforms);
	cb_put(&b, j->hashes, j->nforms * FORM_HASH_BYTES);
	cb_u64(&b, res->used);
	cb_u64(&b, ids.n);
	cb_put(&b, ids.v, ids.n * ENV_ID_BYTES);
	ids_free(&ids);
	tl = (uint32_t)(b.len - t0);
	cb_u32(&b, tl);
	memset(tag, 0, sizeof tag);
	cb_put(&b, tag, sizeof tag);	/* room for the tag */
	b.len -= sizeof tag;
	crypto_aead_xchacha20poly1305_ietf_encrypt(b.p + CACHE_HEAD_BYTES,
	    &clen, b.p + CACHE_HEAD_BYTES, b.len - CACHE_HEAD_BYTES, b.p,
	    CACHE_HEAD_BYTES, NULL, b.p + 12 + CACHE_DIGEST_BYTES, j->key);
	b.len = CACHE_HEAD_BYTES + (size_t)clen;
	/* best effort: without a cache the next run loads in full */
	(void)fsx_write_atomic(j->path, b.p, b.len, 0600, 0, &e);
	cb_free(&b);
	cache_job_free(j);
}

static void *
cache_write_thread(void *arg)
{
	cache_write(arg);
	return NULL;
}

/* The writer of this process: one at a time, started and joined from
 * the thread that calls cache_run (the program's main thread). */
static pthread_t cache_writer;
static int cache_writing, cache_atexit;

void
cache_wait(void)
{
	if (cache_writing) {
		pthread_join(cache_writer, NULL);
		cache_writing = 0;
	}
}

/* Write the file off the caller's path: the dashboard draws meanwhile;
 * exit (atexit) waits for it, so `report` leaves a whole file. */
static void
cache_spawn(struct cache_job *j)
{
	cache_wait();
	if (!cache_atexit)
		cache_atexit = atexit(cache_wait) == 0;
	if (cache_atexit && pthread_create(&cache_writer, NULL,
	    cache_write_thread, j) == 0)
		cache_writing = 1;
	else
		cache_write(j);
}

static struct cache_job *
cache_job_new(const char *path, const uint8_t *sk, const uint8_t *digest,
    const struct form *const *forms, size_t nforms)
{
	struct cache_job *j = xcalloc(1, sizeof *j);
	size_t i;

	j->hashes = xcalloc(nforms ? nforms : 1, sizeof *j->hashes);
	for (i = 0; i < nforms; i++)
		memcpy(j->hashes[i], forms[i]->hash, FORM_HASH_BYTES);
	j->nforms = nforms;
	j->path = xstrdup(path);
	cache_key(j->key, sk);
	memcpy(j->digest, digest, CACHE_DIGEST_BYTES);
	return j;
}

static void
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
	if (expect < (SIZE_MAX >> 12)) {
		f->recs.cap = expect * 1024 + 65536;
		f->recs.p = xmalloc(f->recs.cap);
	}
}

struct cache_ids {
	struct central *c;
	struct idlist ids;
	struct err e;
	int rc;
};

static void *
cache_ids_thread(void *arg)
{
	struct cache_ids *d = arg;

	d->rc = central_env_id_foreach(d->c, cache_id_add, &d->ids, &d->e);
	return NULL;
}

int
cache_run(struct central *c, const uint8_t pk[ENV_PK_BYTES],
    const uint8_t sk[ENV_SK_BYTES], const struct form *const *forms,
    size_t nforms, struct agg *a, const struct hrload_opts *opts,
    struct hrload_result *res, struct err *e)
{
	uint8_t digest[CACHE_DIGEST_BYTES], claimed[CACHE_DIGEST_BYTES];
	struct hrload_result hr;
	struct cache_job *j;
	struct cache_in in;
	struct cache_ids d;
	struct idlist fresh;
	pthread_t t;
	size_t plen = 0;
	char *path;
	int rc, threaded, damaged;

	cache_wait();
	memset(res, 0, sizeof *res);
	memset(&in, 0, sizeof in);
	memset(&d, 0, sizeof d);
	memset(&fresh, 0, sizeof fresh);
	d.c = c;
	cache_digest(forms, nforms, digest);
	path = cache_path(central_path(c));
	/* The id set is read while the file is opened: two cores. */
	threaded = pthread_create(&t, NULL, cache_ids_thread, &d) == 0;
	in.mem = cache_open_file(path, sk, claimed, &plen, &in.memlen);
	if (threaded)
		pthread_join(t, NULL);
	else
		cache_ids_thread(&d);
	if (d.rc != 0) {
		cache_in_free(&in);
		ids_free(&d.ids);
		free(path);
		return hrload_run(c, pk, sk, forms, nforms, a, opts, res, e);
	}
	if (in.mem != NULL && sodium_memcmp(claimed, digest,
	    sizeof claimed) == 0 && cache_parse(&in, in.mem +
	    CACHE_HEAD_BYTES, plen, forms, nforms) == 0 &&
	    cache_fresh(&in, &d.ids, &fresh) == 0) {
		ids_free(&d.ids);
		damaged = cache_feed(&in, a, res, opts);
		if (damaged)
			(void)unlink(path);	/* the next run rebuilds it */
		if (fresh.n == 0) {
			cache_in_free(&in);
			ids_free(&fresh);
			free(path);
			if (opts != NULL && opts->progress != NULL)
				opts->progress(opts->progress_ctx,
				    res->total, res->total);
			return 0;
		}
		/* Only what is new since the file was written is opened. */
		j = cache_job_new(path, sk, digest, forms, nforms);
		free(path);
		cache_fill_init(&j->fill, a, forms, nforms, opts, fresh.n);
		rc = hrload_foreach_ids(c, pk, sk, forms, nforms,
		    (const uint8_t (*)[ENV_ID_BYTES])fresh.v, fresh.n, opts,
		    cache_fill_fn, &j->fill, &hr, e);
		ids_free(&fresh);
		cache_res_add(&j->base, &in.base);
		cache_res_add(&j->base, &hr);
		cache_res_add(res, &hr);
		hrload_result_free(&hr);
		cache_fill_settle(&j->fill, res);
		j->old = in;
		if (rc != 0 || j->fill.failed || damaged)
			cache_job_free(j);
		else
			cache_spawn(j);
		if (rc == 0 && opts != NULL && opts->progress != NULL)
			opts->progress(opts->progress_ctx, res->total,
			    res->total);
		return rc;
	}
	/* No usable file: open everything, and make one. */
	cache_in_free(&in);
	ids_free(&fresh);
	j = cache_job_new(path, sk, digest, forms, nforms);
	free(path);
	cache_fill_init(&j->fill, a, forms, nforms, opts, d.ids.n);
	ids_free(&d.ids);
	rc = hrload_foreach(c, pk, sk, forms, nforms, opts, cache_fill_fn,
	    &j->fill, res, e);
	cache_res_add(&j->base, res);
	cache_fill_settle(&j->fill, res);
	if (rc != 0 || j->fill.failed)
		cache_job_free(j);
	else
		cache_spawn(j);
	return rc;
}
