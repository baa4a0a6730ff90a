# Names with /, :, +, %, space, ',', '=', '$', '?', '#', '&', '..' and non-ASCII reach the
# simulator intact: it removed exactly the listed targets (and not their near-miss twins,
# which sim-state.json keeps), each once, with one DELETE per job.
. "$OB_TESTS_DIR/lib/run.sh"
expect_eq "$(sim_get /_sim/removed | jq -S -c '{project_users: (.project_users | sort), db_users: (.db_users | sort)}')" \
    "$(jq -S -c '{project_users: (.project_users | sort), db_users: (.db_users | sort)}' want-removed.json)" "removed targets"
expect_eq "$(sim_stat .deletions)" 11 "sim deletions"
expect_eq "$(sim_stat '.by_status."204"')" 11 "204 answers"
check_all_terminal "done"
expect_eq "$(state_count done)" 11 "done jobs"
api=${PU_PREFIX:-/api/atlas/v2/groups/}
jq -s -e --arg p "$api" 'map(select(.event == "attempt" and .kind == "project_user")) | length == 2 and all(.path | startswith($p))' \
    offboard.db.audit.jsonl >/dev/null || failed "project-user attempt paths: $(jq -c 'select(.event=="attempt") | .path' offboard.db.audit.jsonl)"
check_audit_ok
