/* release_check: the revision rule (see release.c): a figure a revision
 * shows must have been shown over the same group by every earlier release,
 * and its late interviews must be none or shown by the gate over them
 * alone. */
#include "report/release.h"
#include "report/release_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/i18n.h"
#include "util/xmem.h"

/* ---- the revision check ------------------------------------------------ */

/* The units (by code) whose figures make up cell (row r, column q) of t:
 * a unit, an area's units, the region; a pool: the hidden units of its
 * area (or, for the region pool, of the areas whose total is hidden). A
 * text cell (texts set): the region pool's texts are those of the units
 * whose own texts are not shown. Sets a bitmap over t's unit rows. */
static void
cell_members(const struct gate_table *t, size_t r, size_t q, int texts,
    unsigned char *in)
{
	const struct gate_row *row = &t->rows[r];
	size_t u, a;

	memset(in, 0, t->nrows);
	for (u = 0; u < t->nrows; u++) {
		const struct gate_row *ur = &t->rows[u];
		const struct gate_fig *f = gate_fig(t, u, q);
		enum gate_reason ur_r;

		if (ur->kind != GATE_ROW_UNIT || (!texts && ur->implausible))
			continue;
		ur_r = texts ? f->text_reason : f->reason;
		switch (row->kind) {
		case GATE_ROW_REGION:
			in[u] = 1;
			break;
		case GATE_ROW_UNIT:
			in[u] = u == r;
			break;
		case GATE_ROW_AREA:
			in[u] = (row->area == NULL) ? ur->area == NULL :
						      ur->area != NULL &&
				strcmp(ur->area, row->area) == 0;
			break;
		case GATE_ROW_POOL:
			if (!gate_hidden(ur_r))
				break;
			if (row->area_ix != AGG_NONE) {
				in[u] = (row->area == NULL) ?
				    ur->area == NULL :
				    ur->area != NULL &&
					strcmp(ur->area, row->area) == 0;
				break;
			}
			if (texts) {
				in[u] = 1;
				break;
			}
			for (a = 0; a < t->nrows; a++)
				if (t->rows[a].kind == GATE_ROW_AREA &&
				    ((t->rows[a].area == NULL) ?
					    ur->area == NULL :
					    ur->area != NULL &&
						strcmp(t->rows[a].area,
						    ur->area) == 0))
					break;
			in[u] = a < t->nrows &&
			    gate_hidden(gate_fig(t, a, q)->reason);
			break;
		}
	}
}

/* The same row of another table: same kind and unit code or area. */
static size_t
row_find(const struct gate_table *t, const struct gate_row *row)
{
	size_t r;

	for (r = 0; r < t->nrows; r++) {
		const struct gate_row *x = &t->rows[r];

		if (x->kind != row->kind)
			continue;
		switch (row->kind) {
		case GATE_ROW_REGION:
			return r;
		case GATE_ROW_UNIT:
			if (strcmp(x->code, row->code) == 0)
				return r;
			break;
		case GATE_ROW_AREA:
		case GATE_ROW_POOL:
			if ((x->area_ix == AGG_NONE) !=
			    (row->area_ix == AGG_NONE))
				break;
			if ((x->area == NULL && row->area == NULL) ||
			    (x->area != NULL && row->area != NULL &&
				strcmp(x->area, row->area) == 0))
				return r;
			break;
		}
	}
	return AGG_NONE;
}

/* Codes of the members, compared across tables. */
static int
same_members(const struct gate_table *a, const unsigned char *ina,
    const struct gate_table *b, const unsigned char *inb,
    const struct agg *late, unsigned year, int only_late)
{
	size_t i, j;

	for (i = 0; i < a->nrows; i++) {
		if (a->rows[i].kind != GATE_ROW_UNIT)
			continue;
		if (only_late &&
		    agg_interviews(late, agg_unit_find(late, a->rows[i].code),
			year) == 0)
			continue;
		for (j = 0; j < b->nrows; j++)
			if (b->rows[j].kind == GATE_ROW_UNIT &&
			    strcmp(b->rows[j].code, a->rows[i].code) == 0)
				break;
		if ((j < b->nrows && inb[j]) != ina[i])
			return 0;
	}
	for (j = 0; j < b->nrows; j++) {
		if (b->rows[j].kind != GATE_ROW_UNIT || !inb[j])
			continue;
		for (i = 0; i < a->nrows; i++)
			if (a->rows[i].kind == GATE_ROW_UNIT &&
			    strcmp(b->rows[j].code, a->rows[i].code) == 0)
				break;
		if (i == a->nrows || !ina[i])
			return 0;
	}
	return 1;
}

