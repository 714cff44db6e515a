/* bench_sync: `make bench`. A sync of 10 000 sealed interviews through the
 * path transport and through ssh on loopback (a real sshd that the e2e
 * harness starts), each against the floor: a bare SQLite insert of the
 * same blobs in one transaction, measured in the same run. Target: the
 * path sync within 1.5x of the floor, ssh within 2x. Where the ssh time
 * goes: an ssh round trip alone (`ssh host true`), the store's ingest
 * (central_ingest) and its settle (VACUUM, "No order of arrival") timed
 * apart in this process; then SMALL more into a store of
 * AVSLUT_BENCH_STORE (default 100 000, 0: skipped), where the settle is
 * a rewrite of the whole store that the ssh sync no longer waits for.
 * Medians with min and max, and the load average. Prints figures;
 * asserts nothing. */
#include <sys/types.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "config/embed.h"
#include "crypto/env.h"
#include "crypto/record.h"
#include "form/form.h"
#include "store/central.h"
#include "store/outbox.h"
#include "sync/sync.h"
#include "util/sec.h"
#include "util/xmem.h"

#define N 10000
#define RUNS 5
#define SMALL 1000	/* synced into a store of AVSLUT_BENCH_STORE */
#define SMALLS "1000"

struct blob {
	uint8_t id[ENV_ID_BYTES];
	uint8_t *data;
	size_t len;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "bench_sync: %s: %s\n", what, why);
	exit(1);
}

static void
sql(sqlite3 *db, const char *s)
{
	if (sqlite3_exec(db, s, NULL, NULL, NULL) != SQLITE_OK)
		die(s, sqlite3_errmsg(db));
}

static char *make_central(const char *dir, const char *name,
    const uint8_t *sign_pk);

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

/* Median of v (sorted in place), printed with min and max. */
static double
fig(const char *what, double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	printf("%-34s median %.3f s (min %.3f, max %.3f)\n", what, v[n / 2],
	    v[0], v[n - 1]);
	return v[n / 2];
}

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

/* m envelopes of random bytes (ingest does not open them) into the
 * store at path, settled: a store that HR has used for years. */
static void
populate(const char *path, const uint8_t *sign_pk, size_t m)
{
	struct bundle_ack *acks;
	struct central *c;
	struct bundle b;
	struct err e;
	size_t i, k, nacks, added, chunk = 2000;

	if (central_open(&c, path, 0, &e) != 0)
		die(path, e.msg);
	memset(&b, 0, sizeof b);
	memcpy(b.signer, sign_pk, sizeof b.signer);
	b.envs = xcalloc(chunk, sizeof *b.envs);
	for (i = 0; i < chunk; i++) {
		b.envs[i].len = 1072;
		b.envs[i].data = xmalloc(1072);
	}
	for (k = 0; k < m; k += b.n) {
		b.n = m - k < chunk ? m - k : chunk;
		for (i = 0; i < b.n; i++) {
			randombytes_buf(b.envs[i].id, ENV_ID_BYTES);
			randombytes_buf(b.envs[i].data, 1072);
		}
		if (central_ingest(c, &b, &acks, &nacks, &added, &e) != 0)
			die(path, e.msg);
		free(acks);
	}
	central_close(c);		/* settles */
	for (i = 0; i < chunk; i++)
		free(b.envs[i].data);
	free(b.envs);
}

/* The remote side's store work, in this process: central_ingest of the N
 * blobs into a fresh store (*ins), then central_settle (*set). */
