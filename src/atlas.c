#include "atlas.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Paths and media types (SPEC section 1) ------------------------------- */

static bool is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

void atlas_encode_segment(struct ob_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	/*
	 * "." is unreserved, so RFC 3986 lets it through; but a whole segment
	 * of "." or ".." is a dot-segment that curl, a proxy or the server may
	 * resolve ("/users/.." is "/groups/{g}"). Encoded, it is just a name.
	 */
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0) {
		for (const char *p = s; *p; p++)
			ob_buf_addstr(out, "%2E");
		return;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (is_unreserved(*p)) {
			ob_buf_addch(out, (char)*p);
		} else {
			char esc[3] = { '%', hex[*p >> 4], hex[*p & 0x0f] };
			ob_buf_add(out, esc, sizeof(esc));
		}
	}
}

void atlas_job_path(struct ob_buf *out, const struct job *j, enum atlas_api api)
{
	if (j->kind == JOB_DB_USER) {
		ob_buf_addstr(out, "/api/atlas/v2/groups/");
		atlas_encode_segment(out, j->group_id);
		ob_buf_addstr(out, "/databaseUsers/");
		atlas_encode_segment(out, j->database_name ? j->database_name : "");
		ob_buf_addch(out, '/');
		atlas_encode_segment(out, j->username ? j->username : "");
		return;
	}
	ob_buf_addstr(out,
		      api == ATLAS_API_V1 ? "/api/atlas/v1.0/groups/" : "/api/atlas/v2/groups/");
	atlas_encode_segment(out, j->group_id);
	ob_buf_addstr(out, "/users/");
	atlas_encode_segment(out, j->user_id);
}

const char *atlas_job_accept(const struct job *j, enum atlas_api api)
{
	if (j->kind == JOB_DB_USER)
		return ATLAS_ACCEPT_DB_USER;
	return api == ATLAS_API_V1 ? ATLAS_ACCEPT_V1 : ATLAS_ACCEPT_PROJECT_USER_V2;
}

enum atlas_endpoint_set atlas_job_endpoint_set(const struct job *j)
{
	return j->kind == JOB_DB_USER ? ATLAS_SET_DB_USERS : ATLAS_SET_PROJECT_USERS;
}

/* As the paths appear in the API description (v2.yaml, subset.json). */
static const char *const set_paths[ATLAS_SET_COUNT] = {
	[ATLAS_SET_PROJECT_USERS] = "/api/atlas/v2/groups/{groupId}/users/{userId}",
	[ATLAS_SET_DB_USERS] =
		"/api/atlas/v2/groups/{groupId}/databaseUsers/{databaseName}/{username}",
};

const char *atlas_endpoint_set_path(enum atlas_endpoint_set set, enum atlas_api api)
{
	(void)api; /* see atlas.h: v1.0 is not described by rateLimits */
	if ((unsigned)set >= ATLAS_SET_COUNT)
		set = ATLAS_SET_PROJECT_USERS;
	return set_paths[set];
}

/* Small helpers for untrusted answers ------------------------------------ */

/*
 * Copies an error code: printable ASCII only, stopping at the first byte
 * that is not (an error code is an identifier; anything else is noise we
 * would rather not store in the audit log). Leading/trailing blanks dropped.
 */
static void copy_code(char *dst, size_t cap, const char *src)
{
	size_t n = 0;

	dst[0] = '\0';
	if (!src)
		return;
	while (*src == ' ' || *src == '\t')
		src++;
	while (*src && n + 1 < cap) {
		unsigned char c = (unsigned char)*src++;
		if (c <= 0x20 || c >= 0x7f)
			break;
		dst[n++] = (char)c;
	}
	dst[n] = '\0';
}

/* The length of the UTF-8 sequence starting with lead byte c (1 if invalid). */
static size_t utf8_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		return 2;
	if ((c & 0xf0) == 0xe0)
		return 3;
	if ((c & 0xf8) == 0xf0)
		return 4;
	return 1;
}

/*
 * Copies a human-readable detail: control characters become spaces (it ends
 * up on one line of a report or the audit log), and truncation never splits
 * a UTF-8 sequence.
 */
static void copy_detail(char *dst, size_t cap, const char *src)
{
	size_t n = 0;

	dst[0] = '\0';
	if (!src)
		return;
	while (*src) {
		unsigned char c = (unsigned char)*src;
		size_t k = utf8_len(c);
		if (n + k >= cap)
			break;
		if (k == 1) {
			dst[n++] = (c < 0x20 || c == 0x7f || c >= 0x80) ? ' ' : (char)c;
			src++;
			continue;
		}
		size_t i;
		for (i = 1; i < k; i++)
			if (((unsigned char)src[i] & 0xc0) != 0x80)
				break;
		if (i < k) { /* broken sequence: one replacement, go on */
			dst[n++] = '?';
			src++;
			continue;
		}
		memcpy(dst + n, src, k);
		n += k;
		src += k;
	}
	dst[n] = '\0';
}

