/*
 * test_governor.c - Retry-After holds, RateLimit-* headers, in-flight
 * accounting, pacing against a simulated Atlas token bucket, the global
 * ceiling and the backoff. Time is simulated: every call gets its clock.
 */
#include "governor.h"
#include "tap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define G1 "5f1a2b3c4d5e6f7a8b9c0d1e"
#define G2 "6a6a6a6a6a6a6a6a6a6a6a6a"

static struct gov_answer ans(long status)
{
	struct gov_answer a;

	memset(&a, 0, sizeof(a));
	a.status = status;
	a.now_unix_ms = 1700000000000;
	return a;
}

static void test_parse_retry_after(void)
{
	const int64_t now = 1445412480000; /* Wed, 21 Oct 2015 07:28:00 GMT */

	CHECK_INT(governor_parse_retry_after("120", now), 120000);
	CHECK_INT(governor_parse_retry_after(" 5 ", now), 5000);
	CHECK_INT(governor_parse_retry_after("0", now), 0);
	CHECK_INT(governor_parse_retry_after("-1", now), -1);
	CHECK_INT(governor_parse_retry_after("+5", now), -1);
	CHECK_INT(governor_parse_retry_after("1.5", now), -1);
	CHECK_INT(governor_parse_retry_after("10s", now), -1);
	CHECK_INT(governor_parse_retry_after("soon", now), -1);
	CHECK_INT(governor_parse_retry_after("", now), -1);
	CHECK_INT(governor_parse_retry_after(NULL, now), -1);
	CHECK_INT(governor_parse_retry_after("99999999999999999999", now), -1);
	CHECK_INT(governor_parse_retry_after("86401", now), -1); /* over a day: nonsense */
	CHECK_INT(governor_parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now), 30000);
	CHECK_INT(governor_parse_retry_after("Wednesday, 21-Oct-15 07:29:00 GMT", now), 60000);
	CHECK_INT(governor_parse_retry_after("Wed Oct 21 07:28:10 2015", now), 10000);
	CHECK_INT(governor_parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), 0); /* past */
	CHECK_INT(governor_parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now + 400), 0);
	CHECK_INT(governor_parse_retry_after("Wed, 21 Oct 2025 07:28:00 GMT", now), -1); /* years */
	CHECK_INT(governor_parse_retry_after("Wed, 99 Foo 2015 07:28:00 GMT", now), -1);
}

/* A 429 with Retry-After holds that scope for its Retry-After (plus the margin), and only it. */
#define M GOVERNOR_RETRY_AFTER_MARGIN_MS
static void test_retry_after_hold(void)
{
	struct governor *g = governor_new(0);
	struct gov_scope *a = governor_scope(g, G1, ATLAS_SET_PROJECT_USERS);
	struct gov_scope *b = governor_scope(g, G2, ATLAS_SET_PROJECT_USERS);
	struct gov_scope *adb = governor_scope(g, G1, ATLAS_SET_DB_USERS);
	struct gov_answer r = ans(429);
	int bad = 0;

	CHECK(a != b && a != adb);
	CHECK(governor_scope(g, G1, ATLAS_SET_PROJECT_USERS) == a);
	CHECK_INT(governor_next_send(g, a, 1000), 0);
	governor_on_send(g, a, 1000);
	r.retry_after = "3";
	governor_on_answer(g, a, 1200, &r);
	CHECK_INT(governor_held_until(a), (4200 + M));
	for (int64_t t = 1200; t < (4200 + M); t++)
		if (governor_next_send(g, a, t) != (4200 + M))
			bad++;
	CHECK_INT(bad, 0);
	CHECK_INT(governor_next_send(g, a, (4200 + M)), 0);
	CHECK_INT(governor_next_send(g, b, 1200), 0);   /* other projects go on */
	CHECK_INT(governor_next_send(g, adb, 1200), 0); /* and the other set */
	CHECK_INT(governor_count_held(g, 1200), 1);
	CHECK_INT(governor_count_held(g, (4200 + M)), 0);

	/* a shorter Retry-After from a request already in flight never shortens */
	governor_on_send(g, a, (4200 + M));
	governor_on_send(g, a, (4200 + M));
	r.retry_after = "10";
	governor_on_answer(g, a, 4300, &r);
	r.retry_after = "1";
	governor_on_answer(g, a, 4310, &r);
	CHECK_INT(governor_held_until(a), (14300 + M));
	CHECK(governor_next_send(g, a, (14299 + M)) == (14300 + M));

	/* an HTTP date, on a 503 */
	struct gov_answer u = ans(503);
	u.retry_after = "Wed, 21 Oct 2015 07:28:30 GMT";
	u.now_unix_ms = 1445412480000;
	governor_on_send(g, b, 2000);
	governor_on_answer(g, b, 2000, &u);
	CHECK_INT(governor_held_until(b), (32000 + M));
	bad = 0;
	for (int64_t t = 2000; t < (32000 + M); t++)
		if (governor_next_send(g, b, t) == 0)
			bad++;
	CHECK_INT(bad, 0);
	CHECK_INT(governor_next_send(g, b, (32000 + M)), 0);

	/* a 503 without Retry-After: backoff is the engine's, no scope hold */
	struct gov_scope *c = governor_scope(g, "7b7b7b7b7b7b7b7b7b7b7b7b", ATLAS_SET_DB_USERS);
	governor_on_send(g, c, 100);
	governor_on_answer(g, c, 100, &(struct gov_answer){ .status = 503 });
	CHECK_INT(governor_next_send(g, c, 100), 0);
	/* a malformed Retry-After on a 503 is ignored */
	u.retry_after = "tomorrow";
	governor_on_send(g, c, 200);
	governor_on_answer(g, c, 200, &u);
	CHECK_INT(governor_next_send(g, c, 200), 0);
	governor_free(g);
}

