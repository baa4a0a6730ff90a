. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 4 150 1   # 600 jobs in 4 projects
