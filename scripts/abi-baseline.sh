#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Rewrites the ABI baselines of packaging/abi/ (libbenchlab.abi: the C API of benchlab.h;
# plugin-abi.abi: the plugin ABI of plugin.h and ext/) from a build, for the abidiff
# tests (abi:libbenchlab_abidiff, abi:plugin_abi_abidiff) to compare later builds with.
#
# Usage: scripts/abi-baseline.sh BUILD_DIR
#   BUILD_DIR: a configured build with debug info and tests (the `default` preset's
#   build/), not a sanitizer or fuzz build.
#
# Run it only after an intended change the tests reported as compatible (a minor release:
# a function, struct field or extension appended) or after a major version bump (the
# baselines start again from the new major), and commit packaging/abi/ with the change.
# Never to silence an incompatible report within a major: docs/abi-stability.md.
set -euo pipefail
if [ $# -ne 1 ] || [ ! -f "$1/CMakeCache.txt" ]; then
  echo "usage: $0 BUILD_DIR   (a configured build directory, e.g. build/)" >&2
  exit 2
fi
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
if ! cmake --build "$build" --target help 2>/dev/null | grep -q 'abi_baseline'; then
  echo "$build has no abi_baseline target: it needs abidw and abidiff (apt-get install" \
    "abigail-tools, then reconfigure), tests on, and no sanitizer or fuzz build." >&2
  exit 2
fi
cmake --build "$build" --target abi_baseline
# The baselines are committed: nothing of this machine may be in them.
if grep -n "$root\|$HOME\|comp-dir-path\|path='/" "$root"/packaging/abi/*.abi >&2; then
  echo "packaging/abi/ holds paths of this machine (above): not committable" >&2
  exit 1
fi
git -C "$root" status --short -- packaging/abi
echo "Baselines written. Check the diff (git diff packaging/abi), then commit it."
