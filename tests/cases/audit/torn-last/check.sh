grep -q "line 4: torn last line" got.stderr || failed "torn line not named: $(cat got.stderr)"
