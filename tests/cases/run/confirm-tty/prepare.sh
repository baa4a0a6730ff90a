. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 2 5 1   # 10 jobs in 2 projects
