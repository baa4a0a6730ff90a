# --dry-run prints every request it would send (encoded paths), sends nothing, changes nothing.
. "$OB_TESTS_DIR/lib/run.sh"
expect_eq "$(sim_stat .connections)" 1 "connections (only this stats request)"
expect_eq "$(sim_stat .requests)" 0 "requests the simulator saw"
expect_eq "$(grep -c '^DELETE ' got.stdout)" 11 "DELETE lines printed"
for p in /api/atlas/v2/groups/64b7e1c2a9f3d40012ab34cd/users/5e8f1a2b3c4d5e6f7a8b9c01 \
         /api/atlas/v2/groups/64b7e1c2a9f3d40012ab34ce/users/5e8f1a2b3c4d5e6f7a8b9c04 \
         '/api/atlas/v2/groups/64b7e1c2a9f3d40012ab34cd/databaseUsers/%24external/arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FAdmin%2BOps' \
         '/api/atlas/v2/groups/64b7e1c2a9f3d40012ab34cd/databaseUsers/admin/space%20user' \
         '/api/atlas/v2/groups/64b7e1c2a9f3d40012ab34cd/databaseUsers/admin/100%25real' \
         '/api/atlas/v2/groups/64b7e1c2a9f3d40012ab34cd/databaseUsers/admin/..%252F'; do
    grep -q -F "$SIM_URL$p " got.stdout || failed "request not printed: $p"
done
expect_eq "$(state_count pending)" 11 "pending jobs"
