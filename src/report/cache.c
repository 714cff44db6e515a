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
	char *p = cache_path(dbpath);
	int rc = 0;

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

struct digest_ctx {
	crypto_generichash_state *st;
	uint64_t n;
};

static int
cache_digest_id(void *arg, const uint8_t *id)
{
	struct digest_ctx *ctx = arg;

	crypto_generichash_update(ctx->st, id, ENV_ID_BYTES);
	ctx->n++;
	return 0;
}

/* What the cache is bound to: the approved forms' hashes (sorted) and
 * every envelope id in id order. Ids only: no envelope is read. */
static int
cache_digest(struct central *c, const struct form *const *forms,
    size_t nforms, uint8_t out[CACHE_DIGEST_BYTES], struct err *e)
{
	crypto_generichash_state st;
	struct digest_ctx ctx;
	const uint8_t **h;
	uint64_t n;
	uint8_t cnt[8];
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
	ctx.st = &st;
	ctx.n = 0;
	if (central_env_id_foreach(c, cache_digest_id, &ctx, e) != 0)
		return -1;
	n = ctx.n;
	for (i = 0; i < 8; i++)
		cnt[i] = (uint8_t)(n >> (56 - 8 * i));
	crypto_generichash_update(&st, cnt, sizeof cnt);
	crypto_generichash_final(&st, out, CACHE_DIGEST_BYTES);
	return 0;
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
	if (r->nnotes < HRLOAD_MAX_NOTES)
		r->notes[r->nnotes++] = xstrdup(msg);
	else
		r->notes_dropped++;
}