/* A 429 without Retry-After: >= 10 s, doubling per episode, 60 s cap. */
static void test_429_without_retry_after(void)
{
	struct governor *g = governor_new(0);
	struct gov_scope *s = governor_scope(g, G1, ATLAS_SET_PROJECT_USERS);
	struct gov_answer r = ans(429);
	int64_t now = 0;
	const int64_t want[] = { 10000, 20000, 40000, 60000, 60000 };

	for (int i = 0; i < 5; i++) {
		for (int k = 0; k < 4; k++)
			governor_on_send(g, s, now);
		/* four 429s of one burst are one episode */
		for (int k = 0; k < 4; k++)
			governor_on_answer(g, s, now + 100 + k, &r);
		CHECK_INT(governor_held_until(s) - (now + 103), want[i]);
		now = governor_held_until(s);
		CHECK_INT(governor_next_send(g, s, now - 1), now);
	}
	/* a success ends the series */
	governor_on_send(g, s, now);
	governor_on_answer(g, s, now + 50, &(struct gov_answer){ .status = 204 });
	now += 100;
	governor_on_send(g, s, now);
	governor_on_answer(g, s, now, &r);
	CHECK_INT(governor_held_until(s) - now, 10000);

	/* with nothing learned, after the hold one request at a time, so that
	 * the next Retry-After is known before another request leaves */
	now = governor_held_until(s);
	CHECK_INT(governor_next_send(g, s, now), 0);
	governor_on_send(g, s, now);
	CHECK(governor_next_send(g, s, now) > now);
	CHECK_INT(governor_count_held(g, now), 0); /* waiting for an answer is not a hold */
	governor_on_answer(g, s, now + 5, &(struct gov_answer){ .status = 204 });
	CHECK_INT(governor_next_send(g, s, now + 5), 0);

	/* the body's retry-after when it is longer than the floor */
	struct gov_scope *t = governor_scope(g, G2, ATLAS_SET_PROJECT_USERS);
	struct atlas_bucket bk = { true, 10, 5, 60, 55 };
	r.bucket = &bk;
	governor_on_send(g, t, 0);
	governor_on_answer(g, t, 0, &r);
	CHECK_INT(governor_held_until(t), 55000);
	governor_free(g);
}

