# a crash in the middle of writing record 5, before its commit
printf '%s' '{"seq":5,"ts":"2026-12-01T00:00:00.000Z","event":"att' >> offboard.db.audit.jsonl
