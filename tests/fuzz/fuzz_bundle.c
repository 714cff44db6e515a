/* libFuzzer target for the bundle and receipt readers: whatever the bytes,
 * no crash, no leak, and a bundle is accepted only with a valid
 * signature. The first byte picks the reader. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <sodium.h>

#include "store/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle b;
	struct bundle_ack *acks;
	struct err e;
	size_t n;

	if (size < 1)
		return 0;
	if (sodium_init() < 0)
		abort();
	if (data[0] & 1) {
		if (bundle_receipt_read_buf(data + 1, size - 1, &acks, &n,
		    &e) == 0)
			free(acks);
	} else if (bundle_read_buf(data + 1, size - 1, &b, &e) == 0) {
		if (b.n > BUNDLE_MAX_COUNT)
			abort();
		bundle_free(&b);
	}
	return 0;
}
