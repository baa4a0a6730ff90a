/*
 * sim_store.h - the simulated projects and their users.
 *
 * Loaded once from the seed file; afterwards users are only ever removed.
 * Every removal is appended to a log, so GET /_sim/removed lists them in the
 * order applied. The store keeps the seed's order for /_sim/state and
 * --state-out. All functions lock the store's own mutex: thread-safe.
 *
 * Seed: {"projects": {"<groupId>": {"users": {"<userId>": "<email>"},
 *        "dbusers": [["<db>", "<username>"]], "owners": ["<userId>"],
 *        "inaccessible": false,
 *        "rate_limits": {"project_users": {"capacity": N, "refill_per_min": N},
 *                        "database_users": {...}}}}}   (rate_limits optional)
 */
#ifndef SIM_STORE_H
#define SIM_STORE_H

#include <stddef.h>

struct cJSON;

enum sim_remove_result {
	SIM_REMOVED,
	SIM_NO_GROUP,     /* 404 GROUP_NOT_FOUND */
	SIM_INACCESSIBLE, /* 401 NOT_IN_GROUP */
	SIM_NOT_MEMBER,   /* 404 USER_NOT_IN_GROUP / USER_NOT_FOUND */
	SIM_LAST_OWNER    /* 400 CANNOT_REMOVE_LAST_OWNER */
};

/* Per-project bucket override, called once per overridden set while loading. */
typedef void (*sim_limit_fn)(const char *group, int set, long capacity, long refill_per_min);

/*
 * Load the seed. Returns 0, or -1 with a message (naming the place in the
 * file) in err. on_limit receives the optional per-project rate_limits.
 */
int sim_store_load(const char *path, sim_limit_fn on_limit, char *err, size_t errlen);
void sim_store_release(void);

enum sim_remove_result sim_store_remove_user(const char *group, const char *user);
enum sim_remove_result sim_store_remove_dbuser(const char *group, const char *db, const char *name);

/* The users still there, in the seed's shape (caller frees). */
struct cJSON *sim_store_state_json(void);
/* {"project_users": [[g,u]...], "db_users": [[g,db,name]...]} (caller frees). */
struct cJSON *sim_store_removed_json(void);

#endif
