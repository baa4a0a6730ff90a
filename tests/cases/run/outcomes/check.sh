# SPEC §6 row by row: 204 done, 404 USER_NOT_IN_GROUP / USER_NOT_FOUND absent,
# 400 last owner failed, 401 NOT_IN_GROUP failed, 404 GROUP_NOT_FOUND failed; exit 1.
. "$OB_TESTS_DIR/lib/run.sh"
expect_eq "$(sim_get /_sim/removed | jq -c .)" \
  '{"project_users":[["64b7e1c2a9f3d40012ab34cd","5e8f1a2b3c4d5e6f7a8b9c01"]],"db_users":[["64b7e1c2a9f3d40012ab34cd","admin","app"]]}' \
  "removed"
expect_eq "$(sim_stat .deletions)" 2 "sim deletions"
# each job was sent once (terminal answers are not retried)
expect_eq "$(sim_stat '.by_status."204"')" 2 "204 answers"
expect_eq "$(sim_stat '[.by_status."400", .by_status."404"] | add')" 5 "400+404 answers"
# every attempt line agrees with the job's final row
jq -s -e 'map(select(.event == "attempt")) | map({job, status, error_code, outcome}) | sort_by(.job)
  == [{"job":1,"status":204,"error_code":null,"outcome":"done"},
      {"job":2,"status":404,"error_code":"USER_NOT_IN_GROUP","outcome":"absent"},
      {"job":3,"status":400,"error_code":"CANNOT_REMOVE_LAST_OWNER","outcome":"failed"},
      {"job":4,"status":401,"error_code":"NOT_IN_GROUP","outcome":"failed"},
      {"job":5,"status":404,"error_code":"GROUP_NOT_FOUND","outcome":"failed"},
      {"job":6,"status":204,"error_code":null,"outcome":"done"},
      {"job":7,"status":404,"error_code":"USER_NOT_FOUND","outcome":"absent"},
      {"job":8,"status":401,"error_code":"NOT_IN_GROUP","outcome":"failed"},
      {"job":9,"status":404,"error_code":"GROUP_NOT_FOUND","outcome":"failed"}]' \
  offboard.db.audit.jsonl >/dev/null || failed "attempt records: $(jq -c 'select(.event=="attempt") | {job,status,error_code,outcome}' offboard.db.audit.jsonl)"
jq -s -e 'map(select(.event == "run_end"))[0] | .exit_code == 1 and .counts.done == 2 and .counts.absent == 2 and .counts.failed == 5' \
  offboard.db.audit.jsonl >/dev/null || failed "run_end record: $(grep run_end offboard.db.audit.jsonl)"
jq -s -e 'map(select(.event == "run_start"))[0] | .auth == "digest" and .public_key == "sim-public-key" and .concurrency == 8' \
  offboard.db.audit.jsonl >/dev/null || failed "run_start record: $(grep run_start offboard.db.audit.jsonl)"
check_audit_ok
