/* tui_screen: key tables, their dispatch and help's rows from them (see
 * tui_screen.h). */
#include "tui/tui_screen.h"

#include <stdio.h>
#include <string.h>

#include "util/i18n.h"

int
tui_dispatch(struct app *a, const struct tui_bind *t, const struct tui_key *k)
{
	for (; t->action != NULL; t++)
		if (t->fkey == k->fkey && t->ch == k->ch)
			return t->action(a);
	return -1;
}

/* 1 if help lists the key of row b. */
static int
listed(const struct tui_bind *b)
{
	return b->help != NULL && b->help[0] != '\0';
}

void
tui_help_rows(const struct tui_bind *t,
    void (*row)(void *arg, const char *names, const char *what), void *arg)
{
	char names[160], name[32];
	size_t i, j, len;

	for (i = 0; t[i].action != NULL; i++) {
		if (!listed(&t[i]))
			continue;
		for (j = 0; j < i; j++)
			if (listed(&t[j]) && strcmp(t[j].help, t[i].help) == 0)
				break;
		if (j < i)
			continue; /* listed with its first key */
		names[0] = '\0';
		for (len = 0, j = i; t[j].action != NULL; j++) {
			if (!listed(&t[j]) || strcmp(t[j].help, t[i].help) != 0)
				continue;
			tui_key_name(t[j].fkey, t[j].ch, name, sizeof name);
			len += (size_t)snprintf(names + len,
			    len < sizeof names ? sizeof names - len : 0, "%s%s",
			    len > 0 ? ", " : "", name);
		}
		row(arg, names, _(t[i].help));
	}
}
