/* esc: text from forms and records written safely into HTML, Markdown
 * and CSV (the one place each escaping rule lives). */
#ifndef AVSLUT_ESC_H
#define AVSLUT_ESC_H

#include <stdio.h>

/* HTML text or attribute value: & < > " ' escaped. */
void esc_html(FILE *f, const char *s);
/* Markdown text: only what Markdown would read as markup is escaped
 * (\ ` * _ [ ] < > | and a # + - or digit-dot at the start of a line),
 * so that plain text reads as plain text. */
void esc_md(FILE *f, const char *s);
/* One CSV field for ';'-separated files: quoted when it holds ; " CR or
 * LF or a tab, and a cell a spreadsheet would run as a formula (starting
 * with =, +, -, @, tab or CR; OWASP) is prefixed with ' so it stays text;
 * a plain number ("-76", "0,25") is written as it is. */
void esc_csv(FILE *f, const char *s);

#endif
