. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 20 20 1   # 400 jobs in 20 projects
