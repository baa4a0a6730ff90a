#include "engine.h"
#include "clock.h"
#include "engine_int.h"
#include "governor.h"
#include "lanes.h"
#include "mem.h"
#include "xfer.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

volatile sig_atomic_t engine_signals;

/* Jobs read from the store per lane and refill; small so memory stays flat. */
#define LANE_BATCH 32
/* Commit after this many changes or this long, whichever comes first; in
 * the middle of a burst of answers, only once COMMIT_LATEST_MS have passed.
 * Each commit fsyncs the audit log first, which stalls the loop for a
 * millisecond or two; a crash loses at most this much progress (those jobs
 * are sent again and answer "absent"). */
#define COMMIT_EVERY_CHANGES 4096
#define COMMIT_EVERY_MS 250
#define COMMIT_LATEST_MS 1000
/* How long in-flight requests may finish after the first signal (SPEC §8). */
#define DRAIN_MS 10000
#define PROGRESS_MS 250

/* ---- small helpers -------------------------------------------------------- */

static void notice(struct engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void notice(struct engine *e, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	if (!e->hooks || !e->hooks->notice)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	e->hooks->notice(e->hooks->ctx, text);
}

void engine_stop(struct engine *e, enum engine_stop why, const char *fmt, ...)
{
	va_list ap;
	if (e->stopping)
		return;
	e->stopping = true;
	e->res->stop = why;
	va_start(ap, fmt);
	vsnprintf(e->res->why, sizeof(e->res->why), fmt, ap);
	va_end(ap);
	e->drain_deadline = clock_mono_ms() + DRAIN_MS;
}

/* ---- the store: batched transactions -------------------------------------- */

static int ensure_txn(struct engine *e)
{
	if (e->in_txn)
		return 0;
	if (jobstore_begin(e->js, e->err) < 0)
		return -1;
	e->in_txn = true;
	return 0;
}

/* Audit records first (written and fsync'ed), then the state and the head. */
static int commit(struct engine *e)
{
	if (!e->in_txn)
		return 0;
	if (audit_flush(e->audit, e->err) < 0 ||
	    jobstore_set_audit_head(e->js, audit_seq(e->audit), audit_hash(e->audit), e->err) < 0 ||
	    jobstore_commit(e->js, e->err) < 0) {
		e->failed_io = 1;
		return -1;
	}
	e->in_txn = false;
	e->changes = 0;
	e->last_commit = clock_mono_ms();
	return 0;
}

static void io_check(struct engine *e, int rc)
{
	if (rc < 0 && !e->failed_io) {
		e->failed_io = 1;
		engine_stop(e, ENGINE_FINISHED, "%s", e->err->msg);
	}
}

/* ---- lanes ------------------------------------------------------------------ */

/* Due retries go back to the front of their lane. */
static void release_due(struct engine *e, int64_t now)
{
	struct task *t;
	while ((t = task_heap_peek(&e->wait)) && t->due_ms <= now) {
		task_heap_pop(&e->wait);
		t->lane->busy--;
		lane_push_front(t->lane, t);
		e->res->stats.waiting--;
	}
}

static int add_lane(void *ctx, const char *group_id, enum job_kind kind)
{
	struct engine *e = ctx;
	struct lane *l;
	if (e->nlanes == e->lanes_cap) {
		e->lanes_cap = e->lanes_cap ? e->lanes_cap * 2 : 16;
		e->lanes = xrealloc(e->lanes, (size_t)e->lanes_cap * sizeof(*e->lanes));
	}
	l = &e->lanes[e->nlanes++];
	memset(l, 0, sizeof(*l));
	snprintf(l->group_id, sizeof(l->group_id), "%s", group_id);
	l->kind = kind;
	e->set_used[kind == JOB_DB_USER ? ATLAS_SET_DB_USERS : ATLAS_SET_PROJECT_USERS] = true;
	return 0;
}

/* ---- handles --------------------------------------------------------------- */

struct xfer *engine_get_xfer(struct engine *e)
{
	for (int i = 0; i < e->o->concurrency; i++) {
		struct xfer *x = &e->pool[i];
		if (x->busy)
			continue;
		if (!x->h) {
			x->h = curl_easy_init();
			if (!x->h)
				return NULL;
			x->uses = 0;
		}
		x->busy = true;
		return x;
	}
	return NULL;
}

void engine_launch(struct engine *e, struct xfer *x)
{
	curl_easy_setopt(x->h, CURLOPT_HTTPHEADER,
			 x->shared_headers ? x->shared_headers : x->headers);
	curl_multi_add_handle(e->multi, x->h);
	e->in_flight++;
	e->res->stats.requests++;
}

void engine_release_xfer(struct engine *e, struct xfer *x, bool discard_handle)
{
	curl_multi_remove_handle(e->multi, x->h);
	x->busy = false;
	x->task = NULL;
	e->in_flight--;
	x->uses++;
	if (discard_handle) {
		/* a fresh handle starts without the old digest nonce */
		curl_easy_cleanup(x->h);
		x->h = NULL;
	} else {
		/* back to a plain GET, and no client secret left in an idle handle */
		curl_easy_setopt(x->h, CURLOPT_POSTFIELDS, NULL);
		curl_easy_setopt(x->h, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(x->h, CURLOPT_USERNAME, NULL);
		curl_easy_setopt(x->h, CURLOPT_PASSWORD, NULL);
	}
}

void engine_apply_auth(struct engine *e, struct xfer *x)
{
	if (e->creds->method == AUTH_DIGEST) {
		auth_apply_digest(x->h, e->creds);
	} else {
		auth_apply_bearer(x->h, e->token);
		x->token_gen = e->token_gen;
	}
}

/* The Accept header list for a job's request, made once per media type. */
static const struct curl_slist *accept_for(struct engine *e, const struct job *j)
{
	const char *type = atlas_job_accept(j, e->o->api);
	char *line;
	int i;

	for (i = 0; i < e->naccept; i++)
		if (e->accept_type[i] == type)
			return e->accept[i];
	if (i == (int)(sizeof(e->accept) / sizeof(e->accept[0])))
		return NULL; /* cannot happen: atlas.h has three media types */
	line = xasprintf("Accept: %s", type);
	e->accept[i] = curl_slist_append(NULL, line);
	e->accept_type[i] = type;
	e->naccept++;
	free(line);
	return e->accept[i];
}

static int start_job(struct engine *e, struct task *t)
{
	struct xfer *x = engine_get_xfer(e);
	if (!x)
		return -1;
	xfer_reset(x, e->o->timeout_ms, &e->ca);
	x->kind = XFER_JOB;
	x->task = t;
	ob_buf_reset(&x->path);
	atlas_job_path(&x->path, &t->job, e->o->api);
	ob_buf_addstr(&x->url, e->o->base_url);
	ob_buf_add(&x->url, x->path.ptr, x->path.len);
	x->shared_headers = accept_for(e, &t->job);
	curl_easy_setopt(x->h, CURLOPT_URL, x->url.ptr);
	curl_easy_setopt(x->h, CURLOPT_CUSTOMREQUEST, "DELETE");
	engine_apply_auth(e, x);
	engine_launch(e, x);
	e->jobs_in_flight++;
	t->lane->busy++;
	governor_on_send(e->gov, t->lane->scope, x->started_mono);
	return 0;
}

/* ---- answers ---------------------------------------------------------------- */

static void check_deprecation(struct engine *e, CURL *h)
{
	const char *dep = xfer_header(h, "Deprecation"), *sunset = xfer_header(h, "Sunset");
	if (e->noticed_deprecation || (!dep && !sunset))
		return;
	e->noticed_deprecation = true;
	notice(e,
	       "Atlas marks this API version as deprecated (Deprecation: %s, Sunset: %s); "
	       "a newer atlas-offboard may be needed",
	       dep ? dep : "-", sunset ? sunset : "-");
}

static void governor_learn(struct engine *e, CURL *h, struct gov_scope *scope, long status,
			   const struct atlas_bucket *bucket)
{
	struct gov_answer ga = {
		.status = status,
		.retry_after = xfer_header(h, "Retry-After"),
		.ratelimit_limit = xfer_header(h, "RateLimit-Limit"),
		.ratelimit_remaining = xfer_header(h, "RateLimit-Remaining"),
		.ratelimit = xfer_header(h, "RateLimit"),
		.ratelimit_policy = xfer_header(h, "RateLimit-Policy"),
		.bucket = bucket,
	};
	governor_on_answer(e->gov, scope, clock_mono_ms(), &ga);
}

static void record_attempt(struct engine *e, struct xfer *x, struct task *t, long status,
			   const char *code, const char *outcome, long ms)
{
	const struct job *j = &t->job;
	struct attempt_row a = {
		.job_id = j->id,
		.run_id = e->o->run_id,
		.attempt = j->tries,
		.started_at = x->started_at,
		.ms = ms,
		.http_status = status,
		.error_code = code,
		.outcome = outcome,
	};
	cJSON *f = cJSON_CreateObject();

	audit_add_int(f, "job", j->id);
	cJSON_AddStringToObject(f, "kind", job_kind_name(j->kind));
	cJSON_AddStringToObject(f, "group_id", j->group_id);
	if (j->kind == JOB_DB_USER) {
		cJSON_AddStringToObject(f, "database_name", j->database_name);
		cJSON_AddStringToObject(f, "username", j->username);
	} else {
		cJSON_AddStringToObject(f, "user_id", j->user_id);
	}
	if (j->ticket)
		cJSON_AddStringToObject(f, "ticket", j->ticket);
	else
		cJSON_AddNullToObject(f, "ticket");
	cJSON_AddStringToObject(f, "method", "DELETE");
	cJSON_AddStringToObject(f, "path", x->path.ptr);
	if (status)
		audit_add_int(f, "status", status);
	else
		cJSON_AddNullToObject(f, "status");
	if (code && *code)
		cJSON_AddStringToObject(f, "error_code", code);
	else
		cJSON_AddNullToObject(f, "error_code");
	cJSON_AddStringToObject(f, "outcome", outcome);
	audit_add_int(f, "attempt", j->tries);
	audit_add_int(f, "ms", ms);
	if (ensure_txn(e) < 0 || audit_append(e->audit, "attempt", e->o->run_id, f, e->err) < 0 ||
	    jobstore_add_attempt(e->js, &a, e->err) < 0)
		io_check(e, -1);
	e->changes++;
}

static void set_job(struct engine *e, struct task *t, enum job_state st, long status,
		    const char *code, const char *detail)
{
	struct job_update u = {
		.job_id = t->job.id,
		.state = st,
		.attempts = t->job.attempts,
		.tries = t->job.tries,
		.http_status = status,
		.error_code = code,
		.detail = detail,
		.not_before_ms = t->job.not_before_ms,
	};
	t->job.state = st;
	if (ensure_txn(e) < 0 || jobstore_update_job(e->js, &u, e->err) < 0)
		io_check(e, -1);
	e->changes++;
}

static void check_max_failures(struct engine *e)
{
	const struct engine_stats *s = &e->res->stats;
	long ended = s->done + s->absent + s->failed;
	if (e->o->max_failures >= 0) {
		if (s->failed > e->o->max_failures)
			engine_stop(e, ENGINE_STOP_MAX_FAILURES,
				    "%ld jobs failed, more than --max-failures %ld", s->failed,
				    e->o->max_failures);
	} else if (ended >= 20 &&
		   (double)s->failed * 100.0 > e->o->max_failures_pct * (double)ended) {
		engine_stop(e, ENGINE_STOP_MAX_FAILURES,
			    "%ld of %ld ended jobs failed, more than --max-failures %g%%",
			    s->failed, ended, e->o->max_failures_pct);
	}
}

static void finish_terminal(struct engine *e, struct task *t, enum job_state st, long status,
			    const char *code, const char *detail)
{
	set_job(e, t, st, status, code, detail);
	if (st == JOB_DONE)
		e->res->stats.done++;
	else if (st == JOB_ABSENT)
		e->res->stats.absent++;
	else
		e->res->stats.failed++;
	e->terminal++;
	t->lane->busy--;
	task_free(t);
	check_max_failures(e);
	if (e->o->limit > 0 && e->terminal >= e->o->limit)
		engine_stop(e, ENGINE_STOP_LIMIT, "--limit %ld reached", e->o->limit);
}

static void requeue_front(struct engine *e, struct task *t, enum job_state st)
{
	set_job(e, t, st, 0, NULL, NULL);
	t->lane->busy--;
	lane_push_front(t->lane, t);
}

static void wait_retry(struct engine *e, struct task *t, int64_t delay_ms, long status,
		       const char *code)
{
	int64_t now = clock_mono_ms();
	t->job.not_before_ms = clock_unix_ms() + delay_ms;
	set_job(e, t, JOB_RETRY_WAIT, status, code, NULL);
	t->due_ms = now + delay_ms;
	e->res->stats.waiting++;
	task_heap_push(&e->wait, t); /* lane->busy stays counted while it waits */
}

/* A certificate that cannot be verified will not verify on a retry either. */
bool engine_tls_refused(CURLcode cc)
{
	return cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE ||
	       cc == CURLE_SSL_ISSUER_ERROR || cc == CURLE_SSL_PINNEDPUBKEYNOTMATCH;
}

void engine_stop_tls(struct engine *e, CURLcode cc)
{
	engine_stop(e, ENGINE_STOP_TLS, "%s (%s)", curl_easy_strerror(cc), e->o->base_url);
}

static void job_answer(struct engine *e, struct xfer *x, CURLcode cc)
{
	struct task *t = x->task;
	struct atlas_outcome oc;
	struct atlas_answer ans = { 0 };
	long status = 0, ms = (long)(clock_mono_ms() - x->started_mono);
	bool discard = false;

	if (cc == CURLE_OK)
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
	ans.status = status;
	ans.body = x->body.ptr;
	ans.body_len = x->body.len;
	ans.x_error_code = status ? xfer_header(x->h, "X-Error-Code") : NULL;
	atlas_classify(&ans, &oc);
	if (status) {
		check_deprecation(e, x->h);
		governor_learn(e, x->h, t->lane->scope, status, &oc.bucket);
	} else {
		governor_on_abandon(e->gov, t->lane->scope);
	}
	if (oc.verdict == ATLAS_RATE_LIMITED)
		e->res->stats.rate_limited++;
	t->job.tries++;
	e->jobs_in_flight--;

	if (!status && engine_tls_refused(cc)) {
		record_attempt(e, x, t, 0, NULL, "stopped", ms);
		requeue_front(e, t, JOB_PENDING);
		engine_stop_tls(e, cc);
		goto done;
	}

	if (oc.verdict == ATLAS_STOP_AUTH && !t->auth_retried &&
	    ((e->creds->method == AUTH_DIGEST && x->uses > 0) ||
	     (e->creds->method == AUTH_SERVICE_ACCOUNT && x->token_gen != e->token_gen))) {
		/* a reused nonce or an older token was refused: ask afresh, once */
		t->auth_retried = 1;
		discard = e->creds->method == AUTH_DIGEST;
		record_attempt(e, x, t, status, oc.error_code, "retry", ms);
		requeue_front(e, t, JOB_PENDING);
		goto done;
	}
	if (oc.verdict == ATLAS_STOP_AUTH && e->creds->method == AUTH_SERVICE_ACCOUNT &&
	    !e->renewed_after_401 && !t->auth_retried) {
		/* the token was refused: renew it once (SPEC §2) */
		e->renewed_after_401 = true;
		t->auth_retried = 1;
		if (e->token) {
			e->old_tokens = xrealloc(e->old_tokens,
						 (size_t)(e->nold_tokens + 1) * sizeof(char *));
			e->old_tokens[e->nold_tokens++] = e->token;
			e->token = NULL;
		}
		record_attempt(e, x, t, status, oc.error_code, "retry", ms);
		requeue_front(e, t, JOB_PENDING);
		goto done;
	}

	switch (oc.verdict) {
	case ATLAS_DONE:
	case ATLAS_ABSENT:
	case ATLAS_FAILED: {
		enum job_state st = oc.verdict == ATLAS_DONE     ? JOB_DONE
				    : oc.verdict == ATLAS_ABSENT ? JOB_ABSENT
								 : JOB_FAILED;
		record_attempt(e, x, t, status, oc.error_code, atlas_verdict_name(oc.verdict), ms);
		finish_terminal(e, t, st, status, oc.error_code, oc.detail);
		break;
	}
	case ATLAS_STOP_AUTH:
	case ATLAS_STOP_ACCESS:
	case ATLAS_STOP_VERSION:
		record_attempt(e, x, t, status, oc.error_code, "stopped", ms);
		requeue_front(e, t, JOB_PENDING);
		engine_stop(e,
			    oc.verdict == ATLAS_STOP_AUTH     ? ENGINE_STOP_AUTH
			    : oc.verdict == ATLAS_STOP_ACCESS ? ENGINE_STOP_ACCESS
							      : ENGINE_STOP_VERSION,
			    "HTTP %ld%s%s from %s", status, oc.error_code[0] ? " " : "",
			    oc.error_code, x->path.ptr);
		break;
	case ATLAS_RATE_LIMITED: {
		int64_t hold = governor_held_until(t->lane->scope) - clock_mono_ms();
		record_attempt(e, x, t, status, oc.error_code, "rate_limited", ms);
		t->job.not_before_ms = clock_unix_ms() + (hold > 0 ? hold : 0);
		requeue_front(e, t, JOB_RETRY_WAIT);
		break;
	}
	case ATLAS_RETRY: {
		const char *code = status ? oc.error_code : curl_easy_strerror(cc);
		t->job.attempts++;
		record_attempt(e, x, t, status, status ? oc.error_code : NULL, "retry", ms);
		if (t->job.attempts >= e->o->max_attempts) {
			char detail[300];
			snprintf(detail, sizeof(detail), "gave up after %d attempts: %s",
				 t->job.attempts, status ? oc.detail : code);
			finish_terminal(e, t, JOB_FAILED, status, status ? oc.error_code : NULL,
					detail);
		} else {
			int64_t delay = governor_backoff_ms(t->job.attempts, &e->rng);
			const char *ra = status ? xfer_header(x->h, "Retry-After") : NULL;
			int64_t ra_ms = ra ? governor_parse_retry_after(ra, clock_unix_ms()) : -1;
			if (ra_ms > delay)
				delay = ra_ms;
			wait_retry(e, t, delay, status, status ? oc.error_code : NULL);
		}
		break;
	}
	}
done:
	engine_release_xfer(e, x, discard);
}

int engine_drain(struct engine *e)
{
	CURLMsg *m;
	int left, n = 0;
	while ((m = curl_multi_info_read(e->multi, &left))) {
		struct xfer *x = NULL;
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		CURLcode cc = m->data.result;
		n++;
		switch (x->kind) {
		case XFER_JOB: job_answer(e, x, cc); break;
		case XFER_TOKEN: engine_token_answer(e, x, cc); break;
		case XFER_LIMITS: engine_limits_answer(e, x, cc); break;
		case XFER_REVOKE: engine_revoke_answer(e, x); break;
		}
	}
	return n;
}

/* Gives up every request still in flight: their jobs are pending again. */
static void abandon_all(struct engine *e)
{
	for (int i = 0; i < e->o->concurrency; i++) {
		struct xfer *x = &e->pool[i];
		if (!x->busy)
			continue;
		if (x->kind == XFER_JOB) {
			struct task *t = x->task;
			long ms = (long)(clock_mono_ms() - x->started_mono);
			t->job.tries++;
			e->jobs_in_flight--;
			governor_on_abandon(e->gov, t->lane->scope);
			record_attempt(e, x, t, 0, NULL, "abandoned", ms);
			requeue_front(e, t, JOB_PENDING);
		} else if (x->kind == XFER_TOKEN) {
			e->token_busy = false;
		}
		engine_release_xfer(e, x, true);
	}
}

/* Claimed jobs that were not sent (or wait for a retry) return to the state
 * they had, so that nothing is left in_flight by a run that ends. */
static void release_unsent(struct engine *e)
{
	for (int i = 0; i < e->nlanes; i++)
		for (struct task *t = e->lanes[i].head; t; t = t->next) {
			enum job_state st =
				t->job.state == JOB_RETRY_WAIT ? JOB_RETRY_WAIT : JOB_PENDING;
			if (ensure_txn(e) < 0 ||
			    jobstore_set_state(e->js, t->job.id, st, e->err) < 0)
				io_check(e, -1);
		}
	for (int i = 0; i < e->wait.n; i++)
		if (ensure_txn(e) < 0 ||
		    jobstore_set_state(e->js, e->wait.v[i]->job.id, JOB_RETRY_WAIT, e->err) < 0)
			io_check(e, -1);
}

/* ---- the loop --------------------------------------------------------------- */

/* Starts token, rateLimits and job requests up to the concurrency. */
static void fill(struct engine *e, int64_t now, int64_t *wake)
{
	if (!engine_aux_fill(e, now, wake))
		return;
	/* Jobs start while the rateLimits answer is on its way: until a
	 * project's bucket is known, the governor lets one request at a time
	 * go to it, and its answer's RateLimit-* headers teach the rest. */

	while (e->in_flight < e->o->concurrency && !e->stopping) {
		struct lane *pick = NULL;
		if (e->o->limit > 0 && e->terminal + e->jobs_in_flight >= e->o->limit)
			return;
		for (int k = 0; k < e->nlanes && !pick; k++) {
			int i = (e->rr + k) % e->nlanes;
			struct lane *l = &e->lanes[i];
			if (!l->head && !l->exhausted &&
			    (ensure_txn(e) < 0 ||
			     lane_refill(l, e->js, LANE_BATCH, &e->wait, &e->res->stats.waiting,
					 e->err) < 0)) {
				io_check(e, -1);
				return;
			}
			if (!l->head)
				continue;
			int64_t t = governor_next_send(e->gov, l->scope, now);
			if (t == 0) {
				pick = l;
				e->rr = (i + 1) % e->nlanes;
			} else if (t < *wake) {
				*wake = t;
			}
		}
		if (!pick)
			return;
		struct task *t = lane_pop(pick);
		if (start_job(e, t) < 0) {
			lane_push_front(pick, t);
			return;
		}
	}
}

static bool all_finished(struct engine *e)
{
	if (e->in_flight || e->wait.n)
		return false;
	for (int i = 0; i < e->nlanes; i++)
		if (!lane_finished(&e->lanes[i]))
			return false;
	return true;
}

static void progress(struct engine *e, int64_t now, bool force)
{
	if (!e->hooks || !e->hooks->progress || (!force && now - e->last_progress < PROGRESS_MS))
		return;
	e->last_progress = now;
	e->res->stats.in_flight = e->jobs_in_flight;
	e->res->stats.held_projects = governor_count_held(e->gov, now);
	e->hooks->progress(e->hooks->ctx, &e->res->stats);
}

static int setup(struct engine *e)
{
	struct job_counts c;
	if (jobstore_counts(e->js, &c, e->err) < 0 ||
	    jobstore_open_lanes(e->js, add_lane, e, e->err) < 0)
		return -1;
	e->res->stats.open_at_start =
		c.by_state[JOB_PENDING] + c.by_state[JOB_IN_FLIGHT] + c.by_state[JOB_RETRY_WAIT];
	e->gov = governor_new(e->o->rate);
	for (int i = 0; i < e->nlanes; i++) {
		struct lane *l = &e->lanes[i];
		l->scope = governor_scope(e->gov, l->group_id,
					  l->kind == JOB_DB_USER ? ATLAS_SET_DB_USERS
								 : ATLAS_SET_PROJECT_USERS);
	}
	e->pool = xcalloc((size_t)e->o->concurrency, sizeof(*e->pool));
	for (int i = 0; i < e->o->concurrency; i++) {
		xfer_init(&e->pool[i]);
	}
	e->multi = curl_multi_init();
	if (!e->multi)
		return ob_err_set(e->err, OB_ERROR, "could not initialise libcurl");
	curl_multi_setopt(e->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)e->o->concurrency);
	curl_multi_setopt(e->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)e->o->concurrency);
	curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, (long)e->o->concurrency);
	e->rng = (uint64_t)clock_unix_ms() * 0x9E3779B97F4A7C15ULL | 1;
	e->last_commit = clock_mono_ms();
	e->res->stats.started_ms = clock_mono_ms();
	return 0;
}

