/* xmem: checked allocation. Every function here either succeeds or ends
 * the program with "out of memory": callers never test for NULL. */
#ifndef AVSLUT_XMEM_H
#define AVSLUT_XMEM_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Overflow-checked realloc of an array of nmemb elements of size bytes. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));
/* fn runs once before the out-of-memory message and exit (tui_start
 * sets tui_end, so that the terminal is cleared and restored first). */
void xmem_on_oom(void (*fn)(void));
/* Translate the out-of-memory message now (i18n_init calls it). */
void xmem_i18n(void);
/* Zero n bytes at p (not optimised away) and free p. For decoded answers. */
void xfree_wipe(void *p, size_t n);
/* strlen + xfree_wipe for NUL-terminated strings; NULL is fine. */
void xfree_str_wipe(char *s);

#endif
