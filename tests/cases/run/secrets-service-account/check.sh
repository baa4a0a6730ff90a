# The private key, the client secret and bearer tokens (the simulator's start with
# "sim_at_") appear nowhere: stdout, stderr, the database files, the audit log, reports.
. "$OB_TESTS_DIR/lib/run.sh"
check_all_terminal "done absent"
ob report >report.csv 2>report.err
ob report --format json >report.json 2>>report.err
ob status >status.out 2>&1
ob status --json >>status.out 2>&1
ob audit verify >>status.out 2>&1
for s in sim-private-key-0123456789 mdb_sa_sk_sim-secret-0123456789 sim_at_ \
         "$(printf 'mdb_sa_id_sim:mdb_sa_sk_sim-secret-0123456789' | base64)"; do
    for f in got.stdout got.stderr offboard.db* report.csv report.json report.err status.out; do
        [ -f "$f" ] || continue
        grep -a -q -F -- "$s" "$f" && failed "secret '${s:0:12}...' found in $f"
    done
done
# the run did record who it was (public key or client id), so the greps looked at real data
grep -a -q -E '"(public_key|client_id)":"(sim-public-key|mdb_sa_id_sim)"' offboard.db.audit.jsonl ||
    failed "run_start does not name the key or client id"
