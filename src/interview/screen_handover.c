/* screen_handover: the screens around the part the leaver answers alone
 * (a section with mode: self): the interviewer's handover screen, the
 * leaver's introduction and the hand-back the leaver confirms, with the
 * words the leaver reads in the interview's language. The leaver's
 * questions themselves are in screen_self.c. No screen of the interviewer
 * shows these answers (session.h: the counts and lists never depend on
 * them); a resumed draft starts at the handover. */
#include "interview/screen.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/xmem.h"

/* What the leaver reads is in the interview's language (sv or en here;
 * other languages get the interface's words through gettext). */
static const struct {
	const char *en, *sv;
} leaver_words[] = {
	{ "Questions you answer on your own", "Frågor som du besvarar själv" },
	{ "You answer the next questions on your own. The interviewer "
	  "does not see your answers: they are saved and sealed like all "
	  "the others, and nobody can tell which answers are yours.",
	    "De här frågorna besvarar du på egen hand. Intervjuaren ser inte "
	    "dina svar: de sparas och låses som alla andra svar, och ingen kan "
	    "se vilka svar som är dina." },
	{ "Move with the arrow keys \xe2\x86\x91 and \xe2\x86\x93, choose with "
	  "Enter. To write, just type. Every question can be skipped, or "
	  "answered with \"Prefer not to answer\".",
	    "Flytta med piltangenterna \xe2\x86\x91 och \xe2\x86\x93 och välj "
	    "med Enter. Vill du skriva, skriv bara. Alla frågor går att hoppa "
	    "över eller besvara med \"Vill inte svara\"." },
	{ "When you are done, give the laptop back to the interviewer.",
	    "När du är klar lämnar du tillbaka datorn till intervjuaren." },
	{ "Start", "Börja" },
	{ "Next question", "Nästa fråga" },
	{ "Previous question", "Föregående fråga" },
	{ "Skip this question", "Hoppa över frågan" },
	{ "Prefer not to answer", "Vill inte svara" },
	{ "Yes", "Ja" },
	{ "No", "Nej" },
	{ "Other, namely:", "Annat, nämligen:" },
	{ "Question %zu of %zu", "Fråga %zu av %zu" },
	{ "Choose one.", "Välj ett svar." },
	{ "Choose one or more, then \"Next question\".",
	    "Välj ett eller flera och sedan \"Nästa fråga\"." },
	{ "Type your answer, then Enter.", "Skriv ditt svar och tryck Enter." },
	{ "Type a whole number from %ld to %ld, then Enter.",
	    "Skriv ett heltal från %ld till %ld och tryck Enter." },
	{ "This question needs an answer, or \"Prefer not to answer\".",
	    "Den här frågan behöver ett svar, eller \"Vill inte svara\"." },
	{ "No answer yet. Choose \"Skip this question\" again to go on.",
	    "Inget svar ännu. Välj \"Hoppa över frågan\" igen för att gå "
	    "vidare." },
	{ "Thank you. This part is done.", "Tack! Den här delen är klar." },
	{ "Give the laptop back to the interviewer. Your answers stay "
	  "hidden from the interviewer.",
	    "Lämna tillbaka datorn till intervjuaren. Dina svar förblir dolda "
	    "för intervjuaren." },
	{ "Done: give the laptop back", "Klar: lämna tillbaka datorn" },
	{ "Back to my questions", "Tillbaka till mina frågor" },
	{ "At most %u choices.", "Högst %u val." },
	{ "Give a whole number from %ld to %ld.",
	    "Skriv ett heltal från %ld till %ld." },
	{ "The answer is full.", "Svaret är fullt." },
	{ "\xe2\x86\x91\xe2\x86\x93 move   Enter choose",
	    "\xe2\x86\x91\xe2\x86\x93 flytta   Enter välj" },
};

static const char *
lw(const struct app *a, const char *en)
{
	const char *lang = session_form(a->s)->langs[session_lang(a->s)];
	size_t i;

	for (i = 0; i < sizeof leaver_words / sizeof leaver_words[0]; i++) {
		if (strcmp(leaver_words[i].en, en) != 0)
			continue;
		if (strcmp(lang, "sv") == 0)
			return leaver_words[i].sv;
		if (strcmp(lang, "en") == 0)
			return en;
		break;
	}
	return gettext(en);
}

