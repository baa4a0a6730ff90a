#include "sim_store.h"

#include "sim_hash.h"
#include "sim_util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct user {
	char *id, *email;
	bool removed, owner;
};

struct dbuser {
	char *db, *name;
	bool removed;
};

struct project {
	char *id;
	struct user *users;
	size_t n_users;
	struct dbuser *dbusers;
	size_t n_db;
	size_t owners_left;
	bool inaccessible;
};

/* One entry of the removal log: indexes into the project's arrays. */
struct removal {
	struct project *p;
	size_t idx;
};

static struct {
	pthread_mutex_t lock;
	struct project *projects;
	size_t n_projects;
	struct sim_hash *by_group; /* groupId -> struct project */
	struct sim_hash *by_user;  /* group \0 user -> struct user */
	struct sim_hash *by_db;    /* group \0 db \0 name -> struct dbuser */
	struct removal *rm_users, *rm_db;
	size_t n_rm_users, cap_rm_users, n_rm_db, cap_rm_db;
} st = {.lock = PTHREAD_MUTEX_INITIALIZER};

static size_t key2(char *buf, size_t cap, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la + lb + 1 > cap)
		return 0;
	memcpy(buf, a, la);
	buf[la] = '\0';
	memcpy(buf + la + 1, b, lb);
	return la + 1 + lb;
}

static size_t key3(char *buf, size_t cap, const char *a, const char *b, const char *c)
{
	size_t n = key2(buf, cap, a, b);
	size_t lc = strlen(c);
	if (!n || n + 1 + lc > cap)
		return 0;
	buf[n] = '\0';
	memcpy(buf + n + 1, c, lc);
	return n + 1 + lc;
}

