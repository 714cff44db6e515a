/* cli_cmds: the command table of each program. Every subcommand is one
 * entry: its name, what it runs, its usage, help and options (shared
 * ones by flag), so --help, usage and the parser come from one place. */
#include "cli/cli.h"

#include "util/i18n.h"

static const struct cli_cmd cli_avslut[] = {
	{ .name = "",
	    .run = cmd_home,
	    .help = N_(
		"Open the start screen: drafts to resume, a new interview.\n"),
	    .shared = CLI_LANG | CLI_PASS },
	{ .name = "check",
	    .run = cmd_check,
	    .synopsis = N_("[--canonical] FORM.yaml..."),
	    .summary = N_("validate form files (avslut-form(5))"),
	    .help = N_(
		"Load and validate each form. For a sound form print one "
		"line:\n"
		"  FILE: ID version N, Q questions, languages L, hash H\n"
		"(H: the first 16 hex digits of its BLAKE2b-256 form hash);\n"
		"otherwise print every problem as FILE:LINE:COL: message.\n"),
	    .shared = 0,
	    .operands = CLI_ARGS,
	    .opts = { { "canonical", 'c', NULL, 0,
		N_("print the canonical serialisation the hash covers instead "
		   "(see avslut-form(5))") } } },
	{ .name = "print",
	    .run = cmd_print,
	    .synopsis = N_(
		"[--lang L] [--format html|md|codebook] [--out FILE] "
		"FORM.yaml"),
	    .summary = N_("print a form for approval, or its codebook"),
	    .help = N_(
		"Print the questionnaire as people read it, for approval: "
		"every\n"
		"part and question with its answers, what is required, when "
		"a\n"
		"question is shown, which part the leaver answers alone, the "
		"text\n"
		"read first; the form's id, version and hash on every page. "
		"Or\n"
		"its codebook: question and category ids as the CSV report "
		"uses\n"
		"them, with their texts.\n"),
	    .shared = 0,
	    .operands = CLI_ARGS,
	    .opts = { { "format", 'f', N_("F"), 0,
			  N_("html (the default; prints on A4), md or codebook (CSV: ';', "
			     "UTF-8)") },
		{ "lang", 'l', N_("L"), 0,
		    N_("the form language to print (default: its first)") },
		{ "out", 'o', N_("FILE"), 0,
		    N_("write FILE instead of standard output") } } },
	{ .name = "init",
	    .run = cmd_init,
	    .synopsis = N_(
		"--hr-key FILE [--fingerprint FPR] [--kdf default|test]"),
	    .summary = N_("set up the interviewer profile"),
	    .help = N_(
		"Set up this laptop's interviewer profile: pin HR's public "
		"key, make a signing\n"
		"key for HR to register, protect both with a passphrase.\n"),
	    .shared = CLI_PASS,
	    .opts = { { "hr-key", 'H', N_("FILE"), 0,
			  N_("hr.pub as HR gave it to you") },
		{ "fingerprint", 'f', N_("FPR"), 0,
		    N_("the fingerprint HR told you; refuse if it differs") },
		{ "kdf", 'k', "default|test", 0,
		    N_("weak, fast key derivation for tests only") } } },
	{ .name = "passwd",
	    .run = cmd_passwd,
	    .synopsis = N_("[--passphrase-file FILE] [--kdf default|test]"),
	    .summary = N_("change the profile passphrase"),
	    .help = N_(
		"Change the passphrase of the interviewer profile. Drafts "
		"and the signing key\n"
		"stay as they are.\n"),
	    .shared = 0,
	    .opts = { { "passphrase-file", 'p', N_("FILE"), 0,
			  N_("the old passphrase on line 1, the new one on line 2") },
		{ "kdf", 'k', "default|test", 0,
		    N_("change the key derivation limits (default: keep them)") } } },
	{ .name = "sync",
	    .run = cmd_sync,
	    .synopsis = N_("[--to DEST] [--now]"),
	    .summary = N_("send sealed interviews to HR"),
	    .help = N_(
		"Send the sealed interviews waiting on this laptop to HR; "
		"those\n"
		"HR's receipt confirms are removed, the rest stay.\n"
		"\n"
		"DEST is /path/to/central.db (central.db on a local disk),\n"
		"dir:/path/to/folder (a drop folder, a mounted share) or\n"
		"ssh://[user@]host[:port]/path/to/central.db; default: "
		"sync.to in\n"
		"the config.\n"),
	    .shared = CLI_PASS,
	    .opts = { { "to", 't', N_("DEST"), 1,
			  N_("where to send them (see DEST above)") },
		{ "now", 'n', NULL, 1,
		    N_("send even if fewer than sync.min_waiting wait") } } },
	{ .name = "export",
	    .run = cmd_export,
	    .synopsis = N_("[--now] BUNDLE"),
	    .summary = N_("write sealed interviews to a bundle file"),
	    .help = N_(
		"Write every sealed interview waiting on this laptop into "
		"BUNDLE,\n"
		"a new file signed with your interviewer key, for HR to "
		"ingest\n"
		"(avslut-hr ingest BUNDLE). They stay here, marked "
		"exported,\n"
		"until you read HR's receipt with avslut receipt.\n"),
	    .shared = CLI_PASS,
	    .operands = CLI_ARGS,
	    .opts = { { "now", 'n', NULL, 1,
		N_("export even if fewer than sync.min_waiting wait") } } },
	{ .name = "receipt",
	    .run = cmd_receipt,
	    .synopsis = N_("FILE"),
	    .summary = N_("read HR's receipt for an export"),
	    .help = N_(
		"Read a receipt written by HR's avslut-hr ingest and remove "
		"from\n"
		"this laptop every sealed interview it confirms (same id and "
		"the\n"
		"same BLAKE2b hash); the rest stay. Needs no passphrase.\n"),
	    .shared = 0,
	    .operands = CLI_ARGS },
	{ .name = "status",
	    .run = cmd_status,
	    .summary = N_("what waits, was exported, last sync"),
	    .help = N_(
		"Show how many sealed interviews wait on this laptop (and "
		"how\n"
		"many of them were exported), unfinished drafts, the last\n"
		"successful sync and where sync sends to. Needs no "
		"passphrase.\n"),
	    .shared = 0 },
	{ .name = "interview",
	    .run = cmd_interview,
	    .synopsis = N_("[--unit CODE] [--form ID]"),
	    .summary = N_("start a new interview at once"),
	    .help = N_("Start a new interview at once.\n"),
	    .shared = CLI_LANG | CLI_PASS,
	    .opts = { { "unit", 'u', N_("CODE"), 0,
			  N_("the unit (from the config)") },
		{ "form", 'f', N_("ID"), 0,
		    N_("the form, if there are several") } } },
	{ .name = NULL },
};

