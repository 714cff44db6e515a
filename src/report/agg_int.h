/* agg_int: the aggregation's insides, shared by src/report/agg*.c only
 * (agg.c counts, agg_snap.c writes and reads them as bytes), and
 * cache_agg.c (the reasons theme it binds its file to; an agg emptied
 * again when the file's tap state does not fit). */
#ifndef AVSLUT_AGG_INT_H
#define AVSLUT_AGG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "report/agg.h"

/* Where a question of one approved form version lands. */
struct agg_qmap {
	size_t aq;   /* agg question */
	size_t *cat; /* single, multi: choice index -> category */
};

struct agg_form {
	const struct form *f;
	struct agg_qmap *map; /* f->nquestions */
};

struct agg_group {
	size_t unit;
	unsigned year;
	uint32_t interviews;
	struct agg_cell *cells; /* one per agg question */
};

struct agg {
	struct agg_form *forms;
	size_t nforms;
	struct agg_question *qs;
	size_t nqs;
	uint32_t **qversions; /* per question: versions merged into it */
	size_t *nqversions;
	struct agg_unit *units;
	size_t nunits;
	struct agg_group *groups;
	size_t ngroups;
	unsigned *years;
	size_t nyears;
	size_t rejected;
	size_t records;
	char *reasons_theme;
	int strict_units; /* made with units: others are rejected */
	/* Indexes (open addressing, index + 1 per slot, 0 empty, at most
	 * half full): units by code, groups by unit and year. agg_add
	 * looks both up for every record, agg_cell for every figure. */
	size_t *uix, uixcap;
	size_t *gix, gixcap;
	/* 4 + the length of every text in the groups' cells: what
	 * agg_snap_put reserves for them (a hint: only speed depends on
	 * it being right). */
	size_t textbytes;
};

/* The longest unit code and the latest year an agg counts: what the
 * snapshot (str8, u16) can hold; agg_add rejects others. */
#define AGG_UNIT_MAX 255
#define AGG_YEAR_MAX 65535

/* Units 0..nunits-1 and groups 0..ngroups-1 into their indexes, grown
 * first if need be (an index freed and its cap set to 0 is rebuilt). */
void agg_uix_fit(struct agg *a);
void agg_gix_fit(struct agg *a);
/* The unit with this code, added (name = code, no area) if a has none. */
size_t agg_unit_get(struct agg *a, const char *code);
/* The room of a cell's texts array holding n texts: the texts grow by
 * doubling and no field keeps the room, so whoever fills texts[]
 * allocates exactly this many slots (0: texts is NULL). */
size_t agg_text_room(size_t n);

#endif
