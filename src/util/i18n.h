/* i18n: the interface language (Swedish or English) through gettext,
 * domain "avslut". Form texts are not translated here: a form carries its
 * own languages. */
#ifndef AVSLUT_I18N_H
#define AVSLUT_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Bind the "avslut" domain: $AVSLUT_LOCALEDIR, else a locale directory
 * beside the program (a build tree), else the installed one. lang "sv"
 * or "en" overrides the locale's language; NULL keeps the locale's. */
void i18n_init(const char *lang);
/* "sv" if the interface speaks Swedish, else "en". */
const char *i18n_lang(void);

#endif
