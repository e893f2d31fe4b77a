#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds benchlab and runs the `quick` suite, ending
# with its results table. Extra arguments go to `benchlab run` (e.g. --db FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBENCHLAB_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)"
exec build/bin/benchlab run quick "$@"
