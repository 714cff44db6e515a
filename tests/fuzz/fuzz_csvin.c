/* libFuzzer target for the turnover and HME CSV readers: no crash, no
 * leak; a refusal always says why, and what is accepted obeys the rules
 * (a known unit, a year, no negative value, no duplicate). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/csvin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const units[] = {"VC-ALBY", "AKUT-S", "Östra"};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csvin_src src = { "f.csv", (const char *)data, size, units, NULL,
		3 };
	struct csvin_rows r;
	struct turnover_row *t;
	struct hme_row *h;
	struct csvin_diags errs, warns;
	size_t i, j;

	if (csvin_read(CSVIN_TURNOVER, &src, &r, &errs, &warns) != 0) {
		if (errs.n == 0 || r.t != NULL || r.n != 0)
			abort();
	} else {
		for (t = r.t, i = 0; i < r.n; i++) {
			if (r.h != NULL || !(t[i].headcount > 0) ||
			    t[i].leavers < 0 || t[i].year < 1900 ||
			    t[i].year > 2999)
				abort();
			for (j = 0; j < i; j++)
				if (t[j].year == t[i].year &&
				    strcmp(t[j].unit, t[i].unit) == 0)
					abort();
		}
		csvin_rows_free(&r);
	}
	csvin_diags_free(&errs);
	csvin_diags_free(&warns);
	if (csvin_read(CSVIN_HME, &src, &r, &errs, &warns) != 0) {
		if (errs.n == 0 || r.h != NULL || r.n != 0)
			abort();
	} else {
		for (h = r.h, i = 0; i < r.n; i++)
			if (r.t != NULL || h[i].hme < 0 || h[i].hme > 100 ||
			    h[i].styrning > 100)
				abort();
		csvin_rows_free(&r);
	}
	if (warns.n != 0)
		abort();
	csvin_diags_free(&errs);
	return 0;
}
