#include "governor.h"
#include "mem.h"

#include <ctype.h>
#include <curl/curl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/*
 * The model, per scope (one Atlas token bucket):
 *
 *   tokens(t) = min(cap, tokens + (t - tokens_at) * rate * PACE)
 *
 * `tokens` is our estimate of what the server's bucket holds once every
 * request we sent has reached it: a send spends one token at once, and an
 * answer carrying RateLimit-Remaining R corrects the estimate towards
 * R - in_flight (R counts what the server processed up to that request;
 * the ones still in flight are assumed not yet processed). Downward
 * corrections apply at once; upward ones only beyond what answers
 * overtaking each other can explain (see correct_tokens), because a stale
 * R read as fresh is exactly how a client walks into 429s.
 *
 * `rate` is the refill rate, best source first: the bucket a 429 body named
 * for this scope; the default bucket of the set (the rateLimits endpoint),
 * unless this scope's RateLimit-Limit says it has another bucket; the rate
 * measured from successive RateLimit-Remaining values; RateLimit-Policy
 * quota / window. Pacing at PACE (97%) of it keeps 429s rare when the model
 * runs without headers; with headers every answer corrects the estimate,
 * so throughput converges on the true refill rate.
 *
 * With no rate from anywhere, only the headers gate: when the remaining
 * budget will not cover another request the scope is held for PROBE_MS (or
 * the RateLimit reset), then one request probes, and its answer tells how
 * many tokens came back (a probe that meets a 429 doubles PROBE_MS for
 * that scope). A 429 holds the scope for its Retry-After header exactly;
 * without one, for HOLD_429_MIN_MS doubling per episode up to
 * HOLD_429_MAX_MS, or the body's retry-after if longer. A 503's
 * Retry-After holds the scope too. A 429 on a scope that has learned no
 * bucket holds it and then leaves it unthrottled again, not starved.
 *
 * Measured on a simulated bucket (tests/unit/test_governor.c): 429s stay
 * under 1% and steady throughput at 97-100% of the refill rate, whether
 * the bucket is known up front, learned from headers, or from a 429 body.
 */
#define PACE 0.97
#define HOLD_429_MIN_MS 10000
#define HOLD_429_MAX_MS 60000
#define PROBE_MS 1000
#define RESET_MAX_MS 60000
#define WAIT_ANSWERS_MS 250 /* re-ask hint while only answers can teach */
#define EST_WINDOW_MS 10000 /* shortest window for a measured refill rate */
#define EST_MIN_TOKENS 10   /* and the least refill it must have seen */
#define NEAR_FULL 0.9       /* a bucket this full may have wasted refill */
#define HEADER_MAX 1e9      /* larger header numbers are nonsense: ignored */
#define RETRY_AFTER_MAX_S 86400
#define BACKOFF_BASE_MS 1000
#define BACKOFF_CAP_MS 60000

struct gov_scope {
	char *group_id;
	enum atlas_endpoint_set set;
	uint64_t hash;

	double cap;         /* learned capacity (header or 429 body), 0: unknown */
	double own_rate;    /* tokens/ms from this scope's 429 body, 0: none */
	double est_rate;    /* tokens/ms measured from RateLimit-Remaining */
	double policy_rate; /* tokens/ms from RateLimit-Policy q / w */
	bool limit_differs; /* RateLimit-Limit says the default is not ours */

	bool tokens_known;
	double tokens;
	double spent_unknown;  /* sent while the bucket was unknown */
	int64_t first_unknown; /* when the first of those was sent */
	int64_t tokens_at;
	int in_flight;
	int peak_in_flight; /* the most ever in flight: bounds answer reordering */
	bool probing;       /* a request went out on an empty estimate */
	int64_t probe_ms;   /* the wait before such a probe; 0: PROBE_MS */

	int64_t hold_until;
	int strikes; /* 429 episodes in a row */

	/* the refill-rate estimator: an earlier (time, remaining, answers) */
	bool anchored;
	int64_t anchor_at;
	double anchor_remaining;
	uint64_t anchor_answers;
	uint64_t answers; /* answers that spent a token (not 429s) */
};

/*
 * Scopes live in an open-addressing hash table (linear probing, power-of-two
 * size, grown at 70% load): C has no standard map, POSIX hsearch_r cannot
 * grow or iterate, and projects can number in thousands. Slots hold
 * pointers, so a gov_scope never moves and the engine may keep it.
 */