static void teardown(struct engine *e)
{
	task_heap_release(&e->wait);
	for (int i = 0; i < e->nlanes; i++) {
		struct task *t;
		while ((t = lane_pop(&e->lanes[i])))
			task_free(t);
	}
	for (int i = 0; e->pool && i < e->o->concurrency; i++) {
		struct xfer *x = &e->pool[i];
		if (x->h && x->busy)
			curl_multi_remove_handle(e->multi, x->h);
		xfer_release(x);
	}
	free(e->pool);
	if (e->multi)
		curl_multi_cleanup(e->multi);
	governor_free(e->gov);
	free(e->lanes);
	auth_free_token(e->token);
	for (int i = 0; i < e->nold_tokens; i++)
		auth_free_token(e->old_tokens[i]);
	free(e->old_tokens);
	ca_bundle_release(&e->ca);
	for (int i = 0; i < e->naccept; i++)
		curl_slist_free_all(e->accept[i]);
}

int engine_run(struct jobstore *js, struct audit *a, const struct auth_creds *creds,
	       const struct engine_opts *o, const struct engine_hooks *hooks,
	       struct engine_result *result, struct ob_err *err)
{
	struct engine e = { .js = js,
			    .audit = a,
			    .creds = creds,
			    .o = o,
			    .hooks = hooks,
			    .res = result,
			    .err = err };
	int ret = OB_OK;

