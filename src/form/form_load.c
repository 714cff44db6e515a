/* form_load: reads a form file through the strict YAML reader (util/yaml)
 * and validates it key by key into a struct form; every problem comes
 * back as FILE:LINE:COL in source order. The format is avslut-form(5). */
#include "form/form.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "util/yaml.h"

#define FORM_DEFAULT_MAX_LENGTH 2000
#define FORM_MAX_MAX_LENGTH 10000

static const struct ylimits form_limits = { N_("a form"), FORM_MAX_BYTES,
	FORM_MAX_DEPTH, FORM_MAX_NODES, FORM_MAX_SCALAR };

#include "form/form_load_int.h"

static const char *const type_names[] = { "single", "multi", "scale", "nps",
	"yesno", "number", "text", NULL };

const char *
form_type_name(enum form_type t)
{
	if ((unsigned)t > FORM_TEXT)
		return "?";
	return type_names[t];
}

enum {
	QK_ID,
	QK_TYPE,
	QK_LABEL,
	QK_HELP,
	QK_REQUIRED,
	QK_SHOW_IF,
	QK_THEME,
	QK_REPORT,
	QK_CHOICES,
	QK_OTHER,
	QK_MAX,
	QK_MIN,
	QK_MIN_LABEL,
	QK_MAX_LABEL,
	QK_MAX_LENGTH,
	QK_SHORT,
	QK_SENSITIVE,
	QK_N
};

static const char *const qkeys[] = { "id", "type", "label", "help", "required",
	"show_if", "theme", "report", "choices", "other", "max", "min",
	"min_label", "max_label", "max_length", "short", "sensitive", NULL };
static const char qkeys_expected[] =
    "id, type, label, help, required, "
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
	[QK_ID] = ~0u,
	[QK_TYPE] = ~0u,
	[QK_LABEL] = ~0u,
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
		ld_at(l, n,
		    _("choices: expected a list of 1 to %d choices, "
		      "found %s"),
		    FORM_MAX_CHOICES, ynode_desc(n, b, sizeof b));
		return;
	}
	if (n->n == 0) {
		ld_at(l, n,
		    _("choices: expected a list of 1 to %d choices, "
		      "found an empty list"),
		    FORM_MAX_CHOICES);
		return;
	}
	if (n->n > FORM_MAX_CHOICES) {
		ld_at(l, n,
		    _("choices: expected a list of 1 to %d choices, "
		      "found %zu"),
		    FORM_MAX_CHOICES, n->n);
		return;
	}
	q->choices = xcalloc(n->n, sizeof *q->choices);
	idn = xcalloc(n->n, sizeof *idn);
	for (i = 0; i < n->n; i++) {
		const struct ynode *c = n->kids[i];
		struct form_choice *ch = &q->choices[q->nchoices++];

		if (c->kind != YN_MAP) {
			ld_at(l, c,
			    _("choices: expected a choice (a mapping "
			      "with id and label), found %s"),
			    ynode_desc(c, b, sizeof b));
			continue;
		}
		ydoc_keys(&l->y, c, _("a choice"), ckeys, "id, label", v, NULL);
		if (v[0] == NULL)
			ld_at(l, c, _("missing key 'id' in a choice"));
		else if (ld_id(l, "id", v[0], ID_NAME, &id) == 0) {
			for (j = 0; j < i; j++)
				if (q->choices[j].id != NULL &&
				    strcmp(q->choices[j].id, id) == 0)
					break;
			if (j < i) {
				ld_at(l, v[0],
				    _("duplicate choice id '%s' in "
				      "question '%s' (first at line %zu)"),
				    id, q->id ? q->id : "?", idn[j]->line);
				free(id);
			} else if (strcmp(id, "other") == 0) {
				ld_at(l, v[0],
				    _("id: 'other' is reserved for "
				      "the choice that other: true adds"));
				free(id);
			} else {
				ch->id = id;
				idn[i] = v[0];
			}
		}
		if (v[1] == NULL)
			ld_at(l, c, _("missing key 'label' in a choice"));
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
			q->sensitive = q->nchoices >= 64 ?
			    ~(uint64_t)0 :
			    ((uint64_t)1 << q->nchoices) - 1;
		return;
	}
	if (q->type == FORM_YESNO) {
		ld_at(l, n, _("sensitive: expected true or false, found %s"),
		    ynode_desc(n, b, sizeof b));
		return;
	}
	for (i = 0; i < n->n; i++) {
		const struct ynode *c = n->kids[i];

		for (j = 0; c->kind == YN_SCALAR && j < q->nchoices; j++)
			if (q->choices[j].id != NULL &&
			    strcmp(q->choices[j].id, c->s) == 0)
				break;
		if (c->kind != YN_SCALAR || j == q->nchoices) {
			ld_at(l, c,
			    _("sensitive: expected a choice id of "
			      "question '%s', found %s"),
			    q->id ? q->id : "?", ynode_desc(c, b, sizeof b));
			continue;
		}
		q->sensitive |= (uint64_t)1 << j;
	}
}

