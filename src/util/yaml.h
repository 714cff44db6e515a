/* yaml: the one strict YAML reader of avslut's input files (forms and
 * avslut.yaml). A prescan refuses what libyaml would misread or accept
 * (size, BOM, invalid UTF-8, NUL, tabs, control and bidi characters),
 * libyaml's events become a small tree under caps (depth, nodes, scalar
 * length; anchors, aliases, tags and a second document refused), and
 * every problem is kept with its line and column for FILE:LINE:COL.
 * The prefixes are ydoc_ and ynode_ because libyaml owns yaml_. What the
 * keys mean is the caller's (form_load.c, config.c). */
#ifndef AVSLUT_YAML_H
#define AVSLUT_YAML_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

enum ynode_kind {
	YN_SCALAR,
	YN_SEQ,
	YN_MAP
};

/* How a scalar was written: quoted ones are strings, never numbers. */
enum ynode_style {
	YS_PLAIN,
	YS_SQUOTED,
	YS_DQUOTED,
	YS_BLOCK
};

/* One node. A mapping's kids alternate key, value, key, value. */
struct ynode {
	enum ynode_kind kind;
	size_t line, col;   /* 1-based start */
	size_t eline, ecol; /* 1-based end */
	enum ynode_style style;
	char *s; /* scalar value, NUL-terminated */
	size_t len;
	struct ynode **kids;
	size_t n, cap;
};

/* The caps of one kind of file; what names it in messages ("a form"). */
struct ylimits {
	const char *what;
	size_t max_bytes;  /* the whole file */
	size_t max_depth;  /* nested collections */
	size_t max_nodes;  /* scalars and collections */
	size_t max_scalar; /* bytes of one scalar */
};

struct ydiag {
	size_t line, col, seq;
	char *msg;
};

/* One loaded file: its bytes (not owned), its tree and its problems. */
struct ydoc {
	const char *name, *buf;
	size_t len;
	const struct ylimits *lim;
	size_t *lines; /* byte offset where each line starts */
	size_t nlines;
	struct ynode *root; /* NULL: nothing read, or an empty file */
	struct ydiag *dg;
	size_t ndg, capdg;
	size_t dropped; /* problems beyond YDOC_MAX_DIAGS */
	size_t nnodes;
};

#define YDOC_MAX_DIAGS 400 /* kept before sorting; the rest counted */
#define YDOC_MAX_KEYS 32   /* keys ydoc_keys can match in one mapping */

/* Read path for ydoc_load: 0, *buf (caller frees) and *len. A file larger
 * than max gives 0 with *buf NULL and *len its size, so that ydoc_load
 * refuses it with a position; -1 and e when it cannot be read. */
int ydoc_read_file(const char *path, size_t max, char **buf, size_t *len,
    struct err *e);
/* Prescan and parse buf[0..len) (buf may be NULL when len is over the
 * cap) into d->root; buf must outlive d. Returns 0 when a tree was read
 * (d->root NULL for an empty file: the caller says what it expected), -1
 * after a refusal, reported in d. ydoc_free d in both cases. */
int ydoc_load(struct ydoc *d, const char *name, const char *buf, size_t len,
    const struct ylimits *lim);
void ydoc_free(struct ydoc *d);

/* Record a problem at 1-based line, col (or at node n's start). */
void ydoc_diag(struct ydoc *d, size_t line, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void ydoc_at(struct ydoc *d, const struct ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sort the problems by position (stable): every problem in source order. */
void ydoc_sort(struct ydoc *d);
/* Position of byte off of scalar n's value in the source: exact when the
 * value is written as it is (plain or quoted on one line, no escapes),
 * else the scalar's start. */
void ydoc_scalar_pos(const struct ydoc *d, const struct ynode *n, size_t off,
    size_t *line, size_t *col);

/* Match mapping m's keys against keys[] (NULL-terminated, at most
 * YDOC_MAX_KEYS): vals[i] is the value of keys[i] or NULL, knodes[i] (if
 * knodes is not NULL) its key node. Unknown, duplicate and non-scalar
 * keys are reported, naming the mapping as what ("a question") and the
 * keys it takes as expected. m must be a mapping. */
void ydoc_keys(struct ydoc *d, const struct ynode *m, const char *what,
    const char *const *keys, const char *expected, const struct ynode **vals,
    const struct ynode **knodes);

/* What a getter found. */
enum yget {
	YG_OK,
	YG_TYPE,   /* not a scalar */
	YG_FORMAT, /* not written as the type is */
	YG_LOW,	   /* below the range (the value is set) */
	YG_HIGH,   /* above the range (the value is set) */
	YG_EMPTY,  /* an empty string */
	YG_CHAR,   /* invalid UTF-8 or a forbidden character */
	YG_LONG	   /* more characters than allowed */
};

/* A plain decimal integer: "5", "-3"; not "05", "+5", "5.0", "'5'". */
enum yget ynode_int(const struct ynode *n, long long lo, long long hi,
    long long *out);
/* Plain true or false. */
enum yget ynode_bool(const struct ynode *n, int *out);
/* A text scalar of 1 to maxchars characters with no control or
 * bidi-override character (newlines too if multiline). On YG_CHAR *bad
 * is the byte offset and *cp the code point (0xFFFFFFFF: invalid). */
enum yget ynode_text(const struct ynode *n, int multiline, size_t maxchars,
    size_t *bad, uint32_t *cp);
/* 1 if n is the scalar s exactly. */
int ynode_is(const struct ynode *n, const char *s);
/* 1 if n is a plain scalar YAML reads as "no value": empty, ~, null. */
int ynode_is_null(const struct ynode *n);
/* A short printable rendering of n for messages: 'text' (at most 30
 * characters, sanitised; quoted ones say so), "a list", "a mapping",
 * "nothing". */
const char *ynode_desc(const struct ynode *n, char *buf, size_t sz);

#endif
