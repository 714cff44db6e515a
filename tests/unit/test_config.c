/* Unit tests for src/config: the shipped sample region, the embedded
 * default, and the exact FILE:LINE:COL message for each kind of error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "config/embed.h"
#include "util/fsx.h"
#include "util/xmem.h"

/* The two lines every valid test config needs. */
#define UNITS "units:\n  - {code: A1, name: Alfa, area: Norra}\n"

static char *
src_path(const char *rel)
{
	const char *root = getenv("AVSLUT_SRCDIR");

	return xasprintf("%s/%s", root != NULL ? root : ".", rel);
}

/* Load text that must fail and return its first message (caller frees);
 * *n gets how many problems were found. */
static char *
first_error(const char *yaml, size_t len, size_t *n)
{
	struct form_diags d = { .n = 0 };
	struct config *c = config_load_buf("t.yaml", yaml, len, &d);
	char *m;

	if (c != NULL) {
		config_free(c);
		fail_msg("config loaded, expected an error:\n%s", yaml);
	}
	assert_true(d.n > 0);
	m = xstrdup(d.msg[0]);
	if (n != NULL)
		*n = d.n;
	form_diags_free(&d);
	return m;
}

static void
expect_error(const char *yaml, const char *want)
{
	char *m = first_error(yaml, strlen(yaml), NULL);

	if (strcmp(m, want) != 0)
		fail_msg("for:\n%s\nwant: %s\ngot:  %s", yaml, want, m);
	free(m);
}

static struct config *
load_ok(const char *yaml)
{
	struct form_diags d = { .n = 0 };
	struct config *c = config_load_buf("t.yaml", yaml, strlen(yaml), &d);

	if (c == NULL)
		fail_msg("config failed: %s", d.n ? d.msg[0] : "?");
	form_diags_free(&d);
	return c;
}

static void
test_shipped(void **state)
{
	struct form_diags d = { .n = 0 };
	char *path = src_path("config/avslut.yaml");
	struct config *c = config_load_file(path, &d);
	const struct config_unit *u;
	size_t i, a = 0, ae = 0, oe = 0;

	(void)state;
	if (c == NULL)
		fail_msg("%s", d.n ? d.msg[0] : "?");
	assert_string_equal(c->region, "Region Exempel");
	assert_int_equal(c->nunits, 20);
	assert_int_equal(c->k, 5);
	assert_int_equal(c->text_k, 8);
	assert_true(fabs(c->turnover_threshold - 0.10) < 1e-12);
	assert_int_equal(c->turnover_years, 3);
	assert_int_equal(c->quarterly, 0);
	assert_int_equal(c->sync_min, 5);
	assert_null(c->sync_to);
	assert_string_equal(c->ssh_program, "ssh");
	assert_string_equal(c->remote_command, "avslut-hr ingest -");
	assert_int_equal(c->nform_paths, 0);
	u = config_unit(c, "VC-ALBY");
	assert_non_null(u);
	assert_string_equal(u->name, "Alby vårdcentral");
	assert_string_equal(u->area, "Norra");
	u = config_unit(c, "SH-ONH");
	assert_non_null(u);
	assert_string_equal(u->name, "Öron-, näs- och halskliniken");
	assert_string_equal(u->area, "Sjukhuset");
	assert_null(config_unit(c, "vc-alby"));
	assert_null(config_unit(c, "NOPE"));
	/* Names starting with Å, Ä and Ö exercise the Swedish sort. */
	for (i = 0; i < c->nunits; i++) {
		a += strncmp(c->units[i].name, "Å", 2) == 0;
		ae += strncmp(c->units[i].name, "Ä", 2) == 0;
		oe += strncmp(c->units[i].name, "Ö", 2) == 0;
	}
	assert_true(a >= 1 && ae >= 1 && oe >= 1);
	config_free(c);
	free(path);
}

