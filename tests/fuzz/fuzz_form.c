/* libFuzzer target for the form loader: whatever the bytes, no crash, no
 * leak, bounded work; a form that loads hashes to the same value twice
 * and its questions' visibility can be evaluated. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "form/form.h"
#include "util/xmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form_diags d;
	struct form_answer *a;
	struct form *f;
	uint8_t h[FORM_HASH_BYTES];
	size_t i, len;
	char *c;

	if (sodium_init() < 0)
		abort();
	memset(&d, 0, sizeof d);
	f = form_load_buf("fuzz.yaml", (const char *)data, size, &d);
	if (f == NULL) {
		if (d.n == 0)
			abort();	/* a refusal always says why */
		form_diags_free(&d);
		return 0;
	}
	if (d.n != 0)
		abort();
	form_hash_compute(f, h);
	if (memcmp(h, f->hash, sizeof h) != 0)
		abort();
	c = form_canonical(f, &len);
	free(c);
	a = xcalloc(f->nquestions + 1, sizeof *a);
	for (i = 0; i < f->nquestions; i++)
		(void)form_visible(f, i, a);
	for (i = 0; i < f->nquestions; i++) {
		a[i].state = FORM_ANSWERED;
		a[i].num = f->questions[i].min;
		a[i].choices = 1;
	}
	for (i = 0; i < f->nquestions; i++)
		(void)form_visible(f, i, a);
	free(a);
	form_free(f);
	return 0;
}
