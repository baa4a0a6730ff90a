. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 2 10 1   # 20 jobs
