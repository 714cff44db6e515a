/* bundle: writing and reading signed bundles and receipts as byte streams,
 * so they flow through a file, a pipe or ssh without a seek. */
#include "store/bundle.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "util/buf.h"
#include "util/fsx.h"
#include "util/i18n.h"
#include "util/xmem.h"

#define IOBUF 65536
#define HDR_BYTES (BUNDLE_MAGIC_BYTES + 4 + 4)
#define ACK_BYTES (BUNDLE_ID_BYTES + BUNDLE_HASH_BYTES)
_Static_assert(sizeof(struct bundle_ack) == ACK_BYTES,
    "no padding in bundle_ack: receipts read and write it whole");

/* A byte source: a file descriptor (buffered) or a memory buffer. */
struct rd {
	int fd;
	const uint8_t *mem;
	size_t memlen;
	uint8_t *buf;
	size_t bpos, blen;
	uint64_t off;	  /* bytes consumed so far */
	int receipt;	  /* a receipt, not a bundle */
	const char *what; /* "bundle" or "receipt", translated */
};

struct bundle_writer {
	int fd;
	crypto_sign_state st;
	uint8_t *sk; /* sodium_malloc'd copy */
	size_t count, added;
	uint64_t total;
	size_t blen;
	uint8_t buf[IOBUF];
};

/* Fill the buffer; returns bytes now available, 0 at end, -1 on error. */
static ssize_t
rd_fill(struct rd *r, struct err *e)
{
	ssize_t n;

	if (r->bpos < r->blen)
		return (ssize_t)(r->blen - r->bpos);
	if (r->mem != NULL) {
		/* Memory: the whole remainder is the buffer. */
		r->buf = (uint8_t *)(uintptr_t)r->mem;
		r->bpos = (size_t)r->off;
		r->blen = r->memlen;
		return (ssize_t)(r->blen - r->bpos);
	}
	for (;;) {
		n = read(r->fd, r->buf, IOBUF);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err_setc(e, ERR_IO, _("cannot read the %s: %s"),
			    r->what, strerror(errno));
			return -1;
		}
		r->bpos = 0;
		r->blen = (size_t)n;
		return n;
	}
}

/* Read exactly n bytes; end of input first is a truncated stream. field
 * is marked with N_ and translated here. */
static int
rd_get(struct rd *r, void *out, size_t n, const char *field, struct err *e)
{
	uint8_t *o = out;
	ssize_t have;
	size_t take;

	while (n > 0) {
		if ((have = rd_fill(r, e)) < 0)
			return -1;
		if (have == 0)
			return err_setc(e, ERR_DATA,
			    _("%s is truncated: it "
			      "ends at byte %llu, inside the %s"),
			    r->what, (unsigned long long)r->off, _(field));
		take = (size_t)have < n ? (size_t)have : n;
		memcpy(o, r->buf + r->bpos, take);
		r->bpos += take;
		r->off += take;
		o += take;
		n -= take;
	}
	return 0;
}

/* After the last field: anything more is refused. */
static int
rd_end(struct rd *r, struct err *e)
{
	ssize_t have;

	if ((have = rd_fill(r, e)) < 0)
		return -1;
	if (have > 0)
		return err_setc(e, ERR_DATA,
		    _("%s has trailing bytes after "
		      "byte %llu: it was damaged or altered"),
		    r->what, (unsigned long long)r->off);
	return 0;
}

static void
rd_init_fd(struct rd *r, int fd, int receipt)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->buf = xmalloc(IOBUF);
	r->receipt = receipt;
	r->what = receipt ? _("receipt") : _("bundle");
}

static void
rd_init_mem(struct rd *r, const uint8_t *buf, size_t len, int receipt)
{
	memset(r, 0, sizeof *r);
	r->fd = -1;
	r->mem = buf != NULL ? buf : (const uint8_t *)"";
	r->memlen = len;
	r->receipt = receipt;
	r->what = receipt ? _("receipt") : _("bundle");
}

static void
rd_done(struct rd *r)
{
	if (r->mem == NULL)
		free(r->buf);
}