static void
test_embedded_equals_files(void **state)
{
	char *path, *buf;
	size_t len;
	struct err e;

	(void)state;
	path = src_path("config/avslut.yaml");
	assert_int_equal(fsx_read_file(path, 1 << 20, &buf, &len, &e), 0);
	assert_int_equal(len, embed_config_avslut_yaml_len);
	assert_memory_equal(buf, embed_config_avslut_yaml, len);
	assert_int_equal(embed_config_avslut_yaml[len], 0);
	free(buf);
	free(path);
	path = src_path("forms/exit-interview.yaml");
	assert_int_equal(fsx_read_file(path, 1 << 20, &buf, &len, &e), 0);
	assert_int_equal(len, embed_forms_exit_interview_yaml_len);
	assert_memory_equal(buf, embed_forms_exit_interview_yaml, len);
	free(buf);
	free(path);
}

/* config_load: the embedded default without a file, the file if there
 * is one, and a one-line error naming the file when it is broken. */
static void
test_config_load(void **state)
{
	char tmpl[] = "/tmp/avslut-config-XXXXXX", *dir, *file;
	const char *good = "region: Region Test\n" UNITS;
	const char *bad = "region: Region Test\nanonymity: {k: 2}\n"
	    "period: month\n" UNITS;
	struct config *c;
	struct err e;
	char *want;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	setenv("AVSLUT_HOME", tmpl, 1);
	c = config_load("avslut", &e);
	assert_non_null(c);
	assert_string_equal(c->region, "Region Exempel");
	assert_int_equal(c->nunits, 20);
	config_free(c);

	dir = xasprintf("%s/config/avslut", tmpl);
	file = xasprintf("%s/avslut.yaml", dir);
	assert_int_equal(fsx_mkdir_p(dir, 0700, &e), 0);
	assert_int_equal(fsx_write_atomic(file, good, strlen(good), 0600, 0,
	    &e), 0);
	c = config_load("avslut", &e);
	assert_non_null(c);
	assert_string_equal(c->region, "Region Test");
	assert_int_equal(c->nunits, 1);
	config_free(c);

	assert_int_equal(fsx_write_atomic(file, bad, strlen(bad), 0600, 0,
	    &e), 0);
	assert_null(config_load("avslut", &e));
	want = xasprintf("%s:2:16: anonymity.k must be at least 3 (fewer "
	    "answers could identify a leaver), not 2 (and 1 more problem)",
	    file);
	assert_string_equal(e.msg, want);
	free(want);

	unlink(file);
	rmdir(dir);
	free(file);
	free(dir);
	dir = xasprintf("%s/config", tmpl);
	rmdir(dir);
	free(dir);
	rmdir(tmpl);
	unsetenv("AVSLUT_HOME");
}

static void
test_defaults(void **state)
{
	struct config *c;

	(void)state;
	c = load_ok("region: R\n" UNITS);
	assert_int_equal(c->k, 5);
	assert_int_equal(c->text_k, 8);
	assert_int_equal(c->sensitive_t, 1);
	assert_int_equal(c->sync_min, 5);
	assert_int_equal(c->turnover_years, 3);
	assert_true(fabs(c->turnover_threshold - 0.10) < 1e-12);
	assert_string_equal(c->ssh_program, "ssh");
	config_free(c);
	/* sync.min_waiting follows k; text_k never falls below k. */
	c = load_ok("region: R\nanonymity: {k: 10, sensitive_t: 2}\n" UNITS);
	assert_int_equal(c->sensitive_t, 2);
	assert_int_equal(c->k, 10);
	assert_int_equal(c->text_k, 10);
	assert_int_equal(c->sync_min, 10);
	config_free(c);
	c = load_ok("region: R\nturnover:\n  threshold: 12.5 %\n"
	    "period: quarter\nsync:\n  min_waiting: 2\n"
	    "  to: ssh://hr@host/srv/central.db\n"
	    "  ssh_program: /usr/bin/ssh\n" UNITS);
	assert_true(fabs(c->turnover_threshold - 0.125) < 1e-12);
	assert_int_equal(c->quarterly, 1);
	assert_int_equal(c->sync_min, 2);
	assert_string_equal(c->sync_to, "ssh://hr@host/srv/central.db");
	assert_string_equal(c->ssh_program, "/usr/bin/ssh");
	config_free(c);
	c = load_ok("region: R\nsync:\n  to: ./hr@host\n" UNITS);
	assert_string_equal(c->sync_to, "./hr@host");
	config_free(c);
	c = load_ok("region: R\nsync:\n  to: dir:/mnt/hr@x\n" UNITS);
	assert_string_equal(c->sync_to, "dir:/mnt/hr@x");
	config_free(c);
	c = load_ok("region: R\nsync:\n  to:\n" UNITS);
	assert_null(c->sync_to);
	assert_int_equal(c->sample, 0);
	config_free(c);
	c = load_ok("region: R\nsample: true\n" UNITS);
	assert_int_equal(c->sample, 1);
	config_free(c);
	expect_error("region: R\nsample: yes\n" UNITS,
	    "t.yaml:2:9: sample must be true or false");
	/* Quoted, it is a string, as in a form. */
	expect_error("region: R\nsample: \"true\"\n" UNITS,
	    "t.yaml:2:9: sample must be true or false");
}

