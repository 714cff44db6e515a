/* bench_audit: the disclosure audit at national scale. AVSLUT_BENCH_N
 * interviews (default 100000) of the shipped form over 300 units in 30
 * areas and 3 closed years, unit sizes skewed so that many units are
 * small (the audit only works where the gate hides something), answers
 * random but following the form's skip logic. Times the gate alone (the
 * three years' tables) against the gate plus the audit of all three
 * together, and the aggregation for scale. Target: audit + gate <= 2x
 * the gate and under 5 s. Prints the median, min and max of RUNS runs
 * (CPU and wall) and the load average before and after, since the
 * machine is shared. The cold runs keep nothing between runs; the warm
 * runs audit the same tables again with the clean verdicts of the first
 * kept in the process (what a view of a frozen release shown again
 * costs).
 * Figures only: nothing is asserted. */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "config/embed.h"
#include "form/form.h"
#include "report/agg.h"
#include "report/audit.h"
#include "report/gate.h"
#include "util/xmem.h"

#define NUNITS 300
#define NAREAS 30
#define RUNS 5

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of this process: less disturbed by other load than wall. */
static double
cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int
cmp_d(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

/* "median m (min a, max b)" of n figures (sorted in place). */
static const char *
mmm(double *v, size_t n, char *buf, size_t len)
{
	qsort(v, n, sizeof(*v), cmp_d);
	snprintf(buf, len, "median %.3f s (min %.3f, max %.3f)", v[n / 2],
	    v[0], v[n - 1]);
	return buf;
}

static void
loadavg(char *buf, size_t len)
{
	FILE *fp = fopen("/proc/loadavg", "r");

	buf[0] = '\0';
	if (fp == NULL || fgets(buf, (int)len, fp) == NULL)
		snprintf(buf, len, "unknown\n");
	if (fp != NULL)
		fclose(fp);
}

/* What every view runs (audit_check_tables), with the verdicts kept from
 * an earlier audit in this process (warm) or not (cold). */
static int
audit_views(struct gate_table *const *t, size_t n, int cold,
    struct audit_result *r, struct err *e)
{
	struct audit_params ap;
	struct audit *au;
	char label[16];
	size_t i;
	int rc = 0;

	memset(&ap, 0, sizeof(ap));
	ap.no_list = 1;
	ap.no_cache = cold;
	au = audit_new(&ap);
	for (i = 0; i < n && rc == 0; i++) {
		snprintf(label, sizeof(label), "%u", t[i]->year);
		rc = audit_add(au, t[i], label, NULL, e);
	}
	if (rc == 0)
		rc = audit_run(au, r, e);
	if (rc == 0)
		rc = audit_verdict(r, e);
	audit_free(au);
	return rc;
}

static uint64_t rng = 88172645463325252ull;

static unsigned
below(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* One random answer to question q, given the answers so far. */
static void
answer(const struct form *f, size_t q, struct form_answer *all)
{
	const struct form_question *fq = &f->questions[q];
	struct form_answer *a = &all[q];

	memset(a, 0, sizeof(*a));
	if (!form_visible(f, q, all)) {
		a->state = FORM_NOT_SHOWN;
		return;
	}
	if (below(20) == 0) {
		a->state = FORM_DECLINED;
		return;
	}
	a->state = FORM_ANSWERED;
	switch (fq->type) {
	case FORM_SINGLE:
		a->num = (int32_t)below((unsigned)fq->nchoices);
		break;
	case FORM_MULTI:
		a->choices = (uint64_t)1 << below((unsigned)fq->nchoices);
		if (below(2))
			a->choices |= (uint64_t)1 <<
			    below((unsigned)fq->nchoices);
		break;
	case FORM_SCALE:
	case FORM_NPS:
		a->num = fq->type == FORM_NPS ? (int32_t)below(11) :
		    fq->min + (int32_t)below((unsigned)(fq->max - fq->min +
		    1));
		break;
	case FORM_YESNO:
		/* the sensitive yes now and then */
		a->num = below(6) == 0 ? FORM_YES : FORM_NO;
		break;
	case FORM_NUMBER:
		a->num = fq->min + (int32_t)below((unsigned)(fq->max >
		    fq->min + 40 ? 40 : fq->max - fq->min + 1));
		break;
	case FORM_TEXT:
		a->state = FORM_SKIPPED;
		break;
	}
}

int
main(void)
{
	struct form_diags d;
	struct form *f;
	const struct form *forms[1];
	struct agg_unit units[NUNITS];
	char codes[NUNITS][16], areas[NAREAS][16];
	struct form_answer *ans;
	struct agg *a;
	struct gate_params p;
	struct gate_table *t[3];
	struct audit_result r;
	struct err e = { .msg = "" };
	size_t n = 100000, i, u, q, weight[NUNITS], wsum = 0;
	double t0, c0, tagg, tg[RUNS], ta[RUNS], cg[RUNS], ca[RUNS];
	double tw[RUNS], cw[RUNS];
	double mg, ma, mcg, mca;
	char b1[96], b2[96], load0[128], load1[128];
	int run, y, hidden = 0;

	if (sodium_init() < 0)
		return 1;
	if (getenv("AVSLUT_BENCH_N") != NULL)
		n = strtoul(getenv("AVSLUT_BENCH_N"), NULL, 10);
	memset(&d, 0, sizeof(d));
	f = form_load_buf("exit-interview.yaml",
	    (const char *)embed_forms_exit_interview_yaml,
	    embed_forms_exit_interview_yaml_len, &d);
	if (f == NULL) {
		fprintf(stderr, "bench_audit: the shipped form does not "
		    "load\n");
		return 1;
	}
	forms[0] = f;
	for (i = 0; i < NAREAS; i++)
		snprintf(areas[i], sizeof(areas[i]), "Area %zu", i);
	/* a third of the units small (weight 1), the rest larger */
	for (u = 0; u < NUNITS; u++) {
		snprintf(codes[u], sizeof(codes[u]), "U%03zu", u);
		units[u].code = codes[u];
		units[u].name = codes[u];
		units[u].area = u % 37 == 0 ? NULL : areas[u % NAREAS];
		weight[u] = u % 3 == 0 ? 1 : 20 + u % 50;
		wsum += weight[u];
	}
	a = agg_new(forms, 1, units, NUNITS, NULL);
	ans = xcalloc(f->nquestions, sizeof(*ans));
	t0 = now();
	for (i = 0; i < n; i++) {
		struct agg_rec rec;
		size_t pick = below((unsigned)wsum), acc = 0;

		for (u = 0; u < NUNITS; u++) {
			acc += weight[u];
			if (pick < acc)
				break;
		}
		for (q = 0; q < f->nquestions; q++)
			answer(f, q, ans);
		rec.unit = codes[u];
		rec.year = 2022 + (unsigned)(i % 3);
		rec.form_hash = f->hash;
		rec.answers = ans;
		rec.nanswers = f->nquestions;
		if (agg_add(a, &rec, &e) != 0) {
			fprintf(stderr, "bench_audit: %s\n", e.msg);
			return 1;
		}
	}
	tagg = now() - t0;
	gate_params_default(&p);
	p.now_year = 2026;
	p.now_month = 6;
	loadavg(load0, sizeof(load0));
	for (run = 0; run < RUNS; run++) {
		t0 = now();
		c0 = cpu();
		for (y = 0; y < 3; y++)
			if (gate_publish(&t[y], a, 2022 + (unsigned)y, &p,
			    &e) != 0) {
				fprintf(stderr, "bench_audit: %s\n", e.msg);
				return 1;
			}
		tg[run] = now() - t0;
		cg[run] = cpu() - c0;
		t0 = now();
		c0 = cpu();
		if (audit_views(t, 3, 1, &r, &e) != 0)
			fprintf(stderr, "bench_audit: the audit refuses: %s\n",
			    e.msg);
		ta[run] = now() - t0;
		ca[run] = cpu() - c0;
		if (run == RUNS - 1) {
			/* once: what avslut-hr audit does (the list of the
			 * narrowest intervals, exact by LP) */
			struct audit *au = audit_new(NULL);
			struct audit_result w;
			char lb[16];

			t0 = now();
			c0 = cpu();
			for (y = 0; y < 3; y++) {
				snprintf(lb, sizeof(lb), "%d", 2022 + y);
				(void)audit_add(au, t[y], lb, NULL, &e);
			}
			if (audit_run(au, &w, &e) == 0)
				printf("with the list of the narrowest "
				    "intervals (avslut-hr audit), once: %.3f s "
				    "wall, %.3f s CPU, %zu LPs\n", now() - t0,
				    cpu() - c0, w.lps);
			audit_result_free(&w);
			audit_free(au);
		}
		if (run == RUNS - 1) {
			/* warm: the same tables again, verdicts kept */
			struct audit_result w;
			int k;

			audit_result_free(&r);
			(void)audit_views(t, 3, 0, &r, &e);	/* keeps */
			for (k = 0; k < RUNS; k++) {
				t0 = now();
				c0 = cpu();
				(void)audit_views(t, 3, 0, &w, &e);
				tw[k] = now() - t0;
				cw[k] = cpu() - c0;
				if (k == RUNS - 1)
					printf("warm audit: %zu of %zu question "
					    "groups x years kept from the "
					    "first, %zu LPs\n", w.groups_kept,
					    w.groups, w.lps);
				audit_result_free(&w);
			}
		}
		if (run == RUNS - 1) {
			for (y = 0; y < 3; y++)
				for (i = 0; i < t[y]->nrows * t[y]->ncols; i++)
					hidden += gate_hidden(
					    t[y]->figs[i].reason) &&
					    t[y]->figs[i].reason != GATE_OPEN &&
					    t[y]->figs[i].reason !=
					    GATE_REGION_ONLY;
			printf("audit: %zu tables, %zu figures, %zu cells, "
			    "%zu suppressed cells checked, %zu cells and "
			    "sensitive groups decided by a move (no LP), "
			    "%zu LPs in %zu of %zu question "
			    "groups x years, %zu pinned, %zu determined; %d "
			    "hidden figures\n", r.tables, r.figures, r.cells,
			    r.suppressed, r.certified, r.lps, r.groups_lp,
			    r.groups, r.pinned, r.determined, hidden);
		}
		audit_result_free(&r);
		for (y = 0; y < 3; y++)
			gate_table_free(t[y]);
	}
	printf("interviews %zu, units %d, areas %d, years 3\n", n, NUNITS,
	    NAREAS);
	printf("aggregation (agg_add of every record): %.3f s\n", tagg);
	loadavg(load1, sizeof(load1));
	printf("load average before: %s", load0);
	printf("load average after:  %s", load1);
	printf("runs: %d cold (no verdict kept between runs), then %d warm "
	    "(the same tables, every clean verdict kept in the process)\n",
	    RUNS, RUNS);
	printf("gate alone (3 years), wall: %s\n", mmm(tg, RUNS, b1,
	    sizeof(b1)));
	printf("gate alone (3 years), CPU:  %s\n", mmm(cg, RUNS, b1,
	    sizeof(b1)));
	printf("audit cold, wall: %s\n", mmm(ta, RUNS, b2, sizeof(b2)));
	printf("audit cold, CPU:  %s\n", mmm(ca, RUNS, b2, sizeof(b2)));
	printf("audit warm, wall: %s\n", mmm(tw, RUNS, b2, sizeof(b2)));
	printf("audit warm, CPU:  %s\n", mmm(cw, RUNS, b2, sizeof(b2)));
	printf("warm medians: audit + gate %.3f s CPU = %.1fx the gate\n",
	    cg[RUNS / 2] + cw[RUNS / 2], (cg[RUNS / 2] + cw[RUNS / 2]) /
	    cg[RUNS / 2]);
	mg = tg[RUNS / 2];
	ma = ta[RUNS / 2];
	mcg = cg[RUNS / 2];
	mca = ca[RUNS / 2];
	printf("cold medians: audit + gate %.3f s wall = %.1fx the gate, %.3f s "
	    "CPU = %.1fx the gate (target <= 2x and < 5 s: %s)\n", mg + ma,
	    (mg + ma) / mg, mcg + mca, (mcg + mca) / mcg,
	    (mcg + mca) / mcg <= 2 && mg + ma < 5 ? "met" : mcg + mca < 5 ?
	    "under 5 s, not 2x" : "not met");
	printf("against the whole open (aggregation + gate, %.3f s): + %.0f "
	    "%% wall\n", tagg + mg, 100 * ma / (tagg + mg));
	for (q = 0; q < f->nquestions; q++)
		form_answer_clear(&ans[q]);
	free(ans);
	agg_free(a);
	form_free(f);
	return 0;
}