static void
ld_question(struct ld *l, size_t sec, const struct ynode *n)
{
	static const char *const required_names[] = { "false", "soft", "true",
		NULL };
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
			ld_at(l, n, _("more than %d questions in the form"),
			    FORM_MAX_QUESTIONS);
		l->too_many_q = 1;
		return;
	}
	if (f->nquestions == l->capq) {
		l->capq = l->capq ? l->capq * 2 : 32;
		f->questions = xreallocarray(f->questions, l->capq,
		    sizeof *f->questions);
		l->qshow = xreallocarray(l->qshow, l->capq, sizeof *l->qshow);
	}
	qi = f->nquestions++;
	q = &f->questions[qi];
	memset(q, 0, sizeof *q);
	l->qshow[qi] = NULL;
	q->section = sec;
	q->line = n->line;
	q->type = (enum form_type) - 1;
	q->max_length = FORM_DEFAULT_MAX_LENGTH;
	if (n->kind != YN_MAP) {
		ld_at(l, n,
		    _("questions: expected a question (a mapping with "
		      "id, type and label), found %s"),
		    ynode_desc(n, b, sizeof b));
		return;
	}
	ydoc_keys(&l->y, n, _("a question"), qkeys, qkeys_expected, v, k);
	if (v[QK_TYPE] != NULL &&
	    ld_enum(l, "type", v[QK_TYPE], type_names,
		_("single, multi, scale, nps, yesno, number or text"),
		&type) == 0)
		q->type = (enum form_type)type;
	if (v[QK_ID] != NULL &&
	    ld_id(l, "id", v[QK_ID], ID_NAME, &q->id) == 0) {
		q->line = v[QK_ID]->line;
		if (reserved_word(q->id)) {
			ld_at(l, v[QK_ID],
			    _("id: '%s' is a word of the "
			      "show_if "
			      "language (and, or, not, in): choose another id"),
			    q->id);
		}
		for (j = 0; j < qi; j++)
			if (f->questions[j].id != NULL &&
			    strcmp(f->questions[j].id, q->id) == 0) {
				ld_at(l, v[QK_ID],
				    _("duplicate question id "
				      "'%s' (first at line %zu)"),
				    q->id, f->questions[j].line);
				break;
			}
	}
	for (i = 0; i < QK_N; i++) {
		if (v[i] == NULL && type >= 0 &&
		    (qkey_needed[i] & T(type)) != 0)
			ld_at(l, n,
			    _("missing key '%s' in question "
			      "'%s'%s%s%s"),
			    qkeys[i], q->id ? q->id : "?",
			    qkey_needed[i] == ~0u ? "" : " (",
			    qkey_needed[i] == ~0u ? "" : type_names[type],
			    qkey_needed[i] == ~0u ? "" :
						    _(" questions need it)"));
		else if (v[i] == NULL && type < 0 && qkey_needed[i] == ~0u)
			ld_at(l, n, _("missing key '%s' in question '%s'"),
			    qkeys[i], q->id ? q->id : "?");
		if (v[i] != NULL && type >= 0 && qkey_types[i] != 0 &&
		    (qkey_types[i] & T(type)) == 0) {
			ld_at(l, k[i],
			    _("key '%s' does not apply to %s "
			      "questions"),
			    qkeys[i], type_names[type]);
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
			    utf8_len(q->shortl.s[si], strlen(q->shortl.s[si])) >
				FORM_SHORT_MAX)
				ld_at(l, v[QK_SHORT],
				    _("short: the '%s' text "
				      "is longer than %d characters (it heads a "
				      "dashboard column)"),
				    l->f->langs[si], FORM_SHORT_MAX);
	if (v[QK_REQUIRED] != NULL &&
	    ld_enum(l, "required", v[QK_REQUIRED], required_names,
		_("true, soft or false"), &e) == 0)
		q->required = e == 2 ? FORM_REQUIRED :
		    e == 1	     ? FORM_SOFT :
				       FORM_OPTIONAL;
	l->qshow[qi] = v[QK_SHOW_IF];
	if (v[QK_THEME] != NULL)
		ld_id(l, "theme", v[QK_THEME], ID_NAME, &q->theme);
	if (v[QK_REPORT] != NULL &&
	    ld_enum(l, "report", v[QK_REPORT], report_names,
		_("unit or region"), &e) == 0)
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
		if (v[QK_MAX] != NULL &&
		    ld_int(l, "max", v[QK_MAX], 1, FORM_MAX_CHOICES + 1, &x) ==
			0) {
			if (q->nchoices > 0 &&
			    (size_t)x > q->nchoices + (q->other ? 1 : 0))
				ld_at(l, v[QK_MAX],
				    _("max: %lld is more than "
				      "the number of choices (%zu)"),
				    x, q->nchoices + (q->other ? 1 : 0));
			else
				q->max_choices = (unsigned)x;
		}
		break;
	case FORM_SCALE:
		q->min = 1;
		q->max = 5;
		if (v[QK_MIN] != NULL &&
		    ld_int(l, "min", v[QK_MIN], 0, 1, &x) == 0)
			q->min = (int32_t)x;
		if (v[QK_MAX] != NULL &&
		    ld_int(l, "max", v[QK_MAX], 2, 10, &x) == 0)
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
			ld_at(l, v[QK_MIN],
			    _("min: %lld is greater than max "
			      "%lld"),
			    mn, mx);
		q->min = (int32_t)mn;
		q->max = (int32_t)mx;
		break;
	}
	case FORM_TEXT:
		if (v[QK_MAX_LENGTH] != NULL &&
		    ld_int(l, "max_length", v[QK_MAX_LENGTH], 1,
			FORM_MAX_MAX_LENGTH, &x) == 0)
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
	static const char *const skeys[] = { "id", "title", "show_if",
		"questions", "mode", NULL };
	static const char *const mode_names[] = { "interviewer", "self", NULL };
	struct form *f = l->f;
	struct form_section *s;
	const struct ynode *v[5];
	char b[160];
	size_t si, i, j;
	int mode;

	if (f->nsections == FORM_MAX_QUESTIONS) {
		if (!l->too_many_s)
			ld_at(l, n, _("more than %d sections in the form"),
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
		ld_at(l, n,
		    _("sections: expected a section (a mapping with "
		      "id, title and questions), found %s"),
		    ynode_desc(n, b, sizeof b));
		return;
	}
	ydoc_keys(&l->y, n, _("a section"), skeys,
	    "id, title, show_if, questions, mode", v, NULL);
	if (v[4] != NULL &&
	    ld_enum(l, "mode", v[4], mode_names, _("interviewer or self"),
		&mode) == 0)
		s->self = mode == 1;
	if (v[0] == NULL)
		ld_at(l, n, _("missing key 'id' in a section"));
	else if (ld_id(l, "id", v[0], ID_NAME, &s->id) == 0) {
		for (j = 0; j < si; j++)
			if (f->sections[j].id != NULL &&
			    strcmp(f->sections[j].id, s->id) == 0) {
				ld_at(l, v[0], _("duplicate section id '%s'"),
				    s->id);
				break;
			}
	}
	if (v[1] == NULL)
		ld_at(l, n, _("missing key 'title' in section '%s'"),
		    s->id ? s->id : "?");
	else
		ld_text(l, "title", v[1], 0, &s->title);
	l->sshow[si] = v[2];
	if (v[3] == NULL)
		ld_at(l, n, _("missing key 'questions' in section '%s'"),
		    s->id ? s->id : "?");
	else if (v[3]->kind != YN_SEQ || v[3]->n == 0)
		ld_at(l, v[3],
		    _("questions: expected a list of questions, "
		      "found %s"),
		    v[3]->kind == YN_SEQ ? _("an empty list") :
					   ynode_desc(v[3], b, sizeof b));
	else
		for (i = 0; i < v[3]->n && !l->too_many_q; i++)
			ld_question(l, si, v[3]->kids[i]);
	f->sections[si].count = f->nquestions - f->sections[si].first;
}

