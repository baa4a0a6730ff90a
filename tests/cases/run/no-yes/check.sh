# No --yes and standard input is not a terminal: refuse (exit 2), nothing sent or changed.
. "$OB_TESTS_DIR/lib/run.sh"
expect_eq "$(sim_stat .requests)" 0 "requests the simulator saw"
grep -q -- '--yes' got.stderr || failed "the refusal does not mention --yes: $(cat got.stderr)"