/* Relative form paths are taken from the config file's directory. */
static void
test_form_paths(void **state)
{
	char tmpl[] = "/tmp/avslut-config-XXXXXX", *file;
	const char *y = "region: R\nforms:\n  - extra.yaml\n  - /abs/f.yaml\n"
	    UNITS;
	struct form_diags d = { .n = 0 };
	struct config *c;
	struct err e;
	char *want;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	file = xasprintf("%s/avslut.yaml", tmpl);
	assert_int_equal(fsx_write_atomic(file, y, strlen(y), 0600, 0, &e),
	    0);
	c = config_load_file(file, &d);
	assert_non_null(c);
	assert_int_equal(c->nform_paths, 2);
	want = xasprintf("%s/extra.yaml", tmpl);
	assert_string_equal(c->form_paths[0], want);
	assert_string_equal(c->form_paths[1], "/abs/f.yaml");
	config_free(c);
	free(want);
	unlink(file);
	rmdir(tmpl);
	free(file);
	expect_error("region: R\nforms:\n  - a.yaml\n  - a.yaml\n" UNITS,
	    "t.yaml:4:5: forms[2]: \"a.yaml\" is listed twice");
}

static void
test_missing_file(void **state)
{
	struct form_diags d = { .n = 0 };

	(void)state;
	assert_null(config_load_file("/nonexistent/avslut.yaml", &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.msg[0], "cannot open /nonexistent/avslut.yaml: "
	    "No such file or directory");
	assert_int_equal(d.io, 1);
	form_diags_free(&d);
}

/* An oversized file is refused before it is read, with a position (as a
 * form is), and is not an I/O failure. */
static void
test_big_file(void **state)
{
	struct form_diags d = { .n = 0 };
	char path[] = "/tmp/test_config_XXXXXX", *want;
	FILE *fp;
	size_t i;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	for (i = 0; i <= CONFIG_MAX_BYTES; i++)
		fputc('#', fp);
	fclose(fp);
	assert_null(config_load_file(path, &d));
	unlink(path);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.io, 0);
	want = xasprintf("%s:1:1: file too large: 1048577 bytes, the config "
	    "may have at most 1048576 (1 MiB)", path);
	assert_string_equal(d.msg[0], want);
	free(want);
	form_diags_free(&d);
}

static void
test_err_keys(void **state)
{
	(void)state;
	expect_error("region: R\n" UNITS "colour: blue\n",
	    "t.yaml:4:1: unknown key 'colour' in the config: expected "
	    "region, anonymity, turnover, period, sync, forms, units, sample");
	expect_error("region: R\nunits:\n  - code: A1\n    name: Alfa\n"
	    "    area: Norra\n    boss: Nils\n",
	    "t.yaml:6:5: unknown key 'boss' in units[1]: expected code, "
	    "name, area");
	expect_error("region: R\nanonymity:\n  k: 5\n  kk: 6\n" UNITS,
	    "t.yaml:4:3: unknown key 'kk' in anonymity: expected k, "
	    "text_k, sensitive_t");
	expect_error("region: R\nregion: S\n" UNITS,
	    "t.yaml:2:1: duplicate key 'region' in the config (first at "
	    "line 1)");
	expect_error(UNITS, "t.yaml:1:1: missing key \"region\" in the "
	    "config");
	expect_error("region: R\n", "t.yaml:1:1: missing key \"units\" in "
	    "the config");
	expect_error("region: R\nunits:\n  - {code: A1, name: Alfa}\n",
	    "t.yaml:3:5: missing key \"area\" in units[1]");
	expect_error("region: R\nunits: []\n",
	    "t.yaml:2:8: units must list at least one unit");
	expect_error("", "t.yaml:1:1: the file is empty: it must set at "
	    "least region and units");
}

