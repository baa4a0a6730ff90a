/*
 * sim_ratelimits.h - the bodies of GET /api/atlas/v2/rateLimits[/{id}].
 *
 * Shapes from v2.yaml (2025-03-12): PaginatedRateLimitEndpointSets
 * {"links", "results": [RateLimitEndpointSetResponse], "totalCount"} and
 * RateLimitEndpointSetResponse {"capacity": {"value"[, "defaultValue"]},
 * "endpointSetId", "endpointSetName", "endpoints": [{"method", "path"}],
 * "refillDurationSeconds": {"value"}, "refillRate": {"value"}, "scope"}.
 * With a groupId the values are that project's (defaultValue appears when
 * the seed overrides them). Thread-safe.
 */
#ifndef SIM_RATELIMITS_H
#define SIM_RATELIMITS_H

struct cJSON;
struct sim_config;

/* The endpoint sets matching the filters (n == 0: no filter). Caller frees. */
struct cJSON *sim_ratelimits_list(const struct sim_config *cfg, const char *group, const char *const *paths,
				  int npaths, const char *const *names, int nnames, double now);
/* One endpoint set by id, or NULL if there is none. Caller frees. */
struct cJSON *sim_ratelimits_one(const struct sim_config *cfg, const char *id, const char *group, double now);

#endif
