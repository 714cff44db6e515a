/* report_fixture: forms and records built in code for the agg, gate and
 * report tests (no YAML loader needed). Static helpers, one copy per test. */
#ifndef AVSLUT_REPORT_FIXTURE_H
#define AVSLUT_REPORT_FIXTURE_H

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "form/form.h"
#include "report/agg.h"
#include "util/xmem.h"

#define FX_MAXQ 32

/* Answer shorthands for fx_rec value lists. */
#define NS (-1000)	/* not shown */
#define SK (-1001)	/* skipped */
#define DE (-1002)	/* declined */
#define OT (1 << 20)	/* single: "other"; multi: "other" plus the bits */

static struct form *
fx_form(const char *id, uint32_t version)
{
	struct form *f = xcalloc(1, sizeof(*f));

	f->id = xstrdup(id);
	f->version = version;
	f->langs[0] = xstrdup("sv");
	f->nlangs = 1;
	f->questions = xcalloc(FX_MAXQ, sizeof(*f->questions));
	memset(f->hash, 0, sizeof(f->hash));
	f->hash[0] = (uint8_t)version;
	f->hash[1] = (uint8_t)id[0];
	f->hash[2] = (uint8_t)strlen(id);
	return f;
}

/* Add a question; choices is a space-separated list of choice ids. */
static struct form_question *
fx_q(struct form *f, const char *id, enum form_type type, const char *choices,
    int32_t min, int32_t max)
{
	struct form_question *q = &f->questions[f->nquestions++];
	char *c, *s, *save = NULL;

	q->id = xstrdup(id);
	q->label.s[0] = xasprintf("Label %s", id);
	q->type = type;
	q->min = min;
	q->max = max;
	if (type == FORM_NPS) {
		q->min = 0;
		q->max = 10;
	}
	if (choices != NULL) {
		s = xstrdup(choices);
		q->choices = xcalloc(FORM_MAX_CHOICES, sizeof(*q->choices));
		for (c = strtok_r(s, " ", &save); c != NULL;
		    c = strtok_r(NULL, " ", &save)) {
			q->choices[q->nchoices].id = xstrdup(c);
			q->choices[q->nchoices].label.s[0] =
			    xasprintf("Choice %s", c);
			q->nchoices++;
		}
		free(s);
	}
	return q;
}

static void
fx_form_free(struct form *f)
{
	size_t i, j;

	for (i = 0; i < f->nquestions; i++) {
		struct form_question *q = &f->questions[i];

		free(q->id);
		free(q->label.s[0]);
		free(q->theme);
		for (j = 0; j < q->nchoices; j++) {
			free(q->choices[j].id);
			free(q->choices[j].label.s[0]);
		}
		free(q->choices);
	}
	free(f->questions);
	free(f->langs[0]);
	free(f->id);
	free(f);
}

/* An answer from a value: NS/SK/DE, or the value (single: choice index,
 * multi: bit set, yesno: 1/0, scale/nps/number: the value). */
static void
fx_answer(struct form_answer *x, const struct form_question *q, int v,
    const char *text)
{
	memset(x, 0, sizeof(*x));
	if (v == NS) {
		x->state = FORM_NOT_SHOWN;
		return;
	}
	if (v == SK) {
		x->state = FORM_SKIPPED;
		return;
	}
	if (v == DE) {
		x->state = FORM_DECLINED;
		return;
	}
	x->state = FORM_ANSWERED;
	if (q->type == FORM_MULTI) {
		x->other = (v & OT) != 0;
		x->choices = (uint64_t)(v & ~OT);
	} else if (q->type == FORM_SINGLE && v == OT) {
		x->other = 1;
		x->num = -1;
	} else {
		x->num = v;
	}
	if (text != NULL)
		x->text = xstrdup(text);
}

/* Add one record: one value per form question, in order. */
static int
fx_add(struct agg *a, const struct form *f, const char *unit, unsigned year,
    const int *vals, const char *const *texts)
{
	struct form_answer ans[FX_MAXQ];
	struct agg_rec r;
	struct err e;
	size_t i;
	int rc;

	for (i = 0; i < f->nquestions; i++)
		fx_answer(&ans[i], &f->questions[i], vals[i],
		    texts != NULL ? texts[i] : NULL);
	r.unit = unit;
	r.year = year;
	r.form_hash = f->hash;
	r.answers = ans;
	r.nanswers = f->nquestions;
	rc = agg_add(a, &r, &e);
	for (i = 0; i < f->nquestions; i++)
		free(ans[i].text);
	return rc;
}

#endif