static void
test_err_types(void **state)
{
	(void)state;
	expect_error("region: [a, b]\n" UNITS,
	    "t.yaml:1:9: region must be text, not a list");
	expect_error("region:\n" UNITS,
	    "t.yaml:1:8: region must not be empty");
	expect_error("- a\n- b\n", "t.yaml:1:1: the config must be a "
	    "mapping (key: value lines), not a list");
	expect_error("region: R\nanonymity: 5\n" UNITS,
	    "t.yaml:2:12: anonymity must be a mapping (key: value lines), "
	    "not text");
	expect_error("region: R\nunits: {code: A1}\n",
	    "t.yaml:2:8: units must be a list of units (lines starting with "
	    "\"- \"), not a mapping");
	expect_error("region: R\nanonymity: {k: \"5\"}\n" UNITS,
	    "t.yaml:2:16: anonymity.k must be a whole number written "
	    "without quotes, not \"5\"");
	expect_error("region: R\nanonymity: {k: five}\n" UNITS,
	    "t.yaml:2:16: anonymity.k must be a whole number written "
	    "without quotes, not \"five\"");
	expect_error("region: R\nanonymity: {k: [5]}\n" UNITS,
	    "t.yaml:2:16: anonymity.k must be a whole number, not a list");
	expect_error("region: R\nperiod: month\n" UNITS,
	    "t.yaml:2:9: period must be \"year\" or \"quarter\", not "
	    "\"month\"");
	expect_error("region: R\nunits:\n  - {code: \"A 1\", name: Alfa, "
	    "area: N}\n",
	    "t.yaml:3:12: units[1].code \"A 1\": use letters A-Z, digits, "
	    "'-', '_' or '.', starting with a letter or digit");
	expect_error("region: R\nsync: {to: -oProxyCommand=x}\n" UNITS,
	    "t.yaml:2:12: sync.to must not start with '-'");
	/* scp's ways of naming a host would be a local file to avslut sync:
	 * refused at load; ./ makes such a name a file on purpose. */
	expect_error("region: R\nsync: {to: hr@host}\n" UNITS,
	    "t.yaml:2:12: sync.to \"hr@host\" would be taken for a file "
	    "name: for ssh write ssh://[user@]host/path/to/central.db, for a "
	    "file start it with ./");
	expect_error("region: R\nsync: {to: \"host:/srv/c.db\"}\n" UNITS,
	    "t.yaml:2:12: sync.to \"host:/srv/c.db\" would be taken for a "
	    "file name: for ssh write ssh://[user@]host/path/to/central.db, "
	    "for a file start it with ./");
}

