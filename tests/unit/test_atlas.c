/*
 * test_atlas.c - paths, percent-encoding, media types and the SPEC section 6
 * classification of answers, including hostile bodies.
 */
#include "atlas.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *enc(const char *s)
{
	struct ob_buf b;

	ob_buf_init(&b);
	atlas_encode_segment(&b, s);
	return ob_buf_detach(&b);
}

static void check_enc(const char *in, const char *want, int line)
{
	char *got = enc(in);

	tap_check_str(got, want, __FILE__, line, in);
	free(got);
}
#define CHECK_ENC(in, want) check_enc((in), (want), __LINE__)

static void test_encoding(void)
{
	CHECK_ENC("arn:aws:iam::123456789012:user/alice",
		  "arn%3Aaws%3Aiam%3A%3A123456789012%3Auser%2Falice");
	CHECK_ENC("CN=alice,OU=eng,O=Example Corp", "CN%3Dalice%2COU%3Deng%2CO%3DExample%20Corp");
	CHECK_ENC("0oa1b2c3d4/alice@example.com", "0oa1b2c3d4%2Falice%40example.com");
	CHECK_ENC("$external", "%24external");
	CHECK_ENC("%", "%25");
	CHECK_ENC("+", "%2B");
	CHECK_ENC(" ", "%20");
	CHECK_ENC("caf\xc3\xa9", "caf%C3%A9"); /* UTF-8 bytes, uppercase hex */
	CHECK_ENC("\xf0\x9f\x98\x80", "%F0%9F%98%80");
	CHECK_ENC("AZaz09-._~", "AZaz09-._~"); /* the unreserved set passes */
	CHECK_ENC("?#[]&;", "%3F%23%5B%5D%26%3B");
	/* dot-segments would be resolved away: encode them as names */
	CHECK_ENC(".", "%2E");
	CHECK_ENC("..", "%2E%2E");
	CHECK_ENC("...", "..."); /* not a dot-segment */
	CHECK_ENC("a..b", "a..b");
	CHECK_ENC("../admin", "..%2Fadmin");
	CHECK_ENC("", "");
}

static void test_paths(void)
{
	struct job j;
	struct ob_buf b;

	ob_buf_init(&b);
	job_init(&j);
	j.kind = JOB_PROJECT_USER;
	memcpy(j.group_id, "5f1a2b3c4d5e6f7a8b9c0d1e", 25);
	memcpy(j.user_id, "0123456789abcdef01234567", 25);
	atlas_job_path(&b, &j, ATLAS_API_V2);
	CHECK_STR(b.ptr,
		  "/api/atlas/v2/groups/5f1a2b3c4d5e6f7a8b9c0d1e/users/0123456789abcdef01234567");
	CHECK_STR(atlas_job_accept(&j, ATLAS_API_V2), "application/vnd.atlas.2025-02-19+json");
	CHECK_INT(atlas_job_endpoint_set(&j), ATLAS_SET_PROJECT_USERS);
	ob_buf_reset(&b);
	atlas_job_path(&b, &j, ATLAS_API_V1);
	CHECK_STR(b.ptr,
		  "/api/atlas/v1.0/groups/5f1a2b3c4d5e6f7a8b9c0d1e/users/0123456789abcdef01234567");
	CHECK_STR(atlas_job_accept(&j, ATLAS_API_V1), "application/json");

	j.kind = JOB_DB_USER;
	j.user_id[0] = '\0';
	j.database_name = strdup("$external");
	j.username = strdup("arn:aws:iam::123456789012:user/alice");
	for (int api = 0; api < 2; api++) { /* the db-user path has no v1 form */
		ob_buf_reset(&b);
		atlas_job_path(&b, &j, (enum atlas_api)api);
		CHECK_STR(b.ptr,
			  "/api/atlas/v2/groups/5f1a2b3c4d5e6f7a8b9c0d1e/databaseUsers/%24external/"
			  "arn%3Aaws%3Aiam%3A%3A123456789012%3Auser%2Falice");
		CHECK_STR(atlas_job_accept(&j, (enum atlas_api)api),
			  "application/vnd.atlas.2023-01-01+json");
	}
	CHECK_INT(atlas_job_endpoint_set(&j), ATLAS_SET_DB_USERS);

	free(j.username);
	j.username = strdup("..");
	ob_buf_reset(&b);
	atlas_job_path(&b, &j, ATLAS_API_V2);
	CHECK_STR(b.ptr,
		  "/api/atlas/v2/groups/5f1a2b3c4d5e6f7a8b9c0d1e/databaseUsers/%24external/%2E%2E");

	CHECK_STR(atlas_endpoint_set_path(ATLAS_SET_PROJECT_USERS, ATLAS_API_V2),
		  "/api/atlas/v2/groups/{groupId}/users/{userId}");
	CHECK_STR(atlas_endpoint_set_path(ATLAS_SET_PROJECT_USERS, ATLAS_API_V1),
		  "/api/atlas/v2/groups/{groupId}/users/{userId}");
	CHECK_STR(atlas_endpoint_set_path(ATLAS_SET_DB_USERS, ATLAS_API_V2),
		  "/api/atlas/v2/groups/{groupId}/databaseUsers/{databaseName}/{username}");
	job_release(&j);
	ob_buf_release(&b);
}

