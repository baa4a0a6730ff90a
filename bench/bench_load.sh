#!/usr/bin/env bash
# bench/bench_load.sh - `atlas-offboard load` against the sqlite3 shell's `.import`.
#
# Generates (awk) ROWS project-user rows and ROWS database-user rows (AWS IAM ARN, x.509/LDAP DN,
# OIDC on $external, SCRAM on admin) over NPROJ projects, then times with hyperfine, in one run
# `atlas-offboard load FILE --db X` against `sqlite3 X ".import --csv --skip 1"`
# into a table with the same unique key (each run starts from no database: --prepare removes the
# files). Peak RSS of each load with /usr/bin/time -v. Targets (issue 3): load time <= 1.0x the
# sqlite3 shell's, peak RSS <= 32 MiB. Writes the "## load" section of bench/RESULTS.md.
#
# Environment: ROWS (default 1000000), NPROJ (2000), RUNS (hyperfine --runs, default 5),
# BUILD_DIR (./build), ATLAS_OFFBOARD (binary), SKIP_BUILD=1, NO_RESULTS=1 (leave RESULTS.md),
# BENCH_DIR (scratch directory, default a fresh one under /tmp, removed at exit).
set -euo pipefail
BENCH_NAME=bench_load
. "$(dirname "$0")/lib.sh"
ROWS=${ROWS:-1000000}
NPROJ=${NPROJ:-2000}
RUNS=${RUNS:-5}
TARGET_RATIO=1.0
TARGET_RSS_MIB=32
bench_setup

if [ -n "${BENCH_DIR:-}" ]; then W=$BENCH_DIR; mkdir -p "$W"; KEEP=1; else W=$(mktemp -d /tmp/bench-load.XXXXXX); KEEP=0; fi
trap '[ "$KEEP" = 1 ] || rm -rf "$W"' EXIT

bench_log "generating $ROWS project-user and $ROWS database-user rows ($NPROJ projects)"
gen_pu_csv "$ROWS" "$NPROJ" "$W/pu.csv"
gen_db_csv "$ROWS" "$NPROJ" "$W/db.csv"

PU_SQL="CREATE TABLE jobs(group_id TEXT, user_id TEXT, ticket TEXT, UNIQUE(group_id, user_id));"
DB_SQL="CREATE TABLE jobs(group_id TEXT, database_name TEXT, username TEXT, ticket TEXT, UNIQUE(group_id, database_name, username));"
RM="rm -f $W/ob.db $W/ob.db-wal $W/ob.db-shm $W/ob.db.audit.jsonl $W/sq.db $W/sq.db-journal"

bench_log "hyperfine, $RUNS runs each"
hyperfine --style basic --runs "$RUNS" --prepare "$RM" --export-json "$W/hf.json" \
	-n "atlas-offboard load (project users)" "$OB load $W/pu.csv --db $W/ob.db" \
	-n "sqlite3 .import (project users)" "sqlite3 $W/sq.db '$PU_SQL' '.import --csv --skip 1 $W/pu.csv jobs'" \
	-n "atlas-offboard load (database users)" "$OB load $W/db.csv --db $W/ob.db" \
	-n "sqlite3 .import (database users)" "sqlite3 $W/sq.db '$DB_SQL' '.import --csv --skip 1 $W/db.csv jobs'" \
	>&2

med() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .median' "$W/hf.json"; }
OB_PU=$(med "atlas-offboard load (project users)")
SQ_PU=$(med "sqlite3 .import (project users)")
OB_DB=$(med "atlas-offboard load (database users)")
SQ_DB=$(med "sqlite3 .import (database users)")
R_PU=$(ratio "$OB_PU" "$SQ_PU")
R_DB=$(ratio "$OB_DB" "$SQ_DB")