static void
ingest_parts(const char *dir, const struct blob *bl, const uint8_t *sign_pk,
    int run, size_t n, size_t m, double *ins, double *set)
{
	char *name = xasprintf("central-parts-%d.db", run);
	char *path = xasprintf("%s/%s", dir, name);
	struct bundle_ack *acks;
	struct central *c;
	struct bundle b;
	struct err e;
	size_t i, nacks, added;
	double t0;

	free(make_central(dir, name, sign_pk));
	if (m > 0)
		populate(path, sign_pk, m);
	memset(&b, 0, sizeof b);
	memcpy(b.signer, sign_pk, sizeof b.signer);
	b.n = n;
	b.envs = xcalloc(n, sizeof *b.envs);
	for (i = 0; i < n; i++) {
		memcpy(b.envs[i].id, bl[i].id, ENV_ID_BYTES);
		b.envs[i].data = bl[i].data;
		b.envs[i].len = bl[i].len;
	}
	if (central_open(&c, path, 0, &e) != 0)
		die(path, e.msg);
	t0 = now();
	if (central_ingest(c, &b, &acks, &nacks, &added, &e) != 0)
		die(path, e.msg);
	*ins = now() - t0;
	t0 = now();
	if (central_settle(c, &e) != 0)
		die(path, e.msg);
	*set = now() - t0;
	central_close(c);
	free(acks);
	free(b.envs);
	unlink(path);
	free(path);
	free(name);
}

/* N real sealed envelopes of the shipped form, every answer declined. */
static struct blob *
make_blobs(const uint8_t hr_pk[ENV_PK_BYTES])
{
	struct form_diags d;
	struct blob *b = xcalloc(N, sizeof *b);
	struct record r;
	struct form *f;
	struct err e;
	size_t i, q;

	memset(&d, 0, sizeof d);
	f = form_load_buf("exit-interview.yaml",
	    (const char *)embed_forms_exit_interview_yaml,
	    embed_forms_exit_interview_yaml_len, &d);
	if (f == NULL)
		die("form", "the embedded form does not load");
	memset(&r, 0, sizeof r);
	r.unit = "VC-BENCH";
	r.year = 2026;
	r.form_id = f->id;
	r.form_version = f->version;
	memcpy(r.form_hash, f->hash, sizeof r.form_hash);
	r.lang = f->langs[0];
	r.nanswers = f->nquestions;
	r.answers = xcalloc(f->nquestions, sizeof *r.answers);
	for (q = 0; q < f->nquestions; q++)
		r.answers[q].state = FORM_DECLINED;
	for (i = 0; i < N; i++)
		if (env_seal(&r, hr_pk, b[i].id, &b[i].data, &b[i].len, &e))
			die("seal", e.msg);
	free(r.answers);
	form_free(f);
	return b;
}

/* Put the blobs in the outbox as submit leaves them (set-up, untimed:
 * one transaction instead of N submits). */
