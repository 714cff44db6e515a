/* Unit tests for the HR tables of src/store/central: turnover and HME
 * imports (all or nothing, replacing by unit and year, logged) and the
 * envelope delete that purge uses (logged, VACUUM, WAL truncated). */
#include "rmtree.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/central.h"
#include "util/xmem.h"

static char dir[64];
static char *dbpath;

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	strcpy(dir, "/tmp/avslut-tch-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	dbpath = xasprintf("%s/central.db", dir);
	return 0;
}

static void
rm_db(void)
{
	rmstore(dbpath);
}

static int
teardown(void **state)
{
	(void)state;
	rmtree(dir); /* the store, its key file, whatever else */
	free(dbpath);
	return 0;
}

static int
each_teardown(void **state)
{
	(void)state;
	rm_db();
	return 0;
}

static const char *
last_log(struct central *c)
{
	static char buf[256];
	struct central_log_entry *v;
	struct err e;
	size_t n;

	buf[0] = '\0';
	if (central_log_list(c, &v, &n, &e) == 0 && n > 0)
		snprintf(buf, sizeof buf, "%s", v[n - 1].what);
	central_log_list_free(v, n);
	return buf;
}

static void
test_turnover(void **state)
{
	struct turnover_row rows[] = {
		{ "B", 2025, 20.5, 3, -1, -1 },
		{ "A", 2024, 40, 4, 1, -1 },
		{ "A", 2025, 41.5, 6, 2, 3 },
	};
	struct turnover_row again[] = {
		{ "A", 2025, 39, 7, -1, -1 },
		{ "C", 2025, 10, 1, -1, -1 },
	};
	struct turnover_row *v;
	struct central *c;
	struct err e;
	size_t n;

	(void)state;
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	assert_int_equal(central_turnover_list(c, &v, &n, &e), 0);
	assert_int_equal(n, 0);
	central_turnover_list_free(v, n);
	assert_int_equal(central_turnover_import(c, rows, 3, "turnover x",
	    &e), 0);
	assert_string_equal(last_log(c), "turnover x");
	assert_int_equal(central_turnover_list(c, &v, &n, &e), 0);
	assert_int_equal(n, 3);
	/* By unit, then year. */
	assert_string_equal(v[0].unit, "A");
	assert_int_equal(v[0].year, 2024);
	assert_string_equal(v[1].unit, "A");
	assert_int_equal(v[1].year, 2025);
	assert_true(v[1].headcount == 41.5);
	assert_true(v[1].leavers == 6);
	/* retirements and internal moves (schema 5): NULL reads -1 */
	assert_true(v[0].retirements == 1 && v[0].internal == -1);
	assert_true(v[1].retirements == 2 && v[1].internal == 3);
	assert_true(v[2].retirements == -1 && v[2].internal == -1);
	assert_string_equal(v[2].unit, "B");
	central_turnover_list_free(v, n);
	/* Same unit and year replaced, the others kept, one new. */
	assert_int_equal(central_turnover_import(c, again, 2, "turnover y",
	    &e), 0);
	assert_int_equal(central_turnover_list(c, &v, &n, &e), 0);
	assert_int_equal(n, 4);
	assert_true(v[1].headcount == 39 && v[1].leavers == 7);
	assert_true(v[1].retirements == -1 && v[1].internal == -1);
	assert_string_equal(v[3].unit, "C");
	central_turnover_list_free(v, n);
	central_close(c);
}

/* A row the table refuses (negative headcount) rolls the whole import
 * back, log line included. */
static void
test_turnover_all_or_nothing(void **state)
{
	struct turnover_row rows[] = {
		{ "A", 2024, 40, 4, -1, -1 },
		{ "B", 2024, -1, 4, -1, -1 },
	};
	struct turnover_row *v;
	struct central *c;
	struct err e;
	size_t n;

	(void)state;
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	assert_true(central_turnover_import(c, rows, 2, "turnover z", &e) <
	    0);
	assert_int_equal(central_turnover_list(c, &v, &n, &e), 0);
	assert_int_equal(n, 0);
	central_turnover_list_free(v, n);
	assert_string_equal(last_log(c), "");
	central_close(c);
}

