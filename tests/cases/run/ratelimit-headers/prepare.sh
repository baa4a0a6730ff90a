. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 20 45 1   # 900 jobs in 20 projects
