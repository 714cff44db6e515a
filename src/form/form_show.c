/* form_show: the show_if of every section and question, parsed once the
 * whole form is read (an expression may name any earlier question), and
 * the promise of mode: self checked against them. */
#include "form/form.h"
#include "form/form_load_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/xmem.h"

static void
form_show_parse(struct ydoc *y, struct form *f, const struct ynode *n,
    size_t before, struct form_expr **out)
{
	struct err e;
	char b[160];
	size_t pos = 0, line, col;

	if (n->kind != YN_SCALAR || n->len == 0) {
		ydoc_at(y, n,
		    _("show_if: expected an expression such as "
		      "\"q == choice\", found %s"),
		    ynode_desc(n, b, sizeof b));
		return;
	}
	if (form_expr_parse(out, f, before, n->s, n->len, &pos, &e) == -1) {
		ydoc_scalar_pos(y, n, pos, &line, &col);
		ydoc_diag(y, line, col, _("show_if: %s"), e.msg);
	}
}

/* 1 if question q lies in a self section. */
static int
form_show_in_self(const struct form *f, size_t q)
{
	return f->questions[q].section < f->nsections &&
	    f->sections[f->questions[q].section].self;
}

/* mode: self promises that the interviewer never learns those answers.
 * Whether a later interviewer-led question or section is shown is on the
 * interviewer's screen, so its show_if may not look at a self answer: it
 * would tell the answer (a follow-up inside the same self section may). */
static void
form_show_self_leaks(struct ydoc *y, const struct form *f,
    const struct ynode *const *qshow, const struct ynode *const *sshow)
{
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
			if (refs[j] && form_show_in_self(f, j) && sshow[i])
				ydoc_at(y, sshow[i],
				    _("show_if: section '%s' "
				      "depends on '%s', which the leaver "
				      "answers alone (mode: self): whether it "
				      "is shown would tell the interviewer the "
				      "answer"),
				    f->sections[i].id ? f->sections[i].id : "?",
				    f->questions[j].id ? f->questions[j].id :
							 "?");
	}
	for (i = 0; i < f->nquestions; i++) {
		if (f->questions[i].show_if == NULL)
			continue;
		si = f->questions[i].section;
		memset(refs, 0, f->nquestions);
		form_expr_refs(f->questions[i].show_if, refs, f->nquestions);
		for (j = 0; j < f->nquestions; j++) {
			if (!refs[j] || !form_show_in_self(f, j))
				continue;
			if (form_show_in_self(f, i) &&
			    f->questions[j].section == si)
				continue;
			if (qshow[i])
				ydoc_at(y, qshow[i],
				    _("show_if: question "
				      "'%s' depends on '%s', which the leaver "
				      "answers alone (mode: self) in %s: "
				      "whether it is shown would tell the "
				      "interviewer the answer"),
				    f->questions[i].id ? f->questions[i].id :
							 "?",
				    f->questions[j].id ? f->questions[j].id :
							 "?",
				    form_show_in_self(f, i) ?
					_("another section") :
					_("a self section"));
		}
	}
	free(refs);
}

void
form_show_load(struct ydoc *y, struct form *f, const struct ynode *const *qshow,
    const struct ynode *const *sshow)
{
	size_t i;

	for (i = 0; i < f->nsections; i++)
		if (sshow[i] != NULL)
			form_show_parse(y, f, sshow[i], f->sections[i].first,
			    &f->sections[i].show_if);
	for (i = 0; i < f->nquestions; i++)
		if (qshow[i] != NULL)
			form_show_parse(y, f, qshow[i], i,
			    &f->questions[i].show_if);
	form_show_self_leaks(y, f, qshow, sshow);
}
