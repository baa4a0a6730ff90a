#include "sim_bucket.h"

#include "sim_config.h"
#include "sim_hash.h"
#include "sim_util.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct bucket {
	bool started;
	double tokens, last;
	double retry_until;
	long cap_override, refill_override; /* 0: defaults */
};

struct group_buckets {
	struct bucket b[SIM_SET_COUNT];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct sim_hash *groups; /* groupId -> struct group_buckets */

static const char *const pu_endpoints[] = {
	"DELETE /api/atlas/v2/groups/{groupId}/users/{userId}",
	"DELETE /api/atlas/v1.0/groups/{groupId}/users/{userId}",
	NULL,
};
static const char *const db_endpoints[] = {
	"DELETE /api/atlas/v2/groups/{groupId}/databaseUsers/{databaseName}/{username}",
	NULL,
};

const char *sim_set_id(enum sim_set set)
{
	return set == SIM_SET_PU ? "projectUsers_group" : "databaseUsers_group";
}

const char *sim_set_name(enum sim_set set)
{
	return set == SIM_SET_PU ? "Project Users" : "Database Users";
}

const char *const *sim_set_endpoints(enum sim_set set)
{
	return set == SIM_SET_PU ? pu_endpoints : db_endpoints;
}

void sim_bucket_init(void)
{
	groups = sim_hash_new();
}

static void free_one(void *v, void *arg)
{
	(void)arg;
	free(v);
}

void sim_bucket_release(void)
{
	if (groups)
		sim_hash_each(groups, free_one, NULL);
	sim_hash_free(groups);
	groups = NULL;
}

/* The buckets of group, created on first use. Lock held. */
static struct group_buckets *get(const char *group)
{
	size_t len = strlen(group);
	struct group_buckets *g = sim_hash_get(groups, group, len);
	if (!g) {
		g = sim_xcalloc(1, sizeof *g);
		sim_hash_put(groups, group, len, g);
	}
	return g;
}

void sim_bucket_override(const char *group, int set, long capacity, long refill_per_min)
{
	pthread_mutex_lock(&lock);
	struct bucket *b = &get(group)->b[set];
	b->cap_override = capacity;
	b->refill_override = refill_per_min;
	pthread_mutex_unlock(&lock);
}

static void limits(const struct sim_config *cfg, const struct bucket *b, enum sim_set set, long *cap, long *refill)
{
	*cap = set == SIM_SET_PU ? cfg->pu_capacity : cfg->db_capacity;
	*refill = set == SIM_SET_PU ? cfg->pu_refill_per_min : cfg->db_refill_per_min;
	if (b && b->cap_override) {
		*cap = b->cap_override;
		*refill = b->refill_override;
	}
}

/* Bring b up to date at now. Lock held. */
static void refill(struct bucket *b, long cap, long per_min, double now)
{
	if (!b->started) {
		b->started = true;
		b->tokens = (double)cap;
		b->last = now;
		return;
	}
	if (now > b->last) {
		b->tokens += (now - b->last) * (double)per_min / 60.0;
		b->last = now;
	}
	if (b->tokens > (double)cap)
		b->tokens = (double)cap; /* also when the capacity was lowered at run time */
}

static void fill_take(struct sim_take *t, const struct bucket *b, long cap, long per_min)
{
	double rate = (double)per_min / 60.0;
	t->limit = cap;
	t->refill = per_min;
	t->refill_seconds = 60;
	t->remaining = b ? (long)floor(b->tokens + 1e-9) : cap;
	if (t->remaining < 0)
		t->remaining = 0;
	double missing = b ? (double)cap - b->tokens : 0;
	t->reset = missing > 1e-9 ? (long)ceil(missing / rate - 1e-9) : 0;
	double need = b ? 1.0 - b->tokens : 0;
	t->retry_after = need > 0 ? (long)ceil(need / rate - 1e-9) : 0;
	if (t->retry_after < 1)
		t->retry_after = 1;
}

struct sim_take sim_bucket_take(const struct sim_config *cfg, const char *group, enum sim_set set, double now)
{
	struct sim_take t = {0};
	long cap, per_min;
	pthread_mutex_lock(&lock);
	struct bucket *b = &get(group)->b[set];
	limits(cfg, b, set, &cap, &per_min);
	refill(b, cap, per_min, now);
	if (b->tokens >= 1.0 - 1e-9) {
		b->tokens -= 1.0;
		t.allowed = true;
	}
	fill_take(&t, b, cap, per_min);
	pthread_mutex_unlock(&lock);
	return t;
}

struct sim_take sim_bucket_peek(const struct sim_config *cfg, const char *group, enum sim_set set, double now,
				bool *overridden)
{
	struct sim_take t = {0};
	long cap, per_min;
	pthread_mutex_lock(&lock);
	struct group_buckets *g = group ? sim_hash_get(groups, group, strlen(group)) : NULL;
	struct bucket *b = g ? &g->b[set] : NULL;
	limits(cfg, b, set, &cap, &per_min);
	if (b && b->started)
		refill(b, cap, per_min, now);
	fill_take(&t, b && b->started ? b : NULL, cap, per_min);
	*overridden = b && b->cap_override;
	pthread_mutex_unlock(&lock);
	t.allowed = true;
	return t;
}

void sim_bucket_retry_until(const char *group, enum sim_set set, double until)
{
	pthread_mutex_lock(&lock);
	struct bucket *b = &get(group)->b[set];
	if (until > b->retry_until)
		b->retry_until = until;
	pthread_mutex_unlock(&lock);
}

bool sim_bucket_in_retry(const char *group, enum sim_set set, double now)
{
	pthread_mutex_lock(&lock);
	struct group_buckets *g = sim_hash_get(groups, group, strlen(group));
	bool in = g && now < g->b[set].retry_until;
	pthread_mutex_unlock(&lock);
	return in;
}
