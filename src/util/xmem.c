/* xmem: checked allocation; out of memory is fatal and says so. */
#include "util/xmem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/i18n.h"
#include "util/msg.h"

static void (*xmem_oom_hook)(void);

/* Translated once, when the language is set (xmem_i18n): by the time
 * memory runs out, gettext may need memory itself. */
static const char *const xmem_oom_en = N_(
    "out of memory: free some memory and try again");
static const char *xmem_oom_msg = xmem_oom_en;

void
xmem_i18n(void)
{
	xmem_oom_msg = _(xmem_oom_en);
}

void
xmem_on_oom(void (*fn)(void))
{
	xmem_oom_hook = fn;
}

/* End the terminal first (the hook), then say so under the program's own
 * name and exit 71 (EX_OSERR). No abort(): it would skip the hook and
 * leave answers on a raw terminal. No gettext here: it may allocate (the
 * message was translated by xmem_i18n). */
static void
xmem_oom(void)
{
	void (*fn)(void) = xmem_oom_hook;

	xmem_oom_hook = NULL;
	if (fn != NULL)
		fn();
	msg_warn("%s", xmem_oom_msg);
	exit(EX_OSERR);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		xmem_oom();
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		xmem_oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		xmem_oom();
	return q;
}

void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		xmem_oom();
	return xrealloc(p, nmemb * size);
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		xmem_oom();
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void
xfree_wipe(void *p, size_t n)
{
	if (p == NULL)
		return;
	sodium_memzero(p, n);
	free(p);
}

void
xfree_str_wipe(char *s)
{
	if (s != NULL)
		xfree_wipe(s, strlen(s));
}
