/* csvin: the turnover and staff-survey HME CSV readers. All or nothing:
 * one bad line and the whole file is refused, every problem listed. */
#include "report/csvin.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/agg.h"
#include "util/i18n.h"
#include "util/utf8.h"
#include "util/xmem.h"

#define CSVIN_MAX_FIELDS 32

struct csvin_line {
	char *f[CSVIN_MAX_FIELDS];
	size_t n;
};

static void csvin_diag(struct csvin_diags *d, const char *name, size_t line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
csvin_diag(struct csvin_diags *d, const char *name, size_t line,
    const char *fmt, ...)
{
	va_list ap;
	char *m;

	if (d->n == CSVIN_MAX_DIAGS) {
		d->dropped++;
		return;
	}
	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	if (line > 0)
		d->msg[d->n++] = xasprintf("%s:%zu: %s", name, line, m);
	else
		d->msg[d->n++] = xasprintf("%s: %s", name, m);
	free(m);
}

void
csvin_diags_free(struct csvin_diags *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		free(d->msg[i]);
	memset(d, 0, sizeof(*d));
}

/* A field as it may appear in a message: controls replaced, cut at 40. */
static char *
csvin_show(const char *s)
{
	char *t = utf8_sanitize(s, strlen(s), 0);
	size_t n = 0, i = 0, l;
	uint32_t cp;

	while (t[i] != '\0' && n < 40) {
		l = utf8_decode(t + i, strlen(t + i), &cp);
		i += l ? l : 1;
		n++;
	}
	if (t[i] != '\0')
		memcpy(t + i, "...", 4);
	return t;
}

static char *
csvin_trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* Split one line (no newline) in place. Quotes as RFC 4180 ("" inside).
 * Returns 0, or -1 with why. */
static int
csvin_split(char *s, char delim, struct csvin_line *l, const char **why)
{
	char *out, *start;
	int quoted;

	l->n = 0;
	for (;;) {
		if (l->n == CSVIN_MAX_FIELDS) {
			*why = _("too many fields");
			return -1;
		}
		while (*s == ' ' || *s == '\t')
			s++;
		start = out = s;
		quoted = 0;
		if (*s == '"') {
			quoted = 1;
			s++;
			for (;;) {
				if (*s == '\0') {
					*why = _("a quote is not closed");
					return -1;
				}
				if (*s == '"' && s[1] == '"') {
					*out++ = '"';
					s += 2;
				} else if (*s == '"') {
					s++;
					break;
				} else {
					*out++ = *s++;
				}
			}
			while (*s == ' ' || *s == '\t')
				s++;
			if (*s != '\0' && *s != delim) {
				*why = _("text after a closing quote");
				return -1;
			}
		} else {
			while (*s != '\0' && *s != delim) {
				if (*s == '"') {
					*why = _("a quote inside a field");
					return -1;
				}
				*out++ = *s++;
			}
		}
		l->f[l->n++] = quoted ? start : csvin_trim(start);
		if (*s == '\0') {
			*out = '\0';
			return 0;
		}
		s++;
		*out = '\0';
	}
}

/* A decimal number: digits, optional thousands spaces (also U+00A0 and
 * U+202F) between groups, one ',' or '.' decimal mark. 0, or -1 with why. */
static int
csvin_number(const char *s, double *v, const char **why)
{
	char buf[64];
	size_t o = 0;
	int digits = 0, mark = 0;
	double x, scale;
	size_t i;

	if (*s == '\0') {
		*why = _("is empty");
		return -1;
	}
	if (*s == '-' || strncmp(s, "\xe2\x88\x92", 3) == 0) {
		*why = _("is negative");
		return -1;
	}
	if (*s == '+')
		s++;
	while (*s != '\0') {
		if (o + 2 >= sizeof(buf)) {
			*why = _("is too long");
			return -1;
		}
		if (isdigit((unsigned char)*s)) {
			buf[o++] = *s++;
			digits++;
		} else if ((*s == ',' || *s == '.') && !mark && digits) {
			buf[o++] = '.';
			mark = 1;
			s++;
		} else if (*s == ' ' && digits && !mark) {
			s++;
		} else if (strncmp(s, "\xc2\xa0", 2) == 0 && digits && !mark) {
			s += 2;
		} else if (strncmp(s, "\xe2\x80\xaf", 3) == 0 && digits &&
		    !mark) {
			s += 3;
		} else {
			*why = _("is not a number");
			return -1;
		}
	}
	if (!digits || buf[o - 1] == '.') {
		*why = _("is not a number");
		return -1;
	}
	buf[o] = '\0';
	/* By hand: strtod would follow LC_NUMERIC. */
	for (x = 0, scale = 1, mark = 0, i = 0; buf[i] != '\0'; i++) {
		if (buf[i] == '.') {
			mark = 1;
			continue;
		}
		x = x * 10 + (buf[i] - '0');
		if (mark)
			scale *= 10;
	}
	*v = x / scale;
	return 0;
}

static int
csvin_year(const char *s, unsigned *year)
{
	unsigned long v = 0;
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (!isdigit((unsigned char)s[i]) || i >= 4)
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (i != 4 || v < 1900 || v > 2999)
		return -1;
	*year = (unsigned)v;
	return 0;
}

static int
csvin_header(const char *f0)
{
	static const char *const names[] = { "unit", "enhet", "kod", "code",
		"unit code", "enhetskod" };
	char low[32];
	size_t i;

	for (i = 0; f0[i] != '\0' && i + 1 < sizeof(low); i++)
		low[i] = (char)tolower((unsigned char)f0[i]);
	low[i] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(low, names[i]) == 0)
			return 1;
	return 0;
}

