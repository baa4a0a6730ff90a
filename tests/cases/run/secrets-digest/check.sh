# The private key, the client secret and bearer tokens (the simulator's start with
# "sim_at_") appear nowhere: stdout, stderr, the database files, the audit log, reports.
. "$OB_TESTS_DIR/lib/run.sh"
check_no_secrets
