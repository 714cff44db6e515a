/* key: HR key files, fingerprints, public key lines and the Argon2id
 * passphrase wrap that hr.key and the interviewer's profile share. */
#include "crypto/key.h"

#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "util/buf.h"
#include "util/fsx.h"
#include "util/paths.h"
#include "util/xmem.h"
#include "util/i18n.h"

#define WRAP_HEAD 48 /* magic .. salt */
#define WRAP_NONCE crypto_secretbox_NONCEBYTES
#define WRAP_MAC crypto_secretbox_MACBYTES
#define WRAP_TAG crypto_auth_BYTES
#define WRAP_CHECK 16
#define WRAP_ALG_ARGON2ID13 1
#define WRAP_FLAG_TEST 1u
#define WRAP_MASTER 32
#define WRAP_MAX_FILE 4096
#define PUB_CHECK 8 /* bytes of BLAKE2b in a public key line */

static unsigned long key_kdf_count;

static const struct key_wrap_spec key_hr_spec = { "avslutHK", KEY_VERSION,
	KEY_PK_BYTES, KEY_SK_BYTES, N_("HR key file") };

/* The decoded fixed header of a wrapped file. */
struct wrap_head {
	uint32_t version, flags, alg, ops;
	uint64_t mem;
	const uint8_t *salt;
};

/* The fixed header after the magic; the caller has checked that buf
 * holds WRAP_HEAD bytes. */
static void
wrap_head_read(const uint8_t *buf, struct wrap_head *h)
{
	struct buf_rd r;

	buf_rd_init(&r, buf + 8, WRAP_HEAD - 8);
	(void)buf_get_u32(&r, &h->version);
	(void)buf_get_u32(&r, &h->flags);
	(void)buf_get_u32(&r, &h->alg);
	(void)buf_get_u32(&r, &h->ops);
	(void)buf_get_u64(&r, &h->mem);
	(void)buf_get_ptr(&r, KEY_SALT_BYTES, &h->salt);
}

int
key_kdf_parse(const char *s, enum key_kdf *kdf)
{
	if (strcmp(s, "default") == 0)
		*kdf = KEY_KDF_DEFAULT;
	else if (strcmp(s, "test") == 0)
		*kdf = KEY_KDF_TEST;
	else
		return -1;
	return 0;
}

void
key_fingerprint(const uint8_t pk[KEY_PK_BYTES], char out[KEY_FPR_TEXT])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t h[KEY_FPR_BYTES];
	size_t i, o = 0;

	crypto_generichash(h, sizeof h, pk, KEY_PK_BYTES, NULL, 0);
	for (i = 0; i < sizeof h; i++) {
		if (i > 0 && i % 2 == 0)
			out[o++] = ' ';
		out[o++] = hex[h[i] >> 4];
		out[o++] = hex[h[i] & 15];
	}
	out[o] = '\0';
}

unsigned long
key_kdf_runs(void)
{
	return key_kdf_count;
}

/* --- public key lines ---------------------------------------------------- */

static const char *
pub_tag(enum key_pub_kind kind)
{
	return kind == KEY_PUB_HR ? "avslut-hr-pub-v1" :
				    "avslut-interviewer-v1";
}

static const char *
pub_what(enum key_pub_kind kind)
{
	return kind == KEY_PUB_HR ? _("HR public key file") :
				    _("interviewer public key file");
}

static void
pub_check(enum key_pub_kind kind, const uint8_t pk[KEY_PK_BYTES],
    char out[2 * PUB_CHECK + 1])
{
	crypto_generichash_state st;
	const char *tag = pub_tag(kind);
	uint8_t h[PUB_CHECK];

	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const uint8_t *)tag, strlen(tag));
	crypto_generichash_update(&st, pk, KEY_PK_BYTES);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, 2 * PUB_CHECK + 1, h, sizeof h);
}

char *
key_pub_format(enum key_pub_kind kind, const uint8_t pk[KEY_PK_BYTES])
{
	char b64[sodium_base64_ENCODED_LEN(KEY_PK_BYTES,
	    sodium_base64_VARIANT_ORIGINAL)];
	char chk[2 * PUB_CHECK + 1];

	sodium_bin2base64(b64, sizeof b64, pk, KEY_PK_BYTES,
	    sodium_base64_VARIANT_ORIGINAL);
	pub_check(kind, pk, chk);
	return xasprintf("%s %s %s\n", pub_tag(kind), b64, chk);
}

