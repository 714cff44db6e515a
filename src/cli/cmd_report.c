/* cmd_report: `avslut-hr report --year Y --format md|csv|html [--out
 * FILE]`: the yearly report, every interview figure through the gate;
 * the unlock is logged with what was reported. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "cli/cli_hr.h"
#include "report/audit.h"
#include "report/gate.h"
#include "report/report.h"
#include "util/fsx.h"
#include "util/i18n.h"
#include "util/msg.h"
#include "util/xmem.h"

static void
report_usage(FILE *f)
{
	fputs(_("usage: avslut-hr report [--year YEAR]\n"
	    "           [--format md|csv|html|codebook]\n"
	    "           [--out FILE] [--lang sv|en] [--db FILE] [--key FILE]\n"
	    "           [--passphrase-file FILE]\n"
	    "Write the yearly report for the regional board: the region, the\n"
	    "units with high turnover and their coverage, reasons for leaving,\n"
	    "HME beside the staff survey, the trend, each unit as far as the\n"
	    "anonymity rules allow, and a note on method. Every figure passes\n"
	    "the publish gate (k answers per figure, complementary\n"
	    "suppression, closed years only, free text from 8 answers).\n\n"
	    "  --year YEAR      the year (default: the newest closed year)\n"
	    "  --format FMT     md (default), csv (UTF-8 with BOM, ';',\n"
	    "                   decimal comma), html (one self-contained\n"
	    "                   file) or codebook (CSV: each question and\n"
	    "                   category id with its text)\n"
	    "  --out FILE       write FILE (mode 0600) instead of stdout\n"
	    "  --lang sv|en     the report's language (default: the\n"
	    "                   locale's; question texts from the form)\n"
	    "  --db FILE        the central store\n"
	    "  --key FILE       the HR key file\n"
	    "  --passphrase-file FILE  read the passphrase from line 1\n"
	    "  --help           show this help\n"
	    "Before anything is written the disclosure audit checks every\n"
	    "hidden figure against all the tables (see avslut-hr audit).\n"
	    "Exit 0 on success, 64 usage, 65 refused by the audit, 66 no\n"
	    "store, 74 I/O, 77 wrong passphrase, 78 bad config.\n"), f);
}

static int
report_parse_year(const char *s, unsigned *y)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1900 || v > 2999)
		return -1;
	*y = (unsigned)v;
	return 0;
}

/* Render into memory, then to stdout or atomically to the file. */
static int
report_run(struct cli_hr_data *d, unsigned year, int have_year,
    enum report_format fmt, const char *out, const char *lang)
{
	struct gate_params gp;
	struct gate_table **tabs;
	struct report_input in;
	struct release_info ri, cri;
	struct err e;
	size_t ny = agg_nyears(d->agg), nt = 0, i;
	FILE *tmp;
	char *buf;
	long len;
	int rc = 0;

