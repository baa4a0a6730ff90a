# text cells that a spreadsheet would run get a leading quote in CSV
got=$(tail -n +2 out.csv | cut -d, -f6,7)
want="u1,\"'=HYPERLINK(\"\"http://x\"\")\"
u2,'+1+2
'-u3,'-2
u4,'@SUM(A1)
u5,plain"
expect_eq "$got" "$want" "guarded cells"
[ "$(stat -c %a out.csv)" = 600 ] || failed "report file mode"
# JSON keeps the values as they are, and parses
ob report --format json >out.json || failed "report --format json"
jq -e 'length == 5 and .[0].ticket == "=HYPERLINK(\"http://x\")" and .[2].username == "-u3"' out.json >/dev/null ||
    failed "JSON report: $(head -c 300 out.json)"
# the CSV header is the contract's
expect_eq "$(head -n 1 out.csv)" "job_id,kind,group_id,user_id,database_name,username,ticket,state,http_status,error_code,attempts,updated_at,source_file,source_line,detail" "header"
