# 20 projects, buckets of 5 refilled at 2/s each (40/s summed), simulator options: --headers new --retry-after-date --ratelimits-forbidden.
# No request inside a Retry-After, 429s <= 5% of requests
. "$OB_TESTS_DIR/lib/run.sh"
jobs=400 maxpct=5
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
