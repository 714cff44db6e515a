/* msg: stderr messages with the program's name. */
#include "util/msg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const char *msg_progname = "avslut";

void
msg_set_prog(const char *prog)
{
	msg_progname = prog;
}

const char *
msg_prog(void)
{
	return msg_progname;
}

/* "prog: " and the message, one line. */
static void
msg_vwarn(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", msg_progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
msg_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vwarn(fmt, ap);
	va_end(ap);
}

void
msg_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vwarn(fmt, ap);
	va_end(ap);
	exit(code);
}
