/* form: the YAML loader and validator (libyaml's event API, so aliases,
 * depth and size are refused while reading), lookups and answer checks. */
#include "form/form.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util/fsx.h"
#include "util/utf8.h"
#include "util/xmem.h"

#define FORM_DEFAULT_MAX_LENGTH 2000
#define FORM_MAX_MAX_LENGTH 10000
#define LD_MAX_INTERNAL_DIAGS (4 * FORM_MAX_DIAGS)

enum { YN_SCALAR, YN_SEQ, YN_MAP };

/* A YAML node as read from the events: just enough to validate with
 * positions. Mappings hold key, value, key, value... in kids. */
struct ynode {
	int kind;
	size_t line, col;	/* 1-based start */
	size_t eline, ecol;	/* 1-based end */
	int style;		/* yaml_scalar_style_t */
	char *s;		/* scalar value (NUL-terminated) */
	size_t len;
	struct ynode **kids;
	size_t n, cap;
};

struct dg {
	size_t line, col, seq;
	char *msg;
};

/* Load state: the source, its line table and the problems found. */
struct ld {
	const char *name, *buf;
	size_t len;
	size_t *lines;		/* byte offset where each line starts */
	size_t nlines;
	struct dg *dg;
	size_t ndg, capdg, dropped;
	size_t nnodes;
	struct form *f;
	const struct ynode **qshow;	/* show_if node of each question */
	const struct ynode **sshow;	/* show_if node of each section */
	size_t capq, caps;
	int too_many_q, too_many_s;
};

static const char *const type_names[] = {
	"single", "multi", "scale", "nps", "yesno", "number", "text", NULL
};

const char *
form_type_name(enum form_type t)
{
	if ((unsigned)t > FORM_TEXT)
		return "?";
	return type_names[t];
}

/* --- diagnostics ------------------------------------------------------ */

void
form_diags_free(struct form_diags *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n && i < FORM_MAX_DIAGS; i++)
		free(d->msg[i]);
	memset(d, 0, sizeof *d);
}

void
form_diags_add(struct form_diags *d, const char *name, size_t line,
    size_t col, const char *fmt, ...)
{
	va_list ap;
	char *m;

	if (d == NULL)
		return;
	if (d->n >= FORM_MAX_DIAGS) {
		d->dropped++;
		return;
	}
	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	d->msg[d->n++] = xasprintf("%s:%zu:%zu: %s", name, line, col, m);
	free(m);
}

static void ld_diag(struct ld *l, size_t line, size_t col, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
ld_diag(struct ld *l, size_t line, size_t col, const char *fmt, ...)
{
	va_list ap;

	if (l->ndg >= LD_MAX_INTERNAL_DIAGS) {
		l->dropped++;
		return;
	}
	if (l->ndg == l->capdg) {
		l->capdg = l->capdg ? l->capdg * 2 : 16;
		l->dg = xreallocarray(l->dg, l->capdg, sizeof *l->dg);
	}
	va_start(ap, fmt);
	l->dg[l->ndg].msg = xvasprintf(fmt, ap);
	va_end(ap);
	l->dg[l->ndg].line = line;
	l->dg[l->ndg].col = col;
	l->dg[l->ndg].seq = l->ndg;
	l->ndg++;
}

#define ld_at(l, n, ...) ld_diag((l), (n)->line, (n)->col, __VA_ARGS__)

static int
dg_cmp(const void *a, const void *b)
{
	const struct dg *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Hand the problems to the caller in source order. */
static void
ld_flush(struct ld *l, struct form_diags *d)
{
	size_t i;

	qsort(l->dg, l->ndg, sizeof *l->dg, dg_cmp);
	for (i = 0; i < l->ndg; i++) {
		form_diags_add(d, l->name, l->dg[i].line, l->dg[i].col, "%s",
		    l->dg[i].msg);
		free(l->dg[i].msg);
	}
	if (d != NULL)
		d->dropped += l->dropped;
	free(l->dg);
	l->dg = NULL;
	l->ndg = 0;
}

/* --- positions ---------------------------------------------------------- */

/* Line starts, with the line breaks libyaml counts (CR, LF, CRLF, NEL,
 * LS, PS), so that our positions agree with its marks. */
static void
ld_lines(struct ld *l)
{
	const unsigned char *s = (const unsigned char *)l->buf;
	size_t i = 0, cap = 64;

	l->lines = xreallocarray(NULL, cap, sizeof *l->lines);
	l->lines[0] = 0;
	l->nlines = 1;
	while (i < l->len) {
		size_t brk = 0;

		if (s[i] == '\r')
			brk = (i + 1 < l->len && s[i + 1] == '\n') ? 2 : 1;
		else if (s[i] == '\n')
			brk = 1;
		else if (s[i] == 0xc2 && i + 1 < l->len && s[i + 1] == 0x85)
			brk = 2;
		else if (s[i] == 0xe2 && i + 2 < l->len && s[i + 1] == 0x80 &&
		    (s[i + 2] == 0xa8 || s[i + 2] == 0xa9))
			brk = 3;
		if (brk == 0) {
			i++;
			continue;
		}
		i += brk;
		if (l->nlines == cap) {
			cap *= 2;
			l->lines = xreallocarray(l->lines, cap,
			    sizeof *l->lines);
		}
		l->lines[l->nlines++] = i;
	}
}

/* Byte offset of 1-based (line, col); columns count code points as
 * libyaml's marks do. */
static size_t
ld_byte(const struct ld *l, size_t line, size_t col)
{
	size_t off, c;
	uint32_t cp;

	if (line == 0 || line > l->nlines)
		return l->len;
	off = l->lines[line - 1];
	for (c = 1; c < col && off < l->len; c++) {
		size_t n = utf8_decode(l->buf + off, l->len - off, &cp);

		off += n ? n : 1;
	}
	return off;
}

static void
ld_linecol(const struct ld *l, size_t off, size_t *line, size_t *col)
{
	size_t lo = 0, hi = l->nlines, p, c = 1;
	uint32_t cp;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	for (p = l->lines[lo]; p < off && p < l->len; c++) {
		size_t n = utf8_decode(l->buf + p, l->len - p, &cp);

		p += n ? n : 1;
	}
	*line = lo + 1;
	*col = c;
}

/* Position of byte off of scalar n's value in the source: exact when the
 * value is written as is (plain or quoted on one line, no escapes), else
 * the scalar's start. */
static void
ld_scalar_pos(const struct ld *l, const struct ynode *n, size_t off,
    size_t *line, size_t *col)
{
	size_t a = ld_byte(l, n->line, n->col), b = ld_byte(l, n->eline,
	    n->ecol);

	*line = n->line;
	*col = n->col;
	if (n->style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
	    n->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
		a++;
		if (b > 0)
			b--;
	} else if (n->style != YAML_PLAIN_SCALAR_STYLE)
		return;
	if (b < a || b - a != n->len || memcmp(l->buf + a, n->s, n->len) != 0)
		return;
	ld_linecol(l, a + off, line, col);
}

/* --- reading the YAML events into nodes --------------------------------- */

static void
yn_free(struct ynode *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n; i++)
		yn_free(n->kids[i]);
	free(n->kids);
	free(n->s);
	free(n);
}

static struct ynode *
yn_new(int kind, const yaml_event_t *ev)
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
yn_add(struct ynode *p, struct ynode *kid)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 4;
		p->kids = xreallocarray(p->kids, p->cap, sizeof *p->kids);
	}
	p->kids[p->n++] = kid;
}

