/* dash: the HR dashboard's screens, one per file (dash_*.c), each a struct
 * tui_screen with its own key table, run by tui_screen.h, and what they
 * draw alike. Every figure comes from dash_model, which reads only the
 * gate's tables. */
#ifndef AVSLUT_DASH_H
#define AVSLUT_DASH_H

#include <stddef.h>
#include <stdint.h>

#include "dashboard/dash_model.h"
#include "tui/tui.h"
#include "tui/tui_screen.h"

/* What keys do, as help lists them (N_: translated when drawn). */
#define DASH_H_UNIT N_("choose a unit")
#define DASH_H_COLUMN \
	N_("choose a column (its meaning is shown above " \
	   "the table)")
#define DASH_H_SORT N_("sort by the column; again: the other way round")
#define DASH_H_YEAR_PREV N_("the year before")
#define DASH_H_YEAR_NEXT N_("the year after")
#define DASH_H_AREA N_("the next area (all areas after the last)")
#define DASH_H_SEARCH \
	N_("search units by name or code; Enter keeps it, " \
	   "Esc drops it")
#define DASH_H_CLEAR N_("clear the search, then the area")
#define DASH_H_UNITVIEW N_("the unit view")
#define DASH_H_QVIEW N_("the question view of the column")
#define DASH_H_QVIEW1 N_("the question view")
#define DASH_H_SCROLL N_("scroll")
#define DASH_H_NEXTQ N_("next question")
#define DASH_H_PREVQ N_("previous question")
#define DASH_H_NEXTUNIT N_("next unit")
#define DASH_H_PREVUNIT N_("previous unit")
#define DASH_H_ANSWER N_("another answer (choice questions)")
#define DASH_H_THEUNIT N_("the unit")
#define DASH_H_BACK N_("back")
#define DASH_H_HELP N_("this help")
#define DASH_H_QUIT N_("quit")

/* Everything the screens share. The overview table lives here so that
 * the unit and question views follow its order, filter and year. */
struct app {
	struct dash *d;
	struct dash_ov ov;
	const char *lang;		 /* "sv" or "en": form labels */
	int ascii;			 /* the locale is not UTF-8 */
	size_t col;			 /* overview: the chosen column */
	size_t sel;			 /* overview: index into ov.shown */
	size_t unit;			 /* unit view: agg unit */
	size_t q;			 /* question view: agg question */
	size_t rejected;		 /* envelopes not counted */
	const struct tui_screen *q_from; /* where Esc in the question
					 * view goes back to */
	struct tui_screens ui;		 /* the screens as they run */
	int exit_code;
};

const struct tui_screen *dash_overview(void);
const struct tui_screen *dash_unit(void);
const struct tui_screen *dash_question(void);
const struct tui_screen *dash_help(void);
/* The last rows of every view's key table: help, quit, the end. */
/* clang-format off */
#define DASH_KEYS_END \
	{ 1, KEY_F(1), dash_show_help, DASH_H_HELP }, \
	{ 0, '?', dash_show_help, DASH_H_HELP }, \
	{ 0, 'q', tui_quit, DASH_H_QUIT }, \
	{ 1, KEY_F(10), tui_quit, DASH_H_QUIT }, \
	{ 0, 0, NULL, NULL }
/* clang-format on */
/* The screens' key tables, ended by a NULL action (for help). */
const struct tui_bind *dash_overview_keys(void);
const struct tui_bind *dash_unit_keys(void);
const struct tui_bind *dash_question_keys(void);

/* Help, then back to the current screen (an action for the tables). */
int dash_show_help(struct app *a);
/* Run screens from first until one quits or a stop signal; ends curses
 * (the screen is cleared). Returns a->exit_code. */
int dash_run(struct app *a, const struct tui_screen *first);

/* Shared drawing: a cell right-aligned (left for text) in w columns at
 * y, x; hidden and empty cells dim. */
void dash_put_cell(struct app *a, int y, int x, int w,
    const struct dash_cell *c, enum dash_fmt f, enum tui_role r);
/* tui_put and tui_title, in ASCII when the locale is not UTF-8. */
int dash_put(const struct app *a, int y, int x, int w, enum tui_role r,
    const char *s);
void dash_title(const struct app *a, const char *left, const char *right);
/* The marks legend on line y. */
void dash_legend(struct app *a, int y);
/* Attributes for heat level 0..4: colours, or monochrome shades. */
int dash_heat_attr(int level);
/* The unit's overview row (AGG_NONE: the region). */
const struct dash_ov_row *dash_app_row(const struct app *a, size_t unit);
/* Change the year of every view. */
void dash_set_year(struct app *a, unsigned year);

#endif
