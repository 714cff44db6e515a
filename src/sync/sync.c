/* sync: the DEST forms and the result codes shared by the transports.
 * The transports themselves live in sync_ssh.c and sync_run.c. */
#include "sync/sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/xmem.h"

#define SYNC_SSH_PREFIX "ssh://"
#define SYNC_DIR_PREFIX "dir:"

static int
sync_has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* Host names and users go to ssh's argv: nothing that could be read as
 * an option or that a shell or ssh_config token would treat specially. */
static int
sync_name_ok(const char *s, size_t n, const char *extra)
{
	size_t i;

	if (n == 0 || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-' || (c != '\0' && strchr(extra, c) != NULL))
			continue;
		return 0;
	}
	return 1;
}

static int
sync_usage_err(struct err *e, const char *s, const char *why)
{
	return err_setc(e, ERR_USAGE,
	    _("cannot use '%s' as a destination: "
	      "%s; write a path to central.db, dir:/path/to/folder or "
	      "ssh://[user@]host[:port]/path/to/central.db"),
	    s, why);
}

static int
sync_parse_ssh(struct sync_dest *d, const char *s, struct err *e)
{
	const char *a = s + strlen(SYNC_SSH_PREFIX), *slash, *at, *h, *hend;
	const char *colon = NULL;
	unsigned long port = 0;
	char *end;

	slash = strchr(a, '/');
	hend = slash != NULL ? slash : a + strlen(a);
	at = memchr(a, '@', (size_t)(hend - a));
	h = a;
	if (at != NULL) {
		if (!sync_name_ok(a, (size_t)(at - a), ""))
			return sync_usage_err(e, s,
			    _("the user name is not "
			      "a plain name"));
		d->user = xstrndup(a, (size_t)(at - a));
		h = at + 1;
	}
	if (*h == '[') { /* [IPv6 address] */
		const char *close = memchr(h, ']', (size_t)(hend - h));
		if (close == NULL ||
		    !sync_name_ok(h + 1, (size_t)(close - h - 1), ":"))
			return sync_usage_err(e, s,
			    _("the address in [] is "
			      "not an IPv6 address"));
		d->host = xstrndup(h + 1, (size_t)(close - h - 1));
		if (close + 1 < hend) {
			if (close[1] != ':')
				return sync_usage_err(e, s, _("text after ]"));
			colon = close + 1;
		}
	} else {
		colon = memchr(h, ':', (size_t)(hend - h));
		if (!sync_name_ok(h, (size_t)((colon ? colon : hend) - h), ""))
			return sync_usage_err(e, s,
			    _("no host name, or one "
			      "that is not a plain name"));
		d->host = xstrndup(h, (size_t)((colon ? colon : hend) - h));
	}
	if (colon != NULL) {
		if (colon + 1 == hend || colon[1] < '0' || colon[1] > '9')
			return sync_usage_err(e, s,
			    _("the port is not a number"));
		port = strtoul(colon + 1, &end, 10);
		if (end != hend || port < 1 || port > 65535)
			return sync_usage_err(e, s,
			    _("the port is not a "
			      "number from 1 to 65535"));
		d->port = (unsigned)port;
	}
	if (slash == NULL || strcmp(slash, "/") == 0)
		d->path = xstrdup("");
	else if (strncmp(slash, "/~/", 3) == 0)
		d->path = xstrdup(slash + 1); /* "~/x": in the home */
	else
		d->path = xstrdup(slash);
	return 0;
}

/* "~/x" as the config may say it (no shell expands it there). */
static char *
sync_home_path(const char *p)
{
	const char *h = getenv("HOME");

	if (strncmp(p, "~/", 2) == 0 && h != NULL && h[0] == '/')
		return xasprintf("%s/%s", h, p + 2);
	return xstrdup(p);
}