/* An X25519 key sealing would fail on (a low-order point, such as all
 * zeros) is refused when read, not at the end of the first interview:
 * crypto_scalarmult refuses exactly those. */
static int
pub_usable(const uint8_t pk[KEY_PK_BYTES])
{
	uint8_t sk[crypto_scalarmult_SCALARBYTES], q[crypto_scalarmult_BYTES];
	int rc;

	randombytes_buf(sk, sizeof sk);
	rc = crypto_scalarmult(q, sk, pk);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(q, sizeof q);
	return rc == 0;
}

int
key_pub_parse(enum key_pub_kind kind, const char *name, const char *text,
    size_t len, uint8_t pk[KEY_PK_BYTES], struct err *e)
{
	enum key_pub_kind okind = kind == KEY_PUB_HR ? KEY_PUB_INTERVIEWER :
						       KEY_PUB_HR;
	const char *tag = pub_tag(kind), *otag = pub_tag(okind);
	size_t tl = strlen(tag), pl = tl - 1, i, wl;
	unsigned long v = 0;
	char *want;
	int ok;

	memset(pk, 0, KEY_PK_BYTES);
	if (len > strlen(otag) && memcmp(text, otag, strlen(otag)) == 0)
		return err_setc(e, ERR_DATA, _("%s is an %s, not an %s"), name,
		    pub_what(okind), pub_what(kind));
	/* "avslut-hr-pub-v" and a version number; a newer one says so. */
	if (len < pl || memcmp(text, tag, pl) != 0)
		return err_setc(e, ERR_DATA,
		    _("%s is not an %s (it does not "
		      "start with \"%s\")"),
		    name, pub_what(kind), tag);
	for (i = pl; i < len && i < pl + 6 && text[i] >= '0' && text[i] <= '9';
	     i++)
		v = v * 10 + (unsigned long)(text[i] - '0');
	if (i > pl && v > KEY_VERSION && text[pl] != '0')
		return err_setc(e, ERR_DATA,
		    _("%s is an %s of version %lu, "
		      "newer than this program reads (1): upgrade avslut"),
		    name, pub_what(kind), v);
	/* Decode, then insist the text is exactly what we would write: this
	 * refuses every non-canonical spelling, stray blank and CR. */
	if (len < tl + 1 + 44 || len > tl + 1 + 44 + 1 + 2 * PUB_CHECK + 1 ||
	    sodium_base642bin(pk, KEY_PK_BYTES, text + tl + 1, 44, NULL, NULL,
		NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		goto bad;
	want = key_pub_format(kind, pk);
	wl = strlen(want);
	ok = (len == wl || len == wl - 1) && memcmp(text, want, len) == 0;
	if (!ok && len >= wl - 1 && memcmp(text, want, tl + 1 + 44 + 1) == 0) {
		free(want);
		memset(pk, 0, KEY_PK_BYTES);
		return err_setc(e, ERR_DATA,
		    _("%s: the key does not match its "
		      "check digits: the file is damaged; ask for a fresh copy"),
		    name);
	}
	free(want);
	if (ok && kind == KEY_PUB_HR && !pub_usable(pk)) {
		memset(pk, 0, KEY_PK_BYTES);
		return err_setc(e, ERR_DATA,
		    _("%s holds a key that nothing "
		      "can be sealed to (a low-order point): ask HR for its "
		      "real hr.pub"),
		    name);
	}
	if (ok)
		return 0;
bad:
	memset(pk, 0, KEY_PK_BYTES);
	return err_setc(e, ERR_DATA,
	    _("%s: not a valid %s (expected one line "
	      "\"%s BASE64 CHECK\"): the file is damaged; ask for a fresh copy"),
	    name, pub_what(kind), tag);
}

int
key_read_file(const char *path, size_t max, char **buf, size_t *len,
    struct err *e)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		if (errno == ENOENT)
			return err_setc(e, ERR_NOINPUT, _("%s does not exist"),
			    path);
		return err_setc(e, ERR_IO, _("cannot read %s: %s"), path,
		    strerror(errno));
	}
	/* Too large or not a file is bad data, not an I/O failure. */
	if (!S_ISREG(st.st_mode))
		return err_setc(e, ERR_DATA, _("%s is not a regular file"),
		    path);
	if ((unsigned long long)st.st_size > max)
		return err_setc(e, ERR_DATA,
		    _("%s is too large (%lld bytes) to "
		      "be an avslut key file"),
		    path, (long long)st.st_size);
	if (fsx_read_file(path, max, buf, len, e) == -1)
		return -1;
	return 0;
}