static bool code_in(const char *code, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(code, *list) == 0)
			return true;
	return false;
}

/* A sane positive count or duration: finite, > 0, and not absurd. */
#define SANE_MAX 1e9

static bool sane_positive(double v)
{
	return isfinite(v) && v > 0 && v <= SANE_MAX;
}

/*
 * A JSON number, or a string holding only a decimal number (Atlas's 429
 * parameters have been seen both ways). Returns false for anything else.
 */
static bool json_number(const cJSON *item, double *out)
{
	if (cJSON_IsNumber(item)) {
		*out = item->valuedouble;
		return isfinite(*out);
	}
	if (cJSON_IsString(item) && item->valuestring) {
		const char *s = item->valuestring;
		char *end;
		while (*s == ' ')
			s++;
		if (!(isdigit((unsigned char)*s) || *s == '-' || *s == '+' || *s == '.'))
			return false;
		double v = strtod(s, &end);
		if (end == s)
			return false;
		while (*end == ' ')
			end++;
		if (*end != '\0' || !isfinite(v))
			return false;
		*out = v;
		return true;
	}
	return false;
}

static void bucket_set(struct atlas_bucket *b, double cap, double rate, double secs)
{
	if (sane_positive(cap) && sane_positive(rate) && sane_positive(secs)) {
		b->known = true;
		b->capacity = cap;
		b->refill_rate = rate;
		b->refill_seconds = secs;
	}
}

/*
 * A 429 body's `parameters`, as Atlas documents them:
 *   ["api/atlas/v2/orgs", 55, 10, 5, 60]
 *   endpoint, retry-after seconds, capacity, refill rate, refill seconds.
 * We take the last four numeric entries (numbers or numeric strings), so a
 * missing or numeric-looking endpoint does not shift the meaning; fewer than
 * four numbers is ambiguous and yields nothing.
 */
static bool bucket_from_parameters(const cJSON *params, struct atlas_bucket *b)
{
	double num[4];
	int n = 0;
	const cJSON *it;

	if (!cJSON_IsArray(params))
		return false;
	cJSON_ArrayForEach(it, params)
	{
		double v;
		if (!json_number(it, &v))
			continue;
		if (n == 4) {
			memmove(num, num + 1, 3 * sizeof(num[0]));
			n = 3;
		}
		num[n++] = v;
	}
	if (n < 4)
		return false;
	bucket_set(b, num[1], num[2], num[3]);
	if (isfinite(num[0]) && num[0] > 0 && num[0] <= 86400)
		b->retry_after_s = num[0];
	return b->known;
}

/* The first case-insensitive occurrence of ASCII `word` in `s`, or NULL. */
static const char *find_ci(const char *s, const char *word)
{
	size_t wl = strlen(word);

	for (; *s; s++)
		if (strncasecmp(s, word, wl) == 0)
			return s;
	return NULL;
}

/* The first number shortly after `word` in `s` (non-negative decimal), or -1. */
static double number_after(const char *s, const char *word)
{
	const char *p = s ? find_ci(s, word) : NULL;
	const char *q;
	char *end;

	if (!p)
		return -1;
	q = p + strlen(word);
	/* Only a label's own number: at most a few separators in between. */
	for (int skip = 0; *q && !isdigit((unsigned char)*q); q++, skip++)
		if (skip > 3 || isalpha((unsigned char)*q))
			return -1;
	if (!isdigit((unsigned char)*q))
		return -1;
	double v = strtod(q, &end);
	return isfinite(v) ? v : -1;
}

/*
 * The fallback when `parameters` fail: the same numbers in `detail`, e.g.
 * "Rate limit exceeded for api/atlas/v2/orgs. Please retry after 55 seconds.
 * Request capacity: 10. Refill rate: 5 per 60 seconds." English prose is a
 * weaker source than the array, hence second; each number is looked up by
 * its label, so a reworded sentence yields nothing rather than nonsense.
 */
static void bucket_from_detail(const char *detail, struct atlas_bucket *b)
{
	double ra = number_after(detail, "retry after");
	double cap = number_after(detail, "capacity");
	double rate = number_after(detail, "refill rate");
	const char *r = find_ci(detail, "refill rate");
	double secs = r ? number_after(r, " per") : -1;
	bucket_set(b, cap, rate, secs);
	if (b->retry_after_s <= 0 && ra > 0 && ra <= 86400)
		b->retry_after_s = ra;
}