/* RateLimit-Remaining minus what is still in flight decides. */
static void test_remaining_in_flight(void)
{
	struct governor *g = governor_new(0);
	struct gov_scope *s = governor_scope(g, G1, ATLAS_SET_PROJECT_USERS);
	struct gov_answer a = ans(204);

	/* unknown bucket: one request at a time until an answer teaches */
	CHECK_INT(governor_next_send(g, s, 0), 0);
	governor_on_send(g, s, 0);
	CHECK(governor_next_send(g, s, 0) != 0);
	a.ratelimit_limit = "100";
	a.ratelimit_remaining = "50";
	governor_on_answer(g, s, 0, &a);
	for (int i = 0; i < 4; i++) {
		CHECK_INT(governor_next_send(g, s, 0), 0);
		governor_on_send(g, s, 0);
	}
	a.ratelimit_remaining = "4"; /* 4 left, 3 still in flight: room for 1 */
	governor_on_answer(g, s, 100, &a);
	CHECK_INT(governor_next_send(g, s, 100), 0);
	governor_on_send(g, s, 100);
	CHECK(governor_next_send(g, s, 100) != 0); /* that one spent it */
	CHECK_INT(governor_count_held(g, 100), 1);

	/* 3 left, 3 in flight: nothing to spend, no refill known: held, then probe */
	a.ratelimit_remaining = "3";
	governor_on_answer(g, s, 150, &a); /* in flight: 3 */
	CHECK(governor_next_send(g, s, 150) != 0);
	a.ratelimit_remaining = "2";
	governor_on_answer(g, s, 160, &a);
	a.ratelimit_remaining = "1";
	governor_on_answer(g, s, 170, &a);
	a.ratelimit_remaining = "0";
	governor_on_answer(g, s, 180, &a); /* in flight: 0 */
	int64_t probe = governor_next_send(g, s, 180);
	CHECK_INT(probe, 1180);
	CHECK_INT(governor_next_send(g, s, 1180), 0);
	governor_on_send(g, s, 1180);
	CHECK(governor_next_send(g, s, 1181) != 0); /* one probe at a time */
	a.ratelimit_remaining = "9";
	governor_on_answer(g, s, 1300, &a);
	for (int i = 0; i < 9; i++) {
		CHECK_INT(governor_next_send(g, s, 1300), 0);
		governor_on_send(g, s, 1300);
	}
	CHECK(governor_next_send(g, s, 1300) != 0);

	/* known bucket (60 per 60 s): the wait is one token at 97% of refill */
	struct gov_scope *k = governor_scope(g, G2, ATLAS_SET_DB_USERS);
	struct atlas_bucket b = { true, 60, 60, 60, 0 };
	governor_set_default_bucket(g, ATLAS_SET_DB_USERS, &b);
	for (int i = 0; i < 3; i++)
		governor_on_send(g, k, 0);
	a.ratelimit_limit = "60";
	a.ratelimit_remaining = "2"; /* 2 left, 2 in flight */
	governor_on_answer(g, k, 0, &a);
	CHECK_INT(governor_next_send(g, k, 0), 1031); /* ceil(1000 / 0.97) */
	CHECK_INT(governor_next_send(g, k, 1031), 0);

	/* an answer that never came releases its slot only */
	struct gov_scope *z = governor_scope(g, "7b7b7b7b7b7b7b7b7b7b7b7b", ATLAS_SET_DB_USERS);
	(void)governor_next_send(g, z, 0); /* starts full: 60 */
	for (int i = 0; i < 60; i++)
		governor_on_send(g, z, 0);
	CHECK(governor_next_send(g, z, 0) != 0);
	governor_on_answer(g, z, 10, &(struct gov_answer){ .status = 0 });
	governor_on_abandon(g, z);
	CHECK(governor_next_send(g, z, 10) != 0); /* the tokens are still spent */
	governor_free(g);
}

static void test_malformed_headers(void)
{
	static const char *const bad[] = { "-5", "abc",  "1e3", "1.5", "99999999999999", "5abc", "",
					   " ",  "0x10", "--1", NULL };
	struct governor *g = governor_new(0);

	for (int i = 0; bad[i]; i++) {
		char gid[32];
		snprintf(gid, sizeof(gid), "%024d", i);
		struct gov_scope *s = governor_scope(g, gid, ATLAS_SET_PROJECT_USERS);
		struct gov_answer a = ans(204);
		a.ratelimit_limit = bad[i];
		a.ratelimit_remaining = bad[i];
		a.ratelimit = bad[i];
		a.ratelimit_policy = bad[i];
		a.retry_after = bad[i];
		int blocked = 0;
		for (int k = 0; k < 50; k++) {
			if (governor_next_send(g, s, k) != 0)
				blocked++;
			governor_on_send(g, s, k);
			governor_on_answer(g, s, k, &a);
		}
		tap_check_int(blocked, 0, __FILE__, __LINE__, bad[i]);
		a.status = 429; /* a malformed Retry-After is no Retry-After: 10 s */
		governor_on_send(g, s, 100);
		governor_on_answer(g, s, 100, &a);
		tap_check_int(governor_held_until(s), 10100, __FILE__, __LINE__, bad[i]);
	}
	/* a well-formed value in the old list form is read */
	struct gov_scope *s = governor_scope(g, G1, ATLAS_SET_DB_USERS);
	struct gov_answer a = ans(204);
	a.ratelimit_remaining = "0, 0;w=60";
	governor_on_send(g, s, 0);
	governor_on_answer(g, s, 0, &a);
	CHECK(governor_next_send(g, s, 0) != 0);
	governor_free(g);
}

