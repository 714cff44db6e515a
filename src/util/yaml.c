/* yaml: the strict reader shared by forms and the config: prescan, events
 * to a capped tree, positioned problems and typed getters. */
#include "util/yaml.h"

#include <sys/stat.h>

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util/fsx.h"
#include "util/i18n.h"
#include "util/utf8.h"
#include "util/xmem.h"

/* --- problems ----------------------------------------------------------- */

static void
ydoc_vdiag(struct ydoc *d, size_t line, size_t col, const char *fmt, va_list ap)
{
	if (d->ndg >= YDOC_MAX_DIAGS) {
		d->dropped++;
		return;
	}
	if (d->ndg == d->capdg) {
		d->capdg = d->capdg ? d->capdg * 2 : 16;
		d->dg = xreallocarray(d->dg, d->capdg, sizeof *d->dg);
	}
	d->dg[d->ndg].msg = xvasprintf(fmt, ap);
	d->dg[d->ndg].line = line;
	d->dg[d->ndg].col = col;
	d->dg[d->ndg].seq = d->ndg;
	d->ndg++;
}

void
ydoc_diag(struct ydoc *d, size_t line, size_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ydoc_vdiag(d, line, col, fmt, ap);
	va_end(ap);
}

void
ydoc_at(struct ydoc *d, const struct ynode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ydoc_vdiag(d, n->line, n->col, fmt, ap);
	va_end(ap);
}