static void
ld_syntax(struct ld *l, const yaml_parser_t *p)
{
	size_t line, col, off;
	const char *tab = "";

	if (p->error == YAML_READER_ERROR) {
		ld_linecol(l, p->problem_offset, &line, &col);
		ld_diag(l, line, col, "YAML error: %s",
		    p->problem ? p->problem : "cannot read");
		return;
	}
	if (p->error == YAML_MEMORY_ERROR) {
		ld_diag(l, 1, 1, "YAML error: out of memory");
		return;
	}
	line = p->problem_mark.line + 1;
	col = p->problem_mark.column + 1;
	off = ld_byte(l, line, col);
	if (off < l->len && l->buf[off] == '\t')
		tab = ": tabs are not allowed for indentation, use spaces";
	if (p->context != NULL)
		ld_diag(l, line, col, "YAML syntax error: %s (%s)%s",
		    p->problem ? p->problem : "?", p->context, tab);
	else
		ld_diag(l, line, col, "YAML syntax error: %s%s",
		    p->problem ? p->problem : "?", tab);
}

/* At most 40 bytes of s, printable. Caller frees. */
static char *
ld_clip(const yaml_char_t *s)
{
	size_t n = strlen((const char *)s);

	return utf8_sanitize((const char *)s, n > 40 ? 40 : n, 0);
}

/* Anchors, aliases and tags are refused: no alias bombs, no surprises. */
static int
ld_props(struct ld *l, const yaml_event_t *ev, const yaml_char_t *anchor,
    const yaml_char_t *tag)
{
	size_t line = ev->start_mark.line + 1, col = ev->start_mark.column + 1;
	char *s;

	if (anchor == NULL && tag == NULL)
		return 0;
	/* Tags may carry %-escaped bytes: never echo them raw. */
	s = ld_clip(anchor != NULL ? anchor : tag);
	if (anchor != NULL)
		ld_diag(l, line, col, "anchor '&%s': anchors and aliases are "
		    "not allowed in a form", s);
	else
		ld_diag(l, line, col, "tag '%s': YAML tags are not allowed in "
		    "a form", s);
	free(s);
	return -1;
}

/* Returns the root node, or NULL after a fatal problem (reported). */
static struct ynode *
ld_read(struct ld *l)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct ynode *stack[FORM_MAX_DEPTH], *root = NULL, *n;
	size_t sp = 0, ndocs = 0;
	char *an;
	int done = 0, ok = 1;

	if (!yaml_parser_initialize(&p)) {
		ld_diag(l, 1, 1, "YAML error: out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)l->buf,
	    l->len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			ld_syntax(l, &p);
			ok = 0;
			break;
		}
		n = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++ndocs > 1) {
				ld_diag(l, ev.start_mark.line + 1,
				    ev.start_mark.column + 1, "a second YAML "
				    "document: a form file holds one");
				ok = 0;
				done = 1;
			}
			break;
		case YAML_ALIAS_EVENT:
			an = ld_clip(ev.data.alias.anchor);
			ld_diag(l, ev.start_mark.line + 1,
			    ev.start_mark.column + 1, "alias '*%s': anchors "
			    "and aliases are not allowed in a form", an);
			free(an);
			ok = 0;
			done = 1;
			break;
		case YAML_SCALAR_EVENT:
			if (ld_props(l, &ev, ev.data.scalar.anchor,
			    ev.data.scalar.tag) == -1) {
				ok = 0;
				done = 1;
				break;
			}
			n = yn_new(YN_SCALAR, &ev);
			n->style = ev.data.scalar.style;
			n->len = ev.data.scalar.length;
			n->s = xmalloc(n->len + 1);
			memcpy(n->s, ev.data.scalar.value, n->len);
			n->s[n->len] = '\0';
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (ev.type == YAML_SEQUENCE_START_EVENT ?
			    ld_props(l, &ev, ev.data.sequence_start.anchor,
			    ev.data.sequence_start.tag) == -1 :
			    ld_props(l, &ev, ev.data.mapping_start.anchor,
			    ev.data.mapping_start.tag) == -1) {
				ok = 0;
				done = 1;
				break;
			}
			if (sp == FORM_MAX_DEPTH) {
				ld_diag(l, ev.start_mark.line + 1,
				    ev.start_mark.column + 1, "nesting deeper "
				    "than %d levels: a form needs far fewer",
				    FORM_MAX_DEPTH);
				ok = 0;
				done = 1;
				break;
			}
			n = yn_new(ev.type == YAML_SEQUENCE_START_EVENT ?
			    YN_SEQ : YN_MAP, &ev);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (sp > 0) {
				sp--;
				stack[sp]->eline = ev.end_mark.line + 1;
				stack[sp]->ecol = ev.end_mark.column + 1;
			}
			break;
		default:
			break;
		}
		if (n != NULL) {
			if (++l->nnodes > FORM_MAX_NODES) {
				ld_diag(l, n->line, n->col, "more than %d YAML "
				    "nodes: too large for a form",
				    FORM_MAX_NODES);
				yn_free(n);
				ok = 0;
				done = 1;
			} else {
				if (sp > 0)
					yn_add(stack[sp - 1], n);
				else if (root == NULL)
					root = n;
				else
					yn_free(n);
				if (n->kind != YN_SCALAR)
					stack[sp++] = n;
			}
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (!ok) {
		yn_free(root);
		return NULL;
	}
	if (root == NULL)
		ld_diag(l, 1, 1, "empty file: expected a form (a mapping with "
		    "id, version, languages, title, intro and sections)");
	return root;
}

/* --- scalar helpers ------------------------------------------------------ */

/* A short printable rendering of a node for messages. */
static const char *
yn_desc(const struct ynode *n, char *buf, size_t sz)
{
	char *s;
	size_t i, cps = 0;
	uint32_t cp;
	int quoted;

	if (n == NULL)
		return "nothing";
	if (n->kind == YN_SEQ)
		return "a list";
	if (n->kind == YN_MAP)
		return "a mapping";
	if (n->len == 0 && n->style == YAML_PLAIN_SCALAR_STYLE)
		return "nothing";
	quoted = n->style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
	    n->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	s = utf8_sanitize(n->s, n->len, 0);
	for (i = 0; s[i] != '\0' && cps < 30; cps++) {
		size_t k = utf8_decode(s + i, strlen(s + i), &cp);

		i += k ? k : 1;
	}
	snprintf(buf, sz, "'%.*s%s'%s", (int)i, s, s[i] ? "..." : "",
	    quoted ? " (quoted, so a string)" : "");
	free(s);
	return buf;
}