struct governor {
	struct gov_scope **slots;
	size_t nslots;
	size_t count;

	struct atlas_bucket defaults[ATLAS_SET_COUNT];

	double global_rate; /* tokens/ms, 0: no ceiling */
	double global_tokens;
	int64_t global_at;
	bool global_started;
};

#define GLOBAL_BURST 1.0

/* Small helpers ----------------------------------------------------------- */

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static uint64_t scope_hash(const char *group_id, enum atlas_endpoint_set set)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)group_id; *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	h ^= (uint64_t)set + 1;
	h *= 1099511628211ULL;
	return h;
}

static const struct atlas_bucket *default_bucket(const struct governor *g,
						 const struct gov_scope *s)
{
	const struct atlas_bucket *b = &g->defaults[s->set];

	return b->known ? b : NULL;
}

static double scope_cap(const struct governor *g, const struct gov_scope *s)
{
	const struct atlas_bucket *d = default_bucket(g, s);

	if (s->cap > 0)
		return s->cap;
	return d ? d->capacity : 0;
}

/* A declared rate (429 body, else the set's default), tokens/ms, or 0. */
static double declared_rate(const struct governor *g, const struct gov_scope *s)
{
	const struct atlas_bucket *d = default_bucket(g, s);

	if (s->own_rate > 0)
		return s->own_rate;
	if (d && !s->limit_differs)
		return d->refill_rate / (d->refill_seconds * 1000.0);
	return 0;
}

static double scope_rate(const struct governor *g, const struct gov_scope *s)
{
	double r = declared_rate(g, s);

	if (r > 0)
		return r;
	if (s->est_rate > 0)
		return s->est_rate;
	return s->policy_rate;
}

/* The estimate at time t, without changing anything. */
static double tokens_at(const struct governor *g, const struct gov_scope *s, int64_t t)
{
	double cap = scope_cap(g, s);
	double v = s->tokens;

	if (t > s->tokens_at)
		v += (double)(t - s->tokens_at) * scope_rate(g, s) * PACE;
	if (cap > 0 && v > cap)
		v = cap;
	return v;
}

/* Brings the estimate to `now` (and starts it full once a bucket is known:
 * a bucket nobody has spent from yet holds its capacity). */
static void settle(const struct governor *g, struct gov_scope *s, int64_t now)
{
	if (!s->tokens_known) {
		double cap = scope_cap(g, s);
		double rate = declared_rate(g, s);
		if (cap > 0 && rate > 0) {
			/* full when we first sent, less what went out since */
			double refilled = (double)(now - s->first_unknown) * rate * PACE;
			s->tokens_known = true;
			s->tokens = s->spent_unknown > 0
					    ? fmin(cap, cap - s->spent_unknown + refilled)
					    : cap;
			s->tokens_at = now;
		}
		return;
	}
	if (now > s->tokens_at) {
		s->tokens = tokens_at(g, s, now);
		s->tokens_at = now;
	}
}

/* The scope table ----------------------------------------------------------- */

struct governor *governor_new(double global_rate)
{
	struct governor *g = xcalloc(1, sizeof(*g));

	g->nslots = 64;
	g->slots = xcalloc(g->nslots, sizeof(*g->slots));
	if (isfinite(global_rate) && global_rate > 0)
		g->global_rate = global_rate / 1000.0;
	return g;
}

void governor_free(struct governor *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->nslots; i++) {
		if (g->slots[i]) {
			free(g->slots[i]->group_id);
			free(g->slots[i]);
		}
	}
	free(g->slots);
	free(g);
}

static void table_grow(struct governor *g)
{
	size_t n = g->nslots * 2;
	struct gov_scope **slots = xcalloc(n, sizeof(*slots));

	for (size_t i = 0; i < g->nslots; i++) {
		struct gov_scope *s = g->slots[i];
		if (!s)
			continue;
		size_t j = (size_t)s->hash & (n - 1);
		while (slots[j])
			j = (j + 1) & (n - 1);
		slots[j] = s;
	}
	free(g->slots);
	g->slots = slots;
	g->nslots = n;
}

struct gov_scope *governor_scope(struct governor *g, const char *group_id,
				 enum atlas_endpoint_set set)
{
	uint64_t h;
	size_t i;
	struct gov_scope *s;