static int
ydiag_cmp(const void *a, const void *b)
{
	const struct ydiag *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
ydoc_sort(struct ydoc *d)
{
	if (d->ndg > 1)
		qsort(d->dg, d->ndg, sizeof *d->dg, ydiag_cmp);
}

/* --- positions ------------------------------------------------------------ */

/* Length of the line break at s[i] (CR, LF, CRLF, NEL, LS, PS: the ones
 * libyaml counts, so that our positions agree with its marks), or 0. */
static size_t
ybreak(const unsigned char *s, size_t len, size_t i)
{
	if (s[i] == '\r')
		return (i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
	if (s[i] == '\n')
		return 1;
	if (s[i] == 0xc2 && i + 1 < len && s[i + 1] == 0x85)
		return 2;
	if (s[i] == 0xe2 && i + 2 < len && s[i + 1] == 0x80 &&
	    (s[i + 2] == 0xa8 || s[i + 2] == 0xa9))
		return 3;
	return 0;
}

static void
ydoc_lines(struct ydoc *d)
{
	const unsigned char *s = (const unsigned char *)d->buf;
	size_t i = 0, cap = 64, brk;

	d->lines = xreallocarray(NULL, cap, sizeof *d->lines);
	d->lines[0] = 0;
	d->nlines = 1;
	while (i < d->len) {
		if ((brk = ybreak(s, d->len, i)) == 0) {
			i++;
			continue;
		}
		i += brk;
		if (d->nlines == cap) {
			cap *= 2;
			d->lines = xreallocarray(d->lines, cap,
			    sizeof *d->lines);
		}
		d->lines[d->nlines++] = i;
	}
}

/* Byte offset of 1-based (line, col); columns count code points as
 * libyaml's marks do. */
static size_t
ydoc_byte(const struct ydoc *d, size_t line, size_t col)
{
	size_t off, c, n;
	uint32_t cp;

	if (line == 0 || line > d->nlines)
		return d->len;
	off = d->lines[line - 1];
	for (c = 1; c < col && off < d->len; c++) {
		n = utf8_decode(d->buf + off, d->len - off, &cp);
		off += n ? n : 1;
	}
	return off;
}

static void
ydoc_linecol(const struct ydoc *d, size_t off, size_t *line, size_t *col)
{
	size_t lo = 0, hi = d->nlines, p, c = 1, n, mid;
	uint32_t cp;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (d->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	for (p = d->lines[lo]; p < off && p < d->len; c++) {
		n = utf8_decode(d->buf + p, d->len - p, &cp);
		p += n ? n : 1;
	}
	*line = lo + 1;
	*col = c;
}

void
ydoc_scalar_pos(const struct ydoc *d, const struct ynode *n, size_t off,
    size_t *line, size_t *col)
{
	size_t a = ydoc_byte(d, n->line, n->col);
	size_t b = ydoc_byte(d, n->eline, n->ecol);

	*line = n->line;
	*col = n->col;
	if (n->style == YS_SQUOTED || n->style == YS_DQUOTED) {
		a++;
		if (b > 0)
			b--;
	} else if (n->style != YS_PLAIN)
		return;
	if (b < a || b - a != n->len || memcmp(d->buf + a, n->s, n->len) != 0)
		return;
	ydoc_linecol(d, a + off, line, col);
}

/* --- the prescan -------------------------------------------------------- */

/* Refuse, anywhere in the file (comments included), what libyaml would
 * misread or accept: a BOM, invalid UTF-8, NUL, tabs, and control or
 * bidi characters. One walk; positions as libyaml counts them. */
static int
ydoc_prescan(struct ydoc *d)
{
	const unsigned char *s = (const unsigned char *)d->buf;
	size_t i = 0, line = 1, col = 1, l, brk;
	size_t before = d->ndg + d->dropped;
	uint32_t cp;

	if (d->len >= 3 && memcmp(d->buf, "\xef\xbb\xbf", 3) == 0) {
		ydoc_diag(d, 1, 1,
		    _("byte order mark (BOM) at the start: "
		      "save the file as UTF-8 without BOM"));
		i = 3;
	}
	while (i < d->len) {
		if ((l = utf8_decode(d->buf + i, d->len - i, &cp)) == 0) {
			ydoc_diag(d, line, col,
			    _("invalid UTF-8 (byte "
			      "0x%02x): save the file as UTF-8"),
			    s[i]);
			/* One message for one bad sequence. */
			for (i++, col++; i < d->len && (s[i] & 0xc0) == 0x80;
			     i++)
				col++;
			continue;
		}
		if ((brk = ybreak(s, d->len, i)) != 0 && cp != 0x85) {
			if (brk == 1 && cp == '\r')
				ydoc_diag(d, line, col,
				    _("control or bidi "
				      "character U+000D is not allowed"));
			i += brk;
			line++;
			col = 1;
			continue;
		}
		if (cp == 0)
			ydoc_diag(d, line, col,
			    _("NUL byte: %s is a text "
			      "file"),
			    _(d->lim->what));
		else if (cp == '\t')
			ydoc_diag(d, line, col,
			    _("tab character: use spaces "
			      "(a tab is not allowed anywhere in the file)"));
		else if (utf8_forbidden(cp))
			ydoc_diag(d, line, col,
			    _("control or bidi character "
			      "U+%04X is not allowed"),
			    (unsigned)cp);
		if (cp == 0x85) { /* NEL: refused, and a line break */
			i += l;
			line++;
			col = 1;
			continue;
		}
		i += l;
		col++;
	}
	return d->ndg + d->dropped == before ? 0 : -1;
}

/* --- events to a tree ----------------------------------------------------- */

static void
ynode_free(struct ynode *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n; i++)
		ynode_free(n->kids[i]);
	free(n->kids);
	free(n->s);
	free(n);
}

static struct ynode *
ynode_new(enum ynode_kind kind, const yaml_event_t *ev)
{
	struct ynode *n = xcalloc(1, sizeof *n);

	n->kind = kind;
	n->line = ev->start_mark.line + 1;
	n->col = ev->start_mark.column + 1;
	n->eline = ev->end_mark.line + 1;
	n->ecol = ev->end_mark.column + 1;
	return n;
}

static void
ynode_add(struct ynode *p, struct ynode *kid)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 4;
		p->kids = xreallocarray(p->kids, p->cap, sizeof *p->kids);
	}
	p->kids[p->n++] = kid;
}

