# Token buckets: RateLimit-* fields, 429 RATE_LIMITED_TOKEN_BUCKET with Retry-After and the bucket
# in parameters/detail, the Retry-After violation counter, other projects unaffected, header
# variants, Retry-After as a date, GET rateLimits, per-project overrides, run-time changes.
. "$(dirname "$0")/lib.sh"
G1=64b7e1c2a9f3d40012ab34cd G2=64b7e1c2a9f3d40012ab34ce G3=65a0f9e8d7c6b5a493827160
users=""
for i in $(seq 10 39); do users+="\"5e8f1a2b3c4d5e6f7a8b9c$i\": \"u$i@x\","; done
users=${users%,}
cat >"$T/seed.json" <<JSON
{"projects": {
  "$G1": {"users": {$users}, "dbusers": [["admin", "d1"]]},
  "$G2": {"users": {$users}},
  "$G3": {"users": {$users}, "rate_limits": {"project_users": {"capacity": 7, "refill_per_min": 120}}}
}}
JSON
R=$T/r
pu() { del "$URL" "/api/atlas/v2/groups/$1/users/5e8f1a2b3c4d5e6f7a8b9c$2" "$PU_V2"; }
start_sim a --seed "$T/seed.json" --pu-capacity 3 --pu-refill-per-min 60
TOKEN=$(token "$URL")
expect_eq "1st" 204 "$(pu $G1 10)"
expect_eq "remaining after 1" 2 "$(header "$R" RateLimit-Remaining)"
expect_eq "2nd" 204 "$(pu $G1 11)"
expect_eq "3rd" 204 "$(pu $G1 12)"
expect_eq "remaining after 3" 0 "$(header "$R" RateLimit-Remaining)"
expect_eq "4th: empty bucket" 429 "$(pu $G1 13)"
expect_eq "429 code" RATE_LIMITED_TOKEN_BUCKET "$(jq -r .errorCode "$R.b")"
expect_eq "429 X-Error-Code" RATE_LIMITED_TOKEN_BUCKET "$(header "$R" X-Error-Code)"
expect_eq "Retry-After: one token at 1/s" 1 "$(header "$R" Retry-After)"
expect_eq "429 RateLimit-Limit" 3 "$(header "$R" RateLimit-Limit)"
expect_eq "429 RateLimit-Remaining" 0 "$(header "$R" RateLimit-Remaining)"
expect_eq "429 parameters" '["api/atlas/v2/groups/{groupId}/users/{userId}",1,3,60,60]' "$(jq -c .parameters "$R.b")"
expect_eq "429 detail" "Rate limit exceeded for api/atlas/v2/groups/{groupId}/users/{userId}. Please retry after 1 seconds. Request capacity: 3. Refill rate: 60 per 60 seconds." \
	"$(jq -r .detail "$R.b")"
expect_eq "no violation yet" 0 "$(statv "$URL" retry_after_violations)"
expect_eq "ignoring Retry-After" 429 "$(pu $G1 13)"
expect_eq "violation counted" 1 "$(statv "$URL" retry_after_violations)"
expect_eq "v1.0 is the same scope" 429 "$(del "$URL" /api/atlas/v1.0/groups/$G1/users/5e8f1a2b3c4d5e6f7a8b9c13 application/json)"
expect_eq "v1.0 violation counted" 2 "$(statv "$URL" retry_after_violations)"
expect_eq "another project goes on" 204 "$(pu $G2 10)"
expect_eq "db users are another endpoint set" 204 "$(del "$URL" /api/atlas/v2/groups/$G1/databaseUsers/admin/d1 "$DB_V")"
expect_eq "db set limit" 10000 "$(header "$R" RateLimit-Limit)"
expect_eq "other scopes are no violation" 2 "$(statv "$URL" retry_after_violations)"
expect_eq "rate_limited" 3 "$(statv "$URL" rate_limited)"
sleep 1.1
expect_eq "after Retry-After (429s took no token)" 204 "$(pu $G1 13)"
expect_eq "waiting is no violation" 2 "$(statv "$URL" retry_after_violations)"
expect_eq "seed override: RateLimit-Limit" 7 "$(pu $G3 10 >/dev/null; header "$R" RateLimit-Limit)"