static void
test_err_ranges(void **state)
{
	(void)state;
	expect_error("region: R\nanonymity:\n  k: 2\n" UNITS,
	    "t.yaml:3:6: anonymity.k must be at least 3 (fewer answers "
	    "could identify a leaver), not 2");
	expect_error("region: R\nanonymity:\n  k: -5\n" UNITS,
	    "t.yaml:3:6: anonymity.k must be at least 3 (fewer answers "
	    "could identify a leaver), not -5");
	expect_error("region: R\nanonymity:\n  k: 101\n" UNITS,
	    "t.yaml:3:6: anonymity.k must be at most 100, not 101");
	expect_error("region: R\nanonymity:\n  k: 99999999999999999999\n"
	    UNITS, "t.yaml:3:6: anonymity.k must be at most 100, not "
	    "99999999999999999999");
	expect_error("region: R\nanonymity:\n  k: 6\n  text_k: 5\n" UNITS,
	    "t.yaml:4:11: anonymity.text_k must be at least k (6), not 5");
	expect_error("region: R\nturnover:\n  threshold: 1.5\n" UNITS,
	    "t.yaml:3:14: turnover.threshold must be above 0 and at most 1 "
	    "(100 %), not 1.5");
	expect_error("region: R\nturnover:\n  threshold: 0\n" UNITS,
	    "t.yaml:3:14: turnover.threshold must be above 0 and at most 1 "
	    "(100 %), not 0");
	expect_error("region: R\nturnover:\n  threshold: 0,10\n" UNITS,
	    "t.yaml:3:14: turnover.threshold: write the decimals with a "
	    "point, as in 0.10, not a comma");
	expect_error("region: R\nturnover:\n  threshold: ten\n" UNITS,
	    "t.yaml:3:14: turnover.threshold must be a number such as 0.10 "
	    "or 10 % written without quotes, not \"ten\"");
	expect_error("region: R\nturnover:\n  years: 0\n" UNITS,
	    "t.yaml:3:10: turnover.years must be at least 1, not 0");
	expect_error("region: R\nturnover:\n  years: 21\n" UNITS,
	    "t.yaml:3:10: turnover.years must be at most 20, not 21");
	expect_error("region: R\nsync:\n  min_waiting: 0\n" UNITS,
	    "t.yaml:3:16: sync.min_waiting must be at least 1, not 0");
}

static void
test_err_units(void **state)
{
	(void)state;
	expect_error("region: R\nunits:\n"
	    "  - {code: VC-A, name: Alfa, area: N}\n"
	    "  - {code: VC-B, name: Beta, area: N}\n"
	    "  - {code: vc-a, name: Gamma, area: S}\n",
	    "t.yaml:5:12: duplicate unit code \"vc-a\" (first at line 3)");
	expect_error("region: R\nunits:\n"
	    "  - {code: VC-A, name: Alfa, area: N}\n"
	    "  - {code: VC-B, name: Alfa, area: S}\n",
	    "t.yaml:4:24: duplicate unit name \"Alfa\" (first at line 3)");
	expect_error("region: R\nunits:\n  - {code: A1, name: \"Al\\efa\", "
	    "area: N}\n",
	    "t.yaml:3:22: units[1].name contains the control or bidi "
	    "character U+001B");
	expect_error("region: R\nunits:\n  - {code: A1, name: \"Al\\nfa\", "
	    "area: N}\n", "t.yaml:3:22: units[1].name must be one line");
}

