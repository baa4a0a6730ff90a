/*
 * sim_config.h - the simulator's options: one table for the command line and
 * for POST /_sim/config (same names, without the leading dashes).
 *
 * A struct sim_config is immutable once published: a run-time change copies
 * the current one, applies the JSON object, and publishes the copy
 * (sim_config_current() is an atomic load, so request threads never lock).
 * Old copies are kept until sim_config_release() at shutdown. String options
 * (keys, file names) point into argv or to literals and are startup-only.
 */
#ifndef SIM_CONFIG_H
#define SIM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cJSON;

enum sim_auth_mode { SIM_AUTH_DIGEST = 1, SIM_AUTH_BEARER = 2, SIM_AUTH_BOTH = 3 };

/* How rate-limit fields are written (see README "Rate-limit header variants"). */
enum sim_headers {
	SIM_HDR_STANDARD, /* RateLimit-Limit, RateLimit-Remaining */
	SIM_HDR_LOWER,    /* the same and every header of ours in lowercase (HTTP/2 style) */
	SIM_HDR_NEW,      /* only RateLimit and RateLimit-Policy */
	SIM_HDR_BOTH,     /* standard and new */
	SIM_HDR_NONE      /* no rate-limit fields at all */
};

#define SIM_MAX_GONE 8

struct sim_config {
	/* startup only */
	const char *seed;
	int port;
	const char *state_out;
	int max_seconds;
	int threads;
	const char *public_key, *private_key, *client_id, *client_secret;
	bool list_routes;
	const char *tls_cert, *tls_key; /* PEM files: serve HTTPS (both or neither) */
	/* changeable at run time */
	int auth;
	int nonce_seconds;
	bool nonce_single_use;
	int token_seconds;
	char gone[SIM_MAX_GONE][16];
	int n_gone;
	long pu_capacity, pu_refill_per_min, db_capacity, db_refill_per_min;
	int headers;
	bool retry_after_date;
	bool ratelimits_forbidden;
	bool ip_access_list_block;
	long fault_seed;
	double fault_500, fault_503, fault_reset, fault_applied_500;
	int fault_503_retry_after;
	int latency_ms, latency_jitter_ms;
	bool deprecation; /* Deprecation / Sunset on every job-endpoint answer */
};

/* Fill c with the defaults. */
void sim_config_defaults(struct sim_config *c);

/*
 * Parse argv into c. Returns 0, 1 when --help was printed (exit 0), or -1
 * with a message in err (a usage error: exit 2).
 */
int sim_config_parse_argv(struct sim_config *c, int argc, char **argv, char *err, size_t errlen);

/*
 * Apply a JSON object of run-time options to c (on a copy: the caller
 * publishes it). Returns 0 or -1 with a message in err; on error c may be
 * partly changed, so apply to a scratch copy.
 */
int sim_config_apply_json(struct sim_config *c, const struct cJSON *obj, char *err, size_t errlen);

/* True if version (YYYY-MM-DD) was made gone with --gone-version. */
bool sim_config_is_gone(const struct sim_config *c, const char *version);

/* The published configuration (never NULL after sim_config_publish). */
const struct sim_config *sim_config_current(void);
/* Publish a copy of c. Thread-safe against readers and other writers. */
void sim_config_publish(const struct sim_config *c);
/* Serializes read-modify-publish by /_sim/config callers. */
void sim_config_lock(void);
void sim_config_unlock(void);
/* Free every published copy (at shutdown, when no request runs). */
void sim_config_release(void);

/* The option table as text for --help. */
void sim_config_usage(void);

#endif
