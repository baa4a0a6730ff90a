printf '%s\n' 'group_id,user_id,ticket,error' '64b7e1c2a9f3d40012ab34cd,5e8f1a2b3c4d5e6f7a8b9c020,"bad, id","user_id: must be 24 hexadecimal digits, got 25 characters"' | diff - list.csv.rejects.csv >&2 || failed "rejects file"
[ "$(stat -c %a list.csv.rejects.csv)" = 600 ] || failed "rejects file mode"
