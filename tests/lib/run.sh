# Shared helpers for tests/cases/run/*: source "$OB_TESTS_DIR/lib/run.sh" from prepare.sh
# or check.sh (run_case.sh provides failed, ob, sim_get, sim_stat, report_rows, expect_eq).

# gen_pu NPROJ PER EXTRA: NPROJ projects, PER listed project users each, EXTRA more users
# and one owner per project that are on no list. Writes seed.json, list.csv (with a
# ticket column), want-state.json (the sim state once the list is removed) and
# want-removed.json (the sorted [[g,u],...] the sim must have removed).
gen_pu() {
    awk -v np="$1" -v per="$2" -v ex="$3" 'BEGIN {
        print "group_id,user_id,ticket" > "list.csv"
        printf "{\"projects\":{" > "seed.json"
        printf "{\"projects\":{" > "want-state.json"
        printf "[" > "want-removed.json"
        n = 0; r = 0
        for (p = 1; p <= np; p++) {
            g = sprintf("64b7e1c2a9f3d400%08x", p)
            sep = (p > 1) ? "," : ""
            printf "%s\"%s\":{\"users\":{", sep, g > "seed.json"
            printf "%s\"%s\":{\"users\":{", sep, g > "want-state.json"
            us = ""; ws = ""
            for (i = 1; i <= per; i++) {
                n++; u = sprintf("5e8f1a2b3c4d5e6f%08x", n)
                us = us sprintf("%s\"%s\":\"u%d@example.com\"", (us == "" ? "" : ","), u, n)
                printf "%s,%s,T-%d\n", g, u, n > "list.csv"
                printf "%s[\"%s\",\"%s\"]", (r++ ? "," : ""), g, u > "want-removed.json"
            }
            for (i = 0; i <= ex; i++) {     # i == 0: the owner
                n++; u = sprintf("5e8f1a2b3c4d5e6f%08x", n)
                if (i == 0) owner = u
                e = sprintf("\"%s\":\"u%d@example.com\"", u, n)
                us = us (us == "" ? "" : ",") e
                ws = ws (ws == "" ? "" : ",") e
            }
            printf "%s},\"dbusers\":[],\"owners\":[\"%s\"]}", us, owner > "seed.json"
            printf "%s},\"dbusers\":[],\"owners\":[\"%s\"],\"inaccessible\":false}", ws, owner > "want-state.json"
        }
        print "}}" > "seed.json"; print "}}" > "want-state.json"; print "]" > "want-removed.json"
    }'
}

# the simulator state equals want-state.json
check_sim_state() {
    diff <(jq -S . want-state.json) <(sim_get /_sim/state | jq -S .) >sim-state.diff ||
        failed "simulator state differs from 'listed users removed, everyone else present': $(head -c 1500 sim-state.diff)"
}

# the simulator removed exactly want-removed.json (project users), each once
check_sim_removed() {
    local removed
    removed=$(sim_get /_sim/removed)
    [ "$(jq -c '.project_users | sort' <<<"$removed")" = "$(jq -c 'sort' want-removed.json)" ] ||
        failed "removed set differs: $(jq -c '.project_users | length' <<<"$removed") removed, want $(jq length want-removed.json); extra: $(jq -c --slurpfile w want-removed.json '.project_users - $w[0] | .[:5]' <<<"$removed")"
    [ "$(jq '.project_users | length' <<<"$removed")" = "$(jq '.project_users | unique | length' <<<"$removed")" ] ||
        failed "a user was removed twice"
    expect_eq "$(sim_stat .deletions)" "$(jq '(.project_users | length) + (.db_users | length)' <<<"$removed")" "sim deletions vs removal log"
}

# removed ⊆ list, and every removal distinct
check_sim_removed_subset() {
    local removed
    removed=$(sim_get /_sim/removed)
    [ "$(jq -c --slurpfile w want-removed.json '.project_users - $w[0] | length' <<<"$removed")" = 0 ] ||
        failed "removed users outside the list: $(jq -c --slurpfile w want-removed.json '.project_users - $w[0] | .[:5]' <<<"$removed")"
}

# state_count STATE: jobs in that state
state_count() { ob status --json | jq -r ".by_state.$1"; }

