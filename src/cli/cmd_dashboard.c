/* cmd_dashboard: `avslut-hr dashboard`: unlock the HR key once, open every
 * envelope into the aggregation (progress on stderr), publish every year
 * through the gate, then run the dashboard's screens. */
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

	if (release_view(hd->rel, hd->c, hd->pk, hd->agg, year, gp, out, &ri,
		e) != 0)
		return -1;
	*held = ri.held;
	return 0;
}

int
cmd_dashboard(const struct cli_args *args)
{
	struct cli_hr_data hd;
	struct dash_input in;
	struct app a;
	struct err e;
	char msg[256], *sample_region = NULL;
	unsigned year = 0;
	int rc;

	if (cli_arg(args, 'y') != NULL &&
	    cli_year("dashboard", cli_arg(args, 'y'), &year) != 0)
		return EX_USAGE;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		msg_warn(_("the dashboard needs a terminal: run it in one, or "
			   "write a report with avslut-hr report"));
		return EX_USAGE;
	}
	if ((rc = cli_hr_load(args->db, args->key, args->passfile, "dashboard",
		 &hd)) != 0)
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
	cli_hr_gate_params(&hd, &in.gp);
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
		msg_warn(
		    _("no interviews in %s yet: ingest some with avslut-hr "
		      "ingest"),
		    central_path(hd.c));
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
