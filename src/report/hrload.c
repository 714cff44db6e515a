/* hrload: the HR pipeline from central.db to the aggregation. The calling
 * thread reads envelopes in batches; workers open and check them. */
#include "report/hrload.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/i18n.h"
#include "util/xmem.h"

#define HRLOAD_BATCH 128 /* envelopes per batch */
#define HRLOAD_FEED 8	 /* opened ones handed to fn per hold of fnmu */
#define HRLOAD_MAX_THREADS 64

/* Envelopes copied out of SQLite: ids, and the bytes one after another
 * in buf (off[i], len[i]). Sealed bytes only: nothing here is secret. */
struct hrload_batch {
	size_t n;
	uint8_t id[HRLOAD_BATCH][ENV_ID_BYTES];
	size_t off[HRLOAD_BATCH], len[HRLOAD_BATCH];
	uint8_t *buf;
	size_t used, cap;
	struct hrload_batch *next; /* on the free list */
};

struct hrload {
	/* Fixed for the run. */
	const uint8_t *pk, *sk;
	const struct form *const *forms;
	size_t nforms;
	int check;
	hrload_fn fn;
	void *ctx;
	const struct hrload_opts *opts;

	/* The queue, under mu. */
	pthread_mutex_t mu;
	pthread_cond_t work; /* a batch is queued, or the end */
	pthread_cond_t main; /* a batch was taken or finished */
	struct hrload_batch **queue;
	size_t qcap, qhead, qlen;
	struct hrload_batch *free;
	int eof, stop;
	size_t done, submitted, expected;
	struct hrload_batch *cur; /* filled by the calling thread */

	/* Results and fn, under fnmu. */
	pthread_mutex_t fnmu;
	struct hrload_result *res;
	struct err err;
	int failed;
};

