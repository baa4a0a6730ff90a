#include "sim_reply.h"

#include "sim_stats.h"
#include "sim_util.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sim_reply_header(struct sim_reply *r, const char *name, const char *fmt, ...)
{
	if (r->nh == SIM_REPLY_MAX_HEADERS)
		return;
	va_list ap;
	va_start(ap, fmt);
	r->h[r->nh].name = name;
	vsnprintf(r->h[r->nh].value, sizeof r->h[0].value, fmt, ap);
	va_end(ap);
	r->nh++;
}

const char *sim_reason(unsigned status)
{
	switch (status) {
	case 200: return "OK";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 410: return "Gone";
	case 413: return "Payload Too Large";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Error";
	}
}

void sim_reply_json(struct sim_reply *r, unsigned status, cJSON *json)
{
	r->status = status;
	if (r->envelope) {
		/* Atlas's envelope: HTTP 200, the real status and body inside. */
		cJSON *env = cJSON_CreateObject();
		cJSON_AddNumberToObject(env, "status", status);
		cJSON_AddItemToObject(env, "content", json ? json : cJSON_CreateObject());
		json = env;
		r->status = 200;
	}
	free(r->body);
	r->body = NULL;
	r->len = 0;
	if (!json)
		return;
	r->body = r->pretty ? cJSON_Print(json) : cJSON_PrintUnformatted(json);
	cJSON_Delete(json);
	if (!r->body) {
		fputs("atlas-sim: error: out of memory\n", stderr);
		abort();
	}
	r->len = strlen(r->body);
	if (!*r->ctype)
		snprintf(r->ctype, sizeof r->ctype, "application/json");
}

void sim_reply_error(struct sim_reply *r, unsigned status, const char *code, cJSON *params, const char *detail_fmt,
		     ...)
{
	char detail[1024];
	va_list ap;
	va_start(ap, detail_fmt);
	vsnprintf(detail, sizeof detail, detail_fmt, ap);
	va_end(ap);
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "detail", detail);
	cJSON_AddNumberToObject(e, "error", status);
	cJSON_AddStringToObject(e, "errorCode", code);
	cJSON_AddItemToObject(e, "parameters", params ? params : cJSON_CreateArray());
	cJSON_AddStringToObject(e, "reason", sim_reason(status));
	sim_reply_header(r, "X-Error-Code", "%s", code);
	sim_reply_json(r, status, e);
}

static void add(struct MHD_Response *resp, const char *name, const char *value, bool lower)
{
	char buf[64];
	if (lower) {
		size_t i = 0;
		for (; name[i] && i + 1 < sizeof buf; i++)
			buf[i] = (char)tolower((unsigned char)name[i]);
		buf[i] = '\0';
		name = buf;
	}
	MHD_add_response_header(resp, name, value);
}

enum MHD_Result sim_reply_send(struct MHD_Connection *c, struct sim_reply *r, bool lower)
{
	struct MHD_Response *resp;
	if (r->body)
		resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
	else
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(r->body);
		r->body = NULL;
		return MHD_NO;
	}
	r->body = NULL; /* owned by resp now */
	if (*r->ctype)
		add(resp, "Content-Type", r->ctype, lower);
	for (int i = 0; i < r->nh; i++)
		add(resp, r->h[i].name, r->h[i].value, lower);
	enum MHD_Result ret = MHD_queue_response(c, r->status, resp);
	MHD_destroy_response(resp);
	sim_stats_status(r->status);
	return ret;
}
