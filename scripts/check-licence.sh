#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fails when a tracked source file (C, C++, Fortran, shell, Python, CMake, linker version
# script) lacks an SPDX-License-Identifier line in its first three lines; --fix adds
# "SPDX-License-Identifier: MIT" in the file's own comment syntax (after a #! line).
# docs/licensing.md says why MIT.
# Usage: scripts/check-licence.sh [--fix]
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.c' '*.h' '*.cpp' '*.hpp' '*.cc' '*.f90' '*.sh' '*.py' \
  '*.cmake' '*.cmake.in' '*CMakeLists.txt' '*.map' 'packaging/rpm/*.spec' '.ci/run')
tag="SPDX-License-Identifier"
comment_for() {
  case "$1" in
    *.c | *.h | *.map) echo "/* $tag: MIT */" ;;
    *.cpp | *.hpp | *.cc) echo "// $tag: MIT" ;;
    *.f90) echo "! $tag: MIT" ;;
    *) echo "# $tag: MIT" ;;
  esac
}
bad=()
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  head -n 3 "$f" | grep -q "$tag:" && continue
  if [ "${1:-}" = --fix ]; then
    line=$(comment_for "$f")
    if head -n 1 "$f" | grep -q '^#!'; then
      sed -i "1a $line" "$f"
    else
      sed -i "1i $line" "$f"
    fi
  else
    bad+=("$f")
  fi
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "licence: ${#bad[@]} file(s) without an SPDX-License-Identifier line (fix: scripts/check-licence.sh --fix):" >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
[ "${1:-}" = --fix ] || echo "licence: ${#files[@]} files carry an SPDX-License-Identifier"
