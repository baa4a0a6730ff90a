. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 6 250 1   # 1500 jobs in 6 projects
