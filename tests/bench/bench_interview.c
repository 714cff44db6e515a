/* bench_interview: the interviewer's program with a 200-question form. The
 * real avslut in a pty: time from exec to its first screen drawn (config,
 * both forms loaded, profile unlocked with --kdf test, curses up) against
 * the floor of exec'ing /bin/true in a pty, and from the intro to the
 * first question drawn; peak memory of a whole interview (the test KDF
 * uses 1 MiB, so this is the program outside the KDF); answer-to-disk
 * (session_put, draft encode, encrypted outbox save with fdatasync) p99
 * against a 4 KiB pwrite + fdatasync in the same directory, interleaved.
 * Figures only: nothing is asserted. */
#define _GNU_SOURCE	/* memmem */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/key.h"
#include "crypto/profile.h"
#include "form/form.h"
#include "interview/session.h"
#include "store/outbox.h"
#include "util/paths.h"
#include "util/sec.h"
#include "util/xmem.h"

#define NQ 200
#define RUNS 7
#define SAVES 300
#define PASS "bench passphrase"

static char home[256], passfile[300], avslut[512];

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	fprintf(stderr, "bench_interview: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		die(path);
}

/* 10 sections of 20: scales, single choices, yes/no and a free text. */
static char *
big_form(void)
{
	char *s = xstrdup("id: big-form\nversion: 1\nlanguages: [sv, en]\n"
	    "title: {sv: \"Stor enkät\", en: \"Big form\"}\n"
	    "intro: {sv: \"Läs upp detta först.\", en: \"Read this.\"}\n"
	    "sections:\n"), *t;
	int sec, q, n = 0;

	for (sec = 0; sec < 10; sec++) {
		t = xasprintf("%s  - id: s%d\n    title: {sv: \"Avsnitt %d\", "
		    "en: \"Section %d\"}\n    questions:\n", s, sec, sec, sec);
		free(s);
		s = t;
		for (q = 0; q < 20; q++, n++) {
			const char *body;

			switch (q % 5) {
			case 0:
			case 1:
				body = "        type: scale\n"
				    "        min_label: {sv: \"Stämmer dåligt\", "
				    "en: \"Disagree\"}\n"
				    "        max_label: {sv: \"Stämmer bra\", "
				    "en: \"Agree\"}\n";
				break;
			case 2:
				body = "        type: single\n"
				    "        choices:\n"
				    "          - id: a\n            label: {sv: "
				    "\"Första\", en: \"First\"}\n"
				    "          - id: b\n            label: {sv: "
				    "\"Andra\", en: \"Second\"}\n"
				    "          - id: c\n            label: {sv: "
				    "\"Tredje\", en: \"Third\"}\n";
				break;
			case 3:
				body = "        type: yesno\n";
				break;
			default:
				body = "        type: text\n"
				    "        max_length: 2000\n";
				break;
			}
			t = xasprintf("%s      - id: q%03d\n        label: {sv: "
			    "\"Fråga nummer %d om arbetsmiljön på "
			    "avdelningen?\", en: \"Question %d?\"}\n%s", s, n,
			    n + 1, n + 1, body);
			free(s);
			s = t;
		}
	}
	return s;
}

