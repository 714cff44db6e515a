/* Unit tests for src/util/yaml: every cap and refusal of the shared
 * reader with its exact position, the tree, and the typed getters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xmem.h"
#include "util/yaml.h"

/* Small caps so that each is easy to reach. */
static const struct ylimits lim = { "a test", 4096, 3, 20, 16 };

/* Load s (length len) and expect a refusal whose only (or first, if
 * many) message is want, at line:col. */
static void
refused_n(const char *s, size_t len, size_t line, size_t col,
    const char *want)
{
	struct ydoc d;

	assert_int_equal(ydoc_load(&d, "t", s, len, &lim), -1);
	assert_null(d.root);
	assert_true(d.ndg >= 1);
	ydoc_sort(&d);
	if (strcmp(d.dg[0].msg, want) != 0 || d.dg[0].line != line ||
	    d.dg[0].col != col)
		fail_msg("for %s\nwant %zu:%zu: %s\ngot  %zu:%zu: %s", s, line,
		    col, want, d.dg[0].line, d.dg[0].col, d.dg[0].msg);
	ydoc_free(&d);
}

static void
refused(const char *s, size_t line, size_t col, const char *want)
{
	refused_n(s, strlen(s), line, col, want);
}

static void
test_tree(void **state)
{
	const char *s = "a: 1\nb: [x, 'y']\nc: {d: \"e\"}\n";
	const struct ynode *r, *b;
	struct ydoc d;

	(void)state;
	assert_int_equal(ydoc_load(&d, "t", s, strlen(s), &lim), 0);
	assert_int_equal(d.ndg, 0);
	r = d.root;
	assert_non_null(r);
	assert_int_equal(r->kind, YN_MAP);
	assert_int_equal(r->n, 6);
	assert_true(ynode_is(r->kids[0], "a"));
	assert_int_equal(r->kids[1]->style, YS_PLAIN);
	b = r->kids[3];
	assert_int_equal(b->kind, YN_SEQ);
	assert_int_equal(b->n, 2);
	assert_int_equal(b->line, 2);
	assert_int_equal(b->col, 4);
	assert_int_equal(b->kids[1]->style, YS_SQUOTED);
	assert_int_equal(b->kids[1]->col, 8);
	assert_int_equal(r->kids[5]->kind, YN_MAP);
	assert_int_equal(r->kids[5]->kids[1]->style, YS_DQUOTED);
	assert_int_equal(d.nnodes, 11);
	ydoc_free(&d);

	/* Empty and comment-only files: a tree of nothing, no problem. */
	assert_int_equal(ydoc_load(&d, "t", "", 0, &lim), 0);
	assert_null(d.root);
	assert_int_equal(d.ndg, 0);
	ydoc_free(&d);
	assert_int_equal(ydoc_load(&d, "t", "# x\n", 4, &lim), 0);
	assert_null(d.root);
	ydoc_free(&d);
}

static void
test_prescan(void **state)
{
	static const char nul[] = "a: b\0c\n";
	struct ydoc d;

	(void)state;
	refused("\xef\xbb\xbf" "a: 1\n", 1, 1, "byte order mark (BOM) at the "
	    "start: save the file as UTF-8 without BOM");
	refused("a: 1\nb: \xc3\xa5\xff\n", 2, 5, "invalid UTF-8 (byte 0xff): "
	    "save the file as UTF-8");
	refused("a: \xed\xa0\x80\n", 1, 4, "invalid UTF-8 (byte 0xed): save "
	    "the file as UTF-8");
	refused_n(nul, sizeof nul - 1, 1, 5, "NUL byte: a test is a "
	    "text file");
	refused("a: 1\n\tb: 2\n", 2, 1, "tab character: use spaces (a tab "
	    "is not allowed anywhere in the file)");
	refused("a: 1 # \t\n", 1, 8, "tab character: use spaces (a tab is "
	    "not allowed anywhere in the file)");
	refused("# \x1b[2J\na: 1\n", 1, 3, "control or bidi character U+001B "
	    "is not allowed");
	refused("a: x\xe2\x80\xaey\n", 1, 5, "control or bidi character "
	    "U+202E is not allowed");
	refused("a: 1\rb: 2\n", 1, 5, "control or bidi character U+000D is "
	    "not allowed");
	/* NEL is refused, and counted as a line break as libyaml does. */
	refused("a: 1\xc2\x85" "b: \x7f\n", 1, 5, "control or bidi character "
	    "U+0085 is not allowed");
	/* CRLF line ends are fine; positions count lines across them. */
	assert_int_equal(ydoc_load(&d, "t", "a: 1\r\nb: 2\r\n", 12, &lim),
	    0);
	assert_int_equal(d.root->kids[2]->line, 2);
	ydoc_free(&d);

	/* Every problem, in source order; one per bad sequence. */
	assert_int_equal(ydoc_load(&d, "t", "a:\t\xff\xfe 1 \x01\n", 10, &lim),
	    -1);
	assert_int_equal(d.ndg, 4);
	ydoc_sort(&d);
	assert_int_equal(d.dg[0].col, 3);
	assert_int_equal(d.dg[1].col, 4);
	assert_int_equal(d.dg[2].col, 5);
	assert_int_equal(d.dg[3].col, 9);
	ydoc_free(&d);
}