# GET /api/atlas/v2/rateLimits
rl() { req "$R" -H "Authorization: Bearer $TOKEN" -H "Accept: ${2:-$RL_V}" "$URL/api/atlas/v2/rateLimits$1"; }
expect_eq "rateLimits" 200 "$(rl '')"
expect_eq "rateLimits content type" "$RL_V" "$(header "$R" Content-Type)"
expect_eq "all sets" '["projectUsers_group","databaseUsers_group"]' "$(jq -c '[.results[].endpointSetId]' "$R.b")"
expect_eq "totalCount" 2 "$(jq -r .totalCount "$R.b")"
ep=$(enc '/api/atlas/v2/groups/{groupId}/users/{userId}')
expect_eq "filtered" 200 "$(rl "?groupId=$G1&endpointPath=$ep")"
expect_eq "filter result" '{"capacity":3,"refill":60,"dur":60,"scope":"GROUP","id":"projectUsers_group"}' \
	"$(jq -c '.results[0]|{capacity: .capacity.value, refill: .refillRate.value, dur: .refillDurationSeconds.value, scope, id: .endpointSetId}' "$R.b")"
expect_eq "one result" 1 "$(jq -r '.results|length' "$R.b")"
expect_eq "endpoints listed" 'DELETE /api/atlas/v2/groups/{groupId}/users/{userId}' "$(jq -r '.results[0].endpoints[0]|"\(.method) \(.path)"' "$R.b")"
ep=$(enc "/api/atlas/v2/groups/$G1/databaseUsers/admin/x")
expect_eq "a concrete path matches its set" databaseUsers_group "$(rl "?endpointPath=$ep" >/dev/null; jq -r '.results[0].endpointSetId' "$R.b")"
expect_eq "override with defaultValue" '{"value":7,"default":3}' \
	"$(rl "?groupId=$G3&endpointPath=$(enc '/api/atlas/v1.0/groups/{groupId}/users/{userId}')" >/dev/null; jq -c '.results[0].capacity|{value, default: .defaultValue}' "$R.b")"
expect_eq "one set" 200 "$(rl /databaseUsers_group)"
expect_eq "one set body" 10000 "$(jq -r .capacity.value "$R.b")"
expect_eq "unknown set" 404 "$(rl /nope)"
expect_eq "rateLimits needs its version" 406 "$(rl '' "$PU_V2")"
expect_eq "rate_limit_queries" 7 "$(statv "$URL" rate_limit_queries)"
curl -sS -d '{"ratelimits-forbidden": true, "pu-capacity": 50}' "$URL/_sim/config" >/dev/null
expect_eq "ratelimits forbidden" 403 "$(rl '')"
expect_eq "run-time capacity" 50 "$(pu $G2 11 >/dev/null; header "$R" RateLimit-Limit)"
stop_sim "$PID_a"

# header variants
start_sim b --seed "$T/seed.json" --pu-capacity 3 --pu-refill-per-min 60 --headers lower
TOKEN=$(token "$URL")
pu $G1 10 >/dev/null
expect_eq "lower: ratelimit-limit" "ratelimit-limit: 3" "$(grep -a '^ratelimit-limit:' "$R.h" | tr -d '\r')"
expect_eq "lower: ratelimit-remaining" "ratelimit-remaining: 2" "$(grep -a '^ratelimit-remaining:' "$R.h" | tr -d '\r')"
expect_eq "lower: no capitalised field" 0 "$(grep -ac '^RateLimit' "$R.h")"
curl -sS -d '{"headers": "new"}' "$URL/_sim/config" >/dev/null
pu $G1 11 >/dev/null
expect_eq "new: RateLimit" "RateLimit: limit=3, remaining=1, reset=2" "$(grep -a '^RateLimit:' "$R.h" | tr -d '\r')"
expect_eq "new: RateLimit-Policy" 'RateLimit-Policy: "projectUsers_group";q=3;w=3' "$(grep -a '^RateLimit-Policy:' "$R.h" | tr -d '\r')"
expect_eq "new: no legacy fields" 0 "$(grep -ac '^RateLimit-Limit' "$R.h")"
curl -sS -d '{"headers": "both"}' "$URL/_sim/config" >/dev/null
pu $G1 12 >/dev/null
expect_eq "both: four fields" 4 "$(grep -ac '^RateLimit' "$R.h")"
curl -sS -d '{"headers": "none", "retry-after-date": true}' "$URL/_sim/config" >/dev/null
expect_eq "none: 429" 429 "$(pu $G1 13)"
expect_eq "none: no fields" 0 "$(grep -aic '^ratelimit' "$R.h")"
expect_match "Retry-After as an HTTP-date" '^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} 20[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$' "$(header "$R" Retry-After)"
expect_eq "429 body still in seconds" 1 "$(jq -r '.parameters[1]' "$R.b")"
stop_sim "$PID_b"
finish