static const struct cli_cmd cli_hr[] = {
	{ .name = "keygen",
	    .run = cmd_keygen,
	    .synopsis = N_("[--out DIR] [--kdf default|test]"),
	    .summary = N_("create the HR key pair"),
	    .help = N_(
		"Create the HR key pair: DIR/hr.pub for the interviewers and "
		"DIR/hr.key,\n"
		"the secret key wrapped under a passphrase. Existing keys "
		"are never overwritten.\n"),
	    .shared = CLI_PASS,
	    .opts = { { "out", 'o', N_("DIR"), 0,
			  N_("where to write (default: the avslut-hr data directory)") },
		{ "kdf", 'k', "default|test", 0,
		    N_("weak, fast key derivation for tests only") } } },
	{ .name = "passwd",
	    .run = cmd_hr_passwd,
	    .synopsis = N_("[--passphrase-file FILE] [--kdf default|test]"),
	    .summary = N_("change the HR key passphrase"),
	    .help = N_(
		"Change the passphrase of the HR secret key; the key itself "
		"stays the same.\n"),
	    .shared = CLI_DB | CLI_KEY,
	    .opts = { { "passphrase-file", 'p', N_("FILE"), 0,
			  N_("the old passphrase on line 1, the new one on line 2") },
		{ "kdf", 'k', "default|test", 0,
		    N_("change the key derivation limits (default: keep them)") } } },
	{ .name = "forms",
	    .run = cmd_forms,
	    .synopsis = N_("add FORM.yaml\n"
			   "list"),
	    .summary = N_("approve forms, list the approved (add|list)"),
	    .help = N_(
		"add: validate the form and approve it: the dashboard and "
		"the\n"
		"report use only interviews made with an approved form (by "
		"its\n"
		"hash). list: the approved forms, their versions and "
		"hashes.\n"),
	    .shared = CLI_DB,
	    .operands = CLI_ARGS },
	{ .name = "ingest",
	    .run = cmd_ingest,
	    .synopsis = N_("[--receipt FILE] [--verbose] FILE|DIR|-"),
	    .summary = N_("store a signed bundle, answer with a receipt"),
	    .help = N_(
		"Check a whole signed bundle (its signature by a "
		"registered,\n"
		"unrevoked interviewer, every length, the version), then "
		"store\n"
		"its sealed interviews in one transaction, each once, and "
		"answer\n"
		"with a receipt: on standard output for FILE and - "
		"(standard\n"
		"input, as the ssh transport sends it), or beside each "
		"bundle of\n"
		"a drop folder DIR not yet answered, whose bundle is then "
		"removed.\n"),
	    .shared = CLI_DB,
	    .operands = CLI_ARGS,
	    .opts = { { "receipt", 'r', N_("FILE"), 0,
			  N_("write the receipt to FILE instead of standard output (FILE "
			     "and - only)") },
		{ "verbose", 'v', NULL, 1,
		    N_("also say which bundles of a folder were skipped because a "
		       "laptop removed them") } } },
	{ .name = "interviewers",
	    .run = cmd_interviewers,
	    .synopsis = N_("add [--label TEXT] FILE.pub\n"
			   "list\n"
			   "revoke KEY|FINGERPRINT|FILE.pub"),
	    .summary = N_("register, list, revoke interviewer keys"),
	    .help = N_(
		"add: register an interviewer's public key (the file avslut "
		"init\n"
		"wrote); ingest accepts bundles signed by registered keys "
		"only.\n"
		"list: fingerprint, state and label of every key. revoke: "
		"refuse\n"
		"the key's bundles from now on (its envelopes already "
		"stored\n"
		"stay); a revoked key cannot be registered again.\n"),
	    .shared = CLI_DB,
	    .operands = CLI_ARGS,
	    .opts = { { "label", 'l', N_("TEXT"), 0,
		N_("a note to tell keys apart (at most 200 bytes)") } } },
	{ .name = "turnover",
	    .run = cmd_import,
	    .synopsis = N_("import FILE.csv"),
	    .summary = N_("import staff turnover (import FILE.csv)"),
	    .help = N_(
		"Import staff turnover: one line per unit and year with the\n"
		"unit code, the year, the average headcount and the number "
		"of\n"
		"leavers, separated by ';' or ','; a decimal comma is fine, "
		"and\n"
		"so are a header line, a byte order mark and CRLF line "
		"ends.\n"
		"Rows replace those of the same unit and year already "
		"stored.\n"
		"A file with any error (unknown unit, duplicate row, "
		"negative or\n"
		"non-numeric value) imports nothing; every error is shown "
		"with\n"
		"its line. Turnover above 100 % is imported with a warning.\n"),
	    .shared = CLI_DB,
	    .operands = CLI_ARGS },
	{ .name = "hme",
	    .run = cmd_import,
	    .synopsis = N_("import FILE.csv"),
	    .summary = N_("import the staff survey's HME (import FILE.csv)"),
	    .help = N_(
		"Import the staff survey's HME (Hållbart "
		"medarbetarengagemang):\n"
		"one line per unit and year with the unit code, the year, "
		"the\n"
		"HME total and its sub-indices motivation, ledarskap and\n"
		"styrning (each 0..100), separated by ';' or ','; a decimal\n"
		"comma, a header line, a byte order mark and CRLF are fine.\n"
		"Rows replace those of the same unit and year already "
		"stored.\n"
		"A file with any error imports nothing; every error is "
		"shown\n"
		"with its line.\n"),
	    .shared = CLI_DB,
	    .operands = CLI_ARGS },
	{ .name = "units",
	    .run = cmd_units,
	    .summary = N_("list the units, their areas and data"),
	    .help = N_(
		"List the units of the config (avslut-config(5)): code, "
		"name,\n"
		"area, and the years with turnover and staff-survey HME in "
		"the\n"
		"store. Units with such data that the config no longer has "
		"are\n"
		"listed last.\n"
		"On a terminal the columns are aligned, otherwise separated "
		"by\n"
		"one tab.\n"),
	    .shared = CLI_DB },
	{ .name = "log",
	    .run = cmd_log,
	    .summary = N_("show the access log"),
	    .help = N_(
		"Show the access log: every unlock of the HR key (and every\n"
		"refused passphrase), report, export, import, purge and "
		"change to\n"
		"forms and interviewers, oldest first: time (UTC), OS user, "
		"what.\n"
		"Ingests are not logged: a time beside a count would tell "
		"when\n"
		"interviews arrived.\n"),
	    .shared = CLI_DB },
	{ .name = "purge",
	    .run = cmd_purge,
	    .synopsis = N_("--before YEAR [--dry-run] [--yes]"),
	    .summary = N_("delete interviews of earlier years"),
	    .help = N_(
		"Delete for good every interview held before YEAR (its "
		"period's\n"
		"year is earlier). Each envelope is opened with the HR key "
		"to\n"
		"learn its period; envelopes that cannot be opened are kept "
		"and\n"
		"counted. The rows are overwritten (secure_delete), the "
		"store is\n"
		"compacted (VACUUM) and the purge is written to the access "
		"log.\n"
		"The releases of those years are deleted with them.\n"),
	    .shared = CLI_DB | CLI_KEY | CLI_PASS,
	    .opts = { { "before", 'b', N_("YEAR"), 0,
			  N_("delete interviews of years before this") },
		{ "dry-run", 'n', NULL, 0, N_("count only, delete nothing") },
		{ "yes", 'y', NULL, 0,
		    N_("do not ask before deleting (needed when standard input is "
		       "no terminal)") } } },
	{ .name = "dashboard",
	    .run = cmd_dashboard,
	    .synopsis = N_("[--year YEAR]"),
	    .summary = N_("the per-unit dashboard (a terminal screen)"),
	    .help = N_(
		"Open the per-unit dashboard: every interview is opened in "
		"memory with the\n"
		"HR key and every figure passes the publish gate.\n"
		"Keys: F1 in the dashboard.\n"),
	    .shared = CLI_LANG | CLI_DB | CLI_KEY | CLI_PASS,
	    .opts = { { "year", 'y', N_("YEAR"), 0,
		N_("the year to open on (default: the newest closed one)") } } },
	{ .name = "report",
	    .run = cmd_report,
	    .synopsis = N_(
		"[--year YEAR] [--format md|csv|html|codebook] [--out FILE]"),
	    .summary = N_("write the yearly report (md, csv, html)"),
	    .help = N_(
		"Write the yearly report for the regional board: the region, "
		"the\n"
		"units with high turnover and their coverage, reasons for "
		"leaving,\n"
		"HME beside the staff survey, the trend, each unit as far as "
		"the\n"
		"anonymity rules allow, and a note on method. Every figure "
		"passes\n"
		"the publish gate (k answers per figure, complementary\n"
		"suppression, closed years only, free text from 8 answers).\n"
		"Before anything is written the disclosure audit checks "
		"every\n"
		"hidden figure against all the tables (see avslut-hr "
		"audit).\n"),
	    .shared = CLI_LANG | CLI_DB | CLI_KEY | CLI_PASS,
	    .opts = { { "year", 'y', N_("YEAR"), 0,
			  N_("the year (default: the newest closed year)") },
		{ "format", 'f', N_("FMT"), 0,
		    N_("md (default), csv (UTF-8 with BOM, ';', decimal comma), "
		       "html (one self-contained file) or codebook (CSV: each "
		       "question and category id with its text)") },
		{ "out", 'o', N_("FILE"), 0,
		    N_("write FILE (mode 0600) instead of stdout") } } },
	{ .name = "audit",
	    .run = cmd_audit,
	    .synopsis = N_("[--year YEAR]"),
	    .summary = N_("the disclosure audit of what reports show"),
	    .help = N_(
		"Run the disclosure audit: for every figure the publish "
		"gate\n"
		"hides, the interval an attacker holding every published "
		"table\n"
		"can still place it in (linear programming), and every "
		"group\n"
		"whose sensitive answer the tables give away. Prints the "
		"cells\n"
		"checked, the suppressed cells, the narrowest intervals and "
		"the\n"
		"unit-years with more interviews than leavers. Never prints "
		"a\n"
		"hidden value. Reports and the dashboard run the same "
		"audit.\n"),
	    .shared = CLI_DB | CLI_KEY | CLI_PASS,
	    .opts = { { "year", 'y', N_("YEAR"), 0,
		N_("audit that year's table only (default: every year)") } } },
	{ .name = "demo",
	    .run = cmd_demo,
	    .synopsis = N_("[--dir DIR] [--no-dashboard]"),
	    .summary = N_(
		"a throwaway sample region (EXEMPELDATA) and its dashboard"),
	    .help = N_(
		"Build a throwaway sample region (EXEMPELDATA): three closed "
		"years of made-up\n"
		"interviews, turnover and staff-survey HME, a demo HR key; "
		"then open the\n"
		"dashboard on it.\n"),
	    .shared = CLI_LANG,
	    .opts = { { "dir", 'd', N_("DIR"), 0,
			  N_("build it in DIR (new or empty; default: a new directory "
			     "under $TMPDIR or /tmp)") },
		{ "no-dashboard", 'n', NULL, 0,
		    N_("build it and say how to open it, nothing more") } } },
	{ .name = "releases",
	    .run = cmd_releases,
	    .summary = N_("list the frozen releases of closed years"),
	    .help = N_(
		"List the releases: the first view of a closed year "
		"(report,\n"
		"dashboard, CSV) freezes its figures as release 1; later "
		"views\n"
		"show that release. Interviews of the year that arrive after "
		"it\n"
		"are held back until a revision reveals nothing about them.\n"
		"One line per release, tab-separated: year, revision, date\n"
		"(UTC), interviews, held back (newest revision of a year "
		"only),\n"
		"digest of the unit-to-area map it was made with.\n"),
	    .shared = CLI_DB | CLI_KEY | CLI_PASS },
	{ .name = NULL },
};

const struct cli_cmd *
cli_avslut_cmds(void)
{
	return cli_avslut;
}

const struct cli_cmd *
cli_hr_cmds(void)
{
	return cli_hr;
}
