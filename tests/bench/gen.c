/* gen: synthetic exit interviews at scale, for the scenario test and the
 * benchmarks. Everything follows from a seed: which unit and year each
 * interview is for, its answers (skewed: a few units with many leavers,
 * flagged units answer worse on leadership and workload), Swedish free
 * text, the turnover CSV that flags exactly the chosen units, and the
 * expected aggregates, counted here by simple loops that share no code
 * with src/report/agg.c. Interviews are conducted through the real
 * session and outbox code (seal), or sealed straight into a central.db
 * (central, for the benchmarks) or into one signed bundle (bundle,
 * for `avslut-hr ingest`); the pty part of the scenario gets its
 * keystrokes from the plan. No answer is ever read from a file. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <sodium.h>

#include "config/config.h"
#include "config/embed.h"
#include "crypto/env.h"
#include "crypto/key.h"
#include "crypto/profile.h"
#include "crypto/record.h"
#include "form/form.h"
#include "interview/session.h"
#include "store/bundle.h"
#include "store/central.h"
#include "store/outbox.h"
#include "util/msg.h"
#include "util/pass.h"
#include "util/paths.h"
#include "util/sec.h"
#include "util/xmem.h"

#define GEN_CANARY "Kanariefågel"	/* in every free-text answer */
#define GEN_MAX_YEARS 10

struct gen {
	uint64_t seed;
	size_t n;			/* interviews */
	size_t npty;			/* the first npty go through a pty */
	unsigned ninterviewers;
	unsigned year0, nyears;		/* year0 .. year0 + nyears - 1 */
	struct form *f;
	char **units;			/* codes */
	char **areas;
	size_t nunits;
	unsigned *weight;		/* relative number of leavers */
	int *flagged;			/* high turnover every year */
	int *nearmiss;			/* high but one year below */
	int *exact;			/* exactly at the threshold one year */
};

/* One planned interview. */
struct plan {
	size_t unit;
	unsigned year;
	int lang;
	int pty;
	unsigned interviewer;
	struct form_answer *ans;	/* f->nquestions, in form order */
};

/* --- deterministic randomness ----------------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t
rnd(struct rng *r)
{
	/* splitmix64 */
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

/* 1 with probability pct %. */
static int
chance(struct rng *r, unsigned pct)
{
	return below(r, 100) < pct;
}

static void
rng_init(struct rng *r, uint64_t seed, uint64_t i, uint64_t salt)
{
	r->s = seed * 0x100000001b3ULL ^ (i + 1) * 0x9e3779b97f4a7c15ULL ^
	    salt * 0xc2b2ae3d27d4eb4fULL;
	(void)rnd(r);
}

/* --- units ------------------------------------------------------------ */

static void
units_setup(struct gen *g, size_t nsynth)
{
	struct form_diags d;
	struct config *c;
	struct rng r;
	size_t i, j, *perm;

	if (nsynth == 0) {
		memset(&d, 0, sizeof d);
		c = config_load_buf("avslut.yaml",
		    (const char *)embed_config_avslut_yaml,
		    embed_config_avslut_yaml_len, &d);
		form_diags_free(&d);
		if (c == NULL)
			msg_die(EX_SOFTWARE, "the embedded config does not load");
		g->nunits = c->nunits;
		g->units = xcalloc(g->nunits, sizeof *g->units);
		g->areas = xcalloc(g->nunits, sizeof *g->areas);
		for (i = 0; i < g->nunits; i++) {
			g->units[i] = xstrdup(c->units[i].code);
			g->areas[i] = xstrdup(c->units[i].area ?
			    c->units[i].area : "");
		}
		config_free(c);
	} else {
		g->nunits = nsynth;
		g->units = xcalloc(g->nunits, sizeof *g->units);
		g->areas = xcalloc(g->nunits, sizeof *g->areas);
		for (i = 0; i < g->nunits; i++) {
			g->units[i] = xasprintf("E%04zu", i + 1);
			g->areas[i] = xasprintf("Område %zu", i % 12 + 1);
		}
	}
	g->weight = xcalloc(g->nunits, sizeof *g->weight);
	g->flagged = xcalloc(g->nunits, sizeof *g->flagged);
	g->nearmiss = xcalloc(g->nunits, sizeof *g->nearmiss);
	g->exact = xcalloc(g->nunits, sizeof *g->exact);
	/* A seeded permutation picks the busy, flagged and edge units. */
	perm = xcalloc(g->nunits, sizeof *perm);
	for (i = 0; i < g->nunits; i++)
		perm[i] = i;
	rng_init(&r, g->seed, 0, 1);
	for (i = g->nunits; i > 1; i--) {
		size_t t;

		j = below(&r, (unsigned)i);
		t = perm[i - 1];
		perm[i - 1] = perm[j];
		perm[j] = t;
	}
	for (i = 0; i < g->nunits; i++) {
		size_t u = perm[i];
		size_t nbusy = g->nunits / 7 + 1;	/* 3 of 20 */
		size_t nflag = g->nunits / 5;		/* 4 of 20 */

		g->weight[u] = i < nbusy ? 10 : 1 + below(&r, 2);
		g->flagged[u] = i >= 1 && i < 1 + nflag;
		g->exact[u] = i == 2;
		g->nearmiss[u] = i == 1 + nflag;
	}
	free(perm);
}

