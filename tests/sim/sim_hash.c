#include "sim_hash.h"

#include "sim_util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	char *key; /* NULL: empty */
	size_t len;
	uint64_t hash;
	void *value;
};

struct sim_hash {
	struct slot *slots;
	size_t cap; /* a power of two */
	size_t count;
};

struct sim_hash *sim_hash_new(void)
{
	struct sim_hash *h = sim_xcalloc(1, sizeof *h);
	h->cap = 64;
	h->slots = sim_xcalloc(h->cap, sizeof *h->slots);
	return h;
}

void sim_hash_free(struct sim_hash *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->cap; i++)
		free(h->slots[i].key);
	free(h->slots);
	free(h);
}

static struct slot *find(const struct sim_hash *h, const void *key, size_t len, uint64_t hash)
{
	size_t mask = h->cap - 1;
	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		struct slot *s = &h->slots[i];
		if (!s->key || (s->hash == hash && s->len == len && memcmp(s->key, key, len) == 0))
			return s;
	}
}

static void grow(struct sim_hash *h)
{
	struct slot *old = h->slots;
	size_t oldcap = h->cap;
	h->cap *= 2;
	h->slots = sim_xcalloc(h->cap, sizeof *h->slots);
	for (size_t i = 0; i < oldcap; i++) {
		if (!old[i].key)
			continue;
		struct slot *s = find(h, old[i].key, old[i].len, old[i].hash);
		*s = old[i];
	}
	free(old);
}

void *sim_hash_get(const struct sim_hash *h, const void *key, size_t len)
{
	struct slot *s = find(h, key, len, sim_hash64(key, len, 0));
	return s->key ? s->value : NULL;
}

void *sim_hash_put(struct sim_hash *h, const void *key, size_t len, void *value)
{
	if ((h->count + 1) * 10 > h->cap * 7)
		grow(h);
	uint64_t hash = sim_hash64(key, len, 0);
	struct slot *s = find(h, key, len, hash);
	if (s->key) {
		void *prev = s->value;
		s->value = value;
		return prev;
	}
	s->key = sim_xstrndup(key, len);
	s->len = len;
	s->hash = hash;
	s->value = value;
	h->count++;
	return NULL;
}

size_t sim_hash_count(const struct sim_hash *h)
{
	return h->count;
}

void sim_hash_each(const struct sim_hash *h, void (*fn)(void *value, void *arg), void *arg)
{
	for (size_t i = 0; i < h->cap; i++)
		if (h->slots[i].key)
			fn(h->slots[i].value, arg);
}
