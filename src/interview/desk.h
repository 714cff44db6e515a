/* desk: the interviewer's desk, without curses. It owns the outbox and
 * the unlocked profile, lists the drafts on this laptop, opens one where
 * it was left, saves the open interview the moment it changes, seals it
 * to HR's key and discards drafts. Screens call the desk and never
 * crypto or the outbox themselves, so that the whole submit path is
 * tested without a terminal (tests/unit/test_desk.c).
 *
 * Results are 0, or -1 with e filled (its class gives the exit status;
 * the message names no answer). */
#ifndef AVSLUT_DESK_H
#define AVSLUT_DESK_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/profile.h"
#include "form/form.h"
#include "interview/session.h"
#include "store/outbox.h"
#include "util/err.h"

struct desk {
	struct outbox *ob;    /* open; owned (desk_close) */
	struct profile *prof; /* unlocked; owned (desk_close) */
	struct form **forms;  /* borrowed: every form this laptop
					 * can use */
	size_t nforms;
	uint8_t draft_id[OUTBOX_ID_BYTES];
	int has_draft; /* draft_id names the stored draft of
					 * the open interview */
};

/* One stored draft, as the home screen lists it. */
struct desk_draft {
	uint8_t id[OUTBOX_ID_BYTES];
	int ok; /* info holds its header; else why */
	struct session_info info;
	const struct form *form; /* NULL: not on this laptop */
	struct err why;		 /* what is wrong with it, if !ok */
};

/* Open the outbox in datadir (the profile is set later, by unlock). */
int desk_open(struct desk *d, const char *datadir, struct err *e);
/* Unlock the interviewer's profile in datadir with pass (a wrong one is
 * ERR_PERM); the desk holds it from then on. */
int desk_unlock(struct desk *d, const char *datadir, const char *pass,
    struct err *e);
/* Free the outbox and the profile (the draft keys are wiped). */
void desk_close(struct desk *d);

/* The form with this id, version and hash among d->forms, or NULL. */
struct form *desk_form(const struct desk *d, const char *id, uint32_t version,
    const uint8_t *hash);

/* Every stored draft, oldest first (*out is NULL when there are none);
 * a draft that cannot be read is listed with ok 0 and why. */
int desk_drafts(struct desk *d, struct desk_draft **out, size_t *n,
    struct err *e);
/* Sealed interviews waiting for sync, and the last sync time (0: never). */
int desk_waiting(struct desk *d, size_t *n, long long *last_sync,
    struct err *e);

/* Open the stored draft id exactly where it was left: *s is the session
 * and the desk's open draft is id. A draft whose form is not on this
 * laptop is ERR_DATA with a message that names the form. */
int desk_resume(struct desk *d, const uint8_t id[OUTBOX_ID_BYTES],
    struct session **s, struct err *e);
/* A new interview is open: it has no stored draft until its first save. */
void desk_begin(struct desk *d);
/* Save s as the open draft (a new draft the first time). */
int desk_save(struct desk *d, const struct session *s, struct err *e);
/* Save s, seal it to the HR key, put the envelope in the outbox and
 * destroy the draft, in one transaction of the outbox: on failure the
 * draft is still there and still the open one. The caller frees s. */
int desk_seal(struct desk *d, const struct session *s, struct err *e);
/* The open interview is closed (its draft, if any, stays stored). */
void desk_end(struct desk *d);
/* Delete a stored draft for good. */
int desk_discard(struct desk *d, const uint8_t id[OUTBOX_ID_BYTES],
    struct err *e);

#endif
