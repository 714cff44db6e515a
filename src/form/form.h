/* form: the questionnaire model, its YAML loader and validator, show_if
 * expressions and the form hash. A loaded form is immutable. The format is
 * specified in man/avslut-form.5. No ncurses, no SQLite here. */
#ifndef AVSLUT_FORM_H
#define AVSLUT_FORM_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define FORM_MAX_LANGS 8
#define FORM_MAX_CHOICES 64 /* multi answers are a 64-bit set */
#define FORM_MAX_QUESTIONS 1000
#define FORM_MAX_BYTES (1024 * 1024)
#define FORM_SHORT_MAX 10  /* characters of a short: label */
#define FORM_HASH_BYTES 32 /* BLAKE2b-256 of the canonical form */

enum form_type {
	FORM_SINGLE,
	FORM_MULTI,
	FORM_SCALE,
	FORM_NPS,
	FORM_YESNO,
	FORM_NUMBER,
	FORM_TEXT
};

enum form_required {
	FORM_OPTIONAL, /* required: false */
	FORM_SOFT,     /* required: soft: warn once, then go on */
	FORM_REQUIRED  /* required: true */
};

enum form_scope {
	FORM_SCOPE_UNIT,  /* default: reported per unit */
	FORM_SCOPE_REGION /* report: region: only region-wide */
};

/* A text in each of the form's languages: s[i] is in form->langs[i].
 * Optional texts (help) have every s[i] NULL when absent. */
struct form_text {
	char *s[FORM_MAX_LANGS];
};

struct form_choice {
	char *id; /* stable id, [a-z0-9_] */
	struct form_text label;
};

struct form_expr; /* parsed show_if; see below */

struct form_question {
	char *id;
	enum form_type type;
	struct form_text label;
	struct form_text help;
	/* short: a column heading of at most FORM_SHORT_MAX characters
	 * (dashboard); every s[i] NULL when absent: use the id. */
	struct form_text shortl;
	enum form_required required;
	struct form_expr *show_if; /* NULL: always shown */
	char *theme;		   /* NULL if none */
	enum form_scope report;
	/* sensitive: the answers no published group may show all (or all
	 * but a few) of its members gave. yesno: bit FORM_YES; single and
	 * multi: bit i = choices[i]; 0: not sensitive. See avslut-form(5). */
	uint64_t sensitive;
	size_t section; /* index into form->sections */
	size_t line;	/* 1-based source line of the id */

	/* single, multi */
	struct form_choice *choices;
	size_t nchoices;
	int other;	      /* other: true adds "other, namely" */
	unsigned max_choices; /* multi: max, 0 = no limit */

	/* scale (default 1..5), nps (always 0..10), number (min..max) */
	int32_t min, max;
	struct form_text min_label; /* scale, nps: end labels */
	struct form_text max_label;

	/* text, and the "other, namely" field: characters, not bytes */
	uint32_t max_length;
};

struct form_section {
	char *id;
	struct form_text title;
	struct form_expr *show_if; /* NULL: always shown */
	/* mode: self: the leaver answers this section alone on the laptop
	 * and the interviewer's screens never show its answers (see
	 * avslut-form(5)); 0: interviewer-led (the default). */
	int self;
	size_t first, count; /* its questions in form->questions */
};

struct form {
	char *id;
	uint32_t version;
	char *langs[FORM_MAX_LANGS]; /* e.g. "sv", "en" */
	size_t nlangs;
	struct form_text title;
	struct form_text intro; /* read to the leaver before Q1 */
	struct form_section *sections;
	size_t nsections;
	struct form_question *questions; /* all, in form order */
	size_t nquestions;
	uint8_t hash[FORM_HASH_BYTES];
};

/* An answer to one question, as the session holds it and as a record
 * carries it. "Not shown" and "prefer not to answer" are distinct. */
enum form_state {
	FORM_NOT_SHOWN = 0, /* hidden by show_if, or never reached */
	FORM_SKIPPED,	    /* shown, left empty (not required) */
	FORM_DECLINED,	    /* "prefer not to answer" */
	FORM_ANSWERED
};

#define FORM_YES 1
#define FORM_NO 0

struct form_answer {
	uint8_t state;	  /* enum form_state */
	uint8_t other;	  /* single/multi: "other, namely" chosen
				 * (single: then num is ignored) */
	int32_t num;	  /* single: choice index; scale, nps,
				 * number: the value; yesno: FORM_YES/NO */
	uint64_t choices; /* multi: bit i = choices[i] chosen */
	char *text;	  /* text answer, or the "other" text; owned,
				 * wiped when freed; NULL if none */
};

/* Diagnostics: every problem of one load, "FILE:LINE:COL: message". */
#define FORM_MAX_DIAGS 100