static size_t
pick_unit(const struct gen *g, struct rng *r)
{
	size_t i;
	unsigned tot = 0, x;

	for (i = 0; i < g->nunits; i++)
		tot += g->weight[i];
	x = below(r, tot);
	for (i = 0; i < g->nunits; i++) {
		if (x < g->weight[i])
			return i;
		x -= g->weight[i];
	}
	return g->nunits - 1;
}

/* --- answers ---------------------------------------------------------- */

static const char *const phrases[] = {
	"Chefen fanns aldrig på plats när det brann i knutarna.",
	"Vi var för få på kvällarna och ingen lyssnade på skyddsombudet.",
	"Lönen har stått still i tre år medan ansvaret växte.",
	"Schemat gick inte ihop med hämtningar på förskolan.",
	"Introduktionen var två dagar, sedan fick jag klara mig själv.",
	"Mer tid för återhämtning mellan nattpassen, tack.",
	"Bra kollegor, men ledningen bytte chef fyra gånger på två år.",
	"Jag ville utvecklas men fick aldrig gå utbildningen jag sökte.",
	"Skönt arbetslag på våren, sämre när sommarvikarierna försvann.",
	"Ge undersköterskorna större inflytande över hur vi planerar dagen.",
	"Fler händer på golvet och mindre dokumentation 😊",
	"Ärligt talat är det arbetsbelastningen, inte lönen.",
};

/* Swedish text with å, ä, ö, sometimes an emoji, and the canary. */
static char *
gen_text(struct rng *r, size_t i)
{
	const char *a = phrases[below(r, sizeof phrases / sizeof *phrases)];
	const char *b = phrases[below(r, sizeof phrases / sizeof *phrases)];

	return xasprintf("%s %s %s%zu", a, chance(r, 50) ? b : "Övrigt:",
	    GEN_CANARY, i);
}

/* A scale value around a mean (in tenths), clamped to min..max. */
static int32_t
around(struct rng *r, int mean10, int32_t min, int32_t max)
{
	int v = mean10 + (int)below(r, 31) - 15 + (int)below(r, 21) - 10;
	int32_t x = (int32_t)((v + 5) / 10);

	return x < min ? min : x > max ? max : x;
}

static int
bad_theme(const char *theme)
{
	return theme != NULL && (strcmp(theme, "leadership") == 0 ||
	    strcmp(theme, "workload") == 0 ||
	    strcmp(theme, "hme_ledarskap") == 0);
}

/* The planned answer to question q given the answers before it (the
 * question is visible). pty answers stay within what the keys reach
 * simply: choices 1-9 by digit, NPS 0-9, no "other". */
static void
gen_answer(const struct gen *g, const struct plan *p, struct rng *r,
    size_t q, size_t idx, struct form_answer *a)
{
	const struct form_question *fq = &g->f->questions[q];
	int flagged = g->flagged[p->unit];
	unsigned nch = (unsigned)fq->nchoices, k, want;
	int mean10;

	memset(a, 0, sizeof *a);
	if (chance(r, 4)) {
		a->state = FORM_DECLINED;
		return;
	}
	if (fq->required != FORM_REQUIRED && chance(r, 4)) {
		a->state = FORM_SKIPPED;
		return;
	}
	a->state = FORM_ANSWERED;
	if (p->pty && nch > 9)
		nch = 9;
	switch (fq->type) {
	case FORM_SINGLE:
		if (fq->other && !p->pty && chance(r, 5)) {
			a->other = 1;
			a->text = gen_text(r, idx);
			break;
		}
		/* flagged units lean to the first choices (leadership,
		 * workload in the reasons) */
		a->num = (int32_t)(flagged && chance(r, 50) ? below(r, 2) :
		    below(r, nch));
		break;
	case FORM_MULTI:
		want = 1 + below(r, 3);
		if (fq->max_choices && want > fq->max_choices)
			want = fq->max_choices;
		if (flagged && chance(r, 70))
			a->choices |= 1;
		if (flagged && nch > 1 && chance(r, 60))
			a->choices |= 2;
		for (k = 0; k < 8 && (unsigned)__builtin_popcountll(
		    a->choices) < want; k++)
			a->choices |= (uint64_t)1 << below(r, nch);
		while (fq->max_choices && (unsigned)__builtin_popcountll(
		    a->choices) > fq->max_choices)
			a->choices &= a->choices - 1;
		if (fq->other && !p->pty && chance(r, 8)) {
			a->other = 1;
			a->text = gen_text(r, idx);
		}
		break;
	case FORM_SCALE:
		mean10 = flagged && bad_theme(fq->theme) ? 20 : 36;
		a->num = around(r, mean10 - 10 + 10 * fq->min, fq->min,
		    fq->max);
		break;
	case FORM_NPS:
		a->num = around(r, flagged ? 45 : 70, 0, p->pty ? 9 : 10);
		break;
	case FORM_YESNO:
		a->num = chance(r, flagged ? 35 : 60) ? FORM_YES : FORM_NO;
		break;
	case FORM_NUMBER:
		a->num = fq->min + (int32_t)below(r,
		    (unsigned)(fq->max - fq->min + 1));
		break;
	case FORM_TEXT:
		if (chance(r, 25)) {
			a->state = FORM_SKIPPED;
			break;
		}
		a->text = gen_text(r, idx);
		break;
	}
}

