# No credentials at all: a clear message, exit 2, before anything is sent.
. "$OB_TESTS_DIR/lib/run.sh"
expect_eq "$(sim_stat .requests)" 0 "requests the simulator saw"
grep -q 'MONGODB_ATLAS' got.stderr || failed "the message does not name the variables: $(cat got.stderr)"
# a half-set key pair is refused the same way
MONGODB_ATLAS_PUBLIC_API_KEY=sim-public-key ob run --yes >half.out 2>half.err
expect_eq "$?" 2 "exit code with only the public key"
expect_eq "$(sim_stat .requests)" 0 "requests after the half-set key"
