/*
 * msg.h - every message atlas-offboard shows a person goes through here.
 *
 * Format (STYLE.md, habit 5): "atlas-offboard: error: could not open 'x.csv': ..."
 * Lowercase, subject quoted, no full stop. Errors, warnings and notes go to
 * stderr; primary output (reports, status, summaries) goes to stdout through
 * plain stdio in the command that owns it.
 *
 * Only main.c and the cmd_*.c files call these; modules fill a struct ob_err.
 */
#ifndef OB_MSG_H
#define OB_MSG_H

#include "oberr.h"

void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints err->msg as an error; "unknown error" if it is empty. */
void msg_err(const struct ob_err *err);

#endif
