#!/usr/bin/env bash
# bench/bench_run.sh - `atlas-offboard run` against `curl --parallel --parallel-max N -K config`.
#
# The same job list (JOBS project users over NPROJ projects, generated with awk) and the same
# atlas-sim (a seed holding exactly those users; buckets so large that nothing is rate limited),
# restarted with a fresh state for every timed run. atlas-offboard runs from a copy of a store
# loaded once (the load is not timed): `run --yes --quiet --base-url URL --concurrency N --db X`.
# curl gets a generated config: per job, `url`, `request = "DELETE"`, the Accept and auth header
# lines and `output = "/dev/null"`, jobs separated by `next`. The two tools run alternately,
# RUNS times each; medians are reported. Wall-clock time covers the whole process (atlas-offboard
# includes its token request or digest challenges; curl's bearer token is fetched before timing).
#
#  (a) bearer, N = 8 and 64: throughput ratio atlas-offboard / curl, target >= 1.0
#  (b) digest (API key), N = 8 and 64: ratio target >= 1.6, requests per job (sim) <= 1.05
#  (c) --latency-ms 50, N = 32, the same list (LAT_JOBS jobs): atlas-offboard >= 95% of N / 50 ms
#      = 608 jobs/s
#  (d) BIG_JOBS (1,000,000) jobs, bearer: peak RSS of run (/usr/bin/time -v) <= 64 MiB
# Writes the "## run" section of bench/RESULTS.md.
#
# Environment: JOBS (20000), NPROJ (100), RUNS (3), LAT_JOBS (JOBS), BIG_JOBS (1000000; 0 skips
# (d)), BIG_N (concurrency of (d), 64), CONCURRENCY ("8 64"), BUILD_DIR, ATLAS_OFFBOARD,
# ATLAS_SIM, SKIP_BUILD=1, NO_RESULTS=1, BENCH_DIR (scratch, kept).
set -euo pipefail
BENCH_NAME=bench_run
. "$(dirname "$0")/lib.sh"
JOBS=${JOBS:-20000}
NPROJ=${NPROJ:-100}
RUNS=${RUNS:-3}
LAT_JOBS=${LAT_JOBS:-$JOBS}
LAT_N=32
LAT_MS=50
BIG_JOBS=${BIG_JOBS:-1000000}
BIG_N=${BIG_N:-64}
CONCURRENCY=${CONCURRENCY:-8 64}
bench_setup
[ -x "$SIM" ] || { bench_log "error: $SIM not found"; exit 2; }

if [ -n "${BENCH_DIR:-}" ]; then W=$BENCH_DIR; mkdir -p "$W"; KEEP=1; else W=$(mktemp -d /tmp/bench-run.XXXXXX); KEEP=0; fi
trap 'sim_stop; [ "$KEEP" = 1 ] || rm -rf "$W"' EXIT

CLIENT_ID=mdb_sa_id_sim
CLIENT_SECRET=mdb_sa_sk_sim-secret-0123456789
PUBLIC_KEY=sim-public-key
PRIVATE_KEY=sim-private-key-0123456789
ACCEPT="application/vnd.atlas.2025-02-19+json"

# prepare NAME JOBS NPROJ: $W/NAME.csv, $W/NAME.seed.json, a loaded store $W/NAME.db and the
# curl config templates $W/NAME.bearer.cfg / NAME.digest.cfg (@BASE@ and @TOKEN@ filled later).
prepare() {
	local name=$1 n=$2 np=$3
	gen_pu_csv "$n" "$np" "$W/$name.csv"
	gen_seed "$n" "$np" "$W/$name.seed.json"
	rm -f "$W/$name.db" "$W/$name.db.audit.jsonl"
	"$OB" load "$W/$name.csv" --db "$W/$name.db" >&2
	[ "$n" -gt 100000 ] && return 0
	awk -F, -v accept="$ACCEPT" 'NR > 1 {
		printf "%surl = \"@BASE@/api/atlas/v2/groups/%s/users/%s\"\nrequest = \"DELETE\"\n", (NR > 2 ? "next\n" : ""), $1, $2
		printf "header = \"Accept: %s\"\nheader = \"Authorization: Bearer @TOKEN@\"\noutput = \"/dev/null\"\n", accept
	}' "$W/$name.csv" >"$W/$name.bearer.cfg"
	awk -F, -v accept="$ACCEPT" -v user="$PUBLIC_KEY:$PRIVATE_KEY" 'NR > 1 {
		printf "%surl = \"@BASE@/api/atlas/v2/groups/%s/users/%s\"\nrequest = \"DELETE\"\n", (NR > 2 ? "next\n" : ""), $1, $2
		printf "header = \"Accept: %s\"\ndigest\nuser = \"%s\"\noutput = \"/dev/null\"\n", accept, user
	}' "$W/$name.csv" >"$W/$name.digest.cfg"
}