static void test_ratelimit_fields(void)
{
	struct governor *g = governor_new(0);
	struct gov_answer a;
	struct gov_scope *s;

	/* older draft: one field */
	s = governor_scope(g, G1, ATLAS_SET_PROJECT_USERS);
	a = ans(204);
	a.ratelimit = "limit=100, remaining=0, reset=30";
	governor_on_send(g, s, 0);
	governor_on_answer(g, s, 0, &a);
	CHECK_INT(governor_next_send(g, s, 0), 30000); /* no refill known: the reset */

	/* IETF structured form */
	s = governor_scope(g, G2, ATLAS_SET_PROJECT_USERS);
	a = ans(204);
	a.ratelimit = "\"default\";r=0;t=5";
	governor_on_send(g, s, 0);
	governor_on_answer(g, s, 0, &a);
	CHECK_INT(governor_next_send(g, s, 0), 5000);

	/* remaining > in flight: go on */
	s = governor_scope(g, "111111111111111111111111", ATLAS_SET_PROJECT_USERS);
	a.ratelimit = "\"default\";r=7;t=5";
	governor_on_send(g, s, 0);
	governor_on_answer(g, s, 0, &a);
	CHECK_INT(governor_next_send(g, s, 0), 0);

	/* RateLimit-Policy gives a refill: pace at 97% of q/w */
	s = governor_scope(g, "222222222222222222222222", ATLAS_SET_PROJECT_USERS);
	a = ans(204);
	a.ratelimit_remaining = "0";
	a.ratelimit_policy = "100;w=60";
	governor_on_send(g, s, 0);
	governor_on_answer(g, s, 0, &a);
	CHECK_INT(governor_next_send(g, s, 0), 619); /* ceil(600 / 0.97) */
	s = governor_scope(g, "333333333333333333333333", ATLAS_SET_PROJECT_USERS);
	a.ratelimit_policy = "\"default\";q=100;w=60";
	governor_on_send(g, s, 0);
	governor_on_answer(g, s, 0, &a);
	CHECK_INT(governor_next_send(g, s, 0), 619);

	/* a project whose RateLimit-Limit differs from the default has its own
	 * bucket: the default refill no longer applies to it */
	struct atlas_bucket d = { true, 1200, 500, 60, 0 };
	governor_set_default_bucket(g, ATLAS_SET_DB_USERS, &d);
	struct gov_scope *same = governor_scope(g, G1, ATLAS_SET_DB_USERS);
	struct gov_scope *own = governor_scope(g, G2, ATLAS_SET_DB_USERS);
	a = ans(204);
	a.ratelimit_remaining = "0";
	a.ratelimit_limit = "1200";
	governor_on_send(g, same, 0);
	governor_on_answer(g, same, 0, &a);
	CHECK_INT(governor_next_send(g, same, 0), 124); /* ceil(120 / 0.97) */
	a.ratelimit_limit = "100";
	governor_on_send(g, own, 0);
	governor_on_answer(g, own, 0, &a);
	CHECK_INT(governor_next_send(g, own, 0), 1000); /* probe: refill unknown */
	governor_free(g);
}

