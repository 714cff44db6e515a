/* sync_run: one sync, export or receipt: the waiting envelopes as a
 * signed bundle, sent by the DEST's transport, removed on HR's receipt. */
#include "sync/sync.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "store/bundle.h"
#include "store/central.h"
#include "store/outbox.h"
#include "util/crash.h"
#include "util/fsx.h"
#include "util/i18n.h"
#include "util/xmem.h"

#define SYNC_LOCK_FILE "sync.lock"
#define SYNC_TAG_CHARS 16 /* hex: names this laptop's bundles */
#define SYNC_BUNDLE_EXT ".bundle"
#define SYNC_RECEIPT_EXT ".receipt"
#define SYNC_TMP_EXT ".tmp"
/* outbox meta: the temporary file an export is writing, if any */
#define SYNC_META_EXPORT_TMP "export_tmp"
/* outbox meta: the secret behind drop-folder receipt keys (hex) */
#define SYNC_META_RECEIPT_SECRET "receipt_secret"

int
sync_lock(const char *data_dir, struct err *e)
{
	char *path;
	int fd;

	if (fsx_mkdir_p(data_dir, 0700, e) != 0)
		return -1;
	path = xasprintf("%s/%s", data_dir, SYNC_LOCK_FILE);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		err_setc(e, err_class_errno(errno), _("cannot open %s: %s"),
		    path, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		err_setc(e, ERR_BUSY,
		    _("another sync, export or receipt is "
		      "running on this laptop: wait for it to finish, then try "
		      "again"));
		close(fd);
		return -1;
	}
	/* Holding the lock, nothing of ours writes a bundle here: any
	 * ".bundle-XXXXXX" is a killed sync's. An atomic write's temporary
	 * file (profile, draftkeys: avslut init, passwd, any first open)
	 * is locked while a live writer writes it (fsx_write_atomic). */
	sync_tmp_sweep(data_dir, sync_tmp_is_bundle, NULL, 0);
	sync_tmp_sweep(data_dir, sync_tmp_is_atomic, NULL, 0);
	return fd;
}

void
sync_unlock(int fd)
{
	if (fd != -1)
		close(fd); /* releases the flock */
}

/* fsync the directory holding path, so a rename or unlink there is on
 * disk. Shares (SMB, some NFS setups, FUSE) may not support fsync on a
 * directory at all; that is no error: the server orders its writes. */
static int
sync_dir_fsync(const char *path, struct err *e)
{
	char *copy = xstrdup(path), *slash = strrchr(copy, '/');
	int fd, rc = 0;

	if (slash == copy)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	else
		strcpy(copy, ".");
	fd = open(copy, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1 ||
	    (fsync(fd) == -1 && errno != EINVAL && errno != ENOTSUP &&
		errno != EROFS))
		rc = sync_errno(e, errno, _("cannot flush the folder %s"),
		    copy);
	if (fd != -1)
		close(fd);
	free(copy);
	return rc;
}

/* An unlinked temporary file in the data directory for the bundle: it
 * holds only sealed envelopes, but stays in the laptop's private dir. */
static void sync_forget_tmp(struct outbox *ob);

