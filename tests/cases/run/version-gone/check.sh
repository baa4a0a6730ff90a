# The run stops with exit 3 after a handful of requests; every job is back to pending,
# nothing was removed, and the audit log says why.
. "$OB_TESTS_DIR/lib/run.sh"
check_stopped_resumable 100 20
[ "$(sim_stat '.by_status."410" // 0')" -ge 1 ] || failed "no 410 seen"
