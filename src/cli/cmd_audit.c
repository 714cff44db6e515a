/* cmd_audit: `avslut-hr audit [--year Y]`: the disclosure audit, the one
 * every report and the dashboard run before they show anything, printed:
 * how many cells it checked and suppressed, the narrowest intervals, and
 * every finding (named, never a hidden value). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "cli/cli_hr.h"
#include "report/audit.h"
#include "report/gate.h"
#include "report/release.h"
#include "util/i18n.h"
#include "util/msg.h"
#include "util/xmem.h"

static const char *
audit_kind(enum audit_kind k)
{
	switch (k) {
	case AUDIT_PINNED:
		return _("pinned");
	case AUDIT_DETERMINED:
		return _("sensitive answer determined");
	case AUDIT_IMPLAUSIBLE:
		return _("more interviews than leavers: check for fabricated "
			 "interviews");
	default:
		return "";
	}
}

static void
audit_print(const struct audit_result *r)
{
	size_t i;

	printf(_("tables                 %zu\n"), r->tables);
	printf(_("figures                %zu\n"), r->figures);
	printf(_("cells checked          %zu\n"), r->cells);
	printf(_("suppressed cells       %zu\n"), r->suppressed);
	printf(_("linear programs        %zu\n"), r->lps);
	printf(_("pinned                 %zu\n"), r->pinned);
	printf(_("sensitive determined   %zu\n"), r->determined);
	printf(_("implausible unit-years %zu\n"), r->implausible);
	if (r->nnarrow > 0) {
		printf("\n%s\n",
		    _("Narrowest intervals of suppressed cells "
		      "(width: the values it can still take, less one):"));
		printf("  %5s  %4s  %-26s %-16s %s\n", _("width"), _("year"),
		    _("row"), _("question"), _("answer"));
		for (i = 0; i < r->nnarrow; i++) {
			const struct audit_cell *c = &r->narrow[i];

			printf("  %5.1f  %4u  %-26s %-16s %s\n", c->width,
			    c->year, c->row, c->question,
			    c->category != NULL ? c->category : "");
		}
	}
	if (r->nbad > 0)
		printf("\n%s\n", _("Findings:"));
	for (i = 0; i < r->nbad; i++) {
		const struct audit_cell *c = &r->bad[i];

		printf("  %u  %s%s%s%s%s: %s\n", c->year, c->row,
		    c->question != NULL ? ", " : "",
		    c->question != NULL ? c->question : "",
		    c->category != NULL ? " = " : "",
		    c->category != NULL ? c->category : "",
		    audit_kind(c->kind));
	}
}

/* Every year's tables as published: a released year with all its
 * revisions (each based on the one before, so the audit links their
 * records and checks what arrived between them), a year without a
 * release as the gate would publish it now. Nothing is released here:
 * the audit shows no figure. */
static int
audit_cmd_run(struct cli_hr_data *d, unsigned year)
{
	struct gate_params gp;
	struct gate_table **tabs, **rt, **diffs = NULL, *g;
	struct audit_result r;
	struct audit *au = audit_new(NULL);
	struct err e = { .msg = "" };
	size_t ny = agg_nyears(d->agg), nt = 0, i, j, nr, nd = 0;
	char label[96];
	int rc = 0;

	memset(&r, 0, sizeof r);
	cli_hr_gate_params(d, &gp);
	tabs = NULL;
	for (i = 0; i < ny && rc == 0; i++) {
		unsigned y = agg_year(d->agg, i);

		if (year != 0 && y != year)
			continue;
		if (!release_tables(d->rel, d->agg, y, &rt, &nr)) {
			free(rt);
			rt = xcalloc(1, sizeof *rt);
			nr = 1;
			if (gate_publish(&rt[0], d->agg, y, &gp, &e) != 0) {
				free(rt);
				rc = -1;
				break;
			}
		}
		tabs = xreallocarray(tabs, nt + nr, sizeof *tabs);
		for (j = 0; j < nr; j++) {
			tabs[nt + j] = rt[j];
			if (nr > 1)
				snprintf(label, sizeof label, "%u release %zu",
				    y, j + 1);
			else
				snprintf(label, sizeof label, "%u", y);
			if (rc == 0)
				rc = audit_add(au, rt[j], label,
				    j > 0 ? rt[j - 1] : NULL, &e);
			/* a revision's difference, as it was gated */
			if (rc == 0 && j > 0 &&
			    (rc = release_difference(d->rel, y, j, &gp, &g,
				 &e)) == 0 &&
			    g != NULL) {
				snprintf(label, sizeof label,
				    "%u release %zu, "
				    "arrived after release %zu",
				    y, j + 1, j);
				diffs = xreallocarray(diffs, nd + 1,
				    sizeof *diffs);
				diffs[nd++] = g;
				rc = audit_add_late(au, g, label, rt[j], &e);
			}
		}
		nt += nr;
		free(rt);
	}
	if (rc == 0)
		rc = audit_run(au, &r, &e);
	if (rc == 0) {
		rc = audit_verdict(&r, &e);
		audit_print(&r);
	}
	if (rc != 0) {
		msg_warn(_("audit: %s"), e.msg);
		rc = cli_exit_code(&e);
	}
	audit_result_free(&r);
	audit_free(au);
	for (i = 0; i < nt; i++)
		gate_table_free(tabs[i]);
	free(tabs);
	for (i = 0; i < nd; i++)
		gate_table_free(diffs[i]);
	free(diffs);
	return rc;
}

int
cmd_audit(const struct cli_args *a)
{
	struct cli_hr_data d;
	unsigned year = 0;
	int rc;
	char *what;

	if (cli_arg(a, 'y') != NULL &&
	    cli_year("audit", cli_arg(a, 'y'), &year) != 0)
		return EX_USAGE;
	what = year != 0 ? xasprintf("audit %u", year) : xstrdup("audit");
	rc = cli_hr_load(a->db, a->key, a->passfile, what, &d);
	free(what);
	if (rc != 0)
		return rc;
	rc = audit_cmd_run(&d, year);
	cli_hr_data_free(&d);
	return rc;
}
