/* crash: named crash points for the reliability tests. When the
 * environment variable AVSLUT_CRASH equals a point's name, the process
 * kills itself (SIGKILL) right there, as a power cut or kill -9 would. */
#ifndef AVSLUT_CRASH_H
#define AVSLUT_CRASH_H

/* Compiled in always (tests run the real binaries); a no-op unless
 * AVSLUT_CRASH names this point. Documented in the man pages as a test
 * facility. */
void crash_point(const char *name);

#endif
