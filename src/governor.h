/*
 * governor.h - rate limits (SPEC section 7): Retry-After and RateLimit-*
 * headers in, "may I send now, to this scope?" out.
 *
 * A scope is one (project, endpoint set): Atlas keeps a token bucket for each.
 * The governor models each bucket: a learned capacity and refill rate (from
 * the rateLimits endpoint, a 429 body, or the RateLimit-Limit header), an
 * estimate of the tokens left (corrected by RateLimit-Remaining on every
 * answer), the requests in flight, and a hold time (Retry-After, or >= 10 s
 * after a 429 without one, growing on repeats). No request goes to a held
 * scope. Once its capacity is spent a scope is paced at its refill rate,
 * slightly under, so that 429s stay rare. Unknown buckets are not throttled
 * until an answer teaches something. Malformed header values are ignored.
 *
 * An optional global ceiling (--rate R) caps requests per second overall.
 *
 * Time is passed in by the caller (milliseconds, any monotonic origin), so
 * the module is deterministic and unit-testable. Not thread-safe; the engine
 * is single-threaded. All memory is owned by the governor.
 */
#ifndef OB_GOVERNOR_H
#define OB_GOVERNOR_H

#include "atlas.h"

#include <stdbool.h>
#include <stdint.h>

struct governor;
struct gov_scope;

/* Retry-After is a minimum in whole seconds: a held scope waits this much
 * longer than the server's window, never a millisecond less. */
#define GOVERNOR_RETRY_AFTER_MARGIN_MS 50

/* global_rate: requests per second over the whole run, 0 for no ceiling. */
struct governor *governor_new(double global_rate);
void governor_free(struct governor *g);

/* The scope for (group_id, set); created on first use, owned by `g`. */
struct gov_scope *governor_scope(struct governor *g, const char *group_id,
				 enum atlas_endpoint_set set);

/* The bucket every project of `set` is assumed to have until its own answers
 * say otherwise (learned once per run from the rateLimits endpoint). */
void governor_set_default_bucket(struct governor *g, enum atlas_endpoint_set set,
				 const struct atlas_bucket *b);

/*
 * 0 when one request may be sent to `s` now; otherwise the earliest time
 * (ms, same clock as now_ms) at which asking again can succeed.
 */
int64_t governor_next_send(struct governor *g, struct gov_scope *s, int64_t now_ms);

/* Records that a request was sent to `s` (spends a token, one more in flight). */
void governor_on_send(struct governor *g, struct gov_scope *s, int64_t now_ms);

/* What an answer told (header values as received, NULL when absent). */
struct gov_answer {
	long status; /* 0: no answer (the in-flight slot is released, nothing learned) */
	const char *retry_after;           /* seconds or an HTTP date */
	const char *ratelimit_limit;       /* RateLimit-Limit */
	const char *ratelimit_remaining;   /* RateLimit-Remaining */
	const char *ratelimit;             /* RateLimit: limit=..., remaining=..., reset=... */
	const char *ratelimit_policy;      /* RateLimit-Policy: 100;w=60 */
	const struct atlas_bucket *bucket; /* from a 429 body, or NULL */
	int64_t now_unix_ms;               /* wall clock for an HTTP-date Retry-After; 0: read it */
};

/* Records an answer from `s`: releases its in-flight slot and learns. */
void governor_on_answer(struct governor *g, struct gov_scope *s, int64_t now_ms,
			const struct gov_answer *a);

/* Releases the in-flight slot of a request that was abandoned unanswered. */
void governor_on_abandon(struct governor *g, struct gov_scope *s);

/* The hold of `s` (Retry-After etc.) in ms, or 0 when not held. */
int64_t governor_held_until(const struct gov_scope *s);

/* How many scopes are held by a Retry-After or paced with no token left at
 * now_ms (not those only waiting for their first answer): for progress. */
int governor_count_held(const struct governor *g, int64_t now_ms);

/*
 * Parses a Retry-After value: delta-seconds, or an HTTP date (compared with
 * wall clock `now_unix_ms`). Returns the wait in ms (>= 0), or -1 if malformed.
 */
int64_t governor_parse_retry_after(const char *value, int64_t now_unix_ms);

/*
 * Full-jitter exponential backoff for an error without Retry-After:
 * uniform in [0, min(60 s, 1 s * 2^(attempt-1))], attempt >= 1. `rng` is the
 * caller's xorshift state (non-zero).
 */
int64_t governor_backoff_ms(int attempt, uint64_t *rng);

#endif
