/* libFuzzer target for show_if expressions: parse against a fixed form
 * with every question type; what parses must print canonically, parse
 * again to the same text, and evaluate on answers taken from the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fuzz_form_yaml[] =
"id: f\nversion: 1\nlanguages: [en]\ntitle: {en: T}\nintro: {en: I}\n"
"sections:\n  - id: s\n    title: {en: S}\n    questions:\n"
"      - {id: s1, type: single, label: {en: Q}, other: true, choices: ["
"{id: a, label: {en: A}}, {id: b, label: {en: B}}]}\n"
"      - {id: m1, type: multi, label: {en: Q}, choices: ["
"{id: a, label: {en: A}}, {id: b, label: {en: B}}, {id: c, label: {en: C}}]}\n"
"      - {id: sc, type: scale, label: {en: Q}, min_label: {en: L},"
" max_label: {en: H}}\n"
"      - {id: n1, type: nps, label: {en: Q}, min_label: {en: L},"
" max_label: {en: H}}\n"
"      - {id: y1, type: yesno, label: {en: Q}}\n"
"      - {id: nu, type: number, label: {en: Q}, min: -100, max: 100}\n"
"      - {id: t1, type: text, label: {en: Q}}\n"
"      - {id: last, type: yesno, label: {en: Q}}\n";

static struct form *fuzz_f;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form_answer a[8];
	struct form_expr *x, *y;
	struct form_diags d;
	struct err e;
	size_t pos, i;
	char *s1, *s2;

	if (fuzz_f == NULL) {
		memset(&d, 0, sizeof d);
		fuzz_f = form_load_buf("f.yaml", fuzz_form_yaml,
		    strlen(fuzz_form_yaml), &d);
		if (fuzz_f == NULL)
			abort();
	}
	if (form_expr_parse(&x, fuzz_f, 7, (const char *)data, size, &pos,
	    &e) == -1) {
		if (pos > size || x != NULL)
			abort();
		return 0;
	}
	s1 = form_expr_str(x, fuzz_f);
	/* The printed form adds parentheses and spaces: it may pass the
	 * length limit, which is the only reason it may not parse again. */
	if (form_expr_parse(&y, fuzz_f, 7, s1, strlen(s1), &pos, &e) == -1) {
		if (strlen(s1) <= FORM_EXPR_MAX_LEN)
			abort();
		free(s1);
		form_expr_free(x);
		return 0;
	}
	s2 = form_expr_str(y, fuzz_f);
	if (strcmp(s1, s2) != 0)
		abort();
	memset(a, 0, sizeof a);
	for (i = 0; i < 8 && i < size; i++) {
		a[i].state = data[i] & 3;
		a[i].num = (int8_t)data[i] >> 2;
		a[i].choices = data[i] & 7;
		a[i].other = (data[i] >> 5) & 1;
	}
	if (form_expr_eval(x, fuzz_f, a) != form_expr_eval(y, fuzz_f, a))
		abort();
	free(s1);
	free(s2);
	form_expr_free(x);
	form_expr_free(y);
	return 0;
}
