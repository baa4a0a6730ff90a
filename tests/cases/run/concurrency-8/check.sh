# --concurrency 8 bounds the requests in flight and the connections open (token requests
# included); with the simulator's 5 ms latency the bound is actually reached.
. "$OB_TESTS_DIR/lib/run.sh"
n=8 jobs=1000
# the first /_sim request of the case: its own TCP connection counts in `connections`
stats=$(sim_get /_sim/stats)
st() { jq -r "$1" <<<"$stats"; }
peak=$(st .peak_in_flight) conns=$(( $(st .connections) - 1 )) req=$(st .requests)
[ "$peak" -le "$n" ] || failed "peak in flight $peak > $n"
[ "$conns" -le "$n" ] || failed "$conns connections > $n"
[ "$peak" -ge $(( (n + 1) / 2 )) ] || failed "peak in flight $peak: the run never came near --concurrency $n"
[ $(( req * 100 )) -le $(( jobs * 105 )) ] || failed "$req requests for $jobs jobs (> 1.05 per job): $(jq -c '{challenges, stale_challenges, rate_limit_queries, token_requests, by_status}' <<<"$stats")"
expect_eq "$(st .rate_limited)" 0 "429s"
check_all_terminal "done"
expect_eq "$(state_count done)" "$jobs" "done jobs"
check_sim_removed
check_sim_state
check_audit_ok
# digest: at most one challenge per connection (plus stale ones)
ch=$(st .challenges) stale=$(st .stale_challenges)
[ "$ch" -le $(( conns + stale )) ] || failed "$ch challenges > $conns connections + $stale stale"
expect_eq "$(st .tokens_issued)" 0 "tokens issued"
