/*
 * engine_int.h - the engine's own state, shared by engine.c (the loop and
 * the jobs' answers) and engine_aux.c (the run's other requests: the
 * service-account token, the rateLimits query, the revoke at exit). Not
 * for use outside the engine.
 */
#ifndef OB_ENGINE_INT_H
#define OB_ENGINE_INT_H

#include "engine.h"
#include "lanes.h"
#include "xfer.h"

#include <stdbool.h>
#include <stdint.h>

/* The longest the loop sleeps, so that a signal is seen promptly. */
#define POLL_MAX_MS 200

struct governor;

struct engine {
	struct jobstore *js;
	struct audit *audit;
	const struct auth_creds *creds;
	const struct engine_opts *o;
	const struct engine_hooks *hooks;
	struct engine_result *res;
	struct ob_err *err;

	CURLM *multi;
	struct xfer *pool;
	int in_flight;
	int jobs_in_flight;
	struct governor *gov;
	struct lane *lanes;
	int nlanes, lanes_cap, rr;

	struct task_heap wait; /* tasks in retry_wait */

	char *token;
	char **old_tokens;
	int nold_tokens;
	int token_gen;
	int64_t token_expires;
	bool token_busy;
	int token_failures;
	int64_t token_next_try;
	bool renewed_after_401;

	bool limits_done[ATLAS_SET_COUNT];
	bool limits_busy[ATLAS_SET_COUNT];
	bool set_used[ATLAS_SET_COUNT];

	struct ca_bundle ca;
	/* Accept headers, built once per media type (atlas_job_accept's strings) */
	const char *accept_type[4];
	struct curl_slist *accept[4];
	int naccept;

	bool in_txn;
	int changes;
	int64_t last_commit;
	int64_t last_progress;

	bool stopping;
	int64_t drain_deadline;
	long terminal;
	bool noticed_deprecation;
	uint64_t rng;
	int failed_io; /* a store/audit error: stop at once */
};

/* Stops starting requests and records why (the first reason wins). */
void engine_stop(struct engine *e, enum engine_stop why, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A free pooled handle (created on first use), marked busy; NULL if none. */
struct xfer *engine_get_xfer(struct engine *e);
/* Adds a prepared transfer to the multi handle. */
void engine_launch(struct engine *e, struct xfer *x);
/* Takes a finished transfer off the multi handle; discard drops the handle. */
void engine_release_xfer(struct engine *e, struct xfer *x, bool discard_handle);
/* Digest credentials or the current bearer token. */
void engine_apply_auth(struct engine *e, struct xfer *x);
/* Handles every finished transfer; returns how many there were. */
int engine_drain(struct engine *e);

/* A certificate that cannot be verified will not verify on a retry either. */
bool engine_tls_refused(CURLcode cc);
void engine_stop_tls(struct engine *e, CURLcode cc);

/* --- engine_aux.c --- */

/*
 * Starts the token request when one is due and the rateLimits queries not yet
 * made; returns true when job requests may go out (a usable token, or digest).
 * Lowers *wake to when a delayed token request is due.
 */
bool engine_aux_fill(struct engine *e, int64_t now, int64_t *wake);
void engine_token_answer(struct engine *e, struct xfer *x, CURLcode cc);
void engine_limits_answer(struct engine *e, struct xfer *x, CURLcode cc);
void engine_revoke_answer(struct engine *e, struct xfer *x);
/* Revokes every token of the run through the pool, best effort (10 s at most). */
void engine_revoke_tokens(struct engine *e);

#endif
