# --concurrency 64 bounds the requests in flight and the connections open (token requests
# included); with the simulator's 5 ms latency the bound is actually reached.
. "$OB_TESTS_DIR/lib/run.sh"
check_clean_run 64 2000
# digest: at most one challenge per connection (plus stale ones)
ch=$(st .challenges) stale=$(st .stale_challenges)
[ "$ch" -le $(( conns + stale )) ] || failed "$ch challenges > $conns connections + $stale stale"
expect_eq "$(st .tokens_issued)" 0 "tokens issued"