static void
ydoc_syntax(struct ydoc *d, const yaml_parser_t *p)
{
	size_t line, col;

	if (p->error == YAML_READER_ERROR) {
		ydoc_linecol(d, p->problem_offset, &line, &col);
		ydoc_diag(d, line, col, _("YAML error: %s"),
		    p->problem ? p->problem : _("cannot read"));
	} else if (p->error == YAML_MEMORY_ERROR)
		ydoc_diag(d, 1, 1, _("YAML error: out of memory"));
	else if (p->context != NULL)
		ydoc_diag(d, p->problem_mark.line + 1,
		    p->problem_mark.column + 1, _("YAML syntax error: %s (%s)"),
		    p->problem ? p->problem : "?", p->context);
	else
		ydoc_diag(d, p->problem_mark.line + 1,
		    p->problem_mark.column + 1, _("YAML syntax error: %s"),
		    p->problem ? p->problem : "?");
}

/* At most 40 bytes of s, printable. Caller frees. */
static char *
yclip(const yaml_char_t *s)
{
	size_t n = strlen((const char *)s);

	return utf8_sanitize((const char *)s, n > 40 ? 40 : n, 0);
}

/* Refuse what the event names (an anchor, alias or tag: clipped, since
 * tags may carry %-escaped bytes) with fmt ("...%s...%s", the name and
 * what the file is); returns -1. */
static int
yrefuse(struct ydoc *d, size_t line, size_t col, const char *fmt,
    const yaml_char_t *name)
{
	char *s = yclip(name);

	ydoc_diag(d, line, col, fmt, s, _(d->lim->what));
	free(s);
	return -1;
}

/* Anchors, aliases and tags are refused: no alias bombs, no surprises. */
static int
ydoc_props(struct ydoc *d, const yaml_event_t *ev)
{
	size_t line = ev->start_mark.line + 1, col = ev->start_mark.column + 1;
	const yaml_char_t *anchor, *tag;

	if (ev->type == YAML_SCALAR_EVENT) {
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
	} else if (ev->type == YAML_SEQUENCE_START_EVENT) {
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
	} else {
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
	}
	if (anchor == NULL && tag == NULL)
		return 0;
	if (anchor != NULL)
		return yrefuse(d, line, col,
		    _("anchor '&%s': anchors and aliases "
		      "are not allowed in %s"),
		    anchor);
	return yrefuse(d, line, col,
	    _("tag '%s': YAML tags are not allowed "
	      "in %s"),
	    tag);
}

static enum ynode_style
ystyle(yaml_scalar_style_t s)
{
	switch (s) {
	case YAML_PLAIN_SCALAR_STYLE:
		return YS_PLAIN;
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
		return YS_SQUOTED;
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		return YS_DQUOTED;
	default:
		return YS_BLOCK;
	}
}

/* One event into the tree: the node it starts, or NULL. Returns -1 on a
 * refusal (reported). */
static int
ydoc_event(struct ydoc *d, const yaml_event_t *ev, struct ynode **out)
{
	size_t line = ev->start_mark.line + 1, col = ev->start_mark.column + 1;
	struct ynode *n;

	*out = NULL;
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return yrefuse(d, line, col,
		    _("alias '*%s': anchors and aliases "
		      "are not allowed in %s"),
		    ev->data.alias.anchor);
	case YAML_SCALAR_EVENT:
		if (ydoc_props(d, ev) == -1)
			return -1;
		if (ev->data.scalar.length > d->lim->max_scalar) {
			ydoc_diag(d, line, col,
			    _("a value of %zu bytes: %s "
			      "may have at most %zu in one value"),
			    ev->data.scalar.length, _(d->lim->what),
			    d->lim->max_scalar);
			return -1;
		}
		n = ynode_new(YN_SCALAR, ev);
		n->style = ystyle(ev->data.scalar.style);
		n->len = ev->data.scalar.length;
		n->s = xmalloc(n->len + 1);
		memcpy(n->s, ev->data.scalar.value, n->len);
		n->s[n->len] = '\0';
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (ydoc_props(d, ev) == -1)
			return -1;
		n = ynode_new(ev->type == YAML_SEQUENCE_START_EVENT ? YN_SEQ :
								      YN_MAP,
		    ev);
		break;
	default:
		return 0;
	}
	if (++d->nnodes > d->lim->max_nodes) {
		ydoc_diag(d, line, col,
		    _("more than %zu YAML nodes: too large "
		      "for %s"),
		    d->lim->max_nodes, _(d->lim->what));
		ynode_free(n);
		return -1;
	}
	*out = n;
	return 0;
}

