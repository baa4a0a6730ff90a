# --tls-cert / --tls-key: HTTPS on the same port-0 terms (PORT line), verified against a
# throwaway CA; plain HTTP refused; digest, bearer, latency suspension and keep-alive over TLS;
# usage errors (one of the two options, unreadable or invalid PEM).
. "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || { echo "openssl CLI missing (scripts/deps.sh installs it)" >&2; exit 1; }
G=64b7e1c2a9f3d40012ab34cd
U1=5e8f1a2b3c4d5e6f7a8b9c01 U2=5e8f1a2b3c4d5e6f7a8b9c02 U3=5e8f1a2b3c4d5e6f7a8b9c03
printf '{"projects": {"%s": {"users": {"%s": "a@x", "%s": "b@x", "%s": "c@x"}, "dbusers": [["admin","u1"]]}}}' \
	"$G" "$U1" "$U2" "$U3" >"$T/seed.json"
make_tls "$T/tls"
R=$T/r

# usage and startup errors
"$SIM" --seed "$T/seed.json" --tls-cert "$T/tls/server.pem" >/dev/null 2>"$T/e1"
expect_eq "--tls-cert alone: usage error" 2 "$?"
expect_match "--tls-cert alone: message" 'go together' "$(cat "$T/e1")"
"$SIM" --seed "$T/seed.json" --tls-cert "$T/tls/server.pem" --tls-key "$T/nope.key" >/dev/null 2>"$T/e2"
expect_eq "missing key file: exit 1" 1 "$?"
expect_match "missing key file: named" 'nope\.key' "$(cat "$T/e2")"
echo 'not a certificate' >"$T/junk.pem"
"$SIM" --seed "$T/seed.json" --tls-cert "$T/junk.pem" --tls-key "$T/tls/server.key" >"$T/o3" 2>"$T/e3"
expect_eq "invalid PEM: exit 1" 1 "$?"
expect_eq "invalid PEM: no PORT line" "" "$(cat "$T/o3")"

start_sim a --seed "$T/seed.json" --tls-cert "$T/tls/server.pem" --tls-key "$T/tls/server.key"
URL=https://127.0.0.1:$PORT
CA=(--cacert "$T/tls/ca.pem")
expect_eq "stats over https" 200 "$(curl -sS "${CA[@]}" -o /dev/null -w '%{http_code}' "$URL/_sim/stats")"
curl -sS -o /dev/null "$URL/_sim/stats" 2>/dev/null
expect_eq "unknown CA: curl refuses the certificate (60)" 60 "$?"
curl -sS -o /dev/null --resolve "localhost:$PORT:127.0.0.1" "${CA[@]}" "https://localhost:$PORT/_sim/stats" 2>/dev/null
expect_eq "certificate is for IP 127.0.0.1, not localhost (60)" 60 "$?"
st=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT/_sim/stats")
expect_eq "plain HTTP is not answered" 000 "$st"

# digest over TLS (the digest uri is the path; nothing TLS-specific) and bearer
st=$(req "$R" "${CA[@]}" --digest -u "$PUB:$PRIV" -X DELETE -H "Accept: $PU_V2" "$URL/api/atlas/v2/groups/$G/users/$U1")
expect_eq "digest DELETE over https" 204 "$st"
TOKEN=$(curl -sS "${CA[@]}" -u "$CID:$CSECRET" -d grant_type=client_credentials "$URL/api/oauth/token" | jq -r .access_token)
expect_match "token over https" '.' "$TOKEN"
st=$(del "$URL" /api/atlas/v2/groups/$G/databaseUsers/admin/u1 "$DB_V" "${CA[@]}")
expect_eq "bearer db-user DELETE over https" 204 "$st"
expect_eq "rate-limit fields over https" 10000 "$(header "$R" RateLimit-Limit)"

# latency suspends TLS connections too: two delayed requests in parallel overlap
curl -sS "${CA[@]}" -d '{"latency-ms": 400}' "$URL/_sim/config" >/dev/null
t0=$(date +%s%N)
del "$URL" /api/atlas/v2/groups/$G/users/$U2 "$PU_V2" "${CA[@]}" >"$T/p1" &
p1=$!
req "$T/r2" "${CA[@]}" -X DELETE -H "Authorization: Bearer $TOKEN" -H "Accept: $PU_V2" \
	"$URL/api/atlas/v2/groups/$G/users/$U3" >"$T/p2"
wait "$p1"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect_eq "delayed DELETE 1 over https" 204 "$(cat "$T/p1")"
expect_eq "delayed DELETE 2 over https" 204 "$(cat "$T/p2")"
if [ "$ms" -ge 400 ] && [ "$ms" -lt 1500 ]; then ok; else fail "two 400 ms requests took $ms ms (want 400..1500: overlapping)"; fi
expect_eq "peak_in_flight" 2 "$(curl -sS "${CA[@]}" "$URL/_sim/stats" | jq .peak_in_flight)"
curl -sS "${CA[@]}" -d '{"latency-ms": 0}' "$URL/_sim/config" >/dev/null

# keep-alive over TLS: one curl, two requests, one connection
c0=$(curl -sS "${CA[@]}" "$URL/_sim/stats" | jq .connections)
curl -sS "${CA[@]}" -o /dev/null -o /dev/null -X DELETE -H "Authorization: Bearer $TOKEN" -H "Accept: $PU_V2" \
	"$URL/api/atlas/v2/groups/$G/users/$U1" "$URL/api/atlas/v2/groups/$G/users/$U2"
c1=$(curl -sS "${CA[@]}" "$URL/_sim/stats" | jq .connections)
expect_eq "two requests on one TLS connection" 1 "$(( c1 - c0 - 1 ))"
expect_eq "deletions" 4 "$(curl -sS "${CA[@]}" "$URL/_sim/stats" | jq .deletions)"
expect_eq "state: nobody left" '{}' "$(curl -sS "${CA[@]}" "$URL/_sim/state" | jq -c ".projects[\"$G\"].users")"
stop_sim "$PID_a"
finish
