. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 5 200 1   # 1000 jobs
