/* cmd_ingest: `avslut-hr ingest FILE|DIR|-`: verify a whole signed bundle,
 * store its envelopes in one transaction, answer with a receipt. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "store/bundle.h"
#include "store/central.h"
#include "sync/sync.h"
#include "util/crash.h"
#include "util/fsx.h"
#include "util/msg.h"
#include "util/xmem.h"
#include "util/i18n.h"

#define BUNDLE_EXT ".bundle"
#define RECEIPT_EXT ".receipt"
/* How old a temporary receipt must be before a sweep looks at it: a
 * live ingest's is locked (sync_tmp_hold), so no grace is needed. */
#define RECEIPT_GRACE 0

/* Write the receipt in two halves with a crash point between them, so
 * tests can show that half a receipt is never taken for one. */
static int
receipt_put(int fd, const uint8_t *p, size_t len, struct err *e)
{
	if (fsx_write_all(fd, p, len / 2, "cannot write the receipt", e) != 0)
		return -1;
	crash_point("ingest-mid-receipt");
	return fsx_write_all(fd, p + len / 2, len - len / 2,
	    "cannot write the receipt", e);
}

/* A receipt file: a temporary name beginning with a dot (never read by
 * either side), locked while written (sync_tmp_hold: a killed ingest's
 * is swept by the next, see sync_tmp_sweep), fsync, rename, fsync of
 * the directory. */
static int
receipt_file(const char *path, const uint8_t *p, size_t len, struct err *e)
{
	char *copy = xstrdup(path), *slash, *tmp;
	int fd, rc = -1;

	slash = strrchr(copy, '/');
	if (slash != NULL) {
		*slash = '\0';
		tmp = xasprintf("%s/.%s.XXXXXX", copy, slash + 1);
	} else
		tmp = xasprintf(".%s.XXXXXX", copy);
	free(copy);
	for (;;) {
		if ((fd = mkstemp(tmp)) == -1) {
			sync_errno(e, errno, "cannot create a file beside %s",
			    path);
			free(tmp);
			return -1;
		}
		if (sync_tmp_hold(fd) == 0)
			break;
		close(fd); /* swept before it was locked: again */
		memcpy(tmp + strlen(tmp) - 6, "XXXXXX", 6);
	}
	/* Receipts hold ids and hashes, nothing secret; the laptop's user
	 * must be able to read them on the share. */
	if (fchmod(fd, 0644) == -1) {
		sync_errno(e, errno, "cannot write %s", tmp);
		close(fd);
		goto out;
	}
	if (receipt_put(fd, p, len, e) != 0) {
		err_prefix(e, "%s", tmp);
		close(fd);
		goto out;
	}
	if (fsync(fd) == -1) {
		sync_errno(e, errno, "cannot write %s", tmp);
		close(fd);
		goto out;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		sync_errno(e, errno, "cannot write %s", path);
		goto out;
	}
	rc = fsx_sync_dir_of(path, e);
out:
	if (rc != 0) {
		unlink(tmp);
		sync_fail(e, ERR_IO);
	}
	free(tmp);
	return rc;
}

/* Read, verify, store one bundle from fd; fills the encoded receipt.
 * Returns a sysexits code; name is for messages. */
static int
ingest_fd(struct central *c, int fd, const char *name, const uint8_t *rkey,
    uint8_t **rcpt, size_t *rlen)
{
	struct bundle b;
	struct bundle_ack *acks;
	struct err e;
	size_t n, added;
	int rc;

	if ((rc = bundle_read(fd, &b, &e)) != 0) {
		msg_warn(_("ingest: %s: %s: nothing was stored"), name, e.msg);
		return cli_exit_code(&e);
	}
	rc = central_ingest(c, &b, &acks, &n, &added, &e);
	bundle_free(&b);
	if (rc != 0) {
		msg_warn(_("ingest: %s: %s"), name, e.msg);
		return cli_exit_code(&e);
	}
	crash_point("ingest-after-commit");
	rc = rkey != NULL ?
	    bundle_receipt_encode_keyed(acks, n, rkey, rcpt, rlen, &e) :
	    bundle_receipt_encode(acks, n, rcpt, rlen, &e);
	free(acks);
	if (rc != 0) {
		msg_warn(_("ingest: %s: %s"), name, e.msg);
		return EX_SOFTWARE;
	}
	fprintf(stderr,
	    _("%s: %s: %zu sealed interviews, %zu new, %zu "
	      "already held\n"),
	    msg_prog(), name, n, added, n - added);
	return 0;
}

