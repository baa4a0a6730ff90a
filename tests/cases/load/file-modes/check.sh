# umask is 022 here (run_case.sh): the tool must still create private files.
for f in offboard.db offboard.db.audit.jsonl; do
    m=$(stat -c %a "$f")
    [ "$m" = 600 ] || failed "$f has mode $m"
done