int
key_pub_load(enum key_pub_kind kind, const char *path, uint8_t pk[KEY_PK_BYTES],
    struct err *e)
{
	char *buf;
	size_t len;
	int rc;

	/* Larger than any valid line, so that the parser names the fault. */
	if ((rc = key_read_file(path, 1024, &buf, &len, e)) != 0)
		return rc;
	rc = key_pub_parse(kind, path, buf, len, pk, e);
	free(buf);
	return rc;
}

int
key_pub_save(enum key_pub_kind kind, const char *path,
    const uint8_t pk[KEY_PK_BYTES], int excl, struct err *e)
{
	char *line;
	int rc = 0;

	if (excl && fsx_exists(path))
		return err_setc(e, ERR_EXISTS,
		    _("%s already exists: refusing to overwrite "
		      "it"),
		    path);
	line = key_pub_format(kind, pk);
	if (fsx_write_atomic(path, line, strlen(line), 0600, excl, e) == -1)
		rc = -1;
	free(line);
	return rc;
}

/* --- the passphrase wrap ------------------------------------------------- */

size_t
key_wrap_size(const struct key_wrap_spec *s)
{
	return WRAP_HEAD + s->pub_len + WRAP_NONCE + s->sec_len + WRAP_MAC +
	    WRAP_TAG + WRAP_CHECK;
}

static void
kdf_params(enum key_kdf kdf, uint32_t *ops, uint64_t *mem)
{
	if (kdf == KEY_KDF_TEST) {
		*ops = KEY_OPS_TEST;
		*mem = KEY_MEM_TEST;
	} else {
		*ops = KEY_OPS_DEFAULT;
		*mem = KEY_MEM_DEFAULT;
	}
}

/* The limits a file asks for, judged before the KDF may run: a crafted
 * file must not make Argon2id eat the machine, nor weaken a real key. */
static int
kdf_check(const char *name, const struct wrap_head *h, struct err *e)
{
	int test = (h->flags & WRAP_FLAG_TEST) != 0;
	uint32_t omin = test ? crypto_pwhash_argon2id_OPSLIMIT_MIN :
			       KEY_OPS_MIN;
	uint64_t mmin = test ? crypto_pwhash_argon2id_MEMLIMIT_MIN :
			       KEY_MEM_MIN;

	if (h->alg != WRAP_ALG_ARGON2ID13)
		return err_setc(e, ERR_DATA,
		    _("%s: unknown key derivation algorithm %" PRIu32
		      " (only 1, Argon2id, is known)"),
		    name, h->alg);
	if (h->ops > KEY_OPS_MAX || h->mem > KEY_MEM_MAX)
		return err_setc(e, ERR_DATA,
		    _("%s asks for Argon2id limits above the cap "
		      "(%" PRIu32 " passes, %" PRIu64
		      " KiB; at most %d passes, "
		      "%llu KiB): refusing to run the key derivation; the file "
		      "was not written by avslut"),
		    name, h->ops, h->mem >> 10, KEY_OPS_MAX, KEY_MEM_MAX >> 10);
	if (h->ops < omin || h->mem < mmin)
		return err_setc(e, ERR_DATA,
		    _("%s asks for Argon2id limits below the "
		      "floor (%" PRIu32 " passes, %" PRIu64
		      " KiB; at least %" PRIu32 " passes, %" PRIu64
		      " KiB%s): refusing a weakened "
		      "key"),
		    name, h->ops, h->mem >> 10, omin, mmin >> 10,
		    test ? "" : " unless made with --kdf test");
	return 0;
}