/* Interview i, all of it from the seed and i. */
static void
plan_make(const struct gen *g, size_t i, struct plan *p)
{
	struct rng r;
	size_t q, nq = g->f->nquestions;

	memset(p, 0, sizeof *p);
	rng_init(&r, g->seed, i, 2);
	p->pty = i < g->npty;
	p->unit = pick_unit(g, &r);
	p->year = p->pty ? g->year0 + g->nyears - 1 :
	    g->year0 + below(&r, g->nyears);
	p->lang = !p->pty && chance(&r, 15) ? 1 : 0;
	p->interviewer = (unsigned)(i % g->ninterviewers);
	p->ans = xcalloc(nq, sizeof *p->ans);
	for (q = 0; q < nq; q++) {
		if (!form_visible(g->f, q, p->ans))
			continue;	/* FORM_NOT_SHOWN */
		gen_answer(g, p, &r, q, i, &p->ans[q]);
	}
}

static void
plan_free(const struct gen *g, struct plan *p)
{
	size_t q;

	for (q = 0; q < g->f->nquestions; q++)
		form_answer_clear(&p->ans[q]);
	free(p->ans);
	p->ans = NULL;
}

static void
plan_record(const struct gen *g, const struct plan *p, struct record *r)
{
	size_t q;

	memset(r, 0, sizeof *r);
	r->unit = xstrdup(g->units[p->unit]);
	r->year = (uint16_t)p->year;
	r->form_id = xstrdup(g->f->id);
	r->form_version = g->f->version;
	memcpy(r->form_hash, g->f->hash, FORM_HASH_BYTES);
	r->lang = xstrdup(g->f->langs[p->lang]);
	r->nanswers = g->f->nquestions;
	r->answers = xcalloc(r->nanswers, sizeof *r->answers);
	for (q = 0; q < r->nanswers; q++) {
		r->answers[q] = p->ans[q];
		if (p->ans[q].text != NULL)
			r->answers[q].text = xstrdup(p->ans[q].text);
	}
}

/* --- expected aggregates: plain counting ------------------------------ */

struct tally {
	uint32_t interviews;
	uint32_t *answered, *declined, *skipped, *notshown, *ntexts;
	uint32_t **counts;	/* per question: categories */
};

static size_t
ncat(const struct form_question *fq)
{
	switch (fq->type) {
	case FORM_SINGLE:
	case FORM_MULTI:
		return fq->nchoices + (fq->other ? 1 : 0);
	case FORM_SCALE:
	case FORM_NPS:
		return (size_t)(fq->max - fq->min + 1);
	case FORM_YESNO:
		return 2;
	default:
		return 0;
	}
}

static void
tally_add(const struct gen *g, struct tally *t, const struct plan *p)
{
	const struct form *f = g->f;
	size_t q, c;

	if (t->answered == NULL) {
		t->answered = xcalloc(f->nquestions, sizeof(uint32_t));
		t->declined = xcalloc(f->nquestions, sizeof(uint32_t));
		t->skipped = xcalloc(f->nquestions, sizeof(uint32_t));
		t->notshown = xcalloc(f->nquestions, sizeof(uint32_t));
		t->ntexts = xcalloc(f->nquestions, sizeof(uint32_t));
		t->counts = xcalloc(f->nquestions, sizeof *t->counts);
		for (q = 0; q < f->nquestions; q++)
			t->counts[q] = xcalloc(ncat(&f->questions[q]) + 1,
			    sizeof(uint32_t));
	}
	t->interviews++;
	for (q = 0; q < f->nquestions; q++) {
		const struct form_question *fq = &f->questions[q];
		const struct form_answer *a = &p->ans[q];

		if (a->state == FORM_NOT_SHOWN) {
			t->notshown[q]++;
			continue;
		}
		if (a->state == FORM_DECLINED) {
			t->declined[q]++;
			continue;
		}
		if (a->state == FORM_SKIPPED) {
			t->skipped[q]++;
			continue;
		}
		t->answered[q]++;
		if (a->text != NULL)
			t->ntexts[q]++;
		switch (fq->type) {
		case FORM_SINGLE:
			t->counts[q][a->other ? fq->nchoices :
			    (size_t)a->num]++;
			break;
		case FORM_MULTI:
			for (c = 0; c < fq->nchoices; c++)
				if (a->choices >> c & 1)
					t->counts[q][c]++;
			if (a->other)
				t->counts[q][fq->nchoices]++;
			break;
		case FORM_SCALE:
		case FORM_NPS:
			t->counts[q][a->num - fq->min]++;
			break;
		case FORM_YESNO:
			t->counts[q][a->num == FORM_YES ? 1 : 0]++;
			break;
		default:
			break;
		}
	}
}