static void
test_caps(void **state)
{
	struct ydoc d;
	char *big;

	(void)state;
	/* Size: refused before reading, buf not even looked at. */
	big = xmalloc(4097);
	memset(big, 'a', 4097);
	refused_n(big, 4097, 1, 1, "file too large: 4097 bytes, a test "
	    "may have at most 4096 (1 MiB)");
	assert_int_equal(ydoc_load(&d, "t", NULL, 5000, &lim), -1);
	assert_int_equal(d.ndg, 1);
	ydoc_free(&d);
	free(big);

	/* Depth: three levels read, the fourth refused where it starts. */
	assert_int_equal(ydoc_load(&d, "t", "[[[1]]]", 7, &lim), 0);
	ydoc_free(&d);
	refused("[[[[1]]]]", 1, 4, "nesting deeper than 3 levels: a test "
	    "needs far fewer");
	refused("a:\n  b:\n    c:\n      - 1\n", 4, 7, "nesting deeper than "
	    "3 levels: a test needs far fewer");

	/* Nodes: the 21st refused at its position. */
	refused("[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]", 1, 50,
	    "more than 20 YAML nodes: too large for a test");
	assert_int_equal(ydoc_load(&d, "t", "[1,2,3,4,5,6,7,8,9,10,11,12,13,"
	    "14,15,16,17,18,19]", 49, &lim), 0);
	assert_int_equal(d.nnodes, 20);
	ydoc_free(&d);

	/* Scalar length: 16 bytes fine, 17 refused. */
	assert_int_equal(ydoc_load(&d, "t", "a: '0123456789abcdef'", 21, &lim),
	    0);
	ydoc_free(&d);
	refused("a: '0123456789abcdefg'", 1, 4, "a value of 17 bytes: a test "
	    "may have at most 16 in one value");
}

static void
test_refusals(void **state)
{
	(void)state;
	refused("a: &x 1\nb: 2\n", 1, 4, "anchor '&x': anchors and aliases "
	    "are not allowed in a test");
	refused("a: *x\n", 1, 4, "alias '*x': anchors and aliases are not "
	    "allowed in a test");
	refused("- &l [1]\n", 1, 3, "anchor '&l': anchors and aliases are "
	    "not allowed in a test");
	refused("a: !!int 1\n", 1, 4, "tag 'tag:yaml.org,2002:int': YAML "
	    "tags are not allowed in a test");
	refused("a: !<%1b> 1\n", 1, 4, "tag '\xef\xbf\xbd': YAML tags are not "
	    "allowed in a test");
	refused("a: 1\n---\nb: 2\n", 2, 1, "a second YAML document: a test "
	    "file holds one");
	refused("a: [1\n", 2, 1, "YAML syntax error: did not find expected "
	    "',' or ']' (while parsing a flow sequence)");
	refused("a: 1: 2\n", 1, 5, "YAML syntax error: mapping values are "
	    "not allowed in this context");
}

