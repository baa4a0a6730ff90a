#include "sim_faults.h"

#include "sim_config.h"
#include "sim_hash.h"
#include "sim_util.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sim_hash *counts; /* "METHOD path" -> uint64_t occurrences */

struct timer {
	double due;
	struct MHD_Connection *c;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool started, stopping;
	struct timer *heap;
	size_t n, cap;
} tm = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void heap_push(struct timer t)
{
	if (tm.n == tm.cap) {
		tm.cap = tm.cap ? tm.cap * 2 : 64;
		tm.heap = sim_xrealloc(tm.heap, tm.cap * sizeof *tm.heap);
	}
	size_t i = tm.n++;
	while (i > 0 && tm.heap[(i - 1) / 2].due > t.due) {
		tm.heap[i] = tm.heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	tm.heap[i] = t;
}

static struct timer heap_pop(void)
{
	struct timer top = tm.heap[0], last = tm.heap[--tm.n];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		double md = last.due;
		if (l < tm.n && tm.heap[l].due < md) {
			m = l;
			md = tm.heap[l].due;
		}
		if (r < tm.n && tm.heap[r].due < md)
			m = r;
		if (m == i)
			break;
		tm.heap[i] = tm.heap[m];
		i = m;
	}
	if (tm.n)
		tm.heap[i] = last;
	return top;
}

static void *timer_main(void *arg)
{
	(void)arg;
	/* The kernel may defer a timed wait by the thread's timer slack (50 us
	 * by default); the latency this thread serves should be what was asked. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	pthread_mutex_lock(&tm.lock);
	for (;;) {
		if (tm.n == 0) {
			if (tm.stopping)
				break;
			pthread_cond_wait(&tm.cond, &tm.lock);
			continue;
		}
		double now = sim_now();
		if (tm.heap[0].due <= now || tm.stopping) {
			struct timer t = heap_pop();
			pthread_mutex_unlock(&tm.lock);
			MHD_resume_connection(t.c);
			pthread_mutex_lock(&tm.lock);
			continue;
		}
		double due = tm.heap[0].due;
		struct timespec ts;
		ts.tv_sec = (time_t)due;
		ts.tv_nsec = (long)((due - (double)ts.tv_sec) * 1e9);
		pthread_cond_timedwait(&tm.cond, &tm.lock, &ts);
	}
	pthread_mutex_unlock(&tm.lock);
	return NULL;
}

void sim_faults_init(void)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&tm.cond, &ca);
	pthread_condattr_destroy(&ca);
	counts = sim_hash_new();
	if (pthread_create(&tm.thread, NULL, timer_main, NULL) == 0)
		tm.started = true;
}

void sim_faults_shutdown(void)
{
	pthread_mutex_lock(&tm.lock);
	tm.stopping = true;
	pthread_cond_signal(&tm.cond);
	pthread_mutex_unlock(&tm.lock);
	if (tm.started)
		pthread_join(tm.thread, NULL);
	tm.started = false;
}

static void free_one(void *v, void *arg)
{
	(void)arg;
	free(v);
}

void sim_faults_release(void)
{
	if (counts)
		sim_hash_each(counts, free_one, NULL);
	sim_hash_free(counts);
	counts = NULL;
	free(tm.heap);
	tm.heap = NULL;
	pthread_cond_destroy(&tm.cond);
}

struct sim_draw sim_faults_draw(const struct sim_config *cfg, const char *method, const char *raw_path)
{
	struct sim_draw d = {SIM_FAULT_NONE, cfg->latency_ms};
	size_t ml = strlen(method), pl = strlen(raw_path);
	char stackbuf[1024];
	char *key = ml + 1 + pl <= sizeof stackbuf ? stackbuf : sim_xmalloc(ml + 1 + pl);
	memcpy(key, method, ml);
	key[ml] = ' ';
	memcpy(key + ml + 1, raw_path, pl);
	pthread_mutex_lock(&count_lock);
	uint64_t *n = sim_hash_get(counts, key, ml + 1 + pl);
	if (!n) {
		n = sim_xcalloc(1, sizeof *n);
		sim_hash_put(counts, key, ml + 1 + pl, n);
	}
	uint64_t occurrence = (*n)++;
	pthread_mutex_unlock(&count_lock);
	uint64_t x = sim_mix64(sim_hash64(key, ml + 1 + pl, 0) ^ sim_mix64((uint64_t)cfg->fault_seed) ^
			       sim_mix64(occurrence + 0x51ed));
	if (key != stackbuf)
		free(key);
	double u = sim_unit(sim_mix64(x + 1));
	double edge = cfg->fault_reset;
	if (u < edge)
		d.fault = SIM_FAULT_RESET;
	else if (u < (edge += cfg->fault_500))
		d.fault = SIM_FAULT_500;
	else if (u < (edge += cfg->fault_503))
		d.fault = SIM_FAULT_503;
	else if (u < (edge += cfg->fault_applied_500))
		d.fault = SIM_FAULT_APPLIED_500;
	if (cfg->latency_jitter_ms > 0)
		d.delay_ms += (int)(sim_unit(sim_mix64(x + 2)) * (cfg->latency_jitter_ms + 1));
	return d;
}

bool sim_faults_delay(struct MHD_Connection *c, int delay_ms)
{
	pthread_mutex_lock(&tm.lock);
	if (tm.stopping || !tm.started) {
		pthread_mutex_unlock(&tm.lock);
		return false;
	}
	MHD_suspend_connection(c);
	heap_push((struct timer){sim_now() + delay_ms / 1000.0, c});
	pthread_cond_signal(&tm.cond);
	pthread_mutex_unlock(&tm.lock);
	return true;
}
