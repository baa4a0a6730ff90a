# Every outcome of a DELETE: status, body (ApiError shape), X-Error-Code; envelope, pretty;
# state and removal log; a bad seed.
. "$(dirname "$0")/lib.sh"
G1=64b7e1c2a9f3d40012ab34cd G2=64b7e1c2a9f3d40012ab34ce G3=65a0f9e8d7c6b5a493827160
cat >"$T/seed.json" <<JSON
{"projects": {
  "$G1": {"users": {"5e8f1a2b3c4d5e6f7a8b9c01": "a@x", "5e8f1a2b3c4d5e6f7a8b9c02": "b@x",
                    "5e8f1a2b3c4d5e6f7a8b9c03": "c@x", "5e8f1a2b3c4d5e6f7a8b9d01": "owner@x"},
          "dbusers": [["admin", "alice_scram"], ["\$external", "x"]],
          "owners": ["5e8f1a2b3c4d5e6f7a8b9d01"]},
  "$G2": {"users": {"5e8f1a2b3c4d5e6f7a8b9c04": "d@x"}, "inaccessible": true},
  "$G3": {"users": {"5e8f1a2b3c4d5e6f7a8b9d05": "o1@x", "5e8f1a2b3c4d5e6f7a8b9d06": "o2@x"},
          "owners": ["5e8f1a2b3c4d5e6f7a8b9d05", "5e8f1a2b3c4d5e6f7a8b9d06"]}
}}
JSON
start_sim a --seed "$T/seed.json"
TOKEN=$(token "$URL")
R=$T/r

# check_error STATUS CODE : the last answer is STATUS with ApiError body CODE and X-Error-Code
check_error() {
	expect_eq "status" "$1" "$st"
	expect_eq "errorCode" "$2" "$(jq -r .errorCode "$R.b")"
	expect_eq "error" "$1" "$(jq -r .error "$R.b")"
	expect_eq "X-Error-Code" "$2" "$(header "$R" X-Error-Code)"
	expect_eq "ApiError keys" '["detail","error","errorCode","parameters","reason"]' "$(jq -c 'keys' "$R.b")"
	expect_eq "parameters is an array" array "$(jq -r '.parameters|type' "$R.b")"
}

st=$(del "$URL" /api/atlas/v2/groups/$G1/users/5e8f1a2b3c4d5e6f7a8b9c01 "$PU_V2")
expect_eq "v2 remove" 204 "$st"
expect_eq "204 has no body" 0 "$(wc -c <"$R.b")"
expect_eq "RateLimit-Limit" 1200 "$(header "$R" RateLimit-Limit)"
expect_eq "RateLimit-Remaining" 1199 "$(header "$R" RateLimit-Remaining)"
st=$(del "$URL" /api/atlas/v1.0/groups/$G1/users/5e8f1a2b3c4d5e6f7a8b9c02 application/json)
expect_eq "v1.0 remove" 204 "$st"
expect_eq "v1 and v2 share the bucket" 1198 "$(header "$R" RateLimit-Remaining)"
st=$(del "$URL" /api/atlas/v2/groups/$G1/users/5e8f1a2b3c4d5e6f7a8b9c03 "$PU_OLD")
expect_eq "v2 2023-01-01 remove" 204 "$st"
expect_match "Sunset on the deprecated version" "2027" "$(header "$R" Sunset)"
expect_match "Deprecation on the deprecated version" "2025" "$(header "$R" Deprecation)"
st=$(del "$URL" /api/atlas/v2/groups/$G1/databaseUsers/admin/alice_scram "$DB_V")
expect_eq "db user remove" 204 "$st"