static void test_global_ceiling(void)
{
	struct governor *g = governor_new(10); /* 10 requests per second */
	struct gov_scope *sc[50];
	int sent = 0, gap_bad = 0;
	int64_t last = -1000;

	for (int i = 0; i < 50; i++) {
		char gid[32];
		snprintf(gid, sizeof(gid), "%024d", i);
		sc[i] = governor_scope(g, gid, ATLAS_SET_PROJECT_USERS);
	}
	for (int64_t t = 0; t < 10000; t++) {
		for (int i = 0; i < 50; i++) {
			if (governor_next_send(g, sc[i], t) != 0)
				continue;
			governor_on_send(g, sc[i], t);
			if (t - last < 100)
				gap_bad++;
			last = t;
			sent++;
			governor_on_answer(g, sc[i], t, &(struct gov_answer){ .status = 204 });
		}
	}
	CHECK_INT(gap_bad, 0); /* burst 1: never two within 1/R */
	CHECK(sent >= 99 && sent <= 101);
	/* the hint is exact */
	CHECK_INT(governor_next_send(g, sc[0], 10000), 0);
	governor_on_send(g, sc[0], 10000);
	CHECK_INT(governor_next_send(g, sc[1], 10000), 10100);
	governor_free(g);

	/* a fractional rate does not drift: 3/s over 60 s */
	g = governor_new(3);
	struct gov_scope *s = governor_scope(g, G1, ATLAS_SET_PROJECT_USERS);
	sent = 0;
	for (int64_t t = 0; t < 60000; t++) {
		if (governor_next_send(g, s, t) == 0) {
			governor_on_send(g, s, t);
			governor_on_answer(g, s, t, &(struct gov_answer){ .status = 204 });
			sent++;
		}
	}
	CHECK(sent >= 180 && sent <= 181);
	governor_free(g);
}

static void test_backoff(void)
{
	uint64_t rng = 0x1234567;
	int64_t max_seen[9] = { 0 };
	int out = 0;

	for (int attempt = 1; attempt <= 8; attempt++) {
		int64_t cap = attempt >= 7 ? 60000 : 1000LL << (attempt - 1);
		for (int i = 0; i < 2000; i++) {
			int64_t v = governor_backoff_ms(attempt, &rng);
			if (v < 0 || v > cap)
				out++;
			if (v > max_seen[attempt])
				max_seen[attempt] = v;
		}
		tap_check(max_seen[attempt] > cap * 9 / 10, __FILE__, __LINE__,
			  "backoff spreads to its cap");
	}
	CHECK_INT(out, 0);
	CHECK(governor_backoff_ms(1000, &rng) <= 60000);
	CHECK(governor_backoff_ms(0, &rng) <= 1000);
	rng = 0; /* a zero state is repaired, not stuck */
	int64_t a = governor_backoff_ms(6, &rng), b = governor_backoff_ms(6, &rng);
	CHECK(rng != 0 && (a != b || governor_backoff_ms(6, &rng) != a));
	/* deterministic for a given seed */
	uint64_t r1 = 42, r2 = 42;
	CHECK_INT(governor_backoff_ms(5, &r1), governor_backoff_ms(5, &r2));
}

static void test_many_scopes(void)
{
	struct governor *g = governor_new(0);
	struct gov_scope **p = malloc(5000 * sizeof(*p));
	int same = 0;

	for (int i = 0; i < 5000; i++) {
		char gid[32];
		snprintf(gid, sizeof(gid), "%024x", i);
		p[i] = governor_scope(g, gid, (enum atlas_endpoint_set)(i & 1));
	}
	for (int i = 0; i < 5000; i++) {
		char gid[32];
		snprintf(gid, sizeof(gid), "%024x", i);
		if (governor_scope(g, gid, (enum atlas_endpoint_set)(i & 1)) == p[i])
			same++;
	}
	CHECK_INT(same, 5000);
	CHECK(governor_scope(g, "000000000000000000000000", ATLAS_SET_DB_USERS) != p[0]);
	free(p);
	governor_free(g);
	governor_free(NULL);
}

/* ---- a simulated Atlas: per-project token buckets ---------------------- */

enum sim_mode {
	SIM_NO_HEADERS,  /* 429 only; its body names nothing */
	SIM_HEADERS,     /* RateLimit-Limit/Remaining, 429 + Retry-After */
	SIM_PARAMS_ONLY, /* no headers; 429 body parameters */
};

struct sim_bucket {
	double cap, per_ms, tokens;
	int64_t at;
	int64_t retry_until; /* server side: the Retry-After it gave */
};

struct flight {
	int scope;
	int64_t arrive, answer;
	bool processed;
	long status;
	char limit[24], remaining[24], retry_after[24];
	struct atlas_bucket bucket;
};

struct sim_result {
	long sent, r429, ok_late, hold_violations, server_in_retry;
	double late_seconds;
};

static uint64_t sim_rng = 88172645463325252ULL;

static int64_t jitter(int64_t span)
{
	sim_rng ^= sim_rng << 13;
	sim_rng ^= sim_rng >> 7;
	sim_rng ^= sim_rng << 17;
	return (int64_t)(sim_rng % (uint64_t)span);
}

