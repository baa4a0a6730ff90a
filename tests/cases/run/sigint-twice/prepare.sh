. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 4 100 1   # 400 jobs in 4 projects