static int
sync_tmpfd(const char *dir, struct err *e)
{
	char *path = xasprintf("%s/.bundle-XXXXXX", dir);
	int fd = mkstemp(path);

	if (fd == -1)
		sync_errno(e, errno, _("cannot create a temporary file in %s"),
		    dir);
	else {
		unlink(path);
		/* Not for the ssh child. */
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	free(path);
	return fd;
}

/* Write envs[idx[i]] (all of envs when idx is NULL) as a signed bundle.
 * Calls the crash point mid_point once half of them are written. */
static int
sync_write_bundle(int fd, const struct outbox_env *envs, const size_t *idx,
    size_t n, const struct sync_opts *o, const char *mid_point, struct err *e)
{
	struct bundle_writer *w;
	size_t i;

	if ((w = bundle_writer_new(fd, n, o->sign_sk, e)) == NULL)
		return sync_fail(e, ERR_IO);
	for (i = 0; i < n; i++) {
		const struct outbox_env *v = &envs[idx ? idx[i] : i];

		if (bundle_writer_add(w, v->id, v->blob, v->len, e) != 0) {
			bundle_writer_abort(w);
			return sync_fail(e, ERR_IO);
		}
		if (mid_point != NULL && i == n / 2)
			crash_point(mid_point);
		if (o->progress != NULL && mid_point != NULL)
			o->progress(o->progress_arg, i + 1, n);
	}
	if (bundle_writer_finish(w, e) != 0)
		return sync_fail(e, ERR_IO);
	return 0;
}

/* Applied in two transactions, with the crash point sync-mid-remove
 * between them, so a test can kill a sync that removed half. */
int
sync_apply_acks(struct outbox *ob, const struct bundle_ack *acks, size_t n,
    struct sync_result *r, struct err *e)
{
	struct outbox_ack *a = xcalloc(n ? n : 1, sizeof *a);
	size_t i, half = n / 2, rm = 0, ref = 0;
	struct err e2;
	int rc = 0;

	for (i = 0; i < n; i++) {
		memcpy(a[i].id, acks[i].id, OUTBOX_ID_BYTES);
		memcpy(a[i].hash, acks[i].hash, OUTBOX_HASH_BYTES);
	}
	err_clear(&e2);
	if (outbox_env_ack_many(ob, a, half, &rm, &ref, &e2) != 0) {
		memcpy(e, &e2, sizeof e2);
		rc = sync_fail(e, ERR_IO);
		goto out;
	}
	r->confirmed += rm;
	r->refused += ref;
	if (ref > 0)
		memcpy(e, &e2, sizeof e2);
	if (n > 1)
		crash_point("sync-mid-remove");
	if (outbox_env_ack_many(ob, a + half, n - half, &rm, &ref, &e2) != 0) {
		memcpy(e, &e2, sizeof e2);
		rc = sync_fail(e, ERR_IO);
		goto out;
	}
	r->confirmed += rm;
	if (ref > 0 && r->refused == 0)
		memcpy(e, &e2, sizeof e2);
	r->refused += ref;
out:
	free(a);
	return rc;
}

static void
sync_set_time(struct outbox *ob)
{
	char buf[32];
	struct err e;

	snprintf(buf, sizeof buf, "%lld", (long long)time(NULL));
	(void)outbox_meta_set(ob, OUTBOX_META_LAST_SYNC, buf, &e);
}

static off_t
sync_rewind(int fd, struct err *e)
{
	off_t len = lseek(fd, 0, SEEK_CUR);

	if (len == -1 || lseek(fd, 0, SEEK_SET) == -1) {
		err_setc(e, ERR_IO, _("cannot rewind the bundle: %s"),
		    strerror(errno));
		return -1;
	}
	return len;
}

/* The path transport: the laptop opens central.db itself (after the
 * network file system check inside central_open) and ingests the very
 * bundle it wrote, read back and verified as HR's ingest would. */
static int
sync_path(int fd, const struct sync_opts *o, struct bundle_ack **acks,
    size_t *nacks, struct sync_result *r, struct err *e)
{
	const char *path = o->dest->path, *tmo;
	struct central *c = NULL;
	struct bundle b;
	struct stat st;
	int rc;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		return err_setc(e, ERR_USAGE,
		    _("%s is a folder: give the path "
		      "of central.db, or write dir:%s to use it as a drop "
		      "folder"),
		    path, path);
	}
	if (sync_rewind(fd, e) == -1)
		return sync_fail(e, ERR_IO);
	if (bundle_read(fd, &b, e) != 0) {
		err_prefix(e, _("the bundle does not read back"));
		return sync_fail(e, ERR_IO);
	}
	/* central.db's own class decides (a full disk, a read-only file, an
	 * unknown signer...); what central leaves unclassed is I/O. */
	if (central_open(&c, path, 0, e) != 0) {
		bundle_free(&b);
		return sync_fail(e, ERR_IO);
	}
	if ((tmo = getenv("AVSLUT_SYNC_TIMEOUT")) != NULL && atoi(tmo) > 0)
		central_set_busy_timeout(c, atoi(tmo) * 1000);
	rc = central_ingest(c, &b, acks, nacks, &r->added, e);
	central_close(c);
	bundle_free(&b);
	return rc != 0 ? sync_fail(e, ERR_IO) : 0;
}

