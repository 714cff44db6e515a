/* sample: the made-up region of `avslut-hr demo`: synthetic interviews,
 * turnover and staff-survey HME for the config's units over a run of
 * years, all of it following from a seed. Pure data: no SQLite, no
 * crypto, no ncurses (the demo command seals and stores what this makes).
 * Never used for real data; the demo's config says sample: true. */
#ifndef AVSLUT_SAMPLE_H
#define AVSLUT_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "crypto/record.h"
#include "form/form.h"
#include "report/agg.h"
#include "store/turnrow.h"

struct sample_params {
	uint64_t seed;
	unsigned year0, nyears; /* the closed years: full figures */
	unsigned open_year;	/* a few interviews in it; 0: none */
};

/* Interviews held for unit u in year y (the open year: a few). */
unsigned sample_count(const struct sample_params *p, const struct config *c,
    size_t u, unsigned year);

/* Make interview i of unit u and year into r (record_free it). The
 * answers follow the unit's profile: some units are flagged for high
 * turnover and answer worse on leadership and workload, one on pay, one
 * gets better in the last year; free text is Swedish. */
void sample_record(const struct sample_params *p, const struct config *c,
    const struct form *f, size_t u, unsigned year, unsigned i,
    struct record *r);

/* Turnover rows for every unit, the closed years and the two before them
 * (leavers always at least the interviews held; retirements and
 * internal moves not given), and the staff survey's HME, as `turnover
 * import` and `hme import` would store them; caller frees with sample_free_*. */
size_t sample_turnover(const struct sample_params *p, const struct config *c,
    struct turnover_row **out);
size_t sample_staff_hme(const struct sample_params *p, const struct config *c,
    struct hme_row **out);
void sample_free_turnover(struct turnover_row *rows, size_t n);
void sample_free_staff_hme(struct hme_row *rows, size_t n);

#endif
