#include "sim_api.h"

#include "sim_auth.h"
#include "sim_bucket.h"
#include "sim_config.h"
#include "sim_ratelimits.h"
#include "sim_reply.h"
#include "sim_stats.h"
#include "sim_store.h"
#include "sim_util.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum op { OP_PU_V1, OP_PU_V2, OP_DB, OP_RL_LIST, OP_RL_ONE, OP_TOKEN, OP_REVOKE };

struct version {
	const char *date;
	const char *deprecation; /* HTTP-dates for the Deprecation / Sunset fields, or NULL */
	const char *sunset;
};

/*
 * What the simulator serves. Versions and their sunsets are those of
 * /work/shared/atlas-api/subset.json (checked by tests/sim/tests/spec.sh);
 * the 2023-01-01 project-users version is deprecated since 2025-02-19 took
 * over and sunsets 2027-07-01 (x-sunset).
 */
static const struct route {
	const char *method, *tmpl;
	enum op op;
	struct version versions[3]; /* none: not versioned (v1.0, OAuth) */
} routes[] = {
	{"DELETE", "/api/atlas/v1.0/groups/{groupId}/users/{userId}", OP_PU_V1, {{NULL, NULL, NULL}}},
	{"DELETE",
	 "/api/atlas/v2/groups/{groupId}/users/{userId}",
	 OP_PU_V2,
	 {{"2023-01-01", "Wed, 19 Feb 2025 00:00:00 GMT", "Thu, 01 Jul 2027 00:00:00 GMT"},
	  {"2025-02-19", NULL, NULL}}},
	{"DELETE",
	 "/api/atlas/v2/groups/{groupId}/databaseUsers/{databaseName}/{username}",
	 OP_DB,
	 {{"2023-01-01", NULL, NULL}}},
	{"GET", "/api/atlas/v2/rateLimits", OP_RL_LIST, {{"2025-03-12", NULL, NULL}}},
	{"GET", "/api/atlas/v2/rateLimits/{endpointSetId}", OP_RL_ONE, {{"2025-03-12", NULL, NULL}}},
	{"POST", "/api/oauth/token", OP_TOKEN, {{NULL, NULL, NULL}}},
	{"POST", "/api/oauth/revoke", OP_REVOKE, {{NULL, NULL, NULL}}},
};
/* What --deprecation announces: deprecated since 2026-01-01, gone 2027-01-01. */
#define SIM_DEPRECATION "@1767225600"
#define SIM_SUNSET "Fri, 01 Jan 2027 00:00:00 GMT"

#define N_ROUTES (sizeof routes / sizeof routes[0])
#define MAX_SEGS 16

void sim_api_list_routes(FILE *out)
{
	for (size_t i = 0; i < N_ROUTES; i++) {
		const struct route *rt = &routes[i];
		if (!rt->versions[0].date) {
			fprintf(out, "%s %s %s\n", rt->method, rt->tmpl,
				rt->op == OP_PU_V1 ? "application/json" : "-");
			continue;
		}
		for (int v = 0; v < 3 && rt->versions[v].date; v++)
			fprintf(out, "%s %s application/vnd.atlas.%s+json\n", rt->method, rt->tmpl,
				rt->versions[v].date);
	}
}

/* One request being answered. */
struct call {
	struct MHD_Connection *c;
	const struct sim_config *cfg;
	struct sim_req *rq;
	const char *method, *url;
	const struct route *rt;
	char *cap[4]; /* decoded path parameters */
	int ncap;
	const struct version *ver;
	struct sim_reply r;
	double now;
	bool rl; /* a rate-limited path with a valid group id */
	enum sim_set set;
	bool took;
	struct sim_take take;
};

/* Split the raw path on '/' into segments (pointers into buf). */
static int split(const char *path, char *buf, size_t cap, char **seg)
{
	size_t len = strlen(path);
	if (len + 1 > cap || path[0] != '/')
		return -1;
	memcpy(buf, path + 1, len);
	int n = 0;
	char *p = buf;
	for (;;) {
		if (n == MAX_SEGS)
			return -1;
		seg[n++] = p;
		char *slash = strchr(p, '/');
		if (!slash)
			break;
		*slash = '\0';
		p = slash + 1;
	}
	return n;
}

