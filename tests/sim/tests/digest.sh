# HTTP Digest: challenge, nonce reuse with a rising nc (by hand and by libcurl),
# replayed nc, expired nonce, single-use nonces, wrong password, --auth bearer.
. "$(dirname "$0")/lib.sh"
DC=${DIGEST_CLIENT:?DIGEST_CLIENT must point to the digest_client helper}
G=64b7e1c2a9f3d40012ab34cd
users='"5e8f1a2b3c4d5e6f7a8b9c01": "a@x", "5e8f1a2b3c4d5e6f7a8b9c02": "b@x", "5e8f1a2b3c4d5e6f7a8b9c03": "c@x"'
printf '{"projects": {"%s": {"users": {%s}, "dbusers": [["admin","u1"],["admin","u2"],["admin","u3"],["admin","u4"],["admin","u5"]]}}}' \
	"$G" "$users" >"$T/seed.json"
R=$T/r
md5() { printf '%s' "$1" | md5sum | cut -d' ' -f1; }
# digest_hdr METHOD URI NONCE NC [PASSWORD]
digest_hdr() {
	local ha1 ha2 resp cn=0a4f113b
	ha1=$(md5 "$PUB:MMS Public API:${5:-$PRIV}")
	ha2=$(md5 "$1:$2")
	resp=$(md5 "$ha1:$3:$4:$cn:auth:$ha2")
	printf 'Authorization: Digest username="%s", realm="MMS Public API", nonce="%s", uri="%s", cnonce="%s", nc=%s, qop=auth, response="%s", algorithm=MD5' \
		"$PUB" "$3" "$2" "$cn" "$4" "$resp"
}
# dreq PATH NONCE NC [PASSWORD] : a digest DELETE; prints the status
dreq() {
	req "$R" -X DELETE -H "Accept: $PU_V2" -H "$(digest_hdr DELETE "$1" "$2" "$3" "${4:-$PRIV}")" "$URL$1"
}
nonce_of() { header "$R" WWW-Authenticate | sed -n 's/.*nonce="\([0-9a-f]*\)".*/\1/p'; }

start_sim a --seed "$T/seed.json"
P1=/api/atlas/v2/groups/$G/users/5e8f1a2b3c4d5e6f7a8b9c01
P2=/api/atlas/v2/groups/$G/users/5e8f1a2b3c4d5e6f7a8b9c02
P3=/api/atlas/v2/groups/$G/users/5e8f1a2b3c4d5e6f7a8b9c03
st=$(req "$R" -X DELETE -H "Accept: $PU_V2" "$URL$P1")
expect_eq "no credentials" 401 "$st"
ch=$(header "$R" WWW-Authenticate)
expect_match "challenge" '^Digest realm="MMS Public API", .*nonce="[0-9a-f]{32}", algorithm=MD5, qop="auth", stale=false$' "$ch"
N=$(nonce_of)
expect_eq "challenges" 1 "$(statv "$URL" challenges)"
expect_eq "nc 1" 204 "$(dreq "$P1" "$N" 00000001)"
expect_eq "same nonce, nc 2, another path" 204 "$(dreq "$P2" "$N" 00000002)"
expect_eq "replayed nc 2" 401 "$(dreq "$P3" "$N" 00000002)"
expect_match "replay answered stale=true" 'stale=true$' "$(header "$R" WWW-Authenticate)"
expect_eq "nc 5 (a gap is fine)" 204 "$(dreq "$P3" "$N" 00000005)"
expect_eq "lower nc after 5" 401 "$(dreq "$P3" "$N" 00000004)"
expect_eq "unknown nonce" 401 "$(dreq "$P3" 0123456789abcdef0123456789abcdef 00000001)"
expect_match "unknown nonce is stale" 'stale=true$' "$(header "$R" WWW-Authenticate)"
expect_eq "wrong password" 401 "$(dreq "$P3" "$N" 00000009 wrong-password)"
expect_match "wrong password is not stale" 'stale=false$' "$(header "$R" WWW-Authenticate)"
expect_eq "wrong password error code" UNAUTHORIZED "$(jq -r .errorCode "$R.b")"
expect_eq "challenges so far" 5 "$(statv "$URL" challenges)"
expect_eq "stale challenges so far" 3 "$(statv "$URL" stale_challenges)"

