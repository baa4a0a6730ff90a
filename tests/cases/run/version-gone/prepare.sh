. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 4 25 1   # 100 jobs in 4 projects