static int
sync_ssh(int fd, const struct sync_opts *o, struct bundle_ack **acks,
    size_t *nacks, struct sync_result *r, struct err *e)
{
	uint8_t *rcpt = NULL;
	size_t rlen = 0;
	off_t len;
	int rc;

	if ((len = sync_rewind(fd, e)) == -1)
		return sync_fail(e, ERR_IO);
	rc = sync_ssh_send(o->dest, o->ssh_program, o->remote_command, fd,
	    (size_t)len, o->progress, o->progress_arg, &rcpt, &rlen,
	    &r->remote_status, e);
	if (rc != 0)
		return rc;
	rc = bundle_receipt_read_buf(rcpt, rlen, acks, nacks, e);
	free(rcpt);
	if (rc != 0) {
		err_prefix(e,
		    _("HR's ingest on %s answered with a bad receipt "
		      "(nothing removed)"),
		    o->dest->host);
		return sync_fail(e, ERR_DATA);
	}
	return 0;
}

/* --- the drop folder ---------------------------------------------------- */

/* This laptop's bundles in a shared folder start with a tag derived
 * from its signing key. The bundle carries that key anyway, so the tag
 * tells a reader of the folder nothing new; it lets each laptop find its
 * own bundles and receipts without any state of its own. */
static void
sync_tag(const struct sync_opts *o, char tag[SYNC_TAG_CHARS + 1])
{
	uint8_t h[crypto_generichash_BYTES_MIN];

	crypto_generichash(h, sizeof h, o->sign_pk, 32,
	    (const uint8_t *)"avslut-drop-v1", 14);
	sodium_bin2hex(tag, SYNC_TAG_CHARS + 1, h, SYNC_TAG_CHARS / 2);
}

static int
sync_ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int
sync_id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, BUNDLE_ID_BYTES);
}

struct sync_ids {
	uint8_t (*id)[BUNDLE_ID_BYTES];
	size_t n, cap;
};

static void
sync_ids_add(struct sync_ids *s, const uint8_t *id)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->id = xreallocarray(s->id, s->cap, sizeof *s->id);
	}
	memcpy(s->id[s->n++], id, BUNDLE_ID_BYTES);
}

/* The laptop's receipt secret: 32 random bytes in the outbox (never in
 * the folder, never sent), made on the first sync to a drop folder. A
 * bundle NAME's receipt key is BLAKE2b-256 keyed with it over NAME's
 * random part, so this laptop, and no reader of the folder or of
 * central.db, can tell which ids a keyed receipt confirms. */
static int
sync_receipt_secret(struct outbox *ob, int make, uint8_t out[32], struct err *e)
{
	char *hex = NULL, buf[65];
	int rc = -1;

	if (outbox_meta_get(ob, SYNC_META_RECEIPT_SECRET, &hex, e) != 0)
		return -1;
	if (hex != NULL &&
	    sodium_hex2bin(out, 32, hex, strlen(hex), NULL, NULL, NULL) == 0 &&
	    strlen(hex) == 64)
		rc = 0;
	else if (make) {
		randombytes_buf(out, 32);
		sodium_bin2hex(buf, sizeof buf, out, 32);
		rc = outbox_meta_set(ob, SYNC_META_RECEIPT_SECRET, buf, e);
		sodium_memzero(buf, sizeof buf);
	} else
		rc = err_setc(e, ERR_DATA,
		    _("this laptop has no receipt key "
		      "(was the outbox replaced?)"));
	if (hex != NULL)
		sodium_memzero(hex, strlen(hex));
	free(hex);
	return rc;
}