int
key_wrap_check(const struct key_wrap_spec *s, const char *name,
    const uint8_t *buf, size_t len, uint8_t *pub, int *kdf_test, struct err *e)
{
	size_t size = key_wrap_size(s);
	uint8_t chk[WRAP_CHECK];
	struct wrap_head h;
	int rc;

	if (len < 8 || memcmp(buf, s->magic, 8) != 0) {
		if (len < 8 && len > 0 && memcmp(buf, s->magic, len) == 0)
			goto truncated;
		return err_setc(e, ERR_DATA, _("%s is not an avslut %s"), name,
		    _(s->what));
	}
	if (len < 12)
		goto truncated;
	h.version = buf_load_u32(buf + 8);
	/* With the right length, damage shows as a bad checksum first, so a
	 * flipped version byte is not reported as a newer version. */
	if (len == size) {
		crypto_generichash(chk, sizeof chk, buf, len - WRAP_CHECK, NULL,
		    0);
		if (sodium_memcmp(chk, buf + len - WRAP_CHECK, WRAP_CHECK) != 0)
			goto damaged;
	}
	if (h.version > s->version)
		return err_setc(e, ERR_DATA,
		    _("%s is a %s of format version %" PRIu32
		      ", newer than this program reads (%" PRIu32 "): upgrade "
		      "avslut"),
		    name, _(s->what), h.version, s->version);
	if (h.version != s->version)
		return err_setc(e, ERR_DATA,
		    _("%s: unsupported %s format version %" PRIu32), name,
		    _(s->what), h.version);
	if (len < size)
		goto truncated;
	if (len > size)
		return err_setc(e, ERR_DATA,
		    _("%s: %zu bytes after the end of the %s: the "
		      "file is damaged"),
		    name, len - size, _(s->what));
	wrap_head_read(buf, &h);
	if ((h.flags & ~WRAP_FLAG_TEST) != 0)
		return err_setc(e, ERR_DATA,
		    _("%s: unknown flags 0x%" PRIx32 " in the %s"), name,
		    h.flags, _(s->what));
	if ((rc = kdf_check(name, &h, e)) != 0)
		return rc;
	if (pub != NULL)
		memcpy(pub, buf + WRAP_HEAD, s->pub_len);
	if (kdf_test != NULL)
		*kdf_test = (h.flags & WRAP_FLAG_TEST) != 0;
	return 0;
truncated:
	return err_setc(e, ERR_DATA,
	    _("%s is truncated (%zu bytes, a %s has %zu)"), name, len,
	    _(s->what), size);
damaged:
	return err_setc(e, ERR_DATA,
	    _("%s is damaged (its checksum does not match): "
	      "restore the %s from a backup"),
	    name, _(s->what));
}