/* One answer, four ways: JSON body, X-Error-Code only, HTML, empty. */
static enum atlas_verdict classify(long status, const char *body, const char *xcode,
				   struct atlas_outcome *o)
{
	struct atlas_answer a = { status, body, body ? strlen(body) : 0, xcode };

	atlas_classify(&a, o);
	return o->verdict;
}

static void check_row(long status, const char *code, enum atlas_verdict want, int line)
{
	struct atlas_outcome o;
	char json[512];
	static const char html[] =
		"<html><body><h1>Error</h1><p>{\"errorCode\":\"X\"</p></body></html>";

	if (code)
		snprintf(json, sizeof(json),
			 "{\"detail\":\"d\",\"error\":%ld,\"errorCode\":\"%s\",\"parameters\":[],"
			 "\"reason\":\"r\"}",
			 status, code);
	else
		snprintf(json, sizeof(json), "{\"error\":%ld,\"reason\":\"r\"}", status);
	tap_check_int(classify(status, json, NULL, &o), want, __FILE__, line, "json body");
	tap_check_str(o.error_code, code ? code : "", __FILE__, line, "json error_code");
	tap_check_int(classify(status, NULL, code, &o), want, __FILE__, line, "x-error-code only");
	tap_check_str(o.error_code, code ? code : "", __FILE__, line, "header error_code");
	tap_check_int(classify(status, html, code, &o), want, __FILE__, line, "html + header");
	tap_check_int(classify(status, "", code, &o), want, __FILE__, line, "empty + header");
	tap_check_int(classify(status, "\xff\xfe{{garbage", code, &o), want, __FILE__, line,
		      "garbage + header");
	/* the body's code wins over the header's */
	if (code) {
		tap_check_int(classify(status, json, "SOMETHING_ELSE", &o), want, __FILE__, line,
			      "body beats header");
		tap_check_str(o.error_code, code, __FILE__, line, "body code kept");
	}
}
#define ROW(st, code, want) check_row((st), (code), (want), __LINE__)

