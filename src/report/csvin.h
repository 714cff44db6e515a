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

/* A file to read: its name (for messages), its bytes, and the units its
 * rows may name: the codes units[0..nunits) and their names (names may
 * be NULL, or one of them). */
struct csvin_src {
	const char *name;
	const char *buf;
	size_t len;
	const char *const *units;
	const char *const *names;
	size_t nunits;
};

/* The two kinds of file, and what csvin_read makes of them.
 *
 * CSVIN_TURNOVER: unit, year, average headcount, leavers, and optionally
 * retirements and internal moves (both among the leavers; without a
 * header in that order, with one by their names: "retirements",
 * "pensionsavgångar", "internal moves", "interna byten", ...; an empty
 * cell is not given); an optional header line whose first field is
 * "unit", "enhet", "kod" or "code". Turnover above 100 % is accepted
 * with a warning in warns.
 *
 * CSVIN_HME, the staff survey's: unit, year, HME, motivation, ledarskap,
 * styrning, each index 0..100 (no warnings yet).
 *
 * Every unit must be one of src's units: its code, the code in another
 * case, or its name ignoring case and accents; a row names its unit by
 * code afterwards. An unknown unit close to a code or name gets "did you
 * mean CODE (Name)?". Any error (unknown unit, duplicate unit and year, a
 * negative, empty or non-numeric value, a headcount of zero, retirements
 * and internal moves above the leavers, an unknown column, a wrong number
 * of fields, bad UTF-8) is reported with its line in errs, every one of
 * them, and then nothing is returned: -1. */
enum csvin_kind {
	CSVIN_TURNOVER,
	CSVIN_HME
};

/* The rows of a file: n of them in t (turnover) or h (HME), the other
 * NULL. */
struct csvin_rows {
	struct turnover_row *t;
	struct hme_row *h;
	size_t n;
};

/* Read src as kind into rows: 0 (the caller owns them: csvin_rows_free),
 * or -1 with every error in errs and rows empty. errs and warns are
 * zeroed first. */
int csvin_read(enum csvin_kind kind, const struct csvin_src *src,
    struct csvin_rows *rows, struct csvin_diags *errs,
    struct csvin_diags *warns);
void csvin_rows_free(struct csvin_rows *rows);

#endif
