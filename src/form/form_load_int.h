/* form_load_int: what form_load.c, its typed getters (form_load_get.c)
 * and the show_if pass (form_show.c) share: the load state, the getters
 * that check one YAML node each and report FILE:LINE:COL problems
 * through the reader, and the pass run once the form is read. Internal
 * to src/form. */
#ifndef AVSLUT_FORM_LOAD_INT_H
#define AVSLUT_FORM_LOAD_INT_H

#include <stddef.h>

#include "form/form.h"
#include "util/yaml.h"

/* Load state: the YAML document, the form being built and the show_if
 * nodes kept for last. */
struct ld {
	struct ydoc y;
	struct form *f;
	const struct ynode **qshow; /* show_if node of each question */
	const struct ynode **sshow; /* show_if node of each section */
	size_t capq, caps;
	int too_many_q, too_many_s;
};

#define ld_at(l, n, ...) ydoc_at(&(l)->y, (n), __VA_ARGS__)
#define ld_diag(l, line, col, ...) \
	ydoc_diag(&(l)->y, (line), (col), __VA_ARGS__)

enum idkind {
	ID_FORM,
	ID_NAME,
	ID_LANG
};

/* An id of kind k (form id, question/section/choice name, language code)
 * into *out (caller frees); 0, or -1 with the problem reported. */
int ld_id(struct ld *l, const char *key, const struct ynode *n, enum idkind k,
    char **out);
/* An integer from lo to hi; 0, or -1 reported. */
int ld_int(struct ld *l, const char *key, const struct ynode *n, long long lo,
    long long hi, long long *out);
/* true or false; 0, or -1 reported. */
int ld_bool(struct ld *l, const char *key, const struct ynode *n, int *out);
/* One of names (NULL-terminated) into *out, its index; expected names
 * them for the message; 0, or -1 reported. */
int ld_enum(struct ld *l, const char *key, const struct ynode *n,
    const char *const *names, const char *expected, int *out);
/* A text: one string, or one per language of the form; multiline allows
 * line breaks; 0, or -1 reported. */
int ld_text(struct ld *l, const char *key, const struct ynode *n, int multiline,
    struct form_text *out);
/* The form's languages: invalid or repeated codes reported, left out. */
void ld_languages(struct ld *l, const struct ynode *n);

/* Parse the show_if node of each section (sshow[i]) and question
 * (qshow[i]; NULL: none) of f into f, and refuse one that would tell the
 * interviewer a self answer; every problem into y's diagnostics. */
void form_show_load(struct ydoc *y, struct form *f,
    const struct ynode *const *qshow, const struct ynode *const *sshow);

#endif
