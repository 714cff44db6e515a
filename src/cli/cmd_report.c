/* cmd_report: `avslut-hr report --year Y --format md|csv|html [--out
 * FILE]`: the yearly report, every interview figure through the gate;
 * the unlock is logged with what was reported. */
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

	cli_hr_gate_params(d, &gp);
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
	if (audit_check_tables((const struct gate_table *const *)tabs, nt, NULL,
		&e) != 0) {
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
	in.count_retirements = d->tdef.count_retirements;
	in.count_internal = d->tdef.count_internal;
	in.has_retirements = d->tdef.has_retirements;
	in.has_internal = d->tdef.has_internal;
	in.threshold = d->cfg->turnover_threshold;
	in.tyears = d->cfg->turnover_years;
	in.lang = lang != NULL ? lang : i18n_lang();
	in.rejected = hrload_rejected(&d->res);
	in.sample = d->cfg->sample;
	if ((tmp = tmpfile()) == NULL) {
		msg_warn(
		    _("report: cannot make a temporary file: check TMPDIR"));
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
		rc = cli_exit_code(&e); /* 74, or 73 for a device or pipe */
	} else {
		fprintf(stderr, _("%s: wrote the %u report to %s\n"),
		    msg_prog(), year, out);
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
cmd_report(const struct cli_args *a)
{
	const char *out = cli_arg(a, 'o'), *fname;
	enum report_format fmt = REPORT_MD;
	struct cli_hr_data d;
	unsigned year = 0;
	int have_year = cli_arg(a, 'y') != NULL, rc;
	char *what;

	if (have_year && cli_year("report", cli_arg(a, 'y'), &year) != 0)
		return EX_USAGE;
	if (cli_arg(a, 'f') != NULL &&
	    report_format_parse(cli_arg(a, 'f'), &fmt) != 0) {
		msg_warn(_("report: unknown format '%s': use md, csv, html or "
			   "codebook"),
		    cli_arg(a, 'f'));
		return EX_USAGE;
	}
	fname = fmt == REPORT_MD ? "md" :
	    fmt == REPORT_CSV	 ? "csv" :
	    fmt == REPORT_HTML	 ? "html" :
				   "codebook";
	what = have_year ?
	    xasprintf("report %u (%s)%s%s", year, fname,
		out != NULL ? " to " : "", out != NULL ? out : "") :
	    xasprintf("report (%s)%s%s", fname, out != NULL ? " to " : "",
		out != NULL ? out : "");
	rc = cli_hr_load(a->db, a->key, a->passfile, what, &d);
	free(what);
	if (rc != 0)
		return rc;
	rc = report_run(&d, year, have_year, fmt, out, a->lang);
	cli_hr_data_free(&d);
	return rc;
}
