/* cli_hr: what the avslut-hr commands that read interviews share: opening
 * the store with the key unlocked and logged, the progress bar, and the
 * whole load (config, approved forms, every envelope into an agg). */
#ifndef AVSLUT_CLI_HR_H
#define AVSLUT_CLI_HR_H

#include <stddef.h>

#include "config/config.h"
#include "crypto/key.h"
#include "report/agg.h"
#include "report/hrload.h"
#include "report/release.h"
#include "store/central.h"

/* Open the store read-write (it must exist), unlock the HR key and write
 * "unlock HR key: WHAT" to the access log; a refused passphrase is logged
 * too. No unlock goes unlogged: if the log cannot be written, the key is
 * wiped and the command stops. Prints what went wrong; returns the exit
 * code (0, 66 no store, 77 wrong passphrase, ...). */
int cli_hr_open_unlock(const char *db, const char *keyopt, const char *passfile,
    const char *what, struct central **c, struct key_hr **k);

/* Write what to the access log of db (NULL: the default store) if that
 * store exists: for commands that unlock the key but need no store
 * (passwd). Returns 0 (logged, or there is no store) or the exit code
 * after a message. */
int cli_hr_log_if_store(const char *db, const char *what);

/* Progress on stderr, only when it is a terminal and the run lasts; the
 * line is cleared at the end. Pass as hrload_opts.progress with a
 * zeroed struct cli_progress as its context. */
struct cli_progress {
	const char *label; /* "opening interviews" if NULL */
	double start, last;
	int drawn;
};
void cli_progress(void *ctx, size_t done, size_t total);

/* What the turnover rows gave and what the definition counts. */
struct cli_turnover_def {
	int has_retirements, has_internal;     /* some row gave them */
	int count_retirements, count_internal; /* the config's choice */
};

/* Everything a report or the dashboard starts from. */
struct cli_hr_data {
	struct central *c;
	struct key_hr *k;
	struct config *cfg;
	struct form **forms; /* the approved forms */
	size_t nforms;
	struct agg *agg; /* every usable interview counted */
	struct hrload_result res;
	/* from turnover import: leavers as the definition counts them
	 * (tdef), and turnover_all with every leaver (for the gate) */
	struct agg_turnover *turnover;
	struct agg_turnover *turnover_all;
	size_t nturnover;
	struct cli_turnover_def tdef;
	struct hme_row *hme; /* from hme import */
	size_t nhme;
	struct release_set *rel;  /* the frozen releases (opened) */
	uint8_t pk[ENV_PK_BYTES]; /* to seal new releases to */
};
/* Load the config, open the store and unlock (cli_hr_open_unlock with
 * what), load the approved forms and the releases, open every envelope
 * into d->agg with a
 * progress bar, say on stderr how many were rejected and why, and read
 * turnover and HME. The key is wiped once the envelopes are read. Returns
 * the exit code; d is freed on failure. */
int cli_hr_load(const char *db, const char *keyopt, const char *passfile,
    const char *what, struct cli_hr_data *d);
void cli_hr_data_free(struct cli_hr_data *d);

/* The table a view shows of year y (release_view over d): prints what
 * went wrong and returns the exit code, or 0. */
int cli_hr_table(struct cli_hr_data *d, unsigned y,
    const struct gate_params *gp, struct gate_table **t,
    struct release_info *info);

/* The publish gate's parameters as the config sets them, with d's
 * turnover: what every view of d (report, audit, dashboard) uses. */
void cli_hr_gate_params(const struct cli_hr_data *d, struct gate_params *gp);

#endif
