/* sec: process hardening both programs apply first thing in main(). */
#ifndef AVSLUT_SEC_H
#define AVSLUT_SEC_H

/* Initialise libsodium, disable core dumps (RLIMIT_CORE 0 and not
 * dumpable, so no answer or key can land in a core file) and ignore
 * SIGPIPE. Returns 0, or -1 if libsodium cannot start. */
int sec_init(void);

#endif
