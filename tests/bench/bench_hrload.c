/* bench_hrload: the HR pipeline at scale. Seals N interviews of the shipped
 * form (AVSLUT_BENCH_N, default 100000) into a temporary central.db with the
 * real record and env code, then prints the floor (bare crypto_box_seal_open
 * over all cores), the time to open and aggregate them, the ratio and the
 * peak memory. Figures only: nothing is asserted. */
#include <sys/resource.h>

#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/embed.h"
#include "crypto/env.h"
#include "report/hrload.h"
#include "store/central.h"
#include "util/xmem.h"

#define NUNITS 300
#define CHUNK 2000		/* envelopes per ingest transaction */

static const char *const texts[] = {
	"Chefen lyssnade inte när vi sa att bemanningen inte räckte.",
	"För många pass i rad, ingen återhämtning mellan nätterna.",
	"Lönen har inte följt med, andra regioner betalar mer.",
	"Bra kollegor, men schemat gick inte ihop med familjen.",
	"Introduktionen var för kort och ingen hade tid att handleda.",
	"Mer inflytande över arbetstiden, tack.",
	"Jag saknade möjligheter att utvecklas i yrket.",
	"Arbetsmiljön blev bättre det sista året, men för sent.",
};

static uint8_t pk[ENV_PK_BYTES], sk[ENV_SK_BYTES];
static struct form *form;
static char units[NUNITS][8];

struct gen {
	size_t from, to;		/* record indices */
	struct bundle_env *envs;	/* to - from */
};

