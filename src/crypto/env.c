/* env: sealing records to the HR public key and opening them with the HR
 * secret key. Layout in man avslut-record(5), ENVELOPES. */
#include "crypto/env.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmem.h"
#include "util/i18n.h"

_Static_assert(ENV_PK_BYTES == crypto_box_PUBLICKEYBYTES, "pk size");
_Static_assert(ENV_SK_BYTES == crypto_box_SECRETKEYBYTES, "sk size");
_Static_assert(ENV_SEAL_BYTES == crypto_box_SEALBYTES, "seal size");
_Static_assert(ENV_HASH_BYTES >= crypto_generichash_BYTES_MIN &&
	ENV_HASH_BYTES <= crypto_generichash_BYTES_MAX,
    "hash size");

/* Sealed plaintext: version byte, envelope id, encoded record, padding. */
#define HEAD_BYTES (1 + ENV_ID_BYTES)

/*
 * Why the id is sealed inside as well: stores deduplicate on the id
 * (INSERT OR IGNORE), which is what makes a repeated sync harmless. A
 * sealed box is opaque, so without the binding anyone holding a copy (a
 * bundle, the drop folder, a backup) could store the same box again under
 * a fresh random id and have one interview counted twice. With the id
 * inside, such a copy fails to open and is counted as rejected.
 */
int
env_seal(const struct record *r, const uint8_t hr_pk[ENV_PK_BYTES],
    uint8_t id[ENV_ID_BYTES], uint8_t **env, size_t *len, struct err *e)
{
	uint8_t *rec, *plain, *box;
	size_t rlen, plen, cap, padded;

	*env = NULL;
	*len = 0;
	if (record_encode(r, &rec, &rlen, e) == -1)
		return -1;
	plen = HEAD_BYTES + rlen;
	/* sodium_pad always adds at least one byte. */
	cap = (plen / ENV_PAD_BLOCK + 1) * ENV_PAD_BLOCK;
	plain = xmalloc(cap);
	randombytes_buf(id, ENV_ID_BYTES);
	plain[0] = ENV_VERSION;
	memcpy(plain + 1, id, ENV_ID_BYTES);
	memcpy(plain + HEAD_BYTES, rec, rlen);
	xfree_wipe(rec, rlen);
	if (sodium_pad(&padded, plain, plen, ENV_PAD_BLOCK, cap) != 0) {
		xfree_wipe(plain, cap);
		return err_setc(e, ERR_SOFTWARE,
		    _("envelope: cannot pad the record"));
	}
	box = xmalloc(padded + ENV_SEAL_BYTES);
	if (crypto_box_seal(box, plain, padded, hr_pk) != 0) {
		xfree_wipe(plain, cap);
		free(box);
		return err_setc(e, ERR_DATA,
		    _("envelope: cannot seal to the HR "
		      "public key: check hr.pub"));
	}
	xfree_wipe(plain, cap);
	*env = box;
	*len = padded + ENV_SEAL_BYTES;
	return 0;
}

/*
 * The padding (ISO/IEC 7816-4, as sodium_pad writes it: 0x80, then zeros
 * to the end of the last block) read from the end, stopping at the first
 * non-zero byte. sodium_unpad does the same in constant time over the
 * whole block, which cost HR a twentieth of an open of 100 000 envelopes
 * (tests/bench/RESULTS.md). Constant time buys nothing here: the length
 * it would hide is the record's, and record_decode, which runs next on
 * the same machine, takes time that follows the record's contents
 * anyway. The padding only hides the length from who sees the envelope.
 * 0 with *out the record's length, or -1 if the padding is damaged.
 */
static int
env_unpad(size_t *out, const uint8_t *p, size_t len)
{
	size_t i = len;
	uint64_t w;

	/* eight zeros at a time while eight more steps are allowed */
	while (i >= 8 && len - i + 8 <= ENV_PAD_BLOCK) {
		memcpy(&w, p + i - 8, sizeof w);
		if (w != 0)
			break;
		i -= 8;
	}
	while (i > 0 && len - i < ENV_PAD_BLOCK && p[i - 1] == 0)
		i--;
	if (i == 0 || len - i >= ENV_PAD_BLOCK || p[i - 1] != 0x80)
		return -1;
	*out = i - 1;
	return 0;
}