# every job done or absent (or the states given as arguments)
check_all_terminal() {
    local allowed=${1:-done absent} j bad
    j=$(ob status --json)
    bad=$(jq -r --arg ok "$allowed" '.by_state | to_entries | map(select(.value > 0 and ((.key as $k | $ok | split(" ") | index($k)) | not))) | map("\(.key)=\(.value)") | join(" ")' <<<"$j")
    [ -z "$bad" ] || failed "jobs not in {$allowed}: $bad"
}

check_audit_ok() {
    ob audit verify >verify.out 2>verify.err || failed "audit verify exit $?: $(cat verify.out verify.err)"
    grep -q '^audit log OK: ' verify.out || failed "audit verify said: $(cat verify.out)"
}

# no sanitizer report in the given files
check_no_sanitizer() {
    local f
    for f in "$@"; do
        if grep -q -E "ERROR: (Address|Leak)Sanitizer|runtime error:" "$f" 2>/dev/null; then
            failed "sanitizer report in $f: $(grep -m 3 -E 'Sanitizer|runtime error:' "$f")"
        fi
    done
}

# ob_bg OUT ARGS...: start atlas-offboard in the background (pid in $bg_pid and bg.pids)
ob_bg() {
    local out=$1; shift
    "$OB_BIN" "$@" >"$out.out" 2>"$out.err" </dev/null &
    bg_pid=$!
    echo "$bg_pid" >>bg.pids
}

# ms_now: milliseconds since the epoch
ms_now() { echo $(( $(date +%s%N) / 1000000 )); }

# make_tls_certs: a throwaway CA (ca.pem, ca.key) and a server certificate for IP 127.0.0.1
# signed by it (server.pem, server.key; subjectAltName IP:127.0.0.1), EC P-256, valid 2 days,
# in the current (work) directory. Needs the openssl CLI (scripts/deps.sh installs it).
make_tls_certs() {
    command -v openssl >/dev/null || { failed "the openssl CLI is missing (scripts/deps.sh)"; exit 1; }
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj "/CN=atlas-offboard test CA" -keyout ca.key -out ca.pem \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
        >openssl.log 2>&1 &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=127.0.0.1" \
        -keyout server.key -out server.csr >>openssl.log 2>&1 &&
    printf '%s\n' subjectAltName=IP:127.0.0.1 basicConstraints=CA:FALSE \
        keyUsage=digitalSignature extendedKeyUsage=serverAuth >server.ext &&
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
        -extfile server.ext -out server.pem >>openssl.log 2>&1 ||
        { failed "openssl could not make the test certificates: $(tail -5 openssl.log)"; exit 1; }
}

# --- assertions several run cases share ---------------------------------------

# load_stats: the simulator's counters, once, into $stats (st .key reads one). The first
# /_sim request of a case opens its own TCP connection, which `connections` counts: conns is
# the run's own.
load_stats() {
    stats=$(sim_get /_sim/stats)
    conns=$(( $(st .connections) - 1 ))
}
st() { jq -r "$1" <<<"$stats"; }

# check_clean_run N JOBS: a fault-free run at --concurrency N removed JOBS users: requests in
# flight and connections <= N (and the bound was approached), <= 1.05 requests per job, no
# 429, every job done, the simulator saw exactly the list, and the audit log verifies.
check_clean_run() {
    local n=$1 jobs=$2 peak req
    load_stats
    peak=$(st .peak_in_flight) req=$(st .requests)
    [ "$peak" -le "$n" ] || failed "peak in flight $peak > $n"
    [ "$conns" -le "$n" ] || failed "$conns connections > $n"
    [ "$peak" -ge $(( (n + 1) / 2 )) ] || failed "peak in flight $peak: the run never came near --concurrency $n"
    [ $(( req * 100 )) -le $(( jobs * 105 )) ] ||
        failed "$req requests for $jobs jobs (> 1.05 per job): $(jq -c '{challenges, stale_challenges, rate_limit_queries, token_requests, by_status}' <<<"$stats")"
    expect_eq "$(st .rate_limited)" 0 "429s"
    check_done_exactly "$jobs"
}

# check_done_exactly JOBS: every job done, the simulator removed exactly the listed users and
# kept everyone else, and the audit log verifies.
check_done_exactly() {
    check_all_terminal "done"
    expect_eq "$(state_count done)" "$1" "done jobs"
    check_sim_removed
    check_sim_state
    check_audit_ok
}

