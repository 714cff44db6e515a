/* err: caller-owned error messages with a class (util/err.h). */
#include "util/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

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

/* Each class's name and exit status (sysexits): the one mapping. */
static const struct {
	const char *name;
	int status;
} err_classes[ERR_NCLASS] = {
	[ERR_SOFTWARE] = { "software", EX_SOFTWARE },
	[ERR_USAGE] = { "usage", EX_USAGE },
	[ERR_DATA] = { "data", EX_DATAERR },
	[ERR_NOINPUT] = { "noinput", EX_NOINPUT },
	[ERR_UNAVAILABLE] = { "unavailable", EX_UNAVAILABLE },
	[ERR_EXISTS] = { "exists", EX_CANTCREAT },
	[ERR_IO] = { "io", EX_IOERR },
	[ERR_FULL] = { "full", EX_IOERR },
	[ERR_BUSY] = { "busy", EX_TEMPFAIL },
	[ERR_PERM] = { "perm", EX_NOPERM },
	[ERR_CONFIG] = { "config", EX_CONFIG },
};

const char *
err_class_name(enum err_class cls)
{
	return (unsigned)cls < ERR_NCLASS ? err_classes[cls].name : "?";
}

int
err_exit_status(enum err_class cls)
{
	return (unsigned)cls < ERR_NCLASS ? err_classes[cls].status :
					    EX_SOFTWARE;
}

enum err_class
err_class_status(int status)
{
	size_t i;

	for (i = 0; i < ERR_NCLASS; i++)
		if (err_classes[i].status == status)
			return (enum err_class)i;
	return ERR_SOFTWARE;
}
