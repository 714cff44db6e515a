/* Unit tests for src/sync: the DEST forms, the remote command line and
 * the child-process exchange the ssh transport is built on. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/env.h"
#include "store/central.h"
#include "store/outbox.h"
#include "sync/sync.h"
#include "util/xmem.h"

static void
test_dest_path_and_dir(void **state)
{
	struct sync_dest d;
	struct err e;

	(void)state;
	assert_int_equal(sync_dest_parse(&d, "/srv/hr/central.db", &e), 0);
	assert_int_equal(d.kind, SYNC_PATH);
	assert_string_equal(d.path, "/srv/hr/central.db");
	assert_null(d.host);
	sync_dest_free(&d);

	assert_int_equal(sync_dest_parse(&d, "central.db", &e), 0);
	assert_int_equal(d.kind, SYNC_PATH);
	assert_string_equal(d.path, "central.db");
	sync_dest_free(&d);

	assert_int_equal(sync_dest_parse(&d, "dir:/mnt/share/avslut", &e), 0);
	assert_int_equal(d.kind, SYNC_DIR);
	assert_string_equal(d.path, "/mnt/share/avslut");
	sync_dest_free(&d);

	setenv("HOME", "/home/intervjuare", 1);
	assert_int_equal(sync_dest_parse(&d, "~/hr/central.db", &e), 0);
	assert_string_equal(d.path, "/home/intervjuare/hr/central.db");
	sync_dest_free(&d);
	assert_int_equal(sync_dest_parse(&d, "dir:~/drop", &e), 0);
	assert_string_equal(d.path, "/home/intervjuare/drop");
	sync_dest_free(&d);

	assert_int_equal(sync_dest_parse(&d, "dir:", &e), -1);
	assert_int_equal(e.cls, ERR_USAGE);
	assert_non_null(strstr(e.msg, "no folder after dir:"));
	assert_int_equal(sync_dest_parse(&d, "", &e), -1);
	assert_int_equal(e.cls, ERR_USAGE);
	assert_non_null(strstr(e.msg, "it is empty"));
	assert_int_equal(sync_dest_parse(&d, "sftp://host/x", &e),
	    -1);
	assert_int_equal(e.cls, ERR_USAGE);
	assert_non_null(strstr(e.msg, "unknown transport"));
	assert_non_null(strstr(e.msg, "ssh://[user@]host[:port]"));
	assert_int_equal(sync_dest_parse(&d, "/tmp/a\nb", &e), -1);
	assert_int_equal(e.cls, ERR_USAGE);
	assert_non_null(strstr(e.msg, "control characters"));
}

static void
test_dest_ssh(void **state)
{
	struct sync_dest d;
	struct err e;
	char *s;

	(void)state;
	assert_int_equal(sync_dest_parse(&d,
	    "ssh://hr@hr.region.se:2222/var/lib/avslut/central.db", &e), 0);
	assert_int_equal(d.kind, SYNC_SSH);
	assert_string_equal(d.user, "hr");
	assert_string_equal(d.host, "hr.region.se");
	assert_int_equal(d.port, 2222);
	assert_string_equal(d.path, "/var/lib/avslut/central.db");
	s = sync_dest_str(&d);
	assert_string_equal(s,
	    "ssh://hr@hr.region.se:2222/var/lib/avslut/central.db");
	free(s);
	sync_dest_free(&d);

	assert_int_equal(sync_dest_parse(&d, "ssh://hrhost", &e), 0);
	assert_null(d.user);
	assert_string_equal(d.host, "hrhost");
	assert_int_equal(d.port, 0);
	assert_string_equal(d.path, "");
	sync_dest_free(&d);

	assert_int_equal(sync_dest_parse(&d, "ssh://[::1]:22/~/c.db", &e), 0);
	assert_string_equal(d.host, "::1");
	assert_int_equal(d.port, 22);
	assert_string_equal(d.path, "~/c.db");
	s = sync_dest_str(&d);
	assert_string_equal(s, "ssh://[::1]:22/~/c.db");
	free(s);
	sync_dest_free(&d);

	/* Anything ssh could read as an option is refused. */
	assert_int_equal(sync_dest_parse(&d,
	    "ssh://-oProxyCommand=touch%20x/db", &e), -1);
	assert_int_equal(e.cls, ERR_USAGE);
	assert_non_null(strstr(e.msg, "host name"));
	assert_int_equal(sync_dest_parse(&d, "ssh://-l@host/db", &e),
	    -1);
	assert_int_equal(e.cls, ERR_USAGE);
	assert_non_null(strstr(e.msg, "user name"));
	assert_int_equal(sync_dest_parse(&d, "ssh://host:0/db", &e),
	    -1);
	assert_int_equal(e.cls, ERR_USAGE);
	assert_non_null(strstr(e.msg, "1 to 65535"));
	assert_int_equal(sync_dest_parse(&d, "ssh://host:65536/db", &e),
	    -1);
	assert_int_equal(e.cls, ERR_USAGE);
	assert_int_equal(sync_dest_parse(&d, "ssh://host:22x/db", &e),
	    -1);
	assert_int_equal(e.cls, ERR_USAGE);
	assert_int_equal(sync_dest_parse(&d, "ssh://host:/db", &e),
	    -1);
	assert_int_equal(e.cls, ERR_USAGE);
	assert_non_null(strstr(e.msg, "port"));
	assert_int_equal(sync_dest_parse(&d, "ssh:///db", &e), -1);
	assert_int_equal(e.cls, ERR_USAGE);
	assert_int_equal(sync_dest_parse(&d, "ssh://a b/db", &e),
	    -1);
	assert_int_equal(e.cls, ERR_USAGE);
	assert_int_equal(sync_dest_parse(&d, "ssh://[::1/db", &e),
	    -1);
	assert_int_equal(e.cls, ERR_USAGE);
}

