/* libFuzzer target for record_decode: no input may crash it, leak or read
 * out of bounds, and whatever it accepts must encode back byte for byte. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record r;
	struct err e;
	uint8_t *out;
	size_t len;

	if (record_decode(&r, data, size, &e) == -1) {
		if (e.msg[0] == '\0')
			abort();	/* every refusal says why */
		return 0;
	}
	/* The encoding is canonical: decode then encode is the identity. */
	if (record_encode(&r, &out, &len, &e) == -1)
		abort();
	if (len != size || memcmp(out, data, size) != 0)
		abort();
	free(out);
	record_free(&r);
	return 0;
}
