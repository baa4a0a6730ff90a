{ echo "group_id,user_id,ticket"; printf "64b7e1c2a9f3d40012ab34cd,5e8f1a2b3c4d5e6f7a8b9c02,"; head -c 257 /dev/zero | tr "\\0" t; echo; } > list.csv