# check_names_run PREFIX: the names cases (names-v1, names-v2). The simulator removed exactly
# want-removed.json's project and database users (11 targets, not their near-miss twins), each
# once with a 204; every job is done; both project-user attempts went to paths under PREFIX; and
# the audit log verifies.
check_names_run() {
    local want='{project_users: (.project_users | sort), db_users: (.db_users | sort)}'
    expect_eq "$(sim_get /_sim/removed | jq -S -c "$want")" "$(jq -S -c "$want" want-removed.json)" "removed targets"
    expect_eq "$(sim_stat .deletions)" 11 "sim deletions"
    expect_eq "$(sim_stat '.by_status."204"')" 11 "204 answers"
    check_all_terminal "done"
    expect_eq "$(state_count done)" 11 "done jobs"
    jq -s -e --arg p "$1" 'map(select(.event == "attempt" and .kind == "project_user")) | length == 2 and all(.path | startswith($p))' \
        offboard.db.audit.jsonl >/dev/null || failed "project-user attempt paths: $(jq -c 'select(.event=="attempt") | .path' offboard.db.audit.jsonl)"
    check_audit_ok
}

# check_rate_limited_run JOBS MAXPCT: no request inside a Retry-After, 429s <= MAXPCT% of the
# requests, and the run still removed exactly the list.
check_rate_limited_run() {
    local jobs=$1 maxpct=$2 req r429
    load_stats
    req=$(st .requests) r429=$(st .rate_limited)
    expect_eq "$(st .retry_after_violations)" 0 "requests inside a Retry-After"
    [ $(( r429 * 100 )) -le $(( req * maxpct )) ] || failed "$r429 429s in $req requests (> $maxpct%)"
    check_done_exactly "$jobs"
}

# check_stopped_resumable JOBS MAXREQ: the run stopped (exit 3 in run_end) after at most
# MAXREQ requests; every job is pending again, nothing was removed, stderr says why.
check_stopped_resumable() {
    local jobs=$1 maxreq=$2 req
    expect_eq "$(state_count pending)" "$jobs" "pending jobs"
    check_all_terminal "pending"
    expect_eq "$(sim_stat .deletions)" 0 "sim deletions"
    req=$(sim_stat .requests)
    [ "$req" -le "$maxreq" ] || failed "$req requests before stopping, want <= $maxreq"
    jq -s -e 'map(select(.event == "run_end")) | length == 1 and .[0].exit_code == 3' offboard.db.audit.jsonl >/dev/null ||
        failed "run_end: $(grep run_end offboard.db.audit.jsonl)"
    [ -s got.stderr ] || failed "no message on stderr"
    jq -e '[.[] | select(.attempts > 0 and .state != "pending")] | length == 0' <(ob report --format json) >/dev/null ||
        failed "report rows not pending"
    diff <(jq -S '.projects | map_values(del(.rate_limits) | .dbusers //= [] | .owners //= [] | .inaccessible //= false)' seed.json) \
         <(sim_get /_sim/state | jq -S .projects) >/dev/null || failed "simulator state changed"
}

# check_no_secrets: the private key, the client secret and bearer tokens (the simulator's
# start with "sim_at_") appear nowhere: stdout, stderr, the database files, the audit log,
# reports, status.
check_no_secrets() {
    check_all_terminal "done absent"
    ob report >report.csv 2>report.err
    ob report --format json >report.json 2>>report.err
    ob status >status.out 2>&1
    ob status --json >>status.out 2>&1
    ob audit verify >>status.out 2>&1
    for s in sim-private-key-0123456789 mdb_sa_sk_sim-secret-0123456789 sim_at_ \
             "$(printf 'mdb_sa_id_sim:mdb_sa_sk_sim-secret-0123456789' | base64)"; do
        for f in got.stdout got.stderr offboard.db* report.csv report.json report.err status.out; do
            [ -f "$f" ] || continue
            grep -a -q -F -- "$s" "$f" && failed "secret '${s:0:12}...' found in $f"
        done
    done
    # the run did record who it was (public key or client id), so the greps looked at real data
    grep -a -q -E '"(public_key|client_id)":"(sim-public-key|mdb_sa_id_sim)"' offboard.db.audit.jsonl ||
        failed "run_start does not name the key or client id"
}