static void
sync_receipt_key(const uint8_t secret[32], const char *nonce_hex,
    uint8_t key[BUNDLE_RKEY_BYTES])
{
	crypto_generichash(key, BUNDLE_RKEY_BYTES, (const uint8_t *)nonce_hex,
	    strlen(nonce_hex), secret, 32);
}

/* Apply a keyed receipt: each waiting envelope whose two digests it
 * lists is removed; one whose id digest it lists with another envelope
 * digest is kept and counted as refused (HR holds other bytes). */
static int
sync_apply_keyed(struct outbox *ob, const uint8_t key[BUNDLE_RKEY_BYTES],
    const struct bundle_kack *k, size_t nk, struct sync_result *r,
    struct err *e)
{
	struct outbox_env *envs = NULL;
	struct bundle_ack *acks;
	struct bundle_kack mine;
	size_t n = 0, i, j, na = 0, refused = 0;
	int rc;

	if (outbox_env_list(ob, &envs, &n, e) != 0)
		return sync_fail(e, ERR_IO);
	acks = xcalloc(n ? n : 1, sizeof *acks);
	for (i = 0; i < n; i++) {
		uint8_t h[BUNDLE_HASH_BYTES];

		bundle_env_hash(h, envs[i].blob, envs[i].len);
		bundle_receipt_mac(key, envs[i].id, h, &mine);
		for (j = 0; j < nk; j++) {
			if (sodium_memcmp(mine.idmac, k[j].idmac,
				sizeof mine.idmac) != 0)
				continue;
			if (sodium_memcmp(mine.envmac, k[j].envmac,
				sizeof mine.envmac) == 0) {
				memcpy(acks[na].id, envs[i].id,
				    BUNDLE_ID_BYTES);
				memcpy(acks[na++].hash, h, BUNDLE_HASH_BYTES);
			} else
				refused++;
			break;
		}
	}
	outbox_env_list_free(envs, n);
	rc = sync_apply_acks(ob, acks, na, r, e);
	free(acks);
	if (rc == 0 && refused > 0) {
		if (r->refused == 0)
			err_setc(e, ERR_DATA,
			    _("HR holds other bytes under the "
			      "same id"));
		r->refused += refused;
	}
	return rc;
}

/* A receipt of ours: apply it, then remove the bundle and the receipt
 * (in that order, so HR's ingest never sees a bundle without its
 * receipt and ingests it again for nothing). 0; 1 when the receipt does
 * not read (left in place, e says why); -1 when the sync must stop. */
static int
sync_dir_receipt(struct outbox *ob, const char *dir, const char *name,
    struct sync_result *r, struct err *e)
{
	char *rp = xasprintf("%s/%s", dir, name), *bp, *kbp = NULL, *buf = NULL;
	size_t stem = strlen(name) - strlen(SYNC_RECEIPT_EXT);
	struct bundle_ack *acks = NULL;
	struct bundle_kack *kacks = NULL;
	uint8_t secret[32], key[BUNDLE_RKEY_BYTES];
	char nonce[64], khex[2 * BUNDLE_RKEY_BYTES + 1];
	size_t len = 0, n = 0;
	int rc, keyed;

