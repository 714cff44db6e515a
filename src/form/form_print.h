/* form_print: a form printed for people (`avslut print`): the whole
 * questionnaire for approval in HTML (A4) or Markdown, or a CSV codebook.
 * No ncurses, no SQLite. */
#ifndef AVSLUT_FORM_PRINT_H
#define AVSLUT_FORM_PRINT_H

#include <stdio.h>

#include "form/form.h"
#include "util/err.h"

enum form_print_format {
	FORM_PRINT_HTML,
	FORM_PRINT_MD,
	FORM_PRINT_CODEBOOK /* CSV: ';', UTF-8 with BOM, CRLF */
};

/* "html", "md", "codebook"; -1 for anything else. */
int form_print_format_parse(const char *s, enum form_print_format *out);
/* Write f in language li (an index into f->langs). Our own words come
 * from gettext: set the interface language to the same language first.
 * Fails (ERR_IO, ERR_FULL) only when out cannot be written. */
int form_print(FILE *out, const struct form *f, int li,
    enum form_print_format fmt, struct err *e);

#endif
