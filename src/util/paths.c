/* paths: XDG directories with an AVSLUT_HOME override. */
#include "util/paths.h"

#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/xmem.h"

static const char *
paths_home(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h != NULL && h[0] == '/')
		return h;
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL)
		return pw->pw_dir;
	return "/";
}

static char *
paths_xdg(const char *var, const char *fallback, const char *sub,
    const char *prog)
{
	const char *h = getenv("AVSLUT_HOME"), *x;

	if (h != NULL && h[0] != '\0')
		return xasprintf("%s/%s/%s", h, sub, prog);
	x = getenv(var);
	if (x != NULL && x[0] == '/')
		return xasprintf("%s/%s", x, prog);
	return xasprintf("%s/%s/%s", paths_home(), fallback, prog);
}

char *
paths_config_dir(const char *prog)
{
	return paths_xdg("XDG_CONFIG_HOME", ".config", "config", prog);
}

char *
paths_data_dir(const char *prog)
{
	return paths_xdg("XDG_DATA_HOME", ".local/share", "data", prog);
}

char *
paths_join(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}
