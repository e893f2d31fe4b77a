#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds benchlab's RPM packages from this tree with packaging/rpm/benchlab.spec: a source
# tarball of the tree goes into a temporary _topdir, then `rpmbuild --nodeps -bb` builds
# there, and the binary .rpms end up in OUTDIR (with build.log). --nodeps because on a
# Debian machine rpm's database knows none of the build dependencies dpkg installed; the
# build itself still fails if one is missing. docs/packaging.md has the details.
# Usage: scripts/package-rpm.sh OUTDIR
#   RPM_JOBS=N sets the parallel jobs (default: nproc). KEEP_BUILD_DIR=1 keeps _topdir.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
command -v rpmbuild >/dev/null || {
  echo "package-rpm: rpmbuild is not installed (Debian's rpm package; scripts/deps.sh test)" >&2
  exit 1
}

spec="$src/packaging/rpm/benchlab.spec"
version=$(sed -n 's/^Version:[[:space:]]*//p' "$spec")
top=$(mktemp -d "${TMPDIR:-/tmp}/benchlab-rpm.XXXXXX")
if [ "${KEEP_BUILD_DIR:-0}" = 1 ]; then
  echo "package-rpm: building in $top (kept)"
else
  trap 'rm -rf "$top"' EXIT
fi
mkdir -p "$top"/{SOURCES,SPECS,BUILD,RPMS,SRPMS,BUILDROOT}
cp "$spec" "$top/SPECS/"

# The source tarball: the tree as scripts/copy-source-tree.sh copies it.
stage="$top/stage/benchlab-$version"
"$src/scripts/copy-source-tree.sh" "$src" "$stage"
tar -C "$top/stage" -czf "$top/SOURCES/benchlab-$version.tar.gz" "benchlab-$version"
rm -rf "$top/stage"

jobs=${RPM_JOBS:-$(nproc)}
echo "package-rpm: rpmbuild --nodeps -bb (-j$jobs)"
start=$(date +%s)
rpmbuild --nodeps -bb -D "_topdir $top" -D "_smp_mflags -j$jobs" \
  "$top/SPECS/benchlab.spec" >"$out/build.log" 2>&1 || {
  tail -n 60 "$out/build.log" >&2
  echo "package-rpm: rpmbuild failed; the whole log is in $out/build.log" >&2
  exit 1
}
echo "package-rpm: built in $(($(date +%s) - start)) s"
find "$top/RPMS" -name '*.rpm' -exec cp {} "$out/" \;
echo "package-rpm: packages in $out:"
(cd "$out" && ls -1 ./*.rpm)