static int
csvin_blank(const struct csvin_line *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->f[i][0] != '\0')
			return 0;
	return 1;
}

/* The common part: walks the lines and calls row() for each data line
 * with the right number of fields. */
/* --- encodings ----------------------------------------------------------- */

const char *
csvin_encoding(const char *buf, size_t len)
{
	size_t bad;

	if (len >= 2 &&
	    ((unsigned char)buf[0] == 0xff && (unsigned char)buf[1] == 0xfe))
		return "UTF-16LE";
	if (len >= 2 &&
	    ((unsigned char)buf[0] == 0xfe && (unsigned char)buf[1] == 0xff))
		return "UTF-16BE";
	if (utf8_valid(buf, len, &bad))
		return "UTF-8";
	return "Windows-1252";
}

/* The file as UTF-8 (caller frees): UTF-16 with a BOM and Windows-1252
 * (what Excel writes as "Unicode text" and as "CSV (semicolon
 * separated)" in Swedish) through iconv. NULL with a message if it is
 * neither. */
static char *
csvin_to_utf8(const char *name, const char *buf, size_t len, size_t *outlen,
    struct csvin_diags *errs)
{
	const char *enc = csvin_encoding(buf, len);
	const char *from;
	iconv_t cd;
	char *out, *in = (char *)buf, *o;
	size_t il = len, ol, cap;

	if (strcmp(enc, "UTF-8") == 0) {
		/* a copy of all len bytes: a NUL inside is reported later */
		out = xmalloc(len + 1);
		memcpy(out, buf, len);
		out[len] = '\0';
		*outlen = len;
		return out;
	}
	from = strcmp(enc, "Windows-1252") == 0 ? "CP1252" : enc;
	if (strncmp(enc, "UTF-16", 6) == 0) {
		in += 2; /* the BOM */
		il -= 2;
	}
	if ((cd = iconv_open("UTF-8", from)) == (iconv_t)-1) {
		csvin_diag(errs, name, 0,
		    _("cannot convert from %s on this "
		      "system: save the file as UTF-8"),
		    enc);
		return NULL;
	}
	cap = il * 3 / 2 + 16;
	out = xmalloc(cap + 1);
	o = out;
	ol = cap;
	if (iconv(cd, &in, &il, &o, &ol) == (size_t)-1) {
		size_t at = (size_t)(in - buf) + 1;

		iconv_close(cd);
		free(out);
		if (strcmp(enc, "Windows-1252") == 0)
			csvin_diag(errs, name, 0,
			    _("neither UTF-8 nor "
			      "Windows-1252 (byte %zu): save the file as UTF-8 "
			      "(\"CSV UTF-8\")"),
			    at);
		else
			csvin_diag(errs, name, 0,
			    _("damaged %s (byte %zu): save "
			      "the file as UTF-8 (\"CSV UTF-8\")"),
			    enc, at);
		return NULL;
	}
	iconv_close(cd);
	*outlen = (size_t)(o - out);
	out[*outlen] = '\0';
	return out;
}

typedef void (*csvin_row_fn)(void *ctx, size_t line, struct csvin_line *l);

