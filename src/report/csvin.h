/* csvin: strict readers for the CSV files `avslut-hr turnover import` and
 * `hme import` take, as Swedish spreadsheets write them: `;` or `,`,
 * decimal comma or point, UTF-8 with or without BOM, CRLF or LF. */
#ifndef AVSLUT_CSVIN_H
#define AVSLUT_CSVIN_H

#include <stddef.h>

#include "store/hmerow.h"
#include "store/turnrow.h"

#define CSVIN_MAX_DIAGS 100
#define CSVIN_MAX_BYTES (16 * 1024 * 1024)

/* Messages "FILE:LINE: message", in line order. */
struct csvin_diags {
	char *msg[CSVIN_MAX_DIAGS];
	size_t n;
	size_t dropped; /* beyond CSVIN_MAX_DIAGS */
};

void csvin_diags_free(struct csvin_diags *d);

/* The encoding a file is read as: "UTF-8" (with or without BOM),
 * "UTF-16LE" or "UTF-16BE" (with a BOM: Excel's "Unicode text"), else
 * "Windows-1252" (Excel's Swedish "CSV (semicolon separated)"). The
 * readers below convert the last three to UTF-8 with iconv; a command
 * says when it did. */
const char *csvin_encoding(const char *buf, size_t len);

/* Turnover: unit, year, average headcount, leavers, and optionally
 * retirements and internal moves (both among the leavers; without a
 * header in that order, with one by their names: "retirements",
 * "pensionsavgångar", "internal moves", "interna byten", ...; an empty
 * cell is not given); an optional header line whose first field is
 * "unit", "enhet", "kod" or "code". Every unit
 * must be one of units[0..nunits): its code, the code in another case, or
 * its name names[i] (may be NULL) ignoring case and accents; a row names
 * its unit by code afterwards. An unknown unit close to a code or name
 * gets "did you mean CODE (Name)?". Any error (unknown unit, duplicate
 * unit and year, a negative, empty or non-numeric value, a headcount of
 * zero, retirements and internal moves above the leavers, an unknown
 * column, a wrong number of fields, bad UTF-8) is reported with its line
 * in errs, every one of them, and then nothing is returned: -1. Turnover
 * above 100 % is accepted with a warning in warns. On 0 the caller owns
 * *rows (csvin_turnover_free). errs and warns are zeroed first. */
int csvin_turnover(const char *name, const char *buf, size_t len,
    const char *const *units, const char *const *names, size_t nunits,
    struct turnover_row **rows, size_t *nrows, struct csvin_diags *errs,
    struct csvin_diags *warns);
void csvin_turnover_free(struct turnover_row *rows, size_t n);

/* Staff-survey HME: unit, year, HME, motivation, ledarskap, styrning,
 * each index 0..100; the same rules as csvin_turnover. */
int csvin_hme(const char *name, const char *buf, size_t len,
    const char *const *units, const char *const *names, size_t nunits,
    struct hme_row **rows, size_t *nrows, struct csvin_diags *errs);
void csvin_hme_free(struct hme_row *rows, size_t n);

#endif