/* Match the raw url against rt; raw captures go to raw[]. */
static bool match(const struct route *rt, char **useg, int nu, char **raw, int *nraw)
{
	char tbuf[256], *tseg[MAX_SEGS];
	int nt = split(rt->tmpl, tbuf, sizeof tbuf, tseg);
	if (nt != nu)
		return false;
	*nraw = 0;
	for (int i = 0; i < nt; i++) {
		if (tseg[i][0] == '{') {
			if (!*useg[i])
				return false;
			raw[(*nraw)++] = useg[i];
		} else if (strcmp(tseg[i], useg[i]) != 0)
			return false;
	}
	return true;
}

/* Case-insensitive strstr (strcasestr is a GNU extension). */
static const char *find_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return hay;
	return NULL;
}

static const char *hdr(struct call *k, const char *name)
{
	return MHD_lookup_connection_value(k->c, MHD_HEADER_KIND, name);
}

static bool query_true(struct call *k, const char *name)
{
	const char *v = MHD_lookup_connection_value(k->c, MHD_GET_ARGUMENT_KIND, name);
	return v && strcasecmp(v, "true") == 0;
}

/* Add the rate-limit fields for the bucket of this call, in the chosen style. */
static void add_rate_headers(struct call *k)
{
	if (!k->rl || k->cfg->headers == SIM_HDR_NONE)
		return;
	if (!k->took) {
		bool over;
		k->take = sim_bucket_peek(k->cfg, k->cap[0], k->set, k->now, &over);
	}
	const struct sim_take *t = &k->take;
	int h = k->cfg->headers;
	if (h == SIM_HDR_STANDARD || h == SIM_HDR_LOWER || h == SIM_HDR_BOTH) {
		sim_reply_header(&k->r, "RateLimit-Limit", "%ld", t->limit);
		sim_reply_header(&k->r, "RateLimit-Remaining", "%ld", t->remaining);
	}
	if (h == SIM_HDR_NEW || h == SIM_HDR_BOTH) {
		long window = (long)ceil((double)t->limit * 60.0 / (double)t->refill);
		sim_reply_header(&k->r, "RateLimit", "limit=%ld, remaining=%ld, reset=%ld", t->limit, t->remaining,
				 t->reset);
		sim_reply_header(&k->r, "RateLimit-Policy", "\"%s\";q=%ld;w=%ld", sim_set_id(k->set), t->limit,
				 window);
	}
}

static enum MHD_Result answer(struct call *k)
{
	add_rate_headers(k);
	if (k->ver && k->ver->deprecation) {
		sim_reply_header(&k->r, "Deprecation", "%s", k->ver->deprecation);
		sim_reply_header(&k->r, "Sunset", "%s", k->ver->sunset);
	} else if (k->cfg->deprecation && k->rt &&
		   (k->rt->op == OP_PU_V1 || k->rt->op == OP_PU_V2 || k->rt->op == OP_DB)) {
		/* --deprecation: RFC 9745 form (a structured-field date) and an RFC 8594 Sunset */
		sim_reply_header(&k->r, "Deprecation", "%s", SIM_DEPRECATION);
		sim_reply_header(&k->r, "Sunset", "%s", SIM_SUNSET);
	}
	return sim_reply_send(k->c, &k->r, k->cfg->headers == SIM_HDR_LOWER);
}

static enum MHD_Result unauthorized(struct call *k, enum sim_auth_result ar)
{
	if (ar != SIM_AUTH_BAD_TOKEN && (k->cfg->auth & SIM_AUTH_DIGEST)) {
		char nonce[33];
		sim_auth_new_nonce(nonce, k->now);
		sim_reply_header(&k->r, "WWW-Authenticate",
				 "Digest realm=\"" SIM_REALM "\", domain=\"\", nonce=\"%s\", algorithm=MD5, "
				 "qop=\"auth\", stale=%s",
				 nonce, ar == SIM_AUTH_STALE ? "true" : "false");
		sim_stats_inc(SC_CHALLENGES);
		if (ar == SIM_AUTH_STALE)
			sim_stats_inc(SC_STALE_CHALLENGES);
	} else {
		sim_reply_header(&k->r, "WWW-Authenticate", "Bearer realm=\"" SIM_REALM "\"%s",
				 ar == SIM_AUTH_BAD_TOKEN ? ", error=\"invalid_token\"" : "");
	}
	k->ver = NULL; /* not known yet: plain application/json */
	k->r.ctype[0] = '\0';
	sim_reply_error(&k->r, 401, "UNAUTHORIZED", NULL, "%s",
			ar == SIM_AUTH_BAD_TOKEN ? "Invalid, expired or revoked access token."
						 : "You are not authorized for this resource.");
	return answer(k);
}

