# --credentials FILE with mode 0600 (a service account, with a comment line) works.
. "$OB_TESTS_DIR/lib/run.sh"
check_all_terminal "done"
check_sim_removed
check_sim_state
expect_eq "$(sim_stat .tokens_issued)" 1 "tokens issued"
expect_eq "$(sim_stat .tokens_revoked)" 1 "tokens revoked"
