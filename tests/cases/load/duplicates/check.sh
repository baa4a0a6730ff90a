jq -s -e 'map(select(.event == "load" and .file == "a.csv")) | .[0] | .rows == 2 and .duplicates == 1' \
    offboard.db.audit.jsonl >/dev/null || failed "load record of a.csv"
jq -s -e 'map(select(.event == "load" and .file == "b.csv")) | .[0] | .rows == 1 and .duplicates == 1' \
    offboard.db.audit.jsonl >/dev/null || failed "load record of b.csv"
