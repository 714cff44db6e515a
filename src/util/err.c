/* err: caller-owned error messages with a class (util/err.h). */
#include "util/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void
err_vset(struct err *e, enum err_class cls, const char *fmt, va_list ap)
{
	e->cls = cls;
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
}

int
err_setc(struct err *e, enum err_class cls, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	err_vset(e, cls, fmt, ap);
	va_end(ap);
	return -1;
}

int
err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	err_vset(e, ERR_SOFTWARE, fmt, ap);
	va_end(ap);
	return -1;
}

int
err_prefix(struct err *e, const char *fmt, ...)
{
	char old[ERR_MAX], pre[ERR_MAX / 4];
	va_list ap;

	if (e == NULL)
		return -1;
	memcpy(old, e->msg, sizeof old);
	va_start(ap, fmt);
	vsnprintf(pre, sizeof pre, fmt, ap);
	va_end(ap);
	/* Both parts may be long; keep the start of the old message. */
	snprintf(e->msg, sizeof e->msg, "%s: %.*s", pre,
	    (int)(sizeof e->msg - sizeof pre - 3), old);
	return -1;
}

int
err_reclass(struct err *e, enum err_class cls)
{
	if (e != NULL)
		e->cls = cls;
	return -1;
}

void
err_clear(struct err *e)
{
	if (e != NULL) {
		e->cls = ERR_SOFTWARE;
		e->msg[0] = '\0';
	}
}

enum err_class
err_class_errno(int errnum)
{
	switch (errnum) {
	case ENOENT:
		return ERR_NOINPUT;
	case ENOSPC:
#ifdef EDQUOT
	case EDQUOT:
#endif
		return ERR_FULL;
	case EEXIST:
		return ERR_EXISTS;
	default:
		return ERR_IO;
	}
}

const char *
err_class_name(enum err_class cls)
{
	static const char *const names[ERR_NCLASS] = {
		[ERR_SOFTWARE] = "software",
		[ERR_USAGE] = "usage",
		[ERR_DATA] = "data",
		[ERR_NOINPUT] = "noinput",
		[ERR_UNAVAILABLE] = "unavailable",
		[ERR_EXISTS] = "exists",
		[ERR_IO] = "io",
		[ERR_FULL] = "full",
		[ERR_BUSY] = "busy",
		[ERR_PERM] = "perm",
		[ERR_CONFIG] = "config",
	};

	return (unsigned)cls < ERR_NCLASS ? names[cls] : "?";
}
