{ echo "group_id,database_name,username"; printf "64b7e1c2a9f3d40012ab34cd,admin,"; head -c 1048576 /dev/zero | tr "\\0" a; echo; } > list.csv