static void sim_process(struct sim_bucket *b, struct flight *f, enum sim_mode mode,
			const struct atlas_bucket *truth)
{
	int64_t t = f->arrive;

	b->tokens += (double)(t - b->at) * b->per_ms;
	if (b->tokens > b->cap)
		b->tokens = b->cap;
	b->at = t;
	f->processed = true;
	f->limit[0] = f->remaining[0] = f->retry_after[0] = '\0';
	memset(&f->bucket, 0, sizeof(f->bucket));
	if (b->tokens >= 1) {
		b->tokens -= 1;
		f->status = 204;
	} else {
		f->status = 429;
		double wait_s = ceil((1 - b->tokens) / b->per_ms / 1000.0);
		if (mode == SIM_HEADERS)
			snprintf(f->retry_after, sizeof(f->retry_after), "%.0f", wait_s);
		if (mode == SIM_PARAMS_ONLY) {
			f->bucket = *truth;
			f->bucket.retry_after_s = wait_s;
		}
		int64_t until = t + (int64_t)wait_s * 1000;
		if (until > b->retry_until)
			b->retry_until = until;
	}
	if (mode == SIM_HEADERS) {
		snprintf(f->limit, sizeof(f->limit), "%.0f", b->cap);
		snprintf(f->remaining, sizeof(f->remaining), "%.0f", floor(b->tokens));
	}
}

/*
 * Runs `seconds` of a client with `conc` requests in flight against
 * `nscopes` projects with the same bucket, one-way latency 40-80 ms.
 * Counts successes processed after the first minute (steady state).
 */
static struct sim_result simulate_default(enum sim_mode mode, const struct atlas_bucket *truth,
					  const struct atlas_bucket *assumed, int nscopes, int conc,
					  int seconds)
{
	struct governor *g = governor_new(0);
	struct gov_scope *sc[8];
	struct sim_bucket sb[8];
	struct flight *fl = calloc((size_t)conc, sizeof(*fl));
	bool *busy = calloc((size_t)conc, sizeof(*busy));
	struct sim_result res = { 0 };
	int in_flight = 0, rr = 0;
	const int64_t end = (int64_t)seconds * 1000, steady = 60000;

	if (assumed)
		governor_set_default_bucket(g, ATLAS_SET_PROJECT_USERS, assumed);
	for (int i = 0; i < nscopes; i++) {
		char gid[32];
		snprintf(gid, sizeof(gid), "%024d", i + 1);
		sc[i] = governor_scope(g, gid, ATLAS_SET_PROJECT_USERS);
		sb[i] = (struct sim_bucket){ truth->capacity,
					     truth->refill_rate / (truth->refill_seconds * 1000.0),
					     truth->capacity, 0, 0 };
	}
	for (int64_t now = 0; now < end; now++) {
		/* the server processes arrivals, in order of arrival */
		for (int i = 0; i < conc; i++)
			if (busy[i] && !fl[i].processed && fl[i].arrive <= now) {
				struct sim_bucket *b = &sb[fl[i].scope];
				if (fl[i].arrive < b->retry_until)
					res.server_in_retry++; /* sent before the 429 was known */
				sim_process(b, &fl[i], mode, truth);
				if (fl[i].status == 429) {
					res.r429++;
					if (getenv("SIM_DEBUG"))
						fprintf(stderr, "429 scope %d at %lld\n",
							fl[i].scope, (long long)now);
				} else if (fl[i].arrive >= steady)
					res.ok_late++;
			}
		/* answers reach the client */
		for (int i = 0; i < conc; i++)
			if (busy[i] && fl[i].processed && fl[i].answer <= now) {
				struct gov_answer a = ans(fl[i].status);
				a.ratelimit_limit = fl[i].limit[0] ? fl[i].limit : NULL;
				a.ratelimit_remaining = fl[i].remaining[0] ? fl[i].remaining : NULL;
				a.retry_after = fl[i].retry_after[0] ? fl[i].retry_after : NULL;
				a.bucket = fl[i].bucket.known ? &fl[i].bucket : NULL;
				governor_on_answer(g, sc[fl[i].scope], now, &a);
				busy[i] = false;
				in_flight--;
			}
		/* the engine tops up, round robin over projects */
		for (int tries = 0; tries < nscopes && in_flight < conc; tries++) {
			int k = rr++ % nscopes;
			while (in_flight < conc && governor_next_send(g, sc[k], now) == 0) {
				if (governor_held_until(sc[k]) > now)
					res.hold_violations++;
				int i = 0;
				while (busy[i])
					i++;
				governor_on_send(g, sc[k], now);
				busy[i] = true;
				in_flight++;
				res.sent++;
				fl[i] = (struct flight){ .scope = k };
				fl[i].arrive = now + 40 + jitter(40);
				fl[i].answer = fl[i].arrive + 40 + jitter(40);
			}
		}
	}
	res.late_seconds = (double)(end - steady) / 1000.0;
	free(fl);
	free(busy);
	governor_free(g);
	return res;
}

