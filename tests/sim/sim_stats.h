/*
 * sim_stats.h - the counters served by GET /_sim/stats.
 *
 * Every counter is atomic: request threads bump them without a lock.
 * "requests" and the per-method/per-status counts cover every path except
 * /_sim/ paths. POST /_sim/reset-stats zeroes them all (peak_in_flight restarts
 * from the requests in flight at that moment).
 */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <stdatomic.h>

struct cJSON;

enum sim_counter {
	SC_REQUESTS,
	SC_DELETES,
	SC_DELETIONS,
	SC_CHALLENGES,
	SC_STALE_CHALLENGES,
	SC_RATE_LIMITED,
	SC_RETRY_AFTER_VIOLATIONS,
	SC_PEAK_IN_FLIGHT,
	SC_CONNECTIONS,
	SC_TOKENS_ISSUED,
	SC_TOKENS_REVOKED,
	SC_TOKEN_REQUESTS,
	SC_RATE_LIMIT_QUERIES,
	SC_FAULTS,
	SC_COUNT
};

void sim_stats_inc(enum sim_counter c);
/* A request starts / ends being handled (latency delays included). */
void sim_stats_enter(void);
void sim_stats_leave(void);
/* Requests being handled now. */
long sim_stats_in_flight(void);
void sim_stats_method(const char *method);
void sim_stats_status(unsigned status);
void sim_stats_reset(void);
/* The stats object (caller frees). */
struct cJSON *sim_stats_json(void);

#endif