static void test_classify_table(void)
{
	ROW(200, NULL, ATLAS_DONE);
	ROW(202, NULL, ATLAS_DONE);
	ROW(204, NULL, ATLAS_DONE);
	ROW(404, "USER_NOT_IN_GROUP", ATLAS_ABSENT);
	ROW(404, "USER_NOT_FOUND", ATLAS_ABSENT);
	ROW(404, "USERNAME_NOT_FOUND", ATLAS_ABSENT);
	ROW(404, "GROUP_NOT_FOUND", ATLAS_FAILED);
	ROW(404, "INVALID_GROUP_ID", ATLAS_FAILED);
	ROW(404, "RESOURCE_NOT_FOUND", ATLAS_FAILED);
	ROW(404, NULL, ATLAS_FAILED);
	ROW(401, "NOT_IN_GROUP", ATLAS_FAILED);
	ROW(401, "USER_CANNOT_ACCESS_GROUP", ATLAS_FAILED);
	ROW(401, "UNAUTHORIZED", ATLAS_STOP_AUTH);
	ROW(401, NULL, ATLAS_STOP_AUTH);
	ROW(403, "IP_ADDRESS_NOT_ON_ACCESS_LIST", ATLAS_STOP_ACCESS);
	ROW(403, "ORG_REQUIRES_ACCESS_LIST", ATLAS_STOP_ACCESS);
	ROW(403, "IP_ADDRESS_NOT_ON_WHITELIST", ATLAS_STOP_ACCESS);
	ROW(403, "ORG_REQUIRES_WHITELIST", ATLAS_STOP_ACCESS);
	ROW(403, "CANNOT_REMOVE_LAST_OWNER", ATLAS_FAILED);
	ROW(403, NULL, ATLAS_FAILED);
	ROW(400, "INVALID_PARAMETER", ATLAS_FAILED);
	ROW(409, "CANNOT_REMOVE_LAST_OWNER", ATLAS_FAILED);
	ROW(422, NULL, ATLAS_FAILED);
	ROW(406, "INVALID_VERSION", ATLAS_STOP_VERSION);
	ROW(406, NULL, ATLAS_STOP_VERSION);
	ROW(410, "VERSION_GONE", ATLAS_STOP_VERSION);
	ROW(410, NULL, ATLAS_STOP_VERSION);
	ROW(429, "RATE_LIMITED", ATLAS_RATE_LIMITED);
	ROW(429, NULL, ATLAS_RATE_LIMITED);
	ROW(500, "UNEXPECTED_ERROR", ATLAS_RETRY);
	ROW(502, NULL, ATLAS_RETRY);
	ROW(503, "SERVICE_UNAVAILABLE", ATLAS_RETRY);
	ROW(504, NULL, ATLAS_RETRY);
	ROW(0, NULL, ATLAS_RETRY);
	/* the 5xx the table does not name: deterministic, not retried */
	ROW(501, NULL, ATLAS_FAILED);
	ROW(505, NULL, ATLAS_FAILED);
	ROW(302, NULL, ATLAS_FAILED);
	ROW(999, NULL, ATLAS_FAILED);
	ROW(-1, NULL, ATLAS_FAILED);
}

