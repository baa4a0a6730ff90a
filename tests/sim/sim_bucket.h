/*
 * sim_bucket.h - Atlas-style token buckets, one per (project, endpoint set).
 *
 * Two endpoint sets: project users (the v1.0 and v2 DELETE paths share one
 * bucket) and database users. A bucket starts full and refills continuously
 * at refill_per_min / 60 tokens a second up to its capacity. The limits are
 * the configured defaults unless the seed overrides them for a project.
 * A request takes one token; a refused request (429) takes none.
 * The module also remembers, per bucket, until when a Retry-After it gave
 * (on a 429 or a 503) is in force, to count requests that ignore it.
 * Thread-safe (one mutex).
 */
#ifndef SIM_BUCKET_H
#define SIM_BUCKET_H

#include <stdbool.h>

struct cJSON;
struct sim_config;

enum sim_set { SIM_SET_PU = 0, SIM_SET_DB = 1, SIM_SET_COUNT };

struct sim_take {
	bool allowed;
	long limit;        /* capacity */
	long refill;       /* tokens per refill_seconds */
	long refill_seconds;
	long remaining;    /* whole tokens left after this request */
	long retry_after;  /* on refusal: seconds until one token is back (>= 1) */
	long reset;        /* seconds until the bucket is full again (rounded up) */
};

void sim_bucket_init(void);
void sim_bucket_release(void);
/* A per-project override (from the seed). */
void sim_bucket_override(const char *group, int set, long capacity, long refill_per_min);
/* Take one token from the bucket of (group, set) at time now (sim_now()). */
struct sim_take sim_bucket_take(const struct sim_config *cfg, const char *group, enum sim_set set, double now);
/* The limits of (group, set) without taking (group may be NULL: the defaults). */
struct sim_take sim_bucket_peek(const struct sim_config *cfg, const char *group, enum sim_set set, double now,
				bool *overridden);
/* A Retry-After for (group, set) is in force until `until` (sim_now() scale). */
void sim_bucket_retry_until(const char *group, enum sim_set set, double until);
/* True if a Retry-After given for (group, set) is still in force at now. */
bool sim_bucket_in_retry(const char *group, enum sim_set set, double now);

/* Endpoint set ids and names, as served by GET /api/atlas/v2/rateLimits. */
const char *sim_set_id(enum sim_set set);
const char *sim_set_name(enum sim_set set);
/* The endpoints of a set (NULL-terminated "METHOD PATH" templates). */
const char *const *sim_set_endpoints(enum sim_set set);

#endif
