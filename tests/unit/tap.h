/*
 * tap.h - a minimal test harness for the unit tests: each CHECK prints a
 * failure with file and line, and tap_done() returns the exit status
 * (0 when every check passed). Kept tiny on purpose: the assertions are what
 * matter, not the framework.
 */
#ifndef OB_TAP_H
#define OB_TAP_H

#include <stdbool.h>

extern int tap_failures;
extern int tap_checks;

void tap_check(bool ok, const char *file, int line, const char *expr);
void tap_check_str(const char *got, const char *want, const char *file, int line, const char *expr);
void tap_check_int(long long got, long long want, const char *file, int line, const char *expr);
/* Prints "N passed, M failed" and returns the exit status. */
int tap_done(void);

#define CHECK(e) tap_check((e), __FILE__, __LINE__, #e)
#define CHECK_STR(got, want) tap_check_str((got), (want), __FILE__, __LINE__, #got)
#define CHECK_INT(got, want)                                                                       \
	tap_check_int((long long)(got), (long long)(want), __FILE__, __LINE__, #got)

#endif
