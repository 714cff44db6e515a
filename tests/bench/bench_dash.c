/* bench_dash: the HR side at national scale: AVSLUT_BENCH_N interviews
 * (default 100000) over 300 units from tests/bench/gen, opened the way
 * the dashboard and the report open them (approved forms, every envelope
 * into the aggregation through the cache with the releases' tap, the
 * gate's table of the last closed year). Cold (no cache) against the floor of crypto_box_seal_open
 * on every core over the same envelopes, then a second open of the same
 * store (the cache), then one after an ingest of 1 000 more, the
 * store's digest check that precedes every avslut-hr open (apart), and
 * the peak memory of each in a child process. The second open and the
 * one after the ingest go through the aggregate file (avslut-cache(5));
 * the first run of each kind prints which path it took (the cache's
 * trace, on stderr). AVSLUT_BENCH_RECORDS=1: the aggregate file off,
 * the record cache alone (as before it).
 * Figures only: nothing is asserted. */
#include <sys/resource.h>
#include <sys/wait.h>

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/embed.h"
#include "crypto/key.h"
#include "report/agg.h"
#include "report/cache.h"
#include "report/cache_rec.h"
#include "report/gate.h"
#include "report/hrload.h"
#include "report/release.h"
#include "store/central.h"
#include "util/xmem.h"

#define MAXRUNS 32	/* AVSLUT_BENCH_RUNS: fewer (1 for the 1M run) */
#define NEW 1000	/* interviews ingested before the incremental open */
#define NEWS "1000"
#define PASS "bench passphrase"

static char dir[256], db[300];
static struct key_hr *hk;

static double
cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
fail(const char *what, const char *why)
{
	fprintf(stderr, "bench_dash: %s: %s\n", what, why);
	exit(1);
}

/* --- the floor: every envelope through crypto_box_seal_open ------------ */

struct flat {
	uint8_t *buf;
	size_t *off, *len, n, cap, used;
};

static int
flat_add(void *ctx, const uint8_t *id, const uint8_t *data, size_t len)
{
	struct flat *f = ctx;

	(void)id;
	if (f->used + len > f->cap) {
		f->cap = (f->used + len) * 2;
		f->buf = xrealloc(f->buf, f->cap);
	}
	f->off = xreallocarray(f->off, f->n + 1, sizeof *f->off);
	f->len = xreallocarray(f->len, f->n + 1, sizeof *f->len);
	memcpy(f->buf + f->used, data, len);
	f->off[f->n] = f->used;
	f->len[f->n++] = len;
	f->used += len;
	return 0;
}

struct slice {
	const struct flat *f;
	size_t from, to;
};

static void *
floor_thread(void *arg)
{
	struct slice *s = arg;
	uint8_t *m = xmalloc(1 << 20);
	size_t i;

	for (i = s->from; i < s->to; i++)
		if (crypto_box_seal_open(m, s->f->buf + s->f->off[i],
		    s->f->len[i], hk->pk, hk->sk) != 0)
			fail("floor", "an envelope does not open");
	free(m);
	return NULL;
}

/* The floor: crypto_box_seal_open of every envelope on every
 * core, the envelopes already in memory (reading them is not counted). */
static double
floor_once(double *cpu_s)
{
	struct central *c;
	struct flat f;
	struct slice sl[64];
	pthread_t t[64];
	struct err e;
	long nc = sysconf(_SC_NPROCESSORS_ONLN);
	double t0, el;
	size_t i;

	memset(&f, 0, sizeof f);
	if (nc < 1 || nc > 64)
		nc = nc < 1 ? 1 : 64;
	if (central_open(&c, db, 0, &e) != 0 ||
	    central_env_foreach(c, flat_add, &f, &e) != 0)
		fail("floor", e.msg);
	central_close(c);
	t0 = now();
	*cpu_s = cpu();
	for (i = 0; i < (size_t)nc; i++) {
		sl[i].f = &f;
		sl[i].from = f.n * i / (size_t)nc;
		sl[i].to = f.n * (i + 1) / (size_t)nc;
		pthread_create(&t[i], NULL, floor_thread, &sl[i]);
	}
	for (i = 0; i < (size_t)nc; i++)
		pthread_join(t[i], NULL);
	el = now() - t0;
	*cpu_s = cpu() - *cpu_s;
	free(f.buf);
	free(f.off);
	free(f.len);
	return el;
}