static void
test_err_hostile(void **state)
{
	char *big, *m;
	size_t n, i;
	static const char nul[] = "region: R\0\n" UNITS;

	(void)state;
	/* The reader is the form's (util/yaml.c): its messages name the
	 * anchor, alias or tag, and the kind of file. */
	expect_error("region: &a R\n" UNITS,
	    "t.yaml:1:9: anchor '&a': anchors and aliases are not allowed in "
	    "the config");
	expect_error("region: R\nunits:\n  - &u {code: A1, name: A, area: N}"
	    "\n  - *u\n",
	    "t.yaml:3:5: anchor '&u': anchors and aliases are not allowed in "
	    "the config");
	expect_error("region: R\nanonymity: {k: *x}\n" UNITS,
	    "t.yaml:2:16: alias '*x': anchors and aliases are not allowed in "
	    "the config");
	expect_error("region: !!str R\n" UNITS,
	    "t.yaml:1:9: tag 'tag:yaml.org,2002:str': YAML tags are not "
	    "allowed in the config");
	expect_error("region: R\n\tunits: []\n",
	    "t.yaml:2:1: tab character: use spaces (a tab is not allowed "
	    "anywhere in the file)");
	expect_error("\xef\xbb\xbfregion: R\n" UNITS,
	    "t.yaml:1:1: byte order mark (BOM) at the start: save the file "
	    "as UTF-8 without BOM");
	expect_error("region: R \xe2\x80\xae" "ok\n" UNITS,
	    "t.yaml:1:11: control or bidi character U+202E is not allowed");
	expect_error("# note \x1b[2J\nregion: R\n" UNITS,
	    "t.yaml:1:8: control or bidi character U+001B is not allowed");
	expect_error("region: R\xe5\n" UNITS, "t.yaml:1:10: invalid UTF-8 "
	    "(byte 0xe5): save the file as UTF-8");
	m = first_error(nul, sizeof nul - 1, NULL);
	assert_string_equal(m, "t.yaml:1:10: NUL byte: the config is a text "
	    "file");
	free(m);
	expect_error("region: R\n---\nregion: S\n",
	    "t.yaml:2:1: a second YAML document: the config file holds one");
	expect_error("region: R\nunits: [\n",
	    "t.yaml:3:1: YAML syntax error: did not find expected node "
	    "content (while parsing a flow node)");
	expect_error("region: \"R\n" UNITS,
	    "t.yaml:4:1: YAML syntax error: found unexpected end of stream "
	    "(while scanning a quoted scalar)");

	/* Deep nesting stops at a fixed depth, not at the stack's end. */
	big = xmalloc(200001);
	for (i = 0; i < 100000; i++)
		big[i] = '[';
	for (; i < 200000; i++)
		big[i] = ']';
	big[i] = '\0';
	m = first_error(big, 200000, NULL);
	assert_string_equal(m, "t.yaml:1:17: nesting deeper than 16 levels: "
	    "the config needs far fewer");
	free(m);
	free(big);

	/* Over the size limit: refused before parsing. */
	big = xmalloc(CONFIG_MAX_BYTES + 2);
	memset(big, '#', CONFIG_MAX_BYTES + 1);
	big[CONFIG_MAX_BYTES + 1] = '\0';
	m = first_error(big, CONFIG_MAX_BYTES + 1, NULL);
	assert_string_equal(m, "t.yaml:1:1: file too large: 1048577 bytes, "
	    "the config may have at most 1048576 (1 MiB)");
	free(m);
	free(big);

	/* Many values: refused at a fixed count. Nodes 1..5 are the root,
	 * region, R, forms and the list; node 100001 is item 99996. */
	big = xmalloc(200100);
	strcpy(big, "region: R\nforms: [");
	n = strlen(big);
	for (i = 0; i < 100000; i++) {
		big[n++] = 'a';
		big[n++] = ',';
	}
	strcpy(big + n, "a]\n");
	m = first_error(big, strlen(big), NULL);
	assert_string_equal(m, "t.yaml:2:199999: more than 100000 YAML nodes: "
	    "too large for the config");
	free(m);
	free(big);
}

/* One run reports every problem, not just the first. */
static void
test_err_all_at_once(void **state)
{
	const char *y = "region:\nanonymity:\n  k: 1\n  text_k: x\n"
	    "period: week\nunits:\n  - {code: A, name: N, area: X}\n"
	    "  - {code: a, name: M, area: X}\n";
	struct form_diags d = { .n = 0 };

	(void)state;
	assert_null(config_load_buf("t.yaml", y, strlen(y), &d));
	assert_int_equal(d.n, 5);
	assert_string_equal(d.msg[0], "t.yaml:1:8: region must not be empty");
	assert_string_equal(d.msg[1], "t.yaml:3:6: anonymity.k must be at "
	    "least 3 (fewer answers could identify a leaver), not 1");
	assert_string_equal(d.msg[2], "t.yaml:4:11: anonymity.text_k must be "
	    "a whole number written without quotes, not \"x\"");
	assert_string_equal(d.msg[3], "t.yaml:5:9: period must be \"year\" or "
	    "\"quarter\", not \"week\"");
	assert_string_equal(d.msg[4], "t.yaml:8:12: duplicate unit code "
	    "\"a\" (first at line 7)");
	form_diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_embedded_equals_files),
		cmocka_unit_test(test_config_load),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_form_paths),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_big_file),
		cmocka_unit_test(test_err_keys),
		cmocka_unit_test(test_err_types),
		cmocka_unit_test(test_err_ranges),
		cmocka_unit_test(test_err_units),
		cmocka_unit_test(test_err_hostile),
		cmocka_unit_test(test_err_all_at_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