static void
test_ssh_command(void **state)
{
	struct sync_dest d;
	struct err e;
	char *c;

	(void)state;
	assert_int_equal(sync_dest_parse(&d, "ssh://h/srv/it's/central.db",
	    &e), 0);
	c = sync_ssh_command(&d, "avslut-hr ingest -");
	assert_string_equal(c,
	    "avslut-hr ingest --db '/srv/it'\\''s/central.db' -");
	free(c);
	c = sync_ssh_command(&d, NULL);
	assert_string_equal(c,
	    "avslut-hr ingest --db '/srv/it'\\''s/central.db' -");
	free(c);
	c = sync_ssh_command(&d, "/opt/avslut/bin/avslut-hr ingest");
	assert_string_equal(c, "/opt/avslut/bin/avslut-hr ingest --db "
	    "'/srv/it'\\''s/central.db' -");
	free(c);
	sync_dest_free(&d);

	assert_int_equal(sync_dest_parse(&d, "ssh://h/~/x $(id).db", &e), 0);
	c = sync_ssh_command(&d, "avslut-hr ingest -");
	assert_string_equal(c, "avslut-hr ingest --db ~/'x $(id).db' -");
	free(c);
	sync_dest_free(&d);

	assert_int_equal(sync_dest_parse(&d, "ssh://h", &e), 0);
	c = sync_ssh_command(&d, "avslut-hr ingest -");
	assert_string_equal(c, "avslut-hr ingest -");
	free(c);
	sync_dest_free(&d);
}

/* The path transport opens central.db only on a local disk; on a share
 * the message names the two transports that work there. */
static void
test_nfs_refused(void **state)
{
	struct err e;

	(void)state;
	assert_int_equal(central_fs_refuse(0x6969, "/mnt/hr/central.db", &e),
	    -1);
	assert_int_equal(e.cls, ERR_IO);
	assert_non_null(strstr(e.msg, "/mnt/hr/central.db"));
	assert_non_null(strstr(e.msg, "(NFS)"));
	assert_non_null(strstr(e.msg, "sync --to dir:"));
	assert_non_null(strstr(e.msg, "sync --to ssh://"));
	assert_int_equal(central_fs_refuse(0xff534d42UL, "c.db", &e),
	    -1);
	assert_int_equal(e.cls, ERR_IO);
	assert_non_null(strstr(e.msg, "SMB/CIFS"));
	assert_int_equal(central_fs_refuse(0xfe534d42UL, "c.db", &e),
	    -1);
	assert_int_equal(e.cls, ERR_IO);
	assert_int_equal(central_fs_refuse(0xef53, "c.db", &e), 0); /* ext4 */
	assert_int_equal(central_fs_refuse(0x01021994, "c.db", &e), 0);
}

/* Acknowledgements in one transaction: matching hashes removed, a
 * differing hash kept and counted, an unknown id skipped. */
