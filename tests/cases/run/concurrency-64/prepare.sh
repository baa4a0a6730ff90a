. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 10 200 1   # 2000 jobs