/* Each line of buf with nmin..nmax fields to row; a header line (its
 * first field names the unit column) to header, if not NULL. */
static void
csvin_walk(const char *name, const char *buf, size_t len, size_t nmin,
    size_t nmax, struct csvin_diags *errs, csvin_row_fn header,
    csvin_row_fn row, void *ctx)
{
	char *text = NULL, *s, *conv;
	const char *nl;
	size_t line = 0, bad, i, pos, end;
	char delim = 0;
	int first = 1;
	const char *why;
	struct csvin_line l;

	if (len > CSVIN_MAX_BYTES) {
		csvin_diag(errs, name, 0, _("file larger than %d MiB"),
		    CSVIN_MAX_BYTES / (1024 * 1024));
		return;
	}
	if ((conv = csvin_to_utf8(name, buf, len, &len, errs)) == NULL)
		return;
	buf = conv;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	for (pos = 0; pos < len; pos = end + 1) {
		line++;
		nl = memchr(buf + pos, '\n', len - pos);
		end = nl != NULL ? (size_t)(nl - buf) : len;
		if (memchr(buf + pos, '\0', end - pos) != NULL) {
			csvin_diag(errs, name, line, _("a NUL byte"));
			continue;
		}
		free(text);
		s = text = xstrndup(buf + pos, end - pos);
		if (s[0] != '\0' && s[strlen(s) - 1] == '\r')
			s[strlen(s) - 1] = '\0';
		if (!utf8_valid(s, strlen(s), &bad)) {
			csvin_diag(errs, name, line,
			    _("not UTF-8 (byte %zu): save the file as UTF-8"),
			    bad + 1);
			continue;
		}
		if (delim == 0) {
			for (i = 0; s[i] != '\0'; i++)
				if (s[i] == ';')
					break;
			if (csvin_trim(s)[0] == '\0')
				continue;
			delim = s[i] == ';' ? ';' : ',';
		}
		if (csvin_split(s, delim, &l, &why) < 0) {
			csvin_diag(errs, name, line, "%s", why);
			continue;
		}
		if (csvin_blank(&l))
			continue;
		/* Spreadsheets add empty columns at the end: allowed. */
		while (l.n > nmin && l.f[l.n - 1][0] == '\0')
			l.n--;
		if (first) {
			first = 0;
			if (csvin_header(l.f[0])) {
				if (header != NULL)
					header(ctx, line, &l);
				continue;
			}
		}
		if (l.n < nmin || l.n > nmax) {
			if (nmin == nmax)
				csvin_diag(errs, name, line,
				    _("%zu fields, "
				      "expected %zu (separator '%c')"),
				    l.n, nmin, delim);
			else
				csvin_diag(errs, name, line,
				    _("%zu fields, "
				      "expected %zu to %zu (separator '%c')"),
				    l.n, nmin, nmax, delim);
			continue;
		}
		row(ctx, line, &l);
	}
	free(text);
	free(conv);
}

struct csvin_ctx {
	const char *name;
	const char *const *units;
	const char *const *names; /* may be NULL */
	size_t nunits;
	struct csvin_diags *errs, *warns;
	struct turnover_row *t;
	/* turnover: the columns of retirements and internal moves (0: the
	 * file has none), and how many columns the header named */
	size_t col_ret, col_int, ncols;
	struct hme_row *h;
	size_t *lines; /* line of each row, for duplicates */
	size_t n;
};

/* A name folded for matching: lower case, the accents and å, ä, ö as
 * their base letters (a file may have lost them on the way), runs of
 * space, '-', '_' and '.' as one space. Caller frees. */
static char *
csvin_fold(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	uint32_t cp;
	size_t n;
	int sp = 0;

	while (*s != '\0') {
		n = utf8_decode(s, strlen(s), &cp);
		s += n ? n : 1;
		if (cp == ' ' || cp == '-' || cp == '_' || cp == '.' ||
		    cp == 0xa0) {
			sp = o > out;
			continue;
		}
		if (sp)
			*o++ = ' ';
		sp = 0;
		if (cp < 0x80) {
			*o++ = (char)tolower((int)cp);
			continue;
		}
		switch (cp | 0x20) { /* Latin-1: upper | 0x20 = lower */
		case 0xe0:
		case 0xe1:
		case 0xe2:
		case 0xe3:
		case 0xe4:
		case 0xe5:
		case 0xe6:
			*o++ = 'a';
			break;
		case 0xe7:
			*o++ = 'c';
			break;
		case 0xe8:
		case 0xe9:
		case 0xea:
		case 0xeb:
			*o++ = 'e';
			break;
		case 0xec:
		case 0xed:
		case 0xee:
		case 0xef:
			*o++ = 'i';
			break;
		case 0xf1:
			*o++ = 'n';
			break;
		case 0xf2:
		case 0xf3:
		case 0xf4:
		case 0xf5:
		case 0xf6:
		case 0xf8:
			*o++ = 'o';
			break;
		case 0xf9:
		case 0xfa:
		case 0xfb:
		case 0xfc:
			*o++ = 'u';
			break;
		case 0xfd:
		case 0xff:
			*o++ = 'y';
			break;
		default:
			*o++ = '?';
		}
	}
	*o = '\0';
	return out;
}

