/* release_int: what release.c, release_codec.c and release_check.c
 * share. Internal to src/report/release*.c; the API is release.h. */
#ifndef AVSLUT_RELEASE_INT_H
#define AVSLUT_RELEASE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/env.h"
#include "report/agg.h"
#include "report/gate.h"
#include "report/release.h"

struct rel_col {
	char *form_id, *id;
	uint32_t type, other;
	int32_t min, max;
	size_t ncat;
	char **cat;
};

struct rel {
	unsigned year, revision;
	char date[11];
	uint32_t interviews;
	char mapdigest[33];
	unsigned k, text_k, sens_t;
	size_t nmap;
	char **map_code, **map_area; /* area "" for none */
	size_t nids;
	uint8_t (*ids)[ENV_ID_BYTES]; /* sorted */
	size_t ncols;
	struct rel_col *cols;
	size_t nrows;
	struct gate_row *rows; /* strings owned */
	struct gate_fig *figs; /* nrows * ncols, owned */
	uint32_t *asked;       /* nrows * ncols */
	size_t nimplausible;
	struct gate_hme *hme;
	int has_hme;
	size_t hme_q[AGG_HME_N]; /* blob columns */
	size_t reasons_q;
	struct agg *late;   /* the year's records not in ids */
	struct agg *fresh;  /* records in ids not in the revision
					 * before (revision 2 on; NULL for 1) */
	uint8_t digest[32]; /* BLAKE2b-256 of the sealed blob */
};

struct release_set {
	struct rel *v;
	size_t n;
	const struct form **forms; /* the array copied, forms borrowed */
	size_t nforms;
	struct agg_unit *units; /* the map now (copied) */
	size_t nunits;
	char mapdigest[33];
	/* the load: ids of the years that have a release, per year */
	struct rs_year {
		unsigned year;
		uint8_t (*ids)[ENV_ID_BYTES];
		size_t n;
	} * ys;
	size_t nys;
	struct release_entry *list;
	size_t nlist;
	unsigned generation; /* releases recorded since the open */
};

/* The room the tap keeps for n ids of a year (n > 0): 64, then the
 * smallest power of two not below n; it grows when n reaches it. */
static inline size_t
rs_ids_room(size_t n)
{
	size_t room = 64;

	while (room < n)
		room *= 2;
	return room;
}

/* Envelope ids in byte order (qsort, bsearch). */
int rel_id_cmp(const void *a, const void *b);
/* Decode a release's blob into *v (zeroed first); 0, or -1 if the
 * bytes do not parse (nothing is left allocated). */
int rel_decode(struct rel *v, const uint8_t *p, size_t len);

/* A copy of the late agg of release (year, revision) of rs, for the
 * fresh agg of the revision after it (an empty agg if rs has no such
 * release): 0, or -1 if the copy does not read back (*out NULL). */
int rel_late_copy(const struct release_set *rs, unsigned year,
    unsigned revision, struct agg **out);

/* The ledger of releases seen, outside central.db (release_ledger.c). */
struct rel_ledger {
	struct rel_seen {
		unsigned year, revision;
		char digest[65]; /* BLAKE2b-256 of the sealed blob,
					 * in hex */
	} * v;
	size_t n;
};
void rel_blob_digest(const uint8_t *blob, size_t len, char out[65]);
/* The same digest as bytes (release_set_digest). */
void rel_blob_hash(const uint8_t *blob, size_t len, uint8_t out[32]);
/* Read the ledger of the store at dbpath (none yet: empty). */
int rel_ledger_read(const char *dbpath, struct rel_ledger *l, struct err *e);
int rel_ledger_write(const char *dbpath, const struct rel_ledger *l,
    struct err *e);
/* The index of (year, rev) in l, or -1. */
int rel_ledger_find(const struct rel_ledger *l, unsigned year, unsigned rev);
void rel_ledger_add(struct rel_ledger *l, unsigned year, unsigned rev,
    const char digest[65]);
void rel_ledger_free(struct rel_ledger *l);

#endif