/*
 * Parses a whole body as JSON: trailing bytes other than whitespace (junk, a
 * second document, an embedded NUL) make it not JSON. cJSON alone would
 * stop at the first complete value and ignore the rest.
 */
static cJSON *parse_json(const char *body, size_t len)
{
	const char *end = NULL;
	cJSON *root;

	if (!body || len == 0)
		return NULL;
	root = cJSON_ParseWithLengthOpts(body, len, &end, false);
	if (!root)
		return NULL;
	for (const char *p = end; p && p < body + len; p++) {
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
			cJSON_Delete(root);
			return NULL;
		}
	}
	return root;
}

/* Classification (SPEC section 6) ---------------------------------------- */

static const char *const absent_codes[] = { "USER_NOT_IN_GROUP", "USER_NOT_FOUND",
					    "USERNAME_NOT_FOUND", NULL };
static const char *const project_401_codes[] = { "NOT_IN_GROUP", "USER_CANNOT_ACCESS_GROUP", NULL };
static const char *const access_list_codes[] = { "IP_ADDRESS_NOT_ON_ACCESS_LIST",
						 "ORG_REQUIRES_ACCESS_LIST",
						 "IP_ADDRESS_NOT_ON_WHITELIST",
						 "ORG_REQUIRES_WHITELIST", NULL };

static enum atlas_verdict verdict_for(long status, const char *code)
{
	if (status == 0)
		return ATLAS_RETRY; /* no answer, timeout, reset */
	if (status >= 200 && status < 300)
		return ATLAS_DONE;
	switch (status) {
	case 404: return code_in(code, absent_codes) ? ATLAS_ABSENT : ATLAS_FAILED;
	case 401: return code_in(code, project_401_codes) ? ATLAS_FAILED : ATLAS_STOP_AUTH;
	case 403: return code_in(code, access_list_codes) ? ATLAS_STOP_ACCESS : ATLAS_FAILED;
	case 406:
	case 410:
		/* Any 410, not just VERSION_GONE: a versioned API that says
		 * "gone" will say it to every job; stopping is the cheap fix. */
		return ATLAS_STOP_VERSION;
	case 429: return ATLAS_RATE_LIMITED;
	case 500:
	case 502:
	case 503:
	case 504: return ATLAS_RETRY;
	default: break;
	}
	/*
	 * Everything else fails the job, with the reason kept, and
	 * `retry-failed` can queue it again. That includes the 5xx the table
	 * does not name (501 Not Implemented, 505 HTTP Version Not Supported,
	 * 507, 508, 511...): they describe the request or the server's
	 * configuration, not a passing fault, so retrying would only repeat
	 * them --max-attempts times per job; if they hit every job,
	 * --max-failures stops the run. A 3xx also lands here: redirects are
	 * not followed, and a redirect means the base URL is wrong. 1xx and
	 * out-of-range statuses are protocol garbage and fail the same way.
	 */
	return ATLAS_FAILED;
}

void atlas_classify(const struct atlas_answer *a, struct atlas_outcome *out)
{
	cJSON *root = NULL;

	memset(out, 0, sizeof(*out));
	root = parse_json(a->body, a->body_len);
	if (cJSON_IsObject(root)) {
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(root, "errorCode");
		const cJSON *detail = cJSON_GetObjectItemCaseSensitive(root, "detail");
		if (cJSON_IsString(code))
			copy_code(out->error_code, sizeof(out->error_code), code->valuestring);
		if (!cJSON_IsString(detail) || !detail->valuestring[0])
			detail = cJSON_GetObjectItemCaseSensitive(root, "reason");
		if (cJSON_IsString(detail))
			copy_detail(out->detail, sizeof(out->detail), detail->valuestring);
		if (a->status == 429) {
			const cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "parameters");
			const cJSON *d = cJSON_GetObjectItemCaseSensitive(root, "detail");
			if (!bucket_from_parameters(params, &out->bucket) && cJSON_IsString(d))
				bucket_from_detail(d->valuestring, &out->bucket);
		}
	}
	if (!out->error_code[0])
		copy_code(out->error_code, sizeof(out->error_code), a->x_error_code);
	out->verdict = verdict_for(a->status, out->error_code);
	cJSON_Delete(root);
}

