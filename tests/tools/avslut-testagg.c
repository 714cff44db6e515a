/* avslut-testagg: a test helper, never installed. Loads a central.db the
 * way the HR commands do (cli_hr_load) and prints its aggregates and the
 * publish gate's tables as lines the scenario test compares with what
 * tests/bench/gen counted on its own (see gen.c, write_expected). With
 * --import-turnover it first stores gen's turnover CSV through
 * central_turnover_import (for as long as `avslut-hr turnover import` is
 * not there to do it). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli/cli_hr.h"
#include "store/central.h"
#include "report/agg.h"
#include "report/gate.h"
#include "util/msg.h"
#include "util/sec.h"

static void
print_counts(const uint32_t *c, size_t n)
{
	size_t i;

	if (c == NULL || n == 0) {
		fputc('-', stdout);
		return;
	}
	for (i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", c[i]);
}

/* gen's CSV: BOM, a header, "unit;year;headcount;leavers", decimal
 * comma, CRLF. Nothing more general: the real importer is csvin. */
static int
import_turnover(const char *db, const char *file)
{
	struct turnover_row rows[4096];
	struct central *c;
	struct err e;
	char line[512], unit[128], hc[64], *p;
	unsigned year;
	double lv;
	size_t n = 0, i;
	FILE *f;
	int rc;

	if ((f = fopen(file, "r")) == NULL)
		msg_die(EX_NOINPUT, "cannot read %s", file);
	while (n < 4096 && fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%127[^;];%u;%63[^;];%lf", unit, &year, hc,
		    &lv) != 4)
			continue;	/* the header */
		if ((p = strchr(hc, ',')) != NULL)
			*p = '.';
		rows[n].unit = strdup(unit);
		rows[n].year = year;
		rows[n].headcount = strtod(hc, NULL);
		rows[n].leavers = lv;
		rows[n].retirements = rows[n].internal = -1;
		n++;
	}
	fclose(f);
	if (central_open(&c, db, 0, &e) != 0)
		msg_die(EX_IOERR, "%s", e.msg);
	rc = central_turnover_import(c, rows, n, "test turnover import", &e);
	if (rc != 0)
		msg_warn("%s", e.msg);
	central_close(c);
	for (i = 0; i < n; i++)
		free(rows[i].unit);
	return rc == 0 ? 0 : EX_IOERR;
}

/* I and C lines, as gen writes them. */
static void
print_agg(const struct agg *a)
{
	size_t u, y, q;

	printf("T %zu\nR %zu\n", agg_records(a), agg_rejected(a));
	for (u = 0; u < agg_nunits(a); u++)
		for (y = 0; y < agg_nyears(a); y++) {
			unsigned year = agg_year(a, y);
			uint32_t n = agg_interviews(a, u, year);

			if (n == 0)
				continue;
			printf("I %s %u %u\n", agg_unit(a, u)->code, year, n);
			for (q = 0; q < agg_nquestions(a); q++) {
				const struct agg_question *aq =
				    agg_question(a, q);
				const struct agg_cell *c =
				    agg_cell(a, u, year, q);

				if (c == NULL)
					continue;
				printf("C %s %u %s %u %u %u %u ",
				    agg_unit(a, u)->code, year, aq->id,
				    c->answered, c->declined, c->skipped,
				    c->notshown);
				print_counts(c->counts, aq->ncat);
				printf(" %zu\n", c->ntexts);
			}
		}
}

static const char *
kind_name(enum gate_row_kind k)
{
	switch (k) {
	case GATE_ROW_REGION:
		return "region";
	case GATE_ROW_AREA:
		return "area";
	case GATE_ROW_UNIT:
		return "unit";
	default:
		return "pool";
	}
}

/* G YEAR OPEN KIND KEY AREA_IX QID REASON ANSWERED COUNTS NTEXTS, one per
 * row and question; KEY is the unit code, the area name or "-". */
static int
print_gate(const struct agg *a, const struct config *cfg, unsigned year)
{
	struct gate_params p;
	struct gate_table *t;
	struct err e;
	size_t r, q;

	gate_params_default(&p);
	p.k = cfg->k;
	p.text_k = cfg->text_k;
	if (gate_publish(&t, a, year, &p, &e) != 0) {
		msg_warn("gate: %s", e.msg);
		return -1;
	}
	for (r = 0; r < t->nrows; r++) {
		const struct gate_row *row = &t->rows[r];
		const char *key = row->kind == GATE_ROW_UNIT ? row->code :
		    row->area != NULL ? row->area : "-";

		printf("N %u %d %s %s %ld %u\n", year, t->open,
		    kind_name(row->kind), key, row->area_ix == AGG_NONE ?
		    -1L : (long)row->area_ix, row->interviews);
		for (q = 0; q < t->ncols; q++) {
			const struct gate_fig *f = gate_fig(t, r, q);

			printf("G %u %d %s %s %ld %s %d %u ", year, t->open,
			    kind_name(row->kind), key,
			    row->area_ix == AGG_NONE ? -1L :
			    (long)row->area_ix, agg_question(a, q)->id,
			    (int)f->reason, f->answered);
			print_counts(f->counts, agg_question(a, q)->ncat);
			printf(" %zu\n", f->reason == GATE_SHOWN &&
			    f->text_reason == GATE_SHOWN ? f->ntexts : 0);
		}
	}
	gate_table_free(t);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "key", required_argument, NULL, 'k' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "gate", no_argument, NULL, 'g' },
		{ "import-turnover", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_hr_data d;
	const char *db = NULL, *key = NULL, *pf = NULL, *tv = NULL;
	size_t u, y;
	int c, rc, gate = 0;

	msg_set_prog("avslut-testagg");
	if (sec_init() == -1)
		msg_die(EX_SOFTWARE, "cannot initialise libsodium");
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'p':
			pf = optarg;
			break;
		case 'g':
			gate = 1;
			break;
		case 't':
			tv = optarg;
			break;
		default:
			fprintf(stderr, "usage: avslut-testagg [--db DB] "
			    "[--key KEY] [--passphrase-file F] [--gate]\n"
			    "       [--import-turnover CSV]\n");
			return EX_USAGE;
		}
	}
	if (tv != NULL && db != NULL && (rc = import_turnover(db, tv)) != 0)
		return rc;
	memset(&d, 0, sizeof d);
	if ((rc = cli_hr_load(db, key, pf, "test aggregates", &d)) != 0)
		return rc;
	print_agg(d.agg);
	if (d.nturnover > 0 && agg_nyears(d.agg) > 0) {
		unsigned last = agg_year(d.agg, agg_nyears(d.agg) - 1);

		for (u = 0; u < agg_nunits(d.agg); u++)
			if (agg_turnover_flag(d.turnover, d.nturnover,
			    agg_unit(d.agg, u)->code, last,
			    d.cfg->turnover_threshold,
			    d.cfg->turnover_years))
				printf("F %s\n", agg_unit(d.agg, u)->code);
	}
	for (y = 0; gate && y < agg_nyears(d.agg); y++)
		if (print_gate(d.agg, d.cfg, agg_year(d.agg, y)) != 0)
			rc = EX_SOFTWARE;
	cli_hr_data_free(&d);
	return rc;
}