/* A used record into the aggregation, as hrload_run counts it. */
static void
cache_agg(struct agg *a, struct hrload_result *res, const uint8_t *id,
    const struct agg_rec *ar, const struct hrload_opts *opts,
    const uint8_t *tapid)
{
	struct err ae;
	char hex[2 * ENV_ID_BYTES + 1], *note;

	if (agg_add(a, ar, &ae) != 0) {
		res->used--;
		res->invalid++;
		if (id != NULL) {
			env_id_hex(id, hex);
			note = xasprintf("envelope %s: %s", hex, ae.msg);
		} else
			note = xasprintf("cached record: %s", ae.msg);
		cache_note(res, note);
		free(note);
	} else if (opts != NULL && opts->tap != NULL)
		opts->tap(opts->tap_ctx, tapid, ar);
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

/* Feed a and res from the opened bytes; 0 if they do not parse (then a
 * is untouched: the header is checked before the first agg_add). */
static int
cache_feed(const uint8_t *plain, size_t plen, const struct form *const *forms,
    size_t nforms, struct agg *a, struct hrload_result *res,
    const struct hrload_opts *opts)
{
	const uint8_t *rid;
	const struct form *byix[256];
	struct hrload_result got;
	struct form_answer *ans;
	struct agg_rec ar;
	struct crd rd;
	const uint8_t *x;
	char *note;
	uint64_t nrec, i;
	uint32_t nnotes, len, nix, j;
	size_t k, maxq = 1;

	struct crd tr;
	uint32_t tl;

	/* records, then a trailer (counts, notes, form hashes, the number
	 * of records), then the trailer's length */
	if (plen < 4)
		return 0;
	tl = (uint32_t)plain[plen - 4] << 24 | (uint32_t)plain[plen - 3] << 16 |
	    (uint32_t)plain[plen - 2] << 8 | plain[plen - 1];
	if (tl > plen - 4)
		return 0;
	memset(&rd, 0, sizeof rd);
	rd.p = plain;
	rd.len = plen - 4 - tl;
	memset(&tr, 0, sizeof tr);
	tr.p = plain + rd.len;
	tr.len = tl;
	memset(&got, 0, sizeof got);
	got.total = cr_u64(&tr);
	got.used = cr_u64(&tr);
	got.unreadable = cr_u64(&tr);
	got.unapproved = cr_u64(&tr);
	got.invalid = cr_u64(&tr);
	got.notes_dropped = cr_u64(&tr);
	nnotes = cr_u32(&tr);
	for (j = 0; !tr.bad && j < nnotes; j++) {
		len = cr_u32(&tr);
		if ((x = cr_bytes(&tr, len)) == NULL)
			break;
		note = xstrndup((const char *)x, len);
		cache_note(&got, note);
		free(note);
	}
	nix = cr_u32(&tr);
	for (j = 0; !tr.bad && j < nix && j < 256; j++) {
		if ((x = cr_bytes(&tr, FORM_HASH_BYTES)) == NULL)
			break;
		byix[j] = NULL;
		for (k = 0; k < nforms; k++)
			if (memcmp(forms[k]->hash, x, FORM_HASH_BYTES) == 0)
				byix[j] = forms[k];
		if (byix[j] == NULL)
			tr.bad = 1;
		else if (byix[j]->nquestions > maxq)
			maxq = byix[j]->nquestions;
	}
	nrec = cr_u64(&tr);
	if (tr.bad || tr.off != tr.len || nix > 256 || nrec != got.used ||
	    got.used > got.total) {
		hrload_result_free(&got);
		return 0;
	}
	/* From here on the bytes are authentic: only the HR secret key made
	 * them. A record that does not parse would be a bug: it is counted
	 * as invalid, never trusted. */
	for (i = 0; i < got.total - got.used; i++)
		agg_reject(a);
	ans = xcalloc(maxq, sizeof *ans);
	for (i = 0; i < nrec; i++) {
		if (rd.bad || cache_decode(&rd, byix, nix, ans, &ar,
		    &rid) != 0) {
			got.used--;
			got.invalid++;
			agg_reject(a);
			if (!rd.bad)
				cache_note(&got, "a cached record does not "
				    "parse");
			rd.bad = 1;
			continue;
		}
		cache_agg(a, &got, NULL, &ar, opts, rid);
	}
	if (rd.bad)
		cache_note(&got, "the record cache is damaged: run again");
	sodium_memzero(ans, maxq * sizeof *ans);	/* pointers only */
	free(ans);
	*res = got;
	return 1;
}

struct cache_fill {
	const struct hrload_opts *opts;
	struct agg *a;
	struct hrload_result *res;
	const struct form *const *forms;
	size_t nforms;
	struct cbuf recs;
	uint64_t nrec;
	int failed;
};

/* Runs serialised (hrload_foreach), like hrload_run's own callback. */
static int
cache_fill_fn(void *ctx, const uint8_t id[ENV_ID_BYTES],
    enum hrload_status st, const struct record *r, struct err *e)
{
	struct cache_fill *f = ctx;
	struct agg_rec ar;
	size_t invalid = f->res->invalid, fi;

	(void)e;
	if (st != HRLOAD_USED) {
		agg_reject(f->a);
		return 0;
	}
	ar.unit = r->unit;
	ar.year = r->year;
	ar.form_hash = r->form_hash;
	ar.answers = r->answers;
	ar.nanswers = r->nanswers;
	cache_agg(f->a, f->res, id, &ar, f->opts, id);
	if (f->res->invalid != invalid || f->failed)
		return 0;	/* not used after all: not in the cache */
	for (fi = 0; fi < f->nforms; fi++)
		if (memcmp(f->forms[fi]->hash, r->form_hash,
		    FORM_HASH_BYTES) == 0)
			break;
	if (fi >= f->nforms || fi > 255 || strlen(r->unit) > 255 ||
	    r->nanswers != f->forms[fi]->nquestions) {
		f->failed = 1;
		return 0;
	}
	cache_encode(&f->recs, f->forms[fi], (uint8_t)fi, id, r);
	f->nrec++;
	return 0;
}

/* f->recs already holds the header and the records: add the trailer,
 * encrypt in place and write the file. */
static void
cache_store(const char *path, const uint8_t *sk, struct cache_fill *f)
{
	uint8_t key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	uint8_t tag[CACHE_TAG_BYTES];
	const struct hrload_result *res = f->res;
	unsigned long long clen;
	struct cbuf *b = &f->recs;
	struct err e;
	size_t i, t0;
	uint32_t tl;

	t0 = b->len;
	cb_u64(b, res->total);
	cb_u64(b, res->used);
	cb_u64(b, res->unreadable);
	cb_u64(b, res->unapproved);
	cb_u64(b, res->invalid);
	cb_u64(b, res->notes_dropped);
	cb_u32(b, (uint32_t)res->nnotes);
	for (i = 0; i < res->nnotes; i++) {
		cb_u32(b, (uint32_t)strlen(res->notes[i]));
		cb_put(b, res->notes[i], strlen(res->notes[i]));
	}
	cb_u32(b, (uint32_t)f->nforms);
	for (i = 0; i < f->nforms; i++)
		cb_put(b, f->forms[i]->hash, FORM_HASH_BYTES);
	cb_u64(b, f->nrec);
	tl = (uint32_t)(b->len - t0);
	cb_u32(b, tl);
	memset(tag, 0, sizeof tag);
	cb_put(b, tag, sizeof tag);	/* room for the tag */
	b->len -= sizeof tag;
	cache_key(key, sk);
	crypto_aead_xchacha20poly1305_ietf_encrypt(b->p + CACHE_HEAD_BYTES,
	    &clen, b->p + CACHE_HEAD_BYTES, b->len - CACHE_HEAD_BYTES, b->p,
	    CACHE_HEAD_BYTES, NULL, b->p + 12 + CACHE_DIGEST_BYTES, key);
	sodium_memzero(key, sizeof key);
	b->len = CACHE_HEAD_BYTES + (size_t)clen;
	/* best effort: without a cache the next run loads in full */
	(void)fsx_write_atomic(path, b->p, b->len, 0600, 0, &e);
}

/* The header; and room for about every record at once, so the buffer
 * is not copied as it grows (untouched pages cost no memory). */
static void
cache_begin(struct cbuf *b, struct central *c, const uint8_t *digest)
{
	uint8_t nonce[CACHE_NONCE_BYTES];
	struct err e;
	size_t n = 0;

	if (central_env_count(c, &n, &e) == 0 && n < (SIZE_MAX >> 12)) {
		b->cap = CACHE_HEAD_BYTES + n * 1024 + 65536;
		b->p = xmalloc(b->cap);
	}
	cb_put(b, CACHE_MAGIC, 8);
	cb_u32(b, CACHE_VERSION);
	cb_put(b, digest, CACHE_DIGEST_BYTES);
	randombytes_buf(nonce, sizeof nonce);
	cb_put(b, nonce, sizeof nonce);
}

struct cache_dig {
	struct central *c;
	const struct form *const *forms;
	size_t nforms;
	uint8_t digest[CACHE_DIGEST_BYTES];
	struct err e;
	int rc;
};

static void *
cache_dig_thread(void *arg)
{
	struct cache_dig *d = arg;

	d->rc = cache_digest(d->c, d->forms, d->nforms, d->digest, &d->e);
	return NULL;
}

int
cache_run(struct central *c, const uint8_t pk[ENV_PK_BYTES],
    const uint8_t sk[ENV_SK_BYTES], const struct form *const *forms,
    size_t nforms, struct agg *a, const struct hrload_opts *opts,
    struct hrload_result *res, struct err *e)
{
	uint8_t claimed[CACHE_DIGEST_BYTES], *mem = NULL;
	struct cache_fill f;
	struct cache_dig d;
	pthread_t t;
	size_t plen = 0, memlen = 0;
	char *path;
	int rc, threaded;

	memset(res, 0, sizeof *res);
	memset(&d, 0, sizeof d);
	d.c = c;
	d.forms = forms;
	d.nforms = nforms;
	path = cache_path(central_path(c));
	/* The id set is read while the file is opened: two cores. */
	threaded = pthread_create(&t, NULL, cache_dig_thread, &d) == 0;
	mem = cache_open_file(path, sk, claimed, &plen, &memlen);
	if (threaded)
		pthread_join(t, NULL);
	else
		cache_dig_thread(&d);
	if (d.rc != 0) {
		if (mem != NULL)
			xfree_wipe(mem, memlen);
		free(path);
		return hrload_run(c, pk, sk, forms, nforms, a, opts, res, e);
	}
	if (mem != NULL) {
		rc = sodium_memcmp(claimed, d.digest, sizeof claimed) == 0 &&
		    cache_feed(mem + CACHE_HEAD_BYTES, plen, forms, nforms, a,
		    res, opts);
		xfree_wipe(mem, memlen);
		if (rc) {
			if (opts != NULL && opts->progress != NULL)
				opts->progress(opts->progress_ctx,
				    res->total, res->total);
			free(path);
			return 0;
		}
	}
	memset(&f, 0, sizeof f);
	f.opts = opts;
	f.a = a;
	f.res = res;
	f.forms = forms;
	f.nforms = nforms;
	cache_begin(&f.recs, c, d.digest);
	rc = hrload_foreach(c, pk, sk, forms, nforms, opts, cache_fill_fn, &f,
	    res, e);
	if (rc == 0 && !f.failed)
		cache_store(path, sk, &f);
	cb_free(&f.recs);
	free(path);
	return rc;
}
