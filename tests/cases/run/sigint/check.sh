# Ctrl-C mid-run: the requests in flight finish and are recorded, exit 130; the next `run`
# finishes the rest, and nothing is sent again for a job that was already terminal.
. "$OB_TESTS_DIR/lib/run.sh"
ob_bg first run --yes --quiet --concurrency 8
sleep 1
kill -INT "$bg_pid"
t0=$(ms_now)
wait "$bg_pid"
rc=$?
expect_eq "$rc" 130 "exit code after Ctrl-C ($(head -c 300 first.err))"
[ $(( $(ms_now) - t0 )) -lt 5000 ] || failed "took $(( $(ms_now) - t0 )) ms to stop with 20 ms requests in flight"
check_no_sanitizer first.err
mid=$(ob status --json)
expect_eq "$(jq '.by_state.in_flight' <<<"$mid")" 0 "jobs left in_flight after a drained stop"
ended=$(jq '.by_state.done' <<<"$mid")
[ "$ended" -gt 0 ] && [ "$ended" -lt 600 ] || failed "$ended jobs done before Ctrl-C: want some, not all"
expect_eq "$(sim_stat .deletions)" "$ended" "sim deletions vs done jobs after the stop"
jq -s -e 'map(select(.event == "run_end")) | length == 1 and .[0].exit_code == 130' offboard.db.audit.jsonl >/dev/null ||
    failed "run_end of the interrupted run: $(grep run_end offboard.db.audit.jsonl)"
ob run --yes --quiet --concurrency 8 >second.out 2>second.err
expect_eq "$?" 0 "exit code of the resuming run ($(head -c 300 second.err))"
check_no_sanitizer second.err
# every user existed: a job sent twice would have ended absent
check_all_terminal "done"
expect_eq "$(state_count done)" 600 "done jobs"
jq -e 'all(.[]; .attempts == 1)' <(ob report --format json) >/dev/null ||
    failed "jobs with more than one attempt: $(ob report --format json | jq -c '[.[] | select(.attempts != 1) | .job_id][:10]')"
# no attempt line for a job after its terminal one; one DELETE answered 204 per job
jq -s -e 'map(select(.event == "attempt")) | group_by(.job) | all(length == 1 and .[0].outcome == "done")' \
    offboard.db.audit.jsonl >/dev/null || failed "a job has attempts after its terminal one"
expect_eq "$(sim_stat '.by_status."204"')" 600 "204 answers"
check_sim_removed
check_sim_state
check_audit_ok
