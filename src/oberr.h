/*
 * oberr.h - the error struct every module below the commands fills in.
 *
 * Modules never print and never exit (STYLE.md, habit 1). A function that
 * fails returns a negative code and, when given a non-NULL `struct ob_err`,
 * writes one human-readable sentence into it: lowercase, the subject quoted,
 * no full stop, e.g. "could not open 'x.csv': No such file or directory".
 * The command layer decides how the user sees it (msg.h).
 *
 * A message never contains a secret: callers pass names and paths, never
 * credential values.
 */
#ifndef OB_OBERR_H
#define OB_OBERR_H

#include <stddef.h>

/* Return codes shared by all modules (libgit2 style: 0 ok, negative error). */
enum {
	OB_OK = 0,
	OB_ERROR = -1,     /* generic failure, message in ob_err */
	OB_ENOTFOUND = -2, /* the thing asked for does not exist */
	OB_EEXISTS = -3,   /* already there (e.g. a duplicate job) */
	OB_EINVALID = -4,  /* input failed validation */
	OB_ELOCKED = -5,   /* another process holds the store */
	OB_ENEWER = -6     /* the file was written by a newer version */
};

struct ob_err {
	int code;
	char msg[512];
};

/* Formats a message into `err` (if non-NULL), stores `code` and returns it. */
int ob_err_set(struct ob_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Clears `err` to "no error". NULL-safe. */
void ob_err_clear(struct ob_err *err);

#endif