static void
tally_free(const struct gen *g, struct tally *t)
{
	size_t q;

	if (t->answered == NULL)
		return;
	for (q = 0; q < g->f->nquestions; q++)
		free(t->counts[q]);
	free(t->counts);
	free(t->answered);
	free(t->declined);
	free(t->skipped);
	free(t->notshown);
	free(t->ntexts);
}

/* The lines the scenario compares with avslut-testagg's (sorted by it):
 *   I UNIT YEAR INTERVIEWS
 *   C UNIT YEAR QID ANSWERED DECLINED SKIPPED NOTSHOWN COUNTS NTEXTS
 * COUNTS comma-separated in category order, "-" if none. */
static void
write_expected(const struct gen *g, FILE *out, uint32_t *leavers_hint)
{
	struct tally *t;
	struct plan p;
	size_t i, u, y, q, c, nt = g->nunits * g->nyears;

	t = xcalloc(nt, sizeof *t);
	for (i = 0; i < g->n; i++) {
		plan_make(g, i, &p);
		tally_add(g, &t[p.unit * g->nyears + (p.year - g->year0)], &p);
		plan_free(g, &p);
	}
	fprintf(out, "T %zu\n", g->n);
	for (u = 0; u < g->nunits; u++)
		for (y = 0; y < g->nyears; y++) {
			struct tally *x = &t[u * g->nyears + y];

			leavers_hint[u * g->nyears + y] = x->interviews;
			if (x->interviews == 0)
				continue;
			fprintf(out, "I %s %u %u\n", g->units[u],
			    g->year0 + (unsigned)y, x->interviews);
			for (q = 0; q < g->f->nquestions; q++) {
				const struct form_question *fq =
				    &g->f->questions[q];
				size_t n = ncat(fq);

				fprintf(out, "C %s %u %s %u %u %u %u ",
				    g->units[u], g->year0 + (unsigned)y,
				    fq->id, x->answered[q], x->declined[q],
				    x->skipped[q], x->notshown[q]);
				if (n == 0)
					fputc('-', out);
				for (c = 0; c < n; c++)
					fprintf(out, "%s%u", c ? "," : "",
					    x->counts[q][c]);
				fprintf(out, " %u\n", x->ntexts[q]);
			}
			tally_free(g, x);
		}
	free(t);
}

/* Turnover: leavers at least the interviews held; flagged units at or
 * above 10 % every year (one of them exactly 10 % in one year), the
 * near-miss unit above it in all years but one, the rest well below. */
static void
write_turnover(const struct gen *g, FILE *out, FILE *flags,
    const uint32_t *held)
{
	struct rng r;
	size_t u, y;

	rng_init(&r, g->seed, 0, 3);
	fputs("\xef\xbb\xbf" "enhet;år;medelantal anställda;slutat\r\n", out);
	for (u = 0; u < g->nunits; u++) {
		for (y = 0; y < g->nyears; y++) {
			unsigned lv = held[u * g->nyears + y] + 1 +
			    below(&r, 4), pct, hc;
			int high = g->flagged[u] ||
			    (g->nearmiss[u] && y != 1);

			if (high && g->exact[u] && y == 0) {
				fprintf(out, "%s;%u;%u;%u\r\n", g->units[u],
				    g->year0 + (unsigned)y, lv * 10, lv);
				continue;
			}
			if (high) {
				/* leavers / headcount >= pct % */
				pct = 11 + below(&r, 8);
				hc = lv * 100 / pct;
				fprintf(out, "%s;%u;%u;%u\r\n", g->units[u],
				    g->year0 + (unsigned)y, hc, lv);
			} else {
				/* a half in the headcount: decimal comma */
				pct = g->nearmiss[u] ? 9 : 3 + below(&r, 6);
				hc = (lv * 100 + pct - 1) / pct;
				fprintf(out, "%s;%u;%u,5;%u\r\n", g->units[u],
				    g->year0 + (unsigned)y, hc, lv);
			}
		}
		if (g->flagged[u])
			fprintf(flags, "%s\n", g->units[u]);
	}
}

/* --- the pty plan -------------------------------------------------------- */

static void
hex_keys(FILE *out, const char *k)
{
	for (; *k; k++)
		fprintf(out, "%02x", (unsigned char)*k);
}

