# An HTTPS simulator whose certificate is signed by a throwaway CA. Without --cacert the
# certificate cannot be verified: the run stops at once (exit 3, "certificate" in the message),
# nothing is removed and every job is back to pending (none failed, none used an attempt up).
# With --cacert ca.pem the same run completes.
. "$OB_TESTS_DIR/lib/run.sh"
jobs=30
grep -qi 'certificate' got.stderr || failed "stderr does not mention the certificate: $(head -c 600 got.stderr)"
grep -q -- '--cacert' got.stderr || failed "stderr does not point at --cacert: $(head -c 600 got.stderr)"
expect_eq "$(sim_stat .requests)" 0 "HTTP requests the simulator saw without a trusted certificate"
expect_eq "$(sim_stat .deletions)" 0 "users removed without --cacert"
expect_eq "$(state_count pending)" "$jobs" "pending jobs after the refused certificate"
expect_eq "$(state_count failed)" 0 "failed jobs after the refused certificate"
check_all_terminal "pending"
check_audit_ok

# the same run, trusting the CA
ob run --yes --quiet --cacert ca.pem >run2.out 2>run2.err
expect_eq "$?" 0 "exit code with --cacert ca.pem"
check_no_sanitizer run2.err
[ ! -s run2.err ] || failed "stderr of the --cacert run is not empty: $(head -c 600 run2.err)"
check_all_terminal "done"
expect_eq "$(state_count done)" "$jobs" "done jobs with --cacert"
check_sim_removed
check_sim_state
check_audit_ok
