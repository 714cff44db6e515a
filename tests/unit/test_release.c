/* Unit tests for src/report/release: a closed year's first view records
 * release 1 and a later load reads the same tables back; late interviews
 * are held back; a revision is made when the late interviews pass the
 * gate on their own in every group they touch, refused when they do not
 * and whenever units moved between areas; a blob that does not open with
 * the key stops the view; release_check on hand-made tables. Runs on a
 * real central.db in a temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/audit.h"
#include "report/release.h"
#include "report_fixture.h"
#include "release_fixture.h"
#include "store/central.h"

#define Y 2020			/* closed on any date the tests run */

/* A unit's records: n alike, with scale value v and yes/no yn. */
struct batch {
	const char *unit;
	int n, v, yn;
};

static int
setup(void **state)
{
	(void)state;
	return relfx_setup(0);
}

/* The same units, A3 moved to South. */
static const struct agg_unit units_b[] = {
	{ "A1", "Unit A1", "North" }, { "A2", "Unit A2", "North" },
	{ "A3", "Unit A3", "South" }, { "B1", "Unit B1", "South" },
	{ "B2", "Unit B2", "South" },
};

/* One load (struct load): every batch's records, each with an id made
 * from its index (so that a later load sees the same ids), into a fresh
 * agg and the release set. */

/* The fixture's record helper, for the one place that needs no id. */
static void
add_plain(struct agg *a, const char *unit, int v, int yn)
{
	int vals[2] = { v, yn };

	assert_int_equal(fx_add(a, form, unit, Y, vals, NULL), 0);
}

static void
load_open(struct load *l, const struct agg_unit *units,
    const struct batch *b, size_t nb)
{
	const struct form *fs[1] = { form };
	struct form_answer ans[2];
	struct agg_rec r;
	struct err e;
	uint8_t id[ENV_ID_BYTES];
	uint32_t seq = 0;
	size_t i;
	int k;

	memset(l, 0, sizeof *l);
	assert_int_equal(central_open(&l->c, dbpath, CENTRAL_CREATE, &e), 0);
	l->a = agg_new(fs, 1, units, 5, NULL);
	assert_int_equal(release_set_open(&l->rs, l->c, pk, sk, fs, 1, units,
	    5, &e), 0);
	for (i = 0; i < nb; i++)
		for (k = 0; k < b[i].n; k++) {
			fx_answer(&ans[0], &form->questions[0], b[i].v, NULL);
			fx_answer(&ans[1], &form->questions[1], b[i].yn, NULL);
			r.unit = b[i].unit;
			r.year = Y;
			r.form_hash = form->hash;
			r.answers = ans;
			r.nanswers = 2;
			assert_int_equal(agg_add(l->a, &r, &e), 0);
			memset(id, 0, sizeof id);
			memcpy(id, &seq, sizeof seq);
			seq++;
			release_set_tap(l->rs, id, &r);
		}
	gate_params_default(&l->gp);
}

/* The figure of question q in unit row code (NULL: the region). */
static const struct gate_fig *
fig(const struct gate_table *t, const char *code, size_t q)
{
	size_t r;

	if (code == NULL)
		return gate_fig(t, gate_row_region(t), q);
	for (r = 0; r < t->nrows; r++)
		if (t->rows[r].kind == GATE_ROW_UNIT &&
		    strcmp(t->rows[r].code, code) == 0)
			return gate_fig(t, r, q);
	return NULL;
}

static const struct batch first[] = {
	{ "A1", 10, 4, 1 }, { "A2", 6, 2, 0 }, { "A3", 2, 1, 1 },
	{ "B1", 8, 5, 1 }, { "B2", 7, 3, 1 },
};

static void
view(struct load *l, struct gate_table **t, struct release_info *ri)
{
	struct err e;

	assert_int_equal(release_view(l->rs, l->c, pk, l->a, Y, &l->gp, t,
	    ri, &e), 0);
}

/* The first view records release 1; a later load shows the same figures
 * and holds one late interview back; release_list says so. */
