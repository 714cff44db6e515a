/* central_scan: the scan that sums the envelope-set digest over the whole
 * store (central_verify, schema step 3): SQLite reads on the calling
 * thread while a second thread hashes. See central_digest.c. */
#include "store/central.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/central_int.h"

#include "util/xmem.h"

/*
 * Every HR open that shows figures scans the store once (0.15 s of CPU
 * at 100 000 envelopes, 1.5 s at 1 000 000), before the passphrase
 * prompt. About half is SQLite reading the ids and heads, half the keyed
 * BLAKE2b of each; the digest is a sum, so its terms may be added in any
 * order and by any thread. The calling thread reads rows into batches
 * and hands each full one to a second thread; when that thread is behind
 * (every slot full) the caller hashes the batch itself, so neither
 * waits for the other. The two sums are added at the end. Without a
 * second thread (pthread_create fails) the caller hashes everything.
 */
#define SCAN_ROWS 512 /* rows per batch */
#define SCAN_SLOTS 4  /* batches queued for the second thread */

struct scan_row {
	uint8_t id[BUNDLE_ID_BYTES];
	uint8_t head[DIGEST_HEAD];
	size_t len; /* the envelope's; head holds min(len, DIGEST_HEAD) */
};

struct scan_batch {
	struct scan_row row[SCAN_ROWS];
	size_t n;
};

struct scan_q {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct scan_batch *full[SCAN_SLOTS]; /* to hash */
	struct scan_batch *spare[SCAN_SLOTS];
	size_t nfull, nspare;
	int done; /* no more batches */
	const uint8_t *key;
	uint8_t acc[DIGEST_BYTES]; /* the second thread's sum */
};

/* acc += a, mod 2^256 (little-endian). */
static void
scan_add(uint8_t acc[DIGEST_BYTES], const uint8_t a[DIGEST_BYTES])
{
	unsigned carry = 0, x;
	size_t i;

	for (i = 0; i < DIGEST_BYTES; i++) {
		x = (unsigned)acc[i] + a[i] + carry;
		acc[i] = (uint8_t)x;
		carry = x >> 8;
	}
}

static void
scan_hash(uint8_t acc[DIGEST_BYTES], const uint8_t *key, struct scan_batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		digest_term(acc, key, b->row[i].id, b->row[i].head,
		    b->row[i].len, 1);
	b->n = 0;
}

static void *
scan_worker(void *arg)
{
	struct scan_q *q = arg;
	struct scan_batch *b;

	for (;;) {
		pthread_mutex_lock(&q->mu);
		while (q->nfull == 0 && !q->done)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->nfull == 0) {
			pthread_mutex_unlock(&q->mu);
			return NULL;
		}
		b = q->full[--q->nfull];
		pthread_mutex_unlock(&q->mu);
		scan_hash(q->acc, q->key, b);
		pthread_mutex_lock(&q->mu);
		q->spare[q->nspare++] = b;
		pthread_mutex_unlock(&q->mu);
	}
}

/* Hand *cur to the second thread and take a spare in its place, or, if
 * none is free (or there is no second thread), hash it here. */
static void
scan_pass(struct scan_q *q, int threaded, uint8_t acc[DIGEST_BYTES],
    struct scan_batch **cur)
{
	if (threaded) {
		pthread_mutex_lock(&q->mu);
		if (q->nspare > 0) {
			q->full[q->nfull++] = *cur;
			*cur = q->spare[--q->nspare];
			pthread_cond_signal(&q->cv);
			pthread_mutex_unlock(&q->mu);
			return;
		}
		pthread_mutex_unlock(&q->mu);
	}
	scan_hash(acc, q->key, *cur);
}

int
cs_digest_scan(sqlite3 *h, const uint8_t *key, uint8_t acc[DIGEST_BYTES],
    size_t *n)
{
	struct scan_q q;
	struct scan_batch *cur;
	struct scan_row *r;
	sqlite3_stmt *st;
	pthread_t t;
	size_t i, len;
	int s, threaded;

	memset(acc, 0, DIGEST_BYTES);
	*n = 0;
	/* Only the head is read out of each record (see central_digest.c). */
	if ((s = sqlite3_prepare_v2(h,
		 "SELECT id, substr(data, 1, 48), "
		 "length(data) FROM envelopes",
		 -1, &st, NULL)) != SQLITE_OK)
		return s;
	_Static_assert(DIGEST_HEAD == 48, "the SQL above");
	memset(&q, 0, sizeof q);
	q.key = key;
	pthread_mutex_init(&q.mu, NULL);
	pthread_cond_init(&q.cv, NULL);
	for (i = 0; i < SCAN_SLOTS; i++)
		q.spare[q.nspare++] = xcalloc(1, sizeof *q.spare[0]);
	cur = xcalloc(1, sizeof *cur);
	threaded = pthread_create(&t, NULL, scan_worker, &q) == 0;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		len = (size_t)sqlite3_column_int64(st, 2);
		if (sqlite3_column_bytes(st, 0) != BUNDLE_ID_BYTES ||
		    (size_t)sqlite3_column_bytes(st, 1) !=
			(len < DIGEST_HEAD ? len : DIGEST_HEAD))
			continue; /* the CHECK constraint prevents it */
		r = &cur->row[cur->n++];
		memcpy(r->id, sqlite3_column_blob(st, 0), BUNDLE_ID_BYTES);
		memcpy(r->head, sqlite3_column_blob(st, 1),
		    len < DIGEST_HEAD ? len : DIGEST_HEAD);
		r->len = len;
		(*n)++;
		if (cur->n == SCAN_ROWS)
			scan_pass(&q, threaded, acc, &cur);
	}
	sqlite3_finalize(st);
	scan_hash(acc, key, cur);
	if (threaded) {
		pthread_mutex_lock(&q.mu);
		q.done = 1;
		pthread_cond_signal(&q.cv);
		pthread_mutex_unlock(&q.mu);
		pthread_join(t, NULL);
		scan_add(acc, q.acc);
	}
	free(cur);
	for (i = 0; i < q.nspare; i++)
		free(q.spare[i]);
	pthread_cond_destroy(&q.cv);
	pthread_mutex_destroy(&q.mu);
	return s == SQLITE_DONE ? SQLITE_OK : s;
}
