. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 4 10 1   # 40 jobs, 4 projects
