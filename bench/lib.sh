# bench/lib.sh - helpers shared by bench/bench_load.sh and bench/bench_run.sh (sourced, not run).
#
# Sets ROOT and BUILD_DIR; provides: bench_setup (packages + build), machine, median, ratio,
# rss_kib (peak RSS of a command, /usr/bin/time -v), replace_section (one "## NAME" section of
# bench/RESULTS.md), sim_start / sim_stop (a fresh atlas-sim on port 0), gen_pu_csv, gen_db_csv,
# gen_seed (awk only: a fresh Debian with the project's packages has no python).
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
OB=${ATLAS_OFFBOARD:-$BUILD_DIR/atlas-offboard}
SIM=${ATLAS_SIM:-$BUILD_DIR/tests/sim/atlas-sim}
SIM_PID=
SIM_URL=

bench_log() { echo "${BENCH_NAME:-bench}: $*" >&2; }

# Installs the bench packages (hyperfine, wrk, time, sqlite3, jq, curl) if missing, and brings
# the build up to date (scripts/build.sh; SKIP_BUILD=1 or ATLAS_OFFBOARD=binary to skip).
bench_setup() {
	if ! command -v hyperfine >/dev/null || ! [ -x /usr/bin/time ] || ! command -v sqlite3 >/dev/null ||
		! command -v jq >/dev/null || ! command -v curl >/dev/null; then
		bench_log "installing bench packages (scripts/deps.sh --bench)"
		"$ROOT/scripts/deps.sh" --bench
	fi
	# an up-to-date build is a no-op; a stale binary would measure old code
	if [ "${SKIP_BUILD:-0}" != 1 ] && [ -z "${ATLAS_OFFBOARD:-}" ]; then
		bench_log "building into $BUILD_DIR (scripts/build.sh)"
		if ! "$ROOT/scripts/build.sh" "$BUILD_DIR"; then
			[ -x "$OB" ] || { bench_log "error: the build failed"; exit 2; }
			bench_log "warning: the build failed; measuring the existing $OB"
		fi
	fi
	[ -x "$OB" ] || { bench_log "error: $OB not found"; exit 2; }
}

machine() {
	local cpu
	cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
	echo "$(nproc) CPUs ($cpu)"
}
now_utc() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# median of the arguments (numbers)
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else printf "%.6g\n", (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
# ratio A B [digits]: A / B
ratio() { awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { printf "%.*f\n", d, (b > 0 ? a / b : 0) }'; }
# meets VALUE OP TARGET: "meets" or "MISSES" (OP is <= or >=)
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == "<=") ? v <= t : v >= t; print ok ? "meets" : "MISSES" }'; }

# rss_kib CMD...: runs CMD under /usr/bin/time -v and prints its peak RSS in KiB (the command's
# own output goes to RSS_LOG, default stderr; a failing command fails the bench).
rss_kib() {
	local f
	f=$(mktemp)
	if ! /usr/bin/time -v -o "$f" "$@" >>"${RSS_LOG:-/dev/stderr}" 2>&1; then
		bench_log "error: failed: $*"; cat "$f" >&2; rm -f "$f"; return 1
	fi
	awk -F': ' '/Maximum resident set size/ {print $2}' "$f"
	rm -f "$f"
}

# replace_section NAME FILE: replace the "## NAME" section of bench/RESULTS.md (up to the next
# "## " heading) with FILE's contents, or append it. NO_RESULTS=1 leaves RESULTS.md alone.
replace_section() {
	[ "${NO_RESULTS:-0}" = 1 ] && return 0
	local results=$ROOT/bench/RESULTS.md tmp
	[ -f "$results" ] || printf '# Benchmark results\n' >"$results"
	tmp=$(mktemp)
	awk -v name="## $1" -v secfile="$2" '
		BEGIN { while ((getline l < secfile) > 0) sec = sec l "\n" }
		/^## / { if (skip) skip = 0; if ($0 == name) { printf "%s", sec; skip = 1; done = 1; next } }
		!skip { print }
		END { if (!done) { print ""; printf "%s", sec } }' "$results" >"$tmp"
	cat "$tmp" >"$results"
	rm -f "$tmp"
}