int
sync_dest_parse(struct sync_dest *d, const char *s, struct err *e)
{
	const char *p;
	int rc;

	memset(d, 0, sizeof *d);
	if (s == NULL || *s == '\0')
		return sync_usage_err(e, "", _("it is empty"));
	if (sync_has_control(s))
		return sync_usage_err(e, "?", _("it holds control characters"));
	if (strncmp(s, SYNC_SSH_PREFIX, strlen(SYNC_SSH_PREFIX)) == 0) {
		d->kind = SYNC_SSH;
		if ((rc = sync_parse_ssh(d, s, e)) != 0)
			sync_dest_free(d);
		return rc;
	}
	if (strncmp(s, SYNC_DIR_PREFIX, strlen(SYNC_DIR_PREFIX)) == 0) {
		p = s + strlen(SYNC_DIR_PREFIX);
		if (*p == '\0')
			return sync_usage_err(e, s, _("no folder after dir:"));
		d->kind = SYNC_DIR;
		d->path = sync_home_path(p);
		return 0;
	}
	/* "sftp://", "file://" and the like: say so rather than treat them
	 * as a relative path. */
	for (p = s;
	     (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '+';
	     p++)
		;
	if (p != s && strncmp(p, "://", 3) == 0)
		return sync_usage_err(e, s, _("unknown transport"));
	d->kind = SYNC_PATH;
	d->path = sync_home_path(s);
	return 0;
}

void
sync_dest_free(struct sync_dest *d)
{
	if (d == NULL)
		return;
	free(d->path);
	free(d->user);
	free(d->host);
	memset(d, 0, sizeof *d);
}

char *
sync_dest_str(const struct sync_dest *d)
{
	char port[16] = "";
	const char *path;
	int v6;

	switch (d->kind) {
	case SYNC_PATH:
		return xstrdup(d->path);
	case SYNC_DIR:
		return xasprintf("%s%s", SYNC_DIR_PREFIX, d->path);
	case SYNC_SSH:
		break;
	}
	if (d->port != 0)
		snprintf(port, sizeof port, ":%u", d->port);
	v6 = strchr(d->host, ':') != NULL;
	path = d->path;
	return xasprintf("%s%s%s%s%s%s%s%s%s", SYNC_SSH_PREFIX,
	    d->user ? d->user : "", d->user ? "@" : "", v6 ? "[" : "", d->host,
	    v6 ? "]" : "", port, path[0] == '~' ? "/" : "", path);
}

/* Single-quote s for a POSIX shell: 'it'\''s'. */
static void
sync_shquote(char **buf, size_t *len, size_t *cap, const char *s)
{
	char *b = *buf;
	size_t n = *len, need = strlen(s) * 4 + 3;

	if (n + need + 1 > *cap) {
		*cap = n + need + 1;
		b = xrealloc(b, *cap);
	}
	b[n++] = '\'';
	for (; *s != '\0'; s++) {
		if (*s == '\'') {
			memcpy(b + n, "'\\''", 4);
			n += 4;
		} else
			b[n++] = *s;
	}
	b[n++] = '\'';
	b[n] = '\0';
	*buf = b;
	*len = n;
}

char *
sync_ssh_command(const struct sync_dest *d, const char *remote_command)
{
	const char *rc = remote_command ? remote_command : "avslut-hr ingest -";
	size_t n = strlen(rc), len, cap;
	const char *path = d->path ? d->path : "";
	char *b;

	if (*path == '\0')
		return xstrdup(rc);
	while (n > 0 && rc[n - 1] == ' ')
		n--;
	if (n >= 2 && rc[n - 1] == '-' && rc[n - 2] == ' ')
		n -= 2;
	cap = n + 16;
	b = xmalloc(cap);
	memcpy(b, rc, n);
	memcpy(b + n, " --db ", 7);
	len = n + 6;
	if (strncmp(path, "~/", 2) == 0) {
		/* Left unquoted so the remote shell expands it. */
		memcpy(b + len, "~/", 3);
		len += 2;
		path += 2;
	}
	sync_shquote(&b, &len, &cap, path);
	b = xrealloc(b, len + 3);
	memcpy(b + len, " -", 3);
	return b;
}
