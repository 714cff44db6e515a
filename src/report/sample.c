/* sample: the demo region's made-up interviews, turnover and HME. Every
 * figure follows from the seed, the unit's place in the config and the
 * year; see sample.h. */
#include "report/sample.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmem.h"

/* What kind of unit u is (by its place in the config, so any config
 * works; the shipped one has 20 units). */
enum profile {
	P_NORMAL,
	P_FLAGGED, /* high turnover every year, poor leadership */
	P_SMALL,   /* a few interviews a year: hidden or pooled */
	P_PAY,	   /* pay stands out */
	P_BETTER   /* leadership poor, then better in the last year */
};

static enum profile
profile(size_t u)
{
	switch (u % 20) {
	case 0:
	case 10:
	case 16:
		return P_FLAGGED;
	case 4:
	case 8:
	case 18:
	case 19:
		return P_SMALL;
	case 13:
		return P_PAY;
	case 3:
		return P_BETTER;
	default:
		return P_NORMAL;
	}
}

static int
busy(size_t u)
{
	return u % 20 == 10 || u % 20 == 13 || u % 20 == 15 || u % 20 == 16;
}

/* --- deterministic randomness (splitmix64) ------------------------------ */

struct rng {
	uint64_t s;
};

static uint64_t
rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned
below(struct rng *r, unsigned n)
{
	return n ? (unsigned)(rnd(r) % n) : 0;
}

static int
chance(struct rng *r, unsigned pct)
{
	return below(r, 100) < pct;
}

static void
rng_init(struct rng *r, uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
	r->s = seed * 0x100000001b3ULL ^ (a + 1) * 0x9e3779b97f4a7c15ULL ^
	    (b + 7) * 0xc2b2ae3d27d4eb4fULL ^ (c + 3) * 0x165667b19e3779f9ULL;
	(void)rnd(r);
}

/* --- counts ------------------------------------------------------------ */

unsigned
sample_count(const struct sample_params *p, const struct config *c, size_t u,
    unsigned year)
{
	struct rng r;

	(void)c;
	rng_init(&r, p->seed, u, year, 1);
	if (p->open_year != 0 && year == p->open_year)
		return profile(u) == P_SMALL ? 0 : 1 + below(&r, 3);
	if (year < p->year0 || year >= p->year0 + p->nyears)
		return 0;
	if (profile(u) == P_SMALL)
		return 2 + below(&r, 3);
	if (busy(u))
		return 18 + below(&r, 11);
	if (profile(u) == P_BETTER)
		return 10 + below(&r, 5);
	return 6 + below(&r, 7);
}

/* --- answers ----------------------------------------------------------- */

static const char *const phrases[] = {
	"Chefen fanns aldrig på plats när det var som mest att göra.",
	"Vi var för få på kvällarna och ingen lyssnade på skyddsombudet.",
	"Lönen har stått still i tre år medan ansvaret växte.",
	"Schemat gick inte ihop med hämtningar på förskolan.",
	"Introduktionen var två dagar, sedan fick jag klara mig själv.",
	"Mer tid för återhämtning mellan nattpassen.",
	"Bra kollegor, men vi fick fyra nya chefer på två år.",
	"Jag ville utvecklas men fick aldrig gå utbildningen jag sökte.",
	"Ge undersköterskorna större inflytande över hur dagen planeras.",
	"Fler händer på golvet och mindre dokumentation.",
	"Ärligt talat är det arbetsbelastningen, inte lönen.",
	"Tydligare lönekriterier, så att man vet vad som ger lönelyft.",
	"Den nya chefen har gjort stor skillnad, det märks i gruppen.",
};

static char *
text(struct rng *r)
{
	size_t n = sizeof phrases / sizeof *phrases;
	const char *a = phrases[below(r, (unsigned)n)];

	if (chance(r, 40))
		return xasprintf("%s %s", a, phrases[below(r, (unsigned)n)]);
	return xstrdup(a);
}

static int
theme_is(const struct form_question *q, const char *t)
{
	return q->theme != NULL && strcmp(q->theme, t) == 0;
}