/* Line and column of offset in text, for parse errors. */
static void line_col(const char *text, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

static int load_limits(const char *path, const char *g, const cJSON *rl, sim_limit_fn on_limit, char *err,
		       size_t errlen)
{
	static const char *sets[2] = {"project_users", "database_users"};
	if (!cJSON_IsObject(rl)) {
		snprintf(err, errlen, "bad seed '%s': projects.%s.rate_limits: expected an object", path, g);
		return -1;
	}
	for (const cJSON *it = rl->child; it; it = it->next) {
		int set = -1;
		for (int i = 0; i < 2; i++)
			if (strcmp(it->string, sets[i]) == 0)
				set = i;
		const cJSON *cap = cJSON_GetObjectItemCaseSensitive(it, "capacity");
		const cJSON *ref = cJSON_GetObjectItemCaseSensitive(it, "refill_per_min");
		if (set < 0 || !cJSON_IsNumber(cap) || !cJSON_IsNumber(ref) || cap->valuedouble < 1 ||
		    ref->valuedouble < 1) {
			snprintf(err, errlen,
				 "bad seed '%s': projects.%s.rate_limits.%s: expected project_users or database_users "
				 "with positive capacity and refill_per_min",
				 path, g, it->string);
			return -1;
		}
		if (on_limit)
			on_limit(g, set, (long)cap->valuedouble, (long)ref->valuedouble);
	}
	return 0;
}

static int load_project(const char *path, const cJSON *pj, struct project *p, sim_limit_fn on_limit, char *err,
			size_t errlen)
{
	const char *g = pj->string;
	char key[4096];
	if (!sim_is_object_id(g)) {
		snprintf(err, errlen, "bad seed '%s': projects: '%s' is not a group id (24 lowercase hex digits)", path,
			 g);
		return -1;
	}
	if (sim_hash_put(st.by_group, g, strlen(g), p)) {
		snprintf(err, errlen, "bad seed '%s': projects: group '%s' appears twice", path, g);
		return -1;
	}
	p->id = sim_xstrdup(g);
	if (!cJSON_IsObject(pj)) {
		snprintf(err, errlen, "bad seed '%s': projects.%s: expected an object", path, g);
		return -1;
	}
	const cJSON *users = cJSON_GetObjectItemCaseSensitive(pj, "users");
	const cJSON *dbusers = cJSON_GetObjectItemCaseSensitive(pj, "dbusers");
	const cJSON *owners = cJSON_GetObjectItemCaseSensitive(pj, "owners");
	const cJSON *inacc = cJSON_GetObjectItemCaseSensitive(pj, "inaccessible");
	const cJSON *rl = cJSON_GetObjectItemCaseSensitive(pj, "rate_limits");
	for (const cJSON *it = pj->child; it; it = it->next)
		if (strcmp(it->string, "users") && strcmp(it->string, "dbusers") && strcmp(it->string, "owners") &&
		    strcmp(it->string, "inaccessible") && strcmp(it->string, "rate_limits")) {
			snprintf(err, errlen, "bad seed '%s': projects.%s: unknown key '%s'", path, g, it->string);
			return -1;
		}
	if ((users && !cJSON_IsObject(users)) || (dbusers && !cJSON_IsArray(dbusers)) ||
	    (owners && !cJSON_IsArray(owners)) || (inacc && !cJSON_IsBool(inacc))) {
		snprintf(err, errlen,
			 "bad seed '%s': projects.%s: users must be an object, dbusers and owners arrays, "
			 "inaccessible a boolean",
			 path, g);
		return -1;
	}
	p->inaccessible = cJSON_IsTrue(inacc);
	p->users = sim_xcalloc((size_t)cJSON_GetArraySize(users), sizeof *p->users);
	for (const cJSON *u = users ? users->child : NULL; u; u = u->next) {
		if (!sim_is_object_id(u->string) || !cJSON_IsString(u)) {
			snprintf(err, errlen,
				 "bad seed '%s': projects.%s.users.%s: expected a user id (24 lowercase hex digits) "
				 "mapped to an email string",
				 path, g, u->string);
			return -1;
		}
		struct user *x = &p->users[p->n_users++];
		x->id = sim_xstrdup(u->string);
		x->email = sim_xstrdup(u->valuestring);
		if (sim_hash_put(st.by_user, key, key2(key, sizeof key, g, x->id), x)) {
			snprintf(err, errlen, "bad seed '%s': projects.%s.users: '%s' appears twice", path, g, x->id);
			return -1;
		}
	}
	p->dbusers = sim_xcalloc((size_t)cJSON_GetArraySize(dbusers), sizeof *p->dbusers);
	int i = 0;
	for (const cJSON *d = dbusers ? dbusers->child : NULL; d; d = d->next, i++) {
		const cJSON *db = cJSON_GetArrayItem(d, 0), *nm = cJSON_GetArrayItem(d, 1);
		size_t klen = 0;
		if (cJSON_IsArray(d) && cJSON_GetArraySize(d) == 2 && cJSON_IsString(db) && cJSON_IsString(nm) &&
		    *db->valuestring && *nm->valuestring)
			klen = key3(key, sizeof key, g, db->valuestring, nm->valuestring);
		if (!klen) {
			snprintf(err, errlen,
				 "bad seed '%s': projects.%s.dbusers[%d]: expected [\"<databaseName>\", "
				 "\"<username>\"] (non-empty, at most 4000 bytes)",
				 path, g, i);
			return -1;
		}
		struct dbuser *x = &p->dbusers[p->n_db++];
		x->db = sim_xstrdup(db->valuestring);
		x->name = sim_xstrdup(nm->valuestring);
		if (sim_hash_put(st.by_db, key, klen, x)) {
			snprintf(err, errlen, "bad seed '%s': projects.%s.dbusers[%d]: appears twice", path, g, i);
			return -1;
		}
	}
	i = 0;
	for (const cJSON *o = owners ? owners->child : NULL; o; o = o->next, i++) {
		struct user *x = cJSON_IsString(o) ? sim_hash_get(st.by_user, key, key2(key, sizeof key, g,
											 o->valuestring))
						   : NULL;
		if (!x) {
			snprintf(err, errlen, "bad seed '%s': projects.%s.owners[%d]: not a user of this project", path,
				 g, i);
			return -1;
		}
		if (!x->owner)
			p->owners_left++;
		x->owner = true;
	}
	if (rl && load_limits(path, g, rl, on_limit, err, errlen) < 0)
		return -1;
	return 0;
}

int sim_store_load(const char *path, sim_limit_fn on_limit, char *err, size_t errlen)
{
	char *text = sim_read_file(path, 0, err, errlen);
	if (!text)
		return -1;
	int ret = -1;
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
	if (!root) {
		int line, col;
		line_col(text, end ? (size_t)(end - text) : 0, &line, &col);
		snprintf(err, errlen, "bad seed '%s': invalid JSON at line %d, column %d", path, line, col);
		goto done;
	}
	const cJSON *projects = cJSON_GetObjectItemCaseSensitive(root, "projects");
	if (!cJSON_IsObject(projects)) {
		snprintf(err, errlen, "bad seed '%s': expected an object with a \"projects\" object", path);
		goto done;
	}
	st.by_group = sim_hash_new();
	st.by_user = sim_hash_new();
	st.by_db = sim_hash_new();
	st.projects = sim_xcalloc((size_t)cJSON_GetArraySize(projects), sizeof *st.projects);
	for (const cJSON *pj = projects->child; pj; pj = pj->next)
		if (load_project(path, pj, &st.projects[st.n_projects++], on_limit, err, errlen) < 0)
			goto done;
	ret = 0;
done:
	cJSON_Delete(root);
	free(text);
	return ret;
}

void sim_store_release(void)
{
	for (size_t i = 0; i < st.n_projects; i++) {
		struct project *p = &st.projects[i];
		for (size_t j = 0; j < p->n_users; j++) {
			free(p->users[j].id);
			free(p->users[j].email);
		}
		for (size_t j = 0; j < p->n_db; j++) {
			free(p->dbusers[j].db);
			free(p->dbusers[j].name);
		}
		free(p->users);
		free(p->dbusers);
		free(p->id);
	}
	free(st.projects);
	sim_hash_free(st.by_group);
	sim_hash_free(st.by_user);
	sim_hash_free(st.by_db);
	free(st.rm_users);
	free(st.rm_db);
	st.projects = NULL;
	st.n_projects = 0;
	st.by_group = st.by_user = st.by_db = NULL;
	st.rm_users = st.rm_db = NULL;
}

static void log_removal(struct removal **log, size_t *n, size_t *cap, struct project *p, size_t idx)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*log = sim_xrealloc(*log, *cap * sizeof **log);
	}
	(*log)[(*n)++] = (struct removal){p, idx};
}