static void
setup(void)
{
	struct err e;
	uint8_t pk[KEY_PK_BYTES];
	char *p, *dir, *form;
	int rc;

	snprintf(home, sizeof home, "%s/avslut-bench-iv-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(home) == NULL)
		die("mkdtemp");
	setenv("AVSLUT_HOME", home, 1);
	unsetenv("AVSLUT_PASSPHRASE_FILE");
	setenv("LANG", "C.UTF-8", 1);
	setenv("TERM", "xterm-256color", 1);
	setenv("TZ", "UTC", 1);
	snprintf(passfile, sizeof passfile, "%s/pass", home);
	write_file(passfile, PASS "\n");
	p = xasprintf("%s/hr", home);
	if (key_generate(p, PASS, KEY_KDF_TEST, pk, &e) != 0) {
		fprintf(stderr, "bench_interview: %s\n", e.msg);
		exit(1);
	}
	free(p);
	dir = paths_data_dir("avslut");
	rc = profile_create(dir, pk, PASS, KEY_KDF_TEST, NULL, &e);
	free(dir);
	if (rc != 0) {
		fprintf(stderr, "bench_interview: %s\n", e.msg);
		exit(1);
	}
	p = paths_config_dir("avslut");
	if (mkdir(home, 0700) != 0 && errno != EEXIST)
		die(home);
	{
		char *cfgd = xasprintf("%s/config", home), *cf, *ff;

		mkdir(cfgd, 0700);
		mkdir(p, 0700);
		free(cfgd);
		cf = xasprintf("%s/avslut.yaml", p);
		ff = xasprintf("%s/big.yaml", p);
		write_file(cf, "region: Region Bänk\nperiod: year\nunits:\n"
		    "  - code: U1\n    name: Avdelning Ett\n    area: Norra\n"
		    "forms:\n  - big.yaml\n");
		form = big_form();
		write_file(ff, form);
		free(form);
		free(cf);
		free(ff);
	}
	free(p);
}

/* A child in a pty and the bytes it wrote. */
struct child {
	pid_t pid;
	int fd;
	char *out;
	size_t len, cap;
};

static void
child_start(struct child *c, char *const argv[])
{
	struct winsize ws = { 24, 80, 0, 0 };

	memset(c, 0, sizeof *c);
	c->pid = forkpty(&c->fd, NULL, NULL, &ws);
	if (c->pid < 0)
		die("forkpty");
	if (c->pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
}

/* Read until needle has appeared (after offset from) or timeout; returns
 * 1 if it did. */
static int
child_wait(struct child *c, const char *needle, size_t from, double timeout)
{
	double end = now() + timeout;
	struct pollfd p;
	ssize_t n;

	for (;;) {
		if (c->len > from && memmem(c->out + from, c->len - from, needle,
		    strlen(needle)) != NULL)
			return 1;
		if (now() > end)
			return 0;
		p.fd = c->fd;
		p.events = POLLIN;
		if (poll(&p, 1, 50) <= 0)
			continue;
		if (c->len + 65536 > c->cap) {
			c->cap = c->cap ? c->cap * 2 : 1 << 20;
			c->out = xrealloc(c->out, c->cap);
		}
		n = read(c->fd, c->out + c->len, 65536);
		if (n <= 0)
			return needle[0] == '\0';
		c->len += (size_t)n;
	}
}

static void
child_send(struct child *c, const char *s)
{
	size_t len = strlen(s), off = 0;
	ssize_t n;

	while (off < len) {
		n = write(c->fd, s + off, len - off);
		if (n < 0 && errno != EINTR)
			die("write");
		if (n > 0)
			off += (size_t)n;
		child_wait(c, "\x01", c->len, 0);	/* drain a little */
	}
}

/* Wait for the child; returns its peak RSS in KiB. */
static long
child_end(struct child *c)
{
	struct rusage ru;
	int st;

	memset(&ru, 0, sizeof ru);
	while (wait4(c->pid, &st, WNOHANG, &ru) == 0)
		child_wait(c, "\x01", c->len, 0.05);	/* keep the pty drained */
	close(c->fd);
	free(c->out);
	return ru.ru_maxrss;
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static void
fig(const char *what, double *v, size_t n, double floor_med,
    const char *target)
{
	double med;

	qsort(v, n, sizeof *v, cmp_double);
	med = v[n / 2];
	printf("%-34s median %8.2f ms (min %.2f, max %.2f)", what, med * 1e3,
	    v[0] * 1e3, v[n - 1] * 1e3);
	if (floor_med > 0)
		printf("  floor %.2f ms  ratio %.2f", floor_med * 1e3,
		    med / floor_med);
	printf("  target %s\n", target);
}

/* exec to first screen, intro to first question; the floor execs
 * /bin/true in a pty. */
static void
bench_paint(void)
{
	char *argv[] = { avslut, "interview", "--unit", "U1", "--form",
		"big-form", "--lang", "sv", "--passphrase-file", passfile,
		NULL };
	char *tv[] = { "/bin/true", NULL };
	double first[RUNS], q1[RUNS], fl[RUNS], t0;
	struct child c;
	int i;

	for (i = 0; i < RUNS; i++) {
		t0 = now();
		child_start(&c, tv);
		child_end(&c);
		fl[i] = now() - t0;

		t0 = now();
		child_start(&c, argv);
		if (!child_wait(&c, "vilket spr", 0, 10)) {
			fprintf(stderr, "bench_interview: no first screen\n");
			exit(1);
		}
		first[i] = now() - t0;
		child_send(&c, "\r");
		child_wait(&c, "Läs upp detta", 0, 10);
		t0 = now();
		child_send(&c, "\r");
		if (!child_wait(&c, "Fråga 1 av 200", 0, 10)) {
			fprintf(stderr, "bench_interview: no question\n");
			exit(1);
		}
		q1[i] = now() - t0;
		child_send(&c, "\x1b[21~");	/* F10: leave, a draft stays */
		child_wait(&c, "Senaste", 0, 10);
		child_send(&c, "q");
		child_end(&c);
	}
	qsort(fl, RUNS, sizeof *fl, cmp_double);
	fig("exec /bin/true in a pty (floor)", fl, RUNS, 0, "-");
	fig("load + first screen (200 q)", first, RUNS, fl[RUNS / 2],
	    "< 20 ms");
	fig("intro -> question 1 drawn", q1, RUNS, 0, "-");
}

/* A whole interview of the 200 questions; peak RSS of the program. */
static void
bench_memory(void)
{
	char *argv[] = { avslut, "interview", "--unit", "U1", "--form",
		"big-form", "--lang", "sv", "--passphrase-file", passfile,
		NULL };
	double kib[3];
	struct child c;
	int i, q;

	for (i = 0; i < 3; i++) {
		child_start(&c, argv);
		child_wait(&c, "vilket spr", 0, 10);
		child_send(&c, "\r");
		child_wait(&c, "Läs upp detta", 0, 10);
		child_send(&c, "\r");
		child_wait(&c, "Fråga 1 av 200", 0, 10);
		for (q = 0; q < NQ; q++) {
			static const char *const keys[] = { "3\t", "4\t",
				"2\t", "j\t", "Ärligt talat: för få händer "
				"på kvällarna, för lite återhämtning 😕\t" };

			child_send(&c, keys[q % 5]);
		}
		if (!child_wait(&c, "Granska", 0, 60)) {
			fprintf(stderr, "bench_interview: no review\n");
			exit(1);
		}
		child_send(&c, "\x1b[15~");
		child_wait(&c, "Försegla intervjun nu", 0, 10);
		child_send(&c, "j");
		child_wait(&c, "Förseglad", 0, 10);
		child_send(&c, "\r");
		child_wait(&c, "Senaste", 0, 10);
		child_send(&c, "q");
		kib[i] = (double)child_end(&c);
	}
	qsort(kib, 3, sizeof *kib, cmp_double);
	printf("%-34s median %8.1f MiB (min %.1f, max %.1f)  target < 16 MiB\n",
	    "peak RSS, whole 200-q interview", kib[1] / 1024, kib[0] / 1024,
	    kib[2] / 1024);
}

static double
pct(double *v, size_t n, double p)
{
	qsort(v, n, sizeof *v, cmp_double);
	return v[(size_t)(p * (double)(n - 1) + 0.5)];
}

/* Answer-to-disk: what the screen does when the interviewer moves on. */
static void
bench_save(void)
{
	struct form_diags d;
	struct profile *pr;
	struct outbox *ob;
	struct session *s;
	struct form *f;
	struct err e;
	struct form_answer a;
	uint8_t draft[OUTBOX_ID_BYTES], *buf, page[4096];
	double save[SAVES], fl[SAVES], p99[5], f99[5], p50[5], f50[5], t0;
	char *dir, *ff, *floorpath;
	size_t len, i;
	int r, fd;

	dir = paths_data_dir("avslut");
	ff = xasprintf("%s/config/avslut/big.yaml", home);
	memset(&d, 0, sizeof d);
	if ((f = form_load_file(ff, &d)) == NULL) {
		fprintf(stderr, "bench_interview: big form: %s\n",
		    d.n ? d.msg[0] : "?");
		exit(1);
	}
	if (profile_unlock(dir, PASS, &pr, &e) != 0 ||
	    outbox_open(dir, &ob, &e) != 0 ||
	    outbox_draft_new(ob, pr->draft_key, draft, &e) != 0) {
		fprintf(stderr, "bench_interview: %s\n", e.msg);
		exit(1);
	}
	floorpath = xasprintf("%s/floor.bin", dir);
	if ((fd = open(floorpath, O_RDWR | O_CREAT | O_TRUNC, 0600)) < 0)
		die(floorpath);
	randombytes_buf(page, sizeof page);
	for (r = 0; r < 5; r++) {
		s = session_new(f, 0, "U1", 2026, 0, &e);
		session_start(s);
		for (i = 0; i < SAVES; i++) {
			size_t q = session_pos(s);

			memset(&a, 0, sizeof a);
			a.state = FORM_ANSWERED;
			switch (f->questions[q].type) {
			case FORM_TEXT:
				a.text = "Mer tid för återhämtning, färre "
				    "pass i rad och en chef som lyssnar.";
				break;
			case FORM_YESNO:
				a.num = FORM_YES;
				break;
			case FORM_SINGLE:
				a.num = 1;
				break;
			default:
				a.num = 4;
				break;
			}
			t0 = now();
			if (pwrite(fd, page, sizeof page,
			    (off_t)(i % 16) * 4096) != sizeof page ||
			    fdatasync(fd) != 0)
				die("fdatasync");
			fl[i] = now() - t0;
			t0 = now();
			if (session_put(s, q, &a, &e) != 0) {
				fprintf(stderr, "bench_interview: %s\n", e.msg);
				exit(1);
			}
			session_next(s, &e);
			session_encode(s, &buf, &len);
			if (outbox_draft_save(ob, pr->draft_key, draft, buf,
			    len, &e) != 0) {
				fprintf(stderr, "bench_interview: %s\n", e.msg);
				exit(1);
			}
			xfree_wipe(buf, len);
			save[i] = now() - t0;
			if (session_where(s) != SESSION_QUESTION)
				session_jump(s, 0);
		}
		session_free(s);
		p99[r] = pct(save, SAVES, 0.99);
		p50[r] = pct(save, SAVES, 0.50);
		f99[r] = pct(fl, SAVES, 0.99);
		f50[r] = pct(fl, SAVES, 0.50);
	}
	close(fd);
	unlink(floorpath);
	qsort(p50, 5, sizeof *p50, cmp_double);
	qsort(f50, 5, sizeof *f50, cmp_double);
	fig("4 KiB pwrite+fdatasync p99 (floor)", f99, 5, 0, "-");
	fig("answer-to-disk p99", p99, 5, f99[2], "floor + 1 ms");
	printf("%-34s answer %.2f ms, floor %.2f ms\n", "  (medians of the p50)",
	    p50[2] * 1e3, f50[2] * 1e3);
	printf("%-34s p99 - floor p99 = %+.2f ms\n", "", (p99[2] - f99[2]) *
	    1e3);
	outbox_close(ob);
	profile_free(pr);
	form_free(f);
	free(floorpath);
	free(ff);
	free(dir);
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
	const char *b = getenv("AVSLUT_BUILD");
	char *cmd;

	if (sec_init() == -1)
		return 1;
	snprintf(avslut, sizeof avslut, "%s/avslut", b ? b : "build");
	if (access(avslut, X_OK) != 0)
		die(avslut);
	setup();
	printf("interviewer program, %d-question form, %d runs each\n", NQ,
	    RUNS);
	loadavg("at the start");
	bench_paint();
	bench_memory();
	bench_save();
	loadavg("at the end");
	cmd = xasprintf("rm -rf '%s'", home);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_interview: could not remove %s\n", home);
	free(cmd);
	return 0;
}
