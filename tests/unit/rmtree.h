/* rmtree: a test's temporary directory removed with everything in it
 * (stores leave central.db-key, -wal, -shm, caches and ledgers beside
 * central.db; a test that removes only the files it knows leaves the
 * rest, key files among them, in /tmp after every run). */
#ifndef AVSLUT_TEST_RMTREE_H
#define AVSLUT_TEST_RMTREE_H

#include <ftw.h>
#include <stdio.h>

static int
rmtree_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	(void)remove(p); /* go on: remove what can be */
	return 0;
}

/* Remove dir and everything under it, links not followed. */
static inline void
rmtree(const char *dir)
{
	nftw(dir, rmtree_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Remove the store at dbpath: the file, its WAL and shared memory, and
 * its digest key (central.db-key), so that a new store can be made at
 * the same path. */
static inline void
rmstore(const char *dbpath)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-key" };
	char p[4096];
	size_t i;

	for (i = 0; i < sizeof sfx / sizeof *sfx; i++) {
		snprintf(p, sizeof p, "%s%s", dbpath, sfx[i]);
		(void)remove(p);
	}
}

#endif
