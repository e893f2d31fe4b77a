#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Sets up a fresh Debian 12 machine, builds benchlab and runs the `quick` suite, ending
# with its results table. Extra arguments go to `benchlab run` (e.g. --db FILE).
# The build is the `quick` preset of CMakePresets.json (Release, no tests, build-quick/);
# scripts/test.sh builds the same preset with -Werror and runs a trial from it, so CI
# catches what would break this command.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake --preset quick >/dev/null
cmake --build --preset quick -j"$(nproc)"
exec build-quick/bin/benchlab run quick "$@"