/*
 * The media type of the Accept header: 0 and version set, or an answer
 * already built (406/410) and -1.
 */
static int check_accept(struct call *k)
{
	const char *accept = hdr(k, MHD_HTTP_HEADER_ACCEPT);
	const char *vnd = accept ? find_ci(accept, "application/vnd.atlas.") : NULL;
	if (!k->rt->versions[0].date) { /* v1.0: plain JSON */
		if (!vnd)
			return 0;
		sim_reply_error(&k->r, 406, "INVALID_VERSION_DATE", NULL,
				"Versioned media type '%s' is not served by the v1.0 API; use application/json.",
				accept);
		return -1;
	}
	char date[32] = "";
	if (vnd) {
		const char *v = vnd + strlen("application/vnd.atlas.");
		const char *plus = strstr(v, "+json");
		if (plus && (size_t)(plus - v) < sizeof date)
			snprintf(date, sizeof date, "%.*s", (int)(plus - v), v);
	}
	char list[64] = "";
	for (int i = 0; i < 3 && k->rt->versions[i].date; i++)
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
			 k->rt->versions[i].date);
	if (*date && sim_config_is_gone(k->cfg, date)) {
		cJSON *p = cJSON_CreateArray();
		cJSON_AddItemToArray(p, cJSON_CreateString(date));
		sim_reply_error(&k->r, 410, "VERSION_GONE", p,
				"The requested API version %s has been removed (sunset date in the past).", date);
		return -1;
	}
	for (int i = 0; i < 3 && k->rt->versions[i].date; i++)
		if (strcmp(date, k->rt->versions[i].date) == 0) {
			k->ver = &k->rt->versions[i];
			snprintf(k->r.ctype, sizeof k->r.ctype, "application/vnd.atlas.%s+json", date);
			return 0;
		}
	cJSON *p = cJSON_CreateArray();
	cJSON_AddItemToArray(p, cJSON_CreateString(*date ? date : (accept ? accept : "")));
	sim_reply_error(&k->r, 406, "INVALID_VERSION_DATE", p,
			"Invalid Accept header '%s': use application/vnd.atlas.YYYY-MM-DD+json with a version of "
			"this resource (%s).",
			accept ? accept : "", list);
	return -1;
}

static void json_none(struct call *k, unsigned status)
{
	/* 204: no body, no type, unless enveloped. */
	if (k->r.envelope)
		sim_reply_json(&k->r, status, NULL);
	else {
		k->r.status = status;
		k->r.ctype[0] = '\0';
	}
}

static enum MHD_Result rate_limited(struct call *k)
{
	const struct sim_take *t = &k->take;
	long ra = t->retry_after;
	double until = k->now + (double)ra;
	if (k->cfg->retry_after_date) {
		double wall = sim_wall();
		double date = floor(wall) + (double)ra + 1.0;
		char d[30];
		sim_http_date(date, d);
		sim_reply_header(&k->r, "Retry-After", "%s", d);
		until = k->now + (date - wall);
	} else
		sim_reply_header(&k->r, "Retry-After", "%ld", ra);
	sim_bucket_retry_until(k->cap[0], k->set, until);
	sim_stats_inc(SC_RATE_LIMITED);
	const char *ep = k->rt->tmpl + 1;
	cJSON *p = cJSON_CreateArray();
	cJSON_AddItemToArray(p, cJSON_CreateString(ep));
	cJSON_AddItemToArray(p, cJSON_CreateNumber((double)ra));
	cJSON_AddItemToArray(p, cJSON_CreateNumber((double)t->limit));
	cJSON_AddItemToArray(p, cJSON_CreateNumber((double)t->refill));
	cJSON_AddItemToArray(p, cJSON_CreateNumber((double)t->refill_seconds));
	sim_reply_error(&k->r, 429, "RATE_LIMITED_TOKEN_BUCKET", p,
			"Rate limit exceeded for %s. Please retry after %ld seconds. Request capacity: %ld. Refill "
			"rate: %ld per %ld seconds.",
			ep, ra, t->limit, t->refill, t->refill_seconds);
	return answer(k);
}

