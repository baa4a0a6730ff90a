#!/usr/bin/env bash
# The demo: installs what is missing, builds, starts the bundled Atlas
# simulator on 127.0.0.1 (a port the OS picks), loads samples/, removes the
# listed users, and prints the report, the status and the audit check.
# Everything happens in a temporary directory; nothing leaves this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scripts/deps.sh
echo "== building"
scripts/build.sh build
bin=$root/build/atlas-offboard
sim=$root/build/tests/sim/atlas-sim
work=$(mktemp -d /tmp/atlas-offboard-demo.XXXXXX)
sim_pid=""
trap '[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

"$sim" --seed tests/sim/seeds/samples.json --port 0 --max-seconds 300 \
    --state-out "$work/sim-state.json" >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 1 100); do grep -q '^PORT ' "$work/sim.out" && break; sleep 0.05; done
port=$(awk '/^PORT /{print $2; exit}' "$work/sim.out")
[ -n "$port" ] || { cat "$work/sim.err"; exit 1; }
echo "== atlas-sim listening on 127.0.0.1:$port"

cp samples/project-users.csv samples/db-users.csv samples/broken.csv "$work"/
cd "$work"
export ATLAS_OFFBOARD_DB=$work/offboard.db
# The simulator's test API key (see tests/sim/README.md); a real run reads yours.
export MONGODB_ATLAS_PUBLIC_API_KEY=sim-public-key
export MONGODB_ATLAS_PRIVATE_API_KEY=sim-private-key-0123456789
export MONGODB_ATLAS_BASE_URL=http://127.0.0.1:$port

echo "== atlas-offboard load broken.csv   (a bad file changes nothing: exit 2)"
"$bin" load broken.csv || echo "(exit $?)"
echo "== atlas-offboard load project-users.csv db-users.csv"
"$bin" load project-users.csv db-users.csv
echo "== atlas-offboard run --dry-run"
"$bin" run --dry-run
echo "== atlas-offboard run --yes"
rc=0
"$bin" run --yes || rc=$?
echo "(exit $rc)"
echo "== atlas-offboard report"
"$bin" report
echo "== atlas-offboard status"
"$bin" status
echo "== atlas-offboard audit verify"
"$bin" audit verify
echo "== atlas-offboard run --yes   (again: nothing left to do, nobody removed twice)"
"$bin" run --yes --quiet
echo "== what the simulator still has (users not on the lists stay)"
curl -s "http://127.0.0.1:$port/_sim/state" | jq -c '.projects | to_entries[] | {project: .key, users: (.value.users | keys), dbusers: .value.dbusers}'
exit "$rc"