static int
yn_is(const struct ynode *n, const char *s)
{
	return n != NULL && n->kind == YN_SCALAR && strcmp(n->s, s) == 0 &&
	    n->len == strlen(s);
}

enum idkind { ID_FORM, ID_NAME, ID_LANG };

static int
id_ok(const char *s, size_t len, enum idkind k)
{
	size_t i;

	if (k == ID_LANG) {
		if (len < 2 || len > 3)
			return 0;
		for (i = 0; i < len; i++)
			if (s[i] < 'a' || s[i] > 'z')
				return 0;
		return 1;
	}
	if (len < 1 || len > 64)
		return 0;
	if (!((s[0] >= 'a' && s[0] <= 'z') ||
	    (k == ID_FORM && s[0] >= '0' && s[0] <= '9')))
		return 0;
	for (i = 1; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (k == ID_FORM ? c == '-' : c == '_')))
			return 0;
	}
	return 1;
}

static const char *const id_desc[] = {
	"an id of a-z, 0-9 and '-' (up to 64, not starting with '-')",
	"an id of a-z, 0-9 and '_' (up to 64, starting with a letter)",
	"a language code of 2 or 3 letters a-z",
};

static int
ld_id(struct ld *l, const char *key, const struct ynode *n, enum idkind k,
    char **out)
{
	char b[160];

	if (n->kind != YN_SCALAR || !id_ok(n->s, n->len, k)) {
		ld_at(l, n, "%s: expected %s, found %s", key, id_desc[k],
		    yn_desc(n, b, sizeof b));
		return -1;
	}
	*out = xstrdup(n->s);
	return 0;
}

/* Plain decimal integers only: "5", "-3"; not "05", "+5", "5.0", "'5'". */
static int
ld_int(struct ld *l, const char *key, const struct ynode *n, long long lo,
    long long hi, long long *out)
{
	const char *s = n->s;
	long long v = 0;
	size_t i = 0;
	char b[160];
	int neg = 0;

	if (n->kind != YN_SCALAR || n->style != YAML_PLAIN_SCALAR_STYLE)
		goto bad;
	if (s[0] == '-') {
		neg = 1;
		i++;
	}
	if (i >= n->len || n->len - i > 12 || (s[i] == '0' && n->len - i > 1))
		goto bad;
	for (; i < n->len; i++) {
		if (s[i] < '0' || s[i] > '9')
			goto bad;
		v = v * 10 + (s[i] - '0');
	}
	if (neg)
		v = -v;
	if (v < lo || v > hi)
		goto bad;
	*out = v;
	return 0;
bad:
	ld_at(l, n, "%s: expected an integer from %lld to %lld, found %s",
	    key, lo, hi, yn_desc(n, b, sizeof b));
	return -1;
}

static int
ld_bool(struct ld *l, const char *key, const struct ynode *n, int *out)
{
	char b[160];

	if (n->kind == YN_SCALAR && n->style == YAML_PLAIN_SCALAR_STYLE &&
	    (yn_is(n, "true") || yn_is(n, "false"))) {
		*out = yn_is(n, "true");
		return 0;
	}
	ld_at(l, n, "%s: expected true or false, found %s", key,
	    yn_desc(n, b, sizeof b));
	return -1;
}

/* One word of names[] (NULL-terminated); expected is for the message. */
static int
ld_enum(struct ld *l, const char *key, const struct ynode *n,
    const char *const *names, const char *expected, int *out)
{
	char b[160];
	int i;

	if (n->kind == YN_SCALAR)
		for (i = 0; names[i] != NULL; i++)
			if (yn_is(n, names[i])) {
				*out = i;
				return 0;
			}
	ld_at(l, n, "%s: expected %s, found %s", key, expected,
	    yn_desc(n, b, sizeof b));
	return -1;
}

/* 1 if text mapping n has the key lang (written, if not valid). */
static int
ld_text_has_key(const struct ynode *n, const char *lang)
{
	size_t i;

	for (i = 0; i + 1 < n->n; i += 2)
		if (yn_is(n->kids[i], lang))
			return 1;
	return 0;
}

/* A text: a mapping from each declared language to a non-empty string
 * with no control or bidi-override character (newlines only if
 * multiline). */
static int
ld_text(struct ld *l, const char *key, const struct ynode *n, int multiline,
    struct form_text *out)
{
	const struct form *f = l->f;
	char b[160], *lang;
	size_t i, bad, line, col;
	uint32_t cp;
	int li, rc = 0;
	size_t j;

	if (n->kind != YN_MAP) {
		ld_at(l, n, "%s: expected a mapping of language to text "
		    "(such as {%s: ...}), found %s", key,
		    f->nlangs ? f->langs[0] : "en", yn_desc(n, b, sizeof b));
		return -1;
	}
	for (i = 0; i + 1 < n->n; i += 2) {
		const struct ynode *k = n->kids[i], *v = n->kids[i + 1];

		if (k->kind != YN_SCALAR || !id_ok(k->s, k->len, ID_LANG)) {
			ld_at(l, k, "%s: expected a language code as key, "
			    "found %s", key, yn_desc(k, b, sizeof b));
			rc = -1;
			continue;
		}
		lang = k->s;
		li = form_lang_index(f, lang);
		if (li < 0) {
			if (f->nlangs > 0)
				ld_at(l, k, "%s: language '%s' is not declared "
				    "in languages", key, lang);
			rc = -1;
		} else if (out->s[li] != NULL) {
			ld_at(l, k, "%s: duplicate language '%s'", key, lang);
			rc = -1;
			continue;
		}
		if (v->kind != YN_SCALAR || (v->len == 0 &&
		    v->style == YAML_PLAIN_SCALAR_STYLE)) {
			ld_at(l, v, "%s: expected the '%s' text as a string, "
			    "found %s", key, lang, yn_desc(v, b, sizeof b));
			rc = -1;
			continue;
		}
		if (v->len == 0) {
			ld_at(l, v, "%s: the '%s' text is empty", key, lang);
			rc = -1;
			continue;
		}
		if (!utf8_clean(v->s, v->len, multiline, &bad, &cp)) {
			ld_scalar_pos(l, v, bad, &line, &col);
			if (cp == '\n')
				ld_diag(l, line, col, "%s: line break in the "
				    "'%s' text: only intro and help may have "
				    "several lines (use >- to fold)", key,
				    lang);
			else if (cp == 0xffffffffu)
				ld_diag(l, line, col, "%s: invalid UTF-8 in "
				    "the '%s' text", key, lang);
			else
				ld_diag(l, line, col, "%s: forbidden "
				    "character U+%04lX in the '%s' text: no "
				    "control or bidi-override characters",
				    key, (unsigned long)cp, lang);
			rc = -1;
			continue;
		}
		if (li >= 0)
			out->s[li] = xstrdup(v->s);
	}
	/* A language written with a bad value was reported above. */
	for (j = 0; j < f->nlangs; j++)
		if (out->s[j] == NULL && !ld_text_has_key(n, f->langs[j])) {
			ld_at(l, n, "%s: missing text for language '%s'", key,
			    f->langs[j]);
			rc = -1;
		}
	return rc;
}