/* --- the open: what avslut-hr dashboard and report do after the unlock -- */

static double
open_once(size_t *used, double *cpu_s)
{
	struct form **forms;
	struct central *c;
	struct agg *a;
	struct hrload_result res;
	struct gate_params p;
	struct gate_table *t;
	struct release_set *rs = NULL;
	struct hrload_opts o;
	struct err e;
	size_t nforms, skipped;
	double t0 = now(), c0 = cpu(), el;

	if (central_open(&c, db, 0, &e) != 0 ||
	    hrload_forms(c, &forms, &nforms, &skipped, &e) != 0)
		fail("open", e.msg);
	a = agg_new((const struct form *const *)forms, nforms, NULL, 0,
	    NULL);
	/* the releases' tap, as cli_hr.c sets it (the store has none) */
	if (release_set_open(&rs, c, hk->pk, hk->sk,
	    (const struct form *const *)forms, nforms, NULL, 0, &e) != 0)
		fail("releases", e.msg);
	memset(&o, 0, sizeof o);
	o.tap = release_set_tap;
	o.tap_ctx = rs;
	o.tap_digest = release_set_tap_digest;
	o.tap_put = release_set_tap_put;
	o.tap_get = release_set_tap_get;
	if (cache_run(c, hk->pk, hk->sk, (const struct form *const *)forms,
	    nforms, a, &o, &res, &e) != 0)
		fail("open", e.msg);
	gate_params_default(&p);
	if (gate_publish(&t, a, 2025, &p, &e) != 0)
		fail("gate", e.msg);
	el = now() - t0;
	*cpu_s = cpu() - c0;
	*used = res.used;
	gate_table_free(t);
	release_set_free(rs);
	hrload_result_free(&res);
	agg_free(a);
	hrload_forms_free(forms, nforms);
	central_close(c);
	return el;
}

/* open_once; trace: say which path it took (what, then the cache's
 * trace line, on stderr). */
static double
open_traced(const char *what, int trace, size_t *used, double *cpu_s)
{
	double el;

	if (trace) {
		fflush(stdout);
		fprintf(stderr, "%s: ", what);
		setenv("AVSLUT_CACHE_TRACE", "1", 1);
	}
	el = open_once(used, cpu_s);
	if (trace)
		unsetenv("AVSLUT_CACHE_TRACE");
	return el;
}

/* central_verify alone: the check of the envelope-set digest that every
 * avslut-hr open showing figures makes (CENTRAL_VERIFY) before the load,
 * not part of open_once. */
static double
verify_once(double *cpu_s)
{
	struct central *c;
	struct err e;
	double t0, c0, el;

	if (central_open(&c, db, 0, &e) != 0)
		fail("open", e.msg);
	t0 = now();
	c0 = cpu();
	if (central_verify(c, &e) != 0)
		fail("verify", e.msg);
	el = now() - t0;
	*cpu_s = cpu() - c0;
	central_close(c);
	return el;
}

/* Peak RSS in MiB of one open in a child (cold: the cache removed). */
static double
open_rss(int cold)
{
	struct rusage ru;
	struct err e;
	size_t used;
	pid_t pid;
	int st;

	if (cold && cache_remove(db, &e) != 0)
		fail("cache", e.msg);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		double cs;

		open_once(&used, &cs);
		cache_wait();	/* the background write counts too */
		_exit(0);
	}
	if (wait4(pid, &st, 0, &ru) < 0 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		fail("child", "failed");
	return (double)ru.ru_maxrss / 1024;
}

/* The load average now, for the figures' context. */
static void
loadavg(const char *when)
{
	char buf[128] = "?";
	FILE *f = fopen("/proc/loadavg", "r");

	if (f != NULL) {
		if (fgets(buf, sizeof buf, f) == NULL)
			strcpy(buf, "?\n");
		fclose(f);
	}
	printf("load average %s: %s", when, buf);
}

/* The background write of the cache the last open started. */
static double
write_wait(void)
{
	double t0 = now();

	cache_wait();
	return now() - t0;
}

/* k more interviews into the store (gen, the same way as the first n),
 * settled (VACUUM) as an ingest leaves it: not timed. */