void
hrload_result_free(struct hrload_result *r)
{
	size_t i;

	for (i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	memset(r, 0, sizeof *r);
}

size_t
hrload_rejected(const struct hrload_result *r)
{
	return r->unreadable + r->unapproved + r->invalid;
}

/* Keep the HRLOAD_MAX_NOTES smallest messages (in strcmp order), count
 * the rest: which ones are kept depends on the set of envelopes, not on
 * the order in which they were opened or arrived. Called under fnmu. */
void
hrload_result_note(struct hrload_result *r, const char *msg)
{
	size_t i, max = 0;

	if (r->nnotes < HRLOAD_MAX_NOTES) {
		r->notes[r->nnotes++] = xstrdup(msg);
		return;
	}
	r->notes_dropped++;
	for (i = 1; i < r->nnotes; i++)
		if (strcmp(r->notes[i], r->notes[max]) > 0)
			max = i;
	if (r->nnotes > 0 && strcmp(msg, r->notes[max]) < 0) {
		free(r->notes[max]);
		r->notes[max] = xstrdup(msg);
	}
}

static void
hrload_note(struct hrload_result *r, const char *msg)
{
	hrload_result_note(r, msg);
}

void
hrload_forms_free(struct form **forms, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		form_free(forms[i]);
	free(forms);
}

int
hrload_forms(struct central *c, struct form ***out, size_t *nout,
    size_t *skipped, struct err *e)
{
	struct central_form *list;
	struct form **forms = NULL;
	struct form_diags d;
	struct form *f;
	size_t n, i, k = 0, len;
	char *yaml, *name;
	int rc;

	*out = NULL;
	*nout = 0;
	if (skipped != NULL)
		*skipped = 0;
	if ((rc = central_form_list(c, &list, &n, e)) != 0)
		return rc;
	forms = xcalloc(n > 0 ? n : 1, sizeof *forms);
	for (i = 0; i < n; i++) {
		if ((rc = central_form_yaml(c, list[i].hash, &yaml, &len, e)) !=
		    0) {
			hrload_forms_free(forms, k);
			central_form_list_free(list, n);
			return rc;
		}
		name = xasprintf("approved form %s version %lu", list[i].id,
		    (unsigned long)list[i].version);
		memset(&d, 0, sizeof d);
		f = form_load_buf(name, yaml, len, &d);
		form_diags_free(&d);
		free(yaml);
		/* A form this program reads differently (an older loader's
		 * text, another hash) must not count records as its own. */
		if (f == NULL ||
		    memcmp(f->hash, list[i].hash, FORM_HASH_BYTES) != 0) {
			err_setc(e, ERR_DATA,
			    _("%s no longer loads to its "
			      "approved hash: its interviews are counted as "
			      "rejected"),
			    name);
			form_free(f);
			if (skipped != NULL)
				(*skipped)++;
		} else
			forms[k++] = f;
		free(name);
	}
	central_form_list_free(list, n);
	*out = forms;
	*nout = k;
	return 0;
}

static const struct form *
hrload_form(const struct hrload *h, const uint8_t *hash)
{
	size_t i;

	for (i = 0; i < h->nforms; i++)
		if (memcmp(h->forms[i]->hash, hash, FORM_HASH_BYTES) == 0)
			return h->forms[i];
	return NULL;
}

/* One envelope opened and checked, waiting for fn. */
struct hrload_opened {
	const uint8_t *id;
	enum hrload_status st;
	struct record r;
	int opened;
	char *note;
};

/* Open and check one envelope into o (fn is hrload_feed's). */
static void
hrload_one(struct hrload *h, struct hrload_opened *o, const uint8_t *id,
    const uint8_t *data, size_t len)
{
	const struct form *f;
	struct err e;
	char hex[2 * ENV_ID_BYTES + 1];

	o->id = id;
	o->st = HRLOAD_USED;
	o->note = NULL;
	err_clear(&e);
	o->opened = env_open(&o->r, id, data, len, h->pk, h->sk, &e) == 0;
	if (!o->opened) {
		o->st = HRLOAD_UNREADABLE;
		o->note = xstrdup(e.msg);
	} else if (h->check && (f = hrload_form(h, o->r.form_hash)) == NULL) {
		o->st = HRLOAD_UNAPPROVED;
		env_id_hex(id, hex);
		o->note = xasprintf(_("envelope %s: form %s version %lu is not "
				      "approved (approve it with avslut-hr "
				      "forms add)"),
		    hex, o->r.form_id, (unsigned long)o->r.form_version);
	} else if (h->check && record_check(&o->r, f, &e) != 0) {
		o->st = HRLOAD_INVALID;
		env_id_hex(id, hex);
		o->note = xasprintf(_("envelope %s: %s"), hex, e.msg);
	}
}

/* Open and check the n (at most HRLOAD_FEED) envelopes of b from i on,
 * then hand them to fn under one hold of fnmu: the lock, the counts and
 * the aggregation's hot lines pass between the threads once per n
 * records, not once per record. Every record is wiped after fn. */
static void
hrload_feed(struct hrload *h, struct hrload_batch *b, size_t i, size_t n)
{
	struct hrload_opened o[HRLOAD_FEED];
	struct err e;
	size_t k;
	int rc;

	for (k = 0; k < n; k++)
		hrload_one(h, &o[k], b->id[i + k], b->buf + b->off[i + k],
		    b->len[i + k]);
	pthread_mutex_lock(&h->fnmu);
	for (k = 0; k < n; k++) {
		switch (o[k].st) {
		case HRLOAD_USED:
			h->res->used++;
			break;
		case HRLOAD_UNREADABLE:
			h->res->unreadable++;
			break;
		case HRLOAD_UNAPPROVED:
			h->res->unapproved++;
			break;
		case HRLOAD_INVALID:
			h->res->invalid++;
			break;
		}
		if (o[k].note != NULL)
			hrload_note(h->res, o[k].note);
		if (!h->failed) {
			err_clear(&e);
			if (h->fn(h->ctx, o[k].id, o[k].st,
				o[k].opened ? &o[k].r : NULL, &e) != 0) {
				h->failed = 1;
				h->err = e;
			}
		}
	}
	rc = h->failed;
	pthread_mutex_unlock(&h->fnmu);
	for (k = 0; k < n; k++) {
		free(o[k].note);
		if (o[k].opened)
			record_free(&o[k].r);
	}
	if (rc) {
		pthread_mutex_lock(&h->mu);
		h->stop = 1;
		pthread_cond_broadcast(&h->work);
		pthread_cond_broadcast(&h->main);
		pthread_mutex_unlock(&h->mu);
	}
}

static void *
hrload_worker(void *arg)
{
	struct hrload *h = arg;
	struct hrload_batch *b;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&h->mu);
		while (h->qlen == 0 && !h->eof && !h->stop)
			pthread_cond_wait(&h->work, &h->mu);
		if (h->stop || h->qlen == 0) {
			pthread_mutex_unlock(&h->mu);
			return NULL;
		}
		b = h->queue[h->qhead];
		h->qhead = (h->qhead + 1) % h->qcap;
		h->qlen--;
		pthread_cond_signal(&h->main);
		pthread_mutex_unlock(&h->mu);

		for (i = 0; i < b->n; i += HRLOAD_FEED)
			hrload_feed(h, b, i,
			    b->n - i < HRLOAD_FEED ? b->n - i : HRLOAD_FEED);

		pthread_mutex_lock(&h->mu);
		h->done += b->n;
		b->n = 0;
		b->used = 0;
		b->next = h->free;
		h->free = b;
		pthread_cond_signal(&h->main);
		pthread_mutex_unlock(&h->mu);
	}
}