/* Magic, version and count, shared by bundles and receipts. */
static int
rd_header(struct rd *r, const char *magic, uint8_t hdr[HDR_BYTES],
    uint32_t *count, uint32_t want, struct err *e)
{
	uint32_t version;
	int max;

	if (rd_get(r, hdr, BUNDLE_MAGIC_BYTES, N_("magic"), e) != 0)
		return -1;
	if (memcmp(hdr, magic, BUNDLE_MAGIC_BYTES) != 0)
		return err_setc(e, ERR_DATA,
		    _("not an avslut %s (wrong magic "
		      "number)"),
		    r->what);
	if (rd_get(r, hdr + 8, 4, N_("version number"), e) != 0)
		return -1;
	version = buf_load_u32(hdr + 8);
	max = r->receipt ? RECEIPT_VERSION_KEYED : BUNDLE_VERSION;
	if (version > (uint32_t)max)
		return err_setc(e, ERR_DATA,
		    _("%s version %lu is newer than "
		      "this program understands (%d): update avslut"),
		    r->what, (unsigned long)version, max);
	if (version != want)
		return err_setc(e, ERR_DATA, _("%s version %lu is not valid"),
		    r->what, (unsigned long)version);
	if (rd_get(r, hdr + 12, 4, N_("count"), e) != 0)
		return -1;
	*count = buf_load_u32(hdr + 12);
	if (*count > BUNDLE_MAX_COUNT)
		return err_setc(e, ERR_DATA,
		    _("%s claims %lu envelopes, more "
		      "than the %d allowed"),
		    r->what, (unsigned long)*count, BUNDLE_MAX_COUNT);
	return 0;
}

static int
id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, BUNDLE_ID_BYTES);
}

/* An honest writer never repeats an id; a repeat is a crafted bundle. */
static int
check_unique(const struct bundle *b, struct err *e)
{
	uint8_t *ids;
	size_t i;
	int rc = 0;

	if (b->n < 2)
		return 0;
	ids = xreallocarray(NULL, b->n, BUNDLE_ID_BYTES);
	for (i = 0; i < b->n; i++)
		memcpy(ids + i * BUNDLE_ID_BYTES, b->envs[i].id,
		    BUNDLE_ID_BYTES);
	qsort(ids, b->n, BUNDLE_ID_BYTES, id_cmp);
	for (i = 1; i < b->n && rc == 0; i++)
		if (memcmp(ids + (i - 1) * BUNDLE_ID_BYTES,
			ids + i * BUNDLE_ID_BYTES, BUNDLE_ID_BYTES) == 0)
			rc = err_setc(e, ERR_DATA,
			    _("bundle repeats an "
			      "envelope id"));
	free(ids);
	return rc;
}

