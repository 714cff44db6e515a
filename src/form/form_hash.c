/* form_hash: the canonical serialisation of a loaded form and its
 * BLAKE2b-256 hash, byte for byte as avslut-form(5) specifies them. */
#include "form/form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/xmem.h"

struct cbuf {
	char *p;
	size_t len, cap;
};

static void
cb_put(struct cbuf *b, const void *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* One field: NAME SP LENGTH ":" VALUE LF, LENGTH the value's bytes in
 * decimal. The length prefix makes any value (newlines too) unambiguous. */
static void
cb_field(struct cbuf *b, const char *name, const char *value)
{
	char len[32];

	cb_put(b, name, strlen(name));
	snprintf(len, sizeof len, " %zu:", strlen(value));
	cb_put(b, len, strlen(len));
	cb_put(b, value, strlen(value));
	cb_put(b, "\n", 1);
}

static void
cb_num(struct cbuf *b, const char *name, long long v)
{
	char num[32];

	snprintf(num, sizeof num, "%lld", v);
	cb_field(b, name, num);
}

/* A text as one field per language, in the form's language order; an
 * absent optional text writes nothing. */
static void
cb_text(struct cbuf *b, const struct form *f, const char *name,
    const struct form_text *t)
{
	char key[64];
	size_t i;

	for (i = 0; i < f->nlangs; i++) {
		if (t->s[i] == NULL)
			continue;
		snprintf(key, sizeof key, "%s.%s", name, f->langs[i]);
		cb_field(b, key, t->s[i]);
	}
}

static void
cb_expr(struct cbuf *b, const struct form *f, const char *name,
    const struct form_expr *x)
{
	char *s;

	if (x == NULL)
		return;
	s = form_expr_str(x, f);
	cb_field(b, name, s);
	free(s);
}

/* sensitive: "yes" (yesno) or the sensitive choice ids in choice order,
 * comma-separated; absent when the question is not sensitive, so that
 * forms without the key keep their hash. */
static void
cb_sensitive(struct cbuf *b, const struct form_question *q)
{
	struct cbuf v = { NULL, 0, 0 };
	size_t i;

	if (q->type == FORM_YESNO) {
		cb_field(b, "sensitive", "yes");
		return;
	}
	cb_put(&v, "", 0);
	for (i = 0; i < q->nchoices && i < 64; i++) {
		if (!(q->sensitive & ((uint64_t)1 << i)))
			continue;
		if (v.len > 0)
			cb_put(&v, ",", 1);
		cb_put(&v, q->choices[i].id, strlen(q->choices[i].id));
	}
	cb_field(b, "sensitive", v.p);
	free(v.p);
}

static void
cb_question(struct cbuf *b, const struct form *f, const struct form_question *q)
{
	static const char *const req[] = { "false", "soft", "true" };
	size_t i;

	cb_field(b, "question", q->id);
	cb_field(b, "type", form_type_name(q->type));
	cb_text(b, f, "label", &q->label);
	cb_text(b, f, "help", &q->help);
	cb_text(b, f, "short", &q->shortl);
	cb_field(b, "required", req[q->required]);
	cb_expr(b, f, "show_if", q->show_if);
	if (q->theme != NULL)
		cb_field(b, "theme", q->theme);
	cb_field(b, "report",
	    q->report == FORM_SCOPE_REGION ? "region" : "unit");
	if (q->sensitive != 0)
		cb_sensitive(b, q);
	switch (q->type) {
	case FORM_SINGLE:
	case FORM_MULTI:
		for (i = 0; i < q->nchoices; i++) {
			cb_field(b, "choice", q->choices[i].id);
			cb_text(b, f, "choice.label", &q->choices[i].label);
		}
		cb_field(b, "other", q->other ? "true" : "false");
		if (q->type == FORM_MULTI)
			cb_num(b, "max", q->max_choices);
		break;
	case FORM_SCALE:
	case FORM_NPS:
		cb_num(b, "min", q->min);
		cb_num(b, "max", q->max);
		cb_text(b, f, "min_label", &q->min_label);
		cb_text(b, f, "max_label", &q->max_label);
		break;
	case FORM_NUMBER:
		cb_num(b, "min", q->min);
		cb_num(b, "max", q->max);
		break;
	case FORM_TEXT:
		cb_num(b, "max_length", q->max_length);
		break;
	case FORM_YESNO:
		break;
	}
}

char *
form_canonical(const struct form *f, size_t *len)
{
	struct cbuf b = { NULL, 0, 0 };
	char langs[FORM_MAX_LANGS * 4 + 1] = "";
	size_t i, j;

	cb_field(&b, "format", "avslut-form-1");
	cb_field(&b, "id", f->id);
	cb_num(&b, "version", f->version);
	for (i = 0; i < f->nlangs; i++) {
		if (i > 0)
			strcat(langs, ",");
		strcat(langs, f->langs[i]);
	}
	cb_field(&b, "languages", langs);
	cb_text(&b, f, "title", &f->title);
	cb_text(&b, f, "intro", &f->intro);
	for (i = 0; i < f->nsections; i++) {
		const struct form_section *s = &f->sections[i];

		cb_field(&b, "section", s->id);
		cb_text(&b, f, "section.title", &s->title);
		cb_expr(&b, f, "section.show_if", s->show_if);
		/* Only when self, so that the hash of every form written
		 * before the key existed stays what it was. */
		if (s->self)
			cb_field(&b, "section.mode", "self");
		for (j = s->first; j < s->first + s->count; j++)
			cb_question(&b, f, &f->questions[j]);
	}
	cb_field(&b, "end", "");
	*len = b.len;
	return b.p;
}

void
form_hash_compute(const struct form *f, uint8_t out[FORM_HASH_BYTES])
{
	size_t len;
	char *c = form_canonical(f, &len);

	crypto_generichash(out, FORM_HASH_BYTES, (const unsigned char *)c, len,
	    NULL, 0);
	free(c);
}

void
form_hash_hex(const struct form *f, char *out)
{
	sodium_bin2hex(out, FORM_HASH_BYTES * 2 + 1, f->hash, FORM_HASH_BYTES);
}