/* The keys that give answer a on the question screen, then move on. */
static void
pty_keys(const struct form_question *fq, const struct form_answer *a,
    char *buf, size_t cap)
{
	size_t n = 0, c;

	buf[0] = '\0';
	if (a->state == FORM_DECLINED) {
		snprintf(buf, cap, "\x1b[19~\t");	/* F8, Tab */
		return;
	}
	if (a->state == FORM_SKIPPED) {
		/* a soft question warns once: Tab again */
		snprintf(buf, cap, "%s", fq->required == FORM_SOFT ? "\t\t" :
		    "\t");
		return;
	}
	switch (fq->type) {
	case FORM_SINGLE:
		n = (size_t)snprintf(buf, cap, "%d", a->num + 1);
		break;
	case FORM_MULTI:
		for (c = 0; c < fq->nchoices && c < 9; c++)
			if (a->choices >> c & 1)
				buf[n++] = (char)('1' + c);
		buf[n] = '\0';
		break;
	case FORM_SCALE:
	case FORM_NPS:
		n = (size_t)snprintf(buf, cap, "%d", a->num);
		break;
	case FORM_YESNO:
		n = (size_t)snprintf(buf, cap, "%s",
		    a->num == FORM_YES ? "j" : "n");
		break;
	case FORM_TEXT:
	case FORM_NUMBER:
		n = (size_t)snprintf(buf, cap, "%s", a->text ? a->text : "");
		break;
	}
	snprintf(buf + n, cap - n, "\t");
}

/* The keys that give answer a on the leaver's screen of a self section
 * (screen_self.c: one list of items, Down to an item, Enter), then move
 * on. The items in order: choices, "other", "next" (multi); values
 * (scale, nps, yes/no); the field and "next" (text, number); then
 * "prefer not to answer" and, unless required, "skip". */
static void
pty_self_keys(const struct form_question *fq, const struct form_answer *a,
    char *buf, size_t cap)
{
	static const char down[] = "\x1bOB";
	size_t n = 0, row = 0, target, c, first_common;

	buf[0] = '\0';
	switch (fq->type) {
	case FORM_SINGLE:
	case FORM_MULTI:
		first_common = fq->nchoices + (fq->other ? 1 : 0) +
		    (fq->type == FORM_MULTI ? 1 : 0);
		break;
	case FORM_SCALE:
	case FORM_NPS:
		first_common = (size_t)(fq->max - fq->min + 1);
		break;
	case FORM_YESNO:
		first_common = 2;
		break;
	default:
		first_common = 2;
		break;
	}
#define GO(t) do { target = (t); for (; row < target; row++) \
	n += (size_t)snprintf(buf + n, cap - n, "%s", down); } while (0)
	if (a->state == FORM_DECLINED || a->state == FORM_SKIPPED) {
		GO(first_common + (a->state == FORM_SKIPPED ? 1 : 0));
		snprintf(buf + n, cap - n, "%s", a->state == FORM_SKIPPED &&
		    fq->required == FORM_SOFT ? "\r\r" : "\r");
		return;
	}
	switch (fq->type) {
	case FORM_SINGLE:
		GO((size_t)a->num);
		break;
	case FORM_MULTI:
		for (c = 0; c < fq->nchoices; c++)
			if (a->choices >> c & 1) {
				GO(c);
				n += (size_t)snprintf(buf + n, cap - n, "\r");
			}
		GO(first_common - 1);
		break;
	case FORM_SCALE:
	case FORM_NPS:
		GO((size_t)(a->num - fq->min));
		break;
	case FORM_YESNO:
		GO(a->num == FORM_YES ? 0 : 1);
		break;
	case FORM_TEXT:
	case FORM_NUMBER:
		n += (size_t)snprintf(buf + n, cap - n, "%s",
		    a->text ? a->text : "");
		break;
	}
#undef GO
	snprintf(buf + n, cap - n, "\r");
}

/* 1 if question q lies in a section the leaver answers alone. */
static int
in_self(const struct form *f, size_t q)
{
	return f->sections[f->questions[q].section].self;
}

/* For each pty interview:
 *   P INDEX INTERVIEWER UNIT STOP MODE   (STOP: step to leave at, 0 none;
 *                                          MODE leave|kill|-)
 *   S INDEX TOTAL KEYS-IN-HEX            (one per question shown: the
 *                                          "Fråga INDEX av TOTAL" header on
 *                                          arrival, then the keys)
 *   E
 * The headers come from the real session, driven with the same answers. */
static void
write_pty(const struct gen *g, FILE *out)
{
	struct plan p;
	struct session *s;
	struct err e;
	char keys[4096];
	size_t i, idx, tot, step;

	for (i = 0; i < g->npty; i++) {
		plan_make(g, i, &p);
		s = session_new(g->f, p.lang, g->units[p.unit],
		    (uint16_t)p.year, 0, &e);
		if (s == NULL)
			msg_die(EX_SOFTWARE, "session: %s", e.msg);
		fprintf(out, "P %zu %u %s %zu %s\n", i, p.interviewer,
		    g->units[p.unit], i % 3 == 1 ? 3 + i % 7 : 0,
		    i % 3 != 1 ? "-" : i % 2 ? "leave" : "kill");
		session_start(s);
		for (step = 0; session_where(s) == SESSION_QUESTION; step++) {
			size_t q = session_pos(s);
			const struct form_answer *a = &p.ans[q];
			const struct form_section *sec =
			    &g->f->sections[g->f->questions[q].section];
			int self = in_self(g->f, q), self_next;

			/* the leaver's screen counts within the part */
			if (self) {
				idx = q - sec->first + 1;
				tot = sec->count;
				pty_self_keys(&g->f->questions[q], a, keys,
				    sizeof keys);
			} else {
				session_progress(s, &idx, &tot);
				pty_keys(&g->f->questions[q], a, keys,
				    sizeof keys);
			}
			if (a->state == FORM_ANSWERED &&
			    session_put(s, q, a, &e) != 0)
				msg_die(EX_SOFTWARE, "interview %zu: %s", i,
				    e.msg);
			if (a->state == FORM_DECLINED)
				session_decline(s, q);
			while (session_next(s, &e) == SESSION_WARNED)
				;
			self_next = session_where(s) == SESSION_QUESTION &&
			    in_self(g->f, session_pos(s));
			if (!self && self_next)	/* handover, leaver's start */
				strncat(keys, "\r\r", sizeof keys -
				    strlen(keys) - 1);
			else if (self && !self_next)	/* "done: give back" */
				strncat(keys, "\r", sizeof keys -
				    strlen(keys) - 1);
			fprintf(out, "S %zu %zu ", idx, tot);
			hex_keys(out, keys);
			fputc('\n', out);
		}
		fputs("E\n", out);
		session_free(s);
		plan_free(g, &p);
	}
}

