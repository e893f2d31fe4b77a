#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The Debian packages, built for real from this tree (scripts/package-deb.sh: dpkg-buildpackage
# and lintian, which must report no errors), then checked:
#  1. the split: what each .deb holds (dpkg-deb -c) and its control fields;
#  2. the installed layout works: libbenchlab1 + benchlab extracted into an empty root,
#     the extracted benchlab lists the workloads and no probe; benchlab-probes extracted
#     into the same root, the probes appear with nothing reconfigured; one trial runs;
#  3. a C program builds with pkg-config against the extracted libbenchlab-dev and runs;
#     python3-benchlab imports from the extracted root and loads that root's library.
# No BENCHLAB_* variable is set anywhere: the packaged benchlab finds its worker, plugins
# and profiles relative to its library, as it does once installed.
# Usage: test_deb.sh SOURCE_DIR WORK_DIR        (exit 77: skipped, a tool is missing)
set -euo pipefail
src=$1
work=$2
. "$(dirname "$0")/common.sh"
require_tools "the Debian package test needs dpkg-dev, debhelper, dh-python, fakeroot and \
lintian (scripts/deps.sh test installs them)" dpkg-buildpackage dpkg-deb lintian fakeroot dh
rm -rf "$work"
mkdir -p "$work"
out="$work/debs"

