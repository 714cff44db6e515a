/* record: one finished interview as HR receives it (unit, period, form,
 * language, answers) and its versioned binary encoding, man avslut-record(5).
 * Holds nothing that identifies a person, a device, an interviewer or a time
 * finer than the period. The decoder trusts no byte of its input. */
#ifndef AVSLUT_RECORD_H
#define AVSLUT_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "form/form.h"
#include "util/err.h"

#define RECORD_VERSION 1	       /* the encoding this program writes */
#define RECORD_MAX_BYTES (1024 * 1024) /* a whole encoded record */
#define RECORD_MAX_UNIT 64	       /* bytes of the unit code */
#define RECORD_MAX_TEXT 40000	       /* bytes of one text: 10000 chars */
#define RECORD_YEAR_MIN 2000
#define RECORD_YEAR_MAX 2999

struct record {
	char *unit;	 /* unit code from the config */
	uint16_t year;	 /* calendar year of the interview */
	uint8_t quarter; /* 1..4, or 0 when the period is the year */
	char *form_id;
	uint32_t form_version;
	uint8_t form_hash[FORM_HASH_BYTES];
	char *lang; /* the language the interview was held in */
	size_t nanswers;
	struct form_answer *answers; /* answers[i] answers question i,
					 * in form order; owned */
};

/* Encode r into a newly allocated *out (caller frees, wiped: it holds
 * answers). Refuses a record the decoder would refuse. Only an answer's
 * state is written unless it is FORM_ANSWERED, so an answer that was not
 * given carries no stale value. */
int record_encode(const struct record *r, uint8_t **out, size_t *len,
    struct err *e);
/* Decode buf into *r (zeroed first; on error nothing is left allocated).
 * Every length, enum and charset is checked; trailing bytes and future
 * versions are refused. Does not need the form: see record_check. */
int record_decode(struct record *r, const uint8_t *buf, size_t len,
    struct err *e) __attribute__((warn_unused_result));
/* Check a decoded record against the form it claims: id, version and
 * hash match, one answer per question, each passes form_answer_check. */
int record_check(const struct record *r, const struct form *f, struct err *e)
    __attribute__((warn_unused_result));
/* Free everything r owns, wiping answer texts; r is left zeroed.
 * NULL and an already freed record are fine. */
void record_free(struct record *r);

#endif