static uint64_t
rnd(uint64_t *s)
{
	/* splitmix64: deterministic from the record index */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A record with answers the session could have produced: hidden
 * questions not shown, a few declined or skipped, skew by unit. */
static void
gen_record(struct record *r, size_t i)
{
	uint64_t s = i * 7919 + 1;
	size_t q, u;
	unsigned k, n;

	memset(r, 0, sizeof *r);
	/* A few units have many leavers. */
	u = rnd(&s) % 4 == 0 ? rnd(&s) % 10 : rnd(&s) % NUNITS;
	r->unit = xstrdup(units[u]);
	r->year = (uint16_t)(2023 + rnd(&s) % 3);
	r->form_id = xstrdup(form->id);
	r->form_version = form->version;
	memcpy(r->form_hash, form->hash, FORM_HASH_BYTES);
	r->lang = xstrdup(rnd(&s) % 5 ? "sv" : "en");
	r->nanswers = form->nquestions;
	r->answers = xcalloc(form->nquestions, sizeof *r->answers);
	for (q = 0; q < form->nquestions; q++) {
		const struct form_question *fq = &form->questions[q];
		struct form_answer *a = &r->answers[q];
		struct err e;

		if (!form_visible(form, q, r->answers))
			continue;
		k = (unsigned)(rnd(&s) % 100);
		if (k < 4) {
			a->state = FORM_DECLINED;
			continue;
		}
		if (k < 8) {
			a->state = FORM_SKIPPED;
			continue;
		}
		a->state = FORM_ANSWERED;
		switch (fq->type) {
		case FORM_SINGLE:
			a->num = (int32_t)(rnd(&s) % fq->nchoices);
			break;
		case FORM_MULTI:
			n = fq->max_choices ? fq->max_choices : 3;
			for (k = 0; k < n; k++)
				a->choices |= (uint64_t)1 <<
				    (rnd(&s) % fq->nchoices);
			break;
		case FORM_SCALE:
		case FORM_NPS:
		case FORM_NUMBER:
			a->num = fq->min + (int32_t)(rnd(&s) %
			    (uint64_t)(fq->max - fq->min + 1));
			/* the busiest units answer worse */
			if (u < 10 && fq->type == FORM_SCALE &&
			    a->num > fq->min)
				a->num--;
			break;
		case FORM_YESNO:
			a->num = (int32_t)(rnd(&s) % 2);
			break;
		case FORM_TEXT:
			a->text = xstrdup(texts[rnd(&s) % (sizeof texts /
			    sizeof texts[0])]);
			break;
		}
		if (form_answer_check(form, q, a, &e) != 0)
			form_answer_clear(a);
	}
}

static void *
gen_thread(void *arg)
{
	struct gen *g = arg;
	struct record r;
	struct err e;
	size_t i;

	for (i = g->from; i < g->to; i++) {
		struct bundle_env *v = &g->envs[i - g->from];

		gen_record(&r, i);
		if (env_seal(&r, pk, v->id, &v->data, &v->len, &e) != 0) {
			fprintf(stderr, "bench: %s\n", e.msg);
			exit(1);
		}
		record_free(&r);
	}
	return NULL;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned
ncores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

/* Seal n records on every core and ingest them, CHUNK at a time. */
static void
generate(struct central *c, size_t n)
{
	pthread_t t[64];
	struct gen g[64];
	struct bundle b;
	struct bundle_ack *acks;
	struct err e;
	size_t at, m, i, nacks, added;
	unsigned nt = ncores(), j;

	memset(&b, 0, sizeof b);
	randombytes_buf(b.signer, sizeof b.signer);
	if (central_interviewer_add(c, b.signer, "bench", &e) != 0) {
		fprintf(stderr, "bench: %s\n", e.msg);
		exit(1);
	}
	b.envs = xcalloc(CHUNK, sizeof *b.envs);
	for (at = 0; at < n; at += m) {
		m = n - at < CHUNK ? n - at : CHUNK;
		for (j = 0; j < nt; j++) {
			g[j].from = at + m * j / nt;
			g[j].to = at + m * (j + 1) / nt;
			g[j].envs = b.envs + (g[j].from - at);
			pthread_create(&t[j], NULL, gen_thread, &g[j]);
		}
		for (j = 0; j < nt; j++)
			pthread_join(t[j], NULL);
		b.n = m;
		if (central_ingest(c, &b, &acks, &nacks, &added, &e) != 0) {
			fprintf(stderr, "bench: %s\n", e.msg);
			exit(1);
		}
		free(acks);
		for (i = 0; i < m; i++)
			free(b.envs[i].data);
	}
	free(b.envs);
}

#define FLOOR_CHUNK 10000	/* envelopes in memory at once for the floor */

struct flat {
	uint8_t *data[FLOOR_CHUNK];
	size_t len[FLOOR_CHUNK];
	size_t n;
	double t;		/* time spent opening, summed over chunks */
};

struct floor_arg {
	const struct flat *f;
	size_t from, to, bad;
};

static void *
floor_thread(void *arg)
{
	struct floor_arg *a = arg;
	uint8_t *m = xmalloc(ENV_MAX_BYTES);
	size_t i;

	for (i = a->from; i < a->to; i++)
		if (crypto_box_seal_open(m, a->f->data[i], a->f->len[i], pk,
		    sk) != 0)
			a->bad++;
	free(m);
	return NULL;
}

/* Open the chunk in memory on every core, split evenly; only this is
 * timed. */
static void
floor_chunk(struct flat *f)
{
	pthread_t t[64];
	struct floor_arg a[64];
	unsigned nt = ncores(), j;
	size_t i;
	double t0 = now();

	for (j = 0; j < nt; j++) {
		a[j].f = f;
		a[j].from = f->n * j / nt;
		a[j].to = f->n * (j + 1) / nt;
		a[j].bad = 0;
		pthread_create(&t[j], NULL, floor_thread, &a[j]);
	}
	for (j = 0; j < nt; j++)
		pthread_join(t[j], NULL);
	f->t += now() - t0;
	for (i = 0; i < f->n; i++)
		free(f->data[i]);
	f->n = 0;
}

static int
flat_add(void *ctx, const uint8_t *id, const uint8_t *data, size_t len)
{
	struct flat *f = ctx;

	(void)id;
	f->data[f->n] = xmalloc(len);
	memcpy(f->data[f->n], data, len);
	f->len[f->n++] = len;
	if (f->n == FLOOR_CHUNK)
		floor_chunk(f);
	return 0;
}

/* The floor: every envelope, already in memory, opened and nothing more,
 * over every core. Read in chunks so the floor adds little memory; the
 * reading is not timed. */
static double
floor_once(const char *db)
{
	static struct flat f;
	struct central *c;
	struct err e;

	f.n = 0;
	f.t = 0;
	if (central_open(&c, db, CENTRAL_RDONLY, &e) != 0 ||
	    central_env_foreach(c, flat_add, &f, &e) != 0) {
		fprintf(stderr, "bench: %s\n", e.msg);
		exit(1);
	}
	central_close(c);
	if (f.n > 0)
		floor_chunk(&f);
	return f.t;
}

/* From the key in memory to the aggregation done: open the store, load
 * the approved forms, open and count every envelope. */
static double
load_once(const char *db, size_t *used)
{
	struct agg_unit au[NUNITS];
	struct hrload_result res;
	struct central *c;
	struct form **forms;
	struct agg *a;
	struct err e;
	size_t nforms, i;
	double t0 = now(), t;

	if (central_open(&c, db, CENTRAL_RDONLY, &e) != 0 ||
	    hrload_forms(c, &forms, &nforms, NULL, &e) != 0) {
		fprintf(stderr, "bench: %s\n", e.msg);
		exit(1);
	}
	for (i = 0; i < NUNITS; i++) {
		au[i].code = units[i];
		au[i].name = units[i];
		au[i].area = i % 2 ? "Norr" : "Söder";
	}
	a = agg_new((const struct form *const *)forms, nforms, au, NUNITS,
	    NULL);
	if (hrload_run(c, pk, sk, (const struct form *const *)forms, nforms,
	    a, NULL, &res, &e) != 0) {
		fprintf(stderr, "bench: %s\n", e.msg);
		exit(1);
	}
	t = now() - t0;
	*used = agg_records(a);
	agg_free(a);
	hrload_forms_free(forms, nforms);
	hrload_result_free(&res);
	central_close(c);
	return t;
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static void
print_fig(const char *what, double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	printf("%-28s median %.3f s (min %.3f, max %.3f, %zu runs)\n", what,
	    v[n / 2], v[0], v[n - 1], n);
}

/* CPU seconds (user + system) of the whole process so far: less
 * sensitive than wall time to other programs on a shared machine. */
static double
cpu_time(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static long
peak_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* The load average now: the machine is shared, the figures say how. */
static void
loadavg(const char *when)
{
	char buf[128] = "?\n";
	FILE *f = fopen("/proc/loadavg", "r");

	if (f != NULL) {
		if (fgets(buf, sizeof buf, f) == NULL)
			strcpy(buf, "?\n");
		fclose(f);
	}
	printf("load average %s: %s", when, buf);
}

int
main(void)
{
	struct form_diags d;
	struct central *c;
	struct err e;
	char dir[] = "/tmp/avslut-bench-XXXXXX", *db, *p;
	const char *s;
	size_t n = 100000, runs = 3, i, used = 0;
	double *tf, *tl, *tr, *cf, *cl, t0, c0, mload, mfloor;
	long rss;

	if ((s = getenv("AVSLUT_BENCH_N")) != NULL && atol(s) > 0)
		n = (size_t)atol(s);
	if ((s = getenv("AVSLUT_BENCH_RUNS")) != NULL && atol(s) > 0)
		runs = (size_t)atol(s);
	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		return 1;
	crypto_box_keypair(pk, sk);
	for (i = 0; i < NUNITS; i++)
		snprintf(units[i], sizeof units[i], "U%03zu", i + 1);
	memset(&d, 0, sizeof d);
	form = form_load_buf("exit-interview.yaml",
	    (const char *)embed_forms_exit_interview_yaml,
	    embed_forms_exit_interview_yaml_len, &d);
	form_diags_free(&d);
	db = xasprintf("%s/central.db", dir);
	if (form == NULL || central_open(&c, db, CENTRAL_CREATE, &e) != 0 ||
	    central_form_add(c, form->id, form->version, form->hash,
	    (const char *)embed_forms_exit_interview_yaml,
	    embed_forms_exit_interview_yaml_len, &e) != 0) {
		fprintf(stderr, "bench: cannot set up the store\n");
		return 1;
	}
	printf("bench_hrload: %zu interviews of the shipped form (%zu "
	    "questions), %d units, %u cores\n", n, form->nquestions, NUNITS,
	    ncores());
	t0 = now();
	generate(c, n);
	central_close(c);
	printf("%-28s %.1f s\n", "generated and ingested", now() - t0);
	loadavg("at the start");
	fflush(stdout);

	tl = xcalloc(runs, sizeof *tl);
	tf = xcalloc(runs, sizeof *tf);
	tr = xcalloc(runs, sizeof *tr);
	/* Interleaved, so that both see the same load on the machine. */
	cf = xcalloc(runs, sizeof *cf);
	cl = xcalloc(runs, sizeof *cl);
	for (i = 0; i < runs; i++) {
		c0 = cpu_time();
		tf[i] = floor_once(db);
		cf[i] = cpu_time() - c0;
		c0 = cpu_time();
		tl[i] = load_once(db, &used);
		cl[i] = cpu_time() - c0;
		tr[i] = tl[i] / tf[i];
	}
	rss = peak_rss_kib();

	print_fig("floor (seal_open, all cores)", tf, runs);
	print_fig("open + aggregate", tl, runs);
	mfloor = tf[runs / 2];
	mload = tl[runs / 2];
	qsort(tr, runs, sizeof *tr, cmp_double);
	printf("%-28s %.2fx (target <= 1.25x; per run: median %.2fx, min "
	    "%.2fx, max %.2fx)\n", "ratio of medians", mload / mfloor,
	    tr[runs / 2], tr[0], tr[runs - 1]);
	qsort(cf, runs, sizeof *cf, cmp_double);
	qsort(cl, runs, sizeof *cl, cmp_double);
	printf("%-28s floor %.3f s, open + aggregate %.3f s: %.2fx (the "
	    "floor's reading is included)\n", "CPU time (medians)",
	    cf[runs / 2], cl[runs / 2], cl[runs / 2] / cf[runs / 2]);
	printf("%-28s %zu of %zu\n", "records aggregated", used, n);
	printf("%-28s %.1f MiB (target < 300 MiB; whole process)\n",
	    "peak RSS", rss / 1024.0);

	free(tl);
	free(tf);
	free(tr);
	free(cf);
	free(cl);
	form_free(form);
	unlink(db);
	p = xasprintf("%s-wal", db);
	unlink(p);
	free(p);
	p = xasprintf("%s-shm", db);
	unlink(p);
	free(p);
	p = xasprintf("%s-key", db);	/* the envelope digest's key */
	unlink(p);
	free(p);
	rmdir(dir);
	free(db);
	loadavg("at the end");
	return 0;
}