/* Match a mapping's keys against keys[] (NULL-terminated): unknown and
 * duplicate keys are reported; vals[i] is the value of keys[i] or NULL. */
static void
ld_keys(struct ld *l, const struct ynode *m, const char *what,
    const char *const *keys, const char *expected,
    const struct ynode **vals, const struct ynode **knodes)
{
	size_t i, j, nk;
	char b[160];

	for (nk = 0; keys[nk] != NULL; nk++) {
		vals[nk] = NULL;
		if (knodes != NULL)
			knodes[nk] = NULL;
	}
	for (i = 0; i + 1 < m->n; i += 2) {
		const struct ynode *k = m->kids[i];

		if (k->kind != YN_SCALAR) {
			ld_at(l, k, "expected a key in %s, found %s", what,
			    yn_desc(k, b, sizeof b));
			continue;
		}
		for (j = 0; j < nk; j++)
			if (yn_is(k, keys[j]))
				break;
		if (j == nk)
			ld_at(l, k, "unknown key %s in %s: expected %s",
			    yn_desc(k, b, sizeof b), what, expected);
		else if (vals[j] != NULL)
			ld_at(l, k, "duplicate key '%s' in %s", keys[j], what);
		else {
			vals[j] = m->kids[i + 1];
			if (knodes != NULL)
				knodes[j] = k;
		}
	}
}

/* --- the form ------------------------------------------------------------ */

static void
text_free(struct form_text *t)
{
	size_t i;

	for (i = 0; i < FORM_MAX_LANGS; i++) {
		free(t->s[i]);
		t->s[i] = NULL;
	}
}

void
form_free(struct form *f)
{
	size_t i, j;

	if (f == NULL)
		return;
	free(f->id);
	for (i = 0; i < FORM_MAX_LANGS; i++)
		free(f->langs[i]);
	text_free(&f->title);
	text_free(&f->intro);
	for (i = 0; i < f->nsections; i++) {
		free(f->sections[i].id);
		text_free(&f->sections[i].title);
		form_expr_free(f->sections[i].show_if);
	}
	free(f->sections);
	for (i = 0; i < f->nquestions; i++) {
		struct form_question *q = &f->questions[i];

		free(q->id);
		text_free(&q->label);
		text_free(&q->help);
		text_free(&q->shortl);
		form_expr_free(q->show_if);
		free(q->theme);
		for (j = 0; j < q->nchoices; j++) {
			free(q->choices[j].id);
			text_free(&q->choices[j].label);
		}
		free(q->choices);
		text_free(&q->min_label);
		text_free(&q->max_label);
	}
	free(f->questions);
	free(f);
}

/* Invalid or repeated codes are reported and left out, so that texts
 * can still be checked against the rest. */
static void
ld_languages(struct ld *l, const struct ynode *n)
{
	struct form *f = l->f;
	char b[160], *code;
	size_t i;

	if (n->kind != YN_SEQ || n->n == 0 || n->n > FORM_MAX_LANGS) {
		ld_at(l, n, "languages: expected a list of 1 to %d language "
		    "codes such as [sv, en], found %s", FORM_MAX_LANGS,
		    n->kind == YN_SEQ ? (n->n == 0 ? "an empty list" :
		    "more") : yn_desc(n, b, sizeof b));
		return;
	}
	for (i = 0; i < n->n; i++) {
		if (ld_id(l, "languages", n->kids[i], ID_LANG, &code) == -1)
			continue;
		if (form_lang_index(f, code) >= 0) {
			ld_at(l, n->kids[i], "languages: duplicate language "
			    "'%s'", code);
			free(code);
			continue;
		}
		f->langs[f->nlangs++] = code;
	}
}

enum {
	QK_ID, QK_TYPE, QK_LABEL, QK_HELP, QK_REQUIRED, QK_SHOW_IF, QK_THEME,
	QK_REPORT, QK_CHOICES, QK_OTHER, QK_MAX, QK_MIN, QK_MIN_LABEL,
	QK_MAX_LABEL, QK_MAX_LENGTH, QK_SHORT, QK_SENSITIVE, QK_N
};

static const char *const qkeys[] = {
	"id", "type", "label", "help", "required", "show_if", "theme",
	"report", "choices", "other", "max", "min", "min_label", "max_label",
	"max_length", "short", "sensitive", NULL
};
static const char qkeys_expected[] = "id, type, label, help, required, "
    "show_if, theme, report, choices, other, max, min, min_label, "
    "max_label, max_length, short, sensitive";

#define T(x) (1u << (x))
/* Which types each question key applies to (0: all). */
static const unsigned qkey_types[QK_N] = {
	[QK_CHOICES] = T(FORM_SINGLE) | T(FORM_MULTI),
	[QK_OTHER] = T(FORM_SINGLE) | T(FORM_MULTI),
	[QK_MAX] = T(FORM_MULTI) | T(FORM_SCALE) | T(FORM_NUMBER),
	[QK_MIN] = T(FORM_SCALE) | T(FORM_NUMBER),
	[QK_MIN_LABEL] = T(FORM_SCALE) | T(FORM_NPS),
	[QK_MAX_LABEL] = T(FORM_SCALE) | T(FORM_NPS),
	[QK_MAX_LENGTH] = T(FORM_TEXT),
	[QK_SENSITIVE] = T(FORM_YESNO) | T(FORM_SINGLE) | T(FORM_MULTI),
};
/* Which types need each key. */
static const unsigned qkey_needed[QK_N] = {
	[QK_ID] = ~0u, [QK_TYPE] = ~0u, [QK_LABEL] = ~0u,
	[QK_CHOICES] = T(FORM_SINGLE) | T(FORM_MULTI),
	[QK_MIN] = T(FORM_NUMBER),
	[QK_MAX] = T(FORM_NUMBER),
	[QK_MIN_LABEL] = T(FORM_SCALE) | T(FORM_NPS),
	[QK_MAX_LABEL] = T(FORM_SCALE) | T(FORM_NPS),
};

static int
reserved_word(const char *s)
{
	return strcmp(s, "and") == 0 || strcmp(s, "or") == 0 ||
	    strcmp(s, "not") == 0 || strcmp(s, "in") == 0;
}

