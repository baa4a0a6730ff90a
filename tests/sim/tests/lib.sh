# Shared helpers for the atlas-sim tests (sourced, not run).
# Environment: SIM (the binary), SIM_DIR (tests/sim), SIM_API_DIR (the API description).
set -u
SIM=${SIM:?SIM must point to the atlas-sim binary}
SIM_DIR=${SIM_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
SIM_API_DIR=${SIM_API_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)/shared/atlas-api}
T=$(mktemp -d /tmp/atlas-sim-test.XXXXXX)
SIM_PIDS=()
FAILS=0
CHECKS=0
PU_V2='application/vnd.atlas.2025-02-19+json'
PU_OLD='application/vnd.atlas.2023-01-01+json'
DB_V='application/vnd.atlas.2023-01-01+json'
RL_V='application/vnd.atlas.2025-03-12+json'
PUB=sim-public-key
PRIV=sim-private-key-0123456789
CID=mdb_sa_id_sim
CSECRET=mdb_sa_sk_sim-secret-0123456789

cleanup() {
	local p
	for p in "${SIM_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT

ok() { CHECKS=$((CHECKS + 1)); }
fail() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "FAIL: $*" >&2; }
# expect_eq WHAT EXPECTED ACTUAL
expect_eq() { if [ "$2" == "$3" ]; then ok; else fail "$1: expected '$2', got '$3'"; fi; }
expect_match() { if [[ "$3" =~ $2 ]]; then ok; else fail "$1: '$3' does not match /$2/"; fi; }
finish() {
	if [ "$FAILS" -ne 0 ]; then echo "$FAILS of $CHECKS checks failed" >&2; exit 1; fi
	echo "ok: $CHECKS checks"
	exit 0
}

# start_sim NAME ARGS... : runs atlas-sim on port 0; sets PORT_<NAME>, PID_<NAME>, URL_<NAME>;
# also PORT, PID, URL (the last one started).
start_sim() {
	local name=$1; shift
	"$SIM" --port 0 --max-seconds 120 "$@" >"$T/$name.out" 2>"$T/$name.err" &
	local pid=$! i
	SIM_PIDS+=("$pid")
	for i in $(seq 100); do
		if [ -s "$T/$name.out" ]; then break; fi
		if ! kill -0 "$pid" 2>/dev/null; then echo "atlas-sim exited early:" >&2; cat "$T/$name.err" >&2; exit 1; fi
		sleep 0.05
	done
	local line; line=$(head -1 "$T/$name.out")
	[[ "$line" =~ ^PORT\ ([0-9]+)$ ]] || { echo "no PORT line: '$line'" >&2; exit 1; }
	PORT=${BASH_REMATCH[1]}; PID=$pid; URL="http://127.0.0.1:$PORT"
	eval "PORT_$name=$PORT PID_$name=$pid URL_$name=$URL"
}

# stop_sim PID : SIGTERM, expect exit 0.
stop_sim() {
	local pid=$1 rc
	kill -TERM "$pid"
	wait "$pid"; rc=$?
	expect_eq "atlas-sim exit status after SIGTERM" 0 "$rc"
}

# token URL : prints a bearer token
token() {
	curl -sS -u "$CID:$CSECRET" -d grant_type=client_credentials "$1/api/oauth/token" | jq -r .access_token
}

# req OUTFILE CURL-ARGS... : prints the HTTP status; headers in OUTFILE.h, body in OUTFILE.b
req() {
	local out=$1; shift
	curl -sS -o "$out.b" -D "$out.h" -w '%{http_code}' "$@"
}

# header FILE NAME : the value of a response header (case-insensitive), CR stripped
header() { grep -i "^$2:" "$1.h" | tail -1 | cut -d: -f2- | sed 's/^ *//; s/\r$//'; }

# del URL PATH ACCEPT [extra curl args]: bearer DELETE with $TOKEN; status to stdout, files in $T/r
del() {
	local base=$1 path=$2 accept=$3; shift 3
	req "$T/r" -X DELETE -H "Authorization: Bearer $TOKEN" -H "Accept: $accept" "$@" "$base$path"
}

stats() { curl -sS "$1/_sim/stats"; }
statv() { stats "$1" | jq -r ".$2"; }

# enc STRING : percent-encode every byte except A-Z a-z 0-9 - . _ ~ (RFC 3986 unreserved)
enc() { jq -rn --arg s "$1" '$s|@uri'; }

# make_tls DIR : a throwaway CA (DIR/ca.pem) and a server certificate for IP 127.0.0.1 signed by
# it (DIR/server.pem, DIR/server.key), EC P-256, valid 2 days. Needs the openssl CLI.
make_tls() {
	local d=$1
	mkdir -p "$d"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj "/CN=atlas-sim test CA" -keyout "$d/ca.key" -out "$d/ca.pem" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
		>"$d/openssl.log" 2>&1 &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=127.0.0.1" \
		-keyout "$d/server.key" -out "$d/server.csr" >>"$d/openssl.log" 2>&1 &&
	printf '%s\n' subjectAltName=IP:127.0.0.1 basicConstraints=CA:FALSE \
		keyUsage=digitalSignature extendedKeyUsage=serverAuth >"$d/server.ext" &&
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
		-days 2 -extfile "$d/server.ext" -out "$d/server.pem" >>"$d/openssl.log" 2>&1 ||
		{ echo "make_tls: openssl failed: $(cat "$d/openssl.log")" >&2; exit 1; }
}