	if (!group_id)
		group_id = "";
	if ((unsigned)set >= ATLAS_SET_COUNT)
		set = ATLAS_SET_PROJECT_USERS;
	h = scope_hash(group_id, set);
	for (i = (size_t)h & (g->nslots - 1); g->slots[i]; i = (i + 1) & (g->nslots - 1)) {
		s = g->slots[i];
		if (s->hash == h && s->set == set && strcmp(s->group_id, group_id) == 0)
			return s;
	}
	if ((g->count + 1) * 10 >= g->nslots * 7) {
		table_grow(g);
		for (i = (size_t)h & (g->nslots - 1); g->slots[i]; i = (i + 1) & (g->nslots - 1))
			;
	}
	s = xcalloc(1, sizeof(*s));
	s->group_id = xstrdup(group_id);
	s->set = set;
	s->hash = h;
	g->slots[i] = s;
	g->count++;
	return s;
}

void governor_set_default_bucket(struct governor *g, enum atlas_endpoint_set set,
				 const struct atlas_bucket *b)
{
	if ((unsigned)set >= ATLAS_SET_COUNT || !b || !b->known)
		return;
	if (!(isfinite(b->capacity) && b->capacity >= 1 && b->capacity <= HEADER_MAX &&
	      isfinite(b->refill_rate) && b->refill_rate > 0 && b->refill_rate <= HEADER_MAX &&
	      isfinite(b->refill_seconds) && b->refill_seconds > 0 &&
	      b->refill_seconds <= HEADER_MAX))
		return;
	g->defaults[set] = *b;
	/* Scopes read the default when they need it, so nothing to copy. */
}

/* The global ceiling (--rate): a token bucket of burst GLOBAL_BURST --------- */

static void global_settle(struct governor *g, int64_t now)
{
	if (!g->global_started) {
		g->global_started = true;
		g->global_tokens = GLOBAL_BURST;
		g->global_at = now;
		return;
	}
	if (now > g->global_at) {
		g->global_tokens += (double)(now - g->global_at) * g->global_rate;
		if (g->global_tokens > GLOBAL_BURST)
			g->global_tokens = GLOBAL_BURST;
		g->global_at = now;
	}
}

/* The earliest time >= t at which the ceiling allows one request. */
static int64_t global_next(const struct governor *g, int64_t t)
{
	double tok;

	if (g->global_rate <= 0 || !g->global_started)
		return t;
	tok = g->global_tokens;
	if (t > g->global_at)
		tok += (double)(t - g->global_at) * g->global_rate;
	if (tok >= 1.0 - 1e-9)
		return t;
	return max64(t, g->global_at + (int64_t)ceil((1.0 - g->global_tokens) / g->global_rate));
}

/* Asking and telling --------------------------------------------------------- */

/* When the scope alone allows a request: >= now. Does not change `s`. */
static int64_t scope_next(const struct governor *g, const struct gov_scope *s, int64_t now)
{
	int64_t t = max64(now, s->hold_until);
	double rate = scope_rate(g, s) * PACE;

	/* Nothing known of this bucket yet: one request at a time, so that a
	 * 429's Retry-After is in force before the next request leaves. */
	if (!s->tokens_known && scope_cap(g, s) <= 0 && s->in_flight > 0)
		return max64(t, now + WAIT_ANSWERS_MS);

	if (!s->tokens_known || tokens_at(g, s, t) >= 1.0 - 1e-9)
		return t;
	if (rate > 0)
		return max64(t, s->tokens_at + (int64_t)ceil((1.0 - s->tokens) / rate));
	/* No refill known: only an answer can tell; once none is pending, the
	 * hold set at exhaustion has passed and one request may probe. */
	if (s->in_flight > 0)
		return max64(t, now + WAIT_ANSWERS_MS);
	return t;
}

int64_t governor_next_send(struct governor *g, struct gov_scope *s, int64_t now_ms)
{
	int64_t t;

	settle(g, s, now_ms);
	t = global_next(g, scope_next(g, s, now_ms));
	return t <= now_ms ? 0 : t;
}

void governor_on_send(struct governor *g, struct gov_scope *s, int64_t now_ms)
{
	settle(g, s, now_ms);
	if (!s->tokens_known) {
		if (s->spent_unknown == 0)
			s->first_unknown = now_ms;
		s->spent_unknown += 1.0;
	} else {
		/* sent on an empty estimate with no refill known: a probe */
		if (s->tokens < 1.0 - 1e-9 && scope_rate(g, s) <= 0)
			s->probing = true;
		s->tokens -= 1.0;
	}
	s->in_flight++;
	if (s->in_flight > s->peak_in_flight)
		s->peak_in_flight = s->in_flight;
	if (g->global_rate > 0) {
		global_settle(g, now_ms);
		g->global_tokens -= 1.0;
	}
}

