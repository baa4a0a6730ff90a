#include "sim_config.h"

#include "sim_util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum opt_type { T_INT, T_LONG, T_PROB, T_BOOL, T_STR, T_AUTH, T_HEADERS, T_GONE };

struct opt {
	const char *name;
	enum opt_type type;
	size_t off;
	bool runtime; /* may be changed by POST /_sim/config */
	long min, max;
	const char *help;
};

#define OFF(f) offsetof(struct sim_config, f)

static const struct opt opts[] = {
	{"seed", T_STR, OFF(seed), false, 0, 0, "FILE  users to serve (JSON, see README); required"},
	{"port", T_INT, OFF(port), false, 0, 65535, "N  port on 127.0.0.1 (0: any; printed as 'PORT n')"},
	{"state-out", T_STR, OFF(state_out), false, 0, 0, "FILE  write the final state there at exit"},
	{"max-seconds", T_INT, OFF(max_seconds), false, 1, 86400, "N  exit by itself after N seconds (600)"},
	{"threads", T_INT, OFF(threads), false, 0, 64, "N  HTTP worker threads (0: one per CPU)"},
	{"public-key", T_STR, OFF(public_key), false, 0, 0, "K  digest user (sim-public-key)"},
	{"private-key", T_STR, OFF(private_key), false, 0, 0, "S  digest password (sim-private-key-0123456789)"},
	{"client-id", T_STR, OFF(client_id), false, 0, 0, "I  service account id (mdb_sa_id_sim)"},
	{"client-secret", T_STR, OFF(client_secret), false, 0, 0, "S  service account secret (mdb_sa_sk_sim-secret-0123456789)"},
	{"tls-cert", T_STR, OFF(tls_cert), false, 0, 0, "FILE  PEM certificate (chain): serve HTTPS (with --tls-key)"},
	{"tls-key", T_STR, OFF(tls_key), false, 0, 0, "FILE  PEM private key of --tls-cert"},
	{"list-routes", T_BOOL, OFF(list_routes), false, 0, 0, "  print the served operations and media types, exit"},
	{"auth", T_AUTH, OFF(auth), true, 0, 0, "digest|bearer|both  accepted schemes (both)"},
	{"nonce-seconds", T_INT, OFF(nonce_seconds), true, 1, 86400, "N  digest nonce lifetime (300)"},
	{"nonce-single-use", T_BOOL, OFF(nonce_single_use), true, 0, 0, "  a nonce is good for one request"},
	{"token-seconds", T_INT, OFF(token_seconds), true, 1, 86400, "N  bearer token lifetime (3600)"},
	{"gone-version", T_GONE, 0, true, 0, 0, "YYYY-MM-DD  answer that version with 410 (repeatable)"},
	{"pu-capacity", T_LONG, OFF(pu_capacity), true, 1, 100000000, "N  project-users bucket capacity (1200)"},
	{"pu-refill-per-min", T_LONG, OFF(pu_refill_per_min), true, 1, 100000000, "N  project-users refill (500)"},
	{"db-capacity", T_LONG, OFF(db_capacity), true, 1, 100000000, "N  database-users bucket capacity (10000)"},
	{"db-refill-per-min", T_LONG, OFF(db_refill_per_min), true, 1, 100000000, "N  database-users refill (5000)"},
	{"headers", T_HEADERS, OFF(headers), true, 0, 0, "standard|lower|new|both|none  rate-limit fields (standard)"},
	{"retry-after-date", T_BOOL, OFF(retry_after_date), true, 0, 0, "  Retry-After as an HTTP-date"},
	{"ratelimits-forbidden", T_BOOL, OFF(ratelimits_forbidden), true, 0, 0, "  GET rateLimits answers 403"},
	{"ip-access-list-block", T_BOOL, OFF(ip_access_list_block), true, 0, 0, "  every API call answers 403"},
	{"fault-seed", T_LONG, OFF(fault_seed), true, 0, 0x7fffffffL, "N  seed of the fault draws (1)"},
	{"fault-500", T_PROB, OFF(fault_500), true, 0, 0, "P  answer 500"},
	{"fault-503", T_PROB, OFF(fault_503), true, 0, 0, "P  answer 503 with an HTML body"},
	{"fault-503-retry-after", T_INT, OFF(fault_503_retry_after), true, 0, 3600, "S  Retry-After on those 503s (0: none)"},
	{"fault-reset", T_PROB, OFF(fault_reset), true, 0, 0, "P  close the connection without an answer"},
	{"fault-applied-500", T_PROB, OFF(fault_applied_500), true, 0, 0, "P  remove the user, then answer 500"},
	{"latency-ms", T_INT, OFF(latency_ms), true, 0, 600000, "N  delay every API answer (0)"},
	{"latency-jitter-ms", T_INT, OFF(latency_jitter_ms), true, 0, 600000, "N  plus 0..N ms more (0)"},
	{"deprecation", T_BOOL, OFF(deprecation), true, 0, 0, "  Deprecation and Sunset on every job-endpoint answer"},
};

