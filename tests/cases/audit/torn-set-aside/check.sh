grep -q "warning: the last line of audit log 'offboard.db.audit.jsonl' was torn (53 bytes" got.stderr ||
    failed "no warning about the torn line: $(cat got.stderr)"
aside=$(ls offboard.db.audit.jsonl.torn-* 2>/dev/null | head -n 1)
[ -n "$aside" ] || failed "the torn bytes were not set aside"
[ "$(cat "$aside")" = '{"seq":5,"ts":"2026-12-01T00:00:00.000Z","event":"att' ] || failed "set-aside content"
[ "$(stat -c %a "$aside")" = 600 ] || failed "set-aside file mode"
jq -s -e '.[4].set_aside.bytes == 53 and .[4].seq == 5' offboard.db.audit.jsonl >/dev/null ||
    failed "record 5 does not note the set-aside line"
ob audit verify >verify.out 2>verify.err || failed "audit verify failed: $(cat verify.err)"
[ "$(cat verify.out)" = "audit log OK: 5 records" ] || failed "verify said: $(cat verify.out)"
grep -q "note: 1 record (first at line 5) note a torn line" verify.err || failed "verify did not report the set-aside line"
