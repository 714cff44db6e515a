/* quest: the question screen's parts (screen_question.c) and one input
 * per question type (quest_types.c): what the keys do and how the input
 * is drawn, so that no action switches on the type. Internal to
 * src/interview. */
#ifndef AVSLUT_QUEST_H
#define AVSLUT_QUEST_H

#include <stdint.h>

#include "interview/screen.h"
#include "tui/tui_edit.h"

#define QUEST_NUMBER_CHARS 11

struct quest {
	size_t q;	     /* the question shown */
	int row;	     /* single, multi: cursor row (nchoices = other) */
	int col;	     /* scale, nps, yesno: cursor value */
	int top;	     /* first choice row on screen */
	int cy, cx;	     /* the cursor in the "other" field */
	struct tui_edit *ed; /* text, number, or the "other" text */
	int in_other;	     /* typing goes to the "other" field */
	uint32_t last;	     /* previous key, for "1" "0" = 10 on nps */
};

/* One question type's input. Keys that edit text (left, right, home,
 * end, backspace, delete, printable keys) go to the editor while one is
 * being typed in (quest_typing); the rest come here. A NULL entry: the
 * key does nothing on this type. */
struct quest_type {
	/* set up st from the stored answer (st is cleared before) */
	void (*load)(struct app *, struct quest *st);
	/* draw the input from line y, above bottom; returns the line for
	 * "prefer not to answer" */
	int (*draw)(struct app *, int y, int bottom);
	/* put the terminal's cursor where typing goes (after all else) */
	void (*cursor)(struct app *, int y, int bottom);
	void (*vertical)(struct app *, int dir);   /* up -1, down +1 */
	void (*horizontal)(struct app *, int dir); /* left -1, right +1 */
	void (*space)(struct app *);
	/* Enter: 1 to go on to the next question, 0 to stay */
	int (*enter)(struct app *);
	/* a printable key when nothing is being typed (digits, y/n) */
	void (*key)(struct app *, uint32_t c, uint32_t last);
	/* the editor takes c (number: digits and a leading minus) */
	int (*accepts)(const struct quest *st, uint32_t c);
	/* put what is typed into the session now; -1 (message shown) if
	 * it is not valid. NULL: typing goes into the session as typed. */
	int (*commit)(struct app *);
};

const struct quest_type *quest_type(const struct form_question *qu);
const struct form_question *quest_cur(const struct app *a);
/* Text is being typed: a text or number question, or "other". */
int quest_typing(const struct app *a);
/* The editor's text into the session (text, or the "other" text). */
void quest_text_changed(struct app *a);
/* Say so when typing (or a paste) hits the answer's length. */
void quest_text_full(const struct quest *st);

#endif