enum sim_remove_result sim_store_remove_user(const char *group, const char *user)
{
	char key[128];
	enum sim_remove_result r;
	pthread_mutex_lock(&st.lock);
	struct project *p = sim_hash_get(st.by_group, group, strlen(group));
	struct user *u = NULL;
	if (!p)
		r = SIM_NO_GROUP;
	else if (p->inaccessible)
		r = SIM_INACCESSIBLE;
	else if (!(u = sim_hash_get(st.by_user, key, key2(key, sizeof key, group, user))) || u->removed)
		r = SIM_NOT_MEMBER;
	else if (u->owner && p->owners_left <= 1)
		r = SIM_LAST_OWNER;
	else {
		u->removed = true;
		if (u->owner)
			p->owners_left--;
		log_removal(&st.rm_users, &st.n_rm_users, &st.cap_rm_users, p, (size_t)(u - p->users));
		r = SIM_REMOVED;
	}
	pthread_mutex_unlock(&st.lock);
	return r;
}

enum sim_remove_result sim_store_remove_dbuser(const char *group, const char *db, const char *name)
{
	char key[4096];
	enum sim_remove_result r;
	pthread_mutex_lock(&st.lock);
	struct project *p = sim_hash_get(st.by_group, group, strlen(group));
	struct dbuser *d = NULL;
	size_t klen = key3(key, sizeof key, group, db, name);
	if (!p)
		r = SIM_NO_GROUP;
	else if (p->inaccessible)
		r = SIM_INACCESSIBLE;
	else if (!klen || !(d = sim_hash_get(st.by_db, key, klen)) || d->removed)
		r = SIM_NOT_MEMBER;
	else {
		d->removed = true;
		log_removal(&st.rm_db, &st.n_rm_db, &st.cap_rm_db, p, (size_t)(d - p->dbusers));
		r = SIM_REMOVED;
	}
	pthread_mutex_unlock(&st.lock);
	return r;
}

cJSON *sim_store_state_json(void)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *projects = cJSON_AddObjectToObject(root, "projects");
	pthread_mutex_lock(&st.lock);
	for (size_t i = 0; i < st.n_projects; i++) {
		const struct project *p = &st.projects[i];
		cJSON *pj = cJSON_AddObjectToObject(projects, p->id);
		cJSON *users = cJSON_AddObjectToObject(pj, "users");
		cJSON *db = cJSON_AddArrayToObject(pj, "dbusers");
		cJSON *owners = cJSON_AddArrayToObject(pj, "owners");
		for (size_t j = 0; j < p->n_users; j++) {
			if (p->users[j].removed)
				continue;
			cJSON_AddStringToObject(users, p->users[j].id, p->users[j].email);
			if (p->users[j].owner)
				cJSON_AddItemToArray(owners, cJSON_CreateString(p->users[j].id));
		}
		for (size_t j = 0; j < p->n_db; j++) {
			if (p->dbusers[j].removed)
				continue;
			const char *pair[2] = {p->dbusers[j].db, p->dbusers[j].name};
			cJSON_AddItemToArray(db, cJSON_CreateStringArray(pair, 2));
		}
		cJSON_AddBoolToObject(pj, "inaccessible", p->inaccessible);
	}
	pthread_mutex_unlock(&st.lock);
	return root;
}

cJSON *sim_store_removed_json(void)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *pu = cJSON_AddArrayToObject(root, "project_users");
	cJSON *du = cJSON_AddArrayToObject(root, "db_users");
	pthread_mutex_lock(&st.lock);
	for (size_t i = 0; i < st.n_rm_users; i++) {
		const struct removal *r = &st.rm_users[i];
		const char *v[2] = {r->p->id, r->p->users[r->idx].id};
		cJSON_AddItemToArray(pu, cJSON_CreateStringArray(v, 2));
	}
	for (size_t i = 0; i < st.n_rm_db; i++) {
		const struct removal *r = &st.rm_db[i];
		const char *v[3] = {r->p->id, r->p->dbusers[r->idx].db, r->p->dbusers[r->idx].name};
		cJSON_AddItemToArray(du, cJSON_CreateStringArray(v, 3));
	}
	pthread_mutex_unlock(&st.lock);
	return root;
}