static void test_classify_hostile(void)
{
	struct atlas_outcome o;
	struct atlas_answer a;
	static const char text[] = "{\"errorCode\":\"USER_NOT_IN_GROUP\"}";

	/* not NUL-terminated: the length is all there is */
	char *nb = malloc(sizeof(text) - 1);
	memcpy(nb, text, sizeof(text) - 1);
	a = (struct atlas_answer){ 404, nb, sizeof(text) - 1, NULL };
	atlas_classify(&a, &o);
	CHECK_INT(o.verdict, ATLAS_ABSENT);
	CHECK_STR(o.error_code, "USER_NOT_IN_GROUP");
	/* truncated mid-string: unparseable, falls back to the header */
	a = (struct atlas_answer){ 404, nb, 20, "USER_NOT_FOUND" };
	atlas_classify(&a, &o);
	CHECK_INT(o.verdict, ATLAS_ABSENT);
	free(nb);

	/* body not a JSON object, errorCode not a string, embedded NUL */
	CHECK_INT(classify(404, "[\"USER_NOT_IN_GROUP\"]", NULL, &o), ATLAS_FAILED);
	CHECK_INT(classify(404, "{\"errorCode\":42}", NULL, &o), ATLAS_FAILED);
	CHECK_STR(o.error_code, "");
	CHECK_INT(classify(404, "\"USER_NOT_FOUND\"", "USER_NOT_FOUND", &o), ATLAS_ABSENT);
	a = (struct atlas_answer){ 404, "{\"errorCode\":\"USER_NOT_FOUND\"}\0junk", 35, NULL };
	atlas_classify(&a, &o);
	CHECK_INT(o.verdict, ATLAS_FAILED); /* trailing junk: not JSON */
	a = (struct atlas_answer){ 404, NULL, 100, NULL };
	atlas_classify(&a, &o);
	CHECK_INT(o.verdict, ATLAS_FAILED);

	/* header code with blanks or junk is cut to the identifier */
	CHECK_INT(classify(404, NULL, "  USER_NOT_FOUND  ", &o), ATLAS_ABSENT);
	CHECK_STR(o.error_code, "USER_NOT_FOUND");
	CHECK_INT(classify(404, NULL, "USER_NOT_FOUND\r\nX-Evil: 1", &o), ATLAS_ABSENT);
	CHECK_STR(o.error_code, "USER_NOT_FOUND");
	/* the code is exact: case and prefixes matter */
	CHECK_INT(classify(404, NULL, "user_not_found", &o), ATLAS_FAILED);
	CHECK_INT(classify(404, NULL, "USER_NOT_FOUND_X", &o), ATLAS_FAILED);

	/* long code and detail are truncated; control chars flattened */
	struct ob_buf big;
	ob_buf_init(&big);
	ob_buf_addstr(&big, "{\"errorCode\":\"");
	for (int i = 0; i < 200; i++)
		ob_buf_addch(&big, 'A');
	ob_buf_addstr(&big, "\",\"detail\":\"line1\\nline2 ");
	for (int i = 0; i < 200; i++)
		ob_buf_addstr(&big, "\xc3\xa9"); /* é, 2 bytes each */
	ob_buf_addstr(&big, "\"}");
	CHECK_INT(classify(409, big.ptr, NULL, &o), ATLAS_FAILED);
	ob_buf_release(&big);
	CHECK_INT(strlen(o.error_code), sizeof(o.error_code) - 1);
	CHECK(strncmp(o.detail, "line1 line2 \xc3\xa9", 14) == 0);
	CHECK(strlen(o.detail) < sizeof(o.detail));
	CHECK((strlen(o.detail) - 12) % 2 == 0); /* no half é at the end */

	/* detail falls back to reason */
	CHECK_INT(classify(400, "{\"errorCode\":\"X\",\"reason\":\"Bad Request\"}", NULL, &o),
		  ATLAS_FAILED);
	CHECK_STR(o.detail, "Bad Request");
	CHECK_INT(
		classify(400, "{\"errorCode\":\"X\",\"detail\":null,\"reason\":\"Bad\"}", NULL, &o),
		ATLAS_FAILED);
	CHECK_STR(o.detail, "Bad");

	/* deep nesting must not crash (cJSON limits depth) */
	char deep[6000];
	for (int i = 0; i < 3000; i++)
		deep[i] = '[';
	for (int i = 3000; i < 6000; i++)
		deep[i] = ']';
	a = (struct atlas_answer){ 500, deep, sizeof(deep), NULL };
	atlas_classify(&a, &o);
	CHECK_INT(o.verdict, ATLAS_RETRY);

	CHECK_STR(atlas_verdict_name(ATLAS_DONE), "done");
	CHECK_STR(atlas_verdict_name(ATLAS_ABSENT), "absent");
	CHECK_STR(atlas_verdict_name(ATLAS_FAILED), "failed");
	CHECK_STR(atlas_verdict_name(ATLAS_STOP_AUTH), "stopped");
	CHECK_STR(atlas_verdict_name(ATLAS_STOP_ACCESS), "stopped");
	CHECK_STR(atlas_verdict_name(ATLAS_STOP_VERSION), "stopped");
	CHECK_STR(atlas_verdict_name(ATLAS_RATE_LIMITED), "rate_limited");
	CHECK_STR(atlas_verdict_name(ATLAS_RETRY), "retry");
}