static void
test_keys(void **state)
{
	static const char *const keys[] = { "id", "name", NULL };
	const char *s = "id: 1\nnom: x\nid: 2\n[a]: 1\nname: n\n";
	const struct ynode *v[2], *k[2];
	struct ydoc d;

	(void)state;
	assert_int_equal(ydoc_load(&d, "t", s, strlen(s), &lim), 0);
	ydoc_keys(&d, d.root, "a thing", keys, "id, name", v, k);
	assert_int_equal(d.ndg, 3);
	assert_string_equal(d.dg[0].msg, "unknown key 'nom' in a thing: "
	    "expected id, name");
	assert_int_equal(d.dg[0].line, 2);
	assert_string_equal(d.dg[1].msg, "duplicate key 'id' in a thing "
	    "(first at line 1)");
	assert_int_equal(d.dg[1].line, 3);
	assert_string_equal(d.dg[2].msg, "expected a key in a thing, found "
	    "a list");
	assert_true(ynode_is(v[0], "1"));	/* the first one counts */
	assert_true(ynode_is(v[1], "n"));
	assert_int_equal(k[1]->line, 5);
	ydoc_free(&d);
}

/* The first scalar value of a one-key mapping. */
static const struct ynode *
value(struct ydoc *d, const char *s)
{
	static const struct ylimits roomy = { "a test", 4096, 3, 20, 64 };

	assert_int_equal(ydoc_load(d, "t", s, strlen(s), &roomy), 0);
	assert_non_null(d->root);
	return d->root->kids[1];
}

static void
test_getters(void **state)
{
	struct ydoc d;
	long long v = 0;
	size_t bad;
	uint32_t cp;
	int b = -1;
	char buf[160];

	(void)state;
	assert_int_equal(ynode_int(value(&d, "a: -12"), -20, 20, &v), YG_OK);
	assert_int_equal(v, -12);
	ydoc_free(&d);
	assert_int_equal(ynode_int(value(&d, "a: 21"), 0, 20, &v), YG_HIGH);
	assert_int_equal(v, 21);
	ydoc_free(&d);
	assert_int_equal(ynode_int(value(&d, "a: -1"), 0, 20, &v), YG_LOW);
	ydoc_free(&d);
	assert_int_equal(ynode_int(value(&d, "a: 99999999999999999999"), 0,
	    20, &v), YG_HIGH);
	ydoc_free(&d);
	assert_int_equal(ynode_int(value(&d, "a: 05"), 0, 20, &v), YG_FORMAT);
	ydoc_free(&d);
	assert_int_equal(ynode_int(value(&d, "a: '5'"), 0, 20, &v), YG_FORMAT);
	ydoc_free(&d);
	assert_int_equal(ynode_int(value(&d, "a: +5"), 0, 20, &v), YG_FORMAT);
	ydoc_free(&d);
	assert_int_equal(ynode_int(value(&d, "a: [5]"), 0, 20, &v), YG_TYPE);
	ydoc_free(&d);

	assert_int_equal(ynode_bool(value(&d, "a: true"), &b), YG_OK);
	assert_int_equal(b, 1);
	ydoc_free(&d);
	assert_int_equal(ynode_bool(value(&d, "a: false"), &b), YG_OK);
	assert_int_equal(b, 0);
	ydoc_free(&d);
	assert_int_equal(ynode_bool(value(&d, "a: 'true'"), &b), YG_FORMAT);
	ydoc_free(&d);
	assert_int_equal(ynode_bool(value(&d, "a: yes"), &b), YG_FORMAT);
	ydoc_free(&d);

	assert_int_equal(ynode_text(value(&d, "a: h\xc3\xa5j"), 0, 3, &bad,
	    &cp), YG_OK);
	ydoc_free(&d);
	assert_int_equal(ynode_text(value(&d, "a: hej!"), 0, 3, &bad, &cp),
	    YG_LONG);
	ydoc_free(&d);
	assert_int_equal(ynode_text(value(&d, "a: ''"), 0, 3, &bad, &cp),
	    YG_EMPTY);
	ydoc_free(&d);
	assert_int_equal(ynode_text(value(&d, "a: \"x\\ny\""), 0, 9, &bad,
	    &cp), YG_CHAR);
	assert_int_equal(bad, 1);
	assert_int_equal(cp, '\n');
	ydoc_free(&d);
	assert_int_equal(ynode_text(value(&d, "a: \"x\\ny\""), 1, 9, &bad,
	    &cp), YG_OK);
	ydoc_free(&d);
	assert_int_equal(ynode_text(value(&d, "a: {}"), 1, 9, &bad, &cp),
	    YG_TYPE);
	ydoc_free(&d);

	assert_true(ynode_is_null(value(&d, "a:")));
	ydoc_free(&d);
	assert_true(ynode_is_null(value(&d, "a: ~")));
	ydoc_free(&d);
	assert_false(ynode_is_null(value(&d, "a: '~'")));
	ydoc_free(&d);

	assert_string_equal(ynode_desc(value(&d, "a: \"q\""), buf,
	    sizeof buf), "'q' (quoted, so a string)");
	ydoc_free(&d);
	assert_string_equal(ynode_desc(value(&d, "a: "
	    "0123456789012345678901234567890123"), buf, sizeof buf),
	    "'012345678901234567890123456789...'");
	ydoc_free(&d);
	assert_string_equal(ynode_desc(value(&d, "a:"), buf, sizeof buf),
	    "nothing");
	ydoc_free(&d);
}