/* Levenshtein distance of two short strings (capped at 99). */
static size_t
csvin_dist(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, *d, r;

	if (la > 98 || lb > 98)
		return 99;
	d = xcalloc((la + 1) * (lb + 1), sizeof(*d));
	for (i = 0; i <= la; i++)
		d[i * (lb + 1)] = i;
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			size_t x = d[(i - 1) * (lb + 1) + j] + 1;
			size_t y = d[i * (lb + 1) + j - 1] + 1;
			size_t z = d[(i - 1) * (lb + 1) + j - 1] +
			    (a[i - 1] != b[j - 1]);

			d[i * (lb + 1) + j] = x < y ? (x < z ? x : z) :
						      (y < z ? y : z);
		}
	r = d[la * (lb + 1) + lb];
	free(d);
	return r;
}

/* The unit a field names: its code exactly, its code in another case, or
 * its configured name ignoring case and accents. AGG_NONE if none; then
 * *hint is the closest unit, or AGG_NONE if none is close. */
static size_t
csvin_unit(const struct csvin_ctx *c, const char *field, size_t *hint)
{
	char *f = csvin_fold(field), *g;
	size_t i, k, best = AGG_NONE, bd = 99, d, lim;

	*hint = AGG_NONE;
	for (i = 0; i < c->nunits; i++)
		if (strcmp(c->units[i], field) == 0)
			goto found;
	/* each unit's code, then its name (if it has one) */
	for (i = 0; i < c->nunits; i++)
		for (k = 0; k < 2; k++) {
			if (k == 1 && (c->names == NULL || c->names[i] == NULL))
				continue;
			g = csvin_fold(k == 0 ? c->units[i] : c->names[i]);
			d = strcmp(f, g) == 0 ? 0 : csvin_dist(f, g);
			/* "Alby" for "Alby vårdcentral": a start of the name */
			if (k == 1 && d != 0 && strlen(f) >= 3 &&
			    strncmp(g, f, strlen(f)) == 0 && d > 1)
				d = 2;
			free(g);
			if (d == 0)
				goto found;
			if (d < bd) {
				bd = d;
				best = i;
			}
		}
	lim = strlen(f) / 4 > 2 ? strlen(f) / 4 : 2;
	if (bd <= lim)
		*hint = best;
	free(f);
	return AGG_NONE;
found:
	free(f);
	return i;
}

/* Unit and year, checked; 0 or -1 (reported). A unit given by its name
 * is replaced by its code in l->f[0]. */
static int
csvin_key(struct csvin_ctx *c, size_t line, struct csvin_line *l,
    unsigned *year)
{
	size_t i, hint;
	char *s;
	int rc = 0;

	if (l->f[0][0] == '\0') {
		csvin_diag(c->errs, c->name, line, _("unit is empty"));
		rc = -1;
	} else if ((i = csvin_unit(c, l->f[0], &hint)) == AGG_NONE) {
		s = csvin_show(l->f[0]);
		if (hint != AGG_NONE && c->names != NULL)
			csvin_diag(c->errs, c->name, line,
			    _("unknown unit \"%s\": did you mean %s (%s)?"), s,
			    c->units[hint], c->names[hint]);
		else if (hint != AGG_NONE)
			csvin_diag(c->errs, c->name, line,
			    _("unknown unit \"%s\": did you mean %s?"), s,
			    c->units[hint]);
		else
			csvin_diag(c->errs, c->name, line,
			    _("unknown unit \"%s\": add it to the config or "
			      "correct the code"),
			    s);
		free(s);
		rc = -1;
	} else {
		l->f[0] = (char *)c->units[i];
	}
	if (csvin_year(l->f[1], year) < 0) {
		s = csvin_show(l->f[1]);
		csvin_diag(c->errs, c->name, line,
		    _("year \"%s\" is not a year (1900-2999)"), s);
		free(s);
		rc = -1;
	}
	return rc;
}

