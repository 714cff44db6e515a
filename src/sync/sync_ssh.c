/* sync_ssh: the ssh transport: one child process (the system's OpenSSH
 * client) fed the bundle on stdin, the receipt read from its stdout. */
#include "sync/sync.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/bundle.h"
#include "util/crash.h"
#include "util/i18n.h"
#include "util/xmem.h"

#define SYNC_CHUNK 65536
#define SYNC_IDLE_DEFAULT 120 /* seconds without a byte moving */
#define SYNC_CONNECT_TIMEOUT "ConnectTimeout=30"

static int
sync_cloexec_pipe(int p[2])
{
	if (pipe(p) == -1)
		return -1;
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

static void
sync_close(int *fd)
{
	if (*fd != -1) {
		close(*fd);
		*fd = -1;
	}
}

/* Keep the last bytes the child wrote on stderr, for the message. */
static void
sync_tail_add(char *tail, size_t cap, const char *b, size_t n)
{
	size_t have = strlen(tail);

	if (n >= cap - 1) {
		memcpy(tail, b + n - (cap - 1), cap - 1);
		tail[cap - 1] = '\0';
		return;
	}
	if (have + n > cap - 1) {
		size_t drop = have + n - (cap - 1);
		memmove(tail, tail + drop, have - drop);
		have -= drop;
	}
	memcpy(tail + have, b, n);
	tail[have + n] = '\0';
}

static void
sync_kill(pid_t pid, int *status)
{
	int i;

	kill(pid, SIGTERM);
	for (i = 0; i < 40; i++) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return;
		usleep(50000);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) == -1 && errno == EINTR)
		;
}

static void
sync_child(const struct sync_exchange *x, int in, int out, int errfd,
    int report)
{
	int saved;

	signal(SIGPIPE, SIG_DFL);
	if (dup2(in, 0) == -1 || dup2(out, 1) == -1 || dup2(errfd, 2) == -1)
		_exit(127);
	execvp(x->argv[0], (char *const *)x->argv);
	saved = errno;
	(void)!write(report, &saved, sizeof saved);
	_exit(127);
}

/* The poll loop: feed stdin, drain stdout and stderr, give up after
 * idle_timeout seconds in which nothing moved. */
static int
sync_pump(struct sync_exchange *x, pid_t pid, int in, int out, int errfd,
    struct err *e)
{
	uint8_t *buf = xmalloc(SYNC_CHUNK);
	size_t have = 0, off = 0, sent = 0, cap = 0;
	unsigned idle = x->idle_timeout ? x->idle_timeout : SYNC_IDLE_DEFAULT;
	int half = 0, rc = 0;
	char eb[sizeof x->errtail];
	ssize_t r;