static void
fill_outbox(const char *dir, const struct blob *b, size_t n)
{
	char *path = xasprintf("%s/%s", dir, OUTBOX_FILE);
	sqlite3_stmt *st;
	sqlite3 *db;
	size_t i;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(path, "cannot open");
	sql(db, "BEGIN");
	if (sqlite3_prepare_v2(db, "INSERT INTO envelopes (id, blob) "
	    "VALUES (?, ?)", -1, &st, NULL) != SQLITE_OK)
		die("outbox", sqlite3_errmsg(db));
	for (i = 0; i < n; i++) {
		sqlite3_bind_blob(st, 1, b[i].id, ENV_ID_BYTES, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, b[i].data, (int)b[i].len,
		    SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			die("outbox", sqlite3_errmsg(db));
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sql(db, "COMMIT");
	sqlite3_close(db);
	free(path);
}

/* The floor: the same rows into a table like central's, one transaction,
 * the same durability (WAL, synchronous=FULL). */
static double
floor_insert(const char *dir, const struct blob *b, int run)
{
	char *path = xasprintf("%s/floor-%d.db", dir, run);
	sqlite3_stmt *st;
	sqlite3 *db;
	double t0, t;
	size_t i;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(path, "cannot open");
	sql(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
	    "CREATE TABLE envelopes (id BLOB PRIMARY KEY NOT NULL, "
	    "data BLOB NOT NULL) WITHOUT ROWID");
	t0 = now();
	sql(db, "BEGIN IMMEDIATE");
	if (sqlite3_prepare_v2(db, "INSERT INTO envelopes (id, data) "
	    "VALUES (?, ?)", -1, &st, NULL) != SQLITE_OK)
		die("floor", sqlite3_errmsg(db));
	for (i = 0; i < N; i++) {
		sqlite3_bind_blob(st, 1, b[i].id, ENV_ID_BYTES, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, b[i].data, (int)b[i].len,
		    SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			die("floor", sqlite3_errmsg(db));
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sql(db, "COMMIT");
	t = now() - t0;
	sqlite3_close(db);
	free(path);
	return t;
}

static char *
make_central(const char *dir, const char *name, const uint8_t *sign_pk)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct central *c;
	struct err e;

	if (central_open(&c, path, CENTRAL_CREATE, &e) != 0)
		die(path, e.msg);
	if (central_interviewer_add(c, sign_pk, "bench", &e) < 0)
		die(path, e.msg);
	central_close(c);
	return path;
}

/* One timed sync of the whole outbox to dest. */
static double
timed_sync(const char *dir, const char *dest_s, const char *ssh_program,
    const char *remote, const uint8_t *sk, const uint8_t *pk, size_t n)
{
	struct sync_dest dest;
	struct sync_result r;
	struct sync_opts o;
	struct outbox *ob;
	struct err e;
	double t0, t;

	if (sync_dest_parse(&dest, dest_s, &e) != 0)
		die(dest_s, e.msg);
	memset(&o, 0, sizeof o);
	o.dest = &dest;
	o.data_dir = dir;
	o.ssh_program = ssh_program;
	o.remote_command = remote;
	o.sign_sk = sk;
	o.sign_pk = pk;
	o.min = 1;
	t0 = now();
	if (outbox_open(dir, &ob, &e) != 0)
		die("outbox", e.msg);
	if (sync_run(ob, &o, &r, &e) != 0)
		die(dest_s, e.msg);
	outbox_close(ob);
	t = now() - t0;
	if (r.sent != n || r.confirmed != n)
		die(dest_s, "not every envelope was sent and confirmed");
	sync_dest_free(&dest);
	return t;
}

/* Start tests/e2e/sshd.py in its manual mode; it prints the port and the
 * client wrapper, and stops its sshd on SIGTERM. */
static pid_t
start_sshd(char wrapper[1024])
{
	const char *src = getenv("AVSLUT_SRCDIR");
	char *script = xasprintf("%s/tests/e2e/sshd.py", src ? src : ".");
	char line[1024];
	int p[2], port;
	FILE *f;
	pid_t pid;

	if (access(script, R_OK) != 0 || access("/usr/sbin/sshd", X_OK) != 0)
		return -1;
	if (pipe(p) == -1 || (pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execlp("python3", "python3", script, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	free(script);
	f = fdopen(p[0], "r");
	if (fgets(line, sizeof line, f) == NULL ||
	    sscanf(line, "sshd on 127.0.0.1:%d, client: %1000s", &port,
	    wrapper) != 2) {
		fclose(f);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return -1;
	}
	fclose(f);
	return pid;
}

int
main(void)
{
	uint8_t hr_pk[crypto_box_PUBLICKEYBYTES];
	uint8_t hr_sk[crypto_box_SECRETKEYBYTES];
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char tmpl[] = "/tmp/avslut-bench-sync-XXXXXX", wrapper[1024];
	const char *build = getenv("AVSLUT_BUILD");
	char *db, *db2, *dest, *remote, *cmd;
	int run;
	double fl[RUNS], tp[RUNS], ts[RUNS], ins[RUNS], set[RUNS], rt[RUNS];
	double flm, tpm, tsm, tm[RUNS], insm[RUNS], setm[RUNS];
	const char *ms = getenv("AVSLUT_BENCH_STORE");
	size_t m = ms != NULL ? strtoul(ms, NULL, 10) : 100000;
	int mruns = 3;
	struct outbox *ob;
	struct blob *b;
	struct err e;
	size_t i, bytes = 0;
	pid_t sp;

	if (sec_init() == -1)
		die("libsodium", "cannot start");
	if (mkdtemp(tmpl) == NULL)
		die("mkdtemp", "failed");
	crypto_box_keypair(hr_pk, hr_sk);
	crypto_sign_keypair(pk, sk);
	b = make_blobs(hr_pk);
	for (i = 0; i < N; i++)
		bytes += b[i].len;
	if (outbox_open(tmpl, &ob, &e) != 0)
		die("outbox", e.msg);
	outbox_close(ob);
	printf("%d sealed interviews, %.1f MB of envelopes\n", N,
	    (double)bytes / 1e6);

	/* The machine is shared: medians of RUNS, with min and max. */
	loadavg("at the start");
	for (run = 0; run < RUNS; run++) {
		char *name = xasprintf("central-%d.db", run);

		fl[run] = floor_insert(tmpl, b, run);
		db = make_central(tmpl, name, pk);
		fill_outbox(tmpl, b, N);
		tp[run] = timed_sync(tmpl, db, NULL, NULL, sk, pk, N);
		ingest_parts(tmpl, b, pk, run, N, 0, &ins[run], &set[run]);
		free(name);
		free(db);
	}
	flm = fig("floor: bare insert, one transaction", fl, RUNS);
	tpm = fig("path sync", tp, RUNS);
	printf("  ratio %.2fx (target 1.5x)\n", tpm / flm);
	fig("  of which central_ingest", ins, RUNS);
	fig("  of which central_settle (VACUUM)", set, RUNS);

	sp = start_sshd(wrapper);
	if (sp == -1)
		printf("ssh sync: skipped (no sshd or no tests/e2e/sshd.py)\n");
	else {
		remote = xasprintf("%s/avslut-hr ingest -",
		    build ? build : "build");
		cmd = xasprintf("'%s' 127.0.0.1 true", wrapper);
		for (run = 0; run < RUNS; run++) {
			char *name = xasprintf("central-ssh-%d.db", run);
			double t0;

			db2 = make_central(tmpl, name, pk);
			fill_outbox(tmpl, b, N);
			dest = xasprintf("ssh://127.0.0.1%s", db2);
			ts[run] = timed_sync(tmpl, dest, wrapper, remote, sk,
			    pk, N);
			t0 = now();
			if (system(cmd) != 0)
				die("ssh", cmd);
			rt[run] = now() - t0;
			free(dest);
			free(db2);
			free(name);
		}
		free(cmd);
		tsm = fig("ssh sync (loopback)", ts, RUNS);
		printf("  ratio %.2fx (target 2x)\n", tsm / flm);
		fig("  ssh round trip alone (true)", rt, RUNS);
		/* A store in use: SMALL more into M already there. The
		 * settle (VACUUM of all M) is what the ssh sync no longer
		 * waits for: timed apart, in this process. */
		for (run = 0; run < mruns && m > 0; run++) {
			char *name = xasprintf("central-m-%d.db", run);

			db2 = make_central(tmpl, name, pk);
			populate(db2, pk, m);
			fill_outbox(tmpl, b, SMALL);
			dest = xasprintf("ssh://127.0.0.1%s", db2);
			tm[run] = timed_sync(tmpl, dest, wrapper, remote, sk,
			    pk, SMALL);
			ingest_parts(tmpl, b, pk, run, SMALL, m, &insm[run],
			    &setm[run]);
			free(dest);
			free(db2);
			free(name);
		}
		if (m > 0) {
			printf("into a store of %zu:\n", m);
			fig("ssh sync of " SMALLS, tm, mruns);
			fig("  central_ingest of " SMALLS, insm, mruns);
			fig("  central_settle (not waited for)", setm, mruns);
		}
		kill(sp, SIGTERM);
		waitpid(sp, NULL, 0);
		free(remote);
	}
	loadavg("at the end");
	for (i = 0; i < N; i++)
		free(b[i].data);
	free(b);
	cmd = xasprintf("rm -rf '%s'", tmpl);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_sync: cannot remove %s\n", tmpl);
	free(cmd);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(hr_sk, sizeof hr_sk);
	return 0;
}