void governor_on_abandon(struct governor *g, struct gov_scope *s)
{
	(void)g;
	if (s->in_flight > 0)
		s->in_flight--;
}

int64_t governor_held_until(const struct gov_scope *s)
{
	return s->hold_until;
}

int governor_count_held(const struct governor *g, int64_t now_ms)
{
	int n = 0;

	for (size_t i = 0; i < g->nslots; i++) {
		const struct gov_scope *s = g->slots[i];
		/* a scope only waiting for its first answer is not held */
		if (s && scope_next(g, s, now_ms) > now_ms &&
		    (s->tokens_known || s->hold_until > now_ms))
			n++;
	}
	return n;
}

/* Header parsing ---------------------------------------------------------- */

/*
 * A non-negative integer header value, possibly followed by a list
 * separator (the old draft's "100, 100;w=60"). Signs, fractions, trailing
 * junk and values above HEADER_MAX make it malformed: false.
 */
static bool parse_count(const char *v, size_t len, double *out)
{
	size_t i = 0;
	double x = 0;
	int digits = 0;

	while (i < len && (v[i] == ' ' || v[i] == '\t'))
		i++;
	while (i < len && isdigit((unsigned char)v[i])) {
		x = x * 10 + (v[i] - '0');
		if (++digits > 12)
			return false;
		i++;
	}
	if (digits == 0 || x > HEADER_MAX)
		return false;
	while (i < len && (v[i] == ' ' || v[i] == '\t'))
		i++;
	if (i < len && v[i] != ',' && v[i] != ';')
		return false;
	*out = x;
	return true;
}

static bool header_count(const char *v, double *out)
{
	return v && parse_count(v, strlen(v), out);
}

/* The numbers a RateLimit or RateLimit-Policy field carries; -1: absent. */
struct rl_fields {
	double limit, remaining, reset, quota, window;
};

/*
 * Reads both shapes: the older draft "limit=100, remaining=50, reset=30"
 * and the structured one `"default";r=50;t=30` / `"default";q=100;w=60`
 * (and "100;w=60"). Members are split at ',' and ';'; the first valid
 * occurrence of each key wins, so with several policies the first counts.
 * A member whose value is not a plain count is ignored.
 */
static void parse_rl_field(const char *v, struct rl_fields *f)
{
	const char *p = v;

	if (!v)
		return;
	while (*p) {
		size_t n = strcspn(p, ",;");
		const char *eq = memchr(p, '=', n);
		double x;

		if (eq) {
			const char *k = p, *ke = eq;
			while (k < ke && (*k == ' ' || *k == '\t'))
				k++;
			while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
				ke--;
			size_t kl = (size_t)(ke - k);
			const char *val = eq + 1;
			size_t vl = n - (size_t)(val - p);
			if (parse_count(val, vl, &x)) {
				double *dst = NULL;
				if ((kl == 5 && strncasecmp(k, "limit", 5) == 0) ||
				    (kl == 1 && (*k == 'l' || *k == 'L')))
					dst = &f->limit;
				else if ((kl == 9 && strncasecmp(k, "remaining", 9) == 0) ||
					 (kl == 1 && (*k == 'r' || *k == 'R')))
					dst = &f->remaining;
				else if ((kl == 5 && strncasecmp(k, "reset", 5) == 0) ||
					 (kl == 1 && (*k == 't' || *k == 'T')))
					dst = &f->reset;
				else if ((kl == 5 && strncasecmp(k, "quota", 5) == 0) ||
					 (kl == 1 && (*k == 'q' || *k == 'Q')))
					dst = &f->quota;
				else if ((kl == 6 && strncasecmp(k, "window", 6) == 0) ||
					 (kl == 1 && (*k == 'w' || *k == 'W')))
					dst = &f->window;
				if (dst && *dst < 0)
					*dst = x;
			}
		} else if (parse_count(p, n, &x) && f->quota < 0) {
			f->quota = x; /* a bare number: the policy's quota */
		}
		p += n;
		if (*p)
			p++;
	}
}

