/* sec: process hardening. */
#include "util/sec.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <signal.h>

#include <sodium.h>

int
sec_init(void)
{
	struct rlimit rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	signal(SIGPIPE, SIG_IGN);
	return sodium_init() < 0 ? -1 : 0;
}
