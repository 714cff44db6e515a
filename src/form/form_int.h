/* form_int: what the files of the form module share and no other module
 * needs: the loader (form_load.c) hands the show_if nodes it kept to
 * form_show.c. */
#ifndef AVSLUT_FORM_INT_H
#define AVSLUT_FORM_INT_H

#include "form/form.h"
#include "util/yaml.h"

/* Parse the show_if node of each section (sshow[i]) and question
 * (qshow[i]; NULL: none) of f into f, and refuse one that would tell the
 * interviewer a self answer; every problem into y's diagnostics. */
void form_show_load(struct ydoc *y, struct form *f,
    const struct ynode *const *qshow, const struct ynode *const *sshow);

#endif