/* libyaml's events into d->root; depth, nodes and documents capped. */
static int
ydoc_parse(struct ydoc *d)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct ynode **stack, *n;
	size_t sp = 0, ndocs = 0;
	int done = 0, ok = 1;

	if (!yaml_parser_initialize(&p)) {
		ydoc_diag(d, 1, 1, _("YAML error: out of memory"));
		return -1;
	}
	stack = xcalloc(d->lim->max_depth + 1, sizeof *stack);
	yaml_parser_set_input_string(&p, (const unsigned char *)d->buf, d->len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			ydoc_syntax(d, &p);
			ok = 0;
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT)
			done = 1;
		else if (ev.type == YAML_DOCUMENT_START_EVENT && ++ndocs > 1) {
			ydoc_diag(d, ev.start_mark.line + 1,
			    ev.start_mark.column + 1,
			    _("a second YAML "
			      "document: %s file holds one"),
			    _(d->lim->what));
			ok = 0;
		} else if (ev.type == YAML_SEQUENCE_END_EVENT ||
		    ev.type == YAML_MAPPING_END_EVENT) {
			if (sp > 0) {
				sp--;
				stack[sp]->eline = ev.end_mark.line + 1;
				stack[sp]->ecol = ev.end_mark.column + 1;
			}
		} else if (ydoc_event(d, &ev, &n) == -1)
			ok = 0;
		else if (n != NULL && n->kind != YN_SCALAR &&
		    sp == d->lim->max_depth) {
			ydoc_at(d, n,
			    _("nesting deeper than %zu levels: %s "
			      "needs far fewer"),
			    d->lim->max_depth, _(d->lim->what));
			ynode_free(n);
			ok = 0;
		} else if (n != NULL) {
			if (sp > 0)
				ynode_add(stack[sp - 1], n);
			else if (d->root == NULL)
				d->root = n;
			else
				ynode_free(n); /* one document: cannot be */
			if (n->kind != YN_SCALAR)
				stack[sp++] = n;
		}
		yaml_event_delete(&ev);
		if (!ok)
			break;
	}
	yaml_parser_delete(&p);
	free(stack);
	if (!ok) {
		ynode_free(d->root);
		d->root = NULL;
		return -1;
	}
	return 0;
}

int
ydoc_read_file(const char *path, size_t max, char **buf, size_t *len,
    struct err *e)
{
	struct stat st;

	*buf = NULL;
	*len = 0;
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (unsigned long long)st.st_size > max) {
		*len = (size_t)st.st_size;
		return 0;
	}
	return fsx_read_file(path, max, buf, len, e);
}

int
ydoc_load(struct ydoc *d, const char *name, const char *buf, size_t len,
    const struct ylimits *lim)
{
	memset(d, 0, sizeof *d);
	d->name = name;
	d->buf = buf;
	d->len = len;
	d->lim = lim;
	if (len > lim->max_bytes || buf == NULL) {
		ydoc_diag(d, 1, 1,
		    _("file too large: %zu bytes, %s may have "
		      "at most %zu (1 MiB)"),
		    len, _(lim->what), lim->max_bytes);
		return -1;
	}
	ydoc_lines(d);
	if (ydoc_prescan(d) == -1)
		return -1;
	return ydoc_parse(d);
}

void
ydoc_free(struct ydoc *d)
{
	size_t i;

	ynode_free(d->root);
	for (i = 0; i < d->ndg; i++)
		free(d->dg[i].msg);
	free(d->dg);
	free(d->lines);
	memset(d, 0, sizeof *d);
}

/* --- getters ------------------------------------------------------------ */