/* --- conducting interviews through the session and the outbox ----------- */

static void
save(struct outbox *ob, const struct profile *pr, const uint8_t *draft,
    const struct session *s)
{
	struct err e;
	uint8_t *buf;
	size_t len;

	session_encode(s, &buf, &len);
	if (outbox_draft_save(ob, pr->draft_key, draft, buf, len, &e) != 0)
		msg_die(EX_IOERR, "%s", e.msg);
	xfree_wipe(buf, len);
}

/* As the screens do it: a draft saved at every move, every tenth
 * interview put down half-way and resumed from its draft, then sealed
 * and submitted in one transaction. */
static void
conduct(const struct gen *g, struct outbox *ob, const struct profile *pr,
    size_t i, const struct plan *p)
{
	struct session *s;
	struct record r;
	struct err e;
	uint8_t draft[OUTBOX_ID_BYTES], id[ENV_ID_BYTES], *env, *buf;
	size_t len, q, moves = 0, chk;

	s = session_new(g->f, p->lang, g->units[p->unit], (uint16_t)p->year,
	    0, &e);
	if (s == NULL)
		msg_die(EX_SOFTWARE, "session: %s", e.msg);
	if (outbox_draft_new(ob, pr->draft_key, draft, &e) != 0)
		msg_die(EX_IOERR, "%s", e.msg);
	session_start(s);
	save(ob, pr, draft, s);
	while (session_where(s) == SESSION_QUESTION) {
		q = session_pos(s);
		if (p->ans[q].state == FORM_ANSWERED &&
		    session_put(s, q, &p->ans[q], &e) != 0)
			msg_die(EX_SOFTWARE, "interview %zu: %s", i, e.msg);
		if (p->ans[q].state == FORM_DECLINED)
			session_decline(s, q);
		while (session_next(s, &e) == SESSION_WARNED)
			;
		save(ob, pr, draft, s);
		if (i % 10 == 3 && ++moves == 5) {
			/* put down and resumed from the draft */
			session_free(s);
			if (outbox_draft_load(ob, pr->draft_key, draft, &buf,
			    &len, &e) != 0)
				msg_die(EX_IOERR, "%s", e.msg);
			s = session_decode(g->f, buf, len, &e);
			xfree_wipe(buf, len);
			if (s == NULL)
				msg_die(EX_SOFTWARE, "resume: %s", e.msg);
		}
	}
	while (session_submit_check(s, &chk, &e) == SESSION_WARNED)
		;
	session_to_record(s, &r);
	if (env_seal(&r, pr->hr_pk, id, &env, &len, &e) != 0)
		msg_die(EX_SOFTWARE, "%s", e.msg);
	record_free(&r);
	if (outbox_submit(ob, draft, id, env, len, &e) != 0)
		msg_die(EX_IOERR, "%s", e.msg);
	free(env);
	session_free(s);
}

static int
do_seal(const struct gen *g, unsigned who)
{
	struct profile *pr = NULL;
	struct outbox *ob = NULL;
	struct plan p;
	struct err e;
	char *dir, *pass;
	size_t i, n = 0;

	dir = paths_data_dir("avslut");
	if ((pass = pass_read("Passphrase: ", NULL, 0, 0, &e)) == NULL)
		msg_die(EX_NOPERM, "%s", e.msg);
	if (profile_unlock(dir, pass, &pr, &e) != 0)
		msg_die(EX_NOPERM, "%s", e.msg);
	pass_free(pass);
	if (outbox_open(dir, &ob, &e) != 0)
		msg_die(EX_IOERR, "%s", e.msg);
	for (i = g->npty; i < g->n; i++) {
		if (i % g->ninterviewers != who)
			continue;
		plan_make(g, i, &p);
		conduct(g, ob, pr, i, &p);
		plan_free(g, &p);
		n++;
	}
	outbox_close(ob);
	profile_free(pr);
	free(dir);
	printf("%zu sealed\n", n);
	return 0;
}

/* --- straight into a central.db, for the benchmarks ---------------------- */

