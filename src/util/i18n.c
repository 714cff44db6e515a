/* i18n: where the message catalogue lives and which language is used. */
#include "util/i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fsx.h"
#include "util/xmem.h"

#ifndef AVSLUT_LOCALEDIR
#define AVSLUT_LOCALEDIR "/usr/local/share/locale"
#endif

static char i18n_dir[PATH_MAX];

/* DIR/locale next to the running program, if it holds our catalogue. */
static int
i18n_beside_exe(char *out, size_t n)
{
	char exe[PATH_MAX], *slash, *mo;
	ssize_t l;

	if ((l = readlink("/proc/self/exe", exe, sizeof exe - 1)) <= 0)
		return -1;
	exe[l] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return -1;
	*slash = '\0';
	mo = xasprintf("%s/locale/sv/LC_MESSAGES/avslut.mo", exe);
	if (!fsx_exists(mo) || strlen(exe) + 8 >= n) {
		free(mo);
		return -1;
	}
	free(mo);
	strcpy(out, exe);
	strcat(out, "/locale");
	return 0;
}

void
i18n_init(const char *lang)
{
	const char *env = getenv("AVSLUT_LOCALEDIR");

	if (lang != NULL)
		setenv("LANGUAGE", lang, 1);
	if (env != NULL && env[0] == '/' && strlen(env) < sizeof i18n_dir)
		strcpy(i18n_dir, env);
	else if (i18n_beside_exe(i18n_dir, sizeof i18n_dir) == -1)
		strcpy(i18n_dir, AVSLUT_LOCALEDIR);
	bindtextdomain("avslut", i18n_dir);
	bind_textdomain_codeset("avslut", "UTF-8");
	textdomain("avslut");
	xmem_i18n();
}

const char *
i18n_lang(void)
{
	/* The catalogue answers for itself: its translation of "en". */
	const char *l = gettext("LANG=en");

	return strcmp(l, "LANG=sv") == 0 ? "sv" : "en";
}
