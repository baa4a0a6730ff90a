/*
 * sim_hash.h - a string-keyed hash map (open addressing, linear probing).
 *
 * Keys are byte strings with an explicit length (they may contain NUL, which
 * is how composite keys such as group\0db\0name are built); the map copies
 * them. Values are opaque pointers owned by the caller. No deletion: the
 * simulator only adds (users are marked removed, not unlinked).
 * Not thread-safe: every user of a map guards it with its own mutex.
 */
#ifndef SIM_HASH_H
#define SIM_HASH_H

#include <stddef.h>

struct sim_hash;

struct sim_hash *sim_hash_new(void);
/* Frees the map and its key copies, not the values. NULL-safe. */
void sim_hash_free(struct sim_hash *h);
/* The value for key, or NULL. */
void *sim_hash_get(const struct sim_hash *h, const void *key, size_t len);
/* Insert or replace; returns the previous value (NULL if the key was new). */
void *sim_hash_put(struct sim_hash *h, const void *key, size_t len, void *value);
size_t sim_hash_count(const struct sim_hash *h);
/* Calls fn for every value (in no particular order). */
void sim_hash_each(const struct sim_hash *h, void (*fn)(void *value, void *arg), void *arg);

#endif
