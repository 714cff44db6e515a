/* crash: die by SIGKILL at the point AVSLUT_CRASH names, so tests can
 * prove that a kill at any step loses nothing and counts nothing twice. */
#include "util/crash.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

void
crash_point(const char *name)
{
	const char *want = getenv("AVSLUT_CRASH");

	if (want != NULL && strcmp(want, name) == 0)
		raise(SIGKILL);
}