static void
test_first_view_and_held(void **state)
{
	struct load l;
	struct gate_table *t, *g;
	struct release_info ri;
	const struct release_entry *v;
	struct err e;
	struct batch more[6];

	(void)state;
	load_open(&l, units_a, first, 5);
	view(&l, &t, &ri);
	assert_int_equal(ri.revision, 1);
	assert_int_equal(ri.held, 0);
	assert_int_equal(gate_publish(&g, l.a, Y, &l.gp, &e), 0);
	assert_int_equal(t->rows[0].interviews, 33);
	assert_int_equal(fig(t, "A1", 0)->reason, GATE_SHOWN);
	assert_int_equal(fig(t, "A3", 0)->reason, fig(g, "A3", 0)->reason);
	assert_int_equal(fig(t, NULL, 0)->answered, 33);
	gate_table_free(g);
	gate_table_free(t);
	load_close(&l);

	/* Another process, one interview more for A1 (answers no one gave). */
	memcpy(more, first, sizeof first);
	more[5].unit = "A1";
	more[5].n = 1;
	more[5].v = 1;
	more[5].yn = 0;
	load_open(&l, units_a, more, 6);
	view(&l, &t, &ri);
	assert_int_equal(ri.revision, 1);
	assert_int_equal(ri.held, 1);
	assert_true(ri.why[0] != '\0');
	assert_int_equal(t->rows[0].interviews, 33);
	assert_int_equal(fig(t, NULL, 0)->answered, 33);
	assert_int_equal(fig(t, "A1", 0)->answered, 10);
	assert_int_equal(fig(t, "A1", 0)->counts[0], 0);	/* no "1" */
	assert_int_equal(release_list(l.rs, &v), 1);
	assert_int_equal(v[0].year, Y);
	assert_int_equal(v[0].revision, 1);
	assert_int_equal(v[0].interviews, 33);
	assert_int_equal(v[0].held, 1);
	gate_table_free(t);
	load_close(&l);
}

/* The envelope ids as the sealed blob of the first release holds them,
 * read by hand from the bytes (release.c's header: magic, five u32,
 * the map as strings, then u32 n and the ids): 1 if ascending. */
static int
blob_ids_sorted(struct central *c, size_t *nids)
{
	struct central_release *rows;
	struct err e;
	uint8_t *p;
	size_t n, len, off, i, k;
	uint32_t m, nu;
	int ok = 1;

	assert_int_equal(central_release_list(c, &rows, &n, &e), 0);
	assert_true(n >= 1);
	len = rows[0].bloblen - crypto_box_SEALBYTES;
	p = xmalloc(len);
	assert_int_equal(crypto_box_seal_open(p, rows[0].blob,
	    rows[0].bloblen, pk, sk), 0);
	off = 8 + 5 * 4;
	nu = (uint32_t)p[off] << 24 | (uint32_t)p[off + 1] << 16 |
	    (uint32_t)p[off + 2] << 8 | p[off + 3];
	off += 4;
	for (i = 0; i < 2 * (size_t)nu; i++) {
		m = (uint32_t)p[off] << 24 | (uint32_t)p[off + 1] << 16 |
		    (uint32_t)p[off + 2] << 8 | p[off + 3];
		off += 4 + (m == 0xffffffffu ? 0 : m);
	}
	m = (uint32_t)p[off] << 24 | (uint32_t)p[off + 1] << 16 |
	    (uint32_t)p[off + 2] << 8 | p[off + 3];
	off += 4;
	assert_true(off + (size_t)m * ENV_ID_BYTES <= len);
	*nids = m;
	for (k = 1; k < m; k++)
		if (memcmp(p + off + (k - 1) * ENV_ID_BYTES,
			p + off + k * ENV_ID_BYTES, ENV_ID_BYTES) >= 0)
			ok = 0;
	free(p);
	central_release_list_free(rows, n);
	return ok;
}

/* A year of 300 interviews (the tap's id list grows past its first
 * rooms, 64, 128 and 256): the release holds every id, and a load with
 * one more holds exactly that one back. */
