. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 5 40 2   # 200 jobs in 5 projects, 3 more users per project on no list