# libcurl with one easy handle: one challenge for five requests
curl -sS -X POST "$URL/_sim/reset-stats" >/dev/null
urls=()
for u in u1 u2 u3 u4 u5; do urls+=("$URL/api/atlas/v2/groups/$G/databaseUsers/admin/$u"); done
out=$("$DC" "$PUB:$PRIV" "$DB_V" "${urls[@]}" | tr '\n' ' ')
expect_eq "libcurl digest statuses" "204 204 204 204 204 " "$out"
expect_eq "one challenge for a reused handle" 1 "$(statv "$URL" challenges)"
expect_eq "requests (1 challenged + 5)" 6 "$(statv "$URL" requests)"
# curl CLI --digest works too (it challenges once per URL)
out=$(curl -sS -o /dev/null -w '%{http_code}' --digest -u "$PUB:$PRIV" -X DELETE -H "Accept: $DB_V" \
	"$URL/api/atlas/v2/groups/$G/databaseUsers/admin/u1")
expect_eq "curl --digest, already removed" 404 "$out"
out=$(curl -sS -o /dev/null -w '%{http_code}' --digest -u "$PUB:nope" -X DELETE -H "Accept: $DB_V" \
	"$URL/api/atlas/v2/groups/$G/databaseUsers/admin/u1")
expect_eq "curl --digest, wrong password" 401 "$out"
stop_sim "$PID_a"

# an expired nonce answers stale=true
start_sim b --seed "$T/seed.json" --nonce-seconds 1
req "$R" -X DELETE -H "Accept: $PU_V2" "$URL$P1" >/dev/null
N=$(nonce_of)
expect_eq "fresh nonce" 204 "$(dreq "$P1" "$N" 00000001)"
sleep 1.3
expect_eq "expired nonce" 401 "$(dreq "$P2" "$N" 00000002)"
expect_match "expired nonce is stale" 'stale=true$' "$(header "$R" WWW-Authenticate)"
N=$(nonce_of)
expect_eq "the fresh challenge's nonce works" 204 "$(dreq "$P2" "$N" 00000001)"
stop_sim "$PID_b"

# single-use nonces: every reuse is refused with a fresh stale challenge; libcurl copes
start_sim c --seed "$T/seed.json" --nonce-single-use
req "$R" -X DELETE -H "Accept: $PU_V2" "$URL$P1" >/dev/null
N=$(nonce_of)
expect_eq "single-use: first use" 204 "$(dreq "$P1" "$N" 00000001)"
expect_eq "single-use: second use" 401 "$(dreq "$P2" "$N" 00000002)"
expect_match "single-use reuse is stale" 'stale=true$' "$(header "$R" WWW-Authenticate)"
curl -sS -X POST "$URL/_sim/reset-stats" >/dev/null
out=$("$DC" "$PUB:$PRIV" "$DB_V" "${urls[@]//$URL_a/$URL}" | tr '\n' ' ')
expect_eq "libcurl with single-use nonces" "204 204 204 204 204 " "$out"
expect_eq "single-use: one challenge per request" 5 "$(statv "$URL" challenges)"
expect_eq "single-use: all but the first stale" 4 "$(statv "$URL" stale_challenges)"
stop_sim "$PID_c"

# --auth bearer: digest is not offered
start_sim d --seed "$T/seed.json" --auth bearer
st=$(req "$R" -X DELETE -H "Accept: $PU_V2" "$URL$P1")
expect_eq "bearer only: no credentials" 401 "$st"
expect_match "bearer only: Bearer challenge" '^Bearer ' "$(header "$R" WWW-Authenticate)"
expect_eq "bearer only: no digest challenge counted" 0 "$(statv "$URL" challenges)"
stop_sim "$PID_d"
finish
