/* pass: passphrase input with echo off, kept in guarded memory. */
#include "util/pass.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "util/fsx.h"
#include "util/i18n.h"
#include "util/xmem.h"

void
pass_free(char *p)
{
	if (p != NULL)
		sodium_free(p);
}

int
pass_line_add(struct pass_line *l, const char *b, size_t n)
{
	if (n > (size_t)PASS_MAX - l->len)
		return -1;
	memcpy(l->buf + l->len, b, n);
	l->len += n;
	l->buf[l->len] = '\0';
	return 0;
}

void
pass_line_back(struct pass_line *l)
{
	int cont;

	while (l->len > 0) {
		cont = (l->buf[--l->len] & 0xc0) == 0x80;
		l->buf[l->len] = '\0';
		if (!cont)
			break;
	}
}

void
pass_line_wipe(struct pass_line *l)
{
	sodium_memzero(l->buf, PASS_MAX + 1);
	l->len = 0;
}

static char *
pass_from_file(const char *file, int line, struct err *e)
{
	char *buf, *s, *out;
	size_t len, i, n;
	int l = 0;

	/* The file's name is never repeated: it may be a secret typed in
	 * the wrong place. The class of the failure stays fsx's. */
	if (fsx_read_file(file, 64 * 1024, &buf, &len, e) == -1) {
		enum err_class c = e != NULL ? e->cls : ERR_IO;

		err_setc(e, c, "%s",
		    c == ERR_NOINPUT ?
			_("the passphrase file does not exist") :
			c == ERR_DATA ?
			_("the passphrase file is no regular file of at most "
			  "64 KiB") :
			_("cannot read the passphrase file"));
		return NULL;
	}
	s = buf;
	while (l < line && (s = memchr(s, '\n', len - (size_t)(s - buf)))) {
		s++;
		l++;
	}
	if (s == NULL || (size_t)(s - buf) >= len) {
		xfree_wipe(buf, len);
		err_setc(e, ERR_NOINPUT,
		    _("the passphrase file has no "
		      "passphrase on line %d"),
		    line + 1);
		return NULL;
	}
	for (i = (size_t)(s - buf); i < len && buf[i] != '\n' && buf[i] != '\r';
	     i++)
		;
	n = i - (size_t)(s - buf);
	if (n == 0 || n > PASS_MAX) {
		xfree_wipe(buf, len);
		err_setc(e, ERR_DATA,
		    _("line %d of the passphrase file must "
		      "hold a passphrase of 1 to %d bytes"),
		    line + 1, PASS_MAX);
		return NULL;
	}
	out = sodium_malloc(n + 1);
	if (out == NULL) {
		xfree_wipe(buf, len);
		err_setc(e, ERR_IO, _("cannot allocate protected memory"));
		return NULL;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	xfree_wipe(buf, len);
	return out;
}

/* Read a line from fd with echo off. The terminal is put in
 * non-canonical mode without signals, so that Ctrl-C cancels here, with
 * the terminal restored, instead of killing the program with echo left
 * off. Backspace and Ctrl-U edit as usual. Returns a sodium_malloc
 * buffer. */
static char *
pass_from_tty(int fd, const char *prompt, struct err *e)
{
	struct termios old, raw;
	struct pass_line l = { NULL, 0 };
	char *buf;
	unsigned char c = 0;
	ssize_t r;
	int restore = 0, cancel = 0;
	cc_t verase = 0x7f, vkill = 0x15, veof = 0x04;

	if ((buf = sodium_malloc(PASS_MAX + 1)) == NULL) {
		err_setc(e, ERR_IO, _("cannot allocate protected memory"));
		return NULL;
	}
	l.buf = buf;
	pass_line_wipe(&l);
	if (write(fd, prompt, strlen(prompt)) == -1)
		goto io;
	if (tcgetattr(fd, &old) == 0) {
		raw = old;
		verase = old.c_cc[VERASE];
		vkill = old.c_cc[VKILL];
		veof = old.c_cc[VEOF];
		raw.c_lflag &= ~(
		    tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		if (tcsetattr(fd, TCSAFLUSH, &raw) == 0)
			restore = 1;
	}
	for (;;) {
		r = read(fd, &c, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n' || c == '\r')
			break;
		if (c == 0x03 || c == 0x1c || c == 0x1a) {
			cancel = 1; /* Ctrl-C, Ctrl-backslash, Ctrl-Z */
			break;
		}
		if (c == veof && l.len == 0) {
			r = 0;
			break;
		}
		if (c == verase || c == 0x7f || c == 0x08) {
			pass_line_back(&l);
			continue;
		}
		if (c == vkill) {
			pass_line_wipe(&l);
			continue;
		}
		(void)pass_line_add(&l, (const char *)&c, 1);
	}
	c = 0;
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) == -1)
		goto io;
	if (cancel) {
		sodium_free(buf);
		err_setc(e, ERR_NOINPUT, _("cancelled: no passphrase given"));
		return NULL;
	}
	if (r < 0) {
		sodium_free(buf);
		err_setc(e, ERR_NOINPUT,
		    _("cannot read the passphrase from the terminal"));
		return NULL;
	}
	if (r == 0 && l.len == 0) {
		sodium_free(buf);
		err_setc(e, ERR_NOINPUT, _("no passphrase given"));
		return NULL;
	}
	if (l.len == 0) {
		sodium_free(buf);
		err_setc(e, ERR_NOINPUT, _("the passphrase must not be empty"));
		return NULL;
	}
	return buf;
io:
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	sodium_free(buf);
	err_setc(e, ERR_IO, _("cannot write to the terminal: %s"),
	    strerror(errno));
	return NULL;
}

char *
pass_read(const char *prompt, const char *file, int line, int confirm,
    struct err *e)
{
	char *p, *q;
	int fd;

	if (file == NULL)
		file = getenv("AVSLUT_PASSPHRASE_FILE");
	if (file != NULL && file[0] != '\0')
		return pass_from_file(file, line, e);
	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1) {
		err_setc(e, ERR_NOINPUT,
		    _("no terminal to ask for the "
		      "passphrase: use "
		      "--passphrase-file FILE"));
		return NULL;
	}
	p = pass_from_tty(fd, prompt, e);
	if (p != NULL && confirm) {
		q = pass_from_tty(fd, _("Repeat: "), e);
		if (q == NULL || strcmp(p, q) != 0) {
			if (q != NULL)
				err_setc(e, ERR_USAGE,
				    _("the passphrases do not match"));
			pass_free(q);
			pass_free(p);
			close(fd);
			return NULL;
		}
		pass_free(q);
	}
	close(fd);
	return p;
}