void
ydoc_keys(struct ydoc *d, const struct ynode *m, const char *what,
    const char *const *keys, const char *expected, const struct ynode **vals,
    const struct ynode **knodes)
{
	const struct ynode *kn[YDOC_MAX_KEYS];
	size_t i, j, nk;
	char b[160];

	for (nk = 0; keys[nk] != NULL; nk++) {
		if (nk == YDOC_MAX_KEYS)
			abort(); /* a table of ours: a bug */
		vals[nk] = NULL;
		kn[nk] = NULL;
	}
	for (i = 0; i + 1 < m->n; i += 2) {
		const struct ynode *k = m->kids[i];

		if (k->kind != YN_SCALAR) {
			ydoc_at(d, k, _("expected a key in %s, found %s"), what,
			    ynode_desc(k, b, sizeof b));
			continue;
		}
		for (j = 0; j < nk; j++)
			if (ynode_is(k, keys[j]))
				break;
		if (j == nk)
			ydoc_at(d, k, _("unknown key %s in %s: expected %s"),
			    ynode_desc(k, b, sizeof b), what, expected);
		else if (vals[j] != NULL)
			ydoc_at(d, k,
			    _("duplicate key '%s' in %s (first at "
			      "line %zu)"),
			    keys[j], what, kn[j]->line);
		else {
			vals[j] = m->kids[i + 1];
			kn[j] = k;
		}
	}
	if (knodes != NULL)
		for (j = 0; j < nk; j++)
			knodes[j] = kn[j];
}

enum yget
ynode_int(const struct ynode *n, long long lo, long long hi, long long *out)
{
	const char *s = n->s;
	long long v = 0;
	size_t i = 0;
	int neg = 0;

	if (n->kind != YN_SCALAR)
		return YG_TYPE;
	if (n->style != YS_PLAIN)
		return YG_FORMAT;
	if (s[0] == '-') {
		neg = 1;
		i++;
	}
	if (i >= n->len || (s[i] == '0' && n->len - i > 1))
		return YG_FORMAT;
	for (; i < n->len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return YG_FORMAT;
		if (v <= (LLONG_MAX - 9) / 10) /* beyond: out of range */
			v = v * 10 + (s[i] - '0');
	}
	*out = neg ? -v : v;
	if (*out < lo)
		return YG_LOW;
	if (*out > hi)
		return YG_HIGH;
	return YG_OK;
}

enum yget
ynode_bool(const struct ynode *n, int *out)
{
	if (n->kind != YN_SCALAR)
		return YG_TYPE;
	if (n->style != YS_PLAIN ||
	    !(ynode_is(n, "true") || ynode_is(n, "false")))
		return YG_FORMAT;
	*out = ynode_is(n, "true");
	return YG_OK;
}

enum yget
ynode_text(const struct ynode *n, int multiline, size_t maxchars, size_t *bad,
    uint32_t *cp)
{
	if (n->kind != YN_SCALAR)
		return YG_TYPE;
	if (n->len == 0)
		return YG_EMPTY;
	if (!utf8_clean(n->s, n->len, multiline, bad, cp))
		return YG_CHAR;
	if (utf8_len(n->s, n->len) > maxchars)
		return YG_LONG;
	return YG_OK;
}

int
ynode_is(const struct ynode *n, const char *s)
{
	return n != NULL && n->kind == YN_SCALAR && n->len == strlen(s) &&
	    memcmp(n->s, s, n->len) == 0;
}

int
ynode_is_null(const struct ynode *n)
{
	return n->kind == YN_SCALAR && n->style == YS_PLAIN &&
	    (n->len == 0 || ynode_is(n, "~") || ynode_is(n, "null") ||
		ynode_is(n, "Null") || ynode_is(n, "NULL"));
}

const char *
ynode_desc(const struct ynode *n, char *buf, size_t sz)
{
	char *s;
	size_t i, k, cps = 0;
	uint32_t cp;

	if (n == NULL)
		return _("nothing");
	if (n->kind == YN_SEQ)
		return _("a list");
	if (n->kind == YN_MAP)
		return _("a mapping");
	if (n->len == 0 && n->style == YS_PLAIN)
		return _("nothing");
	s = utf8_sanitize(n->s, n->len, 0);
	for (i = 0; s[i] != '\0' && cps < 30; cps++) {
		k = utf8_decode(s + i, strlen(s + i), &cp);
		i += k ? k : 1;
	}
	snprintf(buf, sz, "'%.*s%s'%s", (int)i, s, s[i] ? "..." : "",
	    n->style == YS_SQUOTED || n->style == YS_DQUOTED ?
		_(" (quoted, so a string)") :
		"");
	free(s);
	return buf;
}
