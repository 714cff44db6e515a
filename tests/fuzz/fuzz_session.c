/* libFuzzer target for the draft decoder (session_decode, session_peek)
 * against the shipped form: whatever the bytes, no crash, no leak; a
 * draft that decodes encodes back to the very same bytes (the decoder
 * takes only canonical drafts; a version 1 draft to the same length) and
 * makes a record that record_check accepts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "config/embed.h"
#include "crypto/record.h"
#include "interview/session.h"
#include "util/xmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct form *fuzz_form;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session_info in;
	struct session *s;
	struct record r;
	struct err e;
	uint8_t *out;
	size_t len;

	if (fuzz_form == NULL) {
		struct form_diags d;

		if (sodium_init() < 0)
			abort();
		memset(&d, 0, sizeof d);
		fuzz_form = form_load_buf("exit-interview.yaml",
		    (const char *)embed_forms_exit_interview_yaml,
		    embed_forms_exit_interview_yaml_len, &d);
		if (fuzz_form == NULL)
			abort();
	}
	(void)session_peek(data, size, &in, &e);
	if ((s = session_decode(fuzz_form, data, size, &e)) == NULL)
		return 0;
	if (session_peek(data, size, &in, &e) != 0)
		abort();
	session_encode(s, &out, &len);
	/* Canonical: a draft of today's version encodes back to the very
	 * same bytes; a version 1 (little-endian) draft to today's layout,
	 * of the same length. */
	if (len != size || (in.version == SESSION_DRAFT_VERSION &&
	    memcmp(out, data, size) != 0))
		abort();
	xfree_wipe(out, len);
	session_to_record(s, &r);
	if (record_check(&r, fuzz_form, &e) != 0)
		abort();
	record_free(&r);
	session_free(s);
	return 0;
}
