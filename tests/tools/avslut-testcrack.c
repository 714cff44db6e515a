/* avslut-testcrack: a test helper, never installed. The attacker of
 * tests/e2e/test_forget.py: given a raw disk image and the interviewer's
 * passphrase, recover every draft it can. Written from the documented
 * file formats only (the profile's key-wrap format in avslut-hr(1) FILES,
 * the draft and slot formats in avslut(1) FILES, SQLite's record format)
 * with libsodium alone: it calls nothing of avslut's own code, so a bug
 * shared with the program cannot hide a leak.
 *
 *   avslut-testcrack IMAGE PASSFILE
 *
 * It prints one line per find:
 *   profile OFFSET                   a profile opened with the passphrase
 *   row ID OFFSET                    a carved draft row (any version)
 *   key ID OFFSET                    a wrapped draft key that opens
 *   plain ID OFFSET HEX              a draft version that decrypts
 * and a last line "done ROWS KEYS PLAINS". Exit 0, or 2 on bad usage. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

/* The profile: MAGIC(8) VERSION(4) FLAGS(4) ALG(4) OPS(4) MEM(8) SALT(16)
 * PUBLIC(64) NONCE(24) BOX(96 + 16) TAG(32) CHECK(16); the secret part is
 * the signing key (64) then the master draft key (32). */
#define P_MAGIC "avslutIP"
#define P_HEAD 48
#define P_PUB 64
#define P_SEC 96
#define P_SIZE (P_HEAD + P_PUB + 24 + P_SEC + 16 + 32 + 16)

/* A wrapped draft key: NONCE(24) AEAD(key 32 + tag 16), associated data
 * "avslut draft key 1" || draft id; a draft's content: AEAD under that
 * key with "avslut draft data 1" || draft id (XChaCha20-Poly1305). */
#define W_BYTES (24 + 32 + 16)
#define AD_KEY "avslut draft key 1"
#define AD_DATA "avslut draft data 1"

#define MAXKEYS 64
#define MAXROWS 4096
#define MAXIDS 256

struct row {
	size_t off;
	const uint8_t *id;
	const uint8_t *blob[8];	/* blob columns after the id */
	size_t blen[8];
	size_t nblob;
};

static uint8_t masters[MAXKEYS][32];
static size_t nmasters;
static uint8_t ids[MAXIDS][16];
static size_t nids;
static struct row rows[MAXROWS];
static size_t nrows;
static uint8_t dkeys[MAXKEYS][32], dkid[MAXKEYS][16];
static size_t ndkeys;

