/* cmd_dashboard: `avslut-hr dashboard`: unlock the HR key once, open every
 * envelope into the aggregation (progress on stderr), publish every year
 * through the gate, then run the dashboard's screens. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_hr.h"
#include "dashboard/dash.h"
#include "util/i18n.h"
#include "util/msg.h"
#include "util/xmem.h"

/* The dashboard's years come from the releases (release_view). */
static int
dashboard_publish(void *ctx, unsigned year, const struct gate_params *gp,
    struct gate_table **out, uint32_t *held, struct err *e)
{
	struct cli_hr_data *hd = ctx;
	struct release_info ri;

	if (release_view(hd->rel, hd->c, hd->pk, hd->agg, year, gp, out,
	    &ri, e) != 0)
		return -1;
	*held = ri.held;
	return 0;
}

static void
dashboard_usage(FILE *f)
{
	fputs(_("usage: avslut-hr dashboard [--db FILE] [--key FILE] "
	    "[--year Y] [--lang sv|en]\n"
	    "                           [--passphrase-file FILE]\n"
	    "Open the per-unit dashboard: every interview is opened in memory "
	    "with the\nHR key and every figure passes the publish gate.\n\n"
	    "  --db FILE              the central store\n"
	    "  --key FILE             the HR key (default: the data "
	    "directory's hr.key)\n"
	    "  --year Y               the year to open on (default: the "
	    "newest closed one)\n"
	    "  --lang sv|en           the language of the screens\n"
	    "  --passphrase-file FILE read the passphrase from FILE\n"
	    "  --help                 show this help\n"
	    "Keys: F1 in the dashboard. Exit 0, 64 usage, 66 no store or key, "
	    "74 I/O,\n77 wrong passphrase. See avslut-hr(1).\n"), f);
}

int
cmd_dashboard(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "key", required_argument, NULL, 'k' },
		{ "year", required_argument, NULL, 'y' },
		{ "lang", required_argument, NULL, 'l' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = NULL, *keyopt = NULL, *passfile = NULL;
	struct cli_hr_data hd;
	struct dash_input in;
	struct dash_app a;
	struct err e;
	char msg[256], *end, *sample_region = NULL;
	unsigned long year = 0;
	int c, rc;

	optind = 1;
	while ((c = cli_getopt(&argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'k':
			keyopt = optarg;
			break;
		case 'y':
			year = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || year < 1900 ||
			    year > 9999) {
				msg_warn(_("--year %s: give a year such as 2025"),
				    optarg);
				return EX_USAGE;
			}
			break;
		case 'l':
			if (strcmp(optarg, "sv") != 0 &&
			    strcmp(optarg, "en") != 0) {
				msg_warn(_("--lang %s: the screens speak sv or "
				    "en"), optarg);
				return EX_USAGE;
			}
			i18n_init(optarg);
			break;
		case 'p':
			passfile = optarg;
			break;
		case 'h':
			dashboard_usage(stdout);
			return 0;
		default:
			dashboard_usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		dashboard_usage(stderr);
		return EX_USAGE;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		msg_warn(_("the dashboard needs a terminal: run it in one, or "
		    "write a report with avslut-hr report"));
		return EX_USAGE;
	}
	if ((rc = cli_hr_load(db, keyopt, passfile, "dashboard", &hd)) != 0)
		return rc;
	memset(&in, 0, sizeof(in));
	in.agg = hd.agg;
	in.turnover = hd.turnover;
	in.nturnover = hd.nturnover;
	in.staff = hd.hme;
	in.nstaff = hd.nhme;
	/* Every screen's title carries the region: a demo says so there. */
	if (hd.cfg->sample)
		in.region = sample_region = xasprintf("EXEMPELDATA · %s",
		    hd.cfg->region);
	else
		in.region = hd.cfg->region;
	in.region_row = hd.cfg->region;
	in.threshold = hd.cfg->turnover_threshold;
	in.tyears = hd.cfg->turnover_years;
	gate_params_default(&in.gp);
	in.gp.k = hd.cfg->k;
	in.gp.text_k = hd.cfg->text_k;
	in.gp.sensitive_t = hd.cfg->sensitive_t;
	in.gp.turnover = hd.turnover;
	in.gp.nturnover = hd.nturnover;
	in.publish = dashboard_publish;
	in.publish_ctx = &hd;
	memset(&a, 0, sizeof(a));
	a.lang = i18n_lang();
	a.ascii = tui_locale_problem() != NULL;
	a.rejected = hrload_rejected(&hd.res);
	if (dash_new(&a.d, &in, &e) != 0) {
		msg_warn("%s", e.msg);
		cli_hr_data_free(&hd);
		free(sample_region);
		return cli_exit_code(&e);
	}
	if (year == 0)
		year = dash_default_year(a.d);
	if (year == 0) {
		msg_warn(_("no interviews in %s yet: ingest some with avslut-hr "
		    "ingest"), central_path(hd.c));
		dash_free(a.d);
		cli_hr_data_free(&hd);
		free(sample_region);
		return EX_NOINPUT;
	}
	if (tui_start(msg) == -1) {
		dash_free(a.d);
		cli_hr_data_free(&hd);
		free(sample_region);
		msg_warn("%s", msg);
		return EX_UNAVAILABLE;
	}
	dash_ov_build(&a.ov, a.d, (unsigned)year, a.lang);
	rc = dash_run(&a, dash_overview());
	/* curses has ended and the screen is cleared */
	dash_ov_free(&a.ov);
	dash_free(a.d);
	cli_hr_data_free(&hd);
	free(sample_region);
	return rc;
}