	bp = xasprintf("%s/%.*s%s", dir, (int)stem, name, SYNC_BUNDLE_EXT);
	if (fsx_read_file(rp, SYNC_RECEIPT_MAX, &buf, &len, e) != 0) {
		rc = sync_fail(e, ERR_IO);
		goto out;
	}
	keyed = bundle_receipt_version((uint8_t *)buf, len) ==
	    RECEIPT_VERSION_KEYED;
	/* "TAG-NONCE.receipt" answers "TAG-NONCE-KEY.bundle" */
	snprintf(nonce, sizeof nonce, "%.*s", (int)(stem - SYNC_TAG_CHARS - 1),
	    name + SYNC_TAG_CHARS + 1);
	if (keyed) {
		if (sync_receipt_secret(ob, 0, secret, e) != 0) {
			err_prefix(e, "%s", rp);
			rc = 1;
			goto out;
		}
		sync_receipt_key(secret, nonce, key);
		sodium_memzero(secret, sizeof secret);
		sodium_bin2hex(khex, sizeof khex, key, sizeof key);
		kbp = xasprintf("%s/%.*s-%s%s", dir, (int)stem, name, khex,
		    SYNC_BUNDLE_EXT);
		if (bundle_receipt_read_keyed((uint8_t *)buf, len, &kacks, &n,
			e) != 0) {
			err_prefix(e, "%s", rp);
			rc = 1;
			goto out;
		}
	} else if (bundle_receipt_read_buf((uint8_t *)buf, len, &acks, &n, e) !=
	    0) {
		err_prefix(e, "%s", rp);
		rc = 1;
		goto out;
	}
	crash_point("sync-after-ack-before-remove");
	rc = keyed ? sync_apply_keyed(ob, key, kacks, n, r, e) :
		     sync_apply_acks(ob, acks, n, r, e);
	if (rc != 0)
		goto out;
	/* The bundle first (HR's ingest removes it itself once the receipt
	 * is durable; an older one does not), then the receipt. */
	if ((unlink(bp) == -1 && errno != ENOENT) ||
	    (kbp != NULL && unlink(kbp) == -1 && errno != ENOENT) ||
	    sync_dir_fsync(bp, e) != 0 ||
	    (unlink(rp) == -1 && errno != ENOENT) ||
	    sync_dir_fsync(rp, e) != 0) {
		rc = sync_errno(e, errno, _("cannot remove %s and its receipt"),
		    bp);
	}
out:
	sodium_memzero(key, sizeof key);
	free(acks);
	free(kacks);
	free(buf);
	free(bp);
	free(kbp);
	free(rp);
	return rc;
}

/* The ids a bundle of ours still waiting in the folder carries. A bundle
 * that does not read back is left alone: its envelopes are sent again. */
static void
sync_dir_pending(const char *dir, const char *name, struct sync_ids *ids)
{
	char *p = xasprintf("%s/%s", dir, name);
	struct bundle b;
	struct err e;
	size_t i;
	int fd;

	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) != -1) {
		if (bundle_read(fd, &b, &e) == 0) {
			for (i = 0; i < b.n; i++)
				sync_ids_add(ids, b.envs[i].id);
			bundle_free(&b);
		}
		close(fd);
	}
	free(p);
}

static int
sync_dir_write(struct outbox *ob, const char *dir, const char *tag,
    const struct outbox_env *envs, const size_t *idx, size_t n,
    const struct sync_opts *o, struct err *e)
{
	uint8_t rnd[8], secret[32], key[BUNDLE_RKEY_BYTES];
	char hex[17], khex[2 * BUNDLE_RKEY_BYTES + 1], *tmp, *fin;
	int fd, rc;

	/* The receipt key travels in the bundle's name, which HR's ingest
	 * removes with the bundle; the receipt's name drops it. */
	if (sync_receipt_secret(ob, 1, secret, e) != 0)
		return sync_fail(e, ERR_IO);
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	sync_receipt_key(secret, hex, key);
	sodium_bin2hex(khex, sizeof khex, key, sizeof key);
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(key, sizeof key);
	tmp = xasprintf("%s/.%s-%s%s%s", dir, tag, hex, SYNC_BUNDLE_EXT,
	    SYNC_TMP_EXT);
	fin = xasprintf("%s/%s-%s-%s%s", dir, tag, hex, khex, SYNC_BUNDLE_EXT);
	sodium_memzero(khex, sizeof khex);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd == -1) {
		rc = sync_errno(e, errno,
		    _("cannot write in the drop folder "
		      "%s"),
		    dir);
		goto out;
	}
	crash_point("sync-before-transfer");
	rc = sync_write_bundle(fd, envs, idx, n, o, "sync-mid-transfer", e);
	if (rc != 0)
		err_prefix(e, "%s", tmp);
	if (rc == 0 && fsync(fd) == -1)
		rc = sync_errno(e, errno, _("cannot write %s"), tmp);
	if (close(fd) == -1 && rc == 0)
		rc = sync_errno(e, errno, _("cannot write %s"), tmp);
	if (rc == 0 && rename(tmp, fin) == -1)
		rc = sync_errno(e, errno, _("cannot rename %s"), tmp);
	if (rc == 0 && sync_dir_fsync(fin, e) != 0)
		rc = -1;
	if (rc != 0) {
		unlink(tmp);
		rc = sync_fail(e, ERR_IO);
	}
