# Every answer of the job endpoints carries Deprecation/Sunset (sim --deprecation, RFC 9745
# form): the run warns exactly once, naming both values, and otherwise completes normally.
. "$OB_TESTS_DIR/lib/run.sh"
jobs=50
n=$(grep -c 'deprecated' got.stderr)
expect_eq "$n" 1 "lines of stderr that say 'deprecated' (stderr: $(head -c 800 got.stderr))"
grep 'deprecated' got.stderr | grep -q '@1767225600' || failed "the warning does not show the Deprecation value: $(grep deprecated got.stderr)"
grep 'deprecated' got.stderr | grep -q 'Fri, 01 Jan 2027 00:00:00 GMT' || failed "the warning does not show the Sunset value: $(grep deprecated got.stderr)"
expect_eq "$(grep -vc 'deprecated' got.stderr)" 0 "other stderr lines under --quiet"
expect_eq "$(sim_stat .by_status.\"204\")" "$jobs" "204 answers (each carried the fields)"
check_all_terminal "done"
expect_eq "$(state_count done)" "$jobs" "done jobs"
check_sim_removed
check_sim_state
check_audit_ok
