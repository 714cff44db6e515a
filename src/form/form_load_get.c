/* form_load_get: the typed getters of the form loader: each checks one
 * YAML node (an id, an integer, a boolean, a name from a list, a text in
 * the form's languages, the list of languages) and reports what is wrong
 * with it at its FILE:LINE:COL. The loader itself is form_load.c. */
#include "form/form_load_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/utf8.h"
#include "util/xmem.h"

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
	N_("an id of a-z, 0-9 and '-' (up to 64, not starting with '-')"),
	N_("an id of a-z, 0-9 and '_' (up to 64, starting with a letter)"),
	N_("a language code of 2 or 3 letters a-z"),
};

int
ld_id(struct ld *l, const char *key, const struct ynode *n, enum idkind k,
    char **out)
{
	char b[160];

	if (n->kind != YN_SCALAR || !id_ok(n->s, n->len, k)) {
		ld_at(l, n, _("%s: expected %s, found %s"), key, _(id_desc[k]),
		    ynode_desc(n, b, sizeof b));
		return -1;
	}
	*out = xstrdup(n->s);
	return 0;
}

/* Plain decimal integers only: "5", "-3"; not "05", "+5", "5.0", "'5'". */
int
ld_int(struct ld *l, const char *key, const struct ynode *n, long long lo,
    long long hi, long long *out)
{
	char b[160];

	if (ynode_int(n, lo, hi, out) == YG_OK)
		return 0;
	ld_at(l, n, _("%s: expected an integer from %lld to %lld, found %s"),
	    key, lo, hi, ynode_desc(n, b, sizeof b));
	return -1;
}

int
ld_bool(struct ld *l, const char *key, const struct ynode *n, int *out)
{
	char b[160];

	if (ynode_bool(n, out) == YG_OK)
		return 0;
	ld_at(l, n, _("%s: expected true or false, found %s"), key,
	    ynode_desc(n, b, sizeof b));
	return -1;
}

/* One word of names[] (NULL-terminated); expected is for the message. */
int
ld_enum(struct ld *l, const char *key, const struct ynode *n,
    const char *const *names, const char *expected, int *out)
{
	char b[160];
	int i;

	if (n->kind == YN_SCALAR)
		for (i = 0; names[i] != NULL; i++)
			if (ynode_is(n, names[i])) {
				*out = i;
				return 0;
			}
	ld_at(l, n, _("%s: expected %s, found %s"), key, expected,
	    ynode_desc(n, b, sizeof b));
	return -1;
}

/* 1 if text mapping n has the key lang (written, if not valid). */
static int
ld_text_has_key(const struct ynode *n, const char *lang)
{
	size_t i;

	for (i = 0; i + 1 < n->n; i += 2)
		if (ynode_is(n->kids[i], lang))
			return 1;
	return 0;
}

/* A text: a mapping from each declared language to a non-empty string
 * with no control or bidi-override character (newlines only if
 * multiline). */
int
ld_text(struct ld *l, const char *key, const struct ynode *n, int multiline,
    struct form_text *out)
{
	const struct form *f = l->f;
	char b[160], *lang;
	size_t i, bad, line, col;
	uint32_t cp;
	int li, rc = 0;
	enum yget g;
	size_t j;

	if (n->kind != YN_MAP) {
		ld_at(l, n,
		    _("%s: expected a mapping of language to text "
		      "(such as {%s: ...}), found %s"),
		    key, f->nlangs ? f->langs[0] : "en",
		    ynode_desc(n, b, sizeof b));
		return -1;
	}
	for (i = 0; i + 1 < n->n; i += 2) {
		const struct ynode *k = n->kids[i], *v = n->kids[i + 1];

		if (k->kind != YN_SCALAR || !id_ok(k->s, k->len, ID_LANG)) {
			ld_at(l, k,
			    _("%s: expected a language code as key, "
			      "found %s"),
			    key, ynode_desc(k, b, sizeof b));
			rc = -1;
			continue;
		}
		lang = k->s;
		li = form_lang_index(f, lang);
		if (li < 0) {
			if (f->nlangs > 0)
				ld_at(l, k,
				    _("%s: language '%s' is not "
				      "declared in languages"),
				    key, lang);
			rc = -1;
		} else if (out->s[li] != NULL) {
			ld_at(l, k, _("%s: duplicate language '%s'"), key,
			    lang);
			rc = -1;
			continue;
		}
		g = ynode_text(v, multiline, SIZE_MAX, &bad, &cp);
		if (g == YG_TYPE || (g == YG_EMPTY && v->style == YS_PLAIN)) {
			ld_at(l, v,
			    _("%s: expected the '%s' text as a string, "
			      "found %s"),
			    key, lang, ynode_desc(v, b, sizeof b));
			rc = -1;
			continue;
		}
		if (g == YG_EMPTY) {
			ld_at(l, v, _("%s: the '%s' text is empty"), key, lang);
			rc = -1;
			continue;
		}
		if (g == YG_CHAR) {
			ydoc_scalar_pos(&l->y, v, bad, &line, &col);
			if (cp == '\n')
				ld_diag(l, line, col,
				    _("%s: line break in the "
				      "'%s' text: only intro and help may have "
				      "several lines (use >- to fold)"),
				    key, lang);
			else if (cp == 0xffffffffu)
				ld_diag(l, line, col,
				    _("%s: invalid UTF-8 in "
				      "the '%s' text"),
				    key, lang);
			else
				ld_diag(l, line, col,
				    _("%s: forbidden "
				      "character U+%04lX in the '%s' text: no "
				      "control or bidi-override characters"),
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
			ld_at(l, n,
			    _("%s: missing text for language "
			      "'%s'"),
			    key, f->langs[j]);
			rc = -1;
		}
	return rc;
}

/* Invalid or repeated codes are reported and left out, so that texts
 * can still be checked against the rest. */
void
ld_languages(struct ld *l, const struct ynode *n)
{
	struct form *f = l->f;
	char b[160], *code;
	size_t i;

	if (n->kind != YN_SEQ || n->n == 0 || n->n > FORM_MAX_LANGS) {
		ld_at(l, n,
		    _("languages: expected a list of 1 to %d language "
		      "codes such as [sv, en], found %s"),
		    FORM_MAX_LANGS,
		    n->kind == YN_SEQ ?
			(n->n == 0 ? _("an empty list") : _("more")) :
			ynode_desc(n, b, sizeof b));
		return;
	}
	for (i = 0; i < n->n; i++) {
		if (ld_id(l, "languages", n->kids[i], ID_LANG, &code) == -1)
			continue;
		if (form_lang_index(f, code) >= 0) {
			ld_at(l, n->kids[i],
			    _("languages: duplicate language "
			      "'%s'"),
			    code);
			free(code);
			continue;
		}
		f->langs[f->nlangs++] = code;
	}
}