const char *
screen_lw(const struct app *a, const char *en)
{
	return lw(a, en);
}

/* The leaver's key bar: only keys the leaver needs. */
void
screen_leaver_bar(const struct app *a)
{
	tui_fill(LINES - 1, TUI_HELP);
	tui_put(LINES - 1, 1, COLS - 2, TUI_HELP,
	    lw(a, "\xe2\x86\x91\xe2\x86\x93 move   Enter choose"));
}

/* Which screen shows the current position: the interviewer's question
 * screen, or the handover when it lies in a self section. */
void
screen_to_question(struct app *a)
{
	switch (session_where(a->s)) {
	case SESSION_INTRO:
		tui_go(&a->ui, screen_intro());
		break;
	case SESSION_REVIEW:
		tui_go(&a->ui, screen_review());
		break;
	default:
		if (!session_self(a->s, session_pos(a->s)))
			tui_go(&a->ui, screen_question());
		else
			tui_go(&a->ui,
			    a->leaver ? screen_self_question() :
					screen_handover());
		break;
	}
}

/* --- handover: for the interviewer --------------------------------- */

static void
handover_draw(struct app *a)
{
	const struct form *f = session_form(a->s);
	const struct form_question *qu = &f->questions[session_pos(a->s)];
	int li = session_lang(a->s), w = COLS - 6, y;
	char b[512];
	static const struct tui_keyhelp keys[] = {
		{ "Enter", N_("Hand the laptop over") },
		{ "Esc", N_("Not now: overview") }, { "F10", N_("Leave") }
	};

	if (w > 76)
		w = 76;
	tui_title(0, screen_form_title(f, li),
	    screen_unit_name(a, session_unit(a->s)));
	y = 3 +
	    tui_text(3, 3, w, 3, 0, TUI_TITLE,
		_("Turn the laptop towards the leaver"));
	snprintf(b, sizeof b,
	    _("The leaver answers the next part, \"%s\", "
	      "alone. You will not see these answers, now or later. Turn the "
	      "laptop towards the leaver and press Enter: the next screen is "
	      "for the leaver, in the interview's language. When the leaver "
	      "has finished, they give the laptop back."),
	    form_text_get(&f->sections[qu->section].title, li));
	tui_text(y + 1, 3, w, LINES - y - 4, 0, TUI_NORMAL, b);
	tui_keybar(keys, 3);
}

static int
handover_go(struct app *a)
{
	if (screen_save(a) == -1)
		return TUI_OK;
	tui_go(&a->ui, screen_self_intro());
	return TUI_OK;
}

static const struct tui_bind handover_keys[] = {
	{ 1, KEY_ENTER, handover_go, NULL },
	{ 0, TUI_ESC, screen_show_overview, NULL },
	{ 1, KEY_F(2), screen_show_overview, NULL },
	{ 1, KEY_F(10), screen_leave, NULL },
	{ 0, 0, NULL, NULL },
};

static const struct tui_screen handover_screen = { "handover", NULL,
	handover_draw, handover_keys, NULL, NULL, NULL, 0 };

const struct tui_screen *
screen_handover(void)
{
	return &handover_screen;
}

/* --- the leaver's introduction ------------------------------------- */

static void
self_intro_draw(struct app *a)
{
	/* paragraphs: at most h lines each */
	static const struct {
		int h;
		const char *en;
	} para[] = {
		{ 5,
		    "You answer the next questions on your own. The "
		    "interviewer does not see your answers: they are saved and "
		    "sealed like all the others, and nobody can tell which "
		    "answers are yours." },
		{ 5,
		    "Move with the arrow keys \xe2\x86\x91 and \xe2\x86\x93, "
		    "choose with Enter. To write, just type. Every question can "
		    "be skipped, or answered with \"Prefer not to answer\"." },
		{ 3,
		    "When you are done, give the laptop back to the interviewer." },
	};
	int w = COLS - 8, y = 2;
	size_t i;

	if (w > 70)
		w = 70;
	y += 2 *
	    tui_text(y, 4, w, 2, 0, TUI_TITLE,
		lw(a, "Questions you answer on your own"));
	for (i = 0; i < sizeof para / sizeof para[0]; i++)
		y += 1 +
		    tui_text(y, 4, w, para[i].h, 0, TUI_NORMAL,
			lw(a, para[i].en));
	if (y < LINES - 3) {
		attrset(tui_attr(TUI_SELECTED));
		mvhline(y, 4, ' ', w);
		tui_put(y, 6, w - 4, TUI_SELECTED, lw(a, "Start"));
	}
	screen_leaver_bar(a);
}

