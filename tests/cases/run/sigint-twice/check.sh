# A second Ctrl-C abandons the requests in flight: exit 130 at once, their jobs back to
# pending (none left in_flight); the next run sends them again and everything ends done
# or absent.
. "$OB_TESTS_DIR/lib/run.sh"
ob_bg first run --yes --quiet --concurrency 8 --rate 20
# let the run get going, then make every answer take 5 s and wait for 8 requests in flight
for _ in $(seq 1 100); do [ "$(sim_stat .deletions)" -ge 5 ] && break; sleep 0.05; done
curl -sf -X POST -d '{"latency-ms": 5000}' "$SIM_URL/_sim/config" >/dev/null || failed "sim config"
# at 20 requests a second, the 8 slots are all held by 5 s requests within 0.4 s
sleep 1
kill -INT "$bg_pid"
sleep 0.3
kill -INT "$bg_pid" || failed "the run ended on the first Ctrl-C with 5 s requests in flight"
t0=$(ms_now)
wait "$bg_pid"
rc=$?
expect_eq "$rc" 130 "exit code after two Ctrl-C ($(head -c 300 first.err))"
[ $(( $(ms_now) - t0 )) -lt 2000 ] || failed "the second Ctrl-C took $(( $(ms_now) - t0 )) ms to stop"
check_no_sanitizer first.err
mid=$(ob status --json)
expect_eq "$(jq '.by_state.in_flight' <<<"$mid")" 0 "jobs left in_flight"
[ "$(jq '.by_state.pending' <<<"$mid")" -ge 8 ] || failed "abandoned jobs not back to pending: $(jq -c .by_state <<<"$mid")"
curl -sf -X POST -d '{"latency-ms": 0}' "$SIM_URL/_sim/config" >/dev/null || failed "sim config"
ob run --yes --quiet >second.out 2>second.err
expect_eq "$?" 0 "exit code of the resuming run ($(head -c 300 second.err))"
check_no_sanitizer second.err
check_all_terminal "done absent"
check_sim_removed
check_sim_state
check_audit_ok