static void
ld_choices(struct ld *l, struct form_question *q, const struct ynode *n)
{
	static const char *const ckeys[] = { "id", "label", NULL };
	const struct ynode *v[2];
	const struct ynode **idn;
	char b[160], *id;
	size_t i, j;

	if (n->kind != YN_SEQ) {
		ld_at(l, n, "choices: expected a list of 1 to %d choices, "
		    "found %s", FORM_MAX_CHOICES, yn_desc(n, b, sizeof b));
		return;
	}
	if (n->n == 0) {
		ld_at(l, n, "choices: expected a list of 1 to %d choices, "
		    "found an empty list", FORM_MAX_CHOICES);
		return;
	}
	if (n->n > FORM_MAX_CHOICES) {
		ld_at(l, n, "choices: expected a list of 1 to %d choices, "
		    "found %zu", FORM_MAX_CHOICES, n->n);
		return;
	}
	q->choices = xcalloc(n->n, sizeof *q->choices);
	idn = xcalloc(n->n, sizeof *idn);
	for (i = 0; i < n->n; i++) {
		const struct ynode *c = n->kids[i];
		struct form_choice *ch = &q->choices[q->nchoices++];

		if (c->kind != YN_MAP) {
			ld_at(l, c, "choices: expected a choice (a mapping "
			    "with id and label), found %s",
			    yn_desc(c, b, sizeof b));
			continue;
		}
		ld_keys(l, c, "a choice", ckeys, "id, label", v, NULL);
		if (v[0] == NULL)
			ld_at(l, c, "missing key 'id' in a choice");
		else if (ld_id(l, "id", v[0], ID_NAME, &id) == 0) {
			for (j = 0; j < i; j++)
				if (q->choices[j].id != NULL &&
				    strcmp(q->choices[j].id, id) == 0)
					break;
			if (j < i) {
				ld_at(l, v[0], "duplicate choice id '%s' in "
				    "question '%s' (first at line %zu)", id,
				    q->id ? q->id : "?", idn[j]->line);
				free(id);
			} else if (strcmp(id, "other") == 0) {
				ld_at(l, v[0], "id: 'other' is reserved for "
				    "the choice that other: true adds");
				free(id);
			} else {
				ch->id = id;
				idn[i] = v[0];
			}
		}
		if (v[1] == NULL)
			ld_at(l, c, "missing key 'label' in a choice");
		else
			ld_text(l, "label", v[1], 0, &ch->label);
	}
	free(idn);
}

/* sensitive: true or false (yesno: the answer yes; single, multi: every
 * choice), or for single and multi a list of choice ids. */
static void
ld_sensitive(struct ld *l, struct form_question *q, const struct ynode *n)
{
	char b[160];
	size_t i, j;
	int on;

	if (n->kind != YN_SEQ) {
		if (ld_bool(l, "sensitive", n, &on) != 0 || !on)
			return;
		if (q->type == FORM_YESNO)
			q->sensitive = (uint64_t)1 << FORM_YES;
		else
			q->sensitive = q->nchoices >= 64 ? ~(uint64_t)0 :
			    ((uint64_t)1 << q->nchoices) - 1;
		return;
	}
	if (q->type == FORM_YESNO) {
		ld_at(l, n, "sensitive: expected true or false, found %s",
		    yn_desc(n, b, sizeof b));
		return;
	}
	for (i = 0; i < n->n; i++) {
		const struct ynode *c = n->kids[i];

		for (j = 0; c->kind == YN_SCALAR && j < q->nchoices; j++)
			if (q->choices[j].id != NULL &&
			    strcmp(q->choices[j].id, c->s) == 0)
				break;
		if (c->kind != YN_SCALAR || j == q->nchoices) {
			ld_at(l, c, "sensitive: expected a choice id of "
			    "question '%s', found %s", q->id ? q->id : "?",
			    yn_desc(c, b, sizeof b));
			continue;
		}
		q->sensitive |= (uint64_t)1 << j;
	}
}

