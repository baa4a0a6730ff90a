# Service-account tokens: issue, use, expiry, revoke, unknown token, bad client
# credentials; and Accept versioning: 406 INVALID_VERSION_DATE, 410 VERSION_GONE.
. "$(dirname "$0")/lib.sh"
G=64b7e1c2a9f3d40012ab34cd
printf '{"projects": {"%s": {"users": {"5e8f1a2b3c4d5e6f7a8b9c01": "a@x", "5e8f1a2b3c4d5e6f7a8b9c02": "b@x"}, "dbusers": [["admin","u1"]]}}}' \
	"$G" >"$T/seed.json"
R=$T/r
P1=/api/atlas/v2/groups/$G/users/5e8f1a2b3c4d5e6f7a8b9c01
start_sim a --seed "$T/seed.json" --token-seconds 1 --gone-version 2023-01-01
st=$(req "$R" -u "$CID:$CSECRET" -H 'Accept: application/json' -d grant_type=client_credentials "$URL/api/oauth/token")
expect_eq "token" 200 "$st"
expect_eq "token_type" Bearer "$(jq -r .token_type "$R.b")"
expect_eq "expires_in" 1 "$(jq -r .expires_in "$R.b")"
TOKEN=$(jq -r .access_token "$R.b")
expect_eq "wrong secret" 401 "$(req "$R" -u "$CID:nope" -d grant_type=client_credentials "$URL/api/oauth/token")"
expect_eq "wrong secret error" invalid_client "$(jq -r .error "$R.b")"
expect_eq "wrong grant" 400 "$(req "$R" -u "$CID:$CSECRET" -d grant_type=password "$URL/api/oauth/token")"
expect_eq "token_requests" 3 "$(statv "$URL" token_requests)"
expect_eq "tokens_issued" 1 "$(statv "$URL" tokens_issued)"

# versions
expect_eq "no Accept on v2" 406 "$(del "$URL" "$P1" '*/*')"
expect_eq "406 code" INVALID_VERSION_DATE "$(jq -r .errorCode "$R.b")"
expect_eq "406 X-Error-Code" INVALID_VERSION_DATE "$(header "$R" X-Error-Code)"
expect_eq "a version the operation lacks" 406 "$(del "$URL" "$P1" application/vnd.atlas.2024-05-30+json)"
expect_eq "db users have only 2023-01-01" 406 \
	"$(del "$URL" /api/atlas/v2/groups/$G/databaseUsers/admin/u1 "$PU_V2")"
expect_eq "gone version" 410 "$(del "$URL" "$P1" "$PU_OLD")"
expect_eq "410 code" VERSION_GONE "$(jq -r .errorCode "$R.b")"
expect_eq "v1.0 refuses a versioned type" 406 \
	"$(del "$URL" /api/atlas/v1.0/groups/$G/users/5e8f1a2b3c4d5e6f7a8b9c01 "$PU_V2")"
expect_eq "nothing removed by refused versions" 0 "$(statv "$URL" deletions)"
expect_eq "bearer works" 204 "$(del "$URL" "$P1" "$PU_V2")"

sleep 1.2
expect_eq "expired token" 401 "$(del "$URL" /api/atlas/v2/groups/$G/users/5e8f1a2b3c4d5e6f7a8b9c02 "$PU_V2")"
expect_eq "expired token code" UNAUTHORIZED "$(jq -r .errorCode "$R.b")"
expect_match "expired token challenge" 'error="invalid_token"' "$(header "$R" WWW-Authenticate)"
expect_eq "a bearer 401 is not a digest challenge" 0 "$(statv "$URL" challenges)"
curl -sS -d '{"token-seconds": 3600}' "$URL/_sim/config" >/dev/null
TOKEN=$(token "$URL")
expect_eq "new token" 204 "$(del "$URL" /api/atlas/v2/groups/$G/users/5e8f1a2b3c4d5e6f7a8b9c02 "$PU_V2")"
st=$(req "$R" -u "$CID:$CSECRET" -d "token=$TOKEN&token_type_hint=access_token" "$URL/api/oauth/revoke")
expect_eq "revoke" 200 "$st"
expect_eq "tokens_revoked" 1 "$(statv "$URL" tokens_revoked)"
req "$R" -u "$CID:$CSECRET" -d "token=$TOKEN&token_type_hint=access_token" "$URL/api/oauth/revoke" >/dev/null
expect_eq "revoking twice counts once" 1 "$(statv "$URL" tokens_revoked)"
expect_eq "revoked token" 401 "$(del "$URL" /api/atlas/v2/groups/$G/databaseUsers/admin/u1 "$DB_V")"
TOKEN=not-a-token
expect_eq "unknown token" 401 "$(del "$URL" /api/atlas/v2/groups/$G/databaseUsers/admin/u1 "$DB_V")"
expect_eq "revoke needs client auth" 401 "$(req "$R" -d "token=x" "$URL/api/oauth/revoke")"
stop_sim "$PID_a"

# --auth digest: no service accounts
start_sim b --seed "$T/seed.json" --auth digest
expect_eq "digest only: token refused" 401 \
	"$(req "$R" -u "$CID:$CSECRET" -d grant_type=client_credentials "$URL/api/oauth/token")"
stop_sim "$PID_b"
finish
