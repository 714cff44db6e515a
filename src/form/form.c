/* form: the model's life cycle and questions about it: diagnostics,
 * freeing, lookups and the check of one answer. Loading is form_load.c,
 * show_if form_expr.c, the canonical hash form_hash.c. */
#include "form/form.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/utf8.h"
#include "util/xmem.h"

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
form_diags_add(struct form_diags *d, const char *name, size_t line, size_t col,
    const char *fmt, ...)
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

/* Which text a message names: translated only when there is a message
 * (gettext for every text answer was a lock and a lookup per record). */
static const char *
answer_text_what(int other)
{
	return other ? _("the 'other' text") : _("the text");
}

/* Free text typed by the interviewer: bounded, clean, no control
 * characters but newlines. The message never quotes the text. */
static int
answer_text_check(const struct form_question *q, const char *t, int other,
    struct err *e)
{
	size_t len = strlen(t), chars = 0, bad = 0;
	uint32_t cp = 0;
	int clean = 0;

	/* One pass for both checks; the length's message comes first. */
	if (len <= (size_t)q->max_length * 4)
		clean = utf8_clean_len(t, len, 1, &chars, &bad, &cp);
	if (len > (size_t)q->max_length * 4 || chars > q->max_length)
		return err_setc(e, ERR_DATA,
		    _("question '%s': %s longer than "
		      "%lu characters"),
		    q->id, answer_text_what(other),
		    (unsigned long)q->max_length);
	if (!clean)
		return err_setc(e, ERR_DATA,
		    _("question '%s': %s has %s at "
		      "byte %zu"),
		    q->id, answer_text_what(other),
		    cp == 0xffffffffu ?
			_("invalid UTF-8") :
			_("a control or bidi-override character"),
		    bad);
	return 0;
}

int
form_answer_check(const struct form *f, size_t qi, const struct form_answer *a,
    struct err *e)
{
	const struct form_question *q;
	uint64_t bits;
	unsigned n;

	if (qi >= f->nquestions)
		return err_setc(e, ERR_DATA, _("no question %zu in form '%s'"),
		    qi, f->id);
	q = &f->questions[qi];
	if (a->state > FORM_ANSWERED)
		return err_setc(e, ERR_DATA,
		    _("question '%s': unknown answer "
		      "state %u"),
		    q->id, (unsigned)a->state);
	if (a->state != FORM_ANSWERED) {
		if (a->text != NULL || a->other || a->choices != 0)
			return err_setc(e, ERR_DATA,
			    _("question '%s': an "
			      "answer that is not given holds a value"),
			    q->id);
		return 0;
	}
	if (a->other &&
	    !((q->type == FORM_SINGLE || q->type == FORM_MULTI) && q->other))
		return err_setc(e, ERR_DATA,
		    _("question '%s' has no 'other' "
		      "choice"),
		    q->id);
	if (a->text != NULL && !a->other && q->type != FORM_TEXT)
		return err_setc(e, ERR_DATA,
		    _("question '%s': text without "
		      "'other'"),
		    q->id);
	if (a->choices != 0 && q->type != FORM_MULTI)
		return err_setc(e, ERR_DATA,
		    _("question '%s': a choice set on "
		      "a %s question"),
		    q->id, form_type_name(q->type));
	/* Fields a type does not use must be zero (avslut-record(5)), or a
	 * record could carry a mark that no view shows. */
	if (a->num != 0 && (q->type == FORM_MULTI || q->type == FORM_TEXT))
		return err_setc(e, ERR_DATA,
		    _("question '%s': a value on a %s "
		      "question"),
		    q->id, form_type_name(q->type));
	switch (q->type) {
	case FORM_SINGLE:
		if (!a->other && (a->num < 0 || (size_t)a->num >= q->nchoices))
			return err_setc(e, ERR_DATA,
			    _("question '%s': no "
			      "choice %ld"),
			    q->id, (long)a->num);
		break;
	case FORM_MULTI:
		if (q->nchoices < 64 && (a->choices >> q->nchoices) != 0)
			return err_setc(e, ERR_DATA,
			    _("question '%s': a "
			      "choice beyond its %zu"),
			    q->id, q->nchoices);
		/* one step per chosen bit, not per possible one */
		for (n = a->other ? 1 : 0, bits = a->choices; bits != 0; n++)
			bits &= bits - 1;
		if (n == 0)
			return err_setc(e, ERR_DATA,
			    _("question '%s': nothing "
			      "chosen"),
			    q->id);
		if (q->max_choices != 0 && n > q->max_choices)
			return err_setc(e, ERR_DATA,
			    _("question '%s': %u "
			      "chosen, at most %u"),
			    q->id, n, q->max_choices);
		break;
	case FORM_SCALE:
	case FORM_NPS:
	case FORM_NUMBER:
	case FORM_YESNO:
		if (a->num < q->min || a->num > q->max)
			return err_setc(e, ERR_DATA,
			    _("question '%s': %ld is "
			      "outside %ld..%ld"),
			    q->id, (long)a->num, (long)q->min, (long)q->max);
		break;
	case FORM_TEXT:
		if (a->text == NULL || a->text[0] == '\0')
			return err_setc(e, ERR_DATA,
			    _("question '%s': "
			      "answered without text"),
			    q->id);
		return answer_text_check(q, a->text, 0, e);
	}
	if (a->other && a->text != NULL)
		return answer_text_check(q, a->text, 1, e);
	return 0;
}

void
form_answer_clear(struct form_answer *a)
{
	xfree_str_wipe(a->text);
	memset(a, 0, sizeof *a);
}
