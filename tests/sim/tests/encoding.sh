# Percent-encoded usernames: split on '/' first, then decode each segment, so %2F, %2C, %3D,
# %20, %24, %25 and %2B reach the store intact; a raw '/' is another segment (not a match).
. "$(dirname "$0")/lib.sh"
G=64b7e1c2a9f3d40012ab34cd
NAMES=('arn:aws:iam::123456789012:user/alice' 'CN=alice,OU=eng,O=Example Corp' '0oa1b2c3d4/alice@example.com'
	'old app+svc%1' 'a$b' 'keep/me' 'plus+sign' '%41')
jq -n --arg g "$G" --args '{projects: {($g): {users: {}, dbusers: ($ARGS.positional | map(["$external", .]))}}}' \
	"${NAMES[@]}" >"$T/seed.json"
R=$T/r
start_sim a --seed "$T/seed.json"
TOKEN=$(token "$URL")
db() { del "$URL" "/api/atlas/v2/groups/$G/databaseUsers/$(enc '$external')/$1" "$DB_V"; }
for n in 'arn:aws:iam::123456789012:user/alice' 'CN=alice,OU=eng,O=Example Corp' \
	'0oa1b2c3d4/alice@example.com' 'old app+svc%1' 'a$b' '%41'; do
	expect_eq "remove '$n'" 204 "$(db "$(enc "$n")")"
done
expect_eq "a raw / is not part of the name" 404 "$(db keep/me)"
expect_eq "raw / answers RESOURCE_NOT_FOUND" RESOURCE_NOT_FOUND "$(jq -r .errorCode "$R.b")"
expect_eq "a raw + stays a plus" 204 "$(db 'plus+sign')"
expect_eq "%41 was a literal name, A is not" 404 "$(db A)"
expect_eq "a malformed escape" 400 "$(db 'bad%zz')"
expect_eq "an encoded NUL" 400 "$(db 'nul%00x')"
expect_eq "removed intact, in order" \
	'["arn:aws:iam::123456789012:user/alice","CN=alice,OU=eng,O=Example Corp","0oa1b2c3d4/alice@example.com","old app+svc%1","a$b","%41","plus+sign"]' \
	"$(curl -sS "$URL/_sim/removed" | jq -c '[.db_users[][2]]')"
expect_eq "database name decoded" '$external' "$(curl -sS "$URL/_sim/removed" | jq -r '.db_users[0][1]')"
expect_eq "state keeps the rest" '[["$external","keep/me"]]' "$(curl -sS "$URL/_sim/state" | jq -c ".projects[\"$G\"].dbusers")"
# digest over an encoded path: the digest uri is the raw path
out=$(curl -sS -o /dev/null -w '%{http_code}' --digest -u "$PUB:$PRIV" -X DELETE -H "Accept: $DB_V" \
	"$URL/api/atlas/v2/groups/$G/databaseUsers/%24external/keep%2Fme")
expect_eq "digest with %2F in the path" 204 "$out"
stop_sim "$PID_a"
finish