static void
test_hme(void **state)
{
	struct hme_row rows[] = {
		{ "A", 2025, 78.5, 80, 76, 79.5 },
		{ "A", 2024, 70, 71, 72, 73 },
	};
	struct hme_row *v;
	struct central *c;
	struct err e;
	size_t n;

	(void)state;
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	assert_int_equal(central_hme_import(c, rows, 2, "hme x", &e), 0);
	assert_string_equal(last_log(c), "hme x");
	assert_int_equal(central_hme_list(c, &v, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].year, 2024);
	assert_true(v[1].hme == 78.5 && v[1].motivation == 80 &&
	    v[1].ledarskap == 76 && v[1].styrning == 79.5);
	central_hme_list_free(v, n);
	central_close(c);
}

static int
count_env(void *ctx, const uint8_t *id, const uint8_t *data, size_t len)
{
	size_t *n = ctx;

	(void)id;
	(void)data;
	(void)len;
	(*n)++;
	return 0;
}

static void
test_env_delete(void **state)
{
	uint8_t ids[6][BUNDLE_ID_BYTES], gone[3][BUNDLE_ID_BYTES];
	struct bundle_env envs[6];
	struct bundle_ack *acks;
	struct bundle b;
	struct central *c;
	struct err e;
	struct stat st;
	char *wal;
	size_t i, nacks, added, deleted, n;

	(void)state;
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	memset(&b, 0, sizeof b);
	randombytes_buf(b.signer, sizeof b.signer);
	assert_int_equal(central_interviewer_add(c, b.signer, "t", &e), 0);
	for (i = 0; i < 6; i++) {
		randombytes_buf(ids[i], BUNDLE_ID_BYTES);
		memcpy(envs[i].id, ids[i], BUNDLE_ID_BYTES);
		envs[i].len = 1072;
		envs[i].data = xmalloc(envs[i].len);
		memset(envs[i].data, 0x5a, envs[i].len);
	}
	b.envs = envs;
	b.n = 6;
	assert_int_equal(central_ingest(c, &b, &acks, &nacks, &added, &e), 0);
	free(acks);
	/* Two stored ids and one the store never had. */
	memcpy(gone[0], ids[1], BUNDLE_ID_BYTES);
	memcpy(gone[1], ids[4], BUNDLE_ID_BYTES);
	memset(gone[2], 0, BUNDLE_ID_BYTES);
	assert_int_equal(central_env_delete(c,
	    (const uint8_t(*)[BUNDLE_ID_BYTES])gone, 3, "purge x", &deleted,
	    &e), 0);
	assert_int_equal(deleted, 2);
	assert_string_equal(last_log(c), "purge x");
	n = 0;
	assert_int_equal(central_env_foreach(c, count_env, &n, &e), 0);
	assert_int_equal(n, 4);
	assert_int_equal(central_env_count(c, &n, &e), 0);
	assert_int_equal(n, 4);
	wal = xasprintf("%s-wal", dbpath);
	assert_true(stat(wal, &st) != 0 || st.st_size == 0);
	free(wal);
	for (i = 0; i < 6; i++)
		free(envs[i].data);
	central_close(c);
}

/* A list that cannot be read: -1, the class and what was being done,
 * and nothing handed back (the list helper frees what it read). */
static void
test_list_fails(void **state)
{
	struct hme_row rows[] = { { "A", 2025, 78.5, 80, 76, 79.5 } };
	struct hme_row *v = rows;
	static struct central_form unset;
	struct central_form *f = &unset;
	struct central *c;
	struct err e;
	sqlite3 *db;
	size_t n = 7;

	(void)state;
	assert_int_equal(central_open(&c, dbpath, CENTRAL_CREATE, &e), 0);
	assert_int_equal(central_hme_import(c, rows, 1, "hme x", &e), 0);
	central_close(c);
	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE hme; DROP TABLE forms",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(central_open(&c, dbpath, 0, &e), 0);
	err_clear(&e);
	assert_int_equal(central_hme_list(c, &v, &n, &e), -1);
	assert_null(v);
	assert_int_equal(n, 0);
	assert_non_null(strstr(e.msg, "cannot read the HME"));
	n = 7;
	assert_int_equal(central_form_list(c, &f, &n, &e), -1);
	assert_null(f);
	assert_int_equal(n, 0);
	assert_non_null(strstr(e.msg, "cannot list the forms"));
	central_close(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_turnover, each_teardown),
		cmocka_unit_test_teardown(test_turnover_all_or_nothing,
		    each_teardown),
		cmocka_unit_test_teardown(test_hme, each_teardown),
		cmocka_unit_test_teardown(test_list_fails, each_teardown),
		cmocka_unit_test_teardown(test_env_delete, each_teardown),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