static enum MHD_Result fault_503(struct call *k)
{
	static const char html[] = "<html><head><title>503 Service Unavailable</title></head>"
				   "<body><h1>503 Service Unavailable</h1>"
				   "<p>The server is temporarily unable to service your request.</p></body></html>\n";
	k->r.status = 503;
	k->r.body = sim_xstrdup(html);
	k->r.len = strlen(html);
	snprintf(k->r.ctype, sizeof k->r.ctype, "text/html; charset=utf-8");
	int ra = k->cfg->fault_503_retry_after;
	if (ra > 0) {
		sim_reply_header(&k->r, "Retry-After", "%d", ra);
		sim_bucket_retry_until(k->cap[0], k->set, k->now + ra);
	}
	return answer(k);
}

static enum MHD_Result do_delete(struct call *k)
{
	const char *g = k->cap[0];
	if (!sim_is_object_id(g)) {
		cJSON *p = cJSON_CreateArray();
		cJSON_AddItemToArray(p, cJSON_CreateString(g));
		sim_reply_error(&k->r, 404, "INVALID_GROUP_ID", p, "An invalid group ID %s was specified.", g);
		return answer(k);
	}
	if (k->rt->op != OP_DB && !sim_is_object_id(k->cap[1])) {
		cJSON *p = cJSON_CreateArray();
		cJSON_AddItemToArray(p, cJSON_CreateString(k->cap[1]));
		sim_reply_error(&k->r, 400, "INVALID_USER_ID", p, "An invalid user ID %s was specified.", k->cap[1]);
		return answer(k);
	}
	k->take = sim_bucket_take(k->cfg, g, k->set, k->now);
	k->took = true;
	if (!k->take.allowed)
		return rate_limited(k);

	enum sim_fault f = k->rq->draw.fault;
	if (f != SIM_FAULT_NONE)
		sim_stats_inc(SC_FAULTS);
	if (f == SIM_FAULT_RESET)
		return MHD_NO; /* libmicrohttpd closes the connection without an answer */
	if (f == SIM_FAULT_503)
		return fault_503(k);
	if (f == SIM_FAULT_500) {
		sim_reply_error(&k->r, 500, "UNEXPECTED_ERROR", NULL, "Unexpected error.");
		return answer(k);
	}

	enum sim_remove_result res = k->rt->op == OP_DB ? sim_store_remove_dbuser(g, k->cap[1], k->cap[2])
							: sim_store_remove_user(g, k->cap[1]);
	if (res == SIM_REMOVED)
		sim_stats_inc(SC_DELETIONS);
	if (f == SIM_FAULT_APPLIED_500) {
		sim_reply_error(&k->r, 500, "UNEXPECTED_ERROR", NULL, "Unexpected error.");
		return answer(k);
	}
	cJSON *p = cJSON_CreateArray();
	switch (res) {
	case SIM_REMOVED:
		cJSON_Delete(p);
		json_none(k, 204);
		break;
	case SIM_NO_GROUP:
		cJSON_AddItemToArray(p, cJSON_CreateString(g));
		sim_reply_error(&k->r, 404, "GROUP_NOT_FOUND", p, "No group with ID %s exists.", g);
		break;
	case SIM_INACCESSIBLE:
		cJSON_AddItemToArray(p, cJSON_CreateString(g));
		sim_reply_error(&k->r, 401, "NOT_IN_GROUP", p, "Current user is not in the group %s.", g);
		break;
	case SIM_NOT_MEMBER:
		if (k->rt->op == OP_DB) {
			cJSON_AddItemToArray(p, cJSON_CreateString(k->cap[2]));
			sim_reply_error(&k->r, 404, "USER_NOT_FOUND", p, "No user with username %s exists.",
					k->cap[2]);
		} else {
			cJSON_AddItemToArray(p, cJSON_CreateString(k->cap[1]));
			cJSON_AddItemToArray(p, cJSON_CreateString(g));
			sim_reply_error(&k->r, 404, "USER_NOT_IN_GROUP", p, "User %s is not in group %s.",
					k->cap[1], g);
		}
		break;
	case SIM_LAST_OWNER:
		cJSON_AddItemToArray(p, cJSON_CreateString(k->cap[1]));
		cJSON_AddItemToArray(p, cJSON_CreateString(g));
		sim_reply_error(&k->r, 400, "CANNOT_REMOVE_LAST_OWNER", p,
				"User %s is the last owner of group %s and cannot be removed.", k->cap[1], g);
		break;
	}
	return answer(k);
}

