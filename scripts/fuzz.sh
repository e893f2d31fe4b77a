#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets (preset `fuzz`: clang, ASan, UBSan) and fuzzes each for a
# bounded time. Exits non-zero when any target finds a crash, a sanitizer report, a
# broken invariant, a slow input or a memory blow-up; the input that did it is saved
# under tests/fuzz/findings/ (docs/hardening.md says what to do with it).
#
# Usage: scripts/fuzz.sh [TARGET...]   (default: every target; names as in
#        build-fuzz/fuzz_targets.txt, e.g. profile_xml)
# Environment: FUZZ_SECONDS   seconds per target (default 30)
#              FUZZ_TIMEOUT   seconds one input may take before it counts as a finding
#                             (default 20)
#              FUZZ_JOBS      build parallelism (default: the number of CPUs)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${FUZZ_SECONDS:-30}
timeout=${FUZZ_TIMEOUT:-20}
jobs=${FUZZ_JOBS:-$(nproc)}
build=build-fuzz
findings=tests/fuzz/findings

for tool in clang clang++; do
  command -v "$tool" >/dev/null || {
    echo "fuzz.sh: $tool not found; install it with: scripts/deps.sh test" >&2
    exit 2
  }
done

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$jobs"

declare -A max_len=()
order=()
while read -r name len; do
  [ -n "$name" ] || continue
  max_len[$name]=$len
  order+=("$name")
done <"$build/fuzz_targets.txt"
if [ $# -gt 0 ]; then
  for name in "$@"; do
    [ -n "${max_len[$name]:-}" ] || {
      echo "fuzz.sh: no fuzz target '$name'; targets: ${order[*]}" >&2
      exit 2
    }
  done
  order=("$@")
fi

mkdir -p "$findings" "$build/fuzz-logs"
failed=()
for name in "${order[@]}"; do
  # New inputs go to the build tree's corpus (the first directory); the seeds under
  # tests/fuzz/corpus and the past findings stay as they are.
  work="$build/fuzz-corpus/$name"
  log="$build/fuzz-logs/$name.log"
  mkdir -p "$work"
  args=(-max_total_time="$seconds" -max_len="${max_len[$name]}" -timeout="$timeout"
        -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$root/$findings/$name-")
  [ -f "tests/fuzz/dict/$name.dict" ] && args+=(-dict="tests/fuzz/dict/$name.dict")
  printf '== fuzz_%s for %ss (max_len %s) ... ' "$name" "$seconds" "${max_len[$name]}"
  if "$build/bin/fuzz_$name" "${args[@]}" "$work" "tests/fuzz/corpus/$name" \
    "tests/fuzz/regressions/$name" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    echo "ok: ${runs:-?} runs, ${cov:-cov: ?}"
  else
    echo "FINDING (log: $log)"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*fuzz invariant failed|.*Test unit written)' \
      "$log" | head -20 || true
    failed+=("$name")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: findings in: ${failed[*]}; inputs saved in $findings/." >&2
  echo "  Reproduce:  $build/bin/fuzz_TARGET $findings/FILE" >&2
  echo "  Minimize:   $build/bin/fuzz_TARGET -minimize_crash=1 -runs=10000 $findings/FILE" >&2
  echo "  Then add the minimized input to tests/fuzz/regressions/TARGET/ (docs/hardening.md)." >&2
  exit 1
fi
echo "fuzz.sh: no findings in ${#order[@]} targets, ${seconds}s each"
