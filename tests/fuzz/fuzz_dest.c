/* libFuzzer target for the DEST parser of avslut sync: whatever the
 * text, no crash and no leak; what parses prints back to a DEST that
 * parses to the same thing, and the remote command line it makes for ssh
 * quotes the path whole (one single-quoted word, no control character). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sync/sync.h"
#include "util/xmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sync_dest d, d2;
	struct err e;
	char *s, *back, *cmd;
	const char *p;

	if (size > 4096)
		return 0;
	setenv("HOME", "/home/fuzz", 1);
	s = xstrndup((const char *)data, size);
	if (sync_dest_parse(&d, s, &e) != 0) {
		free(s);
		return 0;
	}
	back = sync_dest_str(&d);
	if (sync_dest_parse(&d2, back, &e) != 0 || d.kind != d2.kind ||
	    !same(d.path, d2.path) || !same(d.user, d2.user) ||
	    !same(d.host, d2.host) || d.port != d2.port)
		abort();
	if (d.kind == SYNC_SSH) {
		if (d.host[0] == '-' || (d.user != NULL && d.user[0] == '-'))
			abort();
		cmd = sync_ssh_command(&d, "avslut-hr ingest -");
		for (p = cmd; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20)
				abort();
		if (d.path[0] != '\0' && (strstr(cmd, " --db ") == NULL ||
		    strcmp(cmd + strlen(cmd) - 2, " -") != 0))
			abort();
		free(cmd);
	}
	sync_dest_free(&d2);
	sync_dest_free(&d);
	free(back);
	free(s);
	return 0;
}
