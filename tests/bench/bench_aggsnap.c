/* bench_aggsnap: the aggregate snapshot of an aggregation the size of a
 * region's: AVSLUT_BENCH_N records (default 100000) of the shipped form
 * over 300 configured units and 5 years, made up here (no envelopes: the
 * snapshot is what is measured), about half the text answers and a tenth
 * of the "other" choices with a text. agg_snap_put, then agg_snap_get into
 * an agg made alike (what an HR open with the aggregate file pays), each
 * AVSLUT_BENCH_RUNS times (default 7). Figures only: the one thing
 * checked is that the get's copy puts the same bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/embed.h"
#include "form/form.h"
#include "report/agg.h"
#include "util/buf.h"
#include "util/xmem.h"

#define NUNITS 300
#define NYEARS 5
#define MAXRUNS 32

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 11) % n);
}

/* CPU time of the process (all of this is one thread): the machine is
 * shared, and wall time would measure the neighbours. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A text of 3 to 30 words from a small vocabulary (answers repeat). */
static char *
text(void)
{
	static const char *w[] = {"chef", "lön", "schema", "arbetsmiljö",
	    "bemanning", "stress", "kollegor", "utveckling", "avstånd",
	    "ledning", "för", "mycket", "inte", "bättre", "pendling", "jour"};
	char buf[512];
	size_t n = 3 + rnd(28), i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
		    i ? " " : "", w[rnd(sizeof w / sizeof w[0])]);
	return xstrdup(buf);
}

static void
answer(struct form_answer *x, const struct form_question *q)
{
	uint32_t s = rnd(100);

	memset(x, 0, sizeof(*x));
	x->state = s < 80 ? FORM_ANSWERED : s < 88 ? FORM_SKIPPED :
	    s < 95					 ? FORM_NOT_SHOWN :
							   FORM_DECLINED;
	if (x->state != FORM_ANSWERED)
		return;
	switch (q->type) {
	case FORM_SINGLE:
		x->num = (int32_t)rnd((uint32_t)q->nchoices);
		if (q->other && rnd(10) == 0) {
			x->other = 1;
			x->text = text();
		}
		break;
	case FORM_MULTI:
		x->choices = rnd(1u << (q->nchoices < 16 ? q->nchoices : 16));
		if (q->other && rnd(10) == 0) {
			x->other = 1;
			x->text = text();
		}
		break;
	case FORM_SCALE:
	case FORM_NUMBER:
		x->num = q->min + (int32_t)rnd((uint32_t)(q->max - q->min + 1));
		break;
	case FORM_NPS:
		x->num = (int32_t)rnd(11);
		break;
	case FORM_YESNO:
		x->num = rnd(2) ? FORM_YES : FORM_NO;
		break;
	case FORM_TEXT:
		if (rnd(2) == 0)
			x->state = FORM_SKIPPED;
		else
			x->text = text();
		break;
	}
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static void
fig(const char *what, double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	printf("%-34s median %8.2f ms CPU (min %.2f, max %.2f)\n", what,
	    v[n / 2] * 1e3, v[0] * 1e3, v[n - 1] * 1e3);
}

/* n made-up records into a; returns how many texts they carry. */
static size_t
add(struct agg *a, const struct form *f, char code[][8], size_t n)
{
	struct form_answer *ans = xcalloc(f->nquestions, sizeof(*ans));
	size_t i, k, ntexts = 0;
	struct agg_rec rec;
	struct err e;

	for (i = 0; i < n; i++) {
		for (k = 0; k < f->nquestions; k++) {
			answer(&ans[k], &f->questions[k]);
			ntexts += ans[k].text != NULL;
		}
		rec.unit = code[rnd(NUNITS)];
		rec.year = 2021 + rnd(NYEARS);
		rec.form_hash = f->hash;
		rec.answers = ans;
		rec.nanswers = f->nquestions;
		if (agg_add(a, &rec, &e) != 0) {
			fprintf(stderr, "bench_aggsnap: %s\n", e.msg);
			exit(1);
		}
		for (k = 0; k < f->nquestions; k++)
			free(ans[k].text);
	}
	free(ans);
	return ntexts;
}

/* The median of runs puts of a (b keeps the last). */
static void
put(const char *what, const struct agg *a, struct buf *b, size_t runs)
{
	double t[MAXRUNS], t0;
	size_t i;

	for (i = 0; i < runs; i++) {
		buf_reset(b);
		t0 = now();
		agg_snap_put(a, b);
		t[i] = now() - t0;
	}
	fig(what, t, runs);
}

int
main(void)
{
	const char *ns = getenv("AVSLUT_BENCH_N");
	const char *rs = getenv("AVSLUT_BENCH_RUNS");
	size_t n = ns != NULL ? strtoul(ns, NULL, 10) : 100000;
	size_t runs = rs != NULL ? strtoul(rs, NULL, 10) : 7, i, ntexts;
	struct agg_unit units[NUNITS];
	double tget[MAXRUNS], t0, tadd;
	const struct form *forms[1];
	struct buf b = BUF_INIT, b2 = BUF_INIT;
	struct buf_rd r;
	struct agg *a, *y;
	struct form *f;
	char code[NUNITS][8];

	if (runs < 1 || runs > MAXRUNS)
		runs = 7;
	f = form_load_buf("exit-interview.yaml",
	    (const char *)embed_forms_exit_interview_yaml,
	    embed_forms_exit_interview_yaml_len, NULL);
	if (f == NULL) {
		fprintf(stderr, "bench_aggsnap: the shipped form\n");
		return 1;
	}
	forms[0] = f;
	for (i = 0; i < NUNITS; i++) {
		snprintf(code[i], sizeof code[i], "U%03zu", i);
		units[i].code = units[i].name = code[i];
		units[i].area = NULL;
	}
	a = agg_new(forms, 1, units, NUNITS, NULL);
	t0 = now();
	ntexts = add(a, f, code, n);
	tadd = now() - t0;
	printf("agg snapshot: %zu records, %d units x %d years, %zu "
	       "questions, %zu texts\n",
	    n, NUNITS, NYEARS, agg_nquestions(a), ntexts);
	printf("%-34s        %8.2f ms CPU (once, with making them up)\n",
	    "agg_add of every record", tadd * 1e3);
	put("agg_snap_put (from agg_add)", a, &b, runs);
	printf("%-34s %zu bytes\n", "snapshot", buf_len(&b));
	for (i = 0; i < runs; i++) {
		y = agg_new_like(a);
		buf_rd_init(&r, buf_data(&b), buf_len(&b));
		t0 = now();
		if (agg_snap_get(y, &r) != 0) {
			fprintf(stderr, "bench_aggsnap: the get refused\n");
			return 1;
		}
		tget[i] = now() - t0;
		if (i == 0) {
			agg_snap_put(y, &b2);
			if (buf_len(&b2) != buf_len(&b) ||
			    memcmp(buf_data(&b2), buf_data(&b), buf_len(&b)))
				fprintf(stderr, "bench_aggsnap: not the same\n");
		}
		if (i + 1 < runs)
			agg_free(y);
	}
	fig("agg_snap_get", tget, runs);
	/* An open after an ingest: the get's agg, 1 000 more, written. */
	add(y, f, code, 1000);
	put("agg_snap_put (get + 1 000 added)", y, &b2, runs);
	agg_free(y);
	buf_free(&b);
	buf_free(&b2);
	agg_free(a);
	form_free(f);
	return 0;
}
