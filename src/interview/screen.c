/* screen: what the interviewer's screens share: running them (the draft
 * saved on leaving), saving, closing and sealing the open interview
 * (through the desk), names and labels. */
#include "interview/screen.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/xmem.h"

int
screen_show_help(struct app *a)
{
	tui_go(&a->ui, screen_help());
	return TUI_OK;
}

int
screen_show_overview(struct app *a)
{
	tui_go(&a->ui, screen_overview());
	return TUI_OK;
}

int
screen_leave(struct app *a)
{
	screen_close(a, 1);
	tui_msg(TUI_INFO, "%s", _("The draft is saved."));
	tui_go(&a->ui, screen_home());
	return TUI_OK;
}

int
screen_save(struct app *a)
{
	struct err e;

	if (a->s == NULL)
		return 0;
	if (desk_save(&a->desk, a->s, &e) == -1) {
		tui_msg(TUI_ERROR, "%s: %s", _("could not save"), e.msg);
		return -1;
	}
	return 0;
}

void
screen_close(struct app *a, int save)
{
	if (save)
		screen_save(a);
	session_free(a->s);
	a->s = NULL;
	desk_end(&a->desk);
}

int
screen_seal(struct app *a)
{
	struct err e;

	if (desk_seal(&a->desk, a->s, &e) == -1) {
		tui_msg(TUI_ERROR, "%s: %s", _("could not seal the interview"),
		    e.msg);
		return -1;
	}
	session_free(a->s);
	a->s = NULL;
	return 0;
}

const char *
screen_unit_name(const struct app *a, const char *code)
{
	const struct config_unit *u = config_unit(a->cfg, code);

	return u != NULL ? u->name : code;
}

const char *
screen_form_title(const struct form *f, int lang)
{
	return form_text_get(&f->title, lang);
}

struct form *
screen_find_form(const struct app *a, const char *id, uint32_t version,
    const uint8_t *hash)
{
	return desk_form(&a->desk, id, version, hash);
}

int
screen_ui_lang(const struct form *f)
{
	int li = form_lang_index(f, i18n_lang());

	return li < 0 ? 0 : li;
}

const char *
screen_form_word(const struct app *a, const char *word)
{
	static const struct {
		const char *en, *sv;
	} words[] = {
		{ "Yes", "Ja" },
		{ "No", "Nej" },
		{ "Other, namely:", "Annat, nämligen:" },
		{ "Other", "Annat" },
		{ "Prefer not to answer", "Vill inte svara" },
	};
	const char *lang;
	size_t i;

	lang = a->s != NULL ? session_form(a->s)->langs[session_lang(a->s)] :
			      "";
	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (strcmp(words[i].en, word) != 0)
			continue;
		if (strcmp(lang, "sv") == 0)
			return words[i].sv;
		if (strcmp(lang, "en") == 0)
			return words[i].en;
	}
	return gettext(word);
}

const char *
screen_qlabel(const struct app *a, size_t q)
{
	const struct form *f = session_form(a->s);
	const struct form_question *qu = &f->questions[q];

	if (session_self(a->s, q))
		return form_text_get(&f->sections[qu->section].title,
		    session_lang(a->s));
	return form_text_get(&qu->label, session_lang(a->s));
}

char *
screen_answer_str(const struct app *a, size_t q)
{
	const struct form *f = session_form(a->s);
	const struct form_question *qu = &f->questions[q];
	const struct form_answer *an = session_answer(a->s, q);
	int li = session_lang(a->s);
	char *out, *t;
	size_t i;

	/* never a self answer, nor whether it was given */
	if (session_self(a->s, q))
		return xstrdup(session_self_visited(a->s, q) ?
			_("(answered by the leaver alone)") :
			_("(the leaver answers this part alone)"));
	switch (an->state) {
	case FORM_NOT_SHOWN:
		return xstrdup(_("(not asked yet)"));
	case FORM_SKIPPED:
		return xstrdup(_("(no answer)"));
	case FORM_DECLINED:
		return xstrdup(screen_form_word(a, N_("Prefer not to answer")));
	default:
		break;
	}
	switch (qu->type) {
	case FORM_SINGLE:
		if (an->other)
			return xasprintf("%s: %s",
			    screen_form_word(a, N_("Other")),
			    an->text ? an->text : "");
		return xstrdup(form_text_get(&qu->choices[an->num].label, li));
	case FORM_MULTI:
		out = xstrdup("");
		for (i = 0; i < qu->nchoices; i++) {
			if (!(an->choices >> i & 1))
				continue;
			t = xasprintf("%s%s%s", out, out[0] ? "; " : "",
			    form_text_get(&qu->choices[i].label, li));
			xfree_str_wipe(out);
			out = t;
		}
		if (an->other) {
			t = xasprintf("%s%s%s: %s", out, out[0] ? "; " : "",
			    screen_form_word(a, N_("Other")),
			    an->text ? an->text : "");
			xfree_str_wipe(out);
			out = t;
		}
		return out;
	case FORM_SCALE:
	case FORM_NPS:
		return xasprintf("%ld  (%ld = %s, %ld = %s)", (long)an->num,
		    (long)qu->min, form_text_get(&qu->min_label, li),
		    (long)qu->max, form_text_get(&qu->max_label, li));
	case FORM_YESNO:
		return xstrdup(screen_form_word(a,
		    an->num == FORM_YES ? N_("Yes") : N_("No")));
	case FORM_NUMBER:
		return xasprintf("%ld", (long)an->num);
	default:
		return xstrdup(an->text ? an->text : "");
	}
}

int
screen_run(struct app *a, const struct tui_screen *first)
{
	tui_screens_run(&a->ui, a, first);
	if (a->s != NULL)
		screen_close(a, 1);
	tui_end();
	return a->exit_code;
}