static struct sim_result simulate(enum sim_mode mode, const struct atlas_bucket *truth,
				  bool default_known, int nscopes, int conc, int seconds)
{
	return simulate_default(mode, truth, default_known ? truth : NULL, nscopes, conc, seconds);
}

static void check_sim(const char *name, struct sim_result r, const struct atlas_bucket *truth,
		      int nscopes, int line)
{
	double refill = truth->refill_rate / truth->refill_seconds * nscopes; /* per second */
	double thr = (double)r.ok_late / r.late_seconds;
	double ratio = (double)r.r429 / (double)r.sent;

	printf("# %s: sent %ld, 429 %ld (%.3f%%), steady %.2f/s of %.2f/s (%.1f%%), "
	       "arrived during a Retry-After %ld\n",
	       name, r.sent, r.r429, ratio * 100, thr, refill, thr / refill * 100,
	       r.server_in_retry);
	tap_check(ratio < 0.01, __FILE__, line, "429s under 1% of requests");
	tap_check(thr >= 0.9 * refill, __FILE__, line, "throughput at least 90% of refill");
	tap_check(thr <= 1.01 * refill, __FILE__, line, "throughput not above refill");
	tap_check_int(r.hold_violations, 0, __FILE__, line, "no send while held");
}

static void test_pacing(void)
{
	const struct atlas_bucket cloud = { true, 1200, 500, 60, 0 };
	const struct atlas_bucket small = { true, 100, 100, 60, 0 };
	struct sim_result r;

	r = simulate(SIM_NO_HEADERS, &cloud, true, 1, 8, 300);
	check_sim("known from the start", r, &cloud, 1, __LINE__);
	CHECK_INT(r.r429, 0);

	r = simulate(SIM_HEADERS, &cloud, false, 1, 8, 300);
	check_sim("headers only", r, &cloud, 1, __LINE__);

	r = simulate(SIM_PARAMS_ONLY, &cloud, false, 1, 8, 300);
	check_sim("no headers, 429 parameters", r, &cloud, 1, __LINE__);

	/* several projects at once, each paced on its own */
	r = simulate(SIM_HEADERS, &small, false, 4, 16, 300);
	check_sim("headers only, 4 projects", r, &small, 4, __LINE__);
	r = simulate(SIM_PARAMS_ONLY, &cloud, false, 3, 16, 300);
	check_sim("429 parameters, 3 projects", r, &cloud, 3, __LINE__);
	r = simulate(SIM_HEADERS, &cloud, true, 2, 8, 300);
	check_sim("known and headers, 2 projects", r, &cloud, 2, __LINE__);

	/* many in flight: answers overtake each other more */
	r = simulate(SIM_HEADERS, &cloud, false, 2, 64, 300);
	check_sim("headers only, 64 in flight", r, &cloud, 2, __LINE__);

	/* a slow bucket: one token every 2 s, learned from headers alone */
	const struct atlas_bucket slow = { true, 20, 30, 60, 0 };
	r = simulate(SIM_HEADERS, &slow, false, 1, 8, 600);
	check_sim("headers only, slow refill", r, &slow, 1, __LINE__);

	/* the default says 1200/500 but this project's bucket is 100/100:
	 * RateLimit-Limit tells it apart */
	r = simulate_default(SIM_HEADERS, &small, &cloud, 1, 8, 300);
	check_sim("override learned from RateLimit-Limit", r, &small, 1, __LINE__);
}

int main(void)
{
	test_parse_retry_after();
	test_retry_after_hold();
	test_429_without_retry_after();
	test_remaining_in_flight();
	test_malformed_headers();
	test_ratelimit_fields();
	test_global_ceiling();
	test_backoff();
	test_many_scopes();
	test_pacing();
	return tap_done();
}