static void
test_ack_many(void **state)
{
	char dir[] = "/tmp/avslut-sync-ack-XXXXXX", *cmd;
	uint8_t master[OUTBOX_KEY_BYTES], draft[OUTBOX_ID_BYTES];
	uint8_t blob[4][64];
	struct outbox_ack acks[4];
	struct outbox *ob;
	size_t rm = 99, ref = 99, left = 0;
	struct err e;
	int i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	memset(master, 7, sizeof master);
	assert_int_equal(outbox_open(dir, &ob, &e), 0);
	for (i = 0; i < 4; i++) {
		memset(blob[i], 'a' + i, sizeof blob[i]);
		memset(acks[i].id, i + 1, OUTBOX_ID_BYTES);
		env_hash(acks[i].hash, blob[i], sizeof blob[i]);
		assert_int_equal(outbox_draft_new(ob, master, draft, &e), 0);
		assert_int_equal(outbox_submit(ob, draft, acks[i].id,
		    blob[i], sizeof blob[i], &e), 0);
	}
	acks[2].hash[0] ^= 1;			/* HR holds other bytes */
	memset(acks[3].id, 0xee, OUTBOX_ID_BYTES);	/* not ours */
	assert_int_equal(outbox_env_ack_many(ob, acks, 4, &rm, &ref, &e), 0);
	assert_int_equal(rm, 2);
	assert_int_equal(ref, 1);
	assert_non_null(strstr(e.msg, "03030303030303030303030303030303"));
	assert_non_null(strstr(e.msg, "kept for the next sync"));
	assert_int_equal(outbox_env_count(ob, &left, &e), 0);
	assert_int_equal(left, 2);
	/* Again: nothing more to remove, the refusal stays. */
	assert_int_equal(outbox_env_ack_many(ob, acks, 4, &rm, &ref, &e), 0);
	assert_int_equal(rm, 0);
	assert_int_equal(ref, 1);
	outbox_close(ob);
	cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* A temporary file holding n pseudo-random bytes, at offset 0. */
static int
make_input(size_t n, uint8_t **copy)
{
	char path[] = "/tmp/avslut-sync-test-XXXXXX";
	uint8_t *b = xmalloc(n ? n : 1);
	size_t i;
	int fd = mkstemp(path);

	assert_true(fd != -1);
	unlink(path);
	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 2654435761u >> 13);
	assert_int_equal(write(fd, b, n), (ssize_t)n);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	*copy = b;
	return fd;
}

static void
count_progress(void *arg, size_t done, size_t total)
{
	size_t *last = arg;

	assert_true(done <= total);
	assert_true(done >= *last);
	*last = done;
}

static void
test_exchange_cat(void **state)
{
	const char *argv[] = { "cat", NULL };
	struct sync_exchange x;
	struct err e;
	size_t n = 3 * 1024 * 1024 + 7, last = 0;
	uint8_t *in;
	int fd;

	(void)state;
	fd = make_input(n, &in);
	memset(&x, 0, sizeof x);
	x.argv = argv;
	x.in_fd = fd;
	x.in_len = n;
	x.out_max = n;
	x.progress = count_progress;
	x.progress_arg = &last;
	assert_int_equal(sync_exchange_run(&x, &e), 0);
	assert_true(WIFEXITED(x.status));
	assert_int_equal(WEXITSTATUS(x.status), 0);
	assert_int_equal(x.out_len, n);
	assert_memory_equal(x.out, in, n);
	assert_int_equal(last, n);
	free(x.out);
	free(in);
	close(fd);
}

static void
test_exchange_failures(void **state)
{
	const char *fail[] = { "sh", "-c", "echo first >&2; echo 'the "
	    "reason' >&2; exit 3", NULL };
	const char *missing[] = { "/nonexistent/avslut-ssh", NULL };
	const char *chatty[] = { "sh", "-c", "head -c 100000 /dev/zero",
	    NULL };
	const char *slow[] = { "sleep", "30", NULL };
	struct sync_exchange x;
	struct err e;
	uint8_t *in;
	int fd;

	(void)state;
	/* The child fails without reading its input: no SIGPIPE for us,
	 * its status and its stderr come back. */
	fd = make_input(1 << 20, &in);
	memset(&x, 0, sizeof x);
	x.argv = fail;
	x.in_fd = fd;
	x.in_len = 1 << 20;
	x.out_max = 100;
	assert_int_equal(sync_exchange_run(&x, &e), 0);
	assert_true(WIFEXITED(x.status));
	assert_int_equal(WEXITSTATUS(x.status), 3);
	assert_string_equal(x.errtail, "first\nthe reason\n");
	assert_int_equal(x.out_len, 0);
	free(x.out);

	memset(&x, 0, sizeof x);
	x.argv = missing;
	x.in_fd = fd;
	assert_int_equal(sync_exchange_run(&x, &e), -1);
	assert_int_equal(e.cls, ERR_IO);
	assert_non_null(strstr(e.msg, "cannot run /nonexistent/avslut-ssh"));
	assert_non_null(strstr(e.msg, "No such file"));

	memset(&x, 0, sizeof x);
	x.argv = chatty;
	x.in_fd = fd;
	x.out_max = 1000;
	assert_int_equal(sync_exchange_run(&x, &e), -1);
	assert_int_equal(e.cls, ERR_DATA);
	assert_non_null(strstr(e.msg, "more than a receipt"));
	assert_null(x.out);

	/* Nothing moves: stopped after the idle timeout. */
	memset(&x, 0, sizeof x);
	x.argv = slow;
	x.in_fd = fd;
	x.idle_timeout = 1;
	assert_int_equal(sync_exchange_run(&x, &e), -1);
	assert_int_equal(e.cls, ERR_BUSY);
	assert_true(WIFSIGNALED(x.status));
	free(in);
	close(fd);
}

