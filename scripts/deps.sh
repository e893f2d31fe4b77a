#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages benchlab needs to build and test (as root, or via sudo).
# Usage: scripts/deps.sh [build|test]   (default: build)
set -euo pipefail
what=${1:-build}
pkgs=(build-essential cmake ninja-build pkg-config
      libboost1.81-dev libboost-json1.81-dev libpugixml-dev libsqlite3-dev
      libcli11-dev libfmt-dev libre2-dev libssl-dev)
if [ "$what" = test ]; then
  # Test tools, and the small programs whose wrappers the tests run for real.
  pkgs+=(catch2 sqlite3 clang clang-format libclang-rt-14-dev gfortran ngspice hmmer ffmpeg wrk
        chromium)  # chromium: the HTML report in a browser (tests/report_browser)
  pkgs+=(python3-pytest python3-pandas)  # the Python binding's tests (tests/python)
  pkgs+=(abigail-tools)  # abidw/abidiff: the ABI against packaging/abi/ (tests/abi)
  pkgs+=(debhelper dh-python dpkg-dev fakeroot lintian rpm)  # the packages (tests/packaging)
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
