/*
 * engine.h - the run loop (SPEC sections 5-8): works through the open jobs of
 * the store with a fixed concurrency on one libcurl multi handle, one thread,
 * no locks (modelled on curl's own parallel transfers).
 *
 * - Jobs are read from the store lane by lane, a lane being one (project,
 *   kind), a few dozen at a time, never all at once; lanes take turns, so
 *   one rate-limited project does not idle the run.
 * - At most `concurrency` requests are in flight and at most that many
 *   connections open, token and rateLimits requests included. Easy handles
 *   are pooled: each keeps its digest nonce, so a handle pays one challenge.
 * - Every answer becomes one attempt: an `attempt` audit record, an attempts
 *   row and the job's new state. The engine commits in small batches: audit
 *   records are written and fsync'ed first, then the state, then the head.
 * - Stops: credentials / access list / API version / an unverifiable TLS
 *   certificate (exit 3), --max-failures
 *   (exit 4), a signal (exit 130): no new requests, in-flight requests may
 *   finish for up to 10 s (a second signal abandons them: back to pending).
 *
 * The engine never prints: it reports through the callbacks in engine_hooks.
 */
#ifndef OB_ENGINE_H
#define OB_ENGINE_H

#include "atlas.h"
#include "audit.h"
#include "auth.h"
#include "jobstore.h"

#include <signal.h>
#include <stdint.h>

struct engine_opts {
	const char *base_url; /* no trailing slash */
	enum atlas_api api;
	int concurrency;   /* 1..256 */
	int max_attempts;  /* attempts with a server error or no answer */
	double rate;       /* global requests/s ceiling, 0 = none */
	long limit;        /* stop after this many terminal jobs, 0 = no limit */
	long max_failures; /* absolute; -1 = use max_failures_pct */
	double max_failures_pct;
	const char *cacert; /* extra CA file or NULL */
	int64_t run_id;
	long timeout_ms; /* per request; 0 = 60 s */
};

/* Progress as the engine sees it, for the terminal line and the summary. */
struct engine_stats {
	long done, absent, failed; /* terminal in this run */
	long waiting;              /* retry_wait now */
	long in_flight;
	long requests;      /* requests sent, all kinds */
	long rate_limited;  /* 429 answers */
	long held_projects; /* scopes held by rate limits now */
	long open_at_start; /* jobs not terminal when the run started */
	int64_t started_ms; /* monotonic */
};

struct engine_hooks {
	/* Something to tell the user once (Deprecation/Sunset, torn token...). */
	void (*notice)(void *ctx, const char *text);
	/* Called about 4 times a second while running. */
	void (*progress)(void *ctx, const struct engine_stats *s);
	void *ctx;
};

enum engine_stop {
	ENGINE_FINISHED = 0,
	ENGINE_STOP_AUTH,         /* credentials refused */
	ENGINE_STOP_ACCESS,       /* IP access list */
	ENGINE_STOP_VERSION,      /* 406 / 410 */
	ENGINE_STOP_TLS,          /* the server's certificate could not be verified */
	ENGINE_STOP_MAX_FAILURES, /* --max-failures exceeded */
	ENGINE_STOP_SIGNAL,       /* SIGINT / SIGTERM */
	ENGINE_STOP_LIMIT         /* --limit reached */
};

struct engine_result {
	enum engine_stop stop;
	struct engine_stats stats;
	char why[512]; /* for stops: what happened, e.g. the error code seen */
};

/* Incremented by the caller's signal handler; the engine reads it. */
extern volatile sig_atomic_t engine_signals;

/*
 * Runs until every open job is terminal or a stop. Returns OB_OK (see
 * result->stop) or an error that prevented running (store, audit, libcurl).
 */
int engine_run(struct jobstore *js, struct audit *a, const struct auth_creds *creds,
	       const struct engine_opts *o, const struct engine_hooks *hooks,
	       struct engine_result *result, struct ob_err *err);

#endif