now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# check_stats LABEL JOBS: the run removed every listed user; sets REQ_PER_JOB and STATS.
check_stats() {
	STATS=$(sim_stats)
	local del req
	del=$(jq .deletions <<<"$STATS")
	req=$(jq .requests <<<"$STATS")
	if [ "$del" != "$2" ]; then
		bench_log "error: $1: $del users removed, expected $2; stats: $(jq -c . <<<"$STATS")"
		exit 1
	fi
	REQ_PER_JOB=$(ratio "$req" "$2" 3)
}

# ob_run NAME AUTH N JOBS [sim options...]: one timed atlas-offboard run on a fresh sim; prints
# "jobs/s requests/job connections challenges".
ob_run() {
	local name=$1 auth=$2 n=$3 jobs=$4 t0 t1 rc=0
	shift 4
	sim_start "$W/$name.seed.json" "$@"
	cp "$W/$name.db" "$W/run.db"
	cp "$W/$name.db.audit.jsonl" "$W/run.db.audit.jsonl"
	rm -f "$W/run.db-wal" "$W/run.db-shm"
	local -a envs
	if [ "$auth" = bearer ]; then
		envs=(MONGODB_ATLAS_CLIENT_ID=$CLIENT_ID MONGODB_ATLAS_CLIENT_SECRET=$CLIENT_SECRET)
	else
		envs=(MONGODB_ATLAS_PUBLIC_API_KEY=$PUBLIC_KEY MONGODB_ATLAS_PRIVATE_API_KEY=$PRIVATE_KEY)
	fi
	t0=$(now)
	env -u MONGODB_ATLAS_CLIENT_ID -u MONGODB_ATLAS_CLIENT_SECRET -u MONGODB_ATLAS_PUBLIC_API_KEY \
		-u MONGODB_ATLAS_PRIVATE_API_KEY -u MONGODB_ATLAS_BASE_URL -u ATLAS_OFFBOARD_DB "${envs[@]}" \
		"$OB" run --yes --quiet --base-url "$SIM_URL" --concurrency "$n" --db "$W/run.db" \
		>"$W/ob.out" 2>&1 || rc=$?
	t1=$(now)
	[ "$rc" = 0 ] || { bench_log "error: atlas-offboard run exited $rc:"; cat "$W/ob.out" >&2; exit 1; }
	check_stats "atlas-offboard $auth N=$n" "$jobs"
	sim_stop
	echo "$(ratio "$jobs" "$(elapsed "$t0" "$t1")" 1) $REQ_PER_JOB $(jq .connections <<<"$STATS") $(jq .challenges <<<"$STATS")"
}

# curl_run NAME AUTH N JOBS [sim options...]: the same with curl --parallel.
curl_run() {
	local name=$1 auth=$2 n=$3 jobs=$4 t0 t1 rc=0 token=
	shift 4
	sim_start "$W/$name.seed.json" "$@"
	if [ "$auth" = bearer ]; then
		token=$(curl -sS -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials \
			"$SIM_URL/api/oauth/token" | jq -r .access_token)
	fi
	sed -e "s|@BASE@|$SIM_URL|" -e "s|@TOKEN@|$token|" "$W/$name.$auth.cfg" >"$W/curl.cfg"
	curl -sS -X POST "$SIM_URL/_sim/reset-stats" >/dev/null
	t0=$(now)
	curl --no-progress-meter --fail-early --parallel --parallel-max "$n" -K "$W/curl.cfg" >"$W/curl.out" 2>&1 || rc=$?
	t1=$(now)
	[ "$rc" = 0 ] || { bench_log "error: curl exited $rc:"; head "$W/curl.out" >&2; exit 1; }
	check_stats "curl $auth N=$n" "$jobs"
	sim_stop
	echo "$(ratio "$jobs" "$(elapsed "$t0" "$t1")" 1) $REQ_PER_JOB $(jq .connections <<<"$STATS") $(jq .challenges <<<"$STATS")"
}

