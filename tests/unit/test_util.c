/* Unit tests for src/util: UTF-8 rules, atomic files, paths. */
#include "rmtree.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "util/err.h"
#include "util/fsx.h"
#include "util/i18n.h"
#include "util/msg.h"
#include "util/pass.h"
#include "util/paths.h"
#include "util/utf8.h"
#include "util/xmem.h"

static void
test_utf8_decode(void **state)
{
	uint32_t cp = 0;

	(void)state;
	assert_int_equal(utf8_decode("\xc3\xa5", 2, &cp), 2);
	assert_int_equal(cp, 0xe5);				/* å */
	assert_int_equal(utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1f600);
	assert_int_equal(utf8_decode("\xc0\xaf", 2, &cp), 0);	/* overlong */
	assert_int_equal(utf8_decode("\xed\xa0\x80", 3, &cp), 0); /* surrogate */
	assert_int_equal(utf8_decode("\xe2\x82", 2, &cp), 0);	/* truncated */
	assert_int_equal(utf8_decode("\xf5\x80\x80\x80", 4, &cp), 0);
}

static void
test_utf8_clean(void **state)
{
	size_t bad = 0;
	uint32_t cp = 0;
	const char *rlo = "ab\xe2\x80\xae" "cd";	/* U+202E */

	(void)state;
	assert_true(utf8_clean("Hälsa på", strlen("Hälsa på"), 0, &bad, &cp));
	assert_false(utf8_clean(rlo, strlen(rlo), 0, &bad, &cp));
	assert_int_equal(bad, 2);
	assert_int_equal(cp, 0x202e);
	assert_false(utf8_clean("a\x1b[2J", 5, 0, &bad, &cp));
	assert_int_equal(bad, 1);
	assert_int_equal(cp, 0x1b);
	assert_false(utf8_clean("a\nb", 3, 0, &bad, &cp));
	assert_true(utf8_clean("a\nb", 3, 1, &bad, &cp));
	assert_false(utf8_clean("a\xff", 2, 1, &bad, &cp));
	assert_int_equal(cp, 0xffffffffu);
}

/* utf8_valid, utf8_clean, utf8_len and utf8_clean_len against a byte
 * by byte reference (utf8_decode, utf8_forbidden) on random strings of
 * the bytes at the edges of their 8-byte shortcuts, at every offset of
 * a word. */
static int
ref_clean(const char *s, size_t n, int nl, size_t *bad, uint32_t *badcp,
    size_t *len, int *valid)
{
	size_t i = 0, l, count = 0, vi;
	uint32_t cp = 0;
	int clean = 1;

	*valid = 1;
	for (vi = 0; vi < n; vi += l ? l : 1)
		if ((l = utf8_decode(s + vi, n - vi, &cp)) == 0)
			*valid = 0;
	while (i < n) {
		l = utf8_decode(s + i, n - i, &cp);
		if (clean && (l == 0 || (utf8_forbidden(cp) &&
		    !(nl && cp == '\n')))) {
			clean = 0;
			*bad = i;
			*badcp = l == 0 ? 0xffffffffu : cp;
		}
		i += l ? l : 1;
		count++;
	}
	*len = count;
	return clean;
}

