# 20 projects, buckets of 5 refilled at 2/s each (40/s summed), simulator options: --headers standard.
# No request inside a Retry-After, 429s <= 1% of requests, and after the initial
# capacity the run keeps >= 90% of the summed refill rate
. "$OB_TESTS_DIR/lib/run.sh"
jobs=900 maxpct=1
stats=$(sim_get /_sim/stats)
st() { jq -r "$1" <<<"$stats"; }
req=$(st .requests) r429=$(st .rate_limited)
expect_eq "$(st .retry_after_violations)" 0 "requests inside a Retry-After"
[ $(( r429 * 100 )) -le $(( req * maxpct )) ] || failed "$r429 429s in $req requests (> $maxpct%)"
check_all_terminal "done"
expect_eq "$(state_count done)" "$jobs" "done jobs"
check_sim_removed
check_sim_state
check_audit_ok
# throughput: the 20 x 5 initial tokens are free; the rest comes at 40/s at best
# (jobs - 100) / elapsed >= 0.9 * 40  <=>  (jobs - 100) * 1000 * 10 >= 36 * 10 * elapsed_ms
[ $(( (jobs - 100) * 10000 )) -ge $(( 360 * OB_ELAPSED_MS )) ] ||
    failed "throughput $(( (jobs - 100) * 1000 / OB_ELAPSED_MS )) jobs/s after the initial capacity ($OB_ELAPSED_MS ms for $jobs jobs), want >= 36 (90% of 40/s)"
