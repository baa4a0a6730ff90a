# --deprecation (and "deprecation" in POST /_sim/config): Deprecation: @1767225600 and
# Sunset: Fri, 01 Jan 2027 00:00:00 GMT on every answer of the three DELETE (job) endpoints,
# errors and challenges included; not on rateLimits or OAuth; the 2023-01-01 project-users
# version keeps its own pair (one of each, never two).
. "$(dirname "$0")/lib.sh"
G=64b7e1c2a9f3d40012ab34cd
U1=5e8f1a2b3c4d5e6f7a8b9c01 U2=5e8f1a2b3c4d5e6f7a8b9c02
printf '{"projects": {"%s": {"users": {"%s": "a@x", "%s": "b@x"}, "dbusers": [["admin","u1"]]}}}' \
	"$G" "$U1" "$U2" >"$T/seed.json"
R=$T/r
DEP='@1767225600' SUN='Fri, 01 Jan 2027 00:00:00 GMT'
count() { grep -ci "^$2:" "$1.h"; }
# has_pair WHAT : the last answer carries exactly one Deprecation and one Sunset, the --deprecation ones
has_pair() {
	expect_eq "$1: Deprecation" "$DEP" "$(header "$R" Deprecation)"
	expect_eq "$1: Sunset" "$SUN" "$(header "$R" Sunset)"
	expect_eq "$1: one Deprecation field" 1 "$(count "$R" Deprecation)"
	expect_eq "$1: one Sunset field" 1 "$(count "$R" Sunset)"
}
has_none() {
	expect_eq "$1: no Deprecation" 0 "$(count "$R" Deprecation)"
	expect_eq "$1: no Sunset" 0 "$(count "$R" Sunset)"
}

start_sim a --seed "$T/seed.json" --deprecation
TOKEN=$(token "$URL")
expect_eq "v2 204" 204 "$(del "$URL" /api/atlas/v2/groups/$G/users/$U1 "$PU_V2")"
has_pair "v2 204"
expect_eq "v2 404" 404 "$(del "$URL" /api/atlas/v2/groups/$G/users/$U1 "$PU_V2")"
has_pair "v2 404 USER_NOT_IN_GROUP"
expect_eq "db 204" 204 "$(del "$URL" /api/atlas/v2/groups/$G/databaseUsers/admin/u1 "$DB_V")"
has_pair "db-user 204"
expect_eq "v1.0 204" 204 "$(del "$URL" /api/atlas/v1.0/groups/$G/users/$U2 application/json)"
has_pair "v1.0 204"
st=$(req "$R" -X DELETE -H "Accept: $PU_V2" "$URL/api/atlas/v2/groups/$G/users/$U2")
expect_eq "no credentials" 401 "$st"
has_pair "digest challenge"
st=$(del "$URL" /api/atlas/v2/groups/$G/users/$U2 '*/*')
expect_eq "406" 406 "$st"
has_pair "406"
st=$(del "$URL" /api/atlas/v2/groups/$G/users/$U2 "$PU_OLD")
expect_eq "2023-01-01 answer" 404 "$st"
expect_eq "2023-01-01 keeps its own Deprecation" 'Wed, 19 Feb 2025 00:00:00 GMT' "$(header "$R" Deprecation)"
expect_eq "2023-01-01: one Deprecation field" 1 "$(count "$R" Deprecation)"
expect_eq "2023-01-01: one Sunset field" 1 "$(count "$R" Sunset)"
st=$(req "$R" -H "Authorization: Bearer $TOKEN" -H "Accept: $RL_V" "$URL/api/atlas/v2/rateLimits")
expect_eq "rateLimits" 200 "$st"
has_none "rateLimits"
st=$(req "$R" -u "$CID:$CSECRET" -d grant_type=client_credentials "$URL/api/oauth/token")
expect_eq "token" 200 "$st"
has_none "token endpoint"

# run time: off, then on again
expect_eq "config off" 200 "$(curl -sS -o /dev/null -w '%{http_code}' -d '{"deprecation": false}' "$URL/_sim/config")"
del "$URL" /api/atlas/v2/groups/$G/users/$U2 "$PU_V2" >/dev/null
has_none "after deprecation=false"
curl -sS -d '{"deprecation": true}' "$URL/_sim/config" >/dev/null
del "$URL" /api/atlas/v2/groups/$G/users/$U2 "$PU_V2" >/dev/null
has_pair "after deprecation=true"
expect_eq "lowercase headers too" 1 "$(curl -sS -d '{"headers": "lower"}' "$URL/_sim/config" >/dev/null; del "$URL" /api/atlas/v2/groups/$G/users/$U2 "$PU_V2" >/dev/null; grep -c '^deprecation: @1767225600' "$R.h")"
stop_sim "$PID_a"

start_sim b --seed "$T/seed.json"
TOKEN=$(token "$URL")
del "$URL" /api/atlas/v2/groups/$G/users/$U1 "$PU_V2" >/dev/null
has_none "default: off"
stop_sim "$PID_b"
finish