static uint64_t
be(const uint8_t *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

static void
hex(const uint8_t *p, size_t n)
{
	while (n-- > 0)
		printf("%02x", *p++);
}

/* Every profile image in the disk that the passphrase opens. */
static void
find_profiles(const uint8_t *img, size_t len, const char *pass)
{
	uint8_t k[32], box[32], sec[P_SEC];
	size_t i;

	for (i = 0; i + P_SIZE <= len; i++) {
		const uint8_t *p = img + i;
		uint64_t ops, mem;

		if (memcmp(p, P_MAGIC, 8) != 0)
			continue;
		ops = be(p + 20, 4);
		mem = be(p + 24, 8);
		if (be(p + 16, 4) != 1 || ops < 1 || ops > 10 ||
		    mem < 8192 || mem > ((uint64_t)1 << 30))
			continue;
		if (crypto_pwhash(k, 32, pass, strlen(pass), p + 32, ops,
		    (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
			continue;
		crypto_kdf_derive_from_key(box, 32, 1, P_MAGIC, k);
		if (crypto_secretbox_open_easy(sec, p + P_HEAD + P_PUB + 24,
		    P_SEC + 16, p + P_HEAD + P_PUB, box) == 0 &&
		    nmasters < MAXKEYS) {
			size_t j;

			for (j = 0; j < nmasters; j++)
				if (memcmp(masters[j], sec + 64, 32) == 0)
					break;
			if (j == nmasters)
				memcpy(masters[nmasters++], sec + 64, 32);
			printf("profile %zu\n", i);
		}
	}
	sodium_memzero(sec, sizeof sec);
	sodium_memzero(k, sizeof k);
}

/* One SQLite varint at p (at most 9 bytes); 0 if it runs past end. */
static size_t
varint(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < 9 && p + i < end; i++) {
		if (i == 8) {
			*v = *v << 8 | p[i];
			return 9;
		}
		*v = *v << 7 | (p[i] & 0x7f);
		if ((p[i] & 0x80) == 0)
			return i + 1;
	}
	return 0;
}

/* Bytes of a value of serial type t (SQLite's record format). */
static size_t
serial_len(uint64_t t)
{
	static const size_t fixed[] = { 0, 1, 2, 3, 4, 6, 8, 8, 0, 0 };

	if (t < 10)
		return fixed[t];
	if (t < 12)
		return (size_t)-1; /* reserved */
	return (size_t)((t - 12) / 2);
}

static void
add_id(const uint8_t *id)
{
	size_t j;

	for (j = 0; j < nids; j++)
		if (memcmp(ids[j], id, 16) == 0)
			return;
	if (nids < MAXIDS)
		memcpy(ids[nids++], id, 16);
}

/* Carve every record whose first column is a 16-byte blob (a draft id)
 * and which has a 24-byte blob (a nonce) and a longer blob (content):
 * any version of the drafts table, in the database, the WAL or a freed
 * block. A record spilled into overflow pages is cut short and cannot
 * decrypt; the test keeps its drafts small enough to stay inline. */
static void
carve_rows(const uint8_t *img, size_t len)
{
	const uint8_t *end = img + len;
	size_t i;

	for (i = 0; i + 8 < len; i++) {
		const uint8_t *p = img + i, *h, *body;
		uint64_t hlen, t;
		size_t n, off, bl, k, have_nonce = 0, have_ct = 0;
		struct row r;

		if (p[0] < 3 || p[0] > 40 || p[1] != 0x2c)
			continue;
		hlen = p[0];
		memset(&r, 0, sizeof r);
		h = p + 1;
		body = p + hlen;
		if (body + 16 > end)
			continue;
		off = 16; /* the id */
		r.id = body;
		r.off = i;
		h++;
		while (h < p + hlen) {
			if ((n = varint(h, p + hlen, &t)) == 0)
				break;
			h += n;
			if ((bl = serial_len(t)) == (size_t)-1)
				break;
			if (t >= 12 && t % 2 == 0 && r.nblob < 8) {
				r.blob[r.nblob] = body + off;
				r.blen[r.nblob++] = bl;
				if (bl == 24)
					have_nonce = 1;
				else if (bl >= 16)
					have_ct = 1;
			}
			off += bl;
		}
		if (h != p + hlen || body + off > end || !have_nonce ||
		    !have_ct)
			continue;
		for (k = 0; k < 16 && r.id[k] == 0; k++)
			;
		if (k == 16)
			continue; /* zeroed */
		if (nrows < MAXROWS) {
			rows[nrows++] = r;
			add_id(r.id);
			printf("row ");
			hex(r.id, 16);
			printf(" %zu\n", i);
		}
	}
}

static int
zero_block(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

static size_t
make_ad(uint8_t *ad, const char *dom, const uint8_t *id)
{
	size_t n = strlen(dom);

	memcpy(ad, dom, n);
	memcpy(ad + n, id, 16);
	return n + 16;
}

/* Try every 72-byte window of the image (outside all-zero 4 KiB blocks)
 * as a wrapped key of every carved draft id under every master key:
 * wherever the program kept its keys, a live one is found. */
static void
find_keys(const uint8_t *img, size_t len)
{
	uint8_t ad[64], key[32];
	unsigned long long kl;
	size_t i, b, m, d, adl;

	for (b = 0; b < len; b += 4096) {
		size_t bend = b + 4096 < len ? b + 4096 : len;

		if (zero_block(img + b, bend - b))
			continue;
		for (i = b; i < bend && i + W_BYTES <= len; i++)
			for (m = 0; m < nmasters; m++)
				for (d = 0; d < nids; d++) {
					adl = make_ad(ad, AD_KEY, ids[d]);
					if (crypto_aead_xchacha20poly1305_ietf_decrypt(
					    key, &kl, NULL, img + i + 24,
					    W_BYTES - 24, ad, adl, img + i,
					    masters[m]) != 0 || kl != 32)
						continue;
					printf("key ");
					hex(ids[d], 16);
					printf(" %zu\n", i);
					if (ndkeys < MAXKEYS) {
						memcpy(dkeys[ndkeys], key, 32);
						memcpy(dkid[ndkeys++], ids[d], 16);
					}
				}
	}
	sodium_memzero(key, sizeof key);
}

/* Every carved row, every pair of (nonce, content) columns, under every
 * recovered key of its id. */
static size_t
open_rows(void)
{
	uint8_t ad[64], *out;
	unsigned long long ol;
	size_t r, k, a, c, adl, n = 0;

	for (r = 0; r < nrows; r++)
		for (k = 0; k < ndkeys; k++) {
			if (memcmp(dkid[k], rows[r].id, 16) != 0)
				continue;
			adl = make_ad(ad, AD_DATA, rows[r].id);
			for (a = 0; a < rows[r].nblob; a++)
				for (c = 0; c < rows[r].nblob; c++) {
					if (rows[r].blen[a] != 24 || c == a ||
					    rows[r].blen[c] < 16)
						continue;
					out = malloc(rows[r].blen[c]);
					if (out != NULL &&
					    crypto_aead_xchacha20poly1305_ietf_decrypt(
					    out, &ol, NULL, rows[r].blob[c],
					    rows[r].blen[c], ad, adl,
					    rows[r].blob[a], dkeys[k]) == 0) {
						printf("plain ");
						hex(rows[r].id, 16);
						printf(" %zu ", rows[r].off);
						hex(out, (size_t)ol);
						printf("\n");
						n++;
					}
					free(out);
				}
		}
	return n;
}

int
main(int argc, char **argv)
{
	char pass[1024];
	uint8_t *img;
	size_t len, n;
	FILE *f;
	long sz;

	if (argc != 3 || sodium_init() < 0) {
		fputs("usage: avslut-testcrack IMAGE PASSFILE\n", stderr);
		return 2;
	}
	if ((f = fopen(argv[2], "r")) == NULL ||
	    fgets(pass, sizeof pass, f) == NULL) {
		perror(argv[2]);
		return 2;
	}
	fclose(f);
	pass[strcspn(pass, "\n")] = '\0';
	if ((f = fopen(argv[1], "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		perror(argv[1]);
		return 2;
	}
	len = (size_t)sz;
	if ((img = malloc(len ? len : 1)) == NULL ||
	    fread(img, 1, len, f) != len) {
		perror(argv[1]);
		return 2;
	}
	fclose(f);
	find_profiles(img, len, pass);
	carve_rows(img, len);
	find_keys(img, len);
	n = open_rows();
	printf("done %zu %zu %zu\n", nrows, ndkeys, n);
	sodium_memzero(pass, sizeof pass);
	free(img);
	return 0;
}