/* Collect the decoded values of one query parameter (it may repeat). */
struct qvals {
	const char *key;
	char *v[16];
	int n;
};

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct qvals *q = cls;
	if (value && strcmp(key, q->key) == 0 && q->n < 16) {
		char *d = sim_pct_decode(value, strlen(value), 1, NULL);
		if (d)
			q->v[q->n++] = d;
	}
	return MHD_YES;
}

static void qvals_release(struct qvals *q)
{
	for (int i = 0; i < q->n; i++)
		free(q->v[i]);
}

static enum MHD_Result do_ratelimits(struct call *k)
{
	if (k->cfg->ratelimits_forbidden) {
		sim_reply_error(&k->r, 403, "USER_UNAUTHORIZED", NULL,
				"The current user is not authorized to perform this action.");
		return answer(k);
	}
	const char *g = MHD_lookup_connection_value(k->c, MHD_GET_ARGUMENT_KIND, "groupId");
	if (g && !sim_is_object_id(g)) {
		cJSON *p = cJSON_CreateArray();
		cJSON_AddItemToArray(p, cJSON_CreateString(g));
		sim_reply_error(&k->r, 400, "INVALID_GROUP_ID", p, "An invalid group ID %s was specified.", g);
		return answer(k);
	}
	if (k->rt->op == OP_RL_ONE) {
		cJSON *one = sim_ratelimits_one(k->cfg, k->cap[0], g, k->now);
		if (!one) {
			cJSON *p = cJSON_CreateArray();
			cJSON_AddItemToArray(p, cJSON_CreateString(k->cap[0]));
			sim_reply_error(&k->r, 404, "RESOURCE_NOT_FOUND", p, "Cannot find resource %s.", k->cap[0]);
		} else
			sim_reply_json(&k->r, 200, one);
		return answer(k);
	}
	struct qvals paths = {.key = "endpointPath"}, names = {.key = "name"};
	MHD_get_connection_values(k->c, MHD_GET_ARGUMENT_KIND, collect, &paths);
	MHD_get_connection_values(k->c, MHD_GET_ARGUMENT_KIND, collect, &names);
	cJSON *list = sim_ratelimits_list(k->cfg, g, (const char *const *)paths.v, paths.n,
					  (const char *const *)names.v, names.n, k->now);
	qvals_release(&paths);
	qvals_release(&names);
	sim_reply_json(&k->r, 200, list);
	return answer(k);
}

/* The value of key in an application/x-www-form-urlencoded body (caller frees). */
static char *form_value(const char *body, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = body; p && *p;) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		if (len > kl && strncmp(p, key, kl) == 0 && p[kl] == '=')
			return sim_pct_decode(p + kl + 1, len - kl - 1, 1, NULL);
		p = amp ? amp + 1 : NULL;
	}
	return NULL;
}

static enum MHD_Result oauth_error(struct call *k, unsigned status, const char *err, const char *desc)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "error", err);
	cJSON_AddStringToObject(o, "error_description", desc);
	if (status == 401)
		sim_reply_header(&k->r, "WWW-Authenticate", "Basic realm=\"" SIM_REALM "\"");
	sim_reply_json(&k->r, status, o);
	return answer(k);
}

static enum MHD_Result do_oauth(struct call *k)
{
	const char *body = k->rq->body ? k->rq->body : "";
	if (k->rt->op == OP_TOKEN)
		sim_stats_inc(SC_TOKEN_REQUESTS);
	if (!(k->cfg->auth & SIM_AUTH_BEARER) || !sim_auth_check_basic(k->cfg, hdr(k, MHD_HTTP_HEADER_AUTHORIZATION)))
		return oauth_error(k, 401, "invalid_client", "Client authentication failed.");
	if (k->rt->op == OP_TOKEN) {
		char *grant = form_value(body, "grant_type");
		bool ok = grant && strcmp(grant, "client_credentials") == 0;
		free(grant);
		if (!ok)
			return oauth_error(k, 400, "unsupported_grant_type", "Use grant_type=client_credentials.");
		char tok[64];
		sim_auth_issue_token(k->cfg, k->now, tok);
		sim_stats_inc(SC_TOKENS_ISSUED);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "access_token", tok);
		cJSON_AddNumberToObject(o, "expires_in", k->cfg->token_seconds);
		cJSON_AddStringToObject(o, "token_type", "Bearer");
		sim_reply_header(&k->r, "Cache-Control", "no-store");
		sim_reply_json(&k->r, 200, o);
		return answer(k);
	}
	char *tok = form_value(body, "token");
	if (!tok || !*tok) {
		free(tok);
		return oauth_error(k, 400, "invalid_request", "The token parameter is required.");
	}
	if (sim_auth_revoke(tok, k->now))
		sim_stats_inc(SC_TOKENS_REVOKED);
	free(tok);
	k->r.status = 200; /* RFC 7009: 200 whether or not the token was known */
	return answer(k);
}