/* Parse and verify; *b is filled only on success. */
static int
bundle_parse(struct rd *r, struct bundle *b, struct err *e)
{
	crypto_sign_state st;
	struct bundle out;
	uint8_t hdr[HDR_BYTES], lenb[4], sig[BUNDLE_SIG_BYTES];
	uint32_t count, len;
	uint64_t total = HDR_BYTES;
	size_t i;
	int rc;

	memset(&out, 0, sizeof out);
	crypto_sign_init(&st);
	if ((rc = rd_header(r, BUNDLE_MAGIC, hdr, &count, BUNDLE_VERSION, e)) !=
	    0)
		return rc;
	crypto_sign_update(&st, hdr, sizeof hdr);
	out.envs = xcalloc(count > 0 ? count : 1, sizeof *out.envs);
	for (i = 0; i < count; i++) {
		struct bundle_env *v = &out.envs[i];

		if ((rc = rd_get(r, v->id, BUNDLE_ID_BYTES, N_("envelope id"),
			 e)) != 0 ||
		    (rc = rd_get(r, lenb, 4, N_("envelope length"), e)) != 0)
			goto fail;
		len = buf_load_u32(lenb);
		if (len == 0 || len > BUNDLE_MAX_ENVELOPE) {
			rc = err_setc(e, ERR_DATA,
			    _("envelope %zu of the "
			      "bundle claims %lu bytes (allowed 1 to %lu)"),
			    i + 1, (unsigned long)len,
			    (unsigned long)BUNDLE_MAX_ENVELOPE);
			goto fail;
		}
		total += BUNDLE_ID_BYTES + 4 + (uint64_t)len;
		if (total + BUNDLE_PK_BYTES + BUNDLE_SIG_BYTES >
		    BUNDLE_MAX_BYTES) {
			rc = err_setc(e, ERR_DATA,
			    _("bundle is larger than "
			      "%u bytes"),
			    BUNDLE_MAX_BYTES);
			goto fail;
		}
		crypto_sign_update(&st, v->id, BUNDLE_ID_BYTES);
		crypto_sign_update(&st, lenb, 4);
		v->data = xmalloc(len);
		v->len = len;
		out.n = i + 1;
		if ((rc = rd_get(r, v->data, len, N_("envelope"), e)) != 0)
			goto fail;
		crypto_sign_update(&st, v->data, len);
	}
	if ((rc = rd_get(r, out.signer, BUNDLE_PK_BYTES, N_("signer's key"),
		 e)) != 0)
		goto fail;
	crypto_sign_update(&st, out.signer, BUNDLE_PK_BYTES);
	if ((rc = rd_get(r, sig, sizeof sig, N_("signature"), e)) != 0 ||
	    (rc = rd_end(r, e)) != 0)
		goto fail;
	if (crypto_sign_final_verify(&st, sig, out.signer) != 0) {
		rc = err_setc(e, ERR_DATA,
		    _("bundle signature does not "
		      "verify: the bundle was damaged or altered"));
		goto fail;
	}
	if ((rc = check_unique(&out, e)) != 0)
		goto fail;
	*b = out;
	return 0;
fail:
	bundle_free(&out);
	return rc;
}

int
bundle_read(int fd, struct bundle *b, struct err *e)
{
	struct rd r;
	int rc;

	rd_init_fd(&r, fd, 0);
	rc = bundle_parse(&r, b, e);
	rd_done(&r);
	return rc;
}

int
bundle_read_buf(const uint8_t *buf, size_t len, struct bundle *b, struct err *e)
{
	struct rd r;

	rd_init_mem(&r, buf, len, 0);
	return bundle_parse(&r, b, e);
}

void
bundle_free(struct bundle *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++)
		free(b->envs[i].data);
	free(b->envs);
	memset(b, 0, sizeof *b);
}

void
bundle_env_hash(uint8_t out[BUNDLE_HASH_BYTES], const uint8_t *data, size_t len)
{
	crypto_generichash(out, BUNDLE_HASH_BYTES, data, len, NULL, 0);
}

/* --- writing ------------------------------------------------------------ */

static int
wr_flush(struct bundle_writer *w, struct err *e)
{
	int rc = fsx_write_all(w->fd, w->buf, w->blen, "cannot write", e);

	w->blen = 0;
	return rc;
}

/* Buffer, sign and write. */
static int
wr_put(struct bundle_writer *w, const uint8_t *p, size_t n, int sign,
    struct err *e)
{
	size_t take;

	if (sign)
		crypto_sign_update(&w->st, p, n);
	while (n > 0) {
		if (w->blen == IOBUF && wr_flush(w, e) != 0)
			return -1;
		take = IOBUF - w->blen < n ? IOBUF - w->blen : n;
		memcpy(w->buf + w->blen, p, take);
		w->blen += take;
		p += take;
		n -= take;
	}
	return 0;
}

struct bundle_writer *
bundle_writer_new(int fd, size_t count, const uint8_t sk[BUNDLE_SK_BYTES],
    struct err *e)
{
	struct bundle_writer *w;
	uint8_t hdr[HDR_BYTES];

