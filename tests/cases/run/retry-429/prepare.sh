. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 2 8 1   # 16 jobs, 2 projects
