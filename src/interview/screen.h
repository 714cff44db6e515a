/* screen: the interviewer program's screens, one per file (screen_*.c),
 * each a struct tui_screen run by tui_screen.h, and what they share: the
 * open interview, saving and sealing it through the desk, the draft saved
 * on leaving. */
#ifndef AVSLUT_SCREEN_H
#define AVSLUT_SCREEN_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "crypto/profile.h"
#include "form/form.h"
#include "interview/desk.h"
#include "interview/session.h"
#include "tui/tui.h"
#include "tui/tui_screen.h"

/* Everything the screens share. Owned by the loop's caller. */
struct app {
	struct config *cfg;
	char *datadir;
	struct desk desk;    /* the outbox, the unlocked profile,
					 * the open interview's draft */
	struct form **forms; /* every form this laptop can use */
	size_t nforms;
	struct session *s;		   /* the open interview, or NULL */
	struct tui_screens ui;		   /* the screens as they run */
	const char *want_unit, *want_form; /* avslut interview --... */
	const char *passfile;		   /* --passphrase-file, or NULL */
	int start_new;			   /* avslut interview: skip home */
	int leaver;			   /* the leaver holds the laptop (a
					 * self section); never saved, so a
					 * resumed draft starts at the
					 * handover */
	int exit_code;			   /* 0, or -1: see fatal */
	struct err fatal;		   /* why (its class gives the exit
					 * status); the message, if any, is
					 * printed once curses has ended */
	uint16_t year;			   /* the period, from the clock */
	uint8_t quarter;
	/* the question the review selects when it opens again after
	 * Enter changed it, so that it does not jump back to the top */
	size_t review_q;
	int has_review_q;
};

const struct tui_screen *screen_unlock(void);
const struct tui_screen *screen_home(void);
const struct tui_screen *screen_new(void);
const struct tui_screen *screen_intro(void);
const struct tui_screen *screen_question(void);
/* The question screen's key table, ended by a NULL action (for help). */
const struct tui_bind *screen_question_keys(void);
const struct tui_screen *screen_overview(void);
const struct tui_screen *screen_help(void);
const struct tui_screen *screen_review(void);
/* screen_self.c: the part the leaver answers alone (mode: self) */
const struct tui_screen *screen_handover(void);
const struct tui_screen *screen_self_intro(void);
const struct tui_screen *screen_self_question(void);
const struct tui_screen *screen_self_done(void);
/* A word the leaver reads (screen_handover.c's table, by its English
 * text), in the interview's language; gettext's for other languages. */
const char *screen_lw(const struct app *a, const char *en);
/* The leaver's key bar: only the keys the leaver needs. */
void screen_leaver_bar(const struct app *a);
/* Go to the screen for the session's position: intro, review, question,
 * or the handover (the leaver's question while a->leaver) when the
 * position lies in a self section. Every way to a question goes here. */
void screen_to_question(struct app *a);

/* Help (an over screen: it returns to the screen it was opened from as
 * that screen was); an action for the key tables. */
int screen_show_help(struct app *a);
/* Actions for the key tables: the overview of the open interview; the
 * draft saved and closed, back to the start screen. */
int screen_show_overview(struct app *a);
int screen_leave(struct app *a);
/* Run screens from first until one quits or a stop signal; ends curses.
 * Returns a->exit_code (0, or -1 with a->fatal filled). */
int screen_run(struct app *a, const struct tui_screen *first);

/* Save the open session as its encrypted draft (a new draft the first
 * time). Shows a message on failure and returns -1. */
int screen_save(struct app *a);
/* Close the open session (saved first if save) without deleting it. */
void screen_close(struct app *a, int save);
/* Seal the open session to the HR key, submit it to the outbox and
 * destroy the draft. Returns -1 (message shown) on failure. */
int screen_seal(struct app *a);
/* Things drawn the same on several screens. */
const char *screen_unit_name(const struct app *a, const char *code);
const char *screen_form_title(const struct form *f, int lang);
/* The form with this id, version and hash, or NULL. */
struct form *screen_find_form(const struct app *a, const char *id,
    uint32_t version, const uint8_t *hash);
/* The label the interviewer's lists show for q: a self section's title
 * for every question in it (session_list gives one row for it). */
const char *screen_qlabel(const struct app *a, size_t q);
/* The answer to q as the review shows it, in the interview's language
 * (for a question of a self section only whether the leaver has been
 * through it):
 * newly allocated, free with xfree_str_wipe (it may hold answer text). */
char *screen_answer_str(const struct app *a, size_t q);
/* Words the leaver hears that the form itself does not carry ("Yes",
 * "No", "Other, namely:", "Other", "Prefer not to answer"), in the
 * interview's language when it is sv or en, else in the interface's. */
const char *screen_form_word(const struct app *a, const char *word);
/* The interface language's index in f (its first if it has none). */
int screen_ui_lang(const struct form *f);

#endif
