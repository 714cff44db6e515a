/* config: loads avslut.yaml through the strict YAML reader (util/yaml,
 * the same input rules as a form), then validates every key; all
 * problems come back as FILE:LINE:COL in source order. */
#include "config/config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/embed.h"
#include "util/fsx.h"
#include "util/i18n.h"
#include "util/paths.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "util/yaml.h"

#define CFG_MAX_DEPTH 16
#define CFG_MAX_NODES 100000
#define CFG_MAX_TEXT 200 /* characters in a name, region, area */
#define CFG_MAX_CODE 32
#define CFG_MAX_PATH 4096    /* bytes in a path or command */
#define CFG_MAX_SCALAR 65536 /* bytes of one YAML value */

static const struct ylimits config_limits = { N_("the config"),
	CONFIG_MAX_BYTES, CFG_MAX_DEPTH, CFG_MAX_NODES, CFG_MAX_SCALAR };

#define cfg_diag(d, line, col, ...) ydoc_diag((d), (line), (col), __VA_ARGS__)

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

static const char *
cnode_kind_name(const struct ynode *n)
{
	switch (n->kind) {
	case YN_MAP:
		return _("a mapping");
	case YN_SEQ:
		return _("a list");
	default:
		return _("text");
	}
}

/* Match a mapping's keys against the known names: out[i] gets the value
 * of known[i] (or NULL); unknown, duplicate and non-text keys are
 * reported. Returns -1 if map is not a mapping. */
static int
cfg_fields(struct ydoc *d, const struct ynode *map, const char *what,
    const char *const *known, const struct ynode **out)
{
	size_t j, used = 0, cap = 1, nknown;
	char *list;

	for (nknown = 0; known[nknown] != NULL; nknown++)
		out[nknown] = NULL;
	if (map->kind != YN_MAP) {
		cfg_diag(d, map->line, map->col,
		    _("%s must be a mapping "
		      "(key: value lines), not %s"),
		    what, cnode_kind_name(map));
		return -1;
	}
	for (j = 0; j < nknown; j++)
		cap += strlen(known[j]) + 2;
	list = xmalloc(cap);
	list[0] = '\0';
	for (j = 0; j < nknown; j++)
		used += (size_t)snprintf(list + used, cap - used, "%s%s",
		    j ? ", " : "", known[j]);
	ydoc_keys(d, map, what, known, list, out, NULL);
	free(list);
	return 0;
}

static void
cfg_missing(struct ydoc *d, const struct ynode *map, const char *what,
    const char *key)
{
	cfg_diag(d, map->line, map->col, _("missing key \"%s\" in %s"), key,
	    what);
}

/* A one-line text value. Returns a new string, or NULL after reporting
 * (or, with optional, NULL silently for an empty value). */
static char *
cfg_text(struct ydoc *d, const struct ynode *n, const char *what,
    size_t maxchars, int optional)
{
	size_t bad;
	uint32_t badcp;

	if (n->kind == YN_SCALAR && ynode_is_null(n)) {
		if (!optional)
			cfg_diag(d, n->line, n->col, _("%s must not be empty"),
			    what);
		return NULL;
	}
	switch (ynode_text(n, 0, maxchars, &bad, &badcp)) {
	case YG_OK:
		return xstrndup(n->s, n->len);
	case YG_TYPE:
		cfg_diag(d, n->line, n->col, _("%s must be text, not %s"), what,
		    cnode_kind_name(n));
		break;
	case YG_EMPTY:
		if (!optional)
			cfg_diag(d, n->line, n->col, _("%s must not be empty"),
			    what);
		break;
	case YG_CHAR:
		if (badcp == 0xffffffffu)
			cfg_diag(d, n->line, n->col,
			    _("%s is not valid "
			      "UTF-8"),
			    what);
		else if (badcp == '\n')
			cfg_diag(d, n->line, n->col, _("%s must be one line"),
			    what);
		else
			cfg_diag(d, n->line, n->col,
			    _("%s contains the "
			      "control or bidi character U+%04X"),
			    what, (unsigned)badcp);
		break;
	default:
		cfg_diag(d, n->line, n->col,
		    _("%s is too long (at most %zu "
		      "characters)"),
		    what, maxchars);
		break;
	}
	return NULL;
}