/* What a killed ingest --receipt FILE left beside FILE. */
static void
receipt_sweep(const char *path)
{
	char *copy = xstrdup(path), *slash = strrchr(copy, '/');

	if (slash == NULL)
		sync_tmp_sweep(".", sync_tmp_is_receipt, copy, RECEIPT_GRACE);
	else {
		*slash = '\0';
		sync_tmp_sweep(slash == copy ? "/" : copy, sync_tmp_is_receipt,
		    slash + 1, RECEIPT_GRACE);
	}
	free(copy);
}

static int
ingest_stream(struct central *c, const char *src, const char *receipt)
{
	uint8_t *r = NULL;
	size_t rlen;
	struct err e;
	int fd = 0, rc;

	if (strcmp(src, "-") != 0 &&
	    (fd = open(src, O_RDONLY | O_CLOEXEC)) == -1) {
		msg_warn(_("ingest: cannot open %s: %s"), src, strerror(errno));
		return errno == ENOENT ? EX_NOINPUT : EX_IOERR;
	}
	rc = ingest_fd(c, fd, strcmp(src, "-") == 0 ? "standard input" : src,
	    NULL, &r, &rlen);
	if (fd != 0)
		close(fd);
	if (rc != 0)
		return rc;
	if (receipt != NULL) {
		receipt_sweep(receipt);
		if (receipt_file(receipt, r, rlen, &e) != 0) {
			msg_warn(_("ingest: %s"), e.msg);
			rc = EX_IOERR;
		}
	} else if (isatty(STDOUT_FILENO)) {
		msg_warn(
		    _("ingest: the envelopes are stored, but the receipt is "
		      "not written to a terminal: ingest again with --receipt "
		      "FILE or redirect standard output"));
	} else if (receipt_put(STDOUT_FILENO, r, rlen, &e) != 0) {
		msg_warn(_("ingest: cannot write the receipt: %s"), e.msg);
		rc = EX_IOERR;
	}
	free(r);
	return rc;
}

/* The receipt is durable: the bundle, which lists the ids in the clear
 * beside its signer's key, goes at once (issue 11). Failing that is no
 * error (the laptop's next sync removes it), but it is said. */