/* What each way the ssh transport can fail is classed as (cli maps the
 * class to the exit status), and HR's ingest's own exit status comes
 * back beside it: a stand-in for ssh that reads the bundle, writes to
 * stderr and exits as told (script: no single quotes). */
static int
ssh_as(const char *script, int *remote_status, struct err *e)
{
	struct sync_dest d;
	static uint8_t unset;
	uint8_t *in, *rcpt = &unset;
	size_t rlen = 1;
	char *prog;
	int fd, rc;

	assert_int_equal(sync_dest_parse(&d, "ssh://hr.example/c.db", e), 0);
	prog = xasprintf("sh -c 'cat >/dev/null; %s' sh", script);
	fd = make_input(100, &in);
	*remote_status = 0;
	rc = sync_ssh_send(&d, prog, NULL, fd, 100, NULL, NULL, &rcpt, &rlen,
	    remote_status, e);
	if (rc == 0)
		free(rcpt);
	else {
		assert_null(rcpt);
		assert_int_equal(rlen, 0);
	}
	close(fd);
	free(in);
	free(prog);
	sync_dest_free(&d);
	return rc;
}

static void
test_ssh_classes(void **state)
{
	static const struct {
		const char *script;
		enum err_class cls;
		int status;		/* remote_status after */
		const char *msg;
	} t[] = {
		{ "echo receipt", ERR_SOFTWARE, 0, NULL },
		{ "echo no >&2; exit 65", ERR_DATA, 65, "(exit 65): no" },
		{ "exit 66", ERR_NOINPUT, 66, "failed (exit 66)" },
		{ "echo full >&2; exit 74", ERR_IO, 74, "full" },
		{ "exit 75", ERR_BUSY, 75, "exit 75" },
		{ "exit 77", ERR_PERM, 77, "exit 77" },
		{ "exit 78", ERR_CONFIG, 78, "exit 78" },
		{ "exit 3", ERR_SOFTWARE, 3, "exit 3" },
		{ "exit 200", ERR_SOFTWARE, 200, "exit 200" },
		{ "exit 127", ERR_UNAVAILABLE, 0, "has no avslut-hr" },
		{ "echo \"ssh: Could not resolve hostname hr.example\" >&2; "
		    "exit 255", ERR_UNAVAILABLE, 0, "cannot find the host" },
		{ "echo \"Connection refused\" >&2; exit 255", ERR_UNAVAILABLE,
		    0, "cannot reach" },
		{ "echo \"Host key verification failed.\" >&2; exit 255",
		    ERR_PERM, 0, "host key" },
		{ "echo \"Permission denied (publickey).\" >&2; exit 255",
		    ERR_PERM, 0, "refused the ssh login" },
		{ "exit 255", ERR_UNAVAILABLE, 0, "exit 255" },
		{ "exit 0", ERR_DATA, 0, "sent no receipt" },
		{ "kill -TERM $$", ERR_IO, 0, "ended by signal 15" },
	};
	struct err e;
	size_t i;
	int status;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		int rc = ssh_as(t[i].script, &status, &e);

		if (t[i].msg == NULL) {
			assert_int_equal(rc, 0);
			continue;
		}
		if (rc != -1)
			fail_msg("%s: returned %d", t[i].script, rc);
		if (e.cls != t[i].cls || status != t[i].status ||
		    strstr(e.msg, t[i].msg) == NULL)
			fail_msg("%s: class %s, status %d: %s", t[i].script,
			    err_class_name(e.cls), status, e.msg);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dest_path_and_dir),
		cmocka_unit_test(test_dest_ssh),
		cmocka_unit_test(test_ssh_command),
		cmocka_unit_test(test_nfs_refused),
		cmocka_unit_test(test_ack_many),
		cmocka_unit_test(test_exchange_cat),
		cmocka_unit_test(test_exchange_failures),
		cmocka_unit_test(test_ssh_classes),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
