. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 1 5 1   # 5 jobs
