#include "sim_admin.h"

#include "sim_config.h"
#include "sim_reply.h"
#include "sim_stats.h"
#include "sim_store.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, cJSON *json)
{
	struct sim_reply r = {.pretty = true};
	sim_reply_json(&r, status, json);
	return sim_reply_send(c, &r, false);
}

static cJSON *msg(const char *key, const char *text)
{
	cJSON *o = cJSON_CreateObject();
	if (key)
		cJSON_AddStringToObject(o, key, text);
	else
		cJSON_AddBoolToObject(o, "ok", 1);
	return o;
}

static enum MHD_Result config(struct MHD_Connection *c, const char *body, size_t len)
{
	cJSON *obj = cJSON_ParseWithLength(body ? body : "", len);
	char err[256] = "";
	int rc = -1;
	if (!obj)
		snprintf(err, sizeof err, "the body is not JSON");
	else {
		sim_config_lock();
		struct sim_config next = *sim_config_current();
		rc = sim_config_apply_json(&next, obj, err, sizeof err);
		if (rc == 0)
			sim_config_publish(&next);
		sim_config_unlock();
	}
	cJSON_Delete(obj);
	return send_json(c, rc == 0 ? 200 : 400, rc == 0 ? msg(NULL, NULL) : msg("error", err));
}

enum MHD_Result sim_admin_handle(struct MHD_Connection *c, const char *url, const char *method, const char *body,
				 size_t len)
{
	bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
	if (get && strcmp(url, "/_sim/stats") == 0)
		return send_json(c, 200, sim_stats_json());
	if (get && strcmp(url, "/_sim/state") == 0)
		return send_json(c, 200, sim_store_state_json());
	if (get && strcmp(url, "/_sim/removed") == 0)
		return send_json(c, 200, sim_store_removed_json());
	if (post && strcmp(url, "/_sim/config") == 0)
		return config(c, body, len);
	if (post && strcmp(url, "/_sim/reset-stats") == 0) {
		sim_stats_reset();
		return send_json(c, 200, msg(NULL, NULL));
	}
	return send_json(c, 404, msg("error", "no such simulator endpoint"));
}