static void
test_utf8_words(void **state)
{
	static const char *const pieces[] = { "a", "Z", " ", "~", "\x1f",
		"\x7f", "\n", "\t", "\xc3\xa5", "\xe2\x80\xae", "\xf0\x9f\x98\x80",
		"\xff", "\xc3", "\x80", "\xc2\x85", "\xef\xbb\xbf", "\xd8\x9c", "\xc2\xa0",
		"\xdf\xbf", "\xc2\x9f", "\xe0\x80\x80", "\0" };
	char s[256]; /* 40 pieces of at most 4 bytes */
	size_t n, k, bad, rbad, len, rlen, vbad;
	uint32_t cp, rcp;
	int t, nl, clean, rclean, rvalid;
	uint32_t seed = 12345;

	(void)state;
	for (t = 0; t < 20000; t++) {
		n = 0;
		seed = seed * 1103515245u + 12345u;
		k = (seed >> 16) % 40;
		while (k-- > 0) {
			const char *p;
			size_t pl;

			seed = seed * 1103515245u + 12345u;
			/* mostly printable ASCII, as texts are */
			p = (seed >> 16) % 3 != 0 ? &"abcdefgh"[(seed >> 8) % 8] :
			    pieces[(seed >> 16) % (sizeof pieces /
				sizeof *pieces)];
			pl = p[0] == '\0' ? 1 : strlen(p);
			if ((seed >> 16) % 3 != 0)
				pl = 1;
			memcpy(s + n, p, pl);
			n += pl;
		}
		nl = t & 1;
		bad = rbad = 777;
		cp = rcp = 0;
		rclean = ref_clean(s, n, nl, &rbad, &rcp, &rlen, &rvalid);
		clean = utf8_clean_len(s, n, nl, &len, &bad, &cp);
		assert_int_equal(clean, rclean);
		assert_int_equal(len, rlen);
		assert_int_equal(utf8_len(s, n), rlen);
		assert_int_equal(utf8_clean(s, n, nl, NULL, NULL), rclean);
		assert_int_equal(utf8_valid(s, n, &vbad), rvalid);
		if (!rclean) {
			assert_int_equal(bad, rbad);
			assert_int_equal(cp, rcp);
			bad = 777;
			cp = 0;
			assert_false(utf8_clean(s, n, nl, &bad, &cp));
			assert_int_equal(bad, rbad);
			assert_int_equal(cp, rcp);
		}
	}
}

static void
test_utf8_sanitize(void **state)
{
	char *s;

	(void)state;
	s = utf8_sanitize("a\x1b]0;x\x07z\xff", 9, 0);
	assert_string_equal(s, "a\xef\xbf\xbd]0;x\xef\xbf\xbdz\xef\xbf\xbd");
	free(s);
	assert_int_equal(utf8_len("åäö", strlen("åäö")), 3);
	/* the edges of the printable-ASCII shortcut: 0x1f, 0x7f and a bad
	 * byte after plain text are still caught; 0x20, 0x7e pass */
	s = utf8_sanitize(" ~\x1f\x7f!\xc3", 6, 1);
	assert_string_equal(s, " ~\xef\xbf\xbd\xef\xbf\xbd!\xef\xbf\xbd");
	free(s);
	assert_true(utf8_clean(" ~", 2, 0, NULL, NULL));
	assert_false(utf8_clean("ab\x7f", 3, 0, NULL, NULL));
	assert_false(utf8_clean("ab\x1f", 3, 1, NULL, NULL));
	assert_false(utf8_valid("abc\xc3", 4, NULL));
	assert_true(utf8_valid("abc\x7f\x01", 5, NULL));
	assert_int_equal(utf8_len("ab\xff\xc3\xa5" "c", 6), 5);
}