# The version: one number in CMakeLists.txt, the Debian changelog and the RPM spec.
cmake_version=$(sed -n 's/^project(benchlab VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
deb_version=$(dpkg-parsechangelog -l "$src/packaging/debian/changelog" -S Version)
[ "${deb_version%-*}" = "$cmake_version" ] ||
  fail "packaging/debian/changelog says $deb_version, CMakeLists.txt says $cmake_version"

start=$(date +%s)
"$src/scripts/package-deb.sh" "$out"
echo "== package-deb.sh took $(($(date +%s) - start)) s"

ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
deb() {
  local f="$out/${1}_${deb_version}_${2:-$arch}.deb"
  [ -f "$f" ] || fail "no package $1 (expected $f)"
  echo "$f"
}
contents() { dpkg-deb -c "$(deb "$@")" | awk '{print $6}' | sed 's|^\./|/|'; }
has() {  # has PACKAGE [ARCH] -- PATH...
  local pkg=$1 a=$arch
  shift
  if [ "$1" != -- ]; then a=$1; shift; fi
  shift
  local list
  list=$(contents "$pkg" "$a")
  for p in "$@"; do
    grep -qxF "$p" <<<"$list" || fail "$pkg lacks $p; it holds:"$'\n'"$list"
  done
}
lacks() {  # lacks PACKAGE REGEX: no path of PACKAGE matches REGEX
  local found
  found=$(contents "$1" | grep -E "$2" || true)
  [ -z "$found" ] || fail "$1 holds what belongs elsewhere:"$'\n'"$found"
}
field() { dpkg-deb -f "$(deb "$1" "${3:-$arch}")" "$2"; }

libdir=/usr/lib/$ma
plugins=$libdir/benchlab/plugins-abi1
echo "== the split"
has libbenchlab1 -- "$libdir/libbenchlab.so.1" "$libdir/libbenchlab.so.1.0.0" "$libdir/benchlab/benchlab-worker"
lacks libbenchlab1 '\.so$|/plugins-abi1/.|^/usr/include|^/usr/bin'
has libbenchlab-dev -- "$libdir/libbenchlab.so" /usr/include/benchlab/benchlab.h \
  /usr/include/benchlab/plugin.h "$libdir/cmake/benchlab/benchlabConfig.cmake" \
  "$libdir/pkgconfig/benchlab.pc" "$libdir/pkgconfig/benchlab-plugin.pc" /usr/share/benchlab/plugin.map
lacks libbenchlab-dev '\.so\.1|/plugins-abi1/.|^/usr/bin'
has benchlab -- /usr/bin/benchlab /usr/share/benchlab/profiles/aobench.xml \
  "$plugins/aobench.so" "$plugins/raytrace.so" "$plugins/membw.so" "$plugins/command.so"
lacks benchlab '/probe-[^/]*\.so$|libbenchlab|^/usr/include'
has benchlab-probes -- "$plugins/probe-rapl.so" "$plugins/probe-hwmon.so" \
  "$plugins/probe-cpufreq.so" "$plugins/probe-memory.so" "$plugins/probe-wall.so"
lacks benchlab-probes 'nvml|rocm|/plugins-abi1/[^p][^/]*\.so$|libbenchlab'
has benchlab-probe-nvidia -- "$plugins/probe-nvml.so"
has benchlab-probe-amd -- "$plugins/probe-rocm-smi.so"
for p in benchlab-probe-nvidia benchlab-probe-amd; do
  n=$(contents "$p" | grep -c '\.so$' || true)
  [ "$n" = 1 ] || fail "$p holds $n plugins, not 1"
done
has python3-benchlab all -- /usr/lib/python3/dist-packages/benchlab/__init__.py

# Every plugin file in exactly one package.
all_plugins=$(for f in "$out"/*.deb; do dpkg-deb -c "$f" | awk '{print $6}'; done |
  grep '/plugins-abi1/.*\.so$' | sort)
dups=$(uniq -d <<<"$all_plugins")
[ -z "$dups" ] || fail "plugins in two packages: $dups"
[ "$(wc -l <<<"$all_plugins")" -ge 20 ] || fail "only these plugins were packaged: $all_plugins"

echo "== control fields"
[ "$(field libbenchlab1 Multi-Arch)" = same ] || fail "libbenchlab1 is not Multi-Arch: same"
[ "$(field python3-benchlab Architecture all)" = all ] || fail "python3-benchlab is not Architecture: all"
field python3-benchlab Depends all | grep -q 'libbenchlab1' || fail "python3-benchlab does not depend on libbenchlab1"
field python3-benchlab Depends all | grep -q 'python3' || fail "python3-benchlab does not depend on python3"
field benchlab Depends | grep -q "libbenchlab1 (= $deb_version)" || fail "benchlab does not depend on its own libbenchlab1"
field benchlab-probe-nvidia Suggests | grep -q 'libnvidia-ml1' || fail "the NVIDIA probe does not suggest libnvidia-ml1"
field benchlab-probe-nvidia Description | grep -q 'run time' || fail "the NVIDIA probe does not say NVML is loaded at run time"
field libbenchlab1 Depends | grep -q 'libssl3' || fail "libbenchlab1 lacks the libcrypto its worker loads"
dpkg-deb -I "$(deb libbenchlab1)" symbols | grep -q '^libbenchlab.so.1 libbenchlab1 ' ||
  fail "libbenchlab1 has no symbols file"
dpkg-deb -I "$(deb libbenchlab1)" symbols | grep -q ' benchlab_open@Base ' ||
  fail "libbenchlab1's symbols file lacks benchlab_open"

echo "== extracted: libbenchlab1 + benchlab"
mkdir -p "$work/root" "$work/home"
root=$(cd "$work/root" && pwd -P)
dpkg-deb -x "$(deb libbenchlab1)" "$root"
dpkg-deb -x "$(deb benchlab)" "$root"
chmod -R go-w "$root"  # the core refuses plugin directories others may write to
bin="$root/usr/bin/benchlab"
# The distribution's flags reached the binaries: no RUNPATH, and bindnow from hardening=+all.
readelf -d "$bin" | grep -qE 'RUNPATH|RPATH' && fail "usr/bin/benchlab carries a RUNPATH"
readelf -d "$bin" | grep -q 'BIND_NOW' || fail "usr/bin/benchlab was linked without -z now"
readelf -d "$root$libdir/benchlab/benchlab-worker" | grep -q 'BIND_NOW' ||
  fail "benchlab-worker was linked without -z now"
listing=$(run_benchlab list)
echo "$listing"
grep -qE '^  aobench ' <<<"$listing" || fail "the extracted benchlab does not list aobench"
grep -qE '^  raytrace ' <<<"$listing" || fail "the extracted benchlab does not list raytrace"
grep -qE '^  quick ' <<<"$listing" || fail "the extracted benchlab does not list the quick suite"
probes=$(run_benchlab list probes)
echo "probes without benchlab-probes: $probes"
grep -qE '^rapl ' <<<"$probes" && fail "rapl is listed before benchlab-probes is installed"

echo "== extracted: + benchlab-probes, nothing reconfigured"
dpkg-deb -x "$(deb benchlab-probes)" "$root"
chmod -R go-w "$root"
probes=$(run_benchlab list probes)
echo "$probes"
for p in rapl hwmon cpufreq memory; do
  grep -qE "^$p " <<<"$probes" || fail "probe $p is not listed after benchlab-probes was extracted"
done

echo "== one trial from the extracted tree"
db="$work/trial.db"
run_benchlab run aobench -o size=256 -n 1 --warmup 0 --db "$db" -q
results=$(run_benchlab results --json --db "$db")
grep -q '"aobench"' <<<"$results" || fail "the stored results do not name aobench: $results"
grep -q '"ok"' <<<"$results" || fail "the trial did not end ok: $results"

echo "== libbenchlab-dev: a program built with pkg-config against the extracted root"
dpkg-deb -x "$(deb libbenchlab-dev)" "$root"
cat >"$work/version.c" <<'C'
#include <benchlab/benchlab.h>
#include <stdio.h>
int main(void) {
  benchlab_version_info v = {.struct_size = sizeof v};
  if (benchlab_library_version(&v) != BENCHLAB_OK) return 1;
  printf("%u.%u.%u %s\n", v.major, v.minor, v.patch, benchlab_version());
  return 0;
}
C
flags=$(PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_LIBDIR="$root$libdir/pkgconfig" \
  pkg-config --cflags --libs benchlab) || fail "pkg-config does not know benchlab.pc"
cc -o "$work/version" "$work/version.c" $flags
got=$(LD_LIBRARY_PATH="$root$libdir" "$work/version")
[ "$got" = "$cmake_version $cmake_version" ] || fail "the program built against libbenchlab-dev says '$got'"
LD_LIBRARY_PATH="$root$libdir" ldd "$work/version" | grep -q "$root$libdir/libbenchlab.so.1" ||
  fail "the program is not linked to the extracted libbenchlab.so.1"

echo "== python3-benchlab from the extracted tree"
dpkg-deb -x "$(deb python3-benchlab all)" "$root"
command -v python3 >/dev/null || fail "python3 is not installed"
env HOME="$work/home" LD_LIBRARY_PATH="$root$libdir" PYTHONPATH="$root/usr/lib/python3/dist-packages" \
  python3 -c '
import sys, benchlab
root = sys.argv[1]
assert benchlab.__file__.startswith(root), "benchlab imported from " + benchlab.__file__
version = benchlab.library_version()
maps = [l.split()[-1] for l in open("/proc/self/maps") if "libbenchlab.so" in l]
assert maps and all(m.startswith(root) for m in maps), "libbenchlab loaded from %s" % maps
print("python3-benchlab: library", version, "from", maps[0])
' "$root/"
echo "PASS: the Debian packages build, pass lintian, split as documented and run extracted"