	if (count > BUNDLE_MAX_COUNT) {
		err_setc(e, ERR_DATA,
		    _("too many envelopes for one bundle "
		      "(%zu, at most %d)"),
		    count, BUNDLE_MAX_COUNT);
		return NULL;
	}
	w = xcalloc(1, sizeof *w);
	if ((w->sk = sodium_malloc(BUNDLE_SK_BYTES)) == NULL) {
		free(w);
		err_setc(e, ERR_SOFTWARE, _("out of secure memory"));
		return NULL;
	}
	memcpy(w->sk, sk, BUNDLE_SK_BYTES);
	w->fd = fd;
	w->count = count;
	w->total = HDR_BYTES;
	crypto_sign_init(&w->st);
	memcpy(hdr, BUNDLE_MAGIC, BUNDLE_MAGIC_BYTES);
	buf_store_u32(hdr + 8, BUNDLE_VERSION);
	buf_store_u32(hdr + 12, (uint32_t)count);
	if (wr_put(w, hdr, sizeof hdr, 1, e) != 0) {
		bundle_writer_abort(w);
		return NULL;
	}
	return w;
}

int
bundle_writer_add(struct bundle_writer *w, const uint8_t *id,
    const uint8_t *data, size_t len, struct err *e)
{
	uint8_t lenb[4];

	if (w->added == w->count)
		return err_setc(e, ERR_SOFTWARE,
		    _("bundle writer: more "
		      "envelopes than the count (%zu)"),
		    w->count);
	if (len == 0 || len > BUNDLE_MAX_ENVELOPE)
		return err_setc(e, ERR_DATA,
		    _("envelope of %zu bytes cannot "
		      "go in a bundle (1 to %lu)"),
		    len, (unsigned long)BUNDLE_MAX_ENVELOPE);
	w->total += BUNDLE_ID_BYTES + 4 + (uint64_t)len;
	if (w->total + BUNDLE_PK_BYTES + BUNDLE_SIG_BYTES > BUNDLE_MAX_BYTES)
		return err_setc(e, ERR_DATA,
		    _("bundle would be larger than %u "
		      "bytes: send fewer envelopes at a time"),
		    BUNDLE_MAX_BYTES);
	buf_store_u32(lenb, (uint32_t)len);
	if (wr_put(w, id, BUNDLE_ID_BYTES, 1, e) != 0 ||
	    wr_put(w, lenb, 4, 1, e) != 0 || wr_put(w, data, len, 1, e) != 0)
		return -1;
	w->added++;
	return 0;
}

int
bundle_writer_finish(struct bundle_writer *w, struct err *e)
{
	uint8_t sig[BUNDLE_SIG_BYTES];
	const uint8_t *pk = w->sk + (BUNDLE_SK_BYTES - BUNDLE_PK_BYTES);
	int rc = -1;

	if (w->added != w->count) {
		err_setc(e, ERR_SOFTWARE,
		    _("bundle writer: %zu envelopes "
		      "added, %zu announced"),
		    w->added, w->count);
		goto out;
	}
	if (wr_put(w, pk, BUNDLE_PK_BYTES, 1, e) != 0)
		goto out;
	if (crypto_sign_final_create(&w->st, sig, NULL, w->sk) != 0) {
		err_setc(e, ERR_SOFTWARE, _("cannot sign the bundle"));
		goto out;
	}
	if (wr_put(w, sig, sizeof sig, 0, e) != 0 || wr_flush(w, e) != 0)
		goto out;
	rc = 0;
out:
	bundle_writer_abort(w);
	return rc;
}

void
bundle_writer_abort(struct bundle_writer *w)
{
	if (w == NULL)
		return;
	sodium_free(w->sk);
	sodium_memzero(&w->st, sizeof w->st);
	free(w);
}

