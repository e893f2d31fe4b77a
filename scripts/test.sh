#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Sets up a fresh Debian 12 machine, then runs every check CI runs, in this order:
#   0. the format check: every tracked C/C++ file as clang-format makes it, and every
#      source file with its SPDX licence tag (scripts/check-licence.sh);
#   1. the run command's build (preset `quick`, as scripts/quick.sh builds it) in a clean
#      build-quick-check/, with -Werror, and one trial of the quick suite's cheapest
#      test (aobench) from that build;
#   2. the `asan` preset (g++, AddressSanitizer + UBSan): build, then the unit and
#      integration tests, except those labelled slow;
#   3. scripts/fuzz.sh: every libFuzzer target for FUZZ_SECONDS seconds (default 20 here);
#   4. the normal build and all its tests.
# Every build here has BENCHLAB_WERROR on: a warning fails CI, never a user's build.
# The last lines are ctest's summary of step 4. docs/hardening.md has the details.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
scripts/deps.sh test

echo "== format: clang-format with the repository's .clang-format"
scripts/check-format.sh
scripts/check-licence.sh

echo "== quick: the run command's build (Release) with -Werror, then one aobench trial"
cmake --preset quick --fresh -B build-quick-check -DBENCHLAB_WERROR=ON >/dev/null
cmake --build build-quick-check -j"$jobs"
quick_db=$(mktemp -d)
build-quick-check/bin/benchlab run aobench -n 1 --warmup 0 --db "$quick_db/quick.db" -q
rm -rf "$quick_db"

echo "== asan: build, then unit + integration tests under AddressSanitizer and UBSan"
cmake --preset asan >/dev/null
cmake --build --preset asan -j"$jobs"
ctest --preset asan -j"$jobs"

echo "== fuzz: libFuzzer targets, ${FUZZ_SECONDS:-20}s each"
FUZZ_SECONDS=${FUZZ_SECONDS:-20} FUZZ_JOBS=$jobs scripts/fuzz.sh

echo "== normal build and every test"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBENCHLAB_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
cd build
exec ctest --output-on-failure -j"$jobs"
