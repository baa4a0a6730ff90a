#include "sim_stats.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static const char *const names[SC_COUNT] = {
	"requests", "deletes", "deletions", "challenges", "stale_challenges",
	"rate_limited", "retry_after_violations", "peak_in_flight", "connections",
	"tokens_issued", "tokens_revoked", "token_requests", "rate_limit_queries", "faults",
};

static const char *const methods[] = {"GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "OTHER"};
#define N_METHODS (sizeof methods / sizeof methods[0])

static atomic_ulong counters[SC_COUNT];
static atomic_ulong by_method[N_METHODS];
static atomic_ulong by_status[600];
static atomic_long in_flight;

void sim_stats_inc(enum sim_counter c)
{
	atomic_fetch_add_explicit(&counters[c], 1, memory_order_relaxed);
}

void sim_stats_enter(void)
{
	unsigned long now = (unsigned long)atomic_fetch_add(&in_flight, 1) + 1;
	unsigned long peak = atomic_load(&counters[SC_PEAK_IN_FLIGHT]);
	while (now > peak && !atomic_compare_exchange_weak(&counters[SC_PEAK_IN_FLIGHT], &peak, now))
		;
}

void sim_stats_leave(void)
{
	atomic_fetch_sub(&in_flight, 1);
}

long sim_stats_in_flight(void)
{
	return atomic_load(&in_flight);
}

void sim_stats_method(const char *method)
{
	size_t i = 0;
	while (i < N_METHODS - 1 && strcmp(methods[i], method) != 0)
		i++;
	atomic_fetch_add_explicit(&by_method[i], 1, memory_order_relaxed);
}

void sim_stats_status(unsigned status)
{
	if (status < 600)
		atomic_fetch_add_explicit(&by_status[status], 1, memory_order_relaxed);
}

void sim_stats_reset(void)
{
	for (int i = 0; i < SC_COUNT; i++)
		atomic_store(&counters[i], 0);
	for (size_t i = 0; i < N_METHODS; i++)
		atomic_store(&by_method[i], 0);
	for (int i = 0; i < 600; i++)
		atomic_store(&by_status[i], 0);
	long f = atomic_load(&in_flight);
	atomic_store(&counters[SC_PEAK_IN_FLIGHT], f > 0 ? (unsigned long)f : 0);
}

cJSON *sim_stats_json(void)
{
	cJSON *o = cJSON_CreateObject();
	for (int i = 0; i < SC_COUNT; i++) {
		cJSON_AddNumberToObject(o, names[i], (double)atomic_load(&counters[i]));
		if (i == SC_REQUESTS) {
			cJSON *s = cJSON_AddObjectToObject(o, "by_status");
			for (int st = 0; st < 600; st++) {
				unsigned long n = atomic_load(&by_status[st]);
				char k[8];
				snprintf(k, sizeof k, "%d", st);
				if (n)
					cJSON_AddNumberToObject(s, k, (double)n);
			}
			cJSON *m = cJSON_AddObjectToObject(o, "by_method");
			for (size_t j = 0; j < N_METHODS; j++) {
				unsigned long n = atomic_load(&by_method[j]);
				if (n)
					cJSON_AddNumberToObject(m, methods[j], (double)n);
			}
		}
	}
	return o;
}
