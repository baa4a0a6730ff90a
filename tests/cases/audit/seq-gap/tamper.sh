sed -i '2d' offboard.db.audit.jsonl
