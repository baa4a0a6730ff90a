ob status >text.out || failed "status"
grep -q "^3 jobs$" text.out || failed "status text: $(cat text.out)"
grep -Eq "^  pending +3 +2 +1$" text.out || failed "status text counts: $(cat text.out)"
