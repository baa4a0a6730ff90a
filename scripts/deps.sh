#!/usr/bin/env bash
# Installs the Debian packages atlas-offboard needs to build, test and run its
# demo, if any is missing. Debian 12; needs root (apt-get).
set -euo pipefail
packages=(
    build-essential cmake pkg-config ca-certificates
    libcurl4-openssl-dev libsqlite3-dev libssl-dev libcjson-dev libcsv-dev libmicrohttpd-dev
    sqlite3 curl jq openssl
)
[ "${1:-}" = "--bench" ] && packages+=(hyperfine wrk time)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