static void
ingest_forget(const char *bpath, int verbose)
{
	if (unlink(bpath) == 0) {
		(void)fsx_sync_dir_of(bpath, NULL);
		if (verbose)
			fprintf(stderr,
			    _("%s: %s: removed, its receipt is "
			      "written\n"),
			    msg_prog(), bpath);
	} else if (errno != ENOENT)
		msg_warn(_("ingest: cannot remove %s after writing its receipt "
			   "(%s): remove it, it lists the interviews' ids"),
		    bpath, strerror(errno));
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The drop folder: every NAME.bundle without NAME.receipt, in name order.
 * One refused bundle does not stop the others; the first failure's code
 * is the exit code. */
static int
ingest_dir(struct central *c, const char *dir, int verbose)
{
	struct dirent *de;
	DIR *d;
	char **names = NULL, *bpath, *rpath;
	size_t n = 0, i, len, done = 0;
	uint8_t *r;
	size_t rlen;
	struct err e;
	int fd, rc, first = 0;

	if ((d = opendir(dir)) == NULL) {
		msg_warn(_("ingest: cannot read the folder %s: %s"), dir,
		    strerror(errno));
		return EX_IOERR;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= strlen(BUNDLE_EXT) ||
		    strcmp(de->d_name + len - strlen(BUNDLE_EXT), BUNDLE_EXT) !=
			0)
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrndup(de->d_name, len - strlen(BUNDLE_EXT));
	}
	closedir(d);
	/* Half-written receipts of killed ingests: ours to remove. */
	sync_tmp_sweep(dir, sync_tmp_is_receipt, NULL, RECEIPT_GRACE);
	if (n > 1)
		qsort(names, n, sizeof *names, name_cmp);
	for (i = 0; i < n; i++) {
		uint8_t rkey[BUNDLE_RKEY_BYTES], *kp = NULL;
		size_t blen = strlen(names[i]);

		bpath = xasprintf("%s/%s%s", dir, names[i], BUNDLE_EXT);
		/* NAME-KEY.bundle (KEY: 64 hex digits) is answered by a
		 * keyed NAME.receipt (avslut-bundle(5)): the receipt's name
		 * drops the key, and its digests need it. */
		if (blen > 65 && names[i][blen - 65] == '-' &&
		    sodium_hex2bin(rkey, sizeof rkey, names[i] + blen - 64, 64,
			NULL, NULL, NULL) == 0) {
			kp = rkey;
			rpath = xasprintf("%s/%.*s%s", dir, (int)(blen - 65),
			    names[i], RECEIPT_EXT);
		} else
			rpath = xasprintf("%s/%s%s", dir, names[i],
			    RECEIPT_EXT);
		rc = 0;
		if (fsx_exists(rpath)) {
			/* Answered before; an ingest killed between the
			 * receipt and the removal left the bundle. */
			ingest_forget(bpath, verbose);
			goto next;
		}
		if ((fd = open(bpath, O_RDONLY | O_CLOEXEC)) == -1) {
			/* The laptop's sync removed it after it read an
			 * earlier receipt: nothing to do. */
			if (errno == ENOENT) {
				if (verbose)
					fprintf(stderr,
					    _("%s: %s: gone (its "
					      "receipt was read and the laptop "
					      "removed both): skipped\n"),
					    msg_prog(), bpath);
				goto next;
			}
			msg_warn(_("ingest: cannot open %s: %s"), bpath,
			    strerror(errno));
			rc = EX_IOERR;
			goto next;
		}
		rc = ingest_fd(c, fd, bpath, kp, &r, &rlen);
		close(fd);
		sodium_memzero(rkey, sizeof rkey);
		if (rc != 0)
			goto next;
		if (receipt_file(rpath, r, rlen, &e) != 0) {
			msg_warn(_("ingest: %s"), e.msg);
			rc = cli_exit_code(&e);
		} else {
			done++;
			crash_point("ingest-after-receipt");
			ingest_forget(bpath, verbose);
		}
		free(r);
	next:
		if (rc != 0 && first == 0)
			first = rc;
		free(bpath);
		free(rpath);
		free(names[i]);
	}
	free(names);
	if (done == 0 && first == 0)
		fprintf(stderr, _("%s: %s: no new bundles\n"), msg_prog(), dir);
	return first;
}

int
cmd_ingest(const struct cli_args *a)
{
	const char *db = a->db, *receipt = cli_arg(a, 'r'), *src;
	struct central *c;
	struct stat st;
	struct err e;
	int rc, isdir, verbose = cli_arg(a, 'v') != NULL;

	if (a->argc != 1) {
		msg_warn(
		    _("ingest: give one FILE, DIR or -: see avslut-hr ingest "
		      "--help"));
		return EX_USAGE;
	}
	src = a->argv[0];
	isdir = strcmp(src, "-") != 0 && stat(src, &st) == 0 &&
	    S_ISDIR(st.st_mode);
	if (isdir && receipt != NULL) {
		msg_warn(_("ingest: --receipt goes with a FILE or -, not a "
			   "folder"));
		return EX_USAGE;
	}
	if (strcmp(src, "-") != 0 && !isdir && !fsx_exists(src)) {
		msg_warn(_("ingest: %s does not exist: check the path"), src);
		return EX_NOINPUT;
	}
	if ((rc = central_open(&c, db, 0, &e)) != 0) {
		msg_warn(_("ingest: %s"), e.msg);
		return cli_exit_code(&e);
	}
	rc = isdir ? ingest_dir(c, src, verbose) :
		     ingest_stream(c, src, receipt);
	/* A bundle on standard input with the receipt on standard output
	 * is the ssh transport: the receipt is out, so the store is laid
	 * out by a detached process and the laptop's sync ends now. */
	if (strcmp(src, "-") == 0 && receipt == NULL) {
		(void)central_close_detached(c);
		return rc;
	}
	/* Once per run, after the last receipt: lay the file out in id
	 * order (central.c, "No order of arrival"). What was stored stays
	 * stored; a failure here is retried by the next open. */
	if (central_settle(c, &e) != 0)
		msg_warn(
		    _("ingest: stored, but %s: it is done again at the next "
		      "ingest or open"),
		    e.msg);
	central_close(c);
	return rc;
}