static void
test_many_ids(void **state)
{
	static const struct batch big[] = {
		{ "A1", 120, 4, 1 }, { "A2", 90, 2, 0 }, { "B1", 90, 5, 1 },
		{ "A1", 1, 1, 0 },
	};
	struct load l;
	struct gate_table *t;
	struct release_info ri;
	const struct release_entry *v;
	size_t nids;

	(void)state;
	load_open(&l, units_a, big, 3);
	view(&l, &t, &ri);
	assert_int_equal(ri.revision, 1);
	assert_int_equal(ri.held, 0);
	assert_int_equal(t->rows[0].interviews, 300);
	/* in id order, not the order the load counted them: a release
	 * says nothing of which interviews came last (the review's LOW) */
	assert_true(blob_ids_sorted(l.c, &nids));
	assert_int_equal(nids, 300);
	gate_table_free(t);
	load_close(&l);
	load_open(&l, units_a, big, 4);
	view(&l, &t, &ri);
	assert_int_equal(ri.revision, 1);
	assert_int_equal(ri.held, 1);
	assert_int_equal(release_list(l.rs, &v), 1);
	assert_int_equal(v[0].interviews, 300);
	gate_table_free(t);
	load_close(&l);
}

/* One late interview in A3, a hidden unit: held back, and the audit of
 * the release reads the load less it (the release's late agg) as its
 * feasible point, so that hidden cells are decided without an LP (the
 * load itself counts A3 one more and is no point of the release's
 * model). */
static void
test_held_audit(void **state)
{
	struct load l;
	struct gate_table *t;
	struct release_info ri;
	struct batch more[6];
	struct audit_result r;
	const struct gate_table *tt[1];
	struct err e;

	(void)state;
	load_open(&l, units_a, first, 5);
	view(&l, &t, &ri);
	gate_table_free(t);
	load_close(&l);
	memcpy(more, first, sizeof first);
	more[5] = (struct batch){ "A3", 1, 1, 1 };
	load_open(&l, units_a, more, 6);
	view(&l, &t, &ri);
	assert_int_equal(ri.revision, 1);
	assert_int_equal(ri.held, 1);
	assert_true(gate_hidden(fig(t, "A3", 0)->reason));
	tt[0] = t;
	assert_int_equal(audit_check_tables(tt, 1, &r, &e), 0);
	assert_true(r.suppressed > 0);
	assert_true(r.certified >= r.suppressed);
	assert_int_equal(r.pinned, 0);
	audit_result_free(&r);
	gate_table_free(t);
	load_close(&l);
}

/* Five late interviews in the two hidden units of North (A2: 3, A3: 2,
 * answering differently): the pool, North and the region pass the gate on
 * the late interviews alone, the units stay hidden as before, and the
 * audit cannot pin either unit's late answers: revision 2 shows them. */
static void
test_revision_made(void **state)
{
	struct load l;
	struct gate_table *t;
	struct release_info ri;
	struct batch more[7];

	(void)state;
	load_open(&l, units_a, first, 5);
	view(&l, &t, &ri);
	gate_table_free(t);
	load_close(&l);
	memcpy(more, first, sizeof first);
	more[5] = (struct batch){ "A2", 3, 3, 1 };
	more[6] = (struct batch){ "A3", 2, 4, 0 };
	load_open(&l, units_a, more, 7);
	view(&l, &t, &ri);
	if (ri.revision != 2)
		print_message("why: %s\n", ri.why);
	assert_int_equal(ri.revision, 2);
	assert_int_equal(ri.held, 0);
	assert_int_equal(t->rows[0].interviews, 38);
	assert_int_equal(fig(t, NULL, 0)->answered, 38);
	assert_int_equal(fig(t, "A1", 0)->answered, 10);
	assert_true(gate_hidden(fig(t, "A2", 0)->reason));
	gate_table_free(t);
	load_close(&l);
	/* the next load reads revision 2 back, nothing held */
	load_open(&l, units_a, more, 7);
	view(&l, &t, &ri);
	assert_int_equal(ri.revision, 2);
	assert_int_equal(ri.held, 0);
	assert_int_equal(fig(t, NULL, 0)->answered, 38);
	gate_table_free(t);
	load_close(&l);
}