int
bundle_write(int fd, const struct bundle_env *envs, size_t n,
    const uint8_t sk[BUNDLE_SK_BYTES], struct err *e)
{
	struct bundle_writer *w;
	size_t i;

	if ((w = bundle_writer_new(fd, n, sk, e)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (bundle_writer_add(w, envs[i].id, envs[i].data, envs[i].len,
			e) != 0) {
			bundle_writer_abort(w);
			return -1;
		}
	return bundle_writer_finish(w, e);
}

/* --- receipts ------------------------------------------------------------ */

/* The checksum after everything written so far (room reserved, so the
 * data does not move while it is hashed). */
static void
receipt_sum(struct buf *w)
{
	size_t n = buf_len(w);

	buf_reserve(w, BUNDLE_HASH_BYTES);
	crypto_generichash(buf_append(w, BUNDLE_HASH_BYTES), BUNDLE_HASH_BYTES,
	    buf_data(w), n, NULL, 0);
}

/* More envelopes than one receipt may name. */
static int
receipt_count_check(size_t n, struct err *e)
{
	if (n > BUNDLE_MAX_COUNT)
		return err_setc(e, ERR_DATA,
		    _("too many envelopes for one "
		      "receipt"));
	return 0;
}

/* A receipt of version: the header, the n entries of size bytes each as
 * they lie in items, then the checksum. Both versions are written here. */
static int
receipt_encode(uint32_t version, const void *items, size_t n, size_t size,
    uint8_t **out, size_t *len, struct err *e)
{
	struct buf w = BUF_INIT;

	if (receipt_count_check(n, e) != 0)
		return -1;
	buf_reserve(&w, HDR_BYTES + n * size + BUNDLE_HASH_BYTES);
	buf_put(&w, RECEIPT_MAGIC, BUNDLE_MAGIC_BYTES);
	buf_put_u32(&w, version);
	buf_put_u32(&w, (uint32_t)n);
	buf_put(&w, items, n * size);
	receipt_sum(&w);
	*out = buf_steal(&w, len);
	return 0;
}

int
bundle_receipt_encode(const struct bundle_ack *acks, size_t n, uint8_t **out,
    size_t *len, struct err *e)
{
	return receipt_encode(BUNDLE_VERSION, acks, n, sizeof *acks, out, len,
	    e);
}

int
bundle_receipt_write(int fd, const struct bundle_ack *acks, size_t n,
    struct err *e)
{
	uint8_t *p;
	size_t len;
	int rc;

	if (bundle_receipt_encode(acks, n, &p, &len, e) != 0)
		return -1;
	rc = fsx_write_all(fd, p, len, "cannot write", e);
	free(p);
	return rc;
}

/* One field of a receipt's entry: its size, and its name (marked with
 * N_) for the message when the receipt ends inside it. */
struct receipt_field {
	size_t len;
	const char *name;
};

static const struct receipt_field ack_fields[] = {
	{ BUNDLE_ID_BYTES, N_("envelope id") },
	{ BUNDLE_HASH_BYTES, N_("envelope hash") },
};

/* A receipt of version: its count of entries, each the fields f[0..nf)
 * in order (size bytes in all, as they lie in the entry's struct), then
 * the checksum. *items (caller frees) and *n are set only on success.
 * Both versions are read here. */
static int
receipt_parse(struct rd *r, uint32_t version, const struct receipt_field *f,
    size_t nf, size_t size, void **items, size_t *n, struct err *e)
{
	crypto_generichash_state st;
	uint8_t hdr[HDR_BYTES], sum[BUNDLE_HASH_BYTES];
	uint8_t want[BUNDLE_HASH_BYTES], *a, *p;
	uint32_t count, i;
	size_t k;
	int rc;

	crypto_generichash_init(&st, NULL, 0, BUNDLE_HASH_BYTES);
	if ((rc = rd_header(r, RECEIPT_MAGIC, hdr, &count, version, e)) != 0)
		return rc;
	crypto_generichash_update(&st, hdr, sizeof hdr);
	a = xcalloc(count > 0 ? count : 1, size);
	for (i = 0; i < count; i++) {
		p = a + (size_t)i * size;
		for (k = 0; k < nf; p += f[k++].len) {
			if ((rc = rd_get(r, p, f[k].len, f[k].name, e)) != 0)
				goto fail;
			crypto_generichash_update(&st, p, f[k].len);
		}
	}
	if ((rc = rd_get(r, sum, sizeof sum, N_("checksum"), e)) != 0 ||
	    (rc = rd_end(r, e)) != 0)
		goto fail;
	crypto_generichash_final(&st, want, sizeof want);
	if (sodium_memcmp(sum, want, sizeof sum) != 0) {
		rc = err_setc(e, ERR_DATA,
		    _("receipt checksum does not match: "
		      "the receipt was damaged"));
		goto fail;
	}
	*items = a;
	*n = count;
	return 0;
fail:
	free(a);
	return rc;
}

/* A receipt of version 1 (envelope ids and hashes in the clear). */
static int
receipt_parse_acks(struct rd *r, struct bundle_ack **acks, size_t *n,
    struct err *e)
{
	void *a;
	int rc;

	rc = receipt_parse(r, BUNDLE_VERSION, ack_fields,
	    sizeof ack_fields / sizeof ack_fields[0], sizeof **acks, &a, n, e);
	if (rc == 0)
		*acks = a;
	return rc;
}

int
bundle_receipt_read(int fd, struct bundle_ack **acks, size_t *n, struct err *e)
{
	struct rd r;
	int rc;

	rd_init_fd(&r, fd, 1);
	rc = receipt_parse_acks(&r, acks, n, e);
	rd_done(&r);
	return rc;
}

int
bundle_receipt_read_buf(const uint8_t *buf, size_t len,
    struct bundle_ack **acks, size_t *n, struct err *e)
{
	struct rd r;

	rd_init_mem(&r, buf, len, 1);
	return receipt_parse_acks(&r, acks, n, e);
}

/* --- keyed receipts (version 2, drop folders) ---------------------------- */

#define KACK_BYTES (2 * BUNDLE_HASH_BYTES)
#define MAC_ID "avslut receipt id v1"
#define MAC_ENV "avslut receipt envelope v1"

void
bundle_receipt_mac(const uint8_t key[BUNDLE_RKEY_BYTES],
    const uint8_t id[BUNDLE_ID_BYTES], const uint8_t hash[BUNDLE_HASH_BYTES],
    struct bundle_kack *out)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, key, BUNDLE_RKEY_BYTES, BUNDLE_HASH_BYTES);
	crypto_generichash_update(&st, (const uint8_t *)MAC_ID,
	    sizeof MAC_ID - 1);
	crypto_generichash_update(&st, id, BUNDLE_ID_BYTES);
	crypto_generichash_final(&st, out->idmac, BUNDLE_HASH_BYTES);
	crypto_generichash_init(&st, key, BUNDLE_RKEY_BYTES, BUNDLE_HASH_BYTES);
	crypto_generichash_update(&st, (const uint8_t *)MAC_ENV,
	    sizeof MAC_ENV - 1);
	crypto_generichash_update(&st, id, BUNDLE_ID_BYTES);
	crypto_generichash_update(&st, hash, BUNDLE_HASH_BYTES);
	crypto_generichash_final(&st, out->envmac, BUNDLE_HASH_BYTES);
}

