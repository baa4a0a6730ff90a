# Blind to the buckets (no headers, rateLimits refused; 2 projects, concurrency 2, so one
# request in flight per project when jobs are interleaved), the tool meets 429s: it waits as
# told, a 429 does not use up an attempt (--max-attempts 1), and every job ends done.
. "$OB_TESTS_DIR/lib/run.sh"
[ "$(sim_stat .rate_limited)" -ge 1 ] || failed "no 429 happened: the case tests nothing"
expect_eq "$(sim_stat .retry_after_violations)" 0 "requests inside a Retry-After"
check_all_terminal "done"
expect_eq "$(state_count done)" 16 "done jobs"
check_sim_removed
check_sim_state
jq -s -e 'map(select(.event == "attempt" and .status == 429)) | length >= 1' offboard.db.audit.jsonl >/dev/null ||
    failed "the 429 answers are not in the audit log"
check_audit_ok
