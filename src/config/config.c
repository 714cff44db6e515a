/* config: loads avslut.yaml through libyaml's event parser into a small
 * tree, then validates every key; all problems come back as FILE:L:C. */
#include "config/config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "config/embed.h"
#include "util/fsx.h"
#include "util/paths.h"
#include "util/utf8.h"
#include "util/xmem.h"

#define CFG_MAX_DEPTH 16
#define CFG_MAX_NODES 100000
#define CFG_MAX_TEXT 200	/* characters in a name, region, area */
#define CFG_MAX_CODE 32
#define CFG_MAX_PATH 4096	/* bytes in a path or command */

enum cnode_kind { CN_SCALAR, CN_MAP, CN_SEQ };

/* One YAML node. A mapping's kids alternate key, value. */
struct cnode {
	enum cnode_kind kind;
	size_t line, col;	/* 1-based, where the node starts */
	char *s;		/* scalar value, NUL-terminated */
	size_t len;
	int plain;		/* scalar was written unquoted */
	struct cnode **kids;
	size_t nkids, cap;
};

/* The state of one load: where messages go and how many nodes exist. */
struct cld {
	const char *name;
	struct form_diags *d;
	size_t nnodes;
};

static void
cfg_diag(struct cld *ld, size_t line, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
cfg_diag(struct cld *ld, size_t line, size_t col, const char *fmt, ...)
{
	va_list ap;
	char *body;

	if (ld->d->n >= FORM_MAX_DIAGS) {
		ld->d->dropped++;
		return;
	}
	va_start(ap, fmt);
	body = xvasprintf(fmt, ap);
	va_end(ap);
	ld->d->msg[ld->d->n++] = xasprintf("%s:%zu:%zu: %s", ld->name, line,
	    col, body);
	free(body);
}

/* Text from the file quoted for a message: sanitized and cut short, so a
 * hostile file cannot put escapes or a megabyte into the terminal. */
static char *
cfg_quote(const char *s, size_t n)
{
	char *clean = utf8_sanitize(s, n, 0), *q;
	size_t cut = strlen(clean), max = 48;

	if (cut > max) {
		cut = max;
		while (cut > 0 && ((unsigned char)clean[cut] & 0xc0) == 0x80)
			cut--;
		q = xasprintf("\"%.*s...\"", (int)cut, clean);
	} else
		q = xasprintf("\"%s\"", clean);
	free(clean);
	return q;
}

/* ASCII classes by hand: <ctype.h> depends on the locale. */
static int
cfg_isdigit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static int
cfg_isalnum(int ch)
{
	return cfg_isdigit(ch) || (ch >= 'a' && ch <= 'z') ||
	    (ch >= 'A' && ch <= 'Z');
}

static int
cfg_tolower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

static void
cnode_free(struct cnode *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		cnode_free(n->kids[i]);
	free(n->kids);
	free(n->s);
	free(n);
}

static void
cnode_add(struct cnode *parent, struct cnode *kid)
{
	if (parent->nkids == parent->cap) {
		parent->cap = parent->cap ? parent->cap * 2 : 8;
		parent->kids = xreallocarray(parent->kids, parent->cap,
		    sizeof *parent->kids);
	}
	parent->kids[parent->nkids++] = kid;
}

static const char *
cnode_kind_name(const struct cnode *n)
{
	switch (n->kind) {
	case CN_MAP:
		return "a mapping";
	case CN_SEQ:
		return "a list";
	default:
		return "text";
	}
}

/* Before libyaml sees the bytes: refuse a BOM, NUL, tabs, invalid UTF-8
 * and control or bidi characters anywhere, comments included. */
static int
cfg_prescan(struct cld *ld, const char *buf, size_t len)
{
	size_t i = 0, line = 1, col = 1, l, before = ld->d->n;
	uint32_t cp;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		cfg_diag(ld, 1, 1, "byte order mark (BOM) at the start: "
		    "save the file as UTF-8 without BOM");
		i = 3;
	}
	while (i < len) {
		l = utf8_decode(buf + i, len - i, &cp);
		if (l == 0) {
			cfg_diag(ld, line, col, "invalid UTF-8");
			i++;
			col++;
			continue;
		}
		if (cp == '\n') {
			line++;
			col = 1;
			i++;
			continue;
		}
		if (cp == '\r' && i + 1 < len && buf[i + 1] == '\n') {
			i++;
			continue;
		}
		if (cp == 0)
			cfg_diag(ld, line, col, "NUL byte");
		else if (cp == '\t')
			cfg_diag(ld, line, col,
			    "tab character: indent with spaces");
		else if (utf8_forbidden(cp))
			cfg_diag(ld, line, col, "control or bidi character "
			    "U+%04X is not allowed", (unsigned)cp);
		i += l;
		col++;
	}
	return ld->d->n == before && ld->d->dropped == 0 ? 0 : -1;
}

