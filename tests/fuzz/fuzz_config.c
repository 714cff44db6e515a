/* libFuzzer target for the config loader (and, on the unit names it
 * yields, the Swedish collation): no crash, no leak, bounded work, and
 * every refusal says why. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "util/collate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form_diags d;
	struct config *c;
	size_t i, j;
	int ab, ba;

	memset(&d, 0, sizeof d);
	c = config_load_buf("fuzz.yaml", (const char *)data, size, &d);
	if (c == NULL) {
		if (d.n == 0)
			abort();	/* a refusal always says why */
		form_diags_free(&d);
		return 0;
	}
	if (d.n != 0 || c->nunits == 0 || c->k < CONFIG_MIN_K ||
	    c->text_k < c->k)
		abort();
	for (i = 0; i < c->nunits && i < 64; i++) {
		if (config_unit(c, c->units[i].code) != &c->units[i])
			abort();	/* codes are unique */
		if (collate_cmp(c->units[i].name, c->units[i].name) != 0 ||
		    !collate_contains(c->units[i].name, c->units[i].name))
			abort();
		for (j = 0; j < i; j++) {
			ab = collate_cmp(c->units[i].name, c->units[j].name);
			ba = collate_cmp(c->units[j].name, c->units[i].name);
			if ((ab > 0) != (ba < 0) || (ab == 0) != (ba == 0))
				abort();
		}
	}
	config_free(c);
	return 0;
}