	gate_params_default(&gp);
	gp.k = d->cfg->k;
	gp.text_k = d->cfg->text_k;
	gp.sensitive_t = d->cfg->sensitive_t;
	gp.turnover = d->turnover;
	gp.nturnover = d->nturnover;
	if (!have_year) {
		year = gp.now_year - 1;
		while (!gate_closed(&gp, year))
			year--;
	}
	tabs = xcalloc(ny + 1, sizeof(*tabs));
	memset(&in, 0, sizeof(in));
	memset(&cri, 0, sizeof(cri));
	/* Every year the report shows (the trend too) is a view of it: its
	 * release, made now if it has none. */
	for (i = 0; i < ny; i++) {
		unsigned y = agg_year(d->agg, i);

		if (y > year)
			continue;
		if ((rc = cli_hr_table(d, y, &gp, &tabs[nt], &ri)) != 0)
			goto out;
		if (y == year) {
			in.cur = tabs[nt];
			cri = ri;
		}
		nt++;
	}
	if (in.cur == NULL) {
		if ((rc = cli_hr_table(d, year, &gp, &tabs[nt], &cri)) != 0)
			goto out;
		in.cur = tabs[nt++];
	}
	in.release = cri.revision;
	in.release_date = cri.date;
	in.held = cri.held;
	if (cri.held > 0 && cri.why[0] != '\0')
		msg_warn(_("report: %u interviews of %u held back: %s"),
		    (unsigned)cri.held, year, cri.why);
	/* Nothing is shown before the audit has found every hidden figure
	 * safe against all of the tables together. */
	if (audit_check_tables((const struct gate_table *const *)tabs, nt,
	    NULL, &e) != 0) {
		msg_warn(_("report: %s"), e.msg);
		rc = cli_exit_code(&e);
		goto out;
	}
	in.region = d->cfg->region;
	in.year = year;
	in.tabs = (const struct gate_table *const *)tabs;
	in.ntabs = nt;
	in.turnover = d->turnover;
	in.nturnover = d->nturnover;
	in.staff = d->hme;
	in.nstaff = d->nhme;
	in.threshold = d->cfg->turnover_threshold;
	in.tyears = d->cfg->turnover_years;
	in.lang = lang != NULL ? lang : i18n_lang();
	in.rejected = hrload_rejected(&d->res);
	in.sample = d->cfg->sample;
	if ((tmp = tmpfile()) == NULL) {
		msg_warn(_("report: cannot make a temporary file: check TMPDIR"));
		rc = EX_IOERR;
		goto out;
	}
	if (report_write(tmp, fmt, &in, &e) != 0 || (len = ftell(tmp)) < 0) {
		fclose(tmp);
		goto fail;
	}
	rewind(tmp);
	buf = xmalloc((size_t)len + 1);
	if (fread(buf, 1, (size_t)len, tmp) != (size_t)len) {
		free(buf);
		fclose(tmp);
		err_setc(&e, ERR_IO, _("cannot read the report back"));
		goto fail;
	}
	fclose(tmp);
	if (out == NULL) {
		if (fwrite(buf, 1, (size_t)len, stdout) != (size_t)len ||
		    fflush(stdout) != 0) {
			msg_warn(_("report: cannot write to stdout"));
			rc = EX_IOERR;
		}
	} else if (fsx_write_atomic(out, buf, (size_t)len, 0600, 0, &e) != 0) {
		msg_warn(_("report: %s: check the path"), e.msg);
		rc = EX_IOERR;
	} else {
		fprintf(stderr, _("%s: wrote the %u report to %s\n"), msg_prog(),
		    year, out);
	}
	free(buf);
	goto out;
fail:
	msg_warn(_("report: %s"), e.msg);
	rc = EX_IOERR;
out:
	for (i = 0; i < nt; i++)
		gate_table_free(tabs[i]);
	free(tabs);
	return rc;
}

int
cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "year", required_argument, NULL, 'y' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "lang", required_argument, NULL, 'l' },
		{ "db", required_argument, NULL, 'd' },
		{ "key", required_argument, NULL, 'k' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = NULL, *key = NULL, *pass = NULL, *out = NULL;
	const char *fname;
	const char *lang = NULL;
	enum report_format fmt = REPORT_MD;
	struct cli_hr_data d;
	unsigned year = 0;
	int ch, have_year = 0, rc;
	char *what;

	optind = 1;
	while ((ch = cli_getopt(&argc, argv, "h", opts)) != -1) {
		switch (ch) {
		case 'y':
			if (report_parse_year(optarg, &year) != 0) {
				msg_warn(_("report: --year %s is not a year"),
				    optarg);
				return EX_USAGE;
			}
			have_year = 1;
			break;
		case 'f':
			if (report_format_parse(optarg, &fmt) != 0) {
				msg_warn(_("report: unknown format '%s': use md, "
				    "csv, html or codebook"), optarg);
				return EX_USAGE;
			}
			break;
		case 'o':
			out = optarg;
			break;
		case 'l':
			if (strcmp(optarg, "sv") != 0 &&
			    strcmp(optarg, "en") != 0) {
				msg_warn(_("report: --lang %s: use sv or en"),
				    optarg);
				return EX_USAGE;
			}
			lang = optarg;
			i18n_init(lang);
			break;
		case 'd':
			db = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'p':
			pass = optarg;
			break;
		case 'h':
			report_usage(stdout);
			return 0;
		default:
			report_usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		msg_warn(_("report: unexpected '%s': see avslut-hr report --help"),
		    argv[optind]);
		return EX_USAGE;
	}
	fname = fmt == REPORT_MD ? "md" : fmt == REPORT_CSV ? "csv" :
	    fmt == REPORT_HTML ? "html" : "codebook";
	what = have_year ? xasprintf("report %u (%s)%s%s", year, fname,
	    out != NULL ? " to " : "", out != NULL ? out : "") :
	    xasprintf("report (%s)%s%s", fname, out != NULL ? " to " : "",
	    out != NULL ? out : "");
	rc = cli_hr_load(db, key, pass, what, &d);
	free(what);
	if (rc != 0)
		return rc;
	rc = report_run(&d, year, have_year, fmt, out, lang);
	cli_hr_data_free(&d);
	return rc;
}