static void
ld_form(struct ld *l, const struct ynode *root)
{
	static const char *const fkeys[] = { "id", "version", "languages",
		"title", "intro", "sections", NULL };
	struct form *f = l->f;
	const struct ynode *v[6];
	char b[160];
	long long x;
	size_t i;

	if (root->kind != YN_MAP) {
		ld_at(l, root,
		    _("expected a form (a mapping with id, version, "
		      "languages, title, intro and sections), found %s"),
		    ynode_desc(root, b, sizeof b));
		return;
	}
	ydoc_keys(&l->y, root, _("the form"), fkeys,
	    "id, version, languages, title, intro, sections", v, NULL);
	for (i = 0; fkeys[i] != NULL; i++)
		if (v[i] == NULL)
			ld_at(l, root, _("missing key '%s' in the form"),
			    fkeys[i]);
	if (v[2] != NULL)
		ld_languages(l, v[2]);
	if (v[0] != NULL)
		ld_id(l, "id", v[0], ID_FORM, &f->id);
	if (v[1] != NULL && ld_int(l, "version", v[1], 1, INT32_MAX, &x) == 0)
		f->version = (uint32_t)x;
	if (v[3] != NULL)
		ld_text(l, "title", v[3], 0, &f->title);
	if (v[4] != NULL)
		ld_text(l, "intro", v[4], 1, &f->intro);
	if (v[5] != NULL) {
		if (v[5]->kind != YN_SEQ || v[5]->n == 0)
			ld_at(l, v[5],
			    _("sections: expected a list of "
			      "sections, found %s"),
			    v[5]->kind == YN_SEQ ?
				_("an empty list") :
				ynode_desc(v[5], b, sizeof b));
		else
			for (i = 0;
			     i < v[5]->n && !l->too_many_s && !l->too_many_q;
			     i++)
				ld_section(l, v[5]->kids[i]);
	}
	/* show_if last: it may refer to any earlier question, wherever its
	 * keys were written. */
	form_show_load(&l->y, f, l->qshow, l->sshow);
}

