/*
 * engine_aux.c - the run's requests that are not jobs: the service account's
 * token (one per run, renewed 60 s before it expires or once after a 401),
 * the rateLimits query (once per endpoint set), and the revoke at exit. They
 * share the job requests' pool, so --concurrency bounds them too.
 */
#include "auth.h"
#include "clock.h"
#include "engine_int.h"
#include "governor.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

/* Renew a service-account token this long before it expires (SPEC §2). */
#define TOKEN_EARLY_MS 60000

static bool token_usable(const struct engine *e, int64_t now)
{
	return e->creds->method == AUTH_DIGEST || (e->token && now < e->token_expires);
}

static void start_token(struct engine *e)
{
	struct xfer *x = engine_get_xfer(e);
	if (!x)
		return;
	xfer_reset(x, e->o->timeout_ms, &e->ca);
	x->kind = XFER_TOKEN;
	x->headers = curl_slist_append(NULL, "Accept: application/json");
	auth_setup_token_request(x->h, e->creds, e->o->base_url);
	curl_easy_setopt(x->h, CURLOPT_CUSTOMREQUEST, NULL);
	e->token_busy = true;
	engine_launch(e, x);
}

static void start_limits(struct engine *e, enum atlas_endpoint_set set)
{
	const char *group = NULL;
	struct xfer *x;
	char *g, *p;

	for (int i = 0; i < e->nlanes && !group; i++)
		if ((e->lanes[i].kind == JOB_DB_USER) == (set == ATLAS_SET_DB_USERS))
			group = e->lanes[i].group_id;
	if (!group || !(x = engine_get_xfer(e))) {
		e->limits_done[set] = !group;
		return;
	}
	xfer_reset(x, e->o->timeout_ms, &e->ca);
	x->kind = XFER_LIMITS;
	x->set = set;
	g = curl_easy_escape(x->h, group, 0);
	p = curl_easy_escape(x->h, atlas_endpoint_set_path(set, e->o->api), 0);
	ob_buf_addf(&x->url, "%s" ATLAS_RATE_LIMITS_PATH "?groupId=%s&endpointPath=%s",
		    e->o->base_url, g, p);
	curl_free(g);
	curl_free(p);
	x->headers = curl_slist_append(NULL, "Accept: " ATLAS_ACCEPT_RATE_LIMITS);
	curl_easy_setopt(x->h, CURLOPT_URL, x->url.ptr);
	curl_easy_setopt(x->h, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(x->h, CURLOPT_HTTPGET, 1L);
	engine_apply_auth(e, x);
	e->limits_busy[set] = true;
	engine_launch(e, x);
}

bool engine_aux_fill(struct engine *e, int64_t now, int64_t *wake)
{
	if (e->creds->method == AUTH_SERVICE_ACCOUNT && !e->token_busy &&
	    (!e->token || now >= e->token_expires - TOKEN_EARLY_MS)) {
		if (now >= e->token_next_try) {
			if (e->in_flight < e->o->concurrency)
				start_token(e);
		} else if (e->token_next_try < *wake) {
			*wake = e->token_next_try;
		}
	}
	if (!token_usable(e, now))
		return false;
	for (int s = 0; s < ATLAS_SET_COUNT; s++)
		if (e->set_used[s] && !e->limits_done[s] && !e->limits_busy[s] &&
		    e->in_flight < e->o->concurrency)
			start_limits(e, s);
	return true;
}

void engine_token_answer(struct engine *e, struct xfer *x, CURLcode cc)
{
	long status = 0;
	if (cc == CURLE_OK)
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
	e->token_busy = false;
	if (status == 200) {
		char *tok = NULL;
		long expires = 3600;
		if (auth_parse_token(x->body.ptr, x->body.len, &tok, &expires, e->err) == 0) {
			if (e->token) {
				e->old_tokens =
					xrealloc(e->old_tokens,
						 (size_t)(e->nold_tokens + 1) * sizeof(char *));
				e->old_tokens[e->nold_tokens++] = e->token;
			}
			e->token = tok;
			e->token_gen++;
			e->token_expires = clock_mono_ms() + (int64_t)expires * 1000;
			e->token_failures = 0;
			goto done;
		}
	}
	if (!status && engine_tls_refused(cc)) {
		engine_stop_tls(e, cc);
		goto done;
	}
	if (status == 400 || status == 401 || status == 403) {
		engine_stop(e, ENGINE_STOP_AUTH,
			    "the token endpoint refused the service account '%s' (HTTP %ld)",
			    e->creds->id, status);
		goto done;
	}
	if (++e->token_failures >= e->o->max_attempts) {
		engine_stop(e, ENGINE_STOP_AUTH, "could not get a token after %d attempts (%s)",
			    e->token_failures, status ? "HTTP error" : curl_easy_strerror(cc));
		goto done;
	}
	{
		int64_t delay = governor_backoff_ms(e->token_failures, &e->rng);
		const char *ra = status ? xfer_header(x->h, "Retry-After") : NULL;
		int64_t ra_ms = ra ? governor_parse_retry_after(ra, clock_unix_ms()) : -1;
		e->token_next_try = clock_mono_ms() + (ra_ms > delay ? ra_ms : delay);
	}
done:
	/* the body held the token: wipe it */
	memset(x->body.ptr, 0, x->body.len);
	engine_release_xfer(e, x, false);
}

void engine_limits_answer(struct engine *e, struct xfer *x, CURLcode cc)
{
	long status = 0;
	struct atlas_bucket b = { 0 };
	if (cc == CURLE_OK)
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
	/* a refusal (401/403/404) or anything odd: the limits are learned from answers */
	if (status == 200 && atlas_parse_rate_limits(x->body.ptr, x->body.len, x->set, &b) &&
	    b.known)
		governor_set_default_bucket(e->gov, x->set, &b);
	e->limits_busy[x->set] = false;
	e->limits_done[x->set] = true;
	engine_release_xfer(e, x, false);
}

/* Revokes every token of the run, best effort, through the same pool and
 * connections as the run (so it stays inside --concurrency). */
void engine_revoke_tokens(struct engine *e)
{
	int64_t deadline = clock_mono_ms() + 10000;
	int next = -1; /* -1: the current token, then the old ones */

	if (e->creds->method != AUTH_SERVICE_ACCOUNT)
		return;
	while (next < e->nold_tokens || e->in_flight) {
		while (next < e->nold_tokens && e->in_flight < e->o->concurrency) {
			char *tok = next < 0 ? e->token : e->old_tokens[next];
			struct xfer *x;
			next++;
			if (!tok || !(x = engine_get_xfer(e)))
				continue;
			xfer_reset(x, e->o->timeout_ms, &e->ca);
			x->kind = XFER_REVOKE;
			x->headers = curl_slist_append(NULL, "Accept: application/json");
			auth_setup_revoke_request(x->h, e->creds, e->o->base_url, tok);
			curl_easy_setopt(x->h, CURLOPT_CUSTOMREQUEST, NULL);
			engine_launch(e, x);
		}
		int running = 0;
		curl_multi_perform(e->multi, &running);
		if (!engine_drain(e) && e->in_flight)
			curl_multi_poll(e->multi, NULL, 0, POLL_MAX_MS, NULL);
		if (clock_mono_ms() >= deadline)
			break; /* a revoke that does not answer changes nothing for the run */
	}
}

void engine_revoke_answer(struct engine *e, struct xfer *x)
{
	memset(x->body.ptr, 0, x->body.len);
	engine_release_xfer(e, x, false);
}
