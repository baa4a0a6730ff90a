# cut the last line in half, as a crash in the middle of a write would
size=$(stat -c %s offboard.db.audit.jsonl)
last=$(tail -n 1 offboard.db.audit.jsonl | wc -c)
truncate -s $((size - last / 2)) offboard.db.audit.jsonl
