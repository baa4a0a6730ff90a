. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 3 40 1   # 120 jobs
