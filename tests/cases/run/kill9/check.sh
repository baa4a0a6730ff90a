# kill -9 at 10 random moments of one run, then `run` until it finishes: every job ends
# terminal, the simulator has "listed users removed, everyone else present", nobody was
# removed twice, and the audit log verifies (a torn last line set aside and reported).
. "$OB_TESTS_DIR/lib/run.sh"
RANDOM=$$
for i in $(seq 1 10); do
    ob_bg run$i run --yes --quiet --concurrency 8
    # 0.05 - 0.5 s
    sleep "0.$(printf '%02d' $(( 5 + RANDOM % 46 )))"
    kill -9 "$bg_pid" 2>/dev/null
    wait "$bg_pid" 2>/dev/null
    check_no_sanitizer run$i.err
done
mid=$(ob status --json)
[ "$(jq '.by_state.done + .by_state.absent' <<<"$mid")" -gt 0 ] || failed "the killed runs got nothing done"
[ "$(jq '.by_state.pending + .by_state.in_flight + .by_state.retry_wait' <<<"$mid")" -gt 0 ] ||
    failed "the killed runs finished everything: the kills came too late"
ob run --yes --quiet --concurrency 8 >final.out 2>final.err
rc=$?
expect_eq "$rc" 0 "final run exit code ($(head -c 500 final.err))"
check_no_sanitizer final.err
check_all_terminal "done absent"
expect_eq "$(( $(state_count done) + $(state_count absent) ))" 1500 "terminal jobs"
check_sim_removed
check_sim_state
check_audit_ok
# a torn line left by a kill must be set aside with a warning, never silently dropped
if ls offboard.db.audit.jsonl.torn-* >/dev/null 2>&1; then
    cat run*.err final.err | grep -q "torn" || failed "a torn audit line was set aside without a warning"
    grep -q "torn line" verify.err || failed "audit verify does not report the set-aside torn line: $(cat verify.err)"
fi
# every job done or absent has a terminal attempt line in the audit log
expect_eq "$(jq -s '[.[] | select(.event == "attempt" and (.outcome == "done" or .outcome == "absent")) | .job] | unique | length' offboard.db.audit.jsonl)" \
    1500 "jobs with a terminal attempt in the audit log"