static uint32_t
late_in(const struct agg *late, const struct gate_table *t,
    const unsigned char *in, unsigned year)
{
	uint32_t n = 0;
	size_t r, u;

	for (r = 0; r < t->nrows; r++)
		if (in[r] && t->rows[r].kind == GATE_ROW_UNIT &&
		    (u = agg_unit_find(late, t->rows[r].code)) != AGG_NONE)
			n += agg_interviews(late, u, year);
	return n;
}

/* One cell of cand against one earlier release p and the gate g over the
 * late interviews. */
static int
cell_ok(const struct gate_table *cand, size_t r, size_t q, int texts,
    const struct gate_table *p, const struct gate_table *g,
    const struct agg *late, unsigned char *bc, unsigned char *bp,
    unsigned char *bg)
{
	size_t pr, gr;
	enum gate_reason rs;

	cell_members(cand, r, q, texts, bc);
	if ((pr = row_find(p, &cand->rows[r])) == AGG_NONE)
		return 0;
	rs = texts ? gate_fig(p, pr, q)->text_reason :
		     gate_fig(p, pr, q)->reason;
	if (rs != GATE_SHOWN)
		return 0;
	cell_members(p, pr, q, texts, bp);
	if (!same_members(cand, bc, p, bp, late, cand->year, 0))
		return 0;
	if (late_in(late, cand, bc, cand->year) == 0)
		return 1;
	if ((gr = row_find(g, &cand->rows[r])) != AGG_NONE) {
		rs = texts ? gate_fig(g, gr, q)->text_reason :
			     gate_fig(g, gr, q)->reason;
		cell_members(g, gr, q, texts, bg);
		if (rs == GATE_SHOWN &&
		    same_members(cand, bc, g, bg, late, cand->year, 1))
			return 1;
	}
	/* The difference may be shown by another row of the late gate: a
	 * pool of a shown unit and a hidden one without late interviews
	 * differs by the shown unit's late figure, which the gate over the
	 * late interviews shows as a unit row. Any shown figure of it over
	 * exactly the group's late members will do. */
	for (gr = 0; gr < g->nrows; gr++) {
		rs = texts ? gate_fig(g, gr, q)->text_reason :
			     gate_fig(g, gr, q)->reason;
		if (rs != GATE_SHOWN)
			continue;
		cell_members(g, gr, q, texts, bg);
		if (same_members(cand, bc, g, bg, late, cand->year, 1))
			return 1;
	}
	return 0;
}

int
release_check(const struct gate_table *cand,
    const struct gate_table *const *prev, const struct agg *const *late,
    size_t nprev, const struct gate_params *gp, char *why, size_t whylen)
{
	unsigned char *bc, *bp, *bg;
	struct gate_table *g;
	struct err e;
	size_t i, r, q, n;
	int ok = 1, texts;

	for (i = 0; i < nprev && ok; i++) {
		if (gate_publish(&g, late[i], cand->year, gp, &e) != 0) {
			snprintf(why, whylen, "%s", e.msg);
			return 0;
		}
		n = cand->nrows > prev[i]->nrows ? cand->nrows : prev[i]->nrows;
		n = n > g->nrows ? n : g->nrows;
		bc = xcalloc(n, 1);
		bp = xcalloc(n, 1);
		bg = xcalloc(n, 1);
		for (r = 0; r < cand->nrows && ok; r++)
			for (q = 0; q < cand->ncols && ok; q++)
				for (texts = 0; texts < 2 && ok; texts++) {
					const struct gate_fig *f =
					    gate_fig(cand, r, q);

					if ((texts ? f->text_reason :
						     f->reason) != GATE_SHOWN)
						continue;
					if (!cell_ok(cand, r, q, texts, prev[i],
						g, late[i], bc, bp, bg)) {
						char *name =
						    cand->rows[r].kind ==
							GATE_ROW_UNIT ?
						    xstrdup(
							cand->rows[r].code) :
						    xstrdup(
							cand->rows[r].area !=
								NULL ?
							    cand->rows[r].area :
							    "region");

						snprintf(why, whylen,
						    _("a "
						      "revision would show %s "
						      "of %s beside release %u"),
						    agg_question(cand->agg, q)
							->id,
						    name, (unsigned)(i + 1));
						free(name);
						ok = 0;
					}
				}
		free(bc);
		free(bp);
		free(bg);
		gate_table_free(g);
	}
	return ok;
}
