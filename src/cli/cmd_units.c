/* cmd_units: `avslut-hr units` lists the config's units with their area
 * and the years the store holds turnover and staff-survey HME for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "config/config.h"
#include "store/central.h"
#include "util/msg.h"
#include "util/xmem.h"
#include "util/fsx.h"
#include "util/utf8.h"
#include "util/i18n.h"

/* "2023, 2024" for the years rows (sorted by unit, year) hold for unit. */
static char *
units_years(const char *unit, const char *const *units, const unsigned *years,
    size_t n)
{
	char *s = NULL, *t;
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(units[i], unit) != 0)
			continue;
		t = s == NULL ? xasprintf("%u", years[i]) :
				xasprintf("%s, %u", s, years[i]);
		free(s);
		s = t;
	}
	return s != NULL ? s : xstrdup("-");
}

struct units_tab {
	const char **unit;
	unsigned *year;
	size_t n;
};

/* Column widths on a terminal; all zero: tab-separated, for scripts. */
static size_t units_w[4];

/* s and spaces to w characters (å is one), then the gap. */
static void
units_cell(const char *s, size_t w)
{
	size_t n = utf8_len(s, strlen(s));

	fputs(s, stdout);
	if (w == 0) {
		putchar('\t');
		return;
	}
	for (; n < w + 2; n++)
		putchar(' ');
}

static void
units_row(const char *code, const char *name, const char *area,
    const struct units_tab *t, const struct units_tab *h)
{
	char *ty = units_years(code, t->unit, t->year, t->n);
	char *hy = units_years(code, h->unit, h->year, h->n);

	units_cell(code, units_w[0]);
	units_cell(name, units_w[1]);
	units_cell(area, units_w[2]);
	units_cell(ty, units_w[3]);
	printf("%s\n", hy);
	free(ty);
	free(hy);
}

static void
units_widen(size_t col, const char *s)
{
	size_t n = utf8_len(s, strlen(s));

	if (n > units_w[col])
		units_w[col] = n;
}

static int
units_in(const struct units_tab *t, const char *unit)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->unit[i], unit) == 0)
			return 1;
	return 0;
}

static int
units_known(const struct config *cfg, const char *const *list, size_t i)
{
	size_t j;

	if (config_unit(cfg, list[i]) != NULL)
		return 1;
	for (j = 0; j < i; j++)
		if (strcmp(list[j], list[i]) == 0)
			return 1; /* listed already */
	return 0;
}

int
cmd_units(const struct cli_args *a)
{
	struct turnover_row *tv = NULL;
	struct hme_row *hv = NULL;
	struct units_tab t, h;
	struct config *cfg;
	struct central *c;
	struct err e;
	const char *db = a->db;
	size_t nt = 0, nh = 0, i;
	int rc;

	if ((cfg = config_load("avslut-hr", &e)) == NULL) {
		msg_warn(_("units: %s"), e.msg);
		return cli_exit_code(&e);
	}
	/* No store yet is fine: no unit has data then; but a store named
	 * with --db must exist (a typo would list every unit as empty). */
	if (db != NULL && !fsx_exists(db)) {
		msg_warn(_("units: %s does not exist: check --db"), db);
		config_free(cfg);
		return EX_NOINPUT;
	}
	rc = central_open(&c, db, CENTRAL_RDONLY, &e);
	if (rc == 0) {
		if ((rc = central_turnover_list(c, &tv, &nt, &e)) == 0)
			rc = central_hme_list(c, &hv, &nh, &e);
		central_close(c);
	}
	if (rc != 0 && e.cls != ERR_NOINPUT) {
		msg_warn(_("units: %s"), e.msg);
		central_turnover_list_free(tv, nt);
		config_free(cfg);
		return cli_exit_code(&e);
	}
	t.n = nt;
	t.unit = xcalloc(nt + 1, sizeof *t.unit);
	t.year = xcalloc(nt + 1, sizeof *t.year);
	for (i = 0; i < nt; i++) {
		t.unit[i] = tv[i].unit;
		t.year[i] = tv[i].year;
	}
	h.n = nh;
	h.unit = xcalloc(nh + 1, sizeof *h.unit);
	h.year = xcalloc(nh + 1, sizeof *h.year);
	for (i = 0; i < nh; i++) {
		h.unit[i] = hv[i].unit;
		h.year[i] = hv[i].year;
	}
	/* on a terminal, aligned columns; otherwise one tab between */
	if (isatty(STDOUT_FILENO)) {
		units_widen(0, _("CODE"));
		units_widen(1, _("NAME"));
		units_widen(2, _("AREA"));
		units_widen(3, _("TURNOVER"));
		for (i = 0; i < cfg->nunits; i++) {
			char *ty = units_years(cfg->units[i].code, t.unit,
			    t.year, t.n);

			units_widen(0, cfg->units[i].code);
			units_widen(1, cfg->units[i].name);
			units_widen(2,
			    cfg->units[i].area != NULL ? cfg->units[i].area :
							 "-");
			units_widen(3, ty);
			free(ty);
		}
		units_widen(1, _("(not in the config)"));
	}
	units_cell(_("CODE"), units_w[0]);
	units_cell(_("NAME"), units_w[1]);
	units_cell(_("AREA"), units_w[2]);
	units_cell(_("TURNOVER"), units_w[3]);
	printf("%s\n", _("HME"));
	for (i = 0; i < cfg->nunits; i++)
		units_row(cfg->units[i].code, cfg->units[i].name,
		    cfg->units[i].area != NULL && cfg->units[i].area[0] ?
			cfg->units[i].area :
			"-",
		    &t, &h);
	for (i = 0; i < nt; i++)
		if (!units_known(cfg, t.unit, i))
			units_row(t.unit[i], _("(not in the config)"), "-", &t,
			    &h);
	for (i = 0; i < nh; i++)
		if (!units_known(cfg, h.unit, i) && !units_in(&t, h.unit[i]))
			units_row(h.unit[i], _("(not in the config)"), "-", &t,
			    &h);
	free(t.unit);
	free(t.year);
	free(h.unit);
	free(h.year);
	central_turnover_list_free(tv, nt);
	central_hme_list_free(hv, nh);
	config_free(cfg);
	return 0;
}