static int
do_central(const struct gen *g, const char *db, const char *pubfile)
{
	struct bundle b;
	struct bundle_ack *acks;
	struct central *c;
	struct record r;
	struct plan p;
	struct err e;
	uint8_t pk[KEY_PK_BYTES];
	size_t i, j, chunk = 2000, nacks, added, total = 0;

	if (key_pub_load(KEY_PUB_HR, pubfile, pk, &e) != 0)
		msg_die(EX_NOINPUT, "%s", e.msg);
	if (central_open(&c, db, CENTRAL_CREATE, &e) != 0)
		msg_die(EX_IOERR, "%s", e.msg);
	memset(&b, 0, sizeof b);
	randombytes_buf(b.signer, sizeof b.signer);
	if (central_interviewer_add(c, b.signer, "gen", &e) < 0)
		msg_die(EX_IOERR, "%s", e.msg);
	b.envs = xcalloc(chunk, sizeof *b.envs);
	for (i = 0; i < g->n; i += b.n) {
		b.n = g->n - i < chunk ? g->n - i : chunk;
		for (j = 0; j < b.n; j++) {
			plan_make(g, i + j, &p);
			plan_record(g, &p, &r);
			if (env_seal(&r, pk, b.envs[j].id, &b.envs[j].data,
			    &b.envs[j].len, &e) != 0)
				msg_die(EX_SOFTWARE, "%s", e.msg);
			record_free(&r);
			plan_free(g, &p);
		}
		if (central_ingest(c, &b, &acks, &nacks, &added, &e) != 0)
			msg_die(EX_IOERR, "%s", e.msg);
		free(acks);
		total += added;
		for (j = 0; j < b.n; j++)
			free(b.envs[j].data);
	}
	free(b.envs);
	central_close(c);
	printf("%zu stored\n", total);
	return 0;
}

/* One signed bundle of all N, as a laptop would send them, signed by an
 * Ed25519 key made from the seed; its public key in OUT.pub for
 * `avslut-hr interviewers add`. */
static int
do_bundle(const struct gen *g, const char *out)
{
	uint8_t seed[crypto_sign_SEEDBYTES], spk[crypto_sign_PUBLICKEYBYTES];
	uint8_t ssk[crypto_sign_SECRETKEYBYTES], hpk[KEY_PK_BYTES];
	uint8_t s8[8];
	struct bundle_env *envs;
	struct record r;
	struct plan p;
	struct err e;
	char *pubpath;
	size_t i;
	int fd, rc;

	if (g->n > BUNDLE_MAX_COUNT)
		msg_die(EX_USAGE, "at most %d interviews in one bundle",
		    BUNDLE_MAX_COUNT);
	if (getenv("GEN_HR_PUB") == NULL ||
	    key_pub_load(KEY_PUB_HR, getenv("GEN_HR_PUB"), hpk, &e) != 0)
		msg_die(EX_NOINPUT, "set GEN_HR_PUB to an hr.pub");
	for (i = 0; i < 8; i++)
		s8[i] = (uint8_t)(g->seed >> (8 * i));
	crypto_generichash(seed, sizeof seed, s8, sizeof s8,
	    (const uint8_t *)"avslut gen signer", 17);
	crypto_sign_seed_keypair(spk, ssk, seed);
	envs = xcalloc(g->n ? g->n : 1, sizeof *envs);
	for (i = 0; i < g->n; i++) {
		plan_make(g, i, &p);
		plan_record(g, &p, &r);
		if (env_seal(&r, hpk, envs[i].id, &envs[i].data, &envs[i].len,
		    &e) != 0)
			msg_die(EX_SOFTWARE, "%s", e.msg);
		record_free(&r);
		plan_free(g, &p);
	}
	if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		msg_die(EX_CANTCREAT, "cannot write %s: %s", out,
		    strerror(errno));
	rc = bundle_write(fd, envs, g->n, ssk, &e);
	sodium_memzero(ssk, sizeof ssk);
	if (rc != 0 || fsync(fd) != 0 || close(fd) != 0)
		msg_die(EX_IOERR, "%s: %s", out, rc ? e.msg : strerror(errno));
	for (i = 0; i < g->n; i++)
		free(envs[i].data);
	free(envs);
	pubpath = xasprintf("%s.pub", out);
	if (key_pub_save(KEY_PUB_INTERVIEWER, pubpath, spk, 0, &e) != 0)
		msg_die(EX_IOERR, "%s", e.msg);
	free(pubpath);
	printf("%zu sealed and signed\n", g->n);
	return 0;
}

/* The region's config for synthetic units (the benchmarks' 300). */
static void
write_config(const struct gen *g, FILE *out)
{
	size_t u;

	fputs("region: Region Syntet\nanonymity:\n  k: 5\n  text_k: 8\n"
	    "period: year\nunits:\n", out);
	for (u = 0; u < g->nunits; u++)
		fprintf(out, "  - code: %s\n    name: Enhet %s\n    area: %s\n",
		    g->units[u], g->units[u] + 1, g->areas[u]);
}