# compare LABEL NAME AUTH N JOBS [sim options...]: RUNS alternating runs of both tools; sets
# OB_MED CURL_MED RATIO OB_RPJ CURL_RPJ OB_CONN CURL_CONN OB_RUNS CURL_RUNS.
compare() {
	local label=$1 name=$2 auth=$3 n=$4 jobs=$5 r o c
	shift 5
	local -a ob_tp=() curl_tp=() ob_rpj=() curl_rpj=() ob_conn=() curl_conn=()
	for r in $(seq "$RUNS"); do
		read -r -a o <<<"$(ob_run "$name" "$auth" "$n" "$jobs" "$@")"
		read -r -a c <<<"$(curl_run "$name" "$auth" "$n" "$jobs" "$@")"
		bench_log "$label run $r: atlas-offboard ${o[0]} jobs/s (${o[1]} req/job, ${o[2]} conn, ${o[3]} challenges), curl ${c[0]} jobs/s (${c[1]} req/job, ${c[2]} conn, ${c[3]} challenges)"
		ob_tp+=("${o[0]}"); ob_rpj+=("${o[1]}"); ob_conn+=("${o[2]}")
		curl_tp+=("${c[0]}"); curl_rpj+=("${c[1]}"); curl_conn+=("${c[2]}")
	done
	OB_MED=$(median "${ob_tp[@]}"); CURL_MED=$(median "${curl_tp[@]}")
	OB_RPJ=$(median "${ob_rpj[@]}"); CURL_RPJ=$(median "${curl_rpj[@]}")
	OB_CONN=$(median "${ob_conn[@]}"); CURL_CONN=$(median "${curl_conn[@]}")
	OB_RUNS="${ob_tp[*]}"; CURL_RUNS="${curl_tp[*]}"
	RATIO=$(ratio "$OB_MED" "$CURL_MED")
}

bench_log "generating $JOBS jobs over $NPROJ projects (list, seed, store, curl configs)"
prepare main "$JOBS" "$NPROJ"
rows=()

for n in $CONCURRENCY; do
	compare "(a) bearer N=$n" main bearer "$n" "$JOBS"
	v=$(verdict "$RATIO" ">=" 1.0)
	echo "run (a) bearer N=$n: atlas-offboard $OB_MED jobs/s, curl $CURL_MED jobs/s, ratio $RATIO ($v >= 1.0)"
	rows+=("| (a) bearer | $n | $JOBS | $OB_MED ($OB_RUNS) | $CURL_MED ($CURL_RUNS) | **$RATIO** | ≥ 1.0: $v | $OB_RPJ / $CURL_RPJ | $OB_CONN / $CURL_CONN |")
done
for n in $CONCURRENCY; do
	compare "(b) digest N=$n" main digest "$n" "$JOBS"
	v=$(verdict "$RATIO" ">=" 1.6)
	vr=$(verdict "$OB_RPJ" "<=" 1.05)
	echo "run (b) digest N=$n: atlas-offboard $OB_MED jobs/s, curl $CURL_MED jobs/s, ratio $RATIO ($v >= 1.6); requests/job $OB_RPJ ($vr <= 1.05), curl $CURL_RPJ"
	rows+=("| (b) digest | $n | $JOBS | $OB_MED ($OB_RUNS) | $CURL_MED ($CURL_RUNS) | **$RATIO** | ≥ 1.6: $v; req/job ≤ 1.05: $vr | $OB_RPJ / $CURL_RPJ | $OB_CONN / $CURL_CONN |")
done

LAT_TARGET=$(awk -v n=$LAT_N -v ms=$LAT_MS 'BEGIN { printf "%.0f", 0.95 * n * 1000 / ms }')
LAT=main
if [ "$LAT_JOBS" != "$JOBS" ]; then
	bench_log "generating $LAT_JOBS jobs for the latency case"
	prepare lat "$LAT_JOBS" "$NPROJ"
	LAT=lat