/* Argon2id into master, then the two subkeys: box (1) and tag (2). */
static int
wrap_derive(uint8_t *keys, const char *pass, const uint8_t *salt, uint32_t ops,
    uint64_t mem, const char *magic, struct err *e)
{
	uint8_t *master = keys + 2 * WRAP_MASTER;

	key_kdf_count++;
	if (crypto_pwhash(master, WRAP_MASTER, pass, strlen(pass), salt, ops,
		(size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return err_setc(e, ERR_IO,
		    _("the key derivation ran out of "
		      "memory (%" PRIu64 " MiB)"),
		    mem >> 20);
	crypto_kdf_derive_from_key(keys, WRAP_MASTER, 1, magic, master);
	crypto_kdf_derive_from_key(keys + WRAP_MASTER, WRAP_MASTER, 2, magic,
	    master);
	sodium_memzero(master, WRAP_MASTER);
	return 0;
}

static uint8_t *
guarded(size_t n, struct err *e)
{
	uint8_t *p = sodium_malloc(n);

	if (p == NULL)
		err_setc(e, ERR_IO, _("cannot allocate protected memory"));
	return p;
}

int
key_wrap_seal(const struct key_wrap_spec *s, const uint8_t *pub,
    const uint8_t *sec, const char *pass, enum key_kdf kdf, uint8_t **out,
    size_t *len, struct err *e)
{
	size_t size = key_wrap_size(s);
	size_t off_tag = WRAP_HEAD + s->pub_len + WRAP_NONCE + s->sec_len +
	    WRAP_MAC;
	struct buf w = BUF_INIT;
	uint8_t *keys, *salt, *nonce;
	uint32_t ops;
	uint64_t mem;
	int rc;

	if ((keys = guarded(3 * WRAP_MASTER, e)) == NULL)
		return -1;
	kdf_params(kdf, &ops, &mem);
	buf_reserve(&w, size); /* no growth: the pointers below stay */
	buf_put(&w, s->magic, 8);
	buf_put_u32(&w, s->version);
	buf_put_u32(&w, kdf == KEY_KDF_TEST ? WRAP_FLAG_TEST : 0);
	buf_put_u32(&w, WRAP_ALG_ARGON2ID13);
	buf_put_u32(&w, ops);
	buf_put_u64(&w, mem);
	randombytes_buf(salt = buf_append(&w, KEY_SALT_BYTES), KEY_SALT_BYTES);
	buf_put(&w, pub, s->pub_len);
	randombytes_buf(nonce = buf_append(&w, WRAP_NONCE), WRAP_NONCE);
	if ((rc = wrap_derive(keys, pass, salt, ops, mem, s->magic, e)) != 0) {
		sodium_free(keys);
		buf_free(&w);
		return rc;
	}
	crypto_secretbox_easy(buf_append(&w, s->sec_len + WRAP_MAC), sec,
	    s->sec_len, nonce, keys);
	crypto_auth(buf_append(&w, WRAP_TAG), buf_data(&w), off_tag,
	    keys + WRAP_MASTER);
	crypto_generichash(buf_append(&w, WRAP_CHECK), WRAP_CHECK, buf_data(&w),
	    size - WRAP_CHECK, NULL, 0);
	sodium_free(keys);
	*out = buf_steal(&w, len);
	return 0;
}

int
key_wrap_open(const struct key_wrap_spec *s, const char *name,
    const uint8_t *buf, size_t len, const char *pass, uint8_t *pub,
    uint8_t *sec, int *kdf_test, struct err *e)
{
	size_t off_nonce = WRAP_HEAD + s->pub_len;
	size_t off_box = off_nonce + WRAP_NONCE;
	size_t off_tag = off_box + s->sec_len + WRAP_MAC;
	struct wrap_head h;
	uint8_t *keys;
	int rc;

	if ((rc = key_wrap_check(s, name, buf, len, NULL, kdf_test, e)) != 0)
		return rc;
	if ((keys = guarded(3 * WRAP_MASTER, e)) == NULL)
		return -1;
	wrap_head_read(buf, &h);
	if ((rc = wrap_derive(keys, pass, h.salt, h.ops, h.mem, s->magic, e)) !=
	    0)
		goto out;
	if (crypto_secretbox_open_easy(sec, buf + off_box,
		s->sec_len + WRAP_MAC, buf + off_nonce, keys) != 0) {
		rc = err_setc(e, ERR_PERM, _("wrong passphrase for %s"), name);
		goto out;
	}
	/* The passphrase is right; now the header must be what was sealed. */
	if (crypto_auth_verify(buf + off_tag, buf, off_tag,
		keys + WRAP_MASTER) != 0) {
		rc = err_setc(e, ERR_DATA,
		    _("%s has been altered: its public keys or "
		      "settings are not the ones sealed with the passphrase; "
		      "do not use it, restore the %s from a backup"),
		    name, _(s->what));
		goto out;
	}
	if (pub != NULL)
		memcpy(pub, buf + WRAP_HEAD, s->pub_len);
out:
	if (rc != 0)
		sodium_memzero(sec, s->sec_len);
	sodium_free(keys);
	return rc;
}

/* --- hr.key -------------------------------------------------------------- */

int
key_file_check(const char *name, const uint8_t *buf, size_t len, struct err *e)
{
	return key_wrap_check(&key_hr_spec, name, buf, len, NULL, NULL, e);
}

static int
key_load_image(const char *keyfile, uint8_t **buf, size_t *len, struct err *e)
{
	char *b;
	int rc;

	if ((rc = key_read_file(keyfile, WRAP_MAX_FILE, &b, len, e)) != 0)
		return rc;
	*buf = (uint8_t *)b;
	return 0;
}

int
key_generate(const char *dir, const char *pass, enum key_kdf kdf,
    uint8_t pk[KEY_PK_BYTES], struct err *e)
{
	char *kpath = paths_join(dir, KEY_HR_KEY);
	char *ppath = paths_join(dir, KEY_HR_PUB);
	uint8_t *sk = NULL, *img = NULL;
	size_t len = 0;
	int rc;

	if (fsx_exists(kpath) || fsx_exists(ppath)) {
		rc = err_setc(e, ERR_EXISTS,
		    _("%s already exists: refusing to overwrite "
		      "an HR key (use --out DIR for a new one)"),
		    fsx_exists(kpath) ? kpath : ppath);
		goto out;
	}
	if (fsx_mkdir_p(dir, 0700, e) == -1 || fsx_dir_safe(dir, e) == -1) {
		rc = -1;
		goto out;
	}
	if ((sk = guarded(KEY_SK_BYTES, e)) == NULL) {
		rc = -1;
		goto out;
	}
	crypto_box_keypair(pk, sk);
	if ((rc = key_wrap_seal(&key_hr_spec, pk, sk, pass, kdf, &img, &len,
		 e)) != 0)
		goto out;
	if (fsx_write_atomic(kpath, img, len, 0600, 1, e) == -1) {
		rc = -1;
		goto out;
	}
	if ((rc = key_pub_save(KEY_PUB_HR, ppath, pk, 1, e)) != 0) {
		unlink(kpath);
		goto out;
	}
out:
	if (sk != NULL)
		sodium_free(sk);
	free(img);
	free(kpath);
	free(ppath);
	return rc;
}

int
key_peek(const char *keyfile, uint8_t pk[KEY_PK_BYTES], int *kdf_test,
    struct err *e)
{
	uint8_t *buf;
	size_t len;
	int rc;

	if ((rc = key_load_image(keyfile, &buf, &len, e)) != 0)
		return rc;
	rc = key_wrap_check(&key_hr_spec, keyfile, buf, len, pk, kdf_test, e);
	free(buf);
	return rc;
}

void
key_hr_free(struct key_hr *k)
{
	if (k == NULL)
		return;
	if (k->sk != NULL)
		sodium_free(k->sk);
	sodium_memzero(k, sizeof *k);
	free(k);
}

int
key_unlock(const char *keyfile, const char *pass, struct key_hr **out,
    struct err *e)
{
	uint8_t *buf, check[KEY_PK_BYTES];
	struct key_hr *k;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = key_load_image(keyfile, &buf, &len, e)) != 0)
		return rc;
	k = xcalloc(1, sizeof *k);
	if ((k->sk = guarded(KEY_SK_BYTES, e)) == NULL) {
		rc = -1;
		goto out;
	}
	if ((rc = key_wrap_open(&key_hr_spec, keyfile, buf, len, pass, k->pk,
		 k->sk, &k->kdf_test, e)) != 0)
		goto out;
	crypto_scalarmult_base(check, k->sk);
	if (sodium_memcmp(check, k->pk, KEY_PK_BYTES) != 0) {
		rc = err_setc(e, ERR_DATA,
		    _("%s: the secret key does not belong to its "
		      "public key: restore the HR key file from a backup"),
		    keyfile);
		goto out;
	}
out:
	free(buf);
	if (rc != 0)
		key_hr_free(k);
	else
		*out = k;
	return rc;
}

int
key_rewrap(const char *keyfile, const struct key_hr *k, const char *newpass,
    const enum key_kdf *kdf, struct err *e)
{
	uint8_t *img;
	size_t len;
	int rc;

	rc = key_wrap_seal(&key_hr_spec, k->pk, k->sk, newpass,
	    kdf != NULL	    ? *kdf :
		k->kdf_test ? KEY_KDF_TEST :
			      KEY_KDF_DEFAULT,
	    &img, &len, e);
	if (rc != 0)
		return rc;
	if (fsx_write_atomic(keyfile, img, len, 0600, 0, e) == -1)
		rc = -1;
	free(img);
	return rc;
}

int
key_passwd(const char *keyfile, const char *oldpass, const char *newpass,
    const enum key_kdf *kdf, struct err *e)
{
	struct key_hr *k;
	int rc;

	if ((rc = key_unlock(keyfile, oldpass, &k, e)) != 0)
		return rc;
	rc = key_rewrap(keyfile, k, newpass, kdf, e);
	key_hr_free(k);
	return rc;
}
