# Injected faults: determinism (same seed, same requests -> same answers), 500, 503 with an HTML
# body and Retry-After, connection resets, applied-then-500, and latency that does not block.
. "$(dirname "$0")/lib.sh"
G=64b7e1c2a9f3d40012ab34cd
users=""
for i in $(seq 10 59); do users+="\"5e8f1a2b3c4d5e6f7a8b9c$i\": \"u$i@x\","; done
printf '{"projects": {"%s": {"users": {%s}}}}' "$G" "${users%,}" >"$T/seed.json"
R=$T/r
FAULTS=(--fault-500 0.2 --fault-503 0.2 --fault-reset 0.1 --fault-applied-500 0.1)
# run_sequence : 50 DELETEs, then the same 50 again; prints the statuses (000: no answer)
run_sequence() {
	local i out=""
	for pass in 1 2; do
		for i in $(seq 10 59); do
			out+="$(curl -s -o /dev/null -w '%{http_code}' -X DELETE -H "Authorization: Bearer $TOKEN" \
				-H "Accept: $PU_V2" "$URL/api/atlas/v2/groups/$G/users/5e8f1a2b3c4d5e6f7a8b9c$i") "
		done
	done
	echo "$out"
}
start_sim a --seed "$T/seed.json" --fault-seed 7 "${FAULTS[@]}"
TOKEN=$(token "$URL"); A=$(run_sequence); FA=$(statv "$URL" faults); stop_sim "$PID_a"
start_sim b --seed "$T/seed.json" --fault-seed 7 "${FAULTS[@]}"
TOKEN=$(token "$URL"); B=$(run_sequence); stop_sim "$PID_b"
start_sim c --seed "$T/seed.json" --fault-seed 8 "${FAULTS[@]}"
TOKEN=$(token "$URL"); C=$(run_sequence); stop_sim "$PID_c"
expect_eq "same seed, same answers" "$A" "$B"
if [ "$A" != "$C" ]; then ok; else fail "another seed gave the same 100 answers"; fi
for s in 000 500 503 204 404; do expect_match "the sequence has $s" "(^| )$s " "$A"; done
expect_eq "faults counted" "$FA" "$(tr ' ' '\n' <<<"$A" | grep -cE '^(000|500|503)$')"

# 503: HTML body, Retry-After, and that Retry-After is watched
start_sim d --seed "$T/seed.json" --fault-503 1 --fault-503-retry-after 2
TOKEN=$(token "$URL")
expect_eq "503" 503 "$(del "$URL" /api/atlas/v2/groups/$G/users/5e8f1a2b3c4d5e6f7a8b9c10 "$PU_V2")"
expect_match "503 is HTML" '^text/html' "$(header "$R" Content-Type)"
expect_match "503 body" '<html>' "$(cat "$R.b")"
expect_eq "503 Retry-After" 2 "$(header "$R" Retry-After)"
del "$URL" /api/atlas/v2/groups/$G/users/5e8f1a2b3c4d5e6f7a8b9c10 "$PU_V2" >/dev/null
expect_eq "request inside a 503's Retry-After" 1 "$(statv "$URL" retry_after_violations)"
# applied-500: the user is gone although the answer was 500
curl -sS -d '{"fault-503": 0, "fault-applied-500": 1}' "$URL/_sim/config" >/dev/null
expect_eq "applied 500" 500 "$(del "$URL" /api/atlas/v2/groups/$G/users/5e8f1a2b3c4d5e6f7a8b9c11 "$PU_V2")"
expect_eq "500 code" UNEXPECTED_ERROR "$(jq -r .errorCode "$R.b")"
expect_eq "applied: removed" '[["'$G'","5e8f1a2b3c4d5e6f7a8b9c11"]]' "$(curl -sS "$URL/_sim/removed" | jq -c .project_users)"
curl -sS -d '{"fault-applied-500": 0}' "$URL/_sim/config" >/dev/null
expect_eq "the retry finds nobody" 404 "$(del "$URL" /api/atlas/v2/groups/$G/users/5e8f1a2b3c4d5e6f7a8b9c11 "$PU_V2")"
expect_eq "the retry's code" USER_NOT_IN_GROUP "$(jq -r .errorCode "$R.b")"
# reset: no answer at all
curl -sS -d '{"fault-reset": 1}' "$URL/_sim/config" >/dev/null
curl -s -o /dev/null -X DELETE -H "Authorization: Bearer $TOKEN" -H "Accept: $PU_V2" \
	"$URL/api/atlas/v2/groups/$G/users/5e8f1a2b3c4d5e6f7a8b9c12"
expect_eq "reset: curl sees an empty reply" 52 "$?"
expect_eq "reset: nothing removed" 1 "$(curl -sS "$URL/_sim/removed" | jq '.project_users|length')"
stop_sim "$PID_d"

# latency: 20 concurrent requests of 400 ms on ONE worker thread finish together
start_sim e --seed "$T/seed.json" --threads 1 --latency-ms 400 --latency-jitter-ms 50
TOKEN=$(token "$URL")
t0=$(date +%s.%N)
for i in $(seq 20 39); do
	curl -s -o "$T/lat$i" -w '%{http_code}' -X DELETE -H "Authorization: Bearer $TOKEN" -H "Accept: $PU_V2" \
		"$URL/api/atlas/v2/groups/$G/users/5e8f1a2b3c4d5e6f7a8b9c$i" >"$T/lat$i.st" &
done
wait_ok=1
for j in $(jobs -p); do if [ "$j" != "$PID_e" ]; then wait "$j" || wait_ok=0; fi; done
t1=$(date +%s.%N)
expect_eq "all answered" 1 "$wait_ok"
expect_eq "all 204" "20" "$(cat "$T"/lat*.st | grep -o 204 | wc -l)"
expect_eq "not serialised (< 2.5 s for 20 x 400 ms)" 1 "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a < 2.5) ? 1 : 0 }')"
peak=$(statv "$URL" peak_in_flight)
if [ "$peak" -ge 15 ]; then ok; else fail "peak_in_flight $peak < 15"; fi
stop_sim "$PID_e"
finish