/* The unit's mean on a question, in tenths of a 1..5 scale. */
static int
mean10(enum profile pr, const struct form_question *q, int last)
{
	int lead = theme_is(q, "leadership") || theme_is(q, "hme_ledarskap");

	switch (pr) {
	case P_FLAGGED:
		if (lead || theme_is(q, "workload"))
			return 21;
		return 33;
	case P_PAY:
		return theme_is(q, "pay") ? 19 : 37;
	case P_BETTER:
		if (lead)
			return last ? 38 : 22;
		return 35;
	default:
		return 37;
	}
}

static int32_t
around(struct rng *r, int m10, int32_t min, int32_t max)
{
	int v = m10 + (int)below(r, 31) - 15 + (int)below(r, 21) - 10;
	int32_t x = (int32_t)((v + 5) / 10);

	return x < min ? min : x > max ? max : x;
}

/* A choice's weight among the reasons for leaving, by the unit. */
static unsigned
reason_weight(enum profile pr, const char *id, int last)
{
	if (strcmp(id, "leadership") == 0)
		return pr == P_FLAGGED ? 9 : pr == P_BETTER && !last ? 8 : 2;
	if (strcmp(id, "workload") == 0)
		return pr == P_FLAGGED ? 7 : 3;
	if (strcmp(id, "pay") == 0)
		return pr == P_PAY ? 9 : 3;
	if (strcmp(id, "schedule") == 0 || strcmp(id, "new_challenge") == 0)
		return 3;
	if (strcmp(id, "commute") == 0 || strcmp(id, "retirement") == 0 ||
	    strcmp(id, "family") == 0 || strcmp(id, "competence") == 0)
		return 2;
	return 1;
}

static size_t
pick(struct rng *r, const struct form_question *q, enum profile pr, int last)
{
	unsigned tot = 0, x;
	size_t i;

	for (i = 0; i < q->nchoices; i++)
		tot += theme_is(q, "reasons") ?
		    reason_weight(pr, q->choices[i].id, last) :
		    1;
	x = below(r, tot);
	for (i = 0; i < q->nchoices; i++) {
		unsigned w = theme_is(q, "reasons") ?
		    reason_weight(pr, q->choices[i].id, last) :
		    1;

		if (x < w)
			return i;
		x -= w;
	}
	return q->nchoices - 1;
}

static void
answer(struct rng *r, const struct form_question *q, enum profile pr, int last,
    struct form_answer *a)
{
	unsigned want, k;

	memset(a, 0, sizeof *a);
	if (chance(r, 3)) {
		a->state = FORM_DECLINED;
		return;
	}
	a->state = FORM_ANSWERED;
	switch (q->type) {
	case FORM_SINGLE:
		a->num = (int32_t)pick(r, q, pr, last);
		break;
	case FORM_MULTI:
		want = 1 + below(r, 3);
		if (q->max_choices && want > q->max_choices)
			want = q->max_choices;
		for (k = 0; k < 12 &&
		     (unsigned)__builtin_popcountll(a->choices) < want;
		     k++)
			a->choices |= (uint64_t)1 << pick(r, q, pr, last);
		break;
	case FORM_SCALE:
		a->num = around(r, mean10(pr, q, last) - 10 + 10 * q->min,
		    q->min, q->max);
		break;
	case FORM_NPS:
		a->num = around(r, pr == P_FLAGGED ? 60 : 80, 0, 10);
		break;
	case FORM_YESNO:
		a->num = chance(r, pr == P_FLAGGED ? 35 : 65) ? FORM_YES :
								FORM_NO;
		break;
	case FORM_NUMBER:
		a->num = q->min +
		    (int32_t)below(r,
			(unsigned)(q->max > q->min + 15 ? 16 :
							  q->max - q->min + 1));
		break;
	case FORM_TEXT:
		if (chance(r, 20)) {
			a->state = FORM_SKIPPED;
			break;
		}
		a->text = text(r);
		break;
	}
}

void
sample_record(const struct sample_params *p, const struct config *c,
    const struct form *f, size_t u, unsigned year, unsigned i,
    struct record *rec)
{
	struct rng r;
	enum profile pr = profile(u);
	int last = year + 1 >= p->year0 + p->nyears;
	size_t q;

