/* err: a caller-owned error message. Functions that can fail return 0 or
 * -1 and, on -1, fill a struct err with what went wrong and its context
 * (file:line:col, which key, which envelope). Never holds answer text. */
#ifndef AVSLUT_ERR_H
#define AVSLUT_ERR_H

#define ERR_MAX 512

struct err {
	char msg[ERR_MAX];
};

/* Set the message (printf format); always returns -1 so that callers can
 * write "return err_set(e, ...);". e may be NULL. */
int err_set(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prefix an existing message: "prefix: old message". Returns -1. */
int err_prefix(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void err_clear(struct err *e);

#endif