/* Build the node tree from libyaml's events. Anchors, aliases, tags and
 * more than one document are refused; depth and node count are capped. */
static struct cnode *
cfg_parse(struct cld *ld, const char *buf, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct cnode *stack[CFG_MAX_DEPTH + 1], *root = NULL, *n;
	size_t depth = 0, ndocs = 0;
	int done = 0, ok = 1;

	if (!yaml_parser_initialize(&p)) {
		cfg_diag(ld, 1, 1, "cannot start the YAML parser");
		return NULL;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	while (!done && ok) {
		if (!yaml_parser_parse(&p, &ev)) {
			cfg_diag(ld, p.problem_mark.line + 1,
			    p.problem_mark.column + 1,
			    "YAML syntax error: %s%s%s",
			    p.problem ? p.problem : "unknown problem",
			    p.context ? " " : "", p.context ? p.context : "");
			ok = 0;
			break;
		}
		size_t line = ev.start_mark.line + 1;
		size_t col = ev.start_mark.column + 1;
		unsigned char *anchor = NULL, *tag = NULL;

		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++ndocs > 1) {
				cfg_diag(ld, line, col, "a second YAML "
				    "document: the file holds exactly one");
				ok = 0;
			}
			break;
		case YAML_ALIAS_EVENT:
			cfg_diag(ld, line, col, "aliases (*name) are not "
			    "allowed: write the value out");
			ok = 0;
			break;
		case YAML_SCALAR_EVENT:
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (ev.type == YAML_SCALAR_EVENT) {
				anchor = ev.data.scalar.anchor;
				tag = ev.data.scalar.tag;
			} else if (ev.type == YAML_MAPPING_START_EVENT) {
				anchor = ev.data.mapping_start.anchor;
				tag = ev.data.mapping_start.tag;
			} else {
				anchor = ev.data.sequence_start.anchor;
				tag = ev.data.sequence_start.tag;
			}
			if (anchor != NULL) {
				cfg_diag(ld, line, col, "anchors (&name) are "
				    "not allowed: write the value out");
				ok = 0;
				break;
			}
			if (tag != NULL) {
				cfg_diag(ld, line, col, "tags (!name) are not "
				    "allowed");
				ok = 0;
				break;
			}
			if (++ld->nnodes > CFG_MAX_NODES) {
				cfg_diag(ld, line, col, "too many values (more "
				    "than %d)", CFG_MAX_NODES);
				ok = 0;
				break;
			}
			n = xcalloc(1, sizeof *n);
			n->line = line;
			n->col = col;
			if (ev.type == YAML_SCALAR_EVENT) {
				n->kind = CN_SCALAR;
				n->len = ev.data.scalar.length;
				n->s = xmalloc(n->len + 1);
				memcpy(n->s, ev.data.scalar.value, n->len);
				n->s[n->len] = '\0';
				n->plain = ev.data.scalar.style ==
				    YAML_PLAIN_SCALAR_STYLE;
			} else
				n->kind = ev.type == YAML_MAPPING_START_EVENT ?
				    CN_MAP : CN_SEQ;
			if (depth == 0) {
				if (root == NULL)
					root = n;
				else
					cnode_free(n);	/* cannot happen */
			} else
				cnode_add(stack[depth - 1], n);
			if (n->kind == CN_SCALAR)
				break;
			if (depth == CFG_MAX_DEPTH) {
				cfg_diag(ld, line, col, "nested too deeply "
				    "(more than %d levels)", CFG_MAX_DEPTH);
				ok = 0;
				break;
			}
			stack[depth++] = n;
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			if (depth > 0)
				depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (!ok) {
		cnode_free(root);
		return NULL;
	}
	return root;
}

/* A scalar that YAML reads as "no value": empty, ~ or null. */
static int
cnode_is_null(const struct cnode *n)
{
	return n->kind == CN_SCALAR && n->plain && (n->len == 0 ||
	    strcmp(n->s, "~") == 0 || strcmp(n->s, "null") == 0 ||
	    strcmp(n->s, "Null") == 0 || strcmp(n->s, "NULL") == 0);
}

/* Match a mapping's keys against the known names: out[i] gets the value
 * of known[i] (or NULL). Unknown, duplicate and non-text keys are
 * reported. Returns -1 if node is not a mapping. */
static int
cfg_fields(struct cld *ld, const struct cnode *map, const char *what,
    const char *const *known, const struct cnode **out)
{
	const struct cnode *keys[32] = { NULL };
	size_t i, j, nknown;

	for (nknown = 0; known[nknown] != NULL; nknown++)
		out[nknown] = NULL;
	if (map->kind != CN_MAP) {
		cfg_diag(ld, map->line, map->col, "%s must be a mapping "
		    "(key: value lines), not %s", what, cnode_kind_name(map));
		return -1;
	}
	for (i = 0; i + 1 < map->nkids; i += 2) {
		const struct cnode *k = map->kids[i];

		if (k->kind != CN_SCALAR) {
			cfg_diag(ld, k->line, k->col, "a key in %s must be "
			    "text, not %s", what, cnode_kind_name(k));
			continue;
		}
		for (j = 0; j < nknown; j++)
			if (strlen(known[j]) == k->len &&
			    memcmp(known[j], k->s, k->len) == 0)
				break;
		if (j == nknown) {
			char *q = cfg_quote(k->s, k->len), *list;
			size_t used = 0, cap = 1;

			for (j = 0; j < nknown; j++)
				cap += strlen(known[j]) + 2;
			list = xmalloc(cap);
			list[0] = '\0';
			for (j = 0; j < nknown; j++)
				used += (size_t)snprintf(list + used,
				    cap - used, "%s%s", j ? ", " : "",
				    known[j]);
			cfg_diag(ld, k->line, k->col, "unknown key %s in %s "
			    "(expected %s)", q, what, list);
			free(list);
			free(q);
			continue;
		}
		if (keys[j] != NULL) {
			cfg_diag(ld, k->line, k->col, "duplicate key \"%s\" "
			    "in %s (first at line %zu)", known[j], what,
			    keys[j]->line);
			continue;
		}
		keys[j] = k;
		out[j] = map->kids[i + 1];
	}
	return 0;
}

static void
cfg_missing(struct cld *ld, const struct cnode *map, const char *what,
    const char *key)
{
	cfg_diag(ld, map->line, map->col, "missing key \"%s\" in %s", key,
	    what);
}

/* A one-line text value. Returns a new string, or NULL after reporting
 * (or, with optional, NULL silently for an empty value). */
static char *
cfg_text(struct cld *ld, const struct cnode *n, const char *what,
    size_t maxchars, int optional)
{
	size_t bad;
	uint32_t badcp;

	if (n->kind != CN_SCALAR) {
		cfg_diag(ld, n->line, n->col, "%s must be text, not %s", what,
		    cnode_kind_name(n));
		return NULL;
	}
	if (cnode_is_null(n) || n->len == 0) {
		if (!optional)
			cfg_diag(ld, n->line, n->col, "%s must not be empty",
			    what);
		return NULL;
	}
	if (!utf8_clean(n->s, n->len, 0, &bad, &badcp)) {
		if (badcp == 0xffffffffu)
			cfg_diag(ld, n->line, n->col, "%s is not valid "
			    "UTF-8", what);
		else if (badcp == '\n')
			cfg_diag(ld, n->line, n->col, "%s must be one line",
			    what);
		else
			cfg_diag(ld, n->line, n->col, "%s contains the "
			    "control or bidi character U+%04X", what,
			    (unsigned)badcp);
		return NULL;
	}
	if (utf8_len(n->s, n->len) > maxchars) {
		cfg_diag(ld, n->line, n->col, "%s is too long (at most %zu "
		    "characters)", what, maxchars);
		return NULL;
	}
	return xstrndup(n->s, n->len);
}

/* A whole number written without quotes, within min..max. */
static int
cfg_uint(struct cld *ld, const struct cnode *n, const char *what,
    unsigned min, unsigned max, const char *why, unsigned *out)
{
	unsigned long long v = 0;
	size_t i;
	char *q;

	if (n->kind != CN_SCALAR) {
		cfg_diag(ld, n->line, n->col, "%s must be a whole number, "
		    "not %s", what, cnode_kind_name(n));
		return -1;
	}
	for (i = 0; i < n->len && cfg_isdigit((unsigned char)n->s[i]); i++)
		if (v <= 1000000000)
			v = v * 10 + (unsigned)(n->s[i] - '0');
	if (n->plain && n->len > 1 && n->s[0] == '-' && i == 0) {
		for (i = 1; i < n->len; i++)
			if (!cfg_isdigit((unsigned char)n->s[i]))
				break;
		if (i == n->len) {
			cfg_diag(ld, n->line, n->col, "%s must be at least "
			    "%u%s, not %s", what, min, why, n->s);
			return -1;
		}
		i = 0;
	}
	if (!n->plain || n->len == 0 || i != n->len) {
		q = cfg_quote(n->s, n->len);
		cfg_diag(ld, n->line, n->col, "%s must be a whole number "
		    "written without quotes, not %s", what, q);
		free(q);
		return -1;
	}
	if (v > max) {
		cfg_diag(ld, n->line, n->col, "%s must be at most %u, not "
		    "%s", what, max, n->s);
		return -1;
	}
	if (v < min) {
		cfg_diag(ld, n->line, n->col, "%s must be at least %u%s, "
		    "not %llu", what, min, why, v);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* The turnover threshold: a fraction "0.10" or a percentage "10 %",
 * parsed by hand so that the locale's decimal comma plays no part. */
static int
cfg_fraction(struct cld *ld, const struct cnode *n, const char *what,
    double *out)
{
	const char *s = n->s, *end;
	double v = 0, scale = 1;
	int digits = 0, percent = 0;
	char *q;

	if (n->kind != CN_SCALAR) {
		cfg_diag(ld, n->line, n->col, "%s must be a number such as "
		    "0.10 or 10 %%, not %s", what, cnode_kind_name(n));
		return -1;
	}
	end = s + n->len;
	if (n->plain && memchr(s, ',', n->len) != NULL) {
		cfg_diag(ld, n->line, n->col, "%s: write the decimals with "
		    "a point, as in 0.10, not a comma", what);
		return -1;
	}
	for (; s < end && cfg_isdigit((unsigned char)*s) && digits < 12; s++) {
		v = v * 10 + (*s - '0');
		digits++;
	}
	if (s < end && *s == '.') {
		for (s++; s < end && cfg_isdigit((unsigned char)*s) &&
		    digits < 12; s++) {
			scale /= 10;
			v += (*s - '0') * scale;
			digits++;
		}
	}
	if (s < end && *s == ' ')
		s++;
	if (s < end && *s == '%') {
		percent = 1;
		s++;
	}
	if (!n->plain || digits == 0 || s != end) {
		q = cfg_quote(n->s, n->len);
		cfg_diag(ld, n->line, n->col, "%s must be a number such as "
		    "0.10 or 10 %% written without quotes, not %s", what, q);
		free(q);
		return -1;
	}
	if (percent)
		v /= 100;
	if (v <= 0 || v > 1) {
		cfg_diag(ld, n->line, n->col, "%s must be above 0 and at "
		    "most 1 (100 %%), not %s", what, n->s);
		return -1;
	}
	*out = v;
	return 0;
}

/* Unit codes go into every record: ASCII letters, digits, '-', '_', '.',
 * starting with a letter or digit. */
static int
cfg_code_ok(const char *s)
{
	size_t i;

	if (!cfg_isalnum((unsigned char)s[0]))
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!cfg_isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_' && s[i] != '.')
			return 0;
	return i <= CFG_MAX_CODE;
}

static int
cfg_ascii_casecmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; *x != '\0' && *y != '\0'; x++, y++)
		if (cfg_tolower(*x) != cfg_tolower(*y))
			break;
	return cfg_tolower(*x) - cfg_tolower(*y);
}

static void
cfg_units(struct cld *ld, const struct cnode *seq, struct config *c)
{
	static const char *const known[] = { "code", "name", "area", NULL };
	const struct cnode *f[3];
	size_t i, j, *line;
	char what[64];

	if (seq->kind != CN_SEQ) {
		cfg_diag(ld, seq->line, seq->col, "units must be a list of "
		    "units (lines starting with \"- \"), not %s",
		    cnode_kind_name(seq));
		return;
	}
	if (seq->nkids == 0) {
		cfg_diag(ld, seq->line, seq->col, "units must list at least "
		    "one unit");
		return;
	}
	if (seq->nkids > CONFIG_MAX_UNITS) {
		cfg_diag(ld, seq->line, seq->col, "units lists %zu units, at "
		    "most %d are allowed", seq->nkids, CONFIG_MAX_UNITS);
		return;
	}
	c->units = xcalloc(seq->nkids, sizeof *c->units);
	line = xcalloc(seq->nkids, sizeof *line);
	for (i = 0; i < seq->nkids; i++) {
		struct config_unit *u = &c->units[c->nunits];
		const struct cnode *m = seq->kids[i];

		snprintf(what, sizeof what, "units[%zu]", i + 1);
		if (cfg_fields(ld, m, what, known, f) == -1)
			continue;
		if (f[0] == NULL)
			cfg_missing(ld, m, what, "code");
		if (f[1] == NULL)
			cfg_missing(ld, m, what, "name");
		if (f[2] == NULL)
			cfg_missing(ld, m, what, "area");
		if (f[0] == NULL || f[1] == NULL || f[2] == NULL)
			continue;
		snprintf(what, sizeof what, "units[%zu].code", i + 1);
		u->code = cfg_text(ld, f[0], what, CFG_MAX_CODE, 0);
		snprintf(what, sizeof what, "units[%zu].name", i + 1);
		u->name = cfg_text(ld, f[1], what, CFG_MAX_TEXT, 0);
		snprintf(what, sizeof what, "units[%zu].area", i + 1);
		u->area = cfg_text(ld, f[2], what, CFG_MAX_TEXT, 0);
		if (u->code != NULL && !cfg_code_ok(u->code)) {
			char *q = cfg_quote(f[0]->s, f[0]->len);

			cfg_diag(ld, f[0]->line, f[0]->col, "units[%zu].code "
			    "%s: use letters A-Z, digits, '-', '_' or '.', "
			    "starting with a letter or digit", i + 1, q);
			free(q);
			free(u->code);
			u->code = NULL;
		}
		if (u->code == NULL || u->name == NULL || u->area == NULL) {
			free(u->code);
			free(u->name);
			free(u->area);
			memset(u, 0, sizeof *u);
			continue;
		}
		/* Codes differing only in case would look like one unit. */
		for (j = 0; j < c->nunits; j++) {
			if (cfg_ascii_casecmp(c->units[j].code, u->code) == 0)
				cfg_diag(ld, f[0]->line, f[0]->col,
				    "duplicate unit code \"%s\" (first at "
				    "line %zu)", u->code, line[j]);
			if (strcmp(c->units[j].name, u->name) == 0)
				cfg_diag(ld, f[1]->line, f[1]->col,
				    "duplicate unit name \"%s\" (first at "
				    "line %zu)", u->name, line[j]);
		}
		line[c->nunits++] = f[0]->line;
	}
	free(line);
}

static void
cfg_forms(struct cld *ld, const struct cnode *seq, struct config *c)
{
	size_t i, j;
	char what[64], *p;

	if (seq->kind != CN_SEQ) {
		cfg_diag(ld, seq->line, seq->col, "forms must be a list of "
		    "file paths, not %s", cnode_kind_name(seq));
		return;
	}
	if (seq->nkids > CONFIG_MAX_FORMS) {
		cfg_diag(ld, seq->line, seq->col, "forms lists %zu files, at "
		    "most %d are allowed", seq->nkids, CONFIG_MAX_FORMS);
		return;
	}
	c->form_paths = xcalloc(seq->nkids + 1, sizeof *c->form_paths);
	for (i = 0; i < seq->nkids; i++) {
		snprintf(what, sizeof what, "forms[%zu]", i + 1);
		if ((p = cfg_text(ld, seq->kids[i], what, CFG_MAX_PATH, 0)) ==
		    NULL)
			continue;
		for (j = 0; j < c->nform_paths; j++)
			if (strcmp(c->form_paths[j], p) == 0)
				break;
		if (j < c->nform_paths) {
			cfg_diag(ld, seq->kids[i]->line, seq->kids[i]->col,
			    "%s: \"%s\" is listed twice", what, p);
			free(p);
			continue;
		}
		c->form_paths[c->nform_paths++] = p;
	}
}

/* Values handed to ssh as arguments must not look like options. */
static char *
cfg_argument(struct cld *ld, const struct cnode *n, const char *what,
    int optional)
{
	char *s = cfg_text(ld, n, what, CFG_MAX_PATH, optional);

	if (s != NULL && s[0] == '-') {
		cfg_diag(ld, n->line, n->col, "%s must not start with '-'",
		    what);
		free(s);
		return NULL;
	}
	return s;
}

static void
cfg_sync(struct cld *ld, const struct cnode *map, struct config *c,
    int *have_min)
{
	static const char *const known[] = { "min_waiting", "to",
		"ssh_program", "remote_command", NULL };
	const struct cnode *f[4];
	char *s;

	if (cfg_fields(ld, map, "sync", known, f) == -1)
		return;
	if (f[0] != NULL && cfg_uint(ld, f[0], "sync.min_waiting", 1, 1000,
	    "", &c->sync_min) == 0)
		*have_min = 1;
	if (f[1] != NULL)
		c->sync_to = cfg_argument(ld, f[1], "sync.to", 1);
	if (f[2] != NULL &&
	    (s = cfg_argument(ld, f[2], "sync.ssh_program", 0)) != NULL) {
		free(c->ssh_program);
		c->ssh_program = s;
	}
	if (f[3] != NULL &&
	    (s = cfg_text(ld, f[3], "sync.remote_command", CFG_MAX_PATH,
	    0)) != NULL) {
		free(c->remote_command);
		c->remote_command = s;
	}
}

/* true or false into *v; anything else is reported. */
static void
cfg_yesno(struct cld *ld, const struct cnode *n, const char *what, int *v)
{
	if (n->kind == CN_SCALAR && strcmp(n->s, "true") == 0)
		*v = 1;
	else if (n->kind == CN_SCALAR && strcmp(n->s, "false") == 0)
		*v = 0;
	else
		cfg_diag(ld, n->line, n->col, "%s must be true or false",
		    what);
}

static void
cfg_build(struct cld *ld, const struct cnode *root, struct config *c)
{
	static const char *const known[] = { "region", "anonymity",
		"turnover", "period", "sync", "forms", "units", "sample",
		NULL };
	static const char *const anon_keys[] = { "k", "text_k", "sensitive_t",
		NULL };
	static const char *const turn_keys[] = { "threshold", "years",
		"count_retirements", "count_internal_moves", NULL };
	const struct cnode *f[8], *g[4];
	int have_text_k = 0, have_min = 0;

	if (cfg_fields(ld, root, "the config", known, f) == -1)
		return;
	if (f[0] == NULL)
		cfg_missing(ld, root, "the config", "region");
	else
		c->region = cfg_text(ld, f[0], "region", CFG_MAX_TEXT, 0);
	if (f[1] != NULL &&
	    cfg_fields(ld, f[1], "anonymity", anon_keys, g) == 0) {
		if (g[0] != NULL)
			cfg_uint(ld, g[0], "anonymity.k", CONFIG_MIN_K, 100,
			    " (fewer answers could identify a leaver)",
			    &c->k);
		if (g[1] != NULL && cfg_uint(ld, g[1], "anonymity.text_k",
		    1, 1000, "", &c->text_k) == 0) {
			have_text_k = 1;
			if (c->text_k < c->k) {
				cfg_diag(ld, g[1]->line, g[1]->col,
				    "anonymity.text_k must be at least k "
				    "(%u), not %u", c->k, c->text_k);
				have_text_k = 0;
			}
		}
		if (g[2] != NULL)
			cfg_uint(ld, g[2], "anonymity.sensitive_t", 1, 10, "",
			    &c->sensitive_t);
	}
	if (!have_text_k && c->text_k < c->k)
		c->text_k = c->k;
	if (f[2] != NULL &&
	    cfg_fields(ld, f[2], "turnover", turn_keys, g) == 0) {
		if (g[0] != NULL)
			cfg_fraction(ld, g[0], "turnover.threshold",
			    &c->turnover_threshold);
		if (g[1] != NULL)
			cfg_uint(ld, g[1], "turnover.years", 1, 20, "",
			    &c->turnover_years);
		/* the turnover import's optional columns: do they count */
		if (g[2] != NULL)
			cfg_yesno(ld, g[2], "turnover.count_retirements",
			    &c->turnover_count_retirements);
		if (g[3] != NULL)
			cfg_yesno(ld, g[3], "turnover.count_internal_moves",
			    &c->turnover_count_internal);
	}
	if (f[3] != NULL) {
		if (f[3]->kind == CN_SCALAR && strcmp(f[3]->s, "year") == 0)
			c->quarterly = 0;
		else if (f[3]->kind == CN_SCALAR &&
		    strcmp(f[3]->s, "quarter") == 0)
			c->quarterly = 1;
		else {
			char *q = f[3]->kind == CN_SCALAR ?
			    cfg_quote(f[3]->s, f[3]->len) :
			    xstrdup(cnode_kind_name(f[3]));

			cfg_diag(ld, f[3]->line, f[3]->col, "period must be "
			    "\"year\" or \"quarter\", not %s", q);
			free(q);
		}
	}
	if (f[4] != NULL)
		cfg_sync(ld, f[4], c, &have_min);
	if (!have_min)
		c->sync_min = c->k;
	if (f[5] != NULL && !cnode_is_null(f[5]))
		cfg_forms(ld, f[5], c);
	if (f[6] == NULL)
		cfg_missing(ld, root, "the config", "units");
	else
		cfg_units(ld, f[6], c);
	/* sample: true marks avslut-hr demo's made-up region: every view
	 * and report page then says EXEMPELDATA. */
	if (f[7] != NULL) {
		if (f[7]->kind == CN_SCALAR && strcmp(f[7]->s, "true") == 0)
			c->sample = 1;
		else if (!(f[7]->kind == CN_SCALAR &&
		    strcmp(f[7]->s, "false") == 0))
			cfg_diag(ld, f[7]->line, f[7]->col, "sample must be "
			    "true or false");
	}
}

static struct config *
config_new(void)
{
	struct config *c = xcalloc(1, sizeof *c);

	c->k = 5;
	c->text_k = 8;
	c->sensitive_t = 1;
	c->turnover_threshold = 0.10;
	c->turnover_years = 3;
	c->turnover_count_internal = 1;
	c->ssh_program = xstrdup("ssh");
	c->remote_command = xstrdup("avslut-hr ingest -");
	return c;
}

struct config *
config_load_buf(const char *name, const char *buf, size_t len,
    struct form_diags *d)
{
	struct form_diags own = { .n = 0 };
	struct cld ld = { name, d != NULL ? d : &own, 0 };
	struct cnode *root;
	struct config *c;

	if (d == NULL) {
		c = config_load_buf(name, buf, len, &own);
		form_diags_free(&own);
		return c;
	}
	if (len > CONFIG_MAX_BYTES) {
		cfg_diag(&ld, 1, 1, "file is too large (%zu bytes, at most "
		    "%d)", len, CONFIG_MAX_BYTES);
		return NULL;
	}
	if (cfg_prescan(&ld, buf, len) == -1)
		return NULL;
	if ((root = cfg_parse(&ld, buf, len)) == NULL) {
		if (d->n == 0)
			cfg_diag(&ld, 1, 1, "the file is empty: it must set "
			    "at least region and units");
		return NULL;
	}
	c = config_new();
	cfg_build(&ld, root, c);
	cnode_free(root);
	if (d->n > 0 || d->dropped > 0) {
		config_free(c);
		return NULL;
	}
	return c;
}

/* Relative form paths are taken from the config file's directory. */
static void
cfg_resolve_forms(struct config *c, const char *dir)
{
	size_t i;
	char *p;

	for (i = 0; i < c->nform_paths; i++) {
		if (c->form_paths[i][0] == '/')
			continue;
		p = paths_join(dir, c->form_paths[i]);
		free(c->form_paths[i]);
		c->form_paths[i] = p;
	}
}

struct config *
config_load_file(const char *path, struct form_diags *d)
{
	struct form_diags own = { .n = 0 };
	struct err e;
	struct config *c;
	char *buf, *dir, *slash;
	size_t len;

	if (d == NULL) {
		c = config_load_file(path, &own);
		form_diags_free(&own);
		return c;
	}
	if (fsx_read_file(path, CONFIG_MAX_BYTES, &buf, &len, &e) == -1) {
		if (d->n < FORM_MAX_DIAGS)
			d->msg[d->n++] = xstrdup(e.msg);
		else
			d->dropped++;
		d->io = 1;
		return NULL;
	}
	c = config_load_buf(path, buf, len, d);
	free(buf);
	if (c == NULL)
		return NULL;
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) == NULL) {
		free(dir);
		dir = xstrdup(".");
	} else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	cfg_resolve_forms(c, dir);
	free(dir);
	return c;
}

