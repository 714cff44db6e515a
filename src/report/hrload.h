/* hrload: opens every sealed envelope in central.db with the HR secret key,
 * in memory and on every core, and hands the records to the aggregation.
 * Nothing opened is kept: each record is counted and wiped at once. */
#ifndef AVSLUT_HRLOAD_H
#define AVSLUT_HRLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/env.h"
#include "crypto/record.h"
#include "form/form.h"
#include "report/agg.h"
#include "store/central.h"
#include "util/err.h"

struct buf;
struct buf_rd;

#define HRLOAD_MAX_NOTES 10 /* messages kept about rejected envelopes */

/* Why an envelope was or was not used. */
enum hrload_status {
	HRLOAD_USED,	   /* opened, approved form, fits it */
	HRLOAD_UNREADABLE, /* tampered, truncated, another key, bad
				 * record encoding */
	HRLOAD_UNAPPROVED, /* its form hash is not approved */
	HRLOAD_INVALID	   /* does not fit its form (record_check) */
};

/* Called with done envelopes of total, from the thread that called
 * hrload_run or hrload_foreach only (never from a worker), at most once
 * per batch and once at the end with done == total. */
typedef void (*hrload_progress_fn)(void *ctx, size_t done, size_t total);

/* Called once for every record hrload_run (or cache_run) counted into
 * the aggregation, with its envelope id, serialised like hrload_fn; r is
 * wiped after the call. For the releases: which interviews of a year a
 * release included. */
typedef void (*hrload_tap_fn)(void *ctx, const uint8_t id[ENV_ID_BYTES],
    const struct agg_rec *r);

struct hrload_opts {
	unsigned threads;	     /* 0: one per online core */
	hrload_progress_fn progress; /* NULL: none */
	void *progress_ctx;
	hrload_tap_fn tap; /* NULL: none */
	void *tap_ctx;
	/* The tap's state for the aggregate cache (avslut-cache(5)): a
	 * digest of what it was made from, its state as bytes and back
	 * (0, or -1 leaving it as it was). NULL: the state cannot be kept,
	 * and with a tap the aggregate file is neither used nor written. */
	void (*tap_digest)(void *ctx, uint8_t out[32]);
	void (*tap_put)(void *ctx, struct buf *b);
	int (*tap_get)(void *ctx, struct buf_rd *r);
};

/* What a run saw. notes[] name the envelope by id and say why it was
 * rejected; they never hold an answer. */
struct hrload_result {
	size_t total; /* envelopes in the store */
	size_t used;
	size_t unreadable, unapproved, invalid;
	char *notes[HRLOAD_MAX_NOTES];
	size_t nnotes;
	size_t notes_dropped; /* rejections beyond HRLOAD_MAX_NOTES */
};
void hrload_result_free(struct hrload_result *r);
/* Add a note: the HRLOAD_MAX_NOTES smallest (strcmp) are kept, the
 * rest counted in notes_dropped, so which are kept is a function of the
 * set of envelopes, not of their order. */
void hrload_result_note(struct hrload_result *r, const char *msg);
/* Rejected envelopes: unreadable + unapproved + invalid. */
size_t hrload_rejected(const struct hrload_result *r);

/* The approved forms of the store, loaded from the text kept with them
 * (a text that no longer loads, or loads to another hash, is left out
 * with a note in e and *skipped counted). Caller frees with
 * hrload_forms_free. */
int hrload_forms(struct central *c, struct form ***forms, size_t *n,
    size_t *skipped, struct err *e);
void hrload_forms_free(struct form **forms, size_t n);

/* Called for each envelope, one call at a time (serialised under a lock,
 * from any thread, in no fixed order). r is the opened record for
 * HRLOAD_USED, and for HRLOAD_UNAPPROVED and HRLOAD_INVALID when it
 * could be opened; NULL when unreadable. fn must not keep r (it is
 * wiped after the call). A non-zero return stops the run, which then
 * returns -1 with the message fn put in e. */
typedef int (*hrload_fn)(void *ctx, const uint8_t id[ENV_ID_BYTES],
    enum hrload_status st, const struct record *r, struct err *e);

/* Open every envelope of c with the key pair, on opts->threads threads.
 * An envelope whose form hash is not among forms is HRLOAD_UNAPPROVED;
 * forms == NULL (nforms 0) checks nothing beyond opening (for purge: every
 * opened record is then HRLOAD_USED). One bad envelope never stops the
 * run: it is counted in res and noted. Returns 0, or < 0 (a central_
 * result code, or -1 if fn stopped the run) with e set. res is filled
 * in either case; hrload_result_free it. */
int hrload_foreach(struct central *c, const uint8_t pk[ENV_PK_BYTES],
    const uint8_t sk[ENV_SK_BYTES], const struct form *const *forms,
    size_t nforms, const struct hrload_opts *opts, hrload_fn fn, void *ctx,
    struct hrload_result *res, struct err *e);

/* hrload_foreach over only the nids envelopes with these ids (ids the
 * store does not hold are skipped: res->total counts those it read). The
 * record cache opens what is new since it was written. */
int hrload_foreach_ids(struct central *c, const uint8_t pk[ENV_PK_BYTES],
    const uint8_t sk[ENV_SK_BYTES], const struct form *const *forms,
    size_t nforms, const uint8_t (*ids)[ENV_ID_BYTES], size_t nids,
    const struct hrload_opts *opts, hrload_fn fn, void *ctx,
    struct hrload_result *res, struct err *e);

/* hrload_foreach into the aggregation: a used record goes to agg_add, a
 * rejected envelope to agg_reject, so agg_rejected(a) equals
 * hrload_rejected(res) (plus any agg_add refused). a must have been made
 * with the same forms. */
int hrload_run(struct central *c, const uint8_t pk[ENV_PK_BYTES],
    const uint8_t sk[ENV_SK_BYTES], const struct form *const *forms,
    size_t nforms, struct agg *a, const struct hrload_opts *opts,
    struct hrload_result *res, struct err *e);

#endif
