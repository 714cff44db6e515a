/* cmd_releases: `avslut-hr releases`: the frozen releases of closed years
 * (year, revision, date, interviews, interviews held back since, the
 * digest of the unit-to-area map). Held-back counts need every envelope
 * opened, so the key is unlocked and the unlock logged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "cli/cli_hr.h"
#include "report/release.h"
#include "util/i18n.h"
#include "util/msg.h"

int
cmd_releases(const struct cli_args *a)
{
	const struct release_entry *v;
	struct cli_hr_data d;
	size_t n, i;
	int rc;

	if ((rc = cli_hr_load(a->db, a->key, a->passfile, "releases", &d)) != 0)
		return rc;
	n = release_list(d.rel, &v);
	if (n == 0)
		fputs(_("no releases yet: the first report or dashboard of a "
			"closed year makes one\n"),
		    stderr);
	else
		printf("%s\n",
		    _("year\trevision\tdate\tinterviews\theld "
		      "back\tarea map"));
	for (i = 0; i < n; i++)
		printf("%u\t%u\t%s\t%u\t%u\t%.16s\n", v[i].year, v[i].revision,
		    v[i].date, (unsigned)v[i].interviews, (unsigned)v[i].held,
		    v[i].mapdigest);
	if (fflush(stdout) != 0) {
		msg_warn(_("releases: cannot write to stdout"));
		rc = EX_IOERR;
	}
	cli_hr_data_free(&d);
	return rc;
}