static void
hrload_progress(struct hrload *h, size_t done)
{
	size_t total = h->expected > h->submitted ? h->expected : h->submitted;

	if (h->opts != NULL && h->opts->progress != NULL)
		h->opts->progress(h->opts->progress_ctx, done, total);
}

/* Queue the current batch, waiting for room; 1 if the run stopped. */
static int
hrload_submit(struct hrload *h)
{
	struct hrload_batch *b = h->cur;
	size_t done;

	h->cur = NULL;
	pthread_mutex_lock(&h->mu);
	while (h->qlen == h->qcap && !h->stop)
		pthread_cond_wait(&h->main, &h->mu);
	if (h->stop) {
		b->next = h->free;
		h->free = b;
		pthread_mutex_unlock(&h->mu);
		return 1;
	}
	h->queue[(h->qhead + h->qlen) % h->qcap] = b;
	h->qlen++;
	h->submitted += b->n;
	pthread_cond_signal(&h->work);
	done = h->done;
	pthread_mutex_unlock(&h->mu);
	hrload_progress(h, done);
	return 0;
}

static struct hrload_batch *
hrload_batch_get(struct hrload *h)
{
	struct hrload_batch *b;

	pthread_mutex_lock(&h->mu);
	if ((b = h->free) != NULL)
		h->free = b->next;
	pthread_mutex_unlock(&h->mu);
	if (b == NULL)
		b = xcalloc(1, sizeof *b);
	b->n = 0;
	b->used = 0;
	return b;
}

/* central_env_foreach callback, on the calling thread: copy the
 * envelope out of SQLite's buffer into the current batch. */
static int
hrload_read(void *ctx, const uint8_t *id, const uint8_t *data, size_t len)
{
	struct hrload *h = ctx;
	struct hrload_batch *b;

	if (h->cur == NULL)
		h->cur = hrload_batch_get(h);
	b = h->cur;
	if (b->used + len > b->cap) {
		b->cap = b->used + len > 2 * b->cap ? b->used + len :
						      2 * b->cap;
		b->buf = xrealloc(b->buf, b->cap);
	}
	memcpy(b->id[b->n], id, ENV_ID_BYTES);
	if (len > 0)
		memcpy(b->buf + b->used, data, len);
	b->off[b->n] = b->used;
	b->len[b->n] = len;
	b->used += len;
	if (++b->n == HRLOAD_BATCH)
		return hrload_submit(h);
	return 0;
}

static unsigned
hrload_nthreads(const struct hrload_opts *o)
{
	long n;

	if (o != NULL && o->threads > 0)
		n = o->threads;
	else if ((n = sysconf(_SC_NPROCESSORS_ONLN)) < 1)
		n = 1;
	return n > HRLOAD_MAX_THREADS ? HRLOAD_MAX_THREADS : (unsigned)n;
}

static void
hrload_batches_free(struct hrload *h)
{
	struct hrload_batch *b;

	while ((b = h->free) != NULL) {
		h->free = b->next;
		free(b->buf);
		free(b);
	}
	while (h->qlen > 0) {
		b = h->queue[h->qhead];
		h->qhead = (h->qhead + 1) % h->qcap;
		h->qlen--;
		free(b->buf);
		free(b);
	}
	if (h->cur != NULL) {
		free(h->cur->buf);
		free(h->cur);
	}
}

/* ids NULL: every envelope of the store; else only these nids. */
static int
hrload_go(struct central *c, const uint8_t *pk, const uint8_t *sk,
    const struct form *const *forms, size_t nforms, int check,
    const uint8_t (*ids)[ENV_ID_BYTES], size_t nids,
    const struct hrload_opts *opts, hrload_fn fn, void *ctx,
    struct hrload_result *res, struct err *e)
{
	struct hrload h;
	pthread_t tids[HRLOAD_MAX_THREADS];
	unsigned nt, started = 0, i;
	size_t done;
	int rc;