	if (x->in_len == 0)
		sync_close(&in);
	while (in != -1 || out != -1 || errfd != -1) {
		struct pollfd p[3];
		nfds_t n = 0;
		int ii = -1, io = -1, ie = -1, k;

		if (in != -1) {
			p[n] = (struct pollfd){ in, POLLOUT, 0 };
			ii = (int)n++;
		}
		if (out != -1) {
			p[n] = (struct pollfd){ out, POLLIN, 0 };
			io = (int)n++;
		}
		if (errfd != -1) {
			p[n] = (struct pollfd){ errfd, POLLIN, 0 };
			ie = (int)n++;
		}
		k = poll(p, n, (int)idle * 1000);
		if (k == -1 && errno == EINTR)
			continue;
		if (k == -1) {
			rc = err_setc(e, ERR_IO, _("poll: %s"),
			    strerror(errno));
			break;
		}
		if (k == 0) {
			rc = err_setc(e, ERR_BUSY,
			    _("%s sent and received "
			      "nothing for %u seconds and was stopped"),
			    x->argv[0], idle);
			break;
		}
		if (ii != -1 && p[ii].revents != 0) {
			if (off == have) {
				size_t want = x->in_len - sent;
				if (want > SYNC_CHUNK)
					want = SYNC_CHUNK;
				r = read(x->in_fd, buf, want);
				if (r <= 0) {
					rc = err_setc(e, ERR_IO,
					    _("cannot read the bundle: %s"),
					    r == 0 ? _("it is shorter than "
						       "expected") :
						     strerror(errno));
					break;
				}
				have = (size_t)r;
				off = 0;
			}
			r = write(in, buf + off, have - off);
			if (r == -1 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r == -1) {
				/* EPIPE: the child stopped reading (it failed,
				 * its status says why). */
				sync_close(&in);
				continue;
			}
			off += (size_t)r;
			sent += (size_t)r;
			if (x->progress != NULL)
				x->progress(x->progress_arg, sent, x->in_len);
			if (!half && sent >= x->in_len / 2) {
				half = 1;
				crash_point("sync-mid-transfer");
			}
			if (sent == x->in_len)
				sync_close(&in);
		}
		if (io != -1 && p[io].revents != 0) {
			if (x->out_len == cap) {
				cap = cap ? cap * 2 : 4096;
				x->out = xrealloc(x->out, cap);
			}
			r = read(out, x->out + x->out_len, cap - x->out_len);
			if (r == -1 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r <= 0)
				sync_close(&out);
			else if ((x->out_len += (size_t)r) > x->out_max) {
				rc = err_setc(e, ERR_DATA,
				    _("%s sent more "
				      "than a receipt can hold"),
				    x->argv[0]);
				break;
			}
		}
		if (ie != -1 && p[ie].revents != 0) {
			r = read(errfd, eb, sizeof eb);
			if (r == -1 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r <= 0)
				sync_close(&errfd);
			else
				sync_tail_add(x->errtail, sizeof x->errtail, eb,
				    (size_t)r);
		}
	}
	free(buf);
	sync_close(&in);
	sync_close(&out);
	sync_close(&errfd);
	if (rc != 0)
		sync_kill(pid, &x->status);
	else
		while (waitpid(pid, &x->status, 0) == -1 && errno == EINTR)
			;
	return rc;
}

int
sync_exchange_run(struct sync_exchange *x, struct err *e)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	int rep[2] = { -1, -1 }, child_errno = 0, rc;
	struct sigaction ign, old;
	ssize_t r;
	pid_t pid;

	x->out = NULL;
	x->out_len = 0;
	x->errtail[0] = '\0';
	x->status = 0;
	if (sync_cloexec_pipe(pin) == -1 || sync_cloexec_pipe(pout) == -1 ||
	    sync_cloexec_pipe(perr) == -1 || sync_cloexec_pipe(rep) == -1) {
		rc = err_setc(e, ERR_IO, _("cannot create a pipe: %s"),
		    strerror(errno));
		goto out;
	}
	/* A child that stops reading must not kill us with SIGPIPE. */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	fflush(NULL);
	if ((pid = fork()) == -1) {
		rc = err_setc(e, ERR_IO, _("cannot start %s: %s"), x->argv[0],
		    strerror(errno));
		goto restore;
	}
	if (pid == 0)
		sync_child(x, pin[0], pout[1], perr[1], rep[1]);
	sync_close(&pin[0]);
	sync_close(&pout[1]);
	sync_close(&perr[1]);
	sync_close(&rep[1]);
	while ((r = read(rep[0], &child_errno, sizeof child_errno)) == -1 &&
	    errno == EINTR)
		;
	if (r == (ssize_t)sizeof child_errno) {
		while (waitpid(pid, &x->status, 0) == -1 && errno == EINTR)
			;
		rc = err_setc(e, ERR_IO, _("cannot run %s: %s"), x->argv[0],
		    strerror(child_errno));
		x->exec_failed = 1;
		goto restore;
	}
	fcntl(pin[1], F_SETFL, fcntl(pin[1], F_GETFL) | O_NONBLOCK);
	rc = sync_pump(x, pid, pin[1], pout[0], perr[0], e);
	pin[1] = pout[0] = perr[0] = -1; /* closed by sync_pump */
