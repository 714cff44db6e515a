/* libFuzzer target for release_set_snap_get: no input may crash it, leak
 * or read out of bounds; what it accepts must encode back byte for byte,
 * and what it refuses must leave the set as opened. The set is opened
 * once from a store made at start (in a temporary directory, removed at
 * exit) with release 1 of 2019 and releases 1 and 2 of 2020, as
 * tests/unit/test_release_snap.c makes them; tests/fuzz/corpus/
 * fuzz_release_snap holds its snapshot after the load (written by a run
 * with FUZZ_RELEASE_SNAP_SEED set to a path). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#pragma GCC diagnostic ignored "-Wunused-function"
#include "../unit/report_fixture.h"
#include "report/gate.h"
#include "report/release.h"
#include "store/central.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define Y 2020

static const struct agg_unit units[] = {
	{ "A1", "Unit A1", "North" },
	{ "A2", "Unit A2", "North" },
	{ "A3", "Unit A3", "North" },
	{ "B1", "Unit B1", "South" },
	{ "B2", "Unit B2", "South" },
};

struct batch {
	const char *unit;
	unsigned year;
	int n, v, yn;
};

static const struct batch base[] = {
	{ "A1", Y, 10, 4, 1 },
	{ "A2", Y, 6, 2, 0 },
	{ "A3", Y, 2, 1, 1 },
	{ "B1", Y, 8, 5, 1 },
	{ "B2", Y, 7, 3, 1 },
	{ "A1", Y - 1, 9, 3, 1 },
	{ "B1", Y - 1, 8, 2, 0 },
};
static const struct batch late[] = {
	{ "A2", Y, 3, 3, 1 },
	{ "A3", Y, 2, 4, 0 },
};

static char dir[64];
static char *dbpath;
static uint8_t pk[ENV_PK_BYTES], sk[ENV_SK_BYTES];
static struct form *form;
static struct central *c;
static struct release_set *rs; /* as opened */
static struct buf opened = BUF_INIT;

static void
die(const char *what)
{
	fprintf(stderr, "fuzz_release_snap: %s\n", what);
	abort();
}

static void
cleanup(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_release_snap: %s left\n", dir);
	free(cmd);
}

static void
set_open(void)
{
	const struct form *fs[1] = { form };
	struct err e;

	if (release_set_open(&rs, c, pk, sk, fs, 1, units, 5, &e) != 0)
		die(e.msg);
}

/* Count and tap the records of b (ids from *seq on). */
static void
tap(struct agg *a, const struct batch *b, size_t nb, uint32_t *seq)
{
	struct form_answer ans[2];
	struct agg_rec r;
	struct err e;
	uint8_t id[ENV_ID_BYTES];
	size_t i;
	int k;

	for (i = 0; i < nb; i++)
		for (k = 0; k < b[i].n; k++, (*seq)++) {
			fx_answer(&ans[0], &form->questions[0], b[i].v, NULL);
			fx_answer(&ans[1], &form->questions[1], b[i].yn, NULL);
			r.unit = b[i].unit;
			r.year = b[i].year;
			r.form_hash = form->hash;
			r.answers = ans;
			r.nanswers = 2;
			if (agg_add(a, &r, &e) != 0)
				die(e.msg);
			crypto_generichash(id, sizeof id,
			    (const uint8_t *)seq, sizeof *seq, NULL, 0);
			release_set_tap(rs, id, &r);
		}
}

static void
view(struct agg *a, unsigned y, unsigned want)
{
	struct gate_params gp;
	struct gate_table *t;
	struct release_info ri;
	struct err e;

	gate_params_default(&gp);
	if (release_view(rs, c, pk, a, y, &gp, &t, &ri, &e) != 0)
		die(e.msg);
	gate_table_free(t);
	if (ri.revision != want)
		die("the store's releases are not the expected ones");
}

static void
init(void)
{
	const struct form *fs[1];
	struct agg *a;
	struct buf b = BUF_INIT;
	const char *seed = getenv("FUZZ_RELEASE_SNAP_SEED");
	struct err e;
	uint32_t seq = 0;
	FILE *f;

	if (sodium_init() < 0)
		die("sodium_init");
	strcpy(dir, "/tmp/avslut-fzrel-XXXXXX");
	if (mkdtemp(dir) == NULL)
		die("mkdtemp");
	atexit(cleanup);
	dbpath = xasprintf("%s/central.db", dir);
	setenv("AVSLUT_HOME", dir, 1); /* the ledger of releases seen */
	crypto_box_keypair(pk, sk);
	form = fx_form("f", 1);
	fx_q(form, "lead", FORM_SCALE, NULL, 1, 5);
	fx_q(form, "ok", FORM_YESNO, NULL, 0, 1);
	fs[0] = form;
	if (central_open(&c, dbpath, CENTRAL_CREATE, &e) != 0)
		die(e.msg);
	a = agg_new(fs, 1, units, 5, NULL);
	set_open();
	tap(a, base, 7, &seq);
	view(a, Y, 1);
	view(a, Y - 1, 1);
	tap(a, late, 2, &seq);
	view(a, Y, 2);
	if (seed != NULL) {
		release_set_snap_put(rs, &b);
		f = fopen(seed, "wb");
		if (f == NULL || fwrite(buf_data(&b), 1, buf_len(&b), f) !=
			buf_len(&b) || fclose(f) != 0)
			die(seed);
		buf_free(&b);
	}
	release_set_free(rs);
	agg_free(a);
	set_open();
	release_set_snap_put(rs, &opened);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf b = BUF_INIT;
	struct buf_rd r;
	int rc;

	if (rs == NULL)
		init();
	buf_rd_init(&r, data, size);
	rc = release_set_snap_get(rs, &r);
	release_set_snap_put(rs, &b);
	if (rc == 0) {
		/* The reader is strict: only the writer's bytes pass. */
		if (buf_len(&b) != buf_rd_off(&r) ||
		    memcmp(buf_data(&b), data, buf_len(&b)) != 0)
			abort();
		release_set_free(rs);
		set_open();
	} else if (buf_len(&b) != buf_len(&opened) ||
	    memcmp(buf_data(&b), buf_data(&opened), buf_len(&b)) != 0) {
		abort(); /* refused, yet the set changed */
	}
	buf_free(&b);
	return 0;
}
