/*
 * clock.h - the two clocks atlas-offboard uses.
 *
 * clock_mono_ms() orders events inside one process (timeouts, rate limits,
 * backoff); it never jumps. clock_unix_ms() and clock_rfc3339() are wall time
 * for what is stored and shown (audit records, database rows, HTTP dates).
 */
#ifndef OB_CLOCK_H
#define OB_CLOCK_H

#include <stdint.h>

int64_t clock_mono_ms(void);
int64_t clock_unix_ms(void);
/* UTC, RFC 3339 with milliseconds: "2026-12-01T10:00:00.123Z". */
void clock_rfc3339(char out[32]);

#endif