restore:
	sigaction(SIGPIPE, &old, NULL);
out:
	sync_close(&pin[0]);
	sync_close(&pin[1]);
	sync_close(&pout[0]);
	sync_close(&pout[1]);
	sync_close(&perr[0]);
	sync_close(&perr[1]);
	sync_close(&rep[0]);
	sync_close(&rep[1]);
	if (rc != 0) {
		free(x->out);
		x->out = NULL;
		x->out_len = 0;
	}
	return rc;
}

/* The last non-empty line of what ssh or the remote wrote on stderr,
 * without control characters: the most useful part of a message. */
static void
sync_last_line(const char *tail, char *out, size_t cap)
{
	const char *end = tail + strlen(tail), *start;
	size_t n = 0;

	while (end > tail &&
	    (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	start = end;
	while (start > tail && start[-1] != '\n')
		start--;
	for (; start < end && n + 1 < cap; start++)
		if ((unsigned char)*start >= 0x20 && *start != 0x7f)
			out[n++] = *start;
	out[n] = '\0';
}

static int
sync_has(const char *tail, const char *what)
{
	return strstr(tail, what) != NULL;
}

/* ssh exits 255 for its own failures; its stderr says which. */
static int
sync_ssh_failure(const struct sync_dest *d, const char *tail, const char *line,
    struct err *e)
{
	const char *h = d->host;

	if (sync_has(tail, "Could not resolve hostname") ||
	    sync_has(tail, "Name or service not known")) {
		return err_setc(e, ERR_UNAVAILABLE,
		    _("cannot find the host "
		      "%s: check the name in the destination or the ssh "
		      "configuration (%s)"),
		    h, line);
	}
	if (sync_has(tail, "Connection refused") ||
	    sync_has(tail, "timed out") || sync_has(tail, "No route") ||
	    sync_has(tail, "unreachable") ||
	    sync_has(tail, "Connection closed by remote host") ||
	    sync_has(tail, "Connection reset")) {
		return err_setc(e, ERR_UNAVAILABLE,
		    _("cannot reach %s (%s): "
		      "check the network or the VPN and try again; the sealed "
		      "interviews stay on this laptop"),
		    h, line);
	}
	if (sync_has(tail, "Host key verification failed") ||
	    sync_has(tail, "REMOTE HOST IDENTIFICATION HAS CHANGED")) {
		return err_setc(e, ERR_PERM,
		    _("the host key of %s is unknown "
		      "or has changed: connect once with ssh %s and compare the "
		      "key with what HR gave you"),
		    h, h);
	}
	if (sync_has(tail, "Permission denied") ||
	    sync_has(tail, "Too many authentication failures")) {
		if (d->user != NULL)
			return err_setc(e, ERR_PERM,
			    _("%s refused the ssh "
			      "login as %s: check that your ssh key is loaded "
			      "(ssh-add) and that HR authorised it; sync never "
			      "asks for a password"),
			    h, d->user);
		return err_setc(e, ERR_PERM,
		    _("%s refused the ssh login: "
		      "check that your ssh key is loaded (ssh-add) and that HR "
		      "authorised it; sync never asks for a password"),
		    h);
	}
	return err_setc(e, ERR_UNAVAILABLE, _("ssh to %s failed: %s"), h,
	    *line ? line : "no message (exit 255)");
}

int
sync_ssh_send(const struct sync_dest *d, const char *ssh_program,
    const char *remote_command, int in_fd, size_t in_len,
    void (*progress)(void *, size_t, size_t), void *progress_arg,
    uint8_t **receipt, size_t *receipt_len, int *remote_status, struct err *e)
{
	const char *argv[40], *prog = ssh_program ? ssh_program : "ssh";
	char *cmd = sync_ssh_command(d, remote_command), *wrap = NULL;
	char port[16], line[300];
	struct sync_exchange x;
	struct err tmp;
	const char *tmo;
	int n = 0, rc, code;

	if (e == NULL)
		e = &tmp; /* the class says what failed */
	if (strpbrk(prog, " \t'\"$;|&<>") != NULL) {
		/* A command line ("ssh -F cfg"): the shell splits it. */
		wrap = xasprintf("exec %s \"$@\"", prog);
		argv[n++] = "/bin/sh";
		argv[n++] = "-c";
		argv[n++] = wrap;
		argv[n++] = "sh";
	} else
		argv[n++] = prog;
	argv[n++] = "-T";
	argv[n++] = "-o";
	argv[n++] = "BatchMode=yes";
	argv[n++] = "-o";
	argv[n++] = SYNC_CONNECT_TIMEOUT;
	argv[n++] = "-o";
	argv[n++] = "ServerAliveInterval=15";
	argv[n++] = "-o";
	argv[n++] = "ServerAliveCountMax=4";
	argv[n++] = "-o";
	argv[n++] = "ClearAllForwardings=yes";
	argv[n++] = "-o";
	argv[n++] = "ForwardAgent=no";
	argv[n++] = "-o";
	argv[n++] = "ForwardX11=no";
	if (d->port != 0) {
		snprintf(port, sizeof port, "%u", d->port);
		argv[n++] = "-p";
		argv[n++] = port;
	}
	if (d->user != NULL) {
		argv[n++] = "-l";
		argv[n++] = d->user;
	}
	argv[n++] = "--";
	argv[n++] = d->host;
	argv[n++] = cmd;
	argv[n] = NULL;

	memset(&x, 0, sizeof x);
	x.argv = argv;
	x.in_fd = in_fd;
	x.in_len = in_len;
	x.out_max = SYNC_RECEIPT_MAX;
	if ((tmo = getenv("AVSLUT_SYNC_TIMEOUT")) != NULL && atoi(tmo) > 0)
		x.idle_timeout = (unsigned)atoi(tmo);
	x.progress = progress;
	x.progress_arg = progress_arg;
	rc = sync_exchange_run(&x, e);
	sync_last_line(x.errtail, line, sizeof line);
	if (rc != 0 && e->cls == ERR_BUSY)
		err_setc(e, ERR_BUSY,
		    _("ssh to %s sent and received nothing "
		      "for too long and was stopped: check the network and try "
		      "again"),
		    d->host);
	else if (rc != 0 && x.exec_failed) {
		char copy[ERR_MAX];

		memcpy(copy, e->msg, sizeof copy);
		err_setc(e, ERR_IO,
		    _("%s: install the OpenSSH client, or set "
		      "sync.ssh_program in the config"),
		    copy);
	}
	if (rc != 0)
		goto done;
	if (WIFSIGNALED(x.status)) {
		rc = err_setc(e, ERR_IO, _("ssh to %s ended by signal %d"),
		    d->host, WTERMSIG(x.status));
		goto done;
	}
	code = WEXITSTATUS(x.status);
	if (code == 255)
		rc = sync_ssh_failure(d, x.errtail, line, e);
	else if (code == 127 || code == 126) {
		rc = err_setc(e, ERR_UNAVAILABLE,
		    _("%s has no avslut-hr to "
		      "run (\"%s\": %s): install it there, or set "
		      "remote_command in the config to its full path"),
		    d->host, cmd, *line ? line : "not found");
	} else if (code != 0) {
		rc = err_setc(e, err_class_status(code),
		    _("HR's ingest on %s "
		      "failed (exit %d): %s"),
		    d->host, code, *line ? line : "no message");
		if (remote_status != NULL)
			*remote_status = code;
	} else if (x.out_len == 0) {
		rc = err_setc(e, ERR_DATA,
		    _("HR's ingest on %s sent no "
		      "receipt; nothing is removed from this laptop"),
		    d->host);
	}
done:
	if (rc == 0) {
		*receipt = x.out;
		*receipt_len = x.out_len;
	} else {
		free(x.out);
		*receipt = NULL;
		*receipt_len = 0;
	}
	free(wrap);
	free(cmd);
	return rc;
}
