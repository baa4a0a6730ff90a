/*
 * atlas.h - how one job becomes one Atlas request, and how one Atlas answer
 * becomes one outcome (SPEC sections 1 and 6). Pure functions: no I/O, no
 * libcurl handles, no globals.
 *
 * Paths: every segment is percent-encoded per RFC 3986 (only A-Z a-z 0-9
 * - . _ ~ pass through), so no username can change which path is requested.
 */
#ifndef OB_ATLAS_H
#define OB_ATLAS_H

#include "job.h"
#include "mem.h"

#include <stdbool.h>
#include <stddef.h>

enum atlas_api {
	ATLAS_API_V2 = 0, /* /api/atlas/v2/groups/{g}/users/{u}, 2025-02-19 */
	ATLAS_API_V1 = 1  /* /api/atlas/v1.0/groups/{g}/users/{u}, application/json */
};

/* Rate-limit endpoint sets: Atlas keeps one bucket per project per set. */
enum atlas_endpoint_set { ATLAS_SET_PROJECT_USERS = 0, ATLAS_SET_DB_USERS = 1 };
#define ATLAS_SET_COUNT 2

#define ATLAS_ACCEPT_V1 "application/json"
#define ATLAS_ACCEPT_PROJECT_USER_V2 "application/vnd.atlas.2025-02-19+json"
#define ATLAS_ACCEPT_DB_USER "application/vnd.atlas.2023-01-01+json"
#define ATLAS_ACCEPT_RATE_LIMITS "application/vnd.atlas.2025-03-12+json"
#define ATLAS_RATE_LIMITS_PATH "/api/atlas/v2/rateLimits"

/*
 * Appends `s` percent-encoded as one path segment: bytes outside
 * A-Z a-z 0-9 - . _ ~ become %XX (uppercase hex). A segment that is exactly
 * "." or ".." is written "%2E" / "%2E%2E" so that no dot-segment reaches a
 * URL normaliser (RFC 3986 section 5.2.4) and changes the path.
 */
void atlas_encode_segment(struct ob_buf *out, const char *s);

/* Appends the DELETE path for `j` (starting with "/api/..."). */
void atlas_job_path(struct ob_buf *out, const struct job *j, enum atlas_api api);

/* The Accept media type for `j`'s request. Static string. */
const char *atlas_job_accept(const struct job *j, enum atlas_api api);

enum atlas_endpoint_set atlas_job_endpoint_set(const struct job *j);

/*
 * The endpointPath value for GET /api/atlas/v2/rateLimits?endpointPath=...
 * for a set (the templated path as the API description names it, e.g.
 * "/api/atlas/v2/groups/{groupId}/users/{userId}"). Static string, never NULL.
 * The rateLimits endpoint describes v2 endpoints only, so for ATLAS_API_V1
 * this is still the v2 path of the same resource: the best prior there is,
 * corrected per project by the answers' own headers.
 */
const char *atlas_endpoint_set_path(enum atlas_endpoint_set set, enum atlas_api api);

/* One answer as the engine saw it. */
struct atlas_answer {
	long status;      /* HTTP status; 0 when there was no answer */
	const char *body; /* may be NULL; not NUL-terminated necessarily */
	size_t body_len;
	const char *x_error_code; /* X-Error-Code header or NULL */
};

enum atlas_verdict {
	ATLAS_DONE,         /* 2xx */
	ATLAS_ABSENT,       /* 404 USER_NOT_IN_GROUP / USER_NOT_FOUND / USERNAME_NOT_FOUND */
	ATLAS_FAILED,       /* terminal failure for this job only */
	ATLAS_STOP_AUTH,    /* 401 not about one project: credentials refused */
	ATLAS_STOP_ACCESS,  /* 403 access list: this machine is not allowed */
	ATLAS_STOP_VERSION, /* 406, 410: the request is out of date */
	ATLAS_RATE_LIMITED, /* 429 */
	ATLAS_RETRY         /* 5xx of section 6, no answer: retry with backoff */
};

/*
 * A bucket as Atlas describes it (rateLimits endpoint or a 429 body).
 * `known` is true only when capacity, refill_rate and refill_seconds are all
 * valid (finite, > 0). A 429 body may name the wait alone: retry_after_s is
 * then > 0 while `known` stays false.
 */
struct atlas_bucket {
	bool known;
	double capacity;       /* requests */
	double refill_rate;    /* requests per refill_seconds */
	double refill_seconds; /* seconds */
	double retry_after_s;  /* 429 body only: the wait Atlas named; 0 when none */
};

struct atlas_outcome {
	enum atlas_verdict verdict;
	char error_code[64];        /* errorCode from the body, else X-Error-Code, else "" */
	char detail[256];           /* detail (else reason) from a JSON body, truncated, else "" */
	struct atlas_bucket bucket; /* 429 body parameters, when present */
};

/* Classifies one answer per SPEC section 6. Never fails. */
void atlas_classify(const struct atlas_answer *a, struct atlas_outcome *out);

/* The outcome word stored for an attempt: "done", "absent", "failed",
 * "stopped", "rate_limited", "retry". Static string. */
const char *atlas_verdict_name(enum atlas_verdict v);

/*
 * Parses a GET /api/atlas/v2/rateLimits answer body (one object, or a page
 * with "results") and fills `out` with the bucket whose endpoint set matches
 * `set`. Returns true when a bucket was found.
 */
bool atlas_parse_rate_limits(const char *body, size_t len, enum atlas_endpoint_set set,
			     struct atlas_bucket *out);

#endif
