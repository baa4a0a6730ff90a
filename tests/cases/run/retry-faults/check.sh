# (--concurrency 1: a request already on its way when another one's 503 arrives cannot obey
# that Retry-After, and the simulator would count it; one at a time, every later request can.)
# 500, 503 (with Retry-After), reset and applied-then-500 are retried with backoff; a job
# whose retry gets 204 ends done, one whose first attempt was applied ends absent.
. "$OB_TESTS_DIR/lib/run.sh"
[ "$(sim_stat .faults)" -ge 5 ] || failed "only $(sim_stat .faults) faults: the case tests little"
expect_eq "$(sim_stat .retry_after_violations)" 0 "requests inside a 503's Retry-After"
check_all_terminal "done absent"
check_sim_removed
check_sim_state
rows=$(ob report --format json)
# a 2xx after an earlier error ends done
jq -e '[.[] | select(.state == "done" and .attempts > 1)] | length >= 1' <<<"$rows" >/dev/null ||
    failed "no job ended done after an error (attempts: $(jq -c '[.[] | .attempts]' <<<"$rows"))"
# the audit log: each job's attempts before the last are retries, the last one is terminal
jq -s -e 'map(select(.event == "attempt")) | group_by(.job) | all(
      (.[-1].outcome == "done" or .[-1].outcome == "absent")
      and (.[:-1] | all(.outcome != "done" and .outcome != "absent" and .outcome != "failed")))' \
    offboard.db.audit.jsonl >/dev/null || failed "attempt sequences: $(jq -s -c 'map(select(.event == "attempt")) | group_by(.job) | map(map(.outcome)) | .[:8]' offboard.db.audit.jsonl)"
# absent only where an earlier attempt may have been applied
jq -e '[.[] | select(.state == "absent" and .attempts == 1)] | length == 0' <<<"$rows" >/dev/null ||
    failed "a job absent at its first attempt"
expect_eq "$(jq '[.[] | .attempts] | add' <<<"$rows")" \
    "$(jq -s 'map(select(.event == "attempt")) | length' offboard.db.audit.jsonl)" "attempts in report vs audit log"
check_audit_ok
