# 10% 500, 5% reset, 5% applied-then-500: every job ends done or absent, nobody outside
# the list is removed, everyone else is still there.
. "$OB_TESTS_DIR/lib/run.sh"
[ "$(sim_stat .faults)" -ge 20 ] || failed "only $(sim_stat .faults) faults for 200 jobs"
check_all_terminal "done absent"
check_sim_removed_subset
check_sim_removed
check_sim_state
jq -s -e 'map(select(.event == "run_end"))[0].exit_code == 0' offboard.db.audit.jsonl >/dev/null || failed "run_end exit code"
check_audit_ok
