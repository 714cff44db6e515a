/* cmd_log: `avslut-hr log` shows the access log of central.db: when (UTC),
 * which OS user, and what (key unlocks, reports, exports, imports, purges). */
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>
#include <time.h>

#include "cli/cli.h"
#include "store/central.h"
#include "util/msg.h"
#include "util/i18n.h"

int
cmd_log(const struct cli_args *a)
{
	struct central_log_entry *v;
	struct central *c;
	struct err e;
	const char *db = a->db;
	char when[32];
	size_t n, i;
	time_t t;
	struct tm tm;
	int rc;

	if ((rc = central_open(&c, db, CENTRAL_RDONLY, &e)) != 0) {
		msg_warn(_("log: %s"), e.msg);
		return cli_exit_code(&e);
	}
	rc = central_log_list(c, &v, &n, &e);
	central_close(c);
	if (rc != 0) {
		msg_warn(_("log: %s"), e.msg);
		return cli_exit_code(&e);
	}
	if (n == 0)
		fputs(_("the access log is empty\n"), stderr);
	for (i = 0; i < n; i++) {
		t = (time_t)v[i].time;
		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm) ==
			0)
			snprintf(when, sizeof when, "%lld",
			    (long long)v[i].time);
		printf("%s\t%s\t%s\n", when, v[i].user, v[i].what);
	}
	central_log_list_free(v, n);
	return 0;
}
