sed -i '$d' offboard.db.audit.jsonl