static int
kack_cmp(const void *a, const void *b)
{
	return memcmp(a, b, KACK_BYTES);
}

int
bundle_receipt_encode_keyed(const struct bundle_ack *acks, size_t n,
    const uint8_t key[BUNDLE_RKEY_BYTES], uint8_t **out, size_t *len,
    struct err *e)
{
	struct bundle_kack *k;
	size_t i;
	int rc;

	if (receipt_count_check(n, e) != 0)
		return -1;
	k = xcalloc(n ? n : 1, sizeof *k);
	for (i = 0; i < n; i++)
		bundle_receipt_mac(key, acks[i].id, acks[i].hash, &k[i]);
	/* Sorted by digest: not even the order of the ids shows. */
	qsort(k, n, sizeof *k, kack_cmp);
	rc = receipt_encode(RECEIPT_VERSION_KEYED, k, n, sizeof *k, out, len,
	    e);
	free(k);
	return rc;
}

int
bundle_receipt_version(const uint8_t *buf, size_t len)
{
	if (len < HDR_BYTES ||
	    memcmp(buf, RECEIPT_MAGIC, BUNDLE_MAGIC_BYTES) != 0)
		return 0;
	return (int)buf_load_u32(buf + 8);
}

int
bundle_receipt_read_keyed(const uint8_t *buf, size_t len,
    struct bundle_kack **kacks, size_t *n, struct err *e)
{
	static const struct receipt_field kack_field = { KACK_BYTES,
		N_("digest") };
	struct rd r;
	void *a;
	int rc;

	rd_init_mem(&r, buf, len, 1);
	rc = receipt_parse(&r, RECEIPT_VERSION_KEYED, &kack_field, 1,
	    sizeof **kacks, &a, n, e);
	if (rc == 0)
		*kacks = a;
	return rc;
}