st=$(del "$URL" /api/atlas/v2/groups/$G1/users/5e8f1a2b3c4d5e6f7a8b9c01 "$PU_V2")
check_error 404 USER_NOT_IN_GROUP
expect_eq "versioned error type" "$PU_V2" "$(header "$R" Content-Type)"
st=$(del "$URL" /api/atlas/v1.0/groups/$G1/users/5e8f1a2b3c4d5e6f7a8b9c01 application/json)
check_error 404 USER_NOT_IN_GROUP
expect_eq "v1 error type" application/json "$(header "$R" Content-Type)"
st=$(del "$URL" /api/atlas/v2/groups/$G1/databaseUsers/admin/alice_scram "$DB_V")
check_error 404 USER_NOT_FOUND
st=$(del "$URL" /api/atlas/v2/groups/aaaaaaaaaaaaaaaaaaaaaaaa/users/5e8f1a2b3c4d5e6f7a8b9c01 "$PU_V2")
check_error 404 GROUP_NOT_FOUND
st=$(del "$URL" /api/atlas/v2/groups/aaaaaaaaaaaaaaaaaaaaaaaa/databaseUsers/admin/x "$DB_V")
check_error 404 GROUP_NOT_FOUND
st=$(del "$URL" /api/atlas/v2/groups/$G2/users/5e8f1a2b3c4d5e6f7a8b9c04 "$PU_V2")
check_error 401 NOT_IN_GROUP
st=$(del "$URL" /api/atlas/v2/groups/64B7E1C2A9F3D40012AB34CD/users/5e8f1a2b3c4d5e6f7a8b9c01 "$PU_V2")
check_error 404 INVALID_GROUP_ID
st=$(del "$URL" /api/atlas/v2/groups/$G1/users/5E8F1A2B3C4D5E6F7A8B9C01 "$PU_V2")
check_error 400 INVALID_USER_ID
st=$(del "$URL" /api/atlas/v2/groups/$G1/users/5e8f1a2b3c4d5e6f7a8b9d01 "$PU_V2")
check_error 400 CANNOT_REMOVE_LAST_OWNER
# with two owners, the first can go, the second is then the last
st=$(del "$URL" /api/atlas/v2/groups/$G3/users/5e8f1a2b3c4d5e6f7a8b9d05 "$PU_V2")
expect_eq "an owner who is not the last" 204 "$st"
st=$(del "$URL" /api/atlas/v2/groups/$G3/users/5e8f1a2b3c4d5e6f7a8b9d06 "$PU_V2")
check_error 400 CANNOT_REMOVE_LAST_OWNER
st=$(req "$R" -X GET -H "Authorization: Bearer $TOKEN" "$URL/api/atlas/v2/groups/$G1/users/5e8f1a2b3c4d5e6f7a8b9c01")
expect_eq "GET on a DELETE-only path" 405 "$st"
st=$(req "$R" -X DELETE -H "Authorization: Bearer $TOKEN" "$URL/api/atlas/v2/nothing")
check_error 404 RESOURCE_NOT_FOUND

# envelope and pretty
st=$(del "$URL" "/api/atlas/v2/groups/$G1/users/5e8f1a2b3c4d5e6f7a8b9c01?envelope=true" "$PU_V2")
expect_eq "envelope: HTTP 200" 200 "$st"
expect_eq "envelope: status inside" 404 "$(jq -r .status "$R.b")"
expect_eq "envelope: content" USER_NOT_IN_GROUP "$(jq -r .content.errorCode "$R.b")"
st=$(del "$URL" "/api/atlas/v2/groups/$G1/databaseUsers/%24external/x?envelope=true&pretty=true" "$DB_V")
expect_eq "envelope around a 204" 200 "$st"
expect_eq "envelope 204 status" 204 "$(jq -r .status "$R.b")"
expect_match "pretty output is indented" $'\n\t' "$(cat "$R.b")"

