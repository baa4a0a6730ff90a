#include "tap.h"

#include <stdio.h>
#include <string.h>

int tap_failures;
int tap_checks;

void tap_check(bool ok, const char *file, int line, const char *expr)
{
	tap_checks++;
	if (!ok) {
		tap_failures++;
		fprintf(stderr, "%s:%d: check failed: %s\n", file, line, expr);
	}
}

void tap_check_str(const char *got, const char *want, const char *file, int line, const char *expr)
{
	bool ok = (got == NULL && want == NULL) || (got && want && strcmp(got, want) == 0);
	tap_check(ok, file, line, expr);
	if (!ok)
		fprintf(stderr, "    got:  %s%s%s\n    want: %s%s%s\n", got ? "'" : "",
			got ? got : "NULL", got ? "'" : "", want ? "'" : "", want ? want : "NULL",
			want ? "'" : "");
}

void tap_check_int(long long got, long long want, const char *file, int line, const char *expr)
{
	tap_check(got == want, file, line, expr);
	if (got != want)
		fprintf(stderr, "    got:  %lld\n    want: %lld\n", got, want);
}

int tap_done(void)
{
	printf("%d passed, %d failed\n", tap_checks - tap_failures, tap_failures);
	return tap_failures ? 1 : 0;
}