/* A row for unit and year on line: 1 if it is the first (its line is
 * kept, the caller adds the row), 0 after saying where the first one is. */
static int
csvin_first(struct csvin_ctx *c, size_t line, const char *unit, unsigned year)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		const char *u = c->t != NULL ? c->t[i].unit : c->h[i].unit;
		unsigned y = c->t != NULL ? c->t[i].year : c->h[i].year;

		if (y == year && strcmp(u, unit) == 0) {
			csvin_diag(c->errs, c->name, line,
			    _("duplicate row for %s %u (first on line %zu)"),
			    unit, year, c->lines[i]);
			return 0;
		}
	}
	c->lines = xreallocarray(c->lines, c->n + 1, sizeof(*c->lines));
	c->lines[c->n] = line;
	return 1;
}

static int
csvin_value(struct csvin_ctx *c, size_t line, const char *what, const char *s,
    double *v)
{
	const char *why;
	char *show;

	if (csvin_number(s, v, &why) == 0)
		return 0;
	show = csvin_show(s);
	csvin_diag(c->errs, c->name, line, _("%s \"%s\" %s"), what, show, why);
	free(show);
	return -1;
}

/* The optional columns by their header: "retirements" or "internal
 * moves", in Swedish or English; unknown names are errors. */
static void
csvin_turnover_header(void *ctx, size_t line, struct csvin_line *l)
{
	static const char *const ret[] = { "retirements", "retired", "pension",
		"pensions", "pensionsavgangar", "pensionsavgang",
		"pensioneringar", "pensionerade", "varav pension",
		"varav pensionsavgangar", NULL };
	static const char *const in[] = { "internal moves", "internal",
		"internal transfers", "moves within the region",
		"interna byten", "interna flyttar", "intern rorlighet",
		"byten inom regionen", "varav interna byten", "internt", NULL };
	struct csvin_ctx *c = ctx;
	size_t i, j;
	char *f, *show;
	int known;

	c->ncols = l->n;
	for (i = 4; i < l->n; i++) {
		f = csvin_fold(l->f[i]);
		known = 0;
		for (j = 0; ret[j] != NULL && c->col_ret == 0; j++)
			if (strcmp(f, ret[j]) == 0) {
				c->col_ret = i;
				known = 1;
			}
		for (j = 0; !known && in[j] != NULL && c->col_int == 0; j++)
			if (strcmp(f, in[j]) == 0) {
				c->col_int = i;
				known = 1;
			}
		free(f);
		if (known)
			continue;
		show = csvin_show(l->f[i]);
		csvin_diag(c->errs, c->name, line,
		    _("column %zu \"%s\": "
		      "expected retirements (pensionsavgångar) or internal "
		      "moves (interna byten)"),
		    i + 1, show);
		free(show);
	}
}

/* An optional count of the leavers: -1 when the file has no such
 * column or the cell is empty; 0 or -1 (reported). */
static int
csvin_part(struct csvin_ctx *c, size_t line, const struct csvin_line *l,
    size_t col, const char *what, double *v)
{
	*v = -1;
	if (col == 0 || col >= l->n || l->f[col][0] == '\0')
		return 0;
	return csvin_value(c, line, what, l->f[col], v);
}