static void
ld_question(struct ld *l, size_t sec, const struct ynode *n)
{
	static const char *const required_names[] = {
		"false", "soft", "true", NULL
	};
	static const char *const report_names[] = { "unit", "region", NULL };
	struct form *f = l->f;
	struct form_question *q;
	const struct ynode *v[QK_N], *k[QK_N];
	char b[160];
	long long x;
	int type = -1, e, i;
	size_t j, qi;

	if (f->nquestions == FORM_MAX_QUESTIONS) {
		if (!l->too_many_q)
			ld_at(l, n, "more than %d questions in the form",
			    FORM_MAX_QUESTIONS);
		l->too_many_q = 1;
		return;
	}
	if (f->nquestions == l->capq) {
		l->capq = l->capq ? l->capq * 2 : 32;
		f->questions = xreallocarray(f->questions, l->capq,
		    sizeof *f->questions);
		l->qshow = xreallocarray(l->qshow, l->capq,
		    sizeof *l->qshow);
	}
	qi = f->nquestions++;
	q = &f->questions[qi];
	memset(q, 0, sizeof *q);
	l->qshow[qi] = NULL;
	q->section = sec;
	q->line = n->line;
	q->type = (enum form_type)-1;
	q->max_length = FORM_DEFAULT_MAX_LENGTH;
	if (n->kind != YN_MAP) {
		ld_at(l, n, "questions: expected a question (a mapping with "
		    "id, type and label), found %s", yn_desc(n, b, sizeof b));
		return;
	}
	ld_keys(l, n, "a question", qkeys, qkeys_expected, v, k);
	if (v[QK_TYPE] != NULL && ld_enum(l, "type", v[QK_TYPE], type_names,
	    "single, multi, scale, nps, yesno, number or text", &type) == 0)
		q->type = (enum form_type)type;
	if (v[QK_ID] != NULL && ld_id(l, "id", v[QK_ID], ID_NAME,
	    &q->id) == 0) {
		q->line = v[QK_ID]->line;
		if (reserved_word(q->id)) {
			ld_at(l, v[QK_ID], "id: '%s' is a word of the show_if "
			    "language (and, or, not, in): choose another id",
			    q->id);
		}
		for (j = 0; j < qi; j++)
			if (f->questions[j].id != NULL &&
			    strcmp(f->questions[j].id, q->id) == 0) {
				ld_at(l, v[QK_ID], "duplicate question id '%s' "
				    "(first at line %zu)", q->id,
				    f->questions[j].line);
				break;
			}
	}
	for (i = 0; i < QK_N; i++) {
		if (v[i] == NULL && type >= 0 &&
		    (qkey_needed[i] & T(type)) != 0)
			ld_at(l, n, "missing key '%s' in question '%s'%s%s%s",
			    qkeys[i], q->id ? q->id : "?",
			    qkey_needed[i] == ~0u ? "" : " (",
			    qkey_needed[i] == ~0u ? "" : type_names[type],
			    qkey_needed[i] == ~0u ? "" :
			    " questions need it)");
		else if (v[i] == NULL && type < 0 && qkey_needed[i] == ~0u)
			ld_at(l, n, "missing key '%s' in question '%s'",
			    qkeys[i], q->id ? q->id : "?");
		if (v[i] != NULL && type >= 0 && qkey_types[i] != 0 &&
		    (qkey_types[i] & T(type)) == 0) {
			ld_at(l, k[i], "key '%s' does not apply to %s "
			    "questions", qkeys[i], type_names[type]);
			v[i] = NULL;
		}
	}
	if (v[QK_LABEL] != NULL)
		ld_text(l, "label", v[QK_LABEL], 0, &q->label);
	if (v[QK_HELP] != NULL)
		ld_text(l, "help", v[QK_HELP], 1, &q->help);
	if (v[QK_SHORT] != NULL &&
	    ld_text(l, "short", v[QK_SHORT], 0, &q->shortl) == 0)
		for (size_t si = 0; si < l->f->nlangs; si++)
			if (q->shortl.s[si] != NULL &&
			    utf8_len(q->shortl.s[si], strlen(q->shortl.s[si]))
			    > FORM_SHORT_MAX)
				ld_at(l, v[QK_SHORT], "short: the '%s' text "
				    "is longer than %d characters (it heads a "
				    "dashboard column)", l->f->langs[si],
				    FORM_SHORT_MAX);
	if (v[QK_REQUIRED] != NULL && ld_enum(l, "required", v[QK_REQUIRED],
	    required_names, "true, soft or false", &e) == 0)
		q->required = e == 2 ? FORM_REQUIRED : e == 1 ? FORM_SOFT :
		    FORM_OPTIONAL;
	l->qshow[qi] = v[QK_SHOW_IF];
	if (v[QK_THEME] != NULL)
		ld_id(l, "theme", v[QK_THEME], ID_NAME, &q->theme);
	if (v[QK_REPORT] != NULL && ld_enum(l, "report", v[QK_REPORT],
	    report_names, "unit or region", &e) == 0)
		q->report = e == 1 ? FORM_SCOPE_REGION : FORM_SCOPE_UNIT;
	if (type < 0)
		return;
	switch (q->type) {
	case FORM_SINGLE:
	case FORM_MULTI:
		if (v[QK_CHOICES] != NULL)
			ld_choices(l, q, v[QK_CHOICES]);
		if (v[QK_OTHER] != NULL)
			ld_bool(l, "other", v[QK_OTHER], &q->other);
		if (v[QK_MAX] != NULL && ld_int(l, "max", v[QK_MAX], 1,
		    FORM_MAX_CHOICES + 1, &x) == 0) {
			if (q->nchoices > 0 &&
			    (size_t)x > q->nchoices + (q->other ? 1 : 0))
				ld_at(l, v[QK_MAX], "max: %lld is more than "
				    "the number of choices (%zu)", x,
				    q->nchoices + (q->other ? 1 : 0));
			else
				q->max_choices = (unsigned)x;
		}
		break;
	case FORM_SCALE:
		q->min = 1;
		q->max = 5;
		if (v[QK_MIN] != NULL && ld_int(l, "min", v[QK_MIN], 0, 1,
		    &x) == 0)
			q->min = (int32_t)x;
		if (v[QK_MAX] != NULL && ld_int(l, "max", v[QK_MAX], 2, 10,
		    &x) == 0)
			q->max = (int32_t)x;
		break;
	case FORM_NPS:
		q->min = 0;
		q->max = 10;
		break;
	case FORM_NUMBER: {
		int okmin = 0, okmax = 0;
		long long mn = 0, mx = 0;

		if (v[QK_MIN] != NULL)
			okmin = ld_int(l, "min", v[QK_MIN], INT32_MIN,
			    INT32_MAX, &mn) == 0;
		if (v[QK_MAX] != NULL)
			okmax = ld_int(l, "max", v[QK_MAX], INT32_MIN,
			    INT32_MAX, &mx) == 0;
		if (okmin && okmax && mn > mx)
			ld_at(l, v[QK_MIN], "min: %lld is greater than max "
			    "%lld", mn, mx);
		q->min = (int32_t)mn;
		q->max = (int32_t)mx;
		break;
	}
	case FORM_TEXT:
		if (v[QK_MAX_LENGTH] != NULL && ld_int(l, "max_length",
		    v[QK_MAX_LENGTH], 1, FORM_MAX_MAX_LENGTH, &x) == 0)
			q->max_length = (uint32_t)x;
		break;
	case FORM_YESNO:
		q->min = 0;
		q->max = 1;
		break;
	}
	if (v[QK_SENSITIVE] != NULL)
		ld_sensitive(l, q, v[QK_SENSITIVE]);
	if (v[QK_MIN_LABEL] != NULL)
		ld_text(l, "min_label", v[QK_MIN_LABEL], 0, &q->min_label);
	if (v[QK_MAX_LABEL] != NULL)
		ld_text(l, "max_label", v[QK_MAX_LABEL], 0, &q->max_label);
}

static void
ld_section(struct ld *l, const struct ynode *n)
{
	static const char *const skeys[] = {
		"id", "title", "show_if", "questions", "mode", NULL
	};
	static const char *const mode_names[] = {
		"interviewer", "self", NULL
	};
	struct form *f = l->f;
	struct form_section *s;
	const struct ynode *v[5];
	char b[160];
	size_t si, i, j;
	int mode;

	if (f->nsections == FORM_MAX_QUESTIONS) {
		if (!l->too_many_s)
			ld_at(l, n, "more than %d sections in the form",
			    FORM_MAX_QUESTIONS);
		l->too_many_s = 1;
		return;
	}
	if (f->nsections == l->caps) {
		l->caps = l->caps ? l->caps * 2 : 8;
		f->sections = xreallocarray(f->sections, l->caps,
		    sizeof *f->sections);
		l->sshow = xreallocarray(l->sshow, l->caps, sizeof *l->sshow);
	}
	si = f->nsections++;
	s = &f->sections[si];
	memset(s, 0, sizeof *s);
	l->sshow[si] = NULL;
	s->first = f->nquestions;
	if (n->kind != YN_MAP) {
		ld_at(l, n, "sections: expected a section (a mapping with id, "
		    "title and questions), found %s", yn_desc(n, b, sizeof b));
		return;
	}
	ld_keys(l, n, "a section", skeys,
	    "id, title, show_if, questions, mode", v, NULL);
	if (v[4] != NULL && ld_enum(l, "mode", v[4], mode_names,
	    "interviewer or self", &mode) == 0)
		s->self = mode == 1;
	if (v[0] == NULL)
		ld_at(l, n, "missing key 'id' in a section");
	else if (ld_id(l, "id", v[0], ID_NAME, &s->id) == 0) {
		for (j = 0; j < si; j++)
			if (f->sections[j].id != NULL &&
			    strcmp(f->sections[j].id, s->id) == 0) {
				ld_at(l, v[0], "duplicate section id '%s'",
				    s->id);
				break;
			}
	}
	if (v[1] == NULL)
		ld_at(l, n, "missing key 'title' in section '%s'",
		    s->id ? s->id : "?");
	else
		ld_text(l, "title", v[1], 0, &s->title);
	l->sshow[si] = v[2];
	if (v[3] == NULL)
		ld_at(l, n, "missing key 'questions' in section '%s'",
		    s->id ? s->id : "?");
	else if (v[3]->kind != YN_SEQ || v[3]->n == 0)
		ld_at(l, v[3], "questions: expected a list of questions, found "
		    "%s", v[3]->kind == YN_SEQ ? "an empty list" :
		    yn_desc(v[3], b, sizeof b));
	else
		for (i = 0; i < v[3]->n && !l->too_many_q; i++)
			ld_question(l, si, v[3]->kids[i]);
	f->sections[si].count = f->nquestions - f->sections[si].first;
}

