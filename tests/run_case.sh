#!/usr/bin/env bash
# run_case.sh CASE_DIR: runs one scenario folder (see tests/README.md).
#
# In a fresh temporary directory holding a copy of the folder's files:
#   prepare.sh sourced first, to make inputs that git keeps badly (optional)
#   env        KEY=VALUE lines exported (optional)
#   sim        atlas-sim arguments: the simulator is started on 127.0.0.1 port 0
#              and MONGODB_ATLAS_BASE_URL and the sim's default credentials are set
#   sim-scheme https if the sim serves TLS (its args have --tls-cert/--tls-key):
#              SIM_URL and MONGODB_ATLAS_BASE_URL are then https://127.0.0.1:PORT
#              (optional; default http). sim_get trusts $SIM_CACERT if set
#              (e.g. by prepare.sh; not exported, so atlas-offboard never sees it)
#   setup      atlas-offboard invocations (one per line) that must exit 0
#   tamper.sh  sourced after setup, e.g. to damage the audit log (optional)
#   args       the invocation under test (bash words; $SIM_URL etc. expand)
#   stdin      fed to it on standard input (else /dev/null)
#   exit       its expected exit code (default 0)
#   stdout, stderr      its exact expected output (optional)
#   unchanged  if present: the job store and audit log must be byte-for-byte
#              as before the invocation
#   report.jsonl        expected `report --format json` rows, one object per
#              line, without updated_at (optional)
#   events     expected sequence of audit-log event names, one per line (optional)
#   sim-state.json      expected GET /_sim/state (optional, compared with jq -S)
#   check.sh   more assertions, sourced last, with the helpers below (optional)
#              It also sees OB_ELAPSED_MS (wall time of the invocation under test)
#              and OB_TESTS_DIR (this folder; shared helpers in lib/). Background
#              processes it starts are killed at exit if their pids are listed,
#              one a line, in bg.pids. A sanitizer report on the invocation's
#              stderr fails the case.
set -u
case_dir=$(cd "$1" && pwd)
name=$(basename "$case_dir")
: "${OB_BIN:?OB_BIN must point at atlas-offboard}"
work=$(mktemp -d "${TMPDIR:-/tmp}/ob-case-$name.XXXXXX")
sim_pid=""
fail=0

cleanup() {
    # background processes a check.sh started (one pid a line in bg.pids)
    if [ -f "$work/bg.pids" ]; then
        while read -r p; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done <"$work/bg.pids"
    fi
    if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null; fi
    if [ "$fail" = 0 ]; then rm -rf "$work"; else echo "kept work dir: $work" >&2; fi
}
trap cleanup EXIT

failed() { echo "FAIL [$name]: $*" >&2; fail=1; }
ob() { "$OB_BIN" "$@"; }
expect_eq() { [ "$1" = "$2" ] || failed "$3: got '$1', want '$2'"; }
sim_get() { curl -sf ${SIM_CACERT:+--cacert "$SIM_CACERT"} "$SIM_URL$1"; }
sim_stat() { sim_get /_sim/stats | jq -r "$1"; }
report_rows() { ob report --format json | jq -c '.[] | del(.updated_at)'; }

export OB_TESTS_DIR="$(cd "$(dirname "$0")" && pwd)"
cp -a "$case_dir"/. "$work"/
cd "$work" || exit 1
umask 022
export ATLAS_OFFBOARD_DB=offboard.db
unset MONGODB_ATLAS_PUBLIC_API_KEY MONGODB_ATLAS_PRIVATE_API_KEY MONGODB_ATLAS_CLIENT_ID \
      MONGODB_ATLAS_CLIENT_SECRET MONGODB_ATLAS_BASE_URL

# shellcheck disable=SC1091
[ -f prepare.sh ] && . ./prepare.sh
if [ -f sim ]; then
    : "${OB_SIM:?OB_SIM must point at atlas-sim}"
    # shellcheck disable=SC2046
    eval "set -- $(cat sim)"
    "$OB_SIM" --port 0 --max-seconds 280 "$@" >sim.out 2>sim.err &
    sim_pid=$!
    for _ in $(seq 1 100); do
        grep -q '^PORT ' sim.out 2>/dev/null && break
        sleep 0.05
    done
    port=$(awk '/^PORT /{print $2; exit}' sim.out)
    [ -n "$port" ] || { failed "atlas-sim did not start: $(cat sim.err)"; exit 1; }
    sim_scheme=http
    [ -f sim-scheme ] && sim_scheme=$(tr -d ' \n' <sim-scheme)
    export SIM_URL="$sim_scheme://127.0.0.1:$port"
    export MONGODB_ATLAS_BASE_URL="$SIM_URL"
    export MONGODB_ATLAS_PUBLIC_API_KEY=sim-public-key
    export MONGODB_ATLAS_PRIVATE_API_KEY=sim-private-key-0123456789
fi
if [ -f env ]; then
    while IFS= read -r line; do
        [ -n "$line" ] && [ "${line#\#}" = "$line" ] && eval "export $line"
    done <env
fi
if [ -f setup ]; then
    while IFS= read -r line; do
        [ -z "$line" ] && continue
        eval "set -- $line"
        "$OB_BIN" "$@" >setup.out 2>setup.err </dev/null ||
            { failed "setup '$line' exited $?: $(cat setup.err)"; exit 1; }
    done <setup
fi

# shellcheck disable=SC1091
[ -f tamper.sh ] && . ./tamper.sh

snapshot() { cat offboard.db offboard.db.audit.jsonl 2>/dev/null | sha256sum; ls offboard.db* 2>/dev/null; }
before=$(snapshot)
eval "set -- $(cat args)"
stdin_file=/dev/null
[ -f stdin ] && stdin_file=stdin
t0=$(date +%s%N)
"$OB_BIN" "$@" >got.stdout 2>got.stderr <"$stdin_file"
rc=$?
OB_ELAPSED_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
want_rc=0
[ -f exit ] && want_rc=$(cat exit)
[ "$rc" = "$want_rc" ] || failed "exit code $rc, want $want_rc; stderr: $(head -c 2000 got.stderr)"
if grep -q -E "ERROR: (Address|Leak)Sanitizer|runtime error:" got.stderr; then
    failed "sanitizer report: $(grep -m 3 -E "Sanitizer|runtime error:" got.stderr)"
fi
if [ -f stdout ]; then diff -u stdout got.stdout >&2 || failed "stdout differs"; fi
if [ -f stderr ]; then diff -u stderr got.stderr >&2 || failed "stderr differs"; fi
if [ -f unchanged ]; then
    after=$(snapshot)
    [ "$before" = "$after" ] || failed "the job store or audit log changed"
fi
if [ -f report.jsonl ]; then
    report_rows >got.report.jsonl
    diff -u report.jsonl got.report.jsonl >&2 || failed "report differs"
fi
if [ -f events ]; then
    jq -r .event offboard.db.audit.jsonl >got.events
    diff -u events got.events >&2 || failed "audit events differ"
fi
if [ -f sim-state.json ]; then
    diff -u <(jq -S . sim-state.json) <(sim_get /_sim/state | jq -S .) >&2 ||
        failed "simulator state differs"
fi
# shellcheck disable=SC1091
[ -f check.sh ] && . ./check.sh
if [ "$fail" = 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; exit 1; fi
