/* pass: passphrases, read from the terminal with echo off or from a file
 * named by --passphrase-file / AVSLUT_PASSPHRASE_FILE, never from argv.
 * The result lives in sodium_malloc memory; free it with pass_free. */
#ifndef AVSLUT_PASS_H
#define AVSLUT_PASS_H

#include <stddef.h>

#include "util/err.h"

#define PASS_MAX 1024

/* Read one passphrase. If file is NULL, AVSLUT_PASSPHRASE_FILE is used if
 * set, else the terminal (/dev/tty) with echo off and prompt. From a file,
 * line `line` (0-based) is taken, without its newline, so that one file
 * can hold an old and a new passphrase. With confirm (terminal only) it is
 * asked twice and must match. Empty passphrases are refused. */
char *pass_read(const char *prompt, const char *file, int line, int confirm,
    struct err *e);
void pass_free(char *p);

/* The one passphrase line editor, shared by the terminal prompt and the
 * interview's unlock screen: bytes in buf (PASS_MAX + 1, sodium_malloc
 * memory, kept NUL-terminated), backspace removes one UTF-8 character. */
struct pass_line {
	char *buf;
	size_t len;
};
/* Append n bytes; 0, or -1 (nothing added) past PASS_MAX. */
int pass_line_add(struct pass_line *l, const char *b, size_t n);
/* Remove the last character (all of its UTF-8 bytes). */
void pass_line_back(struct pass_line *l);
/* Wipe the whole line (Ctrl-U, after use). */
void pass_line_wipe(struct pass_line *l);

#endif
