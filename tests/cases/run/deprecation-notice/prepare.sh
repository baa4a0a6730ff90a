. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 2 25 1   # 50 jobs
