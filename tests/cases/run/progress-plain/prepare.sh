. "$OB_TESTS_DIR/lib/run.sh"
gen_pu 2 130 1   # 260 jobs: list-a.csv the first 140 (about 7 s at 100 ms and 2 in flight), list-b.csv the other 120
head -n 141 list.csv >list-a.csv
{ head -n 1 list.csv; tail -n +142 list.csv; } >list-b.csv