static enum MHD_Result route_and_answer(struct call *k)
{
	char ubuf[8192], *useg[MAX_SEGS], *raw[4];
	int nu = split(k->url, ubuf, sizeof ubuf, useg), nraw = 0;
	const struct route *path_match = NULL;
	for (size_t i = 0; nu > 0 && i < N_ROUTES; i++) {
		if (!match(&routes[i], useg, nu, raw, &nraw))
			continue;
		path_match = &routes[i];
		if (strcmp(routes[i].method, k->method) == 0) {
			k->rt = &routes[i];
			break;
		}
	}
	if (!k->rt) {
		if (path_match) {
			sim_reply_header(&k->r, "Allow", "%s", path_match->method);
			sim_reply_error(&k->r, 405, "METHOD_NOT_ALLOWED", NULL, "Method %s is not allowed here.",
					k->method);
		} else
			sim_reply_error(&k->r, 404, "RESOURCE_NOT_FOUND", NULL, "Cannot find resource %s.", k->url);
		return answer(k);
	}
	for (int i = 0; i < nraw; i++) {
		k->cap[i] = sim_pct_decode(raw[i], strlen(raw[i]), 0, NULL);
		if (!k->cap[i]) {
			sim_reply_error(&k->r, 400, "INVALID_PATH_PARAMETER", NULL,
					"Path segment '%s' is not valid percent-encoding.", raw[i]);
			return answer(k);
		}
		k->ncap++;
	}
	enum op op = k->rt->op;
	if (op == OP_TOKEN || op == OP_REVOKE)
		return do_oauth(k);
	if (op == OP_RL_LIST || op == OP_RL_ONE)
		sim_stats_inc(SC_RATE_LIMIT_QUERIES);
	if (op == OP_PU_V1 || op == OP_PU_V2 || op == OP_DB) {
		k->set = op == OP_DB ? SIM_SET_DB : SIM_SET_PU;
		k->rl = sim_is_object_id(k->cap[0]);
		if (k->rl && sim_bucket_in_retry(k->cap[0], k->set, k->now))
			sim_stats_inc(SC_RETRY_AFTER_VIOLATIONS);
	}
	enum sim_auth_result ar =
		sim_auth_check(k->cfg, hdr(k, MHD_HTTP_HEADER_AUTHORIZATION), k->method, k->url, k->now);
	if (ar != SIM_AUTH_OK)
		return unauthorized(k, ar);
	if (k->cfg->ip_access_list_block) {
		cJSON *p = cJSON_CreateArray();
		cJSON_AddItemToArray(p, cJSON_CreateString("127.0.0.1"));
		sim_reply_error(&k->r, 403, "IP_ADDRESS_NOT_ON_ACCESS_LIST", p,
				"IP address 127.0.0.1 is not allowed to access this resource.");
		return answer(k);
	}
	if (check_accept(k) < 0)
		return answer(k);
	if (op == OP_RL_LIST || op == OP_RL_ONE)
		return do_ratelimits(k);
	return do_delete(k);
}

enum MHD_Result sim_api_handle(struct MHD_Connection *c, struct sim_req *rq, const char *url, const char *method)
{
	struct call k = {.c = c, .rq = rq, .method = method, .url = url};
	k.cfg = sim_config_current();
	k.now = sim_now();
	k.r.envelope = query_true(&k, "envelope");
	k.r.pretty = query_true(&k, "pretty");
	enum MHD_Result ret;
	if (rq->too_big) {
		sim_reply_error(&k.r, 413, "PAYLOAD_TOO_LARGE", NULL, "The request body is too large.");
		ret = answer(&k);
	} else
		ret = route_and_answer(&k);
	for (int i = 0; i < k.ncap; i++)
		free(k.cap[i]);
	free(k.r.body);
	return ret;
}