int64_t governor_parse_retry_after(const char *value, int64_t now_unix_ms)
{
	const char *p = value;
	size_t len;

	if (!p)
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	len = strlen(p);
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r' ||
			   p[len - 1] == '\n'))
		len--;
	if (len == 0)
		return -1;
	if (isdigit((unsigned char)p[0])) {
		int64_t secs = 0;
		for (size_t i = 0; i < len; i++) {
			if (!isdigit((unsigned char)p[i]))
				return -1; /* "1.5", "10s", "-1"... */
			secs = secs * 10 + (p[i] - '0');
			if (secs > RETRY_AFTER_MAX_S)
				return -1;
		}
		return secs * 1000;
	}
	/* Every HTTP-date form (IMF-fixdate, RFC 850, asctime) opens with a
	 * day name; anything else is not one, whatever curl_getdate guesses. */
	if (!isalpha((unsigned char)p[0]))
		return -1;
	char buf[64];
	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	time_t t = curl_getdate(buf, NULL);
	if (t == (time_t)-1)
		return -1;
	int64_t wait = (int64_t)t * 1000 - now_unix_ms;
	if (wait < 0)
		return 0; /* already passed: no wait */
	if (wait > (int64_t)RETRY_AFTER_MAX_S * 1000)
		return -1;
	return wait;
}

static int64_t wall_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Measures the refill from RateLimit-Remaining readings: since the anchor,
 * the bucket gained (R_now - R_anchor) plus what the answers in between
 * spent. The anchor stays put, so the error of one reading (answers
 * overtaking each other, a token or two) shrinks as the window grows; it
 * moves only when the bucket was near full, where refill may have been
 * wasted. An estimate counts once the window spans EST_WINDOW_MS and
 * EST_MIN_TOKENS of refill, less one token for the reading's own error.
 */
static void estimate_rate(const struct governor *g, struct gov_scope *s, int64_t now,
			  double remaining)
{
	double cap = scope_cap(g, s);

	s->answers++;
	if (cap > 0 && remaining >= NEAR_FULL * cap) {
		s->anchored = false;
		return;
	}
	if (!s->anchored) {
		s->anchored = true;
		s->anchor_at = now;
		s->anchor_remaining = remaining;
		s->anchor_answers = s->answers;
		return;
	}
	if (now - s->anchor_at < EST_WINDOW_MS)
		return;
	double gained = remaining - s->anchor_remaining + (double)(s->answers - s->anchor_answers);
	if (gained >= EST_MIN_TOKENS)
		s->est_rate = (gained - 1.0) / (double)(now - s->anchor_at);
}

/*
 * Applies RateLimit-Remaining. Down is always believed. Up is believed only
 * beyond what reordering can explain: answers overtake each other, so one
 * processed before a later-processed answer we already saw can arrive with
 * a higher, stale count. The most requests that can overtake one are the
 * most we ever had in flight to the scope, so an upward correction is
 * discounted by that. The exception is a probe's answer when nothing else
 * was in flight: nothing can have overtaken it.
 */
static void correct_tokens(struct gov_scope *s, int64_t now, double seen)
{
	double margin = s->probing && s->in_flight == 0 ? 0 : (double)s->peak_in_flight;

	if (!s->tokens_known || seen <= s->tokens)
		s->tokens = seen;
	else if (seen - margin > s->tokens)
		s->tokens = seen - margin;
	s->tokens_known = true;
	s->tokens_at = now;
}