/* A whole number written without quotes, within min..max. */
static int
cfg_uint(struct ydoc *d, const struct ynode *n, const char *what, unsigned min,
    unsigned max, const char *why, unsigned *out)
{
	long long v = 0;
	char *q;

	switch (ynode_int(n, min, max, &v)) {
	case YG_OK:
		*out = (unsigned)v;
		return 0;
	case YG_TYPE:
		cfg_diag(d, n->line, n->col,
		    _("%s must be a whole number, "
		      "not %s"),
		    what, cnode_kind_name(n));
		break;
	case YG_LOW:
		cfg_diag(d, n->line, n->col,
		    _("%s must be at least %u%s, not "
		      "%s"),
		    what, min, why, n->s);
		break;
	case YG_HIGH:
		cfg_diag(d, n->line, n->col, _("%s must be at most %u, not %s"),
		    what, max, n->s);
		break;
	default:
		q = cfg_quote(n->s, n->len);
		cfg_diag(d, n->line, n->col,
		    _("%s must be a whole number "
		      "written without quotes, not %s"),
		    what, q);
		free(q);
		break;
	}
	return -1;
}

/* The turnover threshold: a fraction "0.10" or a percentage "10 %",
 * parsed by hand so that the locale's decimal comma plays no part. */
static int
cfg_fraction(struct ydoc *d, const struct ynode *n, const char *what,
    double *out)
{
	const char *s = n->s, *end;
	double v = 0, scale = 1;
	int digits = 0, percent = 0;
	char *q;

	if (n->kind != YN_SCALAR) {
		cfg_diag(d, n->line, n->col,
		    _("%s must be a number such as "
		      "0.10 or 10 %%, not %s"),
		    what, cnode_kind_name(n));
		return -1;
	}
	end = s + n->len;
	if (n->style == YS_PLAIN && memchr(s, ',', n->len) != NULL) {
		cfg_diag(d, n->line, n->col,
		    _("%s: write the decimals with "
		      "a point, as in 0.10, not a comma"),
		    what);
		return -1;
	}
	for (; s < end && cfg_isdigit((unsigned char)*s) && digits < 12; s++) {
		v = v * 10 + (*s - '0');
		digits++;
	}
	if (s < end && *s == '.') {
		for (s++;
		     s < end && cfg_isdigit((unsigned char)*s) && digits < 12;
		     s++) {
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
	if (n->style != YS_PLAIN || digits == 0 || s != end) {
		q = cfg_quote(n->s, n->len);
		cfg_diag(d, n->line, n->col,
		    _("%s must be a number such as "
		      "0.10 or 10 %% written without quotes, not %s"),
		    what, q);
		free(q);
		return -1;
	}
	if (percent)
		v /= 100;
	if (v <= 0 || v > 1) {
		cfg_diag(d, n->line, n->col,
		    _("%s must be above 0 and at "
		      "most 1 (100 %%), not %s"),
		    what, n->s);
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
cfg_units(struct ydoc *d, const struct ynode *seq, struct config *c)
{
	static const char *const known[] = { "code", "name", "area", NULL };
	const struct ynode *f[3];
	size_t i, j, *line;
	char what[64];

	if (seq->kind != YN_SEQ) {
		cfg_diag(d, seq->line, seq->col,
		    _("units must be a list of "
		      "units (lines starting with \"- \"), not %s"),
		    cnode_kind_name(seq));
		return;
	}
	if (seq->n == 0) {
		cfg_diag(d, seq->line, seq->col,
		    _("units must list at least "
		      "one unit"));
		return;
	}
	if (seq->n > CONFIG_MAX_UNITS) {
		cfg_diag(d, seq->line, seq->col,
		    _("units lists %zu units, at "
		      "most %d are allowed"),
		    seq->n, CONFIG_MAX_UNITS);
		return;
	}
	c->units = xcalloc(seq->n, sizeof *c->units);
	line = xcalloc(seq->n, sizeof *line);
	for (i = 0; i < seq->n; i++) {
		struct config_unit *u = &c->units[c->nunits];
		const struct ynode *m = seq->kids[i];

		snprintf(what, sizeof what, "units[%zu]", i + 1);
		if (cfg_fields(d, m, what, known, f) == -1)
			continue;
		if (f[0] == NULL)
			cfg_missing(d, m, what, "code");
		if (f[1] == NULL)
			cfg_missing(d, m, what, "name");
		if (f[2] == NULL)
			cfg_missing(d, m, what, "area");
		if (f[0] == NULL || f[1] == NULL || f[2] == NULL)
			continue;
		snprintf(what, sizeof what, "units[%zu].code", i + 1);
		u->code = cfg_text(d, f[0], what, CFG_MAX_CODE, 0);
		snprintf(what, sizeof what, "units[%zu].name", i + 1);
		u->name = cfg_text(d, f[1], what, CFG_MAX_TEXT, 0);
		snprintf(what, sizeof what, "units[%zu].area", i + 1);
		u->area = cfg_text(d, f[2], what, CFG_MAX_TEXT, 0);
		if (u->code != NULL && !cfg_code_ok(u->code)) {
			char *q = cfg_quote(f[0]->s, f[0]->len);

			cfg_diag(d, f[0]->line, f[0]->col,
			    _("units[%zu].code "
			      "%s: use letters A-Z, digits, '-', '_' or '.', "
			      "starting with a letter or digit"),
			    i + 1, q);
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
				cfg_diag(d, f[0]->line, f[0]->col,
				    _("duplicate unit code \"%s\" (first at "
				      "line %zu)"),
				    u->code, line[j]);
			if (strcmp(c->units[j].name, u->name) == 0)
				cfg_diag(d, f[1]->line, f[1]->col,
				    _("duplicate unit name \"%s\" (first at "
				      "line %zu)"),
				    u->name, line[j]);
		}
		line[c->nunits++] = f[0]->line;
	}
	free(line);
}

static void
cfg_forms(struct ydoc *d, const struct ynode *seq, struct config *c)
{
	size_t i, j;
	char what[64], *p;

	if (seq->kind != YN_SEQ) {
		cfg_diag(d, seq->line, seq->col,
		    _("forms must be a list of "
		      "file paths, not %s"),
		    cnode_kind_name(seq));
		return;
	}
	if (seq->n > CONFIG_MAX_FORMS) {
		cfg_diag(d, seq->line, seq->col,
		    _("forms lists %zu files, at "
		      "most %d are allowed"),
		    seq->n, CONFIG_MAX_FORMS);
		return;
	}
	c->form_paths = xcalloc(seq->n + 1, sizeof *c->form_paths);
	for (i = 0; i < seq->n; i++) {
		snprintf(what, sizeof what, "forms[%zu]", i + 1);
		if ((p = cfg_text(d, seq->kids[i], what, CFG_MAX_PATH, 0)) ==
		    NULL)
			continue;
		for (j = 0; j < c->nform_paths; j++)
			if (strcmp(c->form_paths[j], p) == 0)
				break;
		if (j < c->nform_paths) {
			cfg_diag(d, seq->kids[i]->line, seq->kids[i]->col,
			    _("%s: \"%s\" is listed twice"), what, p);
			free(p);
			continue;
		}
		c->form_paths[c->nform_paths++] = p;
	}
}

/* Values handed to ssh as arguments must not look like options. */
static char *
cfg_argument(struct ydoc *d, const struct ynode *n, const char *what,
    int optional)
{
	char *s = cfg_text(d, n, what, CFG_MAX_PATH, optional);

	if (s != NULL && s[0] == '-') {
		cfg_diag(d, n->line, n->col, _("%s must not start with '-'"),
		    what);
		free(s);
		return NULL;
	}
	return s;
}

/* sync.to as avslut sync reads it: a path to central.db, dir:FOLDER or
 * ssh://[user@]host[:port]/path. "user@host" or "host:path" (scp's
 * way) would be taken for a local file of that name: refused here, at
 * load, rather than found out at the first sync. */
static char *
cfg_sync_to(struct ydoc *d, const struct ynode *n)
{
	char *s = cfg_argument(d, n, "sync.to", 1), *q;
	size_t first;

	if (s == NULL || strncmp(s, "ssh://", 6) == 0 ||
	    strncmp(s, "dir:", 4) == 0)
		return s;
	first = strcspn(s, "/");
	if (memchr(s, '@', first) == NULL && memchr(s, ':', first) == NULL)
		return s;
	q = cfg_quote(s, strlen(s));
	cfg_diag(d, n->line, n->col,
	    _("sync.to %s would be taken for a "
	      "file name: for ssh write ssh://[user@]host/path/to/central.db, "
	      "for a file start it with ./"),
	    q);
	free(q);
	free(s);
	return NULL;
}

static void
cfg_sync(struct ydoc *d, const struct ynode *map, struct config *c,
    int *have_min)
{
	static const char *const known[] = { "min_waiting", "to", "ssh_program",
		"remote_command", NULL };
	const struct ynode *f[4];
	char *s;

	if (cfg_fields(d, map, "sync", known, f) == -1)
		return;
	if (f[0] != NULL &&
	    cfg_uint(d, f[0], "sync.min_waiting", 1, 1000, "", &c->sync_min) ==
		0)
		*have_min = 1;
	if (f[1] != NULL)
		c->sync_to = cfg_sync_to(d, f[1]);
	if (f[2] != NULL &&
	    (s = cfg_argument(d, f[2], "sync.ssh_program", 0)) != NULL) {
		free(c->ssh_program);
		c->ssh_program = s;
	}
	if (f[3] != NULL &&
	    (s = cfg_text(d, f[3], "sync.remote_command", CFG_MAX_PATH, 0)) !=
		NULL) {
		free(c->remote_command);
		c->remote_command = s;
	}
}

/* Plain true or false into *v; anything else is reported. */
static void
cfg_yesno(struct ydoc *d, const struct ynode *n, const char *what, int *v)
{
	if (ynode_bool(n, v) != YG_OK)
		cfg_diag(d, n->line, n->col, _("%s must be true or false"),
		    what);
}

static void
cfg_build(struct ydoc *d, const struct ynode *root, struct config *c)
{
	static const char *const known[] = { "region", "anonymity", "turnover",
		"period", "sync", "forms", "units", "sample", NULL };
	static const char *const anon_keys[] = { "k", "text_k", "sensitive_t",
		NULL };
	static const char *const turn_keys[] = { "threshold", "years",
		"count_retirements", "count_internal_moves", NULL };
	const struct ynode *f[8], *g[4];
	int have_text_k = 0, have_min = 0;

	if (cfg_fields(d, root, _("the config"), known, f) == -1)
		return;
	if (f[0] == NULL)
		cfg_missing(d, root, _("the config"), "region");
	else
		c->region = cfg_text(d, f[0], "region", CFG_MAX_TEXT, 0);
	if (f[1] != NULL &&
	    cfg_fields(d, f[1], "anonymity", anon_keys, g) == 0) {
		if (g[0] != NULL)
			cfg_uint(d, g[0], "anonymity.k", CONFIG_MIN_K, 100,
			    _(" (fewer answers could identify a leaver)"),
			    &c->k);
		if (g[1] != NULL &&
		    cfg_uint(d, g[1], "anonymity.text_k", 1, 1000, "",
			&c->text_k) == 0) {
			have_text_k = 1;
			if (c->text_k < c->k) {
				cfg_diag(d, g[1]->line, g[1]->col,
				    _("anonymity.text_k must be at least k "
				      "(%u), not %u"),
				    c->k, c->text_k);
				have_text_k = 0;
			}
		}
		if (g[2] != NULL)
			cfg_uint(d, g[2], "anonymity.sensitive_t", 1, 10, "",
			    &c->sensitive_t);
	}
	if (!have_text_k && c->text_k < c->k)
		c->text_k = c->k;
	if (f[2] != NULL &&
	    cfg_fields(d, f[2], "turnover", turn_keys, g) == 0) {
		if (g[0] != NULL)
			cfg_fraction(d, g[0], "turnover.threshold",
			    &c->turnover_threshold);
		if (g[1] != NULL)
			cfg_uint(d, g[1], "turnover.years", 1, 20, "",
			    &c->turnover_years);
		/* the turnover import's optional columns: do they count */
		if (g[2] != NULL)
			cfg_yesno(d, g[2], "turnover.count_retirements",
			    &c->turnover_count_retirements);
		if (g[3] != NULL)
			cfg_yesno(d, g[3], "turnover.count_internal_moves",
			    &c->turnover_count_internal);
	}
	if (f[3] != NULL) {
		if (f[3]->kind == YN_SCALAR && strcmp(f[3]->s, "year") == 0)
			c->quarterly = 0;
		else if (f[3]->kind == YN_SCALAR &&
		    strcmp(f[3]->s, "quarter") == 0)
			c->quarterly = 1;
		else {
			char *q = f[3]->kind == YN_SCALAR ?
			    cfg_quote(f[3]->s, f[3]->len) :
			    xstrdup(cnode_kind_name(f[3]));

			cfg_diag(d, f[3]->line, f[3]->col,
			    _("period must be "
			      "\"year\" or \"quarter\", not %s"),
			    q);
			free(q);
		}
	}
	if (f[4] != NULL)
		cfg_sync(d, f[4], c, &have_min);
	if (!have_min)
		c->sync_min = c->k;
	if (f[5] != NULL && !ynode_is_null(f[5]))
		cfg_forms(d, f[5], c);
	if (f[6] == NULL)
		cfg_missing(d, root, _("the config"), "units");
	else
		cfg_units(d, f[6], c);
	/* sample: true marks avslut-hr demo's made-up region: every view
	 * and report page then says EXEMPELDATA. */
	if (f[7] != NULL)
		cfg_yesno(d, f[7], "sample", &c->sample);
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
	struct config *c = NULL;
	struct ydoc y;

	if (ydoc_load(&y, name, buf, len, &config_limits) == 0) {
		if (y.root == NULL)
			cfg_diag(&y, 1, 1,
			    _("the file is empty: it must set "
			      "at least region and units"));
		else {
			c = config_new();
			cfg_build(&y, y.root, c);
		}
	}
	if (y.ndg > 0 || y.dropped > 0) {
		form_diags_take(d, &y);
		config_free(c);
		c = NULL;
	}
	ydoc_free(&y);
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
	if (ydoc_read_file(path, CONFIG_MAX_BYTES, &buf, &len, &e) == -1) {
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
			err_setc(e, ERR_CONFIG,
			    _("%s: cannot load the "
			      "config"),
			    path);
		else if (more > 0)
			err_setc(e, ERR_CONFIG,
			    ngettext("%s (and %zu more "
				     "problem)",
				"%s (and %zu more problems)", more),
			    d.msg[0], more);
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
