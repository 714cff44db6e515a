/* config: the region's settings (units, anonymity thresholds, turnover,
 * period, sync) from avslut.yaml, validated as strictly as a form. The
 * format is specified in man/avslut-config.5. */
#ifndef AVSLUT_CONFIG_H
#define AVSLUT_CONFIG_H

#include <stddef.h>

#include "form/form.h"
#include "util/err.h"

#define CONFIG_MAX_BYTES (1024 * 1024)
#define CONFIG_MAX_UNITS 5000
#define CONFIG_MAX_FORMS 64
#define CONFIG_MIN_K 3 /* never publish a cell below this */

struct config_unit {
	char *code; /* stable id, e.g. "VC-ALBY" */
	char *name; /* shown to people, e.g. "Alby vårdcentral" */
	char *area; /* grouping, e.g. "Norra" */
};

/* Everything a loaded config holds; owned by the config, read-only. */
struct config {
	char *region;
	struct config_unit *units; /* in file order */
	size_t nunits;
	unsigned k;		   /* anonymity threshold, >= 3 */
	unsigned text_k;	   /* free-text threshold, >= k */
	unsigned sensitive_t;	   /* group disclosure: all but at
					 * most t hidden (gate_params) */
	double turnover_threshold; /* fraction, 0.10 = 10 % */
	unsigned turnover_years;   /* run of years at or above it */
	/* whether the turnover rate counts retirements (default no) and
	 * moves to another unit of the region (default yes) as leaving */
	int turnover_count_retirements, turnover_count_internal;
	int quarterly;	      /* period: 0 = year, 1 = quarter */
	int sample;	      /* sample: true: made-up data (demo) */
	unsigned sync_min;    /* sealed interviews before a sync */
	char *sync_to;	      /* default destination, or NULL */
	char *ssh_program;    /* "ssh" */
	char *remote_command; /* "avslut-hr ingest -" */
	char **form_paths;    /* extra forms, absolute or as given */
	size_t nform_paths;
};

/* CONFIGDIR/avslut.yaml (paths_config_dir(prog)) if it exists, else the
 * embedded default. On error e holds the first problem and a count,
 * class ERR_CONFIG (unreadable or invalid alike: exit 78). */
struct config *config_load(const char *prog, struct err *e);
/* Load and validate one file. On any problem returns NULL and fills d
 * with every problem found, each "FILE:LINE:COL: message". Relative form
 * paths are resolved against the file's directory. */
struct config *config_load_file(const char *path, struct form_diags *d);
/* The same from memory; name stands for FILE in messages and relative
 * form paths are kept as written. */
struct config *config_load_buf(const char *name, const char *buf, size_t len,
    struct form_diags *d);
void config_free(struct config *c);

/* The unit with this code (exact match), or NULL. */
const struct config_unit *config_unit(const struct config *c, const char *code);

#endif