void governor_on_answer(struct governor *g, struct gov_scope *s, int64_t now_ms,
			const struct gov_answer *a)
{
	struct rl_fields rl = { -1, -1, -1, -1, -1 }, pol = { -1, -1, -1, -1, -1 };
	double limit = -1, remaining = -1, x;
	const struct atlas_bucket *d = default_bucket(g, s);
	int64_t ra = -1;

	if (s->in_flight > 0)
		s->in_flight--;
	if (!a || a->status == 0)
		return; /* no answer: nothing learned */
	settle(g, s, now_ms);

	parse_rl_field(a->ratelimit, &rl);
	parse_rl_field(a->ratelimit_policy, &pol);
	if (header_count(a->ratelimit_limit, &x))
		limit = x;
	else if (rl.limit >= 0)
		limit = rl.limit;
	if (header_count(a->ratelimit_remaining, &x))
		remaining = x;
	else if (rl.remaining >= 0)
		remaining = rl.remaining;

	/* What the bucket is. */
	if (limit >= 1) {
		s->cap = limit;
		s->limit_differs = d && fabs(limit - d->capacity) >= 0.5;
	} else if (pol.quota >= 1 && s->cap <= 0) {
		s->cap = pol.quota;
	}
	if (pol.quota >= 1 && pol.window >= 1)
		s->policy_rate = pol.quota / (pol.window * 1000.0);
	if (a->bucket && a->bucket->known) {
		s->cap = a->bucket->capacity;
		s->own_rate = a->bucket->refill_rate / (a->bucket->refill_seconds * 1000.0);
		/* limits are the same for every project unless overridden (SPEC
		 * section 7): what one project's 429 taught serves the others */
		if (!g->defaults[s->set].known)
			g->defaults[s->set] = *a->bucket;
	}

	/* What it holds. */
	if (remaining >= 0) {
		if (a->status != 429)
			estimate_rate(g, s, now_ms, remaining);
		correct_tokens(s, now_ms, remaining - s->in_flight);
	}

	if (a->status == 429 || a->status == 503)
		ra = governor_parse_retry_after(a->retry_after,
						a->now_unix_ms ? a->now_unix_ms : wall_clock_ms());

	if (a->status == 429) {
		int64_t hold;

		/* A probe that found the bucket still empty: probe less often. */
		if (s->probing && s->probe_ms < HOLD_429_MAX_MS)
			s->probe_ms = s->probe_ms ? s->probe_ms * 2 : 2 * PROBE_MS;
		s->probing = false;

		/* In-flight requests sent before the first 429 come back 429
		 * too: one episode, one strike. */
		if (now_ms >= s->hold_until)
			s->strikes++;
		if (scope_rate(g, s) > 0) {
			/* the model refills from empty once the hold is over */
			if (!s->tokens_known || s->tokens > 0) {
				s->tokens_known = true;
				s->tokens = 0;
				s->tokens_at = now_ms;
			}
		} else if (remaining < 0) {
			/* nothing to refill from: the hold alone governs, and
			 * after it the scope is unknown again, not starved */
			s->tokens_known = false;
			s->spent_unknown = 0;
		}
		if (ra >= 0) {
			hold = ra + GOVERNOR_RETRY_AFTER_MARGIN_MS; /* the server's own minimum */
		} else {
			int k = s->strikes < 1 ? 0 : s->strikes - 1;
			hold = k >= 3 ? HOLD_429_MAX_MS : (int64_t)HOLD_429_MIN_MS << k;
			if (hold > HOLD_429_MAX_MS)
				hold = HOLD_429_MAX_MS;
			if (a->bucket && a->bucket->retry_after_s > 0) {
				int64_t body = (int64_t)ceil(a->bucket->retry_after_s * 1000.0);
				hold = max64(hold, body);
			}
		}
		s->hold_until = max64(s->hold_until, now_ms + hold);
		return;
	}
	s->strikes = 0;
	s->probing = false;
	if (a->status == 503 && ra >= 0)
		s->hold_until = max64(s->hold_until, now_ms + ra + GOVERNOR_RETRY_AFTER_MARGIN_MS);

	/* Exhausted with no refill known: hold, then probe. */
	if (remaining >= 0 && s->tokens < 1.0 && scope_rate(g, s) <= 0) {
		int64_t hold = s->probe_ms ? s->probe_ms : PROBE_MS;
		if (rl.reset > 0)
			hold = rl.reset * 1000 > RESET_MAX_MS ? RESET_MAX_MS
							      : (int64_t)(rl.reset * 1000);
		s->hold_until = max64(s->hold_until, now_ms + hold);
	}
}

/* Backoff --------------------------------------------------------------------- */

static uint64_t xorshift64(uint64_t *state)
{
	uint64_t x = *state ? *state : 0x9E3779B97F4A7C15ULL; /* 0 would stick */

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

int64_t governor_backoff_ms(int attempt, uint64_t *rng)
{
	int64_t ceiling = BACKOFF_CAP_MS;

	if (attempt < 1)
		attempt = 1;
	if (attempt <= 7) /* 2^6 s = 64 s is past the cap already */
		ceiling = (int64_t)BACKOFF_BASE_MS << (attempt - 1);
	if (ceiling > BACKOFF_CAP_MS)
		ceiling = BACKOFF_CAP_MS;
	return (int64_t)(xorshift64(rng) % (uint64_t)(ceiling + 1));
}
