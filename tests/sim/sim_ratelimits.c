#include "sim_ratelimits.h"

#include "sim_bucket.h"
#include "sim_config.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static cJSON *value_obj(long value, bool with_default, long def)
{
	cJSON *o = cJSON_CreateObject();
	if (with_default)
		cJSON_AddNumberToObject(o, "defaultValue", (double)def);
	cJSON_AddNumberToObject(o, "value", (double)value);
	return o;
}

static cJSON *set_json(const struct sim_config *cfg, enum sim_set set, const char *group, double now)
{
	bool over = false;
	struct sim_take t = sim_bucket_peek(cfg, group, set, now, &over);
	long defcap = set == SIM_SET_PU ? cfg->pu_capacity : cfg->db_capacity;
	long defref = set == SIM_SET_PU ? cfg->pu_refill_per_min : cfg->db_refill_per_min;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "capacity", value_obj(t.limit, over, defcap));
	cJSON_AddStringToObject(o, "endpointSetId", sim_set_id(set));
	cJSON_AddStringToObject(o, "endpointSetName", sim_set_name(set));
	cJSON *eps = cJSON_AddArrayToObject(o, "endpoints");
	for (const char *const *e = sim_set_endpoints(set); *e; e++) {
		const char *sp = strchr(*e, ' ');
		cJSON *ep = cJSON_CreateObject();
		char method[16];
		snprintf(method, sizeof method, "%.*s", (int)(sp - *e), *e);
		cJSON_AddStringToObject(ep, "method", method);
		cJSON_AddStringToObject(ep, "path", sp + 1);
		cJSON_AddItemToArray(eps, ep);
	}
	cJSON_AddItemToObject(o, "refillDurationSeconds", value_obj(t.refill_seconds, over, 60));
	cJSON_AddItemToObject(o, "refillRate", value_obj(t.refill, over, defref));
	cJSON_AddStringToObject(o, "scope", "GROUP");
	return o;
}

/* Does filter (a template or a concrete path) name template? */
static bool path_matches(const char *filter, const char *tmpl)
{
	size_t fl = strlen(filter);
	while (fl > 1 && filter[fl - 1] == '/')
		fl--;
	const char *f = filter, *fe = filter + fl, *t = tmpl;
	while (f < fe && *t) {
		const char *fs = memchr(f, '/', (size_t)(fe - f));
		size_t flen = fs ? (size_t)(fs - f) : (size_t)(fe - f);
		const char *ts = strchr(t, '/');
		size_t tlen = ts ? (size_t)(ts - t) : strlen(t);
		bool param = tlen > 1 && t[0] == '{';
		if (!(flen == tlen && memcmp(f, t, tlen) == 0) && !(param && flen > 0))
			return false;
		f += flen;
		t += tlen;
		if (f < fe && *f == '/')
			f++;
		if (*t == '/')
			t++;
		if ((f >= fe) != (*t == '\0'))
			return false;
	}
	return f >= fe && *t == '\0';
}

static bool set_selected(enum sim_set set, const char *const *paths, int npaths, const char *const *names,
			 int nnames)
{
	bool ok = npaths == 0;
	for (int i = 0; i < npaths && !ok; i++)
		for (const char *const *e = sim_set_endpoints(set); *e && !ok; e++)
			ok = path_matches(paths[i], strchr(*e, ' ') + 1);
	if (!ok)
		return false;
	if (nnames == 0)
		return true;
	for (int i = 0; i < nnames; i++)
		if (strcmp(names[i], sim_set_name(set)) == 0)
			return true;
	return false;
}

cJSON *sim_ratelimits_list(const struct sim_config *cfg, const char *group, const char *const *paths, int npaths,
			   const char *const *names, int nnames, double now)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *links = cJSON_AddArrayToObject(root, "links");
	cJSON *self = cJSON_CreateObject();
	cJSON_AddStringToObject(self, "href", "http://127.0.0.1/api/atlas/v2/rateLimits");
	cJSON_AddStringToObject(self, "rel", "self");
	cJSON_AddItemToArray(links, self);
	cJSON *results = cJSON_AddArrayToObject(root, "results");
	int n = 0;
	for (int s = 0; s < SIM_SET_COUNT; s++)
		if (set_selected((enum sim_set)s, paths, npaths, names, nnames)) {
			cJSON_AddItemToArray(results, set_json(cfg, (enum sim_set)s, group, now));
			n++;
		}
	cJSON_AddNumberToObject(root, "totalCount", n);
	return root;
}

cJSON *sim_ratelimits_one(const struct sim_config *cfg, const char *id, const char *group, double now)
{
	for (int s = 0; s < SIM_SET_COUNT; s++)
		if (strcmp(id, sim_set_id((enum sim_set)s)) == 0)
			return set_json(cfg, (enum sim_set)s, group, now);
	return NULL;
}