# access list
curl -sS -d '{"ip-access-list-block": true}' "$URL/_sim/config" >/dev/null
st=$(del "$URL" /api/atlas/v2/groups/$G1/users/5e8f1a2b3c4d5e6f7a8b9d01 "$PU_V2")
check_error 403 IP_ADDRESS_NOT_ON_ACCESS_LIST
st=$(req "$R" -u "$CID:$CSECRET" -d grant_type=client_credentials "$URL/api/oauth/token")
expect_eq "token endpoint is not behind the access list" 200 "$st"
curl -sS -d '{"ip-access-list-block": false}' "$URL/_sim/config" >/dev/null
st=$(req "$R" -d '{"seed": "x"}' "$URL/_sim/config")
expect_eq "startup-only option refused at run time" 400 "$st"
st=$(req "$R" -d '{"fault-500": 2}' "$URL/_sim/config")
expect_eq "probability out of range refused" 400 "$st"

# state and removal log
expect_eq "removed project users" \
	"[[\"$G1\",\"5e8f1a2b3c4d5e6f7a8b9c01\"],[\"$G1\",\"5e8f1a2b3c4d5e6f7a8b9c02\"],[\"$G1\",\"5e8f1a2b3c4d5e6f7a8b9c03\"],[\"$G3\",\"5e8f1a2b3c4d5e6f7a8b9d05\"]]" \
	"$(curl -sS "$URL/_sim/removed" | jq -c .project_users)"
expect_eq "removed db users" "[[\"$G1\",\"admin\",\"alice_scram\"],[\"$G1\",\"\$external\",\"x\"]]" \
	"$(curl -sS "$URL/_sim/removed" | jq -c .db_users)"
expect_eq "state: who is left in G1" '{"5e8f1a2b3c4d5e6f7a8b9d01":"owner@x"}' \
	"$(curl -sS "$URL/_sim/state" | jq -c ".projects[\"$G1\"].users")"
expect_eq "state: owners left in G3" "[\"5e8f1a2b3c4d5e6f7a8b9d06\"]" \
	"$(curl -sS "$URL/_sim/state" | jq -c ".projects[\"$G3\"].owners")"
expect_eq "stats: deletions" 6 "$(statv "$URL" deletions)"
expect_eq "stats: by_status 204 (the enveloped one was a 200)" 5 "$(statv "$URL" 'by_status["204"]')"
expect_eq "stats keys" '["by_method","by_status","challenges","connections","deletes","deletions","faults","peak_in_flight","rate_limit_queries","rate_limited","requests","retry_after_violations","stale_challenges","token_requests","tokens_issued","tokens_revoked"]' \
	"$(stats "$URL" | jq -c keys)"
curl -sS -X POST "$URL/_sim/reset-stats" >/dev/null
expect_eq "reset-stats" 0 "$(statv "$URL" requests)"

# --state-out on SIGTERM, in the seed's shape
stop_sim "$PID_a"
start_sim b --seed "$T/seed.json" --state-out "$T/state.json"
stop_sim "$PID_b"
expect_eq "state-out of an untouched seed equals the seed" \
	"$(jq -S '.projects|map_values({users: (.users // {}), dbusers: (.dbusers // []), owners: (.owners // []), inaccessible: (.inaccessible // false)})' "$T/seed.json")" \
	"$(jq -S .projects "$T/state.json")"

# --max-seconds ends it by itself
"$SIM" --seed "$T/seed.json" --port 0 --max-seconds 1 >/dev/null 2>&1
expect_eq "--max-seconds exit" 0 "$?"

# bad seeds: exit 2 and the file named
printf '{"projects": {"%s": {"users": {"nothex": "a"}}}}' "$G1" >"$T/bad1.json"
printf '{"projects": {\n  "x": \n' >"$T/bad2.json"
for f in "$T/bad1.json" "$T/bad2.json" "$T/missing.json"; do
	"$SIM" --seed "$f" --port 0 --max-seconds 5 >/dev/null 2>"$T/err"
	expect_eq "bad seed exit ($f)" 2 "$?"
	expect_match "bad seed message names the file" "$f" "$(cat "$T/err")"
done
expect_match "JSON error has line and column" "line 3, column" "$(
	"$SIM" --seed "$T/bad2.json" --port 0 2>&1 >/dev/null)"
"$SIM" --port 0 --bogus 2>/dev/null
expect_eq "unknown option exit" 2 "$?"
finish
