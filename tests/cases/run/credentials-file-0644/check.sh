# --credentials FILE readable by group/others is refused (exit 2) before anything is sent.
. "$OB_TESTS_DIR/lib/run.sh"
expect_eq "$(sim_stat .requests)" 0 "requests the simulator saw"
grep -q 'creds.env' got.stderr || failed "the message does not name the file: $(cat got.stderr)"
grep -q 'sim-private-key' got.stderr got.stdout && failed "the secret was printed"
chmod 0640 creds.env
ob run --yes --quiet --credentials creds.env >g.out 2>g.err
expect_eq "$?" 2 "exit code with mode 0640"
expect_eq "$(sim_stat .requests)" 0 "requests after mode 0640"