const char *atlas_verdict_name(enum atlas_verdict v)
{
	switch (v) {
	case ATLAS_DONE: return "done";
	case ATLAS_ABSENT: return "absent";
	case ATLAS_FAILED: return "failed";
	case ATLAS_STOP_AUTH:
	case ATLAS_STOP_ACCESS:
	case ATLAS_STOP_VERSION: return "stopped";
	case ATLAS_RATE_LIMITED: return "rate_limited";
	case ATLAS_RETRY: return "retry";
	}
	return "failed";
}

/* The rateLimits endpoint ------------------------------------------------- */

/*
 * Compares two templated paths, ignoring a leading '/', a trailing '/', and
 * the names inside braces ("{GROUP-ID}" matches "{groupId}"): the set is
 * identified by its shape, not by how a template names its variables.
 */
static bool template_eq(const char *a, const char *b)
{
	if (*a == '/')
		a++;
	if (*b == '/')
		b++;
	while (*a && *b) {
		if (*a == '{' && *b == '{') {
			while (*a && *a != '}')
				a++;
			while (*b && *b != '}')
				b++;
			if (!*a || !*b)
				return false;
			a++;
			b++;
			continue;
		}
		if (*a != *b)
			return false;
		a++;
		b++;
	}
	if (*a == '/')
		a++;
	if (*b == '/')
		b++;
	return *a == '\0' && *b == '\0';
}

/* 1: the set lists our endpoint; 0: it lists others; -1: lists none. */
static int set_matches(const cJSON *set, const char *path)
{
	const cJSON *eps = cJSON_GetObjectItemCaseSensitive(set, "endpoints");
	const cJSON *ep;
	int seen = 0;

	if (!cJSON_IsArray(eps))
		return -1;
	cJSON_ArrayForEach(ep, eps)
	{
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(ep, "path");
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(ep, "method");
		if (!cJSON_IsString(p))
			continue;
		seen = 1;
		if (cJSON_IsString(m) && strcasecmp(m->valuestring, "DELETE") != 0)
			continue;
		if (template_eq(p->valuestring, path))
			return 1;
	}
	return seen ? 0 : -1;
}

/* `capacity: {"value": 1200, "defaultValue": ...}`, or a bare number. */
static double set_value(const cJSON *set, const char *name)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(set, name);
	double v;

	if (cJSON_IsObject(f))
		f = cJSON_GetObjectItemCaseSensitive(f, "value");
	return json_number(f, &v) ? v : -1;
}

static bool bucket_from_set(const cJSON *set, struct atlas_bucket *b)
{
	memset(b, 0, sizeof(*b));
	bucket_set(b, set_value(set, "capacity"), set_value(set, "refillRate"),
		   set_value(set, "refillDurationSeconds"));
	return b->known;
}

bool atlas_parse_rate_limits(const char *body, size_t len, enum atlas_endpoint_set set,
			     struct atlas_bucket *out)
{
	const char *path = atlas_endpoint_set_path(set, ATLAS_API_V2);
	cJSON *root = NULL;
	const cJSON *results, *it;
	struct atlas_bucket best = { 0 }, b;
	bool best_group = false, found = false;
	int unlabelled = 0;
	const cJSON *unlabelled_set = NULL;

	memset(out, 0, sizeof(*out));
	if (!body || len == 0)
		return false;
	root = parse_json(body, len);
	if (!cJSON_IsObject(root))
		goto done;

	results = cJSON_GetObjectItemCaseSensitive(root, "results");
	if (!cJSON_IsArray(results)) {
		/* One endpoint set (GET /rateLimits/{endpointSetId}). */
		int m = set_matches(root, path);
		if (m == 1 || m == -1)
			found = bucket_from_set(root, &best);
		goto done;
	}
	cJSON_ArrayForEach(it, results)
	{
		if (!cJSON_IsObject(it))
			continue;
		int m = set_matches(it, path);
		if (m == -1) {
			unlabelled++;
			unlabelled_set = it;
		}
		if (m != 1 || !bucket_from_set(it, &b))
			continue;
		/* Our buckets are per project: prefer the GROUP-scoped set. */
		const cJSON *scope = cJSON_GetObjectItemCaseSensitive(it, "scope");
		bool group = cJSON_IsString(scope) && strcmp(scope->valuestring, "GROUP") == 0;
		if (!found || (group && !best_group)) {
			best = b;
			best_group = group;
			found = true;
		}
	}
	/*
	 * The query filters by endpointPath, so a page whose single set lists
	 * no endpoints at all is that set; several unlabelled sets are not
	 * guessed between.
	 */
	if (!found && unlabelled == 1 && cJSON_GetArraySize(results) == 1)
		found = bucket_from_set(unlabelled_set, &best);
done:
	if (found)
		*out = best;
	cJSON_Delete(root);
	return found;
}