static void
test_positions(void **state)
{
	struct ydoc d;
	const struct ynode *n;
	size_t line, col;

	(void)state;
	/* Written as is: the exact column of byte 3 (after a 2-byte å). */
	n = value(&d, "a: 'å bc'");
	ydoc_scalar_pos(&d, n, 3, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 7);
	ydoc_free(&d);
	/* With an escape: the scalar's start. */
	n = value(&d, "a: \"\\tbc\"");
	ydoc_scalar_pos(&d, n, 2, &line, &col);
	assert_int_equal(col, 4);
	ydoc_free(&d);
	/* Problems are sorted by position, stable for equal ones. */
	assert_int_equal(ydoc_load(&d, "t", "a: 1", 4, &lim), 0);
	ydoc_diag(&d, 2, 1, "second");
	ydoc_diag(&d, 1, 5, "first");
	ydoc_diag(&d, 2, 1, "third");
	ydoc_sort(&d);
	assert_string_equal(d.dg[0].msg, "first");
	assert_string_equal(d.dg[1].msg, "second");
	assert_string_equal(d.dg[2].msg, "third");
	ydoc_free(&d);
}

static void
test_limits_of_diags(void **state)
{
	struct ydoc d;
	char *s;

	(void)state;
	/* 1000 tabs: YDOC_MAX_DIAGS kept, the rest counted. */
	s = xmalloc(1001);
	memset(s, '\t', 1000);
	s[1000] = '\0';
	assert_int_equal(ydoc_load(&d, "t", s, 1000, &lim), -1);
	assert_int_equal(d.ndg, YDOC_MAX_DIAGS);
	assert_int_equal(d.dropped, 1000 - YDOC_MAX_DIAGS);
	ydoc_free(&d);
	free(s);
}

static void
test_read_file(void **state)
{
	char path[] = "/tmp/test_yaml_XXXXXX", *buf;
	size_t len;
	struct err e;
	FILE *fp;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs("a: 1\n", fp);
	fclose(fp);
	assert_int_equal(ydoc_read_file(path, 5, &buf, &len, &e), 0);
	assert_non_null(buf);
	assert_int_equal(len, 5);
	free(buf);
	/* Over the cap: no bytes, the size, for a positioned refusal. */
	assert_int_equal(ydoc_read_file(path, 4, &buf, &len, &e), 0);
	assert_null(buf);
	assert_int_equal(len, 5);
	unlink(path);
	assert_int_equal(ydoc_read_file(path, 4, &buf, &len, &e), -1);
	assert_int_equal(e.cls, ERR_NOINPUT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_prescan),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_limits_of_diags),
		cmocka_unit_test(test_read_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
