/* cmd_interview: `avslut` (the home screen) and `avslut interview
 * [--unit CODE] [--form ID]` (straight to a new interview): set up the
 * config, forms, outbox and profile, then run the screens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "config/embed.h"
#include "interview/screen.h"
#include "util/i18n.h"
#include "util/msg.h"
#include "util/pass.h"
#include "util/paths.h"
#include "util/xmem.h"

/* The built-in form and the config's extra forms. A form that does not
 * load is reported and left out; the built-in one always loads. */
static int
interview_forms(struct app *a)
{
	struct form_diags d;
	struct form *f;
	size_t i, j;

	memset(&d, 0, sizeof d);
	f = form_load_buf("exit-interview.yaml (built in)",
	    (const char *)embed_forms_exit_interview_yaml,
	    embed_forms_exit_interview_yaml_len, &d);
	if (f == NULL) {
		form_diags_free(&d);
		return -1;
	}
	a->forms = xcalloc(a->cfg->nform_paths + 1, sizeof *a->forms);
	a->forms[a->nforms++] = f;
	for (i = 0; i < a->cfg->nform_paths; i++) {
		memset(&d, 0, sizeof d);
		if ((f = form_load_file(a->cfg->form_paths[i], &d)) == NULL) {
			for (j = 0; j < d.n; j++)
				msg_warn("%s", d.msg[j]);
			form_diags_free(&d);
			continue;
		}
		a->forms[a->nforms++] = f;
	}
	return 0;
}

static void
interview_cleanup(struct app *a)
{
	size_t i;

	session_free(a->s);
	for (i = 0; i < a->nforms; i++)
		form_free(a->forms[i]);
	free(a->forms);
	desk_close(&a->desk);
	config_free(a->cfg);
	free(a->datadir);
}

static int
interview_run(const struct cli_args *args, int home)
{
	struct app a;
	struct err e;
	const char *problem;
	char msg[256], *pass;
	time_t now;
	struct tm tm;
	int rc;

	memset(&a, 0, sizeof a);
	a.want_unit = cli_arg(args, 'u');
	a.want_form = cli_arg(args, 'f');
	a.passfile = args->passfile;
	if ((problem = tui_locale_problem()) != NULL)
		msg_die(EX_CONFIG, "%s", problem);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		msg_die(EX_USAGE, "%s",
		    _("the interview needs a terminal: "
		      "run avslut in one"));
	a.datadir = paths_data_dir("avslut");
	if (!profile_exists(a.datadir))
		msg_die(EX_NOINPUT,
		    _("no interviewer profile in %s: run "
		      "avslut init --hr-key FILE first"),
		    a.datadir);
	if ((a.cfg = config_load("avslut", &e)) == NULL)
		msg_die(cli_exit_code(&e), "%s", e.msg);
	if (interview_forms(&a) == -1)
		msg_die(EX_SOFTWARE, _("the built-in form does not load"));
	a.desk.forms = a.forms;
	a.desk.nforms = a.nforms;
	if (desk_open(&a.desk, a.datadir, &e) == -1) {
		interview_cleanup(&a);
		msg_die(EX_IOERR, "%s", e.msg);
	}
	now = time(NULL);
	localtime_r(&now, &tm);
	a.year = (uint16_t)(tm.tm_year + 1900);
	a.quarter = a.cfg->quarterly ? (uint8_t)(tm.tm_mon / 3 + 1) : 0;
	if (a.passfile != NULL || getenv("AVSLUT_PASSPHRASE_FILE") != NULL) {
		if ((pass = pass_read(NULL, a.passfile, 0, 0, &e)) == NULL) {
			interview_cleanup(&a);
			msg_die(EX_NOINPUT, "%s", e.msg);
		}
		rc = desk_unlock(&a.desk, a.datadir, pass, &e);
		pass_free(pass);
		if (rc != 0) {
			interview_cleanup(&a);
			msg_die(cli_exit_code(&e), "%s", e.msg);
		}
	}
	if (tui_start(msg) == -1) {
		interview_cleanup(&a);
		msg_die(EX_UNAVAILABLE, "%s", msg);
	}
	a.start_new = !home;
	rc = screen_run(&a,
	    a.desk.prof == NULL ? screen_unlock() :
		a.start_new	? screen_new() :
				  screen_home());
	/* curses has ended: messages may go to the terminal now */
	if (rc != 0) {
		if (a.fatal.msg[0] != '\0')
			msg_warn("%s", a.fatal.msg);
		rc = cli_exit_code(&a.fatal);
	}
	if (tui_stop_signal())
		msg_warn("%s",
		    _("stopped; the draft is saved, run avslut to "
		      "resume"));
	interview_cleanup(&a);
	return rc;
}

int
cmd_interview(const struct cli_args *a)
{
	return interview_run(a, 0);
}

int
cmd_home(const struct cli_args *a)
{
	return interview_run(a, 1);
}
