# --limit 5 (a canary): exactly 5 jobs end, the others stay pending, 5 users removed.
. "$OB_TESTS_DIR/lib/run.sh"
expect_eq "$(( $(state_count done) + $(state_count absent) + $(state_count failed) ))" 5 "terminal jobs"
expect_eq "$(state_count pending)" 15 "pending jobs"
expect_eq "$(sim_stat .deletions)" 5 "sim deletions"
expect_eq "$(sim_stat '.by_status."204"')" 5 "204 answers"
expect_eq "$(jq -s 'map(select(.event == "attempt")) | length' offboard.db.audit.jsonl)" 5 "attempt records"
check_audit_ok