	memset(res, 0, sizeof *res);
	memset(&h, 0, sizeof h);
	h.pk = pk;
	h.sk = sk;
	h.forms = forms;
	h.nforms = nforms;
	h.check = check;
	h.fn = fn;
	h.ctx = ctx;
	h.opts = opts;
	h.res = res;
	if (ids != NULL)
		h.expected = nids;
	else if ((rc = central_env_count(c, &h.expected, e)) != 0)
		return rc;
	nt = hrload_nthreads(opts);
	h.qcap = 2 * (size_t)nt + 2;
	h.queue = xcalloc(h.qcap, sizeof *h.queue);
	pthread_mutex_init(&h.mu, NULL);
	pthread_mutex_init(&h.fnmu, NULL);
	pthread_cond_init(&h.work, NULL);
	pthread_cond_init(&h.main, NULL);
	for (i = 0; i < nt; i++)
		if (pthread_create(&tids[started], NULL, hrload_worker, &h) ==
		    0)
			started++;
	if (started == 0) {
		rc = err_setc(e, ERR_SOFTWARE,
		    _("cannot start a thread to "
		      "open the envelopes"));
		goto out;
	}
	hrload_progress(&h, 0);
	rc = ids != NULL ?
	    central_env_foreach_ids(c, ids, nids, hrload_read, &h, e) :
	    central_env_foreach(c, hrload_read, &h, e);
	if (rc == 0 && h.cur != NULL && h.cur->n > 0)
		hrload_submit(&h);
	pthread_mutex_lock(&h.mu);
	h.eof = 1;
	if (rc != 0)
		h.stop = 1;
	pthread_cond_broadcast(&h.work);
	while (!h.stop && h.done < h.submitted) {
		pthread_cond_wait(&h.main, &h.mu);
		done = h.done;
		pthread_mutex_unlock(&h.mu);
		hrload_progress(&h, done);
		pthread_mutex_lock(&h.mu);
	}
	pthread_mutex_unlock(&h.mu);
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	res->total = h.submitted;
	if (rc == 0 && h.failed) {
		*e = h.err;
		rc = -1;
	}
	if (rc == 0) {
		h.expected = h.submitted;
		hrload_progress(&h, h.done);
	}
out:
	hrload_batches_free(&h);
	free(h.queue);
	pthread_cond_destroy(&h.main);
	pthread_cond_destroy(&h.work);
	pthread_mutex_destroy(&h.fnmu);
	pthread_mutex_destroy(&h.mu);
	return rc;
}

int
hrload_foreach(struct central *c, const uint8_t pk[ENV_PK_BYTES],
    const uint8_t sk[ENV_SK_BYTES], const struct form *const *forms,
    size_t nforms, const struct hrload_opts *opts, hrload_fn fn, void *ctx,
    struct hrload_result *res, struct err *e)
{
	return hrload_go(c, pk, sk, forms, nforms, forms != NULL, NULL, 0, opts,
	    fn, ctx, res, e);
}

int
hrload_foreach_ids(struct central *c, const uint8_t pk[ENV_PK_BYTES],
    const uint8_t sk[ENV_SK_BYTES], const struct form *const *forms,
    size_t nforms, const uint8_t (*ids)[ENV_ID_BYTES], size_t nids,
    const struct hrload_opts *opts, hrload_fn fn, void *ctx,
    struct hrload_result *res, struct err *e)
{
	return hrload_go(c, pk, sk, forms, nforms, forms != NULL, ids, nids,
	    opts, fn, ctx, res, e);
}

struct hrload_agg {
	struct agg *a;
	struct hrload_result *res;
	const struct hrload_opts *opts;
};

/* Runs under fnmu, so the agg needs no lock of its own. */
static int
hrload_agg_fn(void *ctx, const uint8_t id[ENV_ID_BYTES], enum hrload_status st,
    const struct record *r, struct err *e)
{
	struct hrload_agg *x = ctx;
	struct agg_rec ar;
	struct err ae;
	char hex[2 * ENV_ID_BYTES + 1], *note;

	(void)e;
	if (st != HRLOAD_USED) {
		agg_reject(x->a);
		return 0;
	}
	ar.unit = r->unit;
	ar.year = r->year;
	ar.form_hash = r->form_hash;
	ar.answers = r->answers;
	ar.nanswers = r->nanswers;
	if (agg_add(x->a, &ar, &ae) != 0) {
		/* record_check passed: a unit the config does not name
		 * (or a bug); counted as invalid, named in a note. */
		x->res->used--;
		x->res->invalid++;
		env_id_hex(id, hex);
		note = xasprintf(_("envelope %s: %s"), hex, ae.msg);
		hrload_note(x->res, note);
		free(note);
	} else if (x->opts != NULL && x->opts->tap != NULL)
		x->opts->tap(x->opts->tap_ctx, id, &ar);
	return 0;
}

int
hrload_run(struct central *c, const uint8_t pk[ENV_PK_BYTES],
    const uint8_t sk[ENV_SK_BYTES], const struct form *const *forms,
    size_t nforms, struct agg *a, const struct hrload_opts *opts,
    struct hrload_result *res, struct err *e)
{
	struct hrload_agg x;

	x.a = a;
	x.res = res;
	x.opts = opts;
	return hrload_go(c, pk, sk, forms, nforms, 1, NULL, 0, opts,
	    hrload_agg_fn, &x, res, e);
}