	rng_init(&r, p->seed, u, year, 100 + i);
	memset(rec, 0, sizeof *rec);
	rec->unit = xstrdup(c->units[u].code);
	rec->year = (uint16_t)year;
	rec->form_id = xstrdup(f->id);
	rec->form_version = f->version;
	memcpy(rec->form_hash, f->hash, FORM_HASH_BYTES);
	rec->lang = xstrdup(f->langs[f->nlangs > 1 && chance(&r, 8) ? 1 : 0]);
	rec->nanswers = f->nquestions;
	rec->answers = xcalloc(f->nquestions, sizeof *rec->answers);
	for (q = 0; q < f->nquestions; q++)
		if (form_visible(f, q, rec->answers))
			answer(&r, &f->questions[q], pr, last,
			    &rec->answers[q]);
}

/* --- turnover and HME ---------------------------------------------------- */

size_t
sample_turnover(const struct sample_params *p, const struct config *c,
    struct turnover_row **out)
{
	struct turnover_row *rows;
	size_t u, n = 0;
	unsigned y;

	/* two earlier years too (before any interview), so that a unit can
	 * be flagged in the first year with interviews */
	rows = xcalloc(c->nunits * (p->nyears + 2) + 1, sizeof *rows);
	for (u = 0; u < c->nunits; u++)
		for (y = p->year0 - 2; y < p->year0 + p->nyears; y++) {
			struct rng r;
			unsigned held = y < p->year0 ? 4 + (unsigned)(u % 5) :
						       sample_count(p, c, u, y);
			double rate, leavers;
			int k = (int)y - (int)p->year0;

			rng_init(&r, p->seed, u, y, 2);
			switch (profile(u)) {
			case P_FLAGGED:
				rate = 0.14 + 0.01 * below(&r, 6);
				break;
			case P_BETTER: /* high, then below, then high */
				rate = k == 1 ? 0.08 : 0.12;
				break;
			case P_SMALL:
				rate = 0.04 + 0.01 * below(&r, 3);
				break;
			default:
				rate = 0.05 + 0.01 * below(&r, 4);
			}
			/* 60-90 % of the leavers were interviewed. */
			leavers = ceil(held / (0.6 + 0.1 * below(&r, 4)));
			if (leavers < 1)
				leavers = 1;
			rows[n].unit = xstrdup(c->units[u].code);
			rows[n].year = y;
			rows[n].leavers = leavers;
			rows[n].retirements = rows[n].internal = -1;
			/* a headcount that gives the rate (rounded to 0.5) */
			rows[n].headcount = floor(leavers / rate * 2) / 2;
			if (rows[n].headcount < leavers)
				rows[n].headcount = leavers;
			n++;
		}
	*out = rows;
	return n;
}

size_t
sample_staff_hme(const struct sample_params *p, const struct config *c,
    struct hme_row **out)
{
	struct hme_row *rows;
	size_t u, n = 0;
	unsigned y;

	rows = xcalloc(c->nunits * p->nyears + 1, sizeof *rows);
	for (u = 0; u < c->nunits; u++)
		for (y = p->year0; y < p->year0 + p->nyears; y++) {
			struct rng r;
			enum profile pr = profile(u);

			rng_init(&r, p->seed, u, y, 3);
			rows[n].unit = xstrdup(c->units[u].code);
			rows[n].year = y;
			rows[n].motivation = 76 + below(&r, 7);
			rows[n].ledarskap = (pr == P_FLAGGED ? 66 : 77) +
			    below(&r, 6);
			rows[n].styrning = 74 + below(&r, 7);
			rows[n].hme = floor(
			    (rows[n].motivation + rows[n].ledarskap +
				rows[n].styrning) /
				3 +
			    0.5);
			n++;
		}
	*out = rows;
	return n;
}

void
sample_free_turnover(struct turnover_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i].unit);
	free(rows);
}

void
sample_free_staff_hme(struct hme_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i].unit);
	free(rows);
}
