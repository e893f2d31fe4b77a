#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, then runs every check CI runs, in this order:
#   1. the `asan` preset (g++, AddressSanitizer + UBSan): build, then the unit and
#      integration tests, except those labelled slow;
#   2. scripts/fuzz.sh: every libFuzzer target for FUZZ_SECONDS seconds (default 20 here);
#   3. the normal build and all its tests.
# The last lines are ctest's summary of step 3. docs/hardening.md has the details.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
scripts/deps.sh test

echo "== asan: build, then unit + integration tests under AddressSanitizer and UBSan"
cmake --preset asan >/dev/null
cmake --build --preset asan -j"$jobs"
ctest --preset asan -j"$jobs"

echo "== fuzz: libFuzzer targets, ${FUZZ_SECONDS:-20}s each"
FUZZ_SECONDS=${FUZZ_SECONDS:-20} FUZZ_JOBS=$jobs scripts/fuzz.sh

echo "== normal build and every test"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
cd build
exec ctest --output-on-failure -j"$jobs"