static void test_429_parameters(void)
{
	struct atlas_outcome o;

	/* as Atlas documents it */
	classify(429,
		 "{\"detail\":\"Rate limit exceeded for api/atlas/v2/orgs. Please retry after 55 "
		 "seconds. "
		 "Request capacity: 10. Refill rate: 5 per 60 seconds.\",\"error\":429,"
		 "\"errorCode\":\"RATE_LIMITED_TOKEN_BUCKET\",\"parameters\":[\"api/atlas/v2/"
		 "orgs\",55,10,5,60],"
		 "\"reason\":\"Too Many Requests\"}",
		 NULL, &o);
	CHECK_INT(o.verdict, ATLAS_RATE_LIMITED);
	CHECK_STR(o.error_code, "RATE_LIMITED_TOKEN_BUCKET");
	CHECK(o.bucket.known);
	CHECK(o.bucket.capacity == 10 && o.bucket.refill_rate == 5 &&
	      o.bucket.refill_seconds == 60);
	CHECK(o.bucket.retry_after_s == 55);

	/* numeric strings */
	classify(429,
		 "{\"errorCode\":\"RATE_LIMITED\",\"parameters\":[\"/api/"
		 "x\",\"3\",\"1200\",\"500\",\"60\"]}",
		 NULL, &o);
	CHECK(o.bucket.known && o.bucket.capacity == 1200 && o.bucket.refill_rate == 500 &&
	      o.bucket.refill_seconds == 60 && o.bucket.retry_after_s == 3);

	/* no endpoint entry: the last four numbers still mean the same */
	classify(429, "{\"parameters\":[7,100,50,60]}", NULL, &o);
	CHECK(o.bucket.known && o.bucket.capacity == 100 && o.bucket.refill_rate == 50 &&
	      o.bucket.retry_after_s == 7);

	/* invalid numbers: no bucket */
	classify(429, "{\"parameters\":[\"e\",5,0,5,60]}", NULL, &o);
	CHECK(!o.bucket.known);
	classify(429, "{\"parameters\":[\"e\",5,-10,5,60]}", NULL, &o);
	CHECK(!o.bucket.known);
	classify(429, "{\"parameters\":[\"e\",5,1e300,5,60]}", NULL, &o);
	CHECK(!o.bucket.known);
	classify(429, "{\"parameters\":[\"e\",5,\"ten\",5,60]}", NULL, &o);
	CHECK(!o.bucket.known); /* only three numbers left: ambiguous */
	classify(429, "{\"parameters\":{\"capacity\":10}}", NULL, &o);
	CHECK(!o.bucket.known);
	classify(429, "{\"parameters\":[]}", NULL, &o);
	CHECK(!o.bucket.known && o.bucket.retry_after_s == 0);

	/* parameters fail, detail has the numbers */
	classify(429,
		 "{\"detail\":\"Rate limit exceeded for api/atlas/v2/groups/x/users/y. Please "
		 "retry after 12 "
		 "seconds. Request capacity: 1200. Refill rate: 500 per 60 "
		 "seconds.\",\"parameters\":[]}",
		 NULL, &o);
	CHECK(o.bucket.known && o.bucket.capacity == 1200 && o.bucket.refill_rate == 500 &&
	      o.bucket.refill_seconds == 60 && o.bucket.retry_after_s == 12);
	/* reworded prose: nothing guessed */
	classify(429, "{\"detail\":\"Slow down, capacity is over 9000 and will refill soon\"}",
		 NULL, &o);
	CHECK(!o.bucket.known);
	/* a body that is not JSON on a 429 */
	classify(429, "<html>Too Many Requests</html>", NULL, &o);
	CHECK_INT(o.verdict, ATLAS_RATE_LIMITED);
	CHECK(!o.bucket.known);
	/* parameters are read on 429 only */
	classify(400, "{\"errorCode\":\"X\",\"parameters\":[\"e\",1,2,3,4]}", NULL, &o);
	CHECK(!o.bucket.known);
}

/* A page shaped per v2.yaml (PaginatedRateLimitEndpointSets). */
static const char rate_limits_page[] =
	"{\"links\":[],\"totalCount\":3,\"results\":["
	"{\"endpointSetId\":\"rateLimitsInspection_group\",\"endpointSetName\":\"Rate Limits "
	"Inspection\","
	" \"scope\":\"GROUP\",\"capacity\":{\"value\":100},\"refillRate\":{\"value\":10},"
	" \"refillDurationSeconds\":{\"value\":60},"
	" \"endpoints\":[{\"method\":\"GET\",\"path\":\"/api/atlas/v2/rateLimits\"}]},"
	"{\"endpointSetId\":\"groupUsers_group\",\"endpointSetName\":\"Cloud "
	"Users\",\"scope\":\"GROUP\","
	" \"capacity\":{\"value\":1200,\"defaultValue\":null},\"refillRate\":{\"value\":500},"
	" \"refillDurationSeconds\":{\"value\":60},"
	" \"endpoints\":[{\"method\":\"GET\",\"path\":\"/api/atlas/v2/groups/{groupId}/users\"},"
	"  {\"method\":\"DELETE\",\"path\":\"/api/atlas/v2/groups/{groupId}/users/{userId}\"}]},"
	"{\"endpointSetId\":\"databaseUsers_group\",\"endpointSetName\":\"Database "
	"Users\",\"scope\":\"GROUP\","
	" \"capacity\":{\"value\":20000,\"defaultValue\":10000},\"refillRate\":{\"value\":5000},"
	" \"refillDurationSeconds\":{\"value\":60},"
	" \"endpoints\":[{\"method\":\"DELETE\","
	"   \"path\":\"/api/atlas/v2/groups/{groupId}/databaseUsers/{databaseName}/{username}\"}]}"
	"]}";

