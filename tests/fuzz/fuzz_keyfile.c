/* fuzz_keyfile: the key-file parsers without any KDF: hr.pub and
 * interviewer.pub lines, hr.key and profile images (limits included). The
 * first byte picks the parser (bits 0-1) and, with bit 2, fixes up the
 * image's checksum so the checks behind it are reached too. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/key.h"
#include "crypto/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	uint8_t pk[KEY_PK_BYTES];
	struct err e;
	uint8_t *img;
	char *text;
	int rc;

	if (!ready) {
		if (sodium_init() < 0)
			abort();
		ready = 1;
	}
	if (size < 1)
		return 0;
	switch (data[0] & 3) {
	case 0:
	case 1:
		/* A copy without the selector, so reads past it are caught. */
		text = malloc(size - 1 + 1);
		memcpy(text, data + 1, size - 1);
		rc = key_pub_parse((data[0] & 1) ? KEY_PUB_INTERVIEWER :
		    KEY_PUB_HR, "fuzz.pub", text, size - 1, pk, &e);
		if (rc == 0) {
			/* Accepted means canonical: it formats back the same. */
			char *again = key_pub_format((data[0] & 1) ?
			    KEY_PUB_INTERVIEWER : KEY_PUB_HR, pk);
			size_t n = strlen(again);
			if (!((size - 1 == n || size - 1 == n - 1) &&
			    memcmp(again, text, size - 1) == 0))
				abort();
			free(again);
		} else if (rc != -1 || e.cls != ERR_DATA || e.msg[0] == '\0')
			abort();
		free(text);
		break;
	default:
		img = malloc(size - 1 + 1);
		memcpy(img, data + 1, size - 1);
		if ((data[0] & 4) && size - 1 >= 16)
			crypto_generichash(img + size - 1 - 16, 16, img,
			    size - 1 - 16, NULL, 0);
		if ((data[0] & 3) == 2)
			rc = key_file_check("fuzz.key", img, size - 1, &e);
		else
			rc = profile_file_check("fuzz.profile", img, size - 1,
			    &e);
		if (rc != 0 && (rc != -1 || e.cls != ERR_DATA || e.msg[0] == '\0'))
			abort();
		free(img);
		break;
	}
	return 0;
}