# the loads really loaded everything (a failing load would make a fast, meaningless time)
$RM
out=$("$OB" load "$W/pu.csv" --db "$W/ob.db")
case $out in "loaded $ROWS jobs "*) ;; *) bench_log "error: unexpected load output: $out"; exit 1 ;; esac
$RM
n=$(sqlite3 "$W/sq.db" "$DB_SQL" ".import --csv --skip 1 $W/db.csv jobs" "SELECT count(*) FROM jobs")
[ "$n" = "$ROWS" ] || { bench_log "error: sqlite3 imported $n rows"; exit 1; }

bench_log "peak RSS (/usr/bin/time -v)"
$RM
RSS_PU=$(rss_kib "$OB" load "$W/pu.csv" --db "$W/ob.db")
$RM
RSS_DB=$(rss_kib "$OB" load "$W/db.csv" --db "$W/ob.db")
# both files into one store: the second load checks every row against a million existing jobs
RSS_BOTH=$(rss_kib "$OB" load "$W/pu.csv" --db "$W/ob.db")
$RM
RSS_SQ=$(rss_kib sqlite3 "$W/sq.db" "$PU_SQL" ".import --csv --skip 1 $W/pu.csv jobs")
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

V_PU=$(verdict "$R_PU" "<=" $TARGET_RATIO)
V_DB=$(verdict "$R_DB" "<=" $TARGET_RATIO)
MAX_RSS=$(printf '%s\n' "$RSS_PU" "$RSS_DB" "$RSS_BOTH" | sort -n | tail -1)
V_RSS=$(verdict "$(mib "$MAX_RSS")" "<=" $TARGET_RSS_MIB)
fmt() { awk -v s="$1" 'BEGIN { printf "%.2f s", s }'; }

echo "load: project users $(fmt "$OB_PU") vs sqlite3 $(fmt "$SQ_PU") (ratio $R_PU, $V_PU <= $TARGET_RATIO)"
echo "load: database users $(fmt "$OB_DB") vs sqlite3 $(fmt "$SQ_DB") (ratio $R_DB, $V_DB <= $TARGET_RATIO)"
echo "load: peak RSS $(mib "$RSS_PU") / $(mib "$RSS_DB") / $(mib "$RSS_BOTH") MiB ($V_RSS <= $TARGET_RSS_MIB MiB)"

{
	echo "## load"
	echo
	echo "bench/bench_load.sh, $(now_utc), $(machine), one hyperfine invocation, $RUNS runs of each command (each from no database: --prepare removes the files), $ROWS rows per file over $NPROJ projects."
	echo
	echo "- files: project users \`group_id,user_id,ticket\` ($(($(wc -c <"$W/pu.csv") / 1048576)) MiB); database users \`group_id,database_name,username,ticket\` ($(($(wc -c <"$W/db.csv") / 1048576)) MiB; ARN, DN, OIDC on \$external, SCRAM on admin)"
	echo "- sqlite3 $(sqlite3 --version | cut -d' ' -f1) shell: \`.import --csv --skip 1\` into a table with the same unique key (group_id, user_id) / (group_id, database_name, username)"
	echo
	echo "| file | atlas-offboard load (median) | sqlite3 .import (median) | ratio | target ≤ $TARGET_RATIO |"
	echo "|---|---|---|---|---|"
	echo "| project users | $(fmt "$OB_PU") | $(fmt "$SQ_PU") | $R_PU | $V_PU |"
	echo "| database users | $(fmt "$OB_DB") | $(fmt "$SQ_DB") | $R_DB | $V_DB |"
	echo
	echo "- peak RSS of \`load\` (/usr/bin/time -v): project users $(mib "$RSS_PU") MiB, database users $(mib "$RSS_DB") MiB, project users into a store already holding the database users $(mib "$RSS_BOTH") MiB (sqlite3 shell: $(mib "$RSS_SQ") MiB) — **$V_RSS** the target of $TARGET_RSS_MIB MiB"
	echo
} >"$W/section"
replace_section load "$W/section"
