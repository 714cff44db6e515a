/* err: the one error model (in the spirit of OpenSSH's ssherr.h). A
 * function that can fail returns 0 or -1 and, on -1, fills a caller-owned
 * struct err with a class (what kind of failure, for the exit status) and
 * a message with its context (file:line:col, which key, which envelope).
 * Classes are mapped to sysexits once, here (err_exit_status; cli exits
 * by it). A message never holds answer text. */
#ifndef AVSLUT_ERR_H
#define AVSLUT_ERR_H

#define ERR_MAX 512

/* What went wrong, as the caller must act on it. Ordered by nothing. */
enum err_class {
	ERR_SOFTWARE = 0, /* a bug or an unexpected library failure
				 * (70); also the class of a plain err_set */
	ERR_USAGE,	  /* bad option or argument (64) */
	ERR_DATA,	  /* damaged, altered, truncated or invalid
				 * input; not ours; too new (65) */
	ERR_NOINPUT,	  /* no such file, no store yet, no
				 * passphrase could be read (66) */
	ERR_UNAVAILABLE,  /* host unknown or unreachable, no avslut-hr
				 * there, terminal unusable (69) */
	ERR_EXISTS,	  /* refusing to overwrite (73) */
	ERR_IO,		  /* input or output error (74) */
	ERR_FULL,	  /* the disk is full (74; says "full") */
	ERR_BUSY,	  /* locked or busy beyond the timeout, or no
				 * progress for too long: try again (75) */
	ERR_PERM,	  /* wrong passphrase, refused key or login,
				 * read-only file (77) */
	ERR_CONFIG,	  /* invalid configuration, locale (78) */
	ERR_NCLASS
};

struct err {
	enum err_class cls;
	char msg[ERR_MAX];
};

/* Set the class and message (printf format); always returns -1 so that
 * callers can write "return err_setc(e, ERR_DATA, ...);". e may be NULL. */
int err_setc(struct err *e, enum err_class cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* err_setc with ERR_SOFTWARE; code being migrated still uses it. */
int err_set(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prefix an existing message: "prefix: old message"; the class stays.
 * Returns -1. */
int err_prefix(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Change the class, keep the message; returns -1. */
int err_reclass(struct err *e, enum err_class cls);
void err_clear(struct err *e);
/* The class of a failed system call's errno: ENOENT no input, ENOSPC
 * and EDQUOT full, EEXIST exists, anything else I/O. (A file the file
 * system refuses, EACCES, is I/O too: sysexits keeps "permission" for
 * passphrases and keys.) */
enum err_class err_class_errno(int errnum);
/* The class name ("data", "full", ...), for tests and logs. */
const char *err_class_name(enum err_class cls);
/* The exit status (sysexits) of a class: the numbers in parentheses
 * above. */
int err_exit_status(enum err_class cls);
/* The class an exit status stands for (74: ERR_IO), ERR_SOFTWARE for one
 * outside sysexits: what another avslut program's status says. */
enum err_class err_class_status(int status);

#endif