#define N_OPTS (sizeof opts / sizeof opts[0])

void sim_config_defaults(struct sim_config *c)
{
	memset(c, 0, sizeof *c);
	c->max_seconds = 600;
	c->public_key = "sim-public-key";
	c->private_key = "sim-private-key-0123456789";
	c->client_id = "mdb_sa_id_sim";
	c->client_secret = "mdb_sa_sk_sim-secret-0123456789";
	c->auth = SIM_AUTH_BOTH;
	c->nonce_seconds = 300;
	c->token_seconds = 3600;
	c->pu_capacity = 1200;
	c->pu_refill_per_min = 500;
	c->db_capacity = 10000;
	c->db_refill_per_min = 5000;
	c->headers = SIM_HDR_STANDARD;
	c->fault_seed = 1;
}

static const struct opt *find_opt(const char *name)
{
	for (size_t i = 0; i < N_OPTS; i++)
		if (strcmp(opts[i].name, name) == 0)
			return &opts[i];
	return NULL;
}

static int valid_date(const char *s)
{
	static const char pat[] = "dddd-dd-dd";
	if (strlen(s) != 10)
		return 0;
	for (int i = 0; i < 10; i++)
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-')
			return 0;
	return 1;
}

/* Set one option from its text form. clear_gone: a JSON value replaces the list. */
static int set_opt(struct sim_config *c, const struct opt *o, const char *val, char *err, size_t errlen)
{
	char *p = (char *)c + o->off;
	char *end = NULL;
	errno = 0;
	switch (o->type) {
	case T_INT:
	case T_LONG: {
		long v = strtol(val, &end, 10);
		if (errno || end == val || *end || v < o->min || v > o->max) {
			snprintf(err, errlen, "option '%s': '%s' is not an integer in %ld..%ld", o->name, val, o->min,
				 o->max);
			return -1;
		}
		if (o->type == T_INT)
			*(int *)p = (int)v;
		else
			*(long *)p = v;
		return 0;
	}
	case T_PROB: {
		double v = strtod(val, &end);
		if (errno || end == val || *end || !(v >= 0.0 && v <= 1.0)) {
			snprintf(err, errlen, "option '%s': '%s' is not a probability in [0,1]", o->name, val);
			return -1;
		}
		*(double *)p = v;
		return 0;
	}
	case T_BOOL:
		if (strcmp(val, "true") == 0 || strcmp(val, "1") == 0)
			*(bool *)p = true;
		else if (strcmp(val, "false") == 0 || strcmp(val, "0") == 0)
			*(bool *)p = false;
		else {
			snprintf(err, errlen, "option '%s': '%s' is not true or false", o->name, val);
			return -1;
		}
		return 0;
	case T_STR:
		*(const char **)p = val;
		return 0;
	case T_AUTH:
		if (strcmp(val, "digest") == 0)
			*(int *)p = SIM_AUTH_DIGEST;
		else if (strcmp(val, "bearer") == 0)
			*(int *)p = SIM_AUTH_BEARER;
		else if (strcmp(val, "both") == 0)
			*(int *)p = SIM_AUTH_BOTH;
		else {
			snprintf(err, errlen, "option 'auth': '%s' is not digest, bearer or both", val);
			return -1;
		}
		return 0;
	case T_HEADERS: {
		static const char *names[] = {"standard", "lower", "new", "both", "none"};
		for (int i = 0; i < 5; i++)
			if (strcmp(val, names[i]) == 0) {
				*(int *)p = i;
				return 0;
			}
		snprintf(err, errlen, "option 'headers': '%s' is not standard, lower, new, both or none", val);
		return -1;
	}
	case T_GONE:
		if (!valid_date(val)) {
			snprintf(err, errlen, "option 'gone-version': '%s' is not YYYY-MM-DD", val);
			return -1;
		}
		if (c->n_gone == SIM_MAX_GONE) {
			snprintf(err, errlen, "option 'gone-version': at most %d versions", SIM_MAX_GONE);
			return -1;
		}
		snprintf(c->gone[c->n_gone++], sizeof c->gone[0], "%s", val);
		return 0;
	}
	return -1;
}

void sim_config_usage(void)
{
	printf("usage: atlas-sim --seed FILE [options]\n\nA MongoDB Atlas API simulator for tests "
	       "(listens on 127.0.0.1 only).\n\n");
	for (size_t i = 0; i < N_OPTS; i++)
		printf("  --%-22s %s%s\n", opts[i].name, opts[i].help, opts[i].runtime ? "" : " [startup only]");
	printf("  --%-22s %s\n", "help", "  this text");
}