/* Five late interviews in A1 alone pass the gate on their own in every
 * group they touch: A1's revised figure minus release 1's is exactly
 * their answers, but that difference is a release of its own that the
 * gate passes (five answers, k 5), so revision 2 is made (issue 10: late
 * interviews enter a revision when its difference from every earlier
 * release passes the gate). */
static void
test_revision_audited(void **state)
{
	struct load l;
	struct gate_table *t, *g;
	struct release_info ri;
	struct batch more[6];
	struct err e;

	(void)state;
	load_open(&l, units_a, first, 5);
	view(&l, &t, &ri);
	gate_table_free(t);
	load_close(&l);
	memcpy(more, first, sizeof first);
	more[5] = (struct batch){ "A1", 5, 3, 1 };
	load_open(&l, units_a, more, 6);
	view(&l, &t, &ri);
	if (ri.revision != 2)
		print_message("why: %s\n", ri.why);
	assert_int_equal(ri.revision, 2);
	assert_int_equal(ri.held, 0);
	assert_int_equal(fig(t, "A1", 0)->answered, 15);
	/* the difference from release 1 is the five (all "3"), which the
	 * gate shows for a release of those five alone */
	assert_int_equal(fig(t, "A1", 0)->counts[2], 5);
	assert_int_equal(fig(t, "A1", 0)->counts[3], 10);
	assert_int_equal(gate_publish(&g, l.a, Y, &l.gp, &e), 0);
	assert_int_equal(fig(g, "A1", 0)->reason, GATE_SHOWN);
	gate_table_free(g);
	gate_table_free(t);
	load_close(&l);

	/* Five more, in B1, later: revision 3. The audit reads revision 2's
	 * own difference (release_difference: A1's five, shown by the gate
	 * on their own), so A1's late answers, which revisions 1 to 3 pin,
	 * are no finding: without it every late answer of revision 2 would
	 * have to stay unpinned and no third revision could be made. */
	{
		struct batch more3[7];

		memcpy(more3, more, sizeof more);
		more3[6] = (struct batch){ "B1", 5, 2, 1 };
		load_open(&l, units_a, more3, 7);
		view(&l, &t, &ri);
		if (ri.revision != 3)
			print_message("why: %s\n", ri.why);
		assert_int_equal(ri.revision, 3);
		assert_int_equal(ri.held, 0);
		assert_int_equal(fig(t, "B1", 0)->answered, 13);
		assert_int_equal(fig(t, "A1", 0)->answered, 15);
		assert_int_equal(release_difference(l.rs, Y, 1, &l.gp, &g,
		    &e), 0);
		assert_non_null(g);
		assert_int_equal(fig(g, "A1", 0)->answered, 5);
		assert_int_equal(fig(g, "B1", 0)->reason, GATE_NO_DATA);
		gate_table_free(g);
		gate_table_free(t);
		load_close(&l);
	}
}

/* Five late interviews spread over two units: each unit's difference has
 * fewer than k, so no revision; all five are held back. */
static void
test_revision_refused(void **state)
{
	struct load l;
	struct gate_table *t;
	struct release_info ri;
	struct batch more[7];

	(void)state;
	load_open(&l, units_a, first, 5);
	view(&l, &t, &ri);
	gate_table_free(t);
	load_close(&l);
	memcpy(more, first, sizeof first);
	more[5] = (struct batch){ "A1", 3, 3, 1 };
	more[6] = (struct batch){ "B1", 2, 3, 1 };
	load_open(&l, units_a, more, 7);
	view(&l, &t, &ri);
	assert_int_equal(ri.revision, 1);
	assert_int_equal(ri.held, 5);
	assert_int_equal(fig(t, "A1", 0)->answered, 10);
	assert_int_equal(fig(t, "B1", 0)->answered, 8);
	gate_table_free(t);
	load_close(&l);
}

/* A reorganisation: A3 moved to South. The release keeps North as it
 * was, and late interviews that would pass otherwise stay held back. */