static void
ld_show_if(struct ld *l, const struct ynode *n, size_t before,
    struct form_expr **out)
{
	struct err e;
	char b[160];
	size_t pos = 0, line, col;

	if (n->kind != YN_SCALAR || n->len == 0) {
		ld_at(l, n, "show_if: expected an expression such as "
		    "\"q == choice\", found %s", yn_desc(n, b, sizeof b));
		return;
	}
	if (form_expr_parse(out, l->f, before, n->s, n->len, &pos,
	    &e) == -1) {
		ld_scalar_pos(l, n, pos, &line, &col);
		ld_diag(l, line, col, "show_if: %s", e.msg);
	}
}

/* 1 if question q lies in a self section. */
static int
ld_in_self(const struct form *f, size_t q)
{
	return f->questions[q].section < f->nsections &&
	    f->sections[f->questions[q].section].self;
}

/* mode: self promises that the interviewer never learns those answers.
 * Whether a later interviewer-led question or section is shown is on the
 * interviewer's screen, so its show_if may not look at a self answer: it
 * would tell the answer (a follow-up inside the same self section may). */
static void
ld_self_leaks(struct ld *l)
{
	struct form *f = l->f;
	uint8_t *refs;
	size_t i, j, si;

	if (f->nquestions == 0)
		return;
	refs = xcalloc(f->nquestions, 1);
	for (i = 0; i < f->nsections; i++) {
		if (f->sections[i].show_if == NULL)
			continue;
		memset(refs, 0, f->nquestions);
		form_expr_refs(f->sections[i].show_if, refs, f->nquestions);
		for (j = 0; j < f->nquestions; j++)
			if (refs[j] && ld_in_self(f, j) && l->sshow[i])
				ld_at(l, l->sshow[i], "show_if: section '%s' "
				    "depends on '%s', which the leaver "
				    "answers alone (mode: self): whether it "
				    "is shown would tell the interviewer the "
				    "answer",
				    f->sections[i].id ? f->sections[i].id :
				    "?", f->questions[j].id ?
				    f->questions[j].id : "?");
	}
	for (i = 0; i < f->nquestions; i++) {
		if (f->questions[i].show_if == NULL)
			continue;
		si = f->questions[i].section;
		memset(refs, 0, f->nquestions);
		form_expr_refs(f->questions[i].show_if, refs, f->nquestions);
		for (j = 0; j < f->nquestions; j++) {
			if (!refs[j] || !ld_in_self(f, j))
				continue;
			if (ld_in_self(f, i) && f->questions[j].section == si)
				continue;
			if (l->qshow[i])
				ld_at(l, l->qshow[i], "show_if: question '%s' "
				    "depends on '%s', which the leaver "
				    "answers alone (mode: self) in %s: "
				    "whether it is shown would tell the "
				    "interviewer the answer",
				    f->questions[i].id ? f->questions[i].id :
				    "?", f->questions[j].id ?
				    f->questions[j].id : "?",
				    ld_in_self(f, i) ? "another section" :
				    "a self section");
		}
	}
	free(refs);
}

static void
ld_form(struct ld *l, const struct ynode *root)
{
	static const char *const fkeys[] = {
		"id", "version", "languages", "title", "intro", "sections",
		NULL
	};
	struct form *f = l->f;
	const struct ynode *v[6];
	char b[160];
	long long x;
	size_t i;

	if (root->kind != YN_MAP) {
		ld_at(l, root, "expected a form (a mapping with id, version, "
		    "languages, title, intro and sections), found %s",
		    yn_desc(root, b, sizeof b));
		return;
	}
	ld_keys(l, root, "the form", fkeys,
	    "id, version, languages, title, intro, sections", v, NULL);
	for (i = 0; fkeys[i] != NULL; i++)
		if (v[i] == NULL)
			ld_at(l, root, "missing key '%s' in the form",
			    fkeys[i]);
	if (v[2] != NULL)
		ld_languages(l, v[2]);
	if (v[0] != NULL)
		ld_id(l, "id", v[0], ID_FORM, &f->id);
	if (v[1] != NULL && ld_int(l, "version", v[1], 1, INT32_MAX,
	    &x) == 0)
		f->version = (uint32_t)x;
	if (v[3] != NULL)
		ld_text(l, "title", v[3], 0, &f->title);
	if (v[4] != NULL)
		ld_text(l, "intro", v[4], 1, &f->intro);
	if (v[5] != NULL) {
		if (v[5]->kind != YN_SEQ || v[5]->n == 0)
			ld_at(l, v[5], "sections: expected a list of sections, "
			    "found %s", v[5]->kind == YN_SEQ ?
			    "an empty list" : yn_desc(v[5], b, sizeof b));
		else
			for (i = 0; i < v[5]->n && !l->too_many_s &&
			    !l->too_many_q; i++)
				ld_section(l, v[5]->kids[i]);
	}
	/* show_if last: it may refer to any earlier question, wherever its
	 * keys were written. */
	for (i = 0; i < f->nsections; i++)
		if (l->sshow[i] != NULL)
			ld_show_if(l, l->sshow[i], f->sections[i].first,
			    &f->sections[i].show_if);
	for (i = 0; i < f->nquestions; i++)
		if (l->qshow[i] != NULL)
			ld_show_if(l, l->qshow[i], i,
			    &f->questions[i].show_if);
	ld_self_leaks(l);
}

/* Refuse what libyaml would misreport or accept: size, BOM, bad UTF-8,
 * NUL bytes. */
static int
ld_precheck(struct ld *l)
{
	const char *nul;
	size_t bad, line, col;
	int rc = 0;

	if (l->len >= 3 && memcmp(l->buf, "\xef\xbb\xbf", 3) == 0) {
		ld_diag(l, 1, 1, "byte order mark (BOM) at the start: save "
		    "the file as UTF-8 without BOM");
		rc = -1;
	}
	if (!utf8_valid(l->buf, l->len, &bad)) {
		ld_linecol(l, bad, &line, &col);
		ld_diag(l, line, col, "invalid UTF-8 (byte 0x%02x): save the "
		    "file as UTF-8", (unsigned char)l->buf[bad]);
		rc = -1;
	}
	if ((nul = memchr(l->buf, '\0', l->len)) != NULL) {
		ld_linecol(l, (size_t)(nul - l->buf), &line, &col);
		ld_diag(l, line, col, "NUL byte: a form is a text file");
		rc = -1;
	}
	return rc;
}

struct form *
form_load_buf(const char *name, const char *buf, size_t len,
    struct form_diags *d)
{
	struct ld l;
	struct ynode *root = NULL;
	struct form *f;

