/* msg: the programs' messages on stderr, "prog: what went wrong: what to
 * do". Only main()-level code calls msg_die. */
#ifndef AVSLUT_MSG_H
#define AVSLUT_MSG_H

#include <sysexits.h>

/* Set once by main(): "avslut" or "avslut-hr". */
void msg_set_prog(const char *prog);
const char *msg_prog(void);
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void msg_die(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