static void
add_more(const char *b, size_t k)
{
	char *cmd = xasprintf("'%s/bench/gen' --n %zu --units 300 --years "
	    "2023:2025 central '%s' '%s/hr.pub' >/dev/null", b ? b : "build",
	    k, db, dir);

	if (system(cmd) != 0)
		fail("gen", cmd);
	free(cmd);
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static double
fig(const char *what, double *v, size_t n, const char *unit, double floor,
    const char *target)
{
	double med;

	qsort(v, n, sizeof *v, cmp_double);
	med = v[n / 2];
	printf("%-30s median %8.3f %s (min %.3f, max %.3f)", what, med, unit,
	    v[0], v[n - 1]);
	if (floor > 0)
		printf("  floor %.3f  ratio %.2f", floor, med / floor);
	printf("  target %s\n", target);
	return med;
}

/* AVSLUT_BENCH_KEEP=DIR: the generated store (key pair, central.db of n
 * interviews, before the form is approved) is kept in DIR and copied from
 * there by the next run of the same n, instead of made again (minutes at
 * 100 000). save: copy ours there; otherwise copy it here if it exists.
 * Returns 1 if the store is in place. */
static int
kept(const char *keep, int save)
{
	const char *from = save ? dir : keep, *to = save ? keep : dir;
	char *cmd;
	int r;

	if (!save && access(keep, F_OK) != 0)
		return 0;
	cmd = xasprintf("mkdir -p '%s' && cd '%s' && test -f central.db && "
	    "for f in hr.key hr.pub central.db central.db-key central.db-wal; "
	    "do if test -f $f; then cp $f '%s/' || exit 1; fi; done", to, from,
	    to);
	r = system(cmd);
	free(cmd);
	return r == 0;
}

/* The key wiped, the store's directory removed: main's result. */
static int
finish(void)
{
	char *cmd;

	key_hr_free(hk);
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_dash: could not remove %s\n", dir);
	free(cmd);
	return 0;
}

int
main(void)
{
	const char *b = getenv("AVSLUT_BUILD"), *ns = getenv("AVSLUT_BENCH_N");
	const char *keep = getenv("AVSLUT_BENCH_KEEP");
	const char *only = getenv("AVSLUT_BENCH_ONLY");
	struct central *c;
	struct form_diags d;
	struct form *f;
	struct err e;
	uint8_t pk[KEY_PK_BYTES];
	double fl[MAXRUNS], cold[MAXRUNS], warm[MAXRUNS], mcold[MAXRUNS];
	double mwarm[MAXRUNS], cfl[MAXRUNS], ccold[MAXRUNS], cwarm[MAXRUNS];
	double wr[MAXRUNS], inc[MAXRUNS], cinc[MAXRUNS], wrinc[MAXRUNS];
	double ver[MAXRUNS], cver[MAXRUNS];
	const char *rs = getenv("AVSLUT_BENCH_RUNS");
	int runs = rs != NULL && atoi(rs) >= 1 && atoi(rs) <= MAXRUNS ?
	    atoi(rs) : 3;
	double flmed, t0;
	char tgt[96];
	size_t n = ns ? strtoul(ns, NULL, 10) : 100000, used = 0;
	char *cmd, *keyf;
	int i;

	if (sodium_init() < 0)
		return 1;
	snprintf(dir, sizeof dir, "%s/avslut-bench-dash-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		fail("mkdtemp", dir);
	snprintf(db, sizeof db, "%s/central.db", dir);
	/* the releases' ledger (release_set_open) goes in here, not in the
	 * home of whoever runs the benchmark */
	keyf = xasprintf("%s/home", dir);
	setenv("AVSLUT_HOME", keyf, 1);
	free(keyf);
	t0 = now();
	if (keep == NULL || !kept(keep, 0)) {
		if (key_generate(dir, PASS, KEY_KDF_TEST, pk, &e) != 0)
			fail("keygen", e.msg);
		cmd = xasprintf("'%s/bench/gen' --n %zu --units 300 --years "
		    "2023:2025 central '%s' '%s/hr.pub' >/dev/null",
		    b ? b : "build", n, db, dir);
		if (system(cmd) != 0)
			fail("gen", cmd);
		free(cmd);
		if (keep != NULL)
			kept(keep, 1);
	}
	keyf = xasprintf("%s/hr.key", dir);
	if (key_unlock(keyf, PASS, &hk, &e) != 0)
		fail("unlock", e.msg);
	free(keyf);
	memset(&d, 0, sizeof d);
	f = form_load_buf("exit-interview.yaml",
	    (const char *)embed_forms_exit_interview_yaml,
	    embed_forms_exit_interview_yaml_len, &d);
	if (f == NULL || central_open(&c, db, 0, &e) != 0 ||
	    central_form_add(c, f->id, f->version, f->hash,
	    (const char *)embed_forms_exit_interview_yaml,
	    embed_forms_exit_interview_yaml_len, &e) < 0)
		fail("store", e.msg);
	central_close(c);
	form_free(f);
	printf("dashboard open: %zu interviews, 300 units, shipped form "
	    "(made in %.1f s); %d runs\n", n, now() - t0, runs);
	loadavg("at the start");
	if (getenv("AVSLUT_BENCH_RECORDS") != NULL &&
	    strcmp(getenv("AVSLUT_BENCH_RECORDS"), "1") == 0)
		cache_test_agg(1);
	if (getenv("AVSLUT_BENCH_PARTS") != NULL) /* threads decoding */
		cache_test_split(0, (unsigned)atoi(getenv("AVSLUT_BENCH_PARTS")),
		    0);
	if (only != NULL) { /* AVSLUT_BENCH_ONLY=cold|warm|inc: perf record */
		if (strcmp(only, "cold") != 0) {
			open_once(&used, &ccold[0]);
			write_wait();
		}
		for (i = 0; i < runs; i++) {
			if (strcmp(only, "cold") == 0 &&
			    cache_remove(db, &e) != 0)
				fail("cache", e.msg);
			if (strcmp(only, "inc") == 0)
				add_more(b, NEW);
			cold[i] = open_traced(only, i == 0, &used, &ccold[i]);
			write_wait();
			printf("%s open: %.3f s wall, %.3f s CPU\n", only,
			    cold[i], ccold[i]);
		}
		return finish();
	}
	for (i = 0; i < runs; i++) {
		fl[i] = floor_once(&cfl[i]);
		if (cache_remove(db, &e) != 0)
			fail("cache", e.msg);
		cold[i] = open_traced("cold open", i == 0, &used, &ccold[i]);
		wr[i] = write_wait();
		warm[i] = open_traced("second open", i == 0, &used,
		    &cwarm[i]);
		write_wait();
		ver[i] = verify_once(&cver[i]);
	}
	if (used != n)
		printf("warning: %zu of %zu interviews used\n", used, n);
	/* Open after an ingest of NEW more: the cache is extended. */
	for (i = 0; i < runs; i++) {
		add_more(b, NEW);
		inc[i] = open_traced("open after +" NEWS, i == 0, &used,
		    &cinc[i]);
		wrinc[i] = write_wait();
	}
	loadavg("after the opens");
	flmed = fig("floor: seal_open, all cores", fl, runs, "s", 0, "-");
	fig("cold open (no cache)", cold, runs, "s", flmed, "<= 1.15x floor");
	fig("  cache write (background)", wr, runs, "s", 0, "-");
	fig("second open (cache)", warm, runs, "s", 0, "< 0.3 s");
	snprintf(tgt, sizeof tgt, "<= %.3f s (0.3 s + %d x %.1f us)",
	    0.3 + NEW * flmed / (double)n, NEW, 1e6 * flmed / (double)n);
	fig("open after +" NEWS " (cache)", inc, runs, "s", 0, tgt);
	fig("  cache write (background)", wrinc, runs, "s", 0, "-");
	fig("digest check (CENTRAL_VERIFY)", ver, runs, "s", 0,
	    "- (before every avslut-hr open)");
	flmed = fig("  CPU time: floor", cfl, runs, "s", 0, "-");
	fig("  CPU time: cold open", ccold, runs, "s", flmed, "-");
	fig("  CPU time: second open", cwarm, runs, "s", 0, "-");
	fig("  CPU time: open after +" NEWS, cinc, runs, "s", 0, "-");
	fig("  CPU time: digest check", cver, runs, "s", 0, "-");
	for (i = 0; i < runs; i++) {
		mcold[i] = open_rss(1);
		mwarm[i] = open_rss(0);
	}
	fig("peak RSS, cold open", mcold, runs, "MiB", 0, "< 300 MiB");
	fig("peak RSS, second open", mwarm, runs, "MiB", 0, "< 300 MiB");
	loadavg("at the end");
	return finish();
}