# ObjectId-shaped ids (24 hex: 8 timestamp, 10 "random", 6 counter), deterministic.
# gen_pu_csv N NPROJ FILE: N project-user rows, NPROJ projects, users interleaved across projects.
AWK_IDS='
# (mawk, the awk of Debian, clamps %x and %d to 2^31 - 1: every number printed stays below it)
function mix(x) { return (x * 48271 + 11) % 2147483647 }
function gid(p,  r) { r = mix(mix(p + 1)); return sprintf("%08x%02x%08x%06x", 1690000000 + p * 97, r % 256, mix(r), p) }
function uid(i,  r) { r = mix(mix(i + 7)); return sprintf("%08x%02x%08x%06x", 1600000000 + int(i / 7), r % 256, mix(r), i % 16777216) }
'
gen_pu_csv() {
	awk -v n="$1" -v np="$2" "$AWK_IDS"'BEGIN {
		print "group_id,user_id,ticket"
		for (i = 0; i < n; i++) printf "%s,%s,SEC-%d contractor offboarding\n", gid(i % np), uid(i), 1000 + int(i / 5000)
	}' >"$3"
}
# gen_db_csv N NPROJ FILE: N database-user rows with the shapes of SPEC/samples: AWS IAM ARN,
# x.509/LDAP DN (quoted: it has commas), OIDC idp/name on $external; SCRAM names on admin.
gen_db_csv() {
	awk -v n="$1" -v np="$2" "$AWK_IDS"'BEGIN {
		print "group_id,database_name,username,ticket"
		for (i = 0; i < n; i++) {
			g = gid(i % np); s = i % 4
			if (s == 0) printf "%s,$external,arn:aws:iam::1234567%05d:user/svc-%d,SEC-%d\n", g, 89012 + i % 50, i, 2000 + int(i / 5000)
			else if (s == 1) printf "%s,$external,\"CN=user%d,OU=eng,O=Example Corp\",SEC-%d\n", g, i, 2000 + int(i / 5000)
			else if (s == 2) printf "%s,$external,0oa1b2c3d4/user%d@example.com,SEC-%d\n", g, i, 2000 + int(i / 5000)
			else printf "%s,admin,app_user_%d,SEC-%d\n", g, i, 2000 + int(i / 5000)
		}
	}' >"$3"
}
# gen_seed N NPROJ FILE: an atlas-sim seed holding exactly the users of gen_pu_csv N NPROJ.
gen_seed() {
	awk -v n="$1" -v np="$2" "$AWK_IDS"'BEGIN {
		printf "{\"projects\": {"
		for (p = 0; p < np; p++) {
			printf "%s\"%s\": {\"users\": {", (p ? "," : ""), gid(p)
			first = 1
			for (i = p; i < n; i += np) { printf "%s\"%s\": \"u%d@example.com\"", (first ? "" : ","), uid(i), i; first = 0 }
			printf "}}"
		}
		print "}}"
	}' >"$3"
}

# sim_start SEED [options...]: start a fresh atlas-sim on port 0 with large buckets; sets
# SIM_PID and SIM_URL.
sim_start() {
	local seed=$1 out
	shift
	out=$(mktemp)
	"$SIM" --seed "$seed" --port 0 --max-seconds 900 --pu-capacity 100000000 --pu-refill-per-min 100000000 \
		--db-capacity 100000000 --db-refill-per-min 100000000 "$@" >"$out" 2>"$out.err" &
	SIM_PID=$!
	local i
	for i in $(seq 600); do
		[ -s "$out" ] && break
		kill -0 "$SIM_PID" 2>/dev/null || { bench_log "error: atlas-sim exited"; cat "$out.err" >&2; exit 1; }
		sleep 0.05
	done
	SIM_URL=http://127.0.0.1:$(head -1 "$out" | cut -d' ' -f2)
	rm -f "$out" "$out.err"
}
sim_stats() { curl -sS "$SIM_URL/_sim/stats"; }
sim_stop() {
	[ -n "$SIM_PID" ] || return 0
	kill -TERM "$SIM_PID" 2>/dev/null || true
	wait "$SIM_PID" 2>/dev/null || true
	SIM_PID=
}