static void test_rate_limits(void)
{
	struct atlas_bucket b;
	const char *p = rate_limits_page;

	CHECK(atlas_parse_rate_limits(p, strlen(p), ATLAS_SET_PROJECT_USERS, &b));
	CHECK(b.known && b.capacity == 1200 && b.refill_rate == 500 && b.refill_seconds == 60);
	CHECK(atlas_parse_rate_limits(p, strlen(p), ATLAS_SET_DB_USERS, &b));
	CHECK(b.known && b.capacity == 20000 && b.refill_rate == 5000); /* the applied value */

	/* a single set (GET /rateLimits/{endpointSetId}); template names differ */
	static const char one[] =
		"{\"capacity\":{\"value\":300},\"refillRate\":{\"value\":100},"
		"\"refillDurationSeconds\":"
		"{\"value\":30},\"scope\":\"GROUP\",\"endpoints\":[{\"method\":\"DELETE\",\"path\":"
		"\"api/atlas/v2/groups/{GROUP-ID}/users/{USER-ID}/\"}]}";
	CHECK(atlas_parse_rate_limits(one, strlen(one), ATLAS_SET_PROJECT_USERS, &b));
	CHECK(b.capacity == 300 && b.refill_rate == 100 && b.refill_seconds == 30);
	CHECK(!atlas_parse_rate_limits(one, strlen(one), ATLAS_SET_DB_USERS, &b));
	CHECK(!b.known);

	/* filtered by endpointPath: one set without endpoints is taken */
	static const char bare[] =
		"{\"results\":[{\"capacity\":{\"value\":50},\"refillRate\":{\"value\":5},"
		"\"refillDurationSeconds\":{\"value\":10}}]}";
	CHECK(atlas_parse_rate_limits(bare, strlen(bare), ATLAS_SET_DB_USERS, &b));
	CHECK(b.capacity == 50);

	/* non-matching, empty, broken, invalid values */
	static const char other[] =
		"{\"results\":[{\"capacity\":{\"value\":50},\"refillRate\":{\"value\":5},"
		"\"refillDurationSeconds\":{\"value\":10},\"endpoints\":[{\"path\":"
		"\"/api/atlas/v2/clusters\"}]}]}";
	CHECK(!atlas_parse_rate_limits(other, strlen(other), ATLAS_SET_DB_USERS, &b));
	CHECK(!atlas_parse_rate_limits("{\"results\":[]}", 14, ATLAS_SET_DB_USERS, &b));
	CHECK(!atlas_parse_rate_limits("", 0, ATLAS_SET_DB_USERS, &b));
	CHECK(!atlas_parse_rate_limits(NULL, 0, ATLAS_SET_DB_USERS, &b));
	CHECK(!atlas_parse_rate_limits(p, strlen(p) / 2, ATLAS_SET_DB_USERS, &b));
	CHECK(!atlas_parse_rate_limits("<html>", 6, ATLAS_SET_DB_USERS, &b));
	static const char zero[] = "{\"capacity\":{\"value\":0},\"refillRate\":{\"value\":5},"
				   "\"refillDurationSeconds\":{\"value\":10}}";
	CHECK(!atlas_parse_rate_limits(zero, strlen(zero), ATLAS_SET_DB_USERS, &b));
	static const char strs[] = "{\"capacity\":{\"value\":\"x\"},\"refillRate\":{\"value\":5},"
				   "\"refillDurationSeconds\":{\"value\":10}}";
	CHECK(!atlas_parse_rate_limits(strs, strlen(strs), ATLAS_SET_DB_USERS, &b));
}

int main(void)
{
	test_encoding();
	test_paths();
	test_classify_table();
	test_classify_hostile();
	test_429_parameters();
	test_rate_limits();
	return tap_done();
}
