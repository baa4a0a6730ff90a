# Off a terminal, `run` without --quiet writes a plain progress line (no \r, no escapes) to
# stderr about every 5 s; a run of ~7 s shows at least one and nothing else on a clean run.
# Then a second list with --quiet (~6 s): stderr stays empty.
. "$OB_TESTS_DIR/lib/run.sh"
re='^done [0-9]+  absent [0-9]+  failed [0-9]+  waiting [0-9]+  in flight [0-9]+ \| '
[ "$OB_ELAPSED_MS" -ge 5500 ] || failed "the run took only $OB_ELAPSED_MS ms: too short to show a 5 s progress line"
lines=$(grep -cE "$re" got.stderr)
[ "$lines" -ge 1 ] || failed "no progress line in stderr after $OB_ELAPSED_MS ms: $(head -c 800 got.stderr)"
# about one line per 5 s, never one per answer
[ "$lines" -le $(( OB_ELAPSED_MS / 4000 + 1 )) ] || failed "$lines progress lines in $OB_ELAPSED_MS ms (want about one per 5 s)"
expect_eq "$(grep -cvE "$re" got.stderr)" 0 "stderr lines that are not progress lines"
if grep -q $'[\r\033]' got.stderr; then failed "terminal control characters in stderr off a terminal"; fi
expect_eq "$(state_count done)" 140 "done jobs after list-a"

ob load list-b.csv >load-b.out 2>load-b.err || failed "load list-b.csv: $(cat load-b.err)"
t0=$(ms_now)
ob run --yes --quiet --concurrency 2 >run2.out 2>run2.err
expect_eq "$?" 0 "exit code of the --quiet run"
ms=$(( $(ms_now) - t0 ))
[ "$ms" -ge 5500 ] || failed "the --quiet run took only $ms ms: too short to prove it stays quiet"
check_no_sanitizer run2.err
[ ! -s run2.err ] || failed "stderr of a clean --quiet run is not empty: $(head -c 800 run2.err)"
check_all_terminal "done"
expect_eq "$(state_count done)" 260 "done jobs"
check_sim_removed
check_sim_state
check_audit_ok