static void
test_reorganisation(void **state)
{
	struct load l;
	struct gate_table *t, *t1;
	struct release_info ri;
	struct batch more[6];
	size_t r, q;

	(void)state;
	load_open(&l, units_a, first, 5);
	view(&l, &t1, &ri);
	load_close(&l);
	load_open(&l, units_b, first, 5);
	view(&l, &t, &ri);
	assert_int_equal(ri.revision, 1);
	assert_int_equal(ri.held, 0);
	assert_int_equal(t->nrows >= t1->nrows, 1);
	for (r = 0; r < t1->nrows; r++) {
		assert_int_equal(t->rows[r].kind, t1->rows[r].kind);
		assert_int_equal(t->rows[r].interviews, t1->rows[r].interviews);
		for (q = 0; q < t1->ncols; q++) {
			assert_int_equal(gate_fig(t, r, q)->reason,
			    gate_fig(t1, r, q)->reason);
			assert_int_equal(gate_fig(t, r, q)->answered,
			    gate_fig(t1, r, q)->answered);
		}
	}
	gate_table_free(t);
	load_close(&l);
	memcpy(more, first, sizeof first);
	more[5] = (struct batch){ "A1", 5, 3, 1 };
	load_open(&l, units_b, more, 6);
	view(&l, &t, &ri);
	assert_int_equal(ri.revision, 1);
	assert_int_equal(ri.held, 5);
	assert_non_null(strstr(ri.why, "areas"));
	gate_table_free(t);
	gate_table_free(t1);
	load_close(&l);
}

/* A closed year without interviews is shown but not released: a release
 * would hold back every interview still to come. */
static void
test_empty_year(void **state)
{
	struct load l;
	struct gate_table *t;
	struct release_info ri;
	const struct release_entry *v;
	struct err e;

	(void)state;
	load_open(&l, units_a, first, 5);
	assert_int_equal(release_view(l.rs, l.c, pk, l.a, Y - 1, &l.gp, &t,
	    &ri, &e), 0);
	assert_int_equal(ri.revision, 0);
	assert_int_equal(t->rows[0].interviews, 0);
	assert_int_equal(release_list(l.rs, &v), 0);
	gate_table_free(t);
	load_close(&l);
}

/* A release sealed to another key stops the view: nothing is shown as if
 * it had not been released. */
static void
test_other_key_refused(void **state)
{
	const struct form *fs[1] = { form };
	struct central_release row;
	struct release_set *rs;
	struct central *c;
	struct err e;
	uint8_t opk[ENV_PK_BYTES], osk[ENV_SK_BYTES], plain[64], *sealed;

	(void)state;
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	crypto_box_keypair(opk, osk);
	memset(plain, 'x', sizeof plain);
	memcpy(plain, RELEASE_MAGIC, 8);
	sealed = xmalloc(sizeof plain + crypto_box_SEALBYTES);
	crypto_box_seal(sealed, plain, sizeof plain, opk);
	memset(&row, 0, sizeof row);
	row.year = Y;
	row.revision = 1;
	strcpy(row.date, "2021-03-01");
	strcpy(row.mapdigest, "00");
	row.blob = sealed;
	row.bloblen = sizeof plain + crypto_box_SEALBYTES;
	assert_int_equal(central_release_add(c, &row, &e), 0);
	assert_int_equal(central_release_add(c, &row, &e), 1);
	assert_int_equal(release_set_open(&rs, c, pk, sk, fs, 1, units_a, 5,
	    &e), -1);
	assert_int_equal(e.cls, ERR_DATA);
	assert_non_null(strstr(e.msg, "does not open"));
	free(sealed);
	central_close(c);
}

