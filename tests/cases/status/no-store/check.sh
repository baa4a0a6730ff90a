[ ! -e offboard.db ] || failed "status created a store"
