# Without --yes: "yes" on a pipe is no confirmation (exit 2, nothing sent). On a terminal
# (script(1) gives the run a pty, stdin is forwarded to it), the run shows what it is about to
# remove (counts by kind and project) and asks; "no" refuses (exit 2, nothing sent), "yes" runs.
. "$OB_TESTS_DIR/lib/run.sh"
command -v script >/dev/null || { failed "script(1) (util-linux/bsdutils) is missing"; return; }
grep -q -- '--yes' got.stderr || failed "the refusal off a terminal does not mention --yes: $(cat got.stderr)"
expect_eq "$(sim_stat .requests)" 0 "requests after 'yes' on a pipe"
g1=64b7e1c2a9f3d40000000001 g2=64b7e1c2a9f3d40000000002
cmd="$(printf '%q' "$OB_BIN") run"

# check_prompt FILE: the confirmation text of the 10 jobs
check_prompt() {
    tr -d '\r' <"$1" >"$1.txt"
    grep -q "^about to remove, on $SIM_URL:" "$1.txt" || failed "$1: no 'about to remove, on $SIM_URL:' line: $(head -c 800 "$1.txt")"
    grep -qE "^ +project_user +project $g1: 5$" "$1.txt" || failed "$1: no count for project $g1: $(head -c 800 "$1.txt")"
    grep -qE "^ +project_user +project $g2: 5$" "$1.txt" || failed "$1: no count for project $g2: $(head -c 800 "$1.txt")"
    grep -q '^10 project users in 2 projects, 0 database users in 0 projects$' "$1.txt" ||
        failed "$1: no totals line: $(head -c 800 "$1.txt")"
    grep -q "type 'yes' to remove them: " "$1.txt" || failed "$1: no question: $(head -c 800 "$1.txt")"
}

script -qec "$cmd" /dev/null <<<"no" >tty-no.out 2>tty-no.err
expect_eq "$?" 2 "exit code after answering 'no' on a terminal"
check_prompt tty-no.out
grep -q 'not confirmed: nothing was sent' tty-no.out || failed "no 'not confirmed: nothing was sent': $(head -c 800 tty-no.out)"
check_no_sanitizer tty-no.out tty-no.err
expect_eq "$(sim_stat .requests)" 0 "requests after 'no'"
expect_eq "$(state_count pending)" 10 "pending jobs after 'no'"

script -qec "$cmd" /dev/null <<<"yes" >tty-yes.out 2>tty-yes.err
expect_eq "$?" 0 "exit code after answering 'yes' on a terminal"
check_prompt tty-yes.out
if grep -q 'not confirmed' tty-yes.out; then failed "'yes' was not taken: $(head -c 800 tty-yes.out)"; fi
check_no_sanitizer tty-yes.out tty-yes.err
check_all_terminal "done"
expect_eq "$(state_count done)" 10 "done jobs after 'yes'"
check_sim_removed
check_sim_state
check_audit_ok