/* Hand the problems to the caller in source order. */
void
form_diags_take(struct form_diags *d, struct ydoc *y)
{
	size_t i;

	ydoc_sort(y);
	for (i = 0; i < y->ndg; i++)
		form_diags_add(d, y->name, y->dg[i].line, y->dg[i].col, "%s",
		    y->dg[i].msg);
	if (d != NULL)
		d->dropped += y->dropped;
}

struct form *
form_load_buf(const char *name, const char *buf, size_t len,
    struct form_diags *d)
{
	struct ld l;
	struct form *f;

	memset(&l, 0, sizeof l);
	f = l.f = xcalloc(1, sizeof *f);
	if (ydoc_load(&l.y, name, buf, len, &form_limits) == 0) {
		if (l.y.root == NULL)
			ld_diag(&l, 1, 1,
			    _("empty file: expected a form (a "
			      "mapping with id, version, languages, title, "
			      "intro and sections)"));
		else
			ld_form(&l, l.y.root);
	}
	free(l.qshow);
	free(l.sshow);
	if (l.y.ndg > 0 || l.y.dropped > 0) {
		form_diags_take(d, &l.y);
		form_free(f);
		f = NULL;
	} else
		form_hash_compute(f, f->hash);
	ydoc_free(&l.y);
	return f;
}

struct form *
form_load_file(const char *path, struct form_diags *d)
{
	struct err e;
	struct form *f;
	char *buf;
	size_t len;

	if (ydoc_read_file(path, FORM_MAX_BYTES, &buf, &len, &e) == -1) {
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