fi
compare "(c) bearer N=$LAT_N latency ${LAT_MS}ms" "$LAT" bearer $LAT_N "$LAT_JOBS" --latency-ms $LAT_MS
v=$(verdict "$OB_MED" ">=" "$LAT_TARGET")
PCT=$(awk -v t="$OB_MED" -v n=$LAT_N -v ms=$LAT_MS 'BEGIN { printf "%.1f", 100 * t / (n * 1000 / ms) }')
echo "run (c) latency ${LAT_MS} ms N=$LAT_N: atlas-offboard $OB_MED jobs/s = $PCT% of $((LAT_N * 1000 / LAT_MS)) ($v >= 95%), curl $CURL_MED jobs/s"
rows+=("| (c) bearer, latency $LAT_MS ms | $LAT_N | $LAT_JOBS | $OB_MED ($OB_RUNS) = $PCT% of N / $LAT_MS ms | $CURL_MED ($CURL_RUNS) | $RATIO | ≥ $LAT_TARGET jobs/s (95%): $v | $OB_RPJ / $CURL_RPJ | $OB_CONN / $CURL_CONN |")

BIG_LINE="- (d) skipped (BIG_JOBS=0)"
if [ "$BIG_JOBS" -gt 0 ]; then
	bench_log "generating $BIG_JOBS jobs (list, seed, store) for the memory case"
	prepare big "$BIG_JOBS" 1000
	sim_start "$W/big.seed.json"
	rm -f "$W/big.db-wal" "$W/big.db-shm"
	t0=$(now)
	RSS=$(RSS_LOG=$W/big.out rss_kib env MONGODB_ATLAS_CLIENT_ID=$CLIENT_ID MONGODB_ATLAS_CLIENT_SECRET=$CLIENT_SECRET \
		"$OB" run --yes --quiet --base-url "$SIM_URL" --concurrency "$BIG_N" --db "$W/big.db")
	t1=$(now)
	check_stats "atlas-offboard bearer N=$BIG_N (1M)" "$BIG_JOBS"
	sim_stop
	BIG_TP=$(ratio "$BIG_JOBS" "$(elapsed "$t0" "$t1")" 1)
	RSS_MIB=$(awk -v k="$RSS" 'BEGIN { printf "%.1f", k / 1024 }')
	v=$(verdict "$RSS_MIB" "<=" 64)
	echo "run (d) $BIG_JOBS jobs, bearer, N=$BIG_N: peak RSS $RSS_MIB MiB ($v <= 64 MiB), $BIG_TP jobs/s, $REQ_PER_JOB requests/job"
	BIG_LINE="- (d) $BIG_JOBS jobs over 1000 projects, bearer, N = $BIG_N: peak RSS of \`run\` (/usr/bin/time -v) **$RSS_MIB MiB** ($v the target of 64 MiB); $BIG_TP jobs/s, $REQ_PER_JOB requests/job"
fi

{
	echo "## run"
	echo
	echo "bench/bench_run.sh, $(now_utc), $(machine), atlas-offboard, curl $(curl --version | head -1 | cut -d' ' -f2) and atlas-sim on the same machine."
	echo
	echo "- $JOBS project-user jobs over $NPROJ projects; a fresh atlas-sim (seed = exactly those users, buckets of 10^8) for every timed run; the two tools alternate, $RUNS runs each, medians (runs in brackets); jobs/s = jobs / wall-clock time of the whole process"
	echo "- atlas-offboard: \`run --yes --quiet --base-url URL --concurrency N\` on a copy of a loaded store (load not timed), service account or API key from the environment; curl: \`curl --parallel --parallel-max N -K cfg\`, per job \`url\`, \`request = \"DELETE\"\`, Accept and \`Authorization: Bearer\` headers (token fetched before timing) or \`digest\` + \`user\`, \`output = \"/dev/null\"\`, jobs separated by \`next\`"
	echo
	echo "| case | N | jobs | atlas-offboard jobs/s | curl jobs/s | ratio | target | requests/job (ob / curl) | connections (ob / curl) |"
	echo "|---|---|---|---|---|---|---|---|---|"
	printf '%s\n' "${rows[@]}"
	echo
	echo "$BIG_LINE"
	echo
} >"$W/section"
replace_section run "$W/section"
