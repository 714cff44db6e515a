/* release_ledger: every release this account has seen of a store, kept
 * outside central.db (in the configuration directory), so that a store
 * restored from an older copy, or a releases row deleted or replaced, is
 * noticed instead of silently released again: a new release 1 of a year
 * beside the old one would tell apart exactly the interviews in one and
 * not in the other (the red team's tests/attacks/restore_backup.py).
 *
 * The file, one per store (named after its real path), holds a line per
 * release: year, revision and the BLAKE2b-256 of the sealed blob, in hex.
 * It holds no figure and no id. Restoring this file together with the
 * store (a whole home directory from one backup) defeats it; avslut-report(5)
 * says so. */
#include "report/release.h"
#include "report/release_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/fsx.h"
#include "util/i18n.h"
#include "util/paths.h"
#include "util/xmem.h"

#define LEDGER_MAX (1024 * 1024)

/* The ledger's path for the store at dbpath (its real path, hashed). */
static char *
ledger_path(const char *dbpath, char **dir)
{
	uint8_t h[8];
	char hex[17], *real = realpath(dbpath, NULL), *name, *p;

	crypto_generichash(h, sizeof h,
	    (const uint8_t *)(real != NULL ? real : dbpath),
	    strlen(real != NULL ? real : dbpath), NULL, 0);
	free(real);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	*dir = paths_config_dir("avslut-hr");
	name = xasprintf("releases-%s", hex);
	p = paths_join(*dir, name);
	free(name);
	return p;
}

void
rel_blob_hash(const uint8_t *blob, size_t len, uint8_t out[32])
{
	crypto_generichash(out, 32, blob, len, NULL, 0);
}

void
rel_blob_digest(const uint8_t *blob, size_t len, char out[65])
{
	uint8_t h[32];

	rel_blob_hash(blob, len, h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

int
rel_ledger_read(const char *dbpath, struct rel_ledger *l, struct err *e)
{
	char *dir, *path = ledger_path(dbpath, &dir), *buf = NULL, *line, *s;
	size_t len;
	unsigned y, r;
	char d[65];

	memset(l, 0, sizeof *l);
	if (!fsx_exists(path)) {
		free(path);
		free(dir);
		return 0;
	}
	if (fsx_read_file(path, LEDGER_MAX, &buf, &len, e) != 0) {
		free(path);
		free(dir);
		return -1;
	}
	for (line = strtok_r(buf, "\n", &s); line != NULL;
	     line = strtok_r(NULL, "\n", &s)) {
		if (sscanf(line, "%u %u %64s", &y, &r, d) != 3 ||
		    strlen(d) != 64) {
			err_setc(e, ERR_DATA,
			    _("%s: damaged: move it away "
			      "only if you are sure that central.db holds every "
			      "release it names"),
			    path);
			free(buf);
			free(path);
			free(dir);
			rel_ledger_free(l);
			return -1;
		}
		rel_ledger_add(l, y, r, d);
	}
	free(buf);
	free(path);
	free(dir);
	return 0;
}

int
rel_ledger_find(const struct rel_ledger *l, unsigned year, unsigned rev)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].year == year && l->v[i].revision == rev)
			return (int)i;
	return -1;
}

void
rel_ledger_add(struct rel_ledger *l, unsigned year, unsigned rev,
    const char digest[65])
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n].year = year;
	l->v[l->n].revision = rev;
	memcpy(l->v[l->n].digest, digest, 65);
	l->n++;
}

int
rel_ledger_write(const char *dbpath, const struct rel_ledger *l, struct err *e)
{
	char *dir, *path = ledger_path(dbpath, &dir), *text = xstrdup(""),
		   *more;
	size_t i;
	int rc;

	for (i = 0; i < l->n; i++) {
		more = xasprintf("%s%u %u %s\n", text, l->v[i].year,
		    l->v[i].revision, l->v[i].digest);
		free(text);
		text = more;
	}
	rc = fsx_mkdir_p(dir, 0700, e);
	if (rc == 0)
		rc = fsx_write_atomic(path, text, strlen(text), 0600, 0, e);
	if (rc != 0)
		err_prefix(e, _("the ledger of releases %s"), path);
	free(text);
	free(path);
	free(dir);
	return rc;
}

void
rel_ledger_free(struct rel_ledger *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}

int
release_ledger_purge(const char *dbpath, unsigned year, struct err *e)
{
	struct rel_ledger l, keep;
	size_t i;
	int rc;

	if (rel_ledger_read(dbpath, &l, e) != 0)
		return -1;
	memset(&keep, 0, sizeof keep);
	for (i = 0; i < l.n; i++)
		if (l.v[i].year >= year)
			rel_ledger_add(&keep, l.v[i].year, l.v[i].revision,
			    l.v[i].digest);
	rc = keep.n == l.n ? 0 : rel_ledger_write(dbpath, &keep, e);
	rel_ledger_free(&l);
	rel_ledger_free(&keep);
	return rc;
}
