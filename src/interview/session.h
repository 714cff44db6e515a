/* session: the pure state of one interview (form, language, unit, period,
 * answers, position, live show_if visibility) and its draft encoding. No
 * ncurses, no SQLite: the screens draw it and turn keys into these calls. */
#ifndef AVSLUT_SESSION_H
#define AVSLUT_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/record.h"
#include "form/form.h"
#include "util/err.h"

/* Where the interview stands. */
enum session_where {
	SESSION_INTRO,	  /* the information text, before Q1 */
	SESSION_QUESTION, /* at question session_pos() */
	SESSION_REVIEW	  /* every visible question reached */
};

/* What session_next and session_submit_check decided. */
enum session_step {
	SESSION_MOVED,	 /* moved on (or: fine to submit) */
	SESSION_BLOCKED, /* required: true and no answer; e says why */
	SESSION_WARNED	 /* required: soft and no answer: warned once,
				 * the same call again goes on */
};

/* Magic and version at the start of an encoded draft. */
#define SESSION_DRAFT_MAGIC "AVSD"
#define SESSION_DRAFT_VERSION 2 /* 1: little-endian, still read */
#define SESSION_UNIT_MAX 64	/* bytes of a unit code */

struct session;

/* A new interview at the intro. The session keeps a pointer to f (which
 * must outlive it) and copies unit (1..SESSION_UNIT_MAX bytes of text).
 * lang is an index into f->langs. quarter is 1..4, or 0 when the period
 * is the calendar year. NULL with e set on a bad argument. */
struct session *session_new(const struct form *f, int lang, const char *unit,
    uint16_t year, uint8_t quarter, struct err *e);
/* Free the session; every answer text is wiped. NULL is fine. */
void session_free(struct session *s);

const struct form *session_form(const struct session *s);
int session_lang(const struct session *s);
const char *session_unit(const struct session *s);
uint16_t session_year(const struct session *s);
uint8_t session_quarter(const struct session *s);
enum session_where session_where(const struct session *s);
/* The current question (meaningful at SESSION_QUESTION). */
size_t session_pos(const struct session *s);

/* 1 if question q is shown given the answers so far. Answers of hidden
 * questions are kept (so that un-hiding brings them back) but count as
 * "not shown" everywhere: in later show_if, the review and the record. */
int session_visible(const struct session *s, size_t q);
/* The answer to q as stored (hidden questions: see session_visible). */
const struct form_answer *session_answer(const struct session *s, size_t q);
/* 1 if q was reached (answered, skipped or declined). */
int session_visited(const struct session *s, size_t q);

/* Store a deep copy of a as the answer to q. An answer in state
 * FORM_ANSWERED is checked with form_answer_check first; an empty one (no
 * choice, empty text) is stored as FORM_SKIPPED. Visibility of later
 * questions follows at once. Returns -1 with e set if a is not valid. */
int session_put(struct session *s, size_t q, const struct form_answer *a,
    struct err *e);
/* "Prefer not to answer" for q. */
void session_decline(struct session *s, size_t q);

/* Leave the intro for the first visible question (or the review). */
void session_start(struct session *s);
/* Move on from the current question: checks required (true blocks, soft
 * warns once), marks an unanswered question skipped, then goes to the next
 * visible question; once the review has been reached, to the next visible
 * question not yet reached, or back to the review. */
enum session_step session_next(struct session *s, struct err *e);
/* The previous visible question; from the first, the intro. From the
 * review, the last visible question. Returns 0, or -1 at the intro. */
int session_back(struct session *s);
/* Go to visible question q (overview, review). -1 if q is hidden. */
int session_jump(struct session *s, size_t q);
/* Go to the review (from the overview). */
void session_review(struct session *s);

/* 1 if question q lies in a section the leaver answers alone (mode:
 * self). The counts and lists below are what the interviewer may see:
 * they never depend on an answer given in a self section. */
int session_self(const struct session *s, size_t q);

/* 1 if the leaver has been through q's self section (any of its
 * questions reached): what the interviewer may know of it. */
int session_self_visited(const struct session *s, size_t q);

/* "Question *index of *total" over the visible questions (every question
 * of a shown self section counts): index is 1-based; at the intro 0, at
 * the review total. */
void session_progress(const struct session *s, size_t *index, size_t *total);
/* Number of visible questions that have been reached (a shown self
 * section counts whole once the leaver has been through it, else not). */
size_t session_answered(const struct session *s);
/* The visible questions in form order, for the review and the overview;
 * a self section is one entry, its first visible question. Fills out
 * (room for f->nquestions) and returns how many. */
size_t session_list(const struct session *s, size_t *out);

/* Ready to seal? SESSION_BLOCKED with *q = the first visible required
 * question without an answer; SESSION_WARNED once for all the soft ones
 * without an answer, *q the first (the same call again lets them go).
 * Questions of self sections are not checked here (the leaver was). */
enum session_step session_submit_check(struct session *s, size_t *q,
    struct err *e);

/* The record to seal: unit, period, form id/version/hash, language and
 * one answer per question in form order. Hidden questions are "not
 * shown" with their answers dropped; visible questions never reached are
 * "skipped". r is filled (record_free it). */
void session_to_record(const struct session *s, struct record *r);

/* The draft: opaque bytes (the outbox encrypts them) holding form id,
 * version and hash, unit, period, language, position and every answer
 * (the byte layout is described above session_encode in session.c).
 * out is wiped and freed by the caller (xfree_wipe(out, len)). */
void session_encode(const struct session *s, uint8_t **out, size_t *len);
/* Decode a draft against the form f it was made with. Strict: any
 * malformed field, trailing byte, answer that does not fit f, or a form
 * id, version or hash other than f's is an error. */
struct session *session_decode(const struct form *f, const uint8_t *buf,
    size_t len, struct err *e);

/* What the home screen shows about a draft before loading its form. */
struct session_info {
	uint8_t version; /* of the draft: below SESSION_DRAFT_VERSION,
				 * save it again to write it in today's form */
	char form_id[65];
	uint32_t form_version;
	uint8_t form_hash[FORM_HASH_BYTES];
	char unit[SESSION_UNIT_MAX + 1];
	char lang[4];
	uint16_t year;
	uint8_t quarter;
	uint32_t answered; /* visible questions reached, at save time */
	uint32_t total;	   /* visible questions, at save time */
};

/* Read the header of a draft (no form needed). */
int session_peek(const uint8_t *buf, size_t len, struct session_info *info,
    struct err *e);

#endif
