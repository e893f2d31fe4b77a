#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The RPM packages, built for real from this tree (scripts/package-rpm.sh: rpmbuild with
# packaging/rpm/benchlab.spec), then checked: what each package holds (rpm -qlp), its
# dependencies, and that the extracted benchlab-libs + benchlab lists the workloads and,
# once benchlab-probes is extracted beside them, the probes (the RPM layout: /usr/lib64,
# /usr/libexec). No BENCHLAB_* variable is set.
# Usage: test_rpm.sh SOURCE_DIR WORK_DIR        (exit 77: skipped, a tool is missing)
set -euo pipefail
src=$1
work=$2
. "$(dirname "$0")/common.sh"
require_tools "the RPM package test needs Debian's rpm package (scripts/deps.sh test \
installs it)" rpmbuild rpm rpm2archive
rm -rf "$work"
mkdir -p "$work"
out="$work/rpms"

cmake_version=$(sed -n 's/^project(benchlab VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
spec_version=$(sed -n 's/^Version:[[:space:]]*//p' "$src/packaging/rpm/benchlab.spec")
[ "$spec_version" = "$cmake_version" ] ||
  fail "packaging/rpm/benchlab.spec says $spec_version, CMakeLists.txt says $cmake_version"

start=$(date +%s)
"$src/scripts/package-rpm.sh" "$out"
echo "== package-rpm.sh took $(($(date +%s) - start)) s"

rpmfile() {
  local f
  f=$(find "$out" -name "$1-$spec_version-*.rpm" | head -n 1)
  [ -n "$f" ] || fail "no package $1 in $out: $(ls "$out")"
  echo "$f"
}
has() {  # has PACKAGE PATH...
  local pkg=$1 list
  shift
  list=$(rpm -qlp "$(rpmfile "$pkg")")
  for p in "$@"; do
    grep -qxF "$p" <<<"$list" || fail "$pkg lacks $p; it holds:"$'\n'"$list"
  done
}
lacks() {  # lacks PACKAGE REGEX
  local found
  found=$(rpm -qlp "$(rpmfile "$1")" | grep -E "$2" || true)
  [ -z "$found" ] || fail "$1 holds what belongs elsewhere:"$'\n'"$found"
}

libdir=$(rpm --eval '%{_libdir}')
libexec=$(rpm --eval '%{_libexecdir}')
plugins=$libdir/benchlab/plugins-abi1
echo "== the split"
has benchlab-libs "$libdir/libbenchlab.so.1" "$libdir/libbenchlab.so.1.0.0" \
  "$libexec/benchlab/benchlab-worker" "$plugins"
lacks benchlab-libs '\.so$|/plugins-abi1/.|^/usr/include|^/usr/bin'
has benchlab-devel "$libdir/libbenchlab.so" /usr/include/benchlab/benchlab.h \
  /usr/include/benchlab/plugin.h "$libdir/cmake/benchlab/benchlabConfig.cmake" \
  "$libdir/pkgconfig/benchlab.pc" "$libdir/pkgconfig/benchlab-plugin.pc" \
  /usr/share/benchlab/plugin.map
lacks benchlab-devel '\.so\.1|/plugins-abi1/.|^/usr/bin'
has benchlab /usr/bin/benchlab /usr/share/benchlab/profiles/aobench.xml \
  "$plugins/aobench.so" "$plugins/raytrace.so" "$plugins/membw.so"
lacks benchlab '/probe-[^/]*\.so$|libbenchlab|^/usr/include'
has benchlab-probes "$plugins/probe-rapl.so" "$plugins/probe-hwmon.so" \
  "$plugins/probe-cpufreq.so" "$plugins/probe-memory.so" "$plugins/probe-wall.so"
lacks benchlab-probes 'nvml|rocm'
has benchlab-probe-nvidia "$plugins/probe-nvml.so"
has benchlab-probe-amd "$plugins/probe-rocm-smi.so"
pyfile=$(rpmfile python3-benchlab)
[[ $pyfile == *.noarch.rpm ]] || fail "python3-benchlab is not noarch: $pyfile"
rpm -qlp "$pyfile" | grep -qE '/site-packages/benchlab/__init__\.py$' ||
  fail "python3-benchlab lacks benchlab/__init__.py: $(rpm -qlp "$pyfile")"

echo "== dependencies"
rpm -qp --requires "$(rpmfile benchlab)" | grep -q '^benchlab-libs' ||
  fail "benchlab does not require benchlab-libs: $(rpm -qp --requires "$(rpmfile benchlab)")"
rpm -qp --requires "$(rpmfile benchlab)" | grep -q '^libbenchlab.so.1' ||
  fail "benchlab's automatic requirements lack libbenchlab.so.1"
rpm -qp --provides "$(rpmfile benchlab-libs)" | grep -q '^libbenchlab.so.1' ||
  fail "benchlab-libs does not provide libbenchlab.so.1"
rpm -qp --requires "$pyfile" | grep -q '^benchlab-libs' || fail "python3-benchlab does not require benchlab-libs"

echo "== extracted: benchlab-libs + benchlab, then + benchlab-probes"
mkdir -p "$work/root" "$work/home"
root=$(cd "$work/root" && pwd -P)
extract() { rpm2archive - <"$(rpmfile "$1")" | tar -xzf - -C "$root"; }
extract benchlab-libs
extract benchlab
chmod -R go-w "$root"
listing=$(run_benchlab list plugins)
echo "$listing"
grep -qE '^aobench ' <<<"$listing" || fail "the extracted benchlab does not list aobench"
probes=$(run_benchlab list probes)
echo "probes without benchlab-probes: $probes"
grep -qE '^rapl ' <<<"$probes" && fail "rapl is listed before benchlab-probes is extracted"
extract benchlab-probes
chmod -R go-w "$root"
probes=$(run_benchlab list probes)
echo "$probes"
grep -qE '^rapl ' <<<"$probes" || fail "rapl is not listed after benchlab-probes was extracted"
echo "PASS: the RPM packages build, split as documented and run extracted"
