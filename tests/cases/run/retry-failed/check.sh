# Every attempt gets a 500 and --max-attempts 1: all jobs failed (exit 1). retry-failed
# makes them pending again with a `reset` audit record; the next run retries and ends done.
. "$OB_TESTS_DIR/lib/run.sh"
expect_eq "$(state_count failed)" 5 "failed jobs"
ob retry-failed >rf.out 2>rf.err
expect_eq "$?" 0 "retry-failed exit code ($(cat rf.err))"
expect_eq "$(state_count pending)" 5 "pending jobs after retry-failed"
expect_eq "$(state_count failed)" 0 "failed jobs after retry-failed"
jq -s -e 'map(select(.event == "reset")) | length == 1' offboard.db.audit.jsonl >/dev/null ||
    failed "no reset record: $(jq -r .event offboard.db.audit.jsonl | tr '\n' ' ')"
jq -s -e '.[-1].event == "reset"' offboard.db.audit.jsonl >/dev/null || failed "reset is not the last record"
curl -sf -X POST -d '{"fault-500": 0}' "$SIM_URL/_sim/config" >/dev/null || failed "sim config"
ob run --yes --quiet --max-attempts 1 >again.out 2>again.err
expect_eq "$?" 0 "exit code of the retry run ($(head -c 300 again.err))"
check_all_terminal "done"
jq -e 'all(.[]; .attempts == 2 and .state == "done" and .http_status == 204)' <(ob report --format json) >/dev/null ||
    failed "report rows after the retry: $(ob report --format json | jq -c '[.[] | {state, attempts, http_status}]')"
check_sim_removed
check_sim_state
check_audit_ok
