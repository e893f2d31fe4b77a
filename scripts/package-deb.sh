#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds benchlab's Debian binary packages from this tree and checks them with lintian.
# The packaging lives in packaging/debian (the tree has no debian/ of its own): the source
# tree is copied into a temporary directory with packaging/debian as its debian/, then
# `dpkg-buildpackage -us -uc -b` builds there and `lintian --fail-on error` checks the
# result. The .debs, the .changes, the .buildinfo and lintian's report (lintian.txt) end
# up in OUTDIR. docs/packaging.md has the details.
# Usage: scripts/package-deb.sh OUTDIR
#   DEB_BUILD_OPTIONS is passed on; without parallel=N in it, parallel=$(nproc) is added.
#   KEEP_BUILD_DIR=1 keeps (and names) the temporary build directory.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
for tool in dpkg-buildpackage lintian; do
  command -v "$tool" >/dev/null || {
    echo "package-deb: $tool is not installed (scripts/deps.sh test installs it)" >&2
    exit 1
  }
done

version=$(dpkg-parsechangelog -l "$src/packaging/debian/changelog" -S Version)
upstream=${version%-*}
work=$(mktemp -d "${TMPDIR:-/tmp}/benchlab-deb.XXXXXX")
if [ "${KEEP_BUILD_DIR:-0}" = 1 ]; then
  echo "package-deb: building in $work (kept)"
else
  trap 'rm -rf "$work"' EXIT
fi
tree="$work/benchlab-$upstream"
"$src/scripts/copy-source-tree.sh" "$src" "$tree"
rm -rf "$tree/debian"
cp -a "$tree/packaging/debian" "$tree/debian"

opts=${DEB_BUILD_OPTIONS:-}
case " $opts " in
  *" parallel="*) ;;
  *) opts="${opts:+$opts }parallel=$(nproc)" ;;
esac
echo "package-deb: dpkg-buildpackage -us -uc -b (DEB_BUILD_OPTIONS=\"$opts\")"
start=$(date +%s)
(cd "$tree" && DEB_BUILD_OPTIONS="$opts" dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 || {
  tail -n 60 "$work/build.log" >&2
  cp "$work/build.log" "$out/build.log"
  echo "package-deb: dpkg-buildpackage failed; the whole log is in $out/build.log" >&2
  exit 1
}
echo "package-deb: built in $(($(date +%s) - start)) s"
cp "$work/build.log" "$out/build.log"

arch=$(dpkg-architecture -qDEB_HOST_ARCH)
changes="$work/benchlab_${version}_${arch}.changes"
cp "$work"/*.deb "$changes" "$work"/*.buildinfo "$out/"

echo "package-deb: lintian --fail-on error"
status=0
lintian --fail-on error --tag-display-limit 0 "$changes" >"$out/lintian.txt" 2>&1 || status=$?
cat "$out/lintian.txt"
if [ $status -ne 0 ]; then
  echo "package-deb: lintian reports errors (exit $status)" >&2
  exit 1
fi
echo "package-deb: packages in $out:"
(cd "$out" && ls -1 ./*.deb)