out:
	free(tmp);
	free(fin);
	return rc;
}

static int
sync_dir(struct outbox *ob, const struct sync_opts *o, struct sync_result *r,
    struct err *e)
{
	struct outbox_env *envs = NULL;
	size_t n = 0;
	const char *dir = o->dest->path;
	char tag[SYNC_TAG_CHARS + 1], **names = NULL;
	struct sync_ids ids = { NULL, 0, 0 };
	size_t nn = 0, cap = 0, i, nnew = 0, *idx = NULL;
	struct dirent *de;
	struct err e2;
	DIR *d;
	int rc = 0;

	sync_tag(o, tag);
	if ((d = opendir(dir)) == NULL) {
		return err_setc(e, ERR_IO,
		    _("cannot open the drop folder %s: "
		      "%s: check that the share is mounted"),
		    dir, strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		const char *s = de->d_name;
		int ours = strncmp(s, tag, SYNC_TAG_CHARS) == 0 &&
		    s[SYNC_TAG_CHARS] == '-';
		int tmp = s[0] == '.' &&
		    strncmp(s + 1, tag, SYNC_TAG_CHARS) == 0 &&
		    sync_ends(s, SYNC_TMP_EXT);

		if (!ours && !tmp)
			continue;
		if (nn == cap) {
			cap = cap ? cap * 2 : 16;
			names = xreallocarray(names, cap, sizeof *names);
		}
		names[nn++] = xstrdup(s);
	}
	closedir(d);
	/* Receipts first: what HR confirmed leaves the outbox. A receipt
	 * that does not parse stays where it is and does not stop the
	 * sync: its envelopes simply wait. */
	for (i = 0; i < nn; i++) {
		if (names[i][0] == '.') {
			/* Our own temp file from a sync that was killed: we
			 * hold the sync lock, so nothing of ours writes it. */
			char *p = xasprintf("%s/%s", dir, names[i]);
			unlink(p);
			free(p);
		} else if (sync_ends(names[i], SYNC_RECEIPT_EXT)) {
			rc = sync_dir_receipt(ob, dir, names[i], r, &e2);
			if (rc == 1) {
				if (r->bad_receipts++ == 0)
					snprintf(r->note, sizeof r->note, "%s",
					    e2.msg);
			} else if (rc != 0) {
				memcpy(e, &e2, sizeof e2);
				goto out;
			}
			rc = 0;
		}
	}
	for (i = 0; i < nn; i++) {
		size_t stem;
		char *rp;

		if (!sync_ends(names[i], SYNC_BUNDLE_EXT))
			continue;
		stem = strlen(names[i]) - strlen(SYNC_BUNDLE_EXT);
		if (stem > 2 * BUNDLE_RKEY_BYTES + 1 &&
		    names[i][stem - 2 * BUNDLE_RKEY_BYTES - 1] == '-')
			stem -= 2 * BUNDLE_RKEY_BYTES + 1; /* -KEY */
		rp = xasprintf("%s/%.*s%s", dir, (int)stem, names[i],
		    SYNC_RECEIPT_EXT);
		if (!fsx_exists(rp))
			sync_dir_pending(dir, names[i], &ids);
		free(rp);
	}
	/* What the receipts confirmed has left the outbox: list it now. */
	if (outbox_env_list(ob, &envs, &n, e) != 0) {
		rc = sync_fail(e, ERR_IO);
		goto out;
	}
	if (ids.n > 0)
		qsort(ids.id, ids.n, sizeof *ids.id, sync_id_cmp);
	idx = xcalloc(n ? n : 1, sizeof *idx);
	for (i = 0; i < n; i++)
		if (ids.n == 0 ||
		    bsearch(envs[i].id, ids.id, ids.n, sizeof *ids.id,
			sync_id_cmp) == NULL)
			idx[nnew++] = i;
	r->pending = n - nnew;
	if (nnew == 0 || nnew < o->min || o->sign_sk == NULL) {
		r->held = nnew > 0;
		goto out;
	}
	if ((rc = sync_dir_write(ob, dir, tag, envs, idx, nnew, o, e)) == 0)
		r->sent = nnew;
out:
	outbox_env_list_free(envs, n);
	for (i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	free(ids.id);
	free(idx);
	return rc;
}

int
sync_run(struct outbox *ob, const struct sync_opts *o, struct sync_result *r,
    struct err *e)
{
	struct outbox_env *envs = NULL;
	struct bundle_ack *acks = NULL;
	size_t n = 0, nacks = 0;
	int fd = -1, rc;

	memset(r, 0, sizeof *r);
	sync_forget_tmp(ob);
	if (o->dest->kind == SYNC_DIR) {
		if (outbox_env_count(ob, &r->waiting, e) != 0)
			return sync_fail(e, ERR_IO);
		rc = sync_dir(ob, o, r, e);
		goto done;
	}
	if (outbox_env_list(ob, &envs, &n, e) != 0)
		return sync_fail(e, ERR_IO);
	r->waiting = n;
	if (n == 0 || n < o->min) {
		r->held = n > 0;
		rc = 0;
		goto out;
	}
	if ((fd = sync_tmpfd(o->data_dir, e)) == -1) {
		rc = -1;
		goto out;
	}
	if ((rc = sync_write_bundle(fd, envs, NULL, n, o, NULL, e)) != 0) {
		err_prefix(e, _("the bundle in %s"), o->data_dir);
		goto out;
	}
	crash_point("sync-before-transfer");
	if (o->dest->kind == SYNC_PATH)
		rc = sync_path(fd, o, &acks, &nacks, r, e);
	else
		rc = sync_ssh(fd, o, &acks, &nacks, r, e);
	if (rc != 0)
		goto out;
	r->sent = n;
	if (o->progress != NULL)
		o->progress(o->progress_arg, 1, 1);
	crash_point("sync-after-ack-before-remove");
	rc = sync_apply_acks(ob, acks, nacks, r, e);
done:
	if (rc == 0 && (r->sent > 0 || r->confirmed > 0))
		sync_set_time(ob);
out:
	if (fd != -1)
		close(fd);
	free(acks);
	outbox_env_list_free(envs, n);
	return rc;
}

/* An export killed before its link leaves FILE.tmp.HEX in a folder of
 * the user's choosing: the path is written to the outbox first, so the
 * next sync, export or receipt removes it (sync_forget_tmp). */
static void
sync_forget_tmp(struct outbox *ob)
{
	char *p = NULL;
	struct err e;

	if (outbox_meta_get(ob, SYNC_META_EXPORT_TMP, &p, &e) != 0 || p == NULL)
		return;
	if (*p != '\0' && (unlink(p) == 0 || errno == ENOENT))
		(void)outbox_meta_set(ob, SYNC_META_EXPORT_TMP, "", &e);
	free(p);
}

/* FILE.tmp.HEX as an absolute path (the next run may start elsewhere). */
static char *
sync_export_tmp_name(const char *file)
{
	char *copy = xstrdup(file), *slash = strrchr(copy, '/'), *dir, *out;
	const char *base = slash ? slash + 1 : copy;
	uint8_t rnd[6];
	char hex[13];

	if (slash == copy)
		dir = xstrdup("/");
	else {
		if (slash != NULL)
			*slash = '\0';
		dir = realpath(slash != NULL ? copy : ".", NULL);
	}
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	out = dir == NULL ? NULL :
			    xasprintf("%s/%s.tmp.%s",
				strcmp(dir, "/") == 0 ? "" : dir, base, hex);
	free(dir);
	free(copy);
	return out;
}

int
sync_export(struct outbox *ob, const struct sync_opts *o, const char *file,
    size_t *count, struct err *e)
{
	struct outbox_env *envs = NULL;
	char *tmp = NULL;
	size_t n = 0, i;
	int fd = -1, rc = -1, made = 0;

	*count = 0;
	sync_forget_tmp(ob);
	if (outbox_env_list(ob, &envs, &n, e) != 0)
		goto out;
	if (n == 0) {
		rc = 0;
		goto out;
	}
	if (fsx_exists(file)) {
		err_setc(e, ERR_USAGE,
		    _("%s already exists: choose another "
		      "name, or remove it if it was delivered"),
		    file);
		goto out;
	}
	if ((tmp = sync_export_tmp_name(file)) == NULL) {
		sync_errno(e, errno, _("cannot create %s"), file);
		goto out;
	}
	if (outbox_meta_set(ob, SYNC_META_EXPORT_TMP, tmp, e) != 0)
		goto out;
	if ((fd = open(tmp,
		 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) ==
	    -1) {
		sync_errno(e, errno, _("cannot create %s"), file);
		goto out;
	}
	made = 1;
	if (sync_write_bundle(fd, envs, NULL, n, o, "export-mid-write", e) !=
	    0) {
		err_prefix(e, "%s", file);
		goto out;
	}
	if (fsync(fd) == -1) {
		sync_errno(e, errno, _("cannot write %s"), file);
		goto out;
	}
	i = (size_t)close(fd);
	fd = -1;
	if (i != 0) {
		sync_errno(e, errno, _("cannot write %s"), file);
		goto out;
	}
	/* link() refuses an existing file: no race with another writer. */
	if (link(tmp, file) == -1) {
		sync_errno(e, errno, _("cannot create %s"), file);
		goto out;
	}
	if (unlink(tmp) == 0)
		made = 0;
	if (sync_dir_fsync(file, e) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if (outbox_env_mark_exported(ob, envs[i].id, e) != 0)
			goto out;
	*count = n;
	rc = 0;
out:
	if (rc != 0)
		sync_fail(e, ERR_IO);
	if (fd != -1)
		close(fd);
	if (made && unlink(tmp) == 0)
		made = 0;
	if (tmp != NULL && !made)
		(void)outbox_meta_set(ob, SYNC_META_EXPORT_TMP, "", NULL);
	free(tmp);
	outbox_env_list_free(envs, n);
	return rc;
}

int
sync_receipt_file(struct outbox *ob, const char *file, struct sync_result *r,
    struct err *e)
{
	struct bundle_ack *acks = NULL;
	size_t len = 0, n = 0;
	char *buf = NULL;
	int rc;

	memset(r, 0, sizeof *r);
	sync_forget_tmp(ob);
	if (fsx_read_file(file, SYNC_RECEIPT_MAX, &buf, &len, e) != 0) {
		return err_reclass(e, fsx_exists(file) ? ERR_IO : ERR_NOINPUT);
	}
	if (bundle_receipt_version((uint8_t *)buf, len) ==
	    RECEIPT_VERSION_KEYED) {
		err_setc(e, ERR_DATA,
		    _("%s is a drop folder's receipt: avslut "
		      "sync --to dir:FOLDER applies it where it lies"),
		    file);
		free(buf);
		return -1;
	}
	if (bundle_receipt_read_buf((uint8_t *)buf, len, &acks, &n, e) != 0) {
		err_prefix(e, "%s", file);
		free(buf);
		return sync_fail(e, ERR_DATA);
	}
	free(buf);
	crash_point("sync-after-ack-before-remove");
	rc = sync_apply_acks(ob, acks, n, r, e);
	free(acks);
	if (rc == 0 && r->confirmed > 0)
		sync_set_time(ob);
	return rc;
}