int sim_config_parse_argv(struct sim_config *c, int argc, char **argv, char *err, size_t errlen)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			sim_config_usage();
			return 1;
		}
		if (strncmp(a, "--", 2) != 0) {
			snprintf(err, errlen, "unexpected argument '%s'", a);
			return -1;
		}
		const char *name = a + 2;
		const char *eq = strchr(name, '=');
		char namebuf[64];
		const char *val = NULL;
		if (eq) {
			snprintf(namebuf, sizeof namebuf, "%.*s", (int)(eq - name), name);
			name = namebuf;
			val = eq + 1;
		}
		const struct opt *o = find_opt(name);
		if (!o) {
			snprintf(err, errlen, "unknown option '--%s'", name);
			return -1;
		}
		if (!val) {
			if (o->type == T_BOOL)
				val = "true";
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				snprintf(err, errlen, "option '--%s' needs a value", name);
				return -1;
			}
		}
		if (set_opt(c, o, val, err, errlen) < 0)
			return -1;
	}
	if (!c->tls_cert != !c->tls_key) {
		snprintf(err, errlen, "--tls-cert and --tls-key go together");
		return -1;
	}
	if (!c->seed && !c->list_routes) {
		snprintf(err, errlen, "--seed FILE is required");
		return -1;
	}
	return 0;
}

int sim_config_apply_json(struct sim_config *c, const cJSON *obj, char *err, size_t errlen)
{
	if (!cJSON_IsObject(obj)) {
		snprintf(err, errlen, "the body must be a JSON object");
		return -1;
	}
	for (const cJSON *it = obj->child; it; it = it->next) {
		const struct opt *o = find_opt(it->string ? it->string : "");
		if (!o) {
			snprintf(err, errlen, "unknown option '%s'", it->string ? it->string : "");
			return -1;
		}
		if (!o->runtime) {
			snprintf(err, errlen, "option '%s' cannot be changed at run time", o->name);
			return -1;
		}
		if (o->type == T_GONE) {
			c->n_gone = 0;
			if (cJSON_IsString(it)) {
				if (set_opt(c, o, it->valuestring, err, errlen) < 0)
					return -1;
				continue;
			}
			if (!cJSON_IsArray(it)) {
				snprintf(err, errlen, "option 'gone-version': expected a string or an array");
				return -1;
			}
			for (const cJSON *d = it->child; d; d = d->next)
				if (!cJSON_IsString(d) || set_opt(c, o, d->valuestring, err, errlen) < 0) {
					if (!cJSON_IsString(d))
						snprintf(err, errlen, "option 'gone-version': expected strings");
					return -1;
				}
			continue;
		}
		char buf[64];
		const char *val;
		if (cJSON_IsBool(it))
			val = cJSON_IsTrue(it) ? "true" : "false";
		else if (cJSON_IsNumber(it)) {
			if (o->type == T_PROB)
				snprintf(buf, sizeof buf, "%.17g", it->valuedouble);
			else if (it->valuedouble != (double)(long)it->valuedouble) {
				snprintf(err, errlen, "option '%s': expected an integer", o->name);
				return -1;
			} else
				snprintf(buf, sizeof buf, "%ld", (long)it->valuedouble);
			val = buf;
		} else if (cJSON_IsString(it) && o->type != T_STR)
			val = it->valuestring;
		else {
			snprintf(err, errlen, "option '%s': unexpected JSON type", o->name);
			return -1;
		}
		if (set_opt(c, o, val, err, errlen) < 0)
			return -1;
	}
	return 0;
}

bool sim_config_is_gone(const struct sim_config *c, const char *version)
{
	for (int i = 0; i < c->n_gone; i++)
		if (strcmp(c->gone[i], version) == 0)
			return true;
	return false;
}

/* Published copies: the newest first; all freed at shutdown. */
struct published {
	struct sim_config cfg;
	struct published *older;
};

static _Atomic(struct published *) current;
static pthread_mutex_t writer = PTHREAD_MUTEX_INITIALIZER;

const struct sim_config *sim_config_current(void)
{
	return &atomic_load_explicit(&current, memory_order_acquire)->cfg;
}

void sim_config_publish(const struct sim_config *c)
{
	struct published *p = sim_xmalloc(sizeof *p);
	p->cfg = *c;
	p->older = atomic_load(&current);
	atomic_store_explicit(&current, p, memory_order_release);
}

void sim_config_lock(void)
{
	pthread_mutex_lock(&writer);
}

void sim_config_unlock(void)
{
	pthread_mutex_unlock(&writer);
}

void sim_config_release(void)
{
	struct published *p = atomic_exchange(&current, NULL);
	while (p) {
		struct published *older = p->older;
		free(p);
		p = older;
	}
}