/* release_check on tables made by hand: X, X + D and D. */
static void
check_case(const struct batch *late, size_t nlate, int want)
{
	const struct form *fs[1] = { form };
	struct agg *x, *xd, *d;
	struct gate_table *p, *cand;
	struct gate_params gp;
	struct err e;
	char why[256];
	size_t i;
	int k;

	x = agg_new(fs, 1, units_a, 5, NULL);
	xd = agg_new(fs, 1, units_a, 5, NULL);
	d = agg_new(fs, 1, units_a, 5, NULL);
	for (i = 0; i < 5; i++)
		for (k = 0; k < first[i].n; k++) {
			add_plain(x, first[i].unit, first[i].v, first[i].yn);
			add_plain(xd, first[i].unit, first[i].v, first[i].yn);
		}
	for (i = 0; i < nlate; i++)
		for (k = 0; k < late[i].n; k++) {
			add_plain(d, late[i].unit, late[i].v, late[i].yn);
			add_plain(xd, late[i].unit, late[i].v, late[i].yn);
		}
	gate_params_default(&gp);
	assert_int_equal(gate_publish(&p, x, Y, &gp, &e), 0);
	assert_int_equal(gate_publish(&cand, xd, Y, &gp, &e), 0);
	why[0] = '\0';
	k = release_check(cand, (const struct gate_table *const *)&p,
	    (const struct agg *const *)&d, 1, &gp, why, sizeof why);
	if (k != want)
		print_message("why: %s\n", why);
	assert_int_equal(k, want);
	if (!want)
		assert_true(why[0] != '\0');
	else if (why[0] != '\0')
		print_message("why: %s\n", why);
	gate_table_free(cand);
	gate_table_free(p);
	agg_free(x);
	agg_free(xd);
	agg_free(d);
}

static void
test_check(void **state)
{
	static const struct batch one[] = { { "A1", 1, 1, 0 } };
	static const struct batch five[] = { { "B1", 5, 2, 1 } };
	static const struct batch four[] = { { "B1", 4, 2, 1 } };
	static const struct batch split[] = { { "A1", 5, 2, 1 },
	    { "B2", 5, 4, 0 } };

	(void)state;
	check_case(one, 1, 0);		/* A1's difference: one leaver */
	check_case(four, 1, 0);		/* fewer than k */
	check_case(five, 1, 1);
	check_case(split, 2, 1);	/* k in each group they touch */
}

/* The red team's rollback (tests/attacks/restore_backup.py, case 3): a
 * release row deleted outside avslut-hr, or the store restored from a
 * copy made before the release, is refused by the next view (the ledger
 * of releases this account has seen names it) instead of released again;
 * purge forgets the ledger's releases with the store's. */
static void
test_rollback_refused(void **state)
{
	const struct form *fs[1] = { form };
	struct release_set *rs;
	struct gate_table *t;
	struct release_info ri;
	struct central *c;
	struct load l;
	struct err e;
	sqlite3 *db;
	size_t n;

	(void)state;
	load_open(&l, units_a, first, 5);
	view(&l, &t, &ri);
	assert_int_equal(ri.revision, 1);
	gate_table_free(t);
	load_close(&l);

	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM releases", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	assert_int_equal(release_set_open(&rs, c, pk, sk, fs, 1, units_a, 5,
	    &e), -1);
	assert_int_equal(e.cls, ERR_DATA);
	assert_non_null(strstr(e.msg, "lacks release 1 of"));
	/* a purge of that year takes the release out of the ledger too */
	assert_int_equal(central_release_purge(c, Y + 1, &n, &e), 0);
	assert_int_equal(release_ledger_purge(dbpath, Y + 1, &e), 0);
	assert_int_equal(release_set_open(&rs, c, pk, sk, fs, 1, units_a, 5,
	    &e), 0);
	release_set_free(rs);
	central_close(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_held_audit, each_teardown),
		cmocka_unit_test_teardown(test_first_view_and_held,
		    each_teardown),
		cmocka_unit_test_teardown(test_many_ids, each_teardown),
		cmocka_unit_test_teardown(test_revision_made, each_teardown),
		cmocka_unit_test_teardown(test_revision_audited,
		    each_teardown),
		cmocka_unit_test_teardown(test_revision_refused,
		    each_teardown),
		cmocka_unit_test_teardown(test_reorganisation, each_teardown),
		cmocka_unit_test_teardown(test_other_key_refused,
		    each_teardown),
		cmocka_unit_test_teardown(test_empty_year, each_teardown),
		cmocka_unit_test(test_check),
		cmocka_unit_test_teardown(test_rollback_refused,
		    each_teardown),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
