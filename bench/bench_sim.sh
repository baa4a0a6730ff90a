#!/usr/bin/env bash
# bench/bench_sim.sh - atlas-sim throughput: bearer DELETEs over 64 keep-alive connections.
#
# Builds atlas-sim if needed, generates a seed (64 projects x 12000 users), and for each of 3 runs
# starts a fresh atlas-sim (buckets large enough that nothing is rate limited), gets a bearer
# token, runs wrk (-t2 -c64, DURATION seconds, each request a DELETE of a distinct user), and
# stops it. Reports the median req/s and writes it, with the date and the machine, to the
# "## atlas-sim" section of bench/RESULTS.md (other sections are left alone).
#
# Environment: ATLAS_SIM (binary to use), BUILD_DIR (default ./build), DURATION (default 5),
# RUNS (default 3), CONNECTIONS (default 64), NO_RESULTS=1 (do not touch RESULTS.md).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
DURATION=${DURATION:-5}
RUNS=${RUNS:-3}
CONNECTIONS=${CONNECTIONS:-64}
TARGET=20000
command -v wrk >/dev/null || { echo "bench_sim: error: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
command -v jq >/dev/null || { echo "bench_sim: error: jq is not installed" >&2; exit 2; }

find_sim() {
	if [ -n "${ATLAS_SIM:-}" ]; then echo "$ATLAS_SIM"; return; fi
	if [ ! -x "$BUILD_DIR/tests/sim/atlas-sim" ]; then
		echo "bench_sim: building atlas-sim in $BUILD_DIR" >&2
		if ! { cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
			cmake --build "$BUILD_DIR" --target atlas-sim -j"$(nproc)" >/dev/null; }; then
			# the rest of the project may not configure yet: build the simulator alone
			local scratch=$BUILD_DIR/sim-standalone
			mkdir -p "$scratch"
			cat >"$scratch/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.20)
project(atlas_sim_standalone LANGUAGES C)
set(CMAKE_C_STANDARD 17)
set(CMAKE_C_STANDARD_REQUIRED ON)
add_compile_options(-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes)
add_compile_definitions(_POSIX_C_SOURCE=200809L _DEFAULT_SOURCE)
find_package(PkgConfig REQUIRED)
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
pkg_check_modules(CJSON REQUIRED IMPORTED_TARGET libcjson)
enable_testing()
add_subdirectory($ROOT/tests/sim \${CMAKE_BINARY_DIR}/tests/sim)
CMAKE
			cmake -S "$scratch" -B "$scratch/b" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
			cmake --build "$scratch/b" --target atlas-sim -j"$(nproc)" >/dev/null
			echo "$scratch/b/tests/sim/atlas-sim"
			return
		fi
	fi
	echo "$BUILD_DIR/tests/sim/atlas-sim"
}
SIM=$(find_sim)
W=$(mktemp -d /tmp/bench-sim.XXXXXX)
SIM_PID=
cleanup() { [ -n "$SIM_PID" ] && kill -TERM "$SIM_PID" 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT

NPROJ=64 NUSERS=12000
echo "bench_sim: generating a seed of $((NPROJ * NUSERS)) users" >&2
awk -v np=$NPROJ -v nu=$NUSERS 'BEGIN {
	printf "{\"projects\": {"
	for (p = 1; p <= np; p++) {
		printf "%s\"%024d\": {\"users\": {", (p > 1 ? "," : ""), p
		for (u = 1; u <= nu; u++) printf "%s\"%024d\": \"bench@example.com\"", (u > 1 ? "," : ""), u
		printf "}}"
	}
	print "}}"
}' >"$W/seed.json"

cat >"$W/delete.lua" <<'LUA'
-- Each wrk thread walks its own share of the (project, user) grid: every DELETE is a new user.
local threads = {}
local next_id = 0
function setup(thread)
	thread:set("tid", next_id)
	next_id = next_id + 1
	table.insert(threads, thread)
end
function init(args)
	token, nproj, nusers, nthreads = args[1], tonumber(args[2]), tonumber(args[3]), tonumber(args[4])
	n = 0
	headers = {["Authorization"] = "Bearer " .. token, ["Accept"] = "application/vnd.atlas.2025-02-19+json"}
end
local function id24(k) return string.format("%024d", k) end
function request()
	local i = n * nthreads + tid
	n = n + 1
	local p = i % nproj
	local u = math.floor(i / nproj) % nusers
	return wrk.format("DELETE", "/api/atlas/v2/groups/" .. id24(p + 1) .. "/users/" .. id24(u + 1), headers)
end
LUA

results=()
for run in $(seq "$RUNS"); do
	"$SIM" --seed "$W/seed.json" --port 0 --max-seconds 120 --pu-capacity 100000000 \
		--pu-refill-per-min 100000000 >"$W/sim.out" 2>"$W/sim.err" &
	SIM_PID=$!
	for _ in $(seq 200); do [ -s "$W/sim.out" ] && break; sleep 0.05; done
	PORT=$(head -1 "$W/sim.out" | cut -d' ' -f2)
	URL=http://127.0.0.1:$PORT
	TOKEN=$(curl -sS -u mdb_sa_id_sim:mdb_sa_sk_sim-secret-0123456789 -d grant_type=client_credentials \
		"$URL/api/oauth/token" | jq -r .access_token)
	timeout $((DURATION + 30)) wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$W/delete.lua" "$URL" -- \
		"$TOKEN" $NPROJ $NUSERS 2 >"$W/wrk.$run"
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$W/wrk.$run")
	stats=$(curl -sS "$URL/_sim/stats")
	kill -TERM "$SIM_PID"; wait "$SIM_PID" || true; SIM_PID=
	non2xx=$(awk '/Non-2xx/ {print $5}' "$W/wrk.$run"); non2xx=${non2xx:-0}
	echo "run $run: $rps req/s (non-2xx: $non2xx, deletions: $(jq .deletions <<<"$stats"), connections: $(jq .connections <<<"$stats"), peak in flight: $(jq .peak_in_flight <<<"$stats"))" >&2
	results+=("$rps")
done
MEDIAN=$(printf '%s\n' "${results[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
VERDICT=$(awk -v m="$MEDIAN" -v t=$TARGET 'BEGIN { print (m >= t) ? "meets" : "BELOW" }')
echo "atlas-sim: median $MEDIAN DELETE/s over $RUNS runs ($VERDICT the $TARGET target)"

if [ "${NO_RESULTS:-0}" != 1 ]; then
	RESULTS=$ROOT/bench/RESULTS.md
	[ -f "$RESULTS" ] || printf '# Benchmark results\n' >"$RESULTS"
	{
		echo "## atlas-sim"
		echo
		echo "bench/bench_sim.sh, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs ($CPU), wrk and atlas-sim on the same machine."
		echo
		echo "- DELETE /api/atlas/v2/groups/{g}/users/{u} with a bearer token, wrk -t2 -c$CONNECTIONS -d${DURATION}s, keep-alive, $((NPROJ * NUSERS)) distinct users"
		echo "- runs (req/s): ${results[*]}"
		echo "- **median: $MEDIAN DELETE/s** ($VERDICT the target of $TARGET)"
		echo
	} >"$W/section"
	# replace the "## atlas-sim" section (up to the next "## " heading), or append it
	awk -v secfile="$W/section" '
		BEGIN { while ((getline l < secfile) > 0) sec = sec l "\n" }
		/^## / { if (skip) skip = 0; if ($0 == "## atlas-sim") { printf "%s", sec; skip = 1; done = 1; next } }
		!skip { print }
		END { if (!done) { print ""; printf "%s", sec } }' "$RESULTS" >"$W/results.new"
	cat "$W/results.new" >"$RESULTS"
fi
