#!/usr/bin/env bash
# The test command: installs what is missing, then builds and runs the whole
# ctest suite twice: a normal build, and one with AddressSanitizer and
# UndefinedBehaviorSanitizer (any report fails the test).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
status=0
for variant in normal sanitize; do
    dir=build-test-$variant
    opts=()
    [ "$variant" = sanitize ] && opts=(-DOB_SANITIZE=ON)
    echo "== $variant build"
    scripts/build.sh "$dir" "${opts[@]}"
    (cd "$dir" && ctest --output-on-failure -j2) || status=1
done
exit $status