/* The id in hex for a message: made only when there is one to write. */
static const char *
env_hex(const uint8_t id[ENV_ID_BYTES], char hex[2 * ENV_ID_BYTES + 1])
{
	env_id_hex(id, hex);
	return hex;
}

int
env_open(struct record *r, const uint8_t id[ENV_ID_BYTES], const uint8_t *env,
    size_t len, const uint8_t hr_pk[ENV_PK_BYTES],
    const uint8_t hr_sk[ENV_SK_BYTES], struct err *e)
{
	char hex[2 * ENV_ID_BYTES + 1];
	uint8_t *plain;
	size_t plen, unpadded;
	int rc;

	memset(r, 0, sizeof *r);
	if (len < ENV_SEAL_BYTES + ENV_PAD_BLOCK || len > ENV_MAX_BYTES ||
	    (len - ENV_SEAL_BYTES) % ENV_PAD_BLOCK != 0)
		return err_setc(e, ERR_DATA,
		    _("envelope %s: %zu bytes is not the size of a "
		      "sealed envelope: it is truncated or damaged"),
		    env_hex(id, hex), len);
	plen = len - ENV_SEAL_BYTES;
	plain = xmalloc(plen);
	if (crypto_box_seal_open(plain, env, len, hr_pk, hr_sk) != 0) {
		free(plain);
		return err_setc(e, ERR_DATA,
		    _("envelope %s cannot be opened with this HR "
		      "key: it is damaged or was sealed to another key"),
		    env_hex(id, hex));
	}
	if (env_unpad(&unpadded, plain, plen) != 0) {
		rc = err_setc(e, ERR_DATA,
		    _("envelope %s: the padding is "
		      "damaged"),
		    env_hex(id, hex));
		goto out;
	}
	if (unpadded < HEAD_BYTES) {
		rc = err_setc(e, ERR_DATA,
		    _("envelope %s: too short to hold a "
		      "record"),
		    env_hex(id, hex));
		goto out;
	}
	if (plain[0] != ENV_VERSION) {
		if (plain[0] > ENV_VERSION)
			rc = err_setc(e, ERR_DATA,
			    _("envelope %s: envelope version %u is "
			      "newer than this program understands: upgrade "
			      "avslut-hr"),
			    env_hex(id, hex), (unsigned)plain[0]);
		else
			rc = err_setc(e, ERR_DATA,
			    _("envelope %s: envelope version 0 is not "
			      "valid"),
			    env_hex(id, hex));
		goto out;
	}
	if (sodium_memcmp(plain + 1, id, ENV_ID_BYTES) != 0) {
		rc = err_setc(e, ERR_DATA,
		    _("envelope %s was sealed under another id: a "
		      "copy stored under a new id is refused"),
		    env_hex(id, hex));
		goto out;
	}
	rc = record_decode(r, plain + HEAD_BYTES, unpadded - HEAD_BYTES, e);
	if (rc == -1)
		err_prefix(e, _("envelope %s"), env_hex(id, hex));
out:
	xfree_wipe(plain, plen);
	return rc;
}

void
env_hash(uint8_t out[ENV_HASH_BYTES], const uint8_t *env, size_t len)
{
	crypto_generichash(out, ENV_HASH_BYTES, env, len, NULL, 0);
}

void
env_id_hex(const uint8_t id[ENV_ID_BYTES], char out[2 * ENV_ID_BYTES + 1])
{
	sodium_bin2hex(out, 2 * ENV_ID_BYTES + 1, id, ENV_ID_BYTES);
}

int
env_id_parse(uint8_t id[ENV_ID_BYTES], const char *s)
{
	size_t i, n;

	if (strlen(s) != 2 * ENV_ID_BYTES)
		return -1;
	for (i = 0; i < 2 * ENV_ID_BYTES; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f') ||
			(s[i] >= 'A' && s[i] <= 'F')))
			return -1;
	if (sodium_hex2bin(id, ENV_ID_BYTES, s, 2 * ENV_ID_BYTES, NULL, &n,
		NULL) != 0 ||
	    n != ENV_ID_BYTES)
		return -1;
	return 0;
}
