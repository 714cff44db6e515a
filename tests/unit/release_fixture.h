/* release_fixture: the store of the release tests (test_release*.c): a
 * temporary directory holding central.db and, through AVSLUT_HOME, the
 * ledger of releases seen; an HR key pair; a form of a scale question
 * (lead, 1..5), a yes/no (ok) and, if asked for, a text (why). Static,
 * one copy per test; include after cmocka.h and report_fixture.h. */
#ifndef AVSLUT_RELEASE_FIXTURE_H
#define AVSLUT_RELEASE_FIXTURE_H

#include "rmtree.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/env.h"
#include "report/agg.h"
#include "report/gate.h"
#include "report/release.h"
#include "store/central.h"
#include "util/xmem.h"

static char dir[64];
static char *dbpath;
static uint8_t pk[ENV_PK_BYTES], sk[ENV_SK_BYTES];
static struct form *form;

/* Five units in two areas. */
static const struct agg_unit units_a[] = {
	{ "A1", "Unit A1", "North" }, { "A2", "Unit A2", "North" },
	{ "A3", "Unit A3", "North" }, { "B1", "Unit B1", "South" },
	{ "B2", "Unit B2", "South" },
};

/* A load: its store, aggregation and release set, and the gate. */
struct load {
	struct central *c;
	struct agg *a;
	struct release_set *rs;
	struct gate_params gp;
};

static void
load_close(struct load *l)
{
	release_set_free(l->rs);
	agg_free(l->a);
	central_close(l->c);
}

static int
relfx_setup(int text)
{
	if (sodium_init() < 0)
		return -1;
	strcpy(dir, "/tmp/avslut-trel-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	dbpath = xasprintf("%s/central.db", dir);
	/* the ledger of releases seen (release_ledger.c) goes under dir */
	setenv("AVSLUT_HOME", dir, 1);
	crypto_box_keypair(pk, sk);
	form = fx_form("f", 1);
	fx_q(form, "lead", FORM_SCALE, NULL, 1, 5);
	fx_q(form, "ok", FORM_YESNO, NULL, 0, 1);
	if (text)
		fx_q(form, "why", FORM_TEXT, NULL, 0, 0);
	return 0;
}

static void
rm_db(void)
{
	char *p;

	rmstore(dbpath);
	/* a new store at the same path: this account has seen none of its
	 * releases */
	p = xasprintf("rm -rf '%s/config'", dir);
	assert_int_equal(system(p), 0);
	free(p);
}

static int
teardown(void **state)
{
	(void)state;
	rmtree(dir); /* the store, the ledger's config, whatever else */
	free(dbpath);
	fx_form_free(form);
	return 0;
}

static int
each_teardown(void **state)
{
	(void)state;
	rm_db();
	return 0;
}

#endif