struct config *
config_load(const char *prog, struct err *e)
{
	struct form_diags d = { .n = 0 };
	struct config *c;
	char *dir = paths_config_dir(prog);
	char *path = paths_join(dir, "avslut.yaml");

	if (fsx_exists(path))
		c = config_load_file(path, &d);
	else {
		c = config_load_buf("(built-in config/avslut.yaml)",
		    (const char *)embed_config_avslut_yaml,
		    embed_config_avslut_yaml_len, &d);
		if (c != NULL)
			cfg_resolve_forms(c, dir);
	}
	if (c == NULL) {
		size_t more = d.n + d.dropped - 1;

		if (d.n == 0)
			err_setc(e, ERR_CONFIG, "%s: cannot load the config",
			    path);
		else if (more > 0)
			err_setc(e, ERR_CONFIG, "%s (and %zu more problem%s)",
			    d.msg[0], more, more == 1 ? "" : "s");
		else
			err_setc(e, ERR_CONFIG, "%s", d.msg[0]);
	}
	form_diags_free(&d);
	free(path);
	free(dir);
	return c;
}

void
config_free(struct config *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->region);
	for (i = 0; i < c->nunits; i++) {
		free(c->units[i].code);
		free(c->units[i].name);
		free(c->units[i].area);
	}
	free(c->units);
	free(c->sync_to);
	free(c->ssh_program);
	free(c->remote_command);
	for (i = 0; i < c->nform_paths; i++)
		free(c->form_paths[i]);
	free(c->form_paths);
	free(c);
}

const struct config_unit *
config_unit(const struct config *c, const char *code)
{
	size_t i;

	for (i = 0; i < c->nunits; i++)
		if (strcmp(c->units[i].code, code) == 0)
			return &c->units[i];
	return NULL;
}
