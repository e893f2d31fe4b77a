#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds benchlab with its tests and runs them all.
# The last lines are ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
cd build
exec ctest --output-on-failure -j"$(nproc)"