static void
csvin_turnover_row(void *ctx, size_t line, struct csvin_line *l)
{
	struct csvin_ctx *c = ctx;
	unsigned year = 0;
	double head = 0, leavers = 0, ret = -1, in = -1;
	int bad = 0;

	/* without a header: 5th column retirements, 6th internal moves */
	if (c->ncols == 0) {
		c->col_ret = 4;
		c->col_int = 5;
	} else if (l->n > c->ncols) {
		csvin_diag(c->errs, c->name, line,
		    _("%zu fields, the header "
		      "names %zu"),
		    l->n, c->ncols);
		return;
	}
	bad |= csvin_key(c, line, l, &year);
	bad |= csvin_value(c, line, _("average headcount"), l->f[2], &head);
	bad |= csvin_value(c, line, _("leavers"), l->f[3], &leavers);
	bad |= csvin_part(c, line, l, c->col_ret, _("retirements"), &ret);
	bad |= csvin_part(c, line, l, c->col_int, _("internal moves"), &in);
	if (!bad && !(head > 0)) {
		csvin_diag(c->errs, c->name, line,
		    _("average headcount must be above zero"));
		bad = 1;
	}
	if (!bad && (ret > 0 ? ret : 0) + (in > 0 ? in : 0) > leavers) {
		csvin_diag(c->errs, c->name, line,
		    _("retirements and internal "
		      "moves (%g + %g) are more than the leavers (%g): they are "
		      "counted among them"),
		    ret > 0 ? ret : 0, in > 0 ? in : 0, leavers);
		bad = 1;
	}
	if (bad || !csvin_first(c, line, l->f[0], year))
		return;
	if (leavers > head)
		csvin_diag(c->warns, c->name, line,
		    _("turnover for %s in %u is %.0f %%, above 100 %%"),
		    l->f[0], year, 100 * leavers / head);
	c->t = xreallocarray(c->t, c->n + 1, sizeof(*c->t));
	c->t[c->n].unit = xstrdup(l->f[0]);
	c->t[c->n].year = year;
	c->t[c->n].headcount = head;
	c->t[c->n].leavers = leavers;
	c->t[c->n].retirements = ret;
	c->t[c->n].internal = in;
	c->n++;
}

static void
csvin_hme_row(void *ctx, size_t line, struct csvin_line *l)
{
	static const char *const what[4] = { "HME", "motivation", "ledarskap",
		"styrning" };
	struct csvin_ctx *c = ctx;
	unsigned year = 0;
	double v[4] = { 0, 0, 0, 0 };
	size_t i;
	int bad = 0;

	bad |= csvin_key(c, line, l, &year);
	for (i = 0; i < 4; i++) {
		if (csvin_value(c, line, what[i], l->f[2 + i], &v[i]) < 0) {
			bad = 1;
		} else if (v[i] > 100) {
			csvin_diag(c->errs, c->name, line,
			    _("%s %s is above 100"), what[i], l->f[2 + i]);
			bad = 1;
		}
	}
	if (bad || !csvin_first(c, line, l->f[0], year))
		return;
	c->h = xreallocarray(c->h, c->n + 1, sizeof(*c->h));
	c->h[c->n].unit = xstrdup(l->f[0]);
	c->h[c->n].year = year;
	c->h[c->n].hme = v[0];
	c->h[c->n].motivation = v[1];
	c->h[c->n].ledarskap = v[2];
	c->h[c->n].styrning = v[3];
	c->n++;
}

/* What differs between the kinds: the fields a line has, and what reads
 * a header (NULL: none is taken) and a row. */
static const struct csvin_kind_ops {
	size_t nmin, nmax;
	csvin_row_fn header, row;
} csvin_kinds[] = {
	[CSVIN_TURNOVER] = { 4, 6, csvin_turnover_header, csvin_turnover_row },
	[CSVIN_HME] = { 6, 6, NULL, csvin_hme_row },
};

int
csvin_read(enum csvin_kind kind, const struct csvin_src *src,
    struct csvin_rows *rows, struct csvin_diags *errs,
    struct csvin_diags *warns)
{
	const struct csvin_kind_ops *k = &csvin_kinds[kind];
	struct csvin_ctx c;

	memset(errs, 0, sizeof(*errs));
	memset(warns, 0, sizeof(*warns));
	memset(&c, 0, sizeof(c));
	c.name = src->name;
	c.units = src->units;
	c.names = src->names;
	c.nunits = src->nunits;
	c.errs = errs;
	c.warns = warns;
	csvin_walk(src->name, src->buf, src->len, k->nmin, k->nmax, errs,
	    k->header, k->row, &c);
	free(c.lines);
	rows->t = c.t;
	rows->h = c.h;
	rows->n = c.n;
	if (errs->n == 0 && c.n == 0)
		csvin_diag(errs, src->name, 0, _("no rows"));
	if (errs->n == 0)
		return 0;
	csvin_rows_free(rows);
	csvin_diags_free(warns);
	return -1;
}

void
csvin_rows_free(struct csvin_rows *rows)
{
	size_t i;

	for (i = 0; i < rows->n; i++)
		free(rows->t != NULL ? rows->t[i].unit : rows->h[i].unit);
	free(rows->t);
	free(rows->h);
	memset(rows, 0, sizeof(*rows));
}