	memset(&l, 0, sizeof l);
	l.name = name;
	l.buf = buf;
	l.len = len;
	f = l.f = xcalloc(1, sizeof *f);
	if (len > FORM_MAX_BYTES) {
		ld_diag(&l, 1, 1, "file too large: %zu bytes, a form may have "
		    "at most %d (1 MiB)", len, FORM_MAX_BYTES);
		goto out;
	}
	ld_lines(&l);
	if (ld_precheck(&l) == -1)
		goto out;
	if ((root = ld_read(&l)) == NULL)
		goto out;
	ld_form(&l, root);
	if (l.ndg == 0 && l.dropped == 0)
		form_hash_compute(f, f->hash);
out:
	yn_free(root);
	free(l.lines);
	free(l.qshow);
	free(l.sshow);
	if (l.ndg > 0 || l.dropped > 0) {
		ld_flush(&l, d);
		form_free(f);
		return NULL;
	}
	free(l.dg);
	return f;
}

struct form *
form_load_file(const char *path, struct form_diags *d)
{
	struct stat st;
	struct err e;
	struct form *f;
	char *buf;
	size_t len;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (unsigned long long)st.st_size > FORM_MAX_BYTES) {
		form_diags_add(d, path, 1, 1, "file too large: %lld bytes, a "
		    "form may have at most %d (1 MiB)",
		    (long long)st.st_size, FORM_MAX_BYTES);
		return NULL;
	}
	if (fsx_read_file(path, FORM_MAX_BYTES, &buf, &len, &e) == -1) {
		if (d != NULL && d->n < FORM_MAX_DIAGS)
			d->msg[d->n++] = xstrdup(e.msg);
		else if (d != NULL)
			d->dropped++;
		if (d != NULL)
			d->io = 1;
		return NULL;
	}
	f = form_load_buf(path, buf, len, d);
	free(buf);
	return f;
}

/* --- lookups and answers -------------------------------------------------- */

int
form_lang_index(const struct form *f, const char *lang)
{
	size_t i;

	if (lang == NULL)
		return -1;
	for (i = 0; i < f->nlangs; i++)
		if (f->langs[i] != NULL && strcmp(f->langs[i], lang) == 0)
			return (int)i;
	return -1;
}

long
form_find(const struct form *f, const char *id)
{
	size_t i;

	if (id == NULL)
		return -1;
	for (i = 0; i < f->nquestions; i++)
		if (f->questions[i].id != NULL &&
		    strcmp(f->questions[i].id, id) == 0)
			return (long)i;
	return -1;
}

const char *
form_text_get(const struct form_text *t, int li)
{
	if (li >= 0 && li < FORM_MAX_LANGS && t->s[li] != NULL)
		return t->s[li];
	return t->s[0];
}

/* Free text typed by the interviewer: bounded, clean, no control
 * characters but newlines. The message never quotes the text. */
static int
answer_text_check(const struct form_question *q, const char *t,
    const char *what, struct err *e)
{
	size_t len = strlen(t), bad;
	uint32_t cp;

	if (len > (size_t)q->max_length * 4 ||
	    utf8_len(t, len) > q->max_length)
		return err_setc(e, ERR_DATA, "question '%s': %s longer than "
		    "%lu characters", q->id, what,
		    (unsigned long)q->max_length);
	if (!utf8_clean(t, len, 1, &bad, &cp))
		return err_setc(e, ERR_DATA, "question '%s': %s has %s at "
		    "byte %zu",
		    q->id, what, cp == 0xffffffffu ? "invalid UTF-8" :
		    "a control or bidi-override character", bad);
	return 0;
}

int
form_answer_check(const struct form *f, size_t qi,
    const struct form_answer *a, struct err *e)
{
	const struct form_question *q;
	unsigned n;
	size_t i;

	if (qi >= f->nquestions)
		return err_setc(e, ERR_DATA, "no question %zu in form '%s'", qi,
		    f->id);
	q = &f->questions[qi];
	if (a->state > FORM_ANSWERED)
		return err_setc(e, ERR_DATA, "question '%s': unknown answer "
		    "state %u",
		    q->id, (unsigned)a->state);
	if (a->state != FORM_ANSWERED) {
		if (a->text != NULL || a->other || a->choices != 0)
			return err_setc(e, ERR_DATA, "question '%s': an "
			    "answer that is not given holds a value", q->id);
		return 0;
	}
	if (a->other && !((q->type == FORM_SINGLE || q->type == FORM_MULTI) &&
	    q->other))
		return err_setc(e, ERR_DATA, "question '%s' has no 'other' "
		    "choice",
		    q->id);
	if (a->text != NULL && !a->other && q->type != FORM_TEXT)
		return err_setc(e, ERR_DATA, "question '%s': text without "
		    "'other'",
		    q->id);
	if (a->choices != 0 && q->type != FORM_MULTI)
		return err_setc(e, ERR_DATA, "question '%s': a choice set on "
		    "a %s question", q->id, form_type_name(q->type));
	/* Fields a type does not use must be zero (avslut-record(5)), or a
	 * record could carry a mark that no view shows. */
	if (a->num != 0 && (q->type == FORM_MULTI || q->type == FORM_TEXT))
		return err_setc(e, ERR_DATA, "question '%s': a value on a %s "
		    "question",
		    q->id, form_type_name(q->type));
	switch (q->type) {
	case FORM_SINGLE:
		if (!a->other && (a->num < 0 || (size_t)a->num >= q->nchoices))
			return err_setc(e, ERR_DATA, "question '%s': no "
			    "choice %ld",
			    q->id, (long)a->num);
		break;
	case FORM_MULTI:
		if (q->nchoices < 64 && (a->choices >> q->nchoices) != 0)
			return err_setc(e, ERR_DATA, "question '%s': a choice "
			    "beyond its %zu", q->id, q->nchoices);
		for (n = a->other ? 1 : 0, i = 0; i < 64; i++)
			n += (a->choices >> i) & 1;
		if (n == 0)
			return err_setc(e, ERR_DATA, "question '%s': nothing "
			    "chosen",
			    q->id);
		if (q->max_choices != 0 && n > q->max_choices)
			return err_setc(e, ERR_DATA, "question '%s': %u "
			    "chosen, at most %u", q->id, n, q->max_choices);
		break;
	case FORM_SCALE:
	case FORM_NPS:
	case FORM_NUMBER:
	case FORM_YESNO:
		if (a->num < q->min || a->num > q->max)
			return err_setc(e, ERR_DATA, "question '%s': %ld is "
			    "outside %ld..%ld", q->id, (long)a->num,
			    (long)q->min,
			    (long)q->max);
		break;
	case FORM_TEXT:
		if (a->text == NULL || a->text[0] == '\0')
			return err_setc(e, ERR_DATA, "question '%s': answered "
			    "without text", q->id);
		return answer_text_check(q, a->text, "the text", e);
	}
	if (a->other && a->text != NULL)
		return answer_text_check(q, a->text, "the 'other' text", e);
	return 0;
}

void
form_answer_clear(struct form_answer *a)
{
	xfree_str_wipe(a->text);
	memset(a, 0, sizeof *a);
}