static int
self_intro_start(struct app *a)
{
	a->leaver = 1;
	tui_go(&a->ui, screen_self_question());
	return TUI_OK;
}

static const struct tui_bind self_intro_keys[] = {
	{ 1, KEY_ENTER, self_intro_start, NULL },
	{ 0, 0, NULL, NULL },
};

static const struct tui_screen self_intro_screen = { "self-intro", NULL,
	self_intro_draw, self_intro_keys, NULL, NULL, NULL, 0 };

const struct tui_screen *
screen_self_intro(void)
{
	return &self_intro_screen;
}

/* --- the hand-back, confirmed by the leaver ------------------------ */

struct done {
	int row; /* 0: give back, 1: back to my questions */
};

static void
done_init(struct app *a)
{
	a->ui.st = xcalloc(1, sizeof(struct done));
}

static void
done_free(struct app *a)
{
	free(a->ui.st);
}

static void
done_draw(struct app *a)
{
	struct done *d = a->ui.st;
	int w = COLS - 8, y = 3, i;
	const char *items[2];

	if (w > 70)
		w = 70;
	items[0] = lw(a, "Done: give the laptop back");
	items[1] = lw(a, "Back to my questions");
	y += 1 +
	    tui_text(y, 4, w, 2, 0, TUI_TITLE,
		lw(a, "Thank you. This part is done."));
	y += 2 +
	    tui_text(y, 4, w, 4, 0, TUI_NORMAL,
		lw(a,
		    "Give the laptop "
		    "back to the interviewer. Your answers stay hidden from the "
		    "interviewer."));
	for (i = 0; i < 2 && y + 2 * i < LINES - 2; i++) {
		if (i == d->row) {
			attrset(tui_attr(TUI_SELECTED));
			mvhline(y + 2 * i, 4, ' ', w);
		}
		tui_put(y + 2 * i, 6, w - 4,
		    i == d->row ? TUI_SELECTED : TUI_NORMAL, items[i]);
	}
	screen_leaver_bar(a);
}

static int
done_enter(struct app *a)
{
	struct done *d = a->ui.st;

	if (d->row == 1) {
		/* back into this part: its last question reached */
		if (!(session_where(a->s) == SESSION_QUESTION &&
			session_self(a->s, session_pos(a->s))))
			session_back(a->s);
		tui_go(&a->ui, screen_self_question());
		return TUI_OK;
	}
	a->leaver = 0;
	/* a self question where the leaver stopped early: skip past this
	 * part to what the interviewer does next */
	while (session_where(a->s) == SESSION_QUESTION &&
	    session_self(a->s, session_pos(a->s))) {
		struct err e;

		if (session_next(a->s, &e) != SESSION_MOVED &&
		    session_next(a->s, &e) != SESSION_MOVED) {
			/* required: the leaver declined to go on: the
			 * overview lets the interviewer choose */
			screen_save(a);
			tui_go(&a->ui, screen_overview());
			return TUI_OK;
		}
	}
	screen_save(a);
	tui_msg(TUI_INFO, "%s", _("The leaver has finished their part."));
	screen_to_question(a);
	return TUI_OK;
}

static int
done_up(struct app *a)
{
	struct done *d = a->ui.st;

	d->row = 0;
	return TUI_OK;
}

static int
done_down(struct app *a)
{
	struct done *d = a->ui.st;

	d->row = 1;
	return TUI_OK;
}

static const struct tui_bind done_keys[] = {
	{ 1, KEY_ENTER, done_enter, NULL },
	{ 1, KEY_UP, done_up, NULL },
	{ 1, KEY_DOWN, done_down, NULL },
	{ 0, '\t', done_down, NULL },
	{ 0, 0, NULL, NULL },
};

static const struct tui_screen self_done_screen = { "self-done", done_init,
	done_draw, done_keys, NULL, NULL, done_free, 0 };

const struct tui_screen *
screen_self_done(void)
{
	return &self_done_screen;
}
