. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 3 100 1   # 300 jobs