static FILE *
open_out(const char *dir, const char *name)
{
	char *p = paths_join(dir, name);
	FILE *f = fopen(p, "w");

	if (f == NULL)
		msg_die(EX_CANTCREAT, "cannot write %s: %s", p,
		    strerror(errno));
	free(p);
	return f;
}

static void
close_out(FILE *f)
{
	if (ferror(f) || fclose(f) != 0)
		msg_die(EX_IOERR, "write error");
}

static int
do_plan(const struct gen *g, const char *dir)
{
	FILE *ex, *tv, *fl, *pt, *cf;
	uint32_t *held = xcalloc(g->nunits * g->nyears, sizeof *held);

	ex = open_out(dir, "expected.txt");
	write_expected(g, ex, held);
	close_out(ex);
	tv = open_out(dir, "turnover.csv");
	fl = open_out(dir, "flagged.txt");
	write_turnover(g, tv, fl, held);
	close_out(tv);
	close_out(fl);
	pt = open_out(dir, "pty.plan");
	write_pty(g, pt);
	close_out(pt);
	cf = open_out(dir, "avslut.yaml");
	write_config(g, cf);
	close_out(cf);
	free(held);
	return 0;
}

static void
usage(FILE *f)
{
	fputs("usage: gen [OPTIONS] plan DIR\n"
	    "       gen [OPTIONS] seal INTERVIEWER   (AVSLUT_HOME, "
	    "AVSLUT_PASSPHRASE_FILE)\n"
	    "       gen [OPTIONS] central DB HR.PUB\n"
	    "       gen [OPTIONS] bundle OUT         (GEN_HR_PUB; writes OUT, "
	    "OUT.pub)\n"
	    "  --seed S           the seed (default 1)\n"
	    "  --n N              interviews (default 600)\n"
	    "  --pty P            the first P are held through the pty "
	    "(default 0)\n"
	    "  --interviewers M   interviewers (default 3)\n"
	    "  --years Y0:Y1      the years (default 2023:2025)\n"
	    "  --units U          U synthetic units instead of the config's\n"
	    "plan writes DIR/expected.txt, turnover.csv, flagged.txt, pty.plan"
	    ", avslut.yaml.\n", f);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "n", required_argument, NULL, 'n' },
		{ "pty", required_argument, NULL, 'p' },
		{ "interviewers", required_argument, NULL, 'i' },
		{ "years", required_argument, NULL, 'y' },
		{ "units", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct form_diags d;
	struct gen g;
	unsigned y0 = 2023, y1 = 2025;
	size_t nsynth = 0;
	int c, rc;

	msg_set_prog("gen");
	if (sec_init() == -1)
		msg_die(EX_SOFTWARE, "cannot initialise libsodium");
	memset(&g, 0, sizeof g);
	g.seed = 1;
	g.n = 600;
	g.ninterviewers = 3;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			g.seed = strtoull(optarg, NULL, 10);
			break;
		case 'n':
			g.n = strtoul(optarg, NULL, 10);
			break;
		case 'p':
			g.npty = strtoul(optarg, NULL, 10);
			break;
		case 'i':
			g.ninterviewers = (unsigned)atoi(optarg);
			break;
		case 'y':
			if (sscanf(optarg, "%u:%u", &y0, &y1) != 2 ||
			    y1 < y0 || y1 - y0 >= GEN_MAX_YEARS)
				msg_die(EX_USAGE, "--years Y0:Y1");
			break;
		case 'u':
			nsynth = strtoul(optarg, NULL, 10);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind >= argc || g.ninterviewers == 0 || g.npty > g.n) {
		usage(stderr);
		return EX_USAGE;
	}
	g.year0 = y0;
	g.nyears = y1 - y0 + 1;
	memset(&d, 0, sizeof d);
	g.f = form_load_buf("exit-interview.yaml",
	    (const char *)embed_forms_exit_interview_yaml,
	    embed_forms_exit_interview_yaml_len, &d);
	form_diags_free(&d);
	if (g.f == NULL)
		msg_die(EX_SOFTWARE, "the shipped form does not load");
	units_setup(&g, nsynth);
	if (strcmp(argv[optind], "plan") == 0 && argc - optind == 2)
		rc = do_plan(&g, argv[optind + 1]);
	else if (strcmp(argv[optind], "seal") == 0 && argc - optind == 2)
		rc = do_seal(&g, (unsigned)atoi(argv[optind + 1]));
	else if (strcmp(argv[optind], "bundle") == 0 && argc - optind == 2)
		rc = do_bundle(&g, argv[optind + 1]);
	else if (strcmp(argv[optind], "central") == 0 && argc - optind == 3)
		rc = do_central(&g, argv[optind + 1], argv[optind + 2]);
	else {
		usage(stderr);
		rc = EX_USAGE;
	}
	for (size_t u = 0; u < g.nunits; u++) {
		free(g.units[u]);
		free(g.areas[u]);
	}
	free(g.units);
	free(g.areas);
	free(g.weight);
	free(g.flagged);
	free(g.nearmiss);
	free(g.exact);
	form_free(g.f);
	return rc;
}