static void
test_fsx_atomic(void **state)
{
	char dir[] = "/tmp/avslut-test-XXXXXX";
	char *path, *sub, *buf = NULL;
	size_t len = 0;
	struct stat st;
	struct err e;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = paths_join(dir, "a/b/file");
	sub = paths_join(dir, "a/b");
	assert_int_equal(fsx_mkdir_p(sub, 0700, &e), 0);
	free(sub);
	assert_int_equal(fsx_write_atomic(path, "hej", 3, 0600, 1, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(fsx_write_atomic(path, "x", 1, 0600, 1, &e), -1);
	assert_non_null(strstr(e.msg, "already exists"));
	assert_int_equal(fsx_read_file(path, 100, &buf, &len, &e), 0);
	assert_int_equal(len, 3);
	assert_string_equal(buf, "hej");
	free(buf);
	assert_int_equal(fsx_read_file(path, 2, &buf, &len, &e), -1);
	assert_non_null(strstr(e.msg, "too large"));
	assert_int_equal(e.cls, ERR_DATA);
	free(path);
	rmtree(dir);
	/* An empty name: refused, without reading past it (ASan). */
	assert_int_equal(fsx_mkdir_p("", 0700, &e), -1);
	assert_string_equal(e.msg, "cannot create a directory with an empty "
	    "name: name one");
}

/* A FIFO given as a file is refused at once, not waited on for ever. */
static void
test_fsx_fifo(void **state)
{
	char dir[] = "/tmp/avslut-test-XXXXXX";
	char *path, *buf = NULL;
	size_t len = 0;
	struct err e;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = paths_join(dir, "fifo");
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(fsx_read_file(path, 100, &buf, &len, &e), -1);
	assert_non_null(strstr(e.msg, "not a regular file"));
	assert_int_equal(e.cls, ERR_DATA);
	unlink(path);
	assert_int_equal(fsx_read_file(path, 100, &buf, &len, &e), -1);
	assert_int_equal(e.cls, ERR_NOINPUT);
	unlink(path);
	rmdir(dir);
	free(path);
}

/* An atomic write never puts a file in the place of a pipe or a
 * directory (nor of a device: as root, --out /dev/null replaced it). */
static void
test_fsx_atomic_special(void **state)
{
	char dir[] = "/tmp/avslut-test-XXXXXX";
	char *fifo, *sub;
	struct stat st;
	struct err e;

	(void)state;
	assert_non_null(mkdtemp(dir));
	fifo = paths_join(dir, "fifo");
	sub = paths_join(dir, "sub");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(fsx_write_atomic(fifo, "x", 1, 0600, 0, &e), -1);
	assert_int_equal(e.cls, ERR_EXISTS);
	assert_non_null(strstr(e.msg, "not a regular file"));
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(fsx_write_atomic(sub, "x", 1, 0600, 0, &e), -1);
	assert_int_equal(e.cls, ERR_EXISTS);
	assert_int_equal(lstat(sub, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	unlink(fifo);
	rmdir(sub);
	rmdir(dir);
	free(fifo);
	free(sub);
}

/* Every class maps to its sysexits code, once (util/err.c), and back:
 * a status names its class, 74 I/O, one outside sysexits software. */
static void
test_err_exit_code(void **state)
{
	static const struct { enum err_class c; int code; const char *n; }
	    t[] = {
		{ ERR_SOFTWARE, 70, "software" }, { ERR_USAGE, 64, "usage" },
		{ ERR_DATA, 65, "data" }, { ERR_NOINPUT, 66, "noinput" },
		{ ERR_UNAVAILABLE, 69, "unavailable" },
		{ ERR_EXISTS, 73, "exists" }, { ERR_IO, 74, "io" },
		{ ERR_FULL, 74, "full" }, { ERR_BUSY, 75, "busy" },
		{ ERR_PERM, 77, "perm" }, { ERR_CONFIG, 78, "config" },
	};
	struct err e;
	size_t i;

	(void)state;
	assert_int_equal(sizeof t / sizeof t[0], ERR_NCLASS);
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		assert_int_equal(err_setc(&e, t[i].c, "x %d", 1), -1);
		assert_string_equal(e.msg, "x 1");
		assert_int_equal(cli_exit_code(&e), t[i].code);
		assert_string_equal(err_class_name(t[i].c), t[i].n);
		assert_int_equal(err_class_status(t[i].code),
		    t[i].c == ERR_FULL ? ERR_IO : t[i].c);
	}
	assert_int_equal(err_class_status(0), ERR_SOFTWARE);
	assert_int_equal(err_class_status(1), ERR_SOFTWARE);
	assert_int_equal(err_class_status(71), ERR_SOFTWARE);
	assert_int_equal(err_set(&e, "y"), -1);
	assert_int_equal(cli_exit_code(&e), 70);
	assert_int_equal(err_reclass(&e, ERR_FULL), -1);
	assert_string_equal(e.msg, "y");
	assert_int_equal(cli_exit_code(&e), 74);
	assert_int_equal(err_class_errno(ENOENT), ERR_NOINPUT);
	assert_int_equal(err_class_errno(ENOSPC), ERR_FULL);
	assert_int_equal(err_class_errno(EEXIST), ERR_EXISTS);
	assert_int_equal(err_class_errno(EIO), ERR_IO);
}

/* The one passphrase editor: backspace takes a whole UTF-8 character. */
static void
test_pass_line(void **state)
{
	struct pass_line l;
	char big[PASS_MAX + 1];

	(void)state;
	l.buf = sodium_malloc(PASS_MAX + 1);
	assert_non_null(l.buf);
	pass_line_wipe(&l);
	assert_int_equal(pass_line_add(&l, "a\xc3\xa5\xe2\x82\xac", 6), 0);
	pass_line_back(&l);			/* the euro sign */
	assert_string_equal(l.buf, "a\xc3\xa5");
	pass_line_back(&l);			/* the a-ring */
	assert_string_equal(l.buf, "a");
	pass_line_back(&l);
	pass_line_back(&l);			/* nothing left: no harm */
	assert_int_equal(l.len, 0);
	memset(big, 'x', sizeof big);
	assert_int_equal(pass_line_add(&l, big, PASS_MAX), 0);
	assert_int_equal(pass_line_add(&l, "y", 1), -1);
	assert_int_equal(l.len, PASS_MAX);
	assert_int_equal(l.buf[PASS_MAX], '\0');
	pass_line_wipe(&l);
	assert_int_equal(l.len, 0);
	assert_int_equal(l.buf[0], '\0');
	sodium_free(l.buf);
}

static void
oom_hook(void)
{
	fputs("hook ran\n", stderr);
}

/* Out of memory: the hook (tui_end) first, then the message under the
 * program's name, exit 71; no abort. */
static void
test_xmem_oom(void **state)
{
	char buf[256];
	int fds[2], status;
	size_t len;
	ssize_t n;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		dup2(fds[1], 2);
		msg_set_prog("avslut-hr");
		xmem_on_oom(oom_hook);
		/* nmemb * size overflows: refused before any malloc */
		(void)xreallocarray(NULL, SIZE_MAX, 2);
		_exit(0);
	}
	close(fds[1]);
	len = 0;
	while (len < sizeof buf - 1 &&
	    (n = read(fds[0], buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)n;
	close(fds[0]);
	buf[len] = '\0';
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 71);
	assert_string_equal(buf, "hook ran\navslut-hr: out of memory: free "
	    "some memory and try again\n");
}

/* The same in Swedish: the message is translated when the language is
 * set, not when memory has run out. Needs the built catalogue beside the
 * test's folder (build/locale); skipped where there is none. */
static void
test_xmem_oom_sv(void **state)
{
	char buf[256], exe[PATH_MAX], *dir;
	int fds[2], status;
	size_t len;
	ssize_t n;
	pid_t pid;

	(void)state;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';		/* build/tests */
	*strrchr(exe, '/') = '\0';		/* build */
	dir = xasprintf("%s/locale", exe);
	snprintf(buf, sizeof buf, "%s/sv/LC_MESSAGES/avslut.mo", dir);
	if (access(buf, R_OK) != 0) {
		free(dir);
		skip();
	}
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		dup2(fds[1], 2);
		setenv("AVSLUT_LOCALEDIR", dir, 1);
		setenv("LC_ALL", "C.UTF-8", 1);
		setlocale(LC_ALL, "");
		i18n_init("sv");
		msg_set_prog("avslut");
		(void)xreallocarray(NULL, SIZE_MAX, 2);
		_exit(0);
	}
	free(dir);
	close(fds[1]);
	len = 0;
	while (len < sizeof buf - 1 &&
	    (n = read(fds[0], buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)n;
	close(fds[0]);
	buf[len] = '\0';
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 71);
	assert_string_equal(buf, "avslut: slut på minne: frigör minne och "
	    "försök igen\n");
}

static void
test_paths_home(void **state)
{
	char *p;

	(void)state;
	setenv("AVSLUT_HOME", "/x/home", 1);
	p = paths_data_dir("avslut");
	assert_string_equal(p, "/x/home/data/avslut");
	free(p);
	unsetenv("AVSLUT_HOME");
	setenv("XDG_CONFIG_HOME", "/cfg", 1);
	p = paths_config_dir("avslut-hr");
	assert_string_equal(p, "/cfg/avslut-hr");
	free(p);
	setenv("XDG_CONFIG_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	p = paths_config_dir("avslut");
	assert_string_equal(p, "/home/u/.config/avslut");
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_decode),
		cmocka_unit_test(test_utf8_clean),
		cmocka_unit_test(test_utf8_words),
		cmocka_unit_test(test_utf8_sanitize),
		cmocka_unit_test(test_fsx_atomic),
		cmocka_unit_test(test_fsx_fifo),
		cmocka_unit_test(test_fsx_atomic_special),
		cmocka_unit_test(test_paths_home),
		cmocka_unit_test(test_err_exit_code),
		cmocka_unit_test(test_pass_line),
		cmocka_unit_test(test_xmem_oom),
		cmocka_unit_test(test_xmem_oom_sv),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