	memset(result, 0, sizeof(*result));
	if (setup(&e) < 0 || ca_bundle_load(&e.ca, o->cacert, err) < 0) {
		ret = OB_ERROR;
		goto done;
	}
	for (;;) {
		int64_t now = clock_mono_ms(), wake = now + POLL_MAX_MS;
		int running = 0;

		if (engine_signals > 0 && !e.stopping)
			engine_stop(&e, ENGINE_STOP_SIGNAL, "interrupted");
		if (e.stopping && e.in_flight &&
		    (engine_signals > 1 || e.failed_io ||
		     (e.res->stop == ENGINE_STOP_SIGNAL && now >= e.drain_deadline)))
			abandon_all(&e);
		release_due(&e, now);
		if (!e.stopping)
			fill(&e, now, &wake);
		if (task_heap_peek(&e.wait) && task_heap_peek(&e.wait)->due_ms < wake)
			wake = task_heap_peek(&e.wait)->due_ms;
		if (!e.in_flight && (e.stopping || all_finished(&e)))
			break;
		curl_multi_perform(e.multi, &running);
		int finished = engine_drain(&e);
		now = clock_mono_ms();
		progress(&e, now, false);
		/* A commit stalls the loop (the audit log's fsync), so it waits
		 * until the freed slots have been refilled and sent, unless it is
		 * far overdue. */
		if (e.changes >= COMMIT_EVERY_CHANGES ||
		    (e.in_txn &&
		     now - e.last_commit >= (finished ? COMMIT_LATEST_MS : COMMIT_EVERY_MS)))
			if (commit(&e) < 0)
				engine_stop(&e, ENGINE_FINISHED, "%s", err->msg);
		if (finished)
			continue; /* slots were freed: fill them before waiting */
		if (e.in_flight || wake > now) {
			int timeout = (int)(wake > now ? wake - now : 0);
			if (timeout > POLL_MAX_MS)
				timeout = POLL_MAX_MS;
			if (e.in_flight || timeout > 0)
				curl_multi_poll(e.multi, NULL, 0, timeout, NULL);
		}
	}
	release_unsent(&e);
	if (commit(&e) < 0 || e.failed_io)
		ret = OB_ERROR;
	engine_revoke_tokens(&e);
	progress(&e, clock_mono_ms(), true);
done:
	if (e.in_txn) {
		jobstore_rollback(js);
		audit_discard(a);
	}
	teardown(&e);
	return ret;
}
