# --concurrency 8 bounds the requests in flight and the connections open (token requests
# included); with the simulator's 5 ms latency the bound is actually reached.
. "$OB_TESTS_DIR/lib/run.sh"
check_clean_run 8 400
# a service account: one token for the whole run, revoked at exit; no digest
expect_eq "$(st .token_requests)" 1 "token requests"
expect_eq "$(st .tokens_issued)" 1 "tokens issued"
expect_eq "$(st .tokens_revoked)" 1 "tokens revoked"
expect_eq "$(st .challenges)" 0 "digest challenges"
jq -s -e 'map(select(.event == "run_start"))[0] | .client_id == "mdb_sa_id_sim"' offboard.db.audit.jsonl >/dev/null ||
    failed "run_start does not name the client id: $(grep run_start offboard.db.audit.jsonl)"