struct form_diags {
	char *msg[FORM_MAX_DIAGS];
	size_t n;
	size_t dropped; /* problems beyond FORM_MAX_DIAGS */
	int io;		/* form_load_file could not read it */
};

/* Free the messages and zero d, ready for reuse. */
void form_diags_free(struct form_diags *d);
/* Append "NAME:LINE:COL: message" (line, col 1-based), or count it in
 * dropped when d is full. For other YAML loaders (config). */
void form_diags_add(struct form_diags *d, const char *name, size_t line,
    size_t col, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Hand every problem of a YAML document (util/yaml.h) to d, in source
 * order, as "NAME:LINE:COL: message". For the config loader too. */
struct ydoc;
void form_diags_take(struct form_diags *d, struct ydoc *y);

/* Hostile-input limits of the loader (see avslut-form(5)). */
#define FORM_MAX_DEPTH 10     /* nested YAML collections */
#define FORM_MAX_NODES 250000 /* YAML nodes in one file */
#define FORM_MAX_SCALAR 65536 /* bytes of one YAML value */

/* Load and validate a form. On any problem returns NULL and fills d with
 * every problem found, sorted by position (name is used as FILE in
 * messages). d must be zeroed (or freed with form_diags_free) first; it
 * may be NULL. */
struct form *form_load_file(const char *path, struct form_diags *d);
struct form *form_load_buf(const char *name, const char *buf, size_t len,
    struct form_diags *d);
void form_free(struct form *f);

/* Index of lang in f->langs, or -1. */
int form_lang_index(const struct form *f, const char *lang);
/* Index of question id, or -1. */
long form_find(const struct form *f, const char *id);
/* Text in language li, falling back to the first language. */
const char *form_text_get(const struct form_text *t, int li);

/* 1 if question q is shown given the answers so far (answers has
 * f->nquestions entries): its section's and its own show_if hold. */
int form_visible(const struct form *f, size_t q,
    const struct form_answer *answers);
/* Evaluate a parsed expression. A comparison with a question that has no
 * value (not shown, skipped, declined) is false; "not" of it is true. */
int form_expr_eval(const struct form_expr *x, const struct form *f,
    const struct form_answer *answers);

/* Check one answer against its question (range, choice count, max, text
 * length and characters). Does not look at required. */
int form_answer_check(const struct form *f, size_t q,
    const struct form_answer *a, struct err *e);
/* Free the text (wiped) and reset the answer to FORM_NOT_SHOWN. */
void form_answer_clear(struct form_answer *a);

/* Hash as lower-case hex (2 * FORM_HASH_BYTES + 1 bytes). */
void form_hash_hex(const struct form *f, char *out);
/* The canonical serialisation the hash covers, exactly as avslut-form(5)
 * specifies it; *len is its length. Caller frees. */
char *form_canonical(const struct form *f, size_t *len);
/* BLAKE2b-256 of form_canonical(f) into out (the loader sets f->hash). */
void form_hash_compute(const struct form *f, uint8_t out[FORM_HASH_BYTES]);

/* Mark refs[q] = 1 for every question q < n that x compares; returns
 * how many were newly marked. */
int form_expr_refs(const struct form_expr *x, uint8_t *refs, size_t n);

/* The words form_expr_words writes, in one language (the caller gives
 * them translated): question is a printf format with one %zu (the
 * question's number in form order, 1-based), "question 3"; the others
 * are written as they are, with their own spaces (" is ", " or "). */
struct form_words {
	const char *question;
	const char *is, *is_not, *includes, *excludes;
	const char *lt, *le, *gt, *ge, *in;
	const char *and_, *or_, *not_;
	const char *yes, *no, *other;
};
/* The expression in words for a reader ("question 3 is Yes and question
 * 5 is 4 or more"), choices by their labels in language li. Caller
 * frees. */
char *form_expr_words(const struct form_expr *x, const struct form *f, int li,
    const struct form_words *w);

/* "single", "multi", ... as written in the YAML. */
const char *form_type_name(enum form_type t);

/* show_if expressions. Limits keep parsing and evaluation bounded. */
#define FORM_EXPR_MAX_LEN 1024 /* bytes of one expression */
#define FORM_EXPR_MAX_DEPTH 32 /* height of the parsed tree */

/* Parse s[0..len) as a show_if over the questions of f that come before
 * question index `before` (only earlier questions may be referred to;
 * their id, type, choices and range must be set). Returns 0 and *out, or
 * -1 with e set (message without the key) and *errpos = the byte offset
 * in s the problem is at. */
int form_expr_parse(struct form_expr **out, const struct form *f, size_t before,
    const char *s, size_t len, size_t *errpos, struct err *e);
void form_expr_free(struct form_expr *x);
/* The expression printed canonically: every comparison and every and, or,
 * not fully parenthesised, single spaces (see avslut-form(5)). Caller
 * frees. */
char *form_expr_str(const struct form_expr *x, const struct form *f);

#endif
