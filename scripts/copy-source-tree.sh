#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copies the source tree SRC into DEST as a package build sees it: the files git knows
# (tracked, and new ones not ignored) as they are in the working tree, so that uncommitted
# changes are packaged too; outside a git checkout, everything but build directories.
# Used by scripts/package-deb.sh and scripts/package-rpm.sh.
# Usage: scripts/copy-source-tree.sh SRC DEST
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 SRC DEST" >&2; exit 2; }
src=$1 dest=$2
mkdir -p "$dest"
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$src" && git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"; done |
    tar -c --null --no-recursion --files-from=- -f -) | tar -xf - -C "$dest"
else
  (cd "$src" && tar --exclude='./build*' --exclude=./.git -cf - .) | tar -xf - -C "$dest"
fi
