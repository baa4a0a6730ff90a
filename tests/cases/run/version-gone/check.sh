# The run stops with exit 3 after a handful of requests; every job is back to pending,
# nothing was removed, and the audit log says why.
. "$OB_TESTS_DIR/lib/run.sh"
expect_eq "$(state_count pending)" 100 "pending jobs"
check_all_terminal "pending"
expect_eq "$(sim_stat .deletions)" 0 "sim deletions"
req=$(sim_stat .requests)
[ "$req" -le 20 ] || failed "$req requests before stopping, want <= 2 x concurrency + 4 = 20"
jq -s -e 'map(select(.event == "run_end")) | length == 1 and .[0].exit_code == 3' offboard.db.audit.jsonl >/dev/null ||
    failed "run_end: $(grep run_end offboard.db.audit.jsonl)"
[ -s got.stderr ] || failed "no message on stderr"
# it is resumable: the jobs are untouched and a later run can start again
jq -e '[.[] | select(.attempts > 0 and .state != "pending")] | length == 0' <(ob report --format json) >/dev/null ||
    failed "report rows not pending"
check_sim_state_unchanged() {
    diff <(jq -S '.projects | map_values(del(.rate_limits) | .dbusers //= [] | .owners //= [] | .inaccessible //= false)' seed.json) \
         <(sim_get /_sim/state | jq -S .projects) >/dev/null || failed "simulator state changed"
}
check_sim_state_unchanged
[ "$(sim_stat '.by_status."410" // 0')" -ge 1 ] || failed "no 410 seen"
