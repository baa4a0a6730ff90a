# change one byte inside line 2 (its file name l2 -> l9)
sed -i '2s/"l2.csv"/"l9.csv"/' offboard.db.audit.jsonl
