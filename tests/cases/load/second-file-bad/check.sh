[ ! -e offboard.db ] || failed "a rejected file created the job store"
[ ! -e offboard.db.audit.jsonl ] || failed "a rejected file created the audit log"
