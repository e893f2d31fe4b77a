#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The plugin SDK as a third party meets it: benchlab installed into a prefix, the three
# examples built against that prefix only (CMake package, pkg-config), their plugins
# loaded by the installed `benchlab`, run, and their results read back.
#
# Usage: sdk_test.sh install|operator|plugin-hello|plugin-c|probe-constant
# Set by tests/sdk/CMakeLists.txt: SDK_CMAKE, SDK_BUILD_DIR, SDK_PREFIX, SDK_WORK,
# SDK_LIBDIR, SDK_EXAMPLES, SDK_GENERATOR, SDK_JSON_SUMMARY.
set -euo pipefail

step=${1:?usage: sdk_test.sh install|operator|plugin-hello|plugin-c|probe-constant}
for var in SDK_CMAKE SDK_BUILD_DIR SDK_PREFIX SDK_WORK SDK_LIBDIR SDK_EXAMPLES SDK_GENERATOR \
           SDK_JSON_SUMMARY; do
  [ -n "${!var:-}" ] || { echo "sdk_test.sh: $var is not set" >&2; exit 2; }
done

# Nothing from the caller's environment may decide what is found: no benchlab variable
# (BENCHLAB_PLUGIN_PATH would add plugin directories), no search path of CMake or
# pkg-config that could find another benchlab, a home of the test's own.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^BENCHLAB_' || true)
unset CMAKE_PREFIX_PATH CMAKE_INSTALL_PREFIX PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR \
      DESTDIR CFLAGS CXXFLAGS LDFLAGS benchlab_DIR || true
export PKG_CONFIG_LIBDIR="$SDK_PREFIX/$SDK_LIBDIR/pkgconfig"
export HOME="$SDK_WORK/home"
export XDG_DATA_HOME="$HOME/data" XDG_CACHE_HOME="$HOME/cache" XDG_CONFIG_HOME="$HOME/config"

benchlab="$SDK_PREFIX/bin/benchlab"
plugin_dir="$SDK_PREFIX/$SDK_LIBDIR/benchlab/plugins-abi1"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# value KEY FILE: the value of KEY=VALUE in a summary written by json_summary.cmake.
value() {
  local line
  line=$(grep -m1 -F "$1=" "$2" | grep "^$1=" || true)
  [ -n "$line" ] || fail "no $1 in the results (summary: $(tr '\n' ' ' <"$2"))"
  printf '%s\n' "${line#*=}"
}

# expect_near ACTUAL EXPECTED TOLERANCE WHAT
expect_near() {
  awk -v a="$1" -v e="$2" -v t="$3" 'BEGIN { d = a - e; if (d < 0) d = -d; exit !(d <= t) }' ||
    fail "$4 is $1, expected $2 (within $3)"
}

# results DB NAME: the latest run of DB as a summary file, echoed.
results() {
  local json="$SDK_WORK/$2.json" summary="$SDK_WORK/$2.txt"
  "$benchlab" results --db "$1" --json >"$json" || fail "benchlab results --db $1 --json failed"
  "$SDK_CMAKE" -DJSON="$json" -DOUT="$summary" -P "$SDK_JSON_SUMMARY" ||
    fail "cannot read $json"
  echo "$summary"
}

# exports_only_entry FILE: the plugin's dynamic symbol table defines one symbol.
exports_only_entry() {
  local defined
  defined=$(nm -D --defined-only "$1" | awk '{print $3}' | sort)
  [ "$defined" = "benchlab_plugin_entry" ] ||
    fail "$1 exports more than benchlab_plugin_entry: $(echo "$defined" | tr '\n' ' ')"
}

# cmake_example NAME BUILD_DIR [ARGS...]: configures and builds examples/NAME (or the
# directory NAME, when absolute) against the installed prefix only, and checks that the
# package came from there.
cmake_example() {
  local name=$1 build=$2 source
  shift 2
  source=$SDK_EXAMPLES/$name
  [[ $name != /* ]] || source=$name
  rm -rf "$build"
  "$SDK_CMAKE" -S "$source" -B "$build" -G "$SDK_GENERATOR" \
    -DCMAKE_PREFIX_PATH="$SDK_PREFIX" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
    -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF -DCMAKE_COMPILE_WARNING_AS_ERROR=ON "$@" ||
    fail "configuring examples/$name against $SDK_PREFIX failed"
  local found
  found=$(grep '^benchlab_DIR:' "$build/CMakeCache.txt" | cut -d= -f2-)
  [ "$found" = "$SDK_PREFIX/$SDK_LIBDIR/cmake/benchlab" ] ||
    fail "examples/$name found benchlab in '$found', not in the installed prefix"
  "$SDK_CMAKE" --build "$build" || fail "building examples/$name failed"
}

case "$step" in
install)
  # What `cmake --install` copies must be built and current first (a no-op after a build).
  "$SDK_CMAKE" --build "$SDK_BUILD_DIR" --target benchlab_installed \
    --parallel "${CMAKE_BUILD_PARALLEL_LEVEL:-2}"
  rm -rf "$SDK_PREFIX" "$SDK_WORK/home"
  "$SDK_CMAKE" --install "$SDK_BUILD_DIR" --prefix "$SDK_PREFIX" >"$SDK_WORK/install.log" ||
    fail "cmake --install failed: $(tail -5 "$SDK_WORK/install.log")"
  for f in bin/benchlab "$SDK_LIBDIR/libbenchlab.so" "$SDK_LIBDIR/cmake/benchlab/benchlabConfig.cmake" \
           "$SDK_LIBDIR/cmake/benchlab/benchlabConfigVersion.cmake" \
           "$SDK_LIBDIR/cmake/benchlab/benchlabTargets.cmake" \
           "$SDK_LIBDIR/cmake/benchlab/BenchlabPlugin.cmake" share/benchlab/plugin.map \
           "$SDK_LIBDIR/pkgconfig/benchlab.pc" "$SDK_LIBDIR/pkgconfig/benchlab-plugin.pc" \
           include/benchlab/plugin.h; do
    [ -e "$SDK_PREFIX/$f" ] || fail "cmake --install did not install $f"
  done
  # The .pc files name the prefix installed to, not the one configured.
  [ "$(pkg-config --variable=plugindir benchlab-plugin)" = "$plugin_dir" ] ||
    fail "benchlab-plugin.pc's plugindir is '$(pkg-config --variable=plugindir benchlab-plugin)', not $plugin_dir"
  [ "$(pkg-config --variable=pluginmap benchlab-plugin)" = "$SDK_PREFIX/share/benchlab/plugin.map" ] ||
    fail "benchlab-plugin.pc's pluginmap is '$(pkg-config --variable=pluginmap benchlab-plugin)'"
  pkg-config --libs benchlab | grep -q -- "-L$SDK_PREFIX/$SDK_LIBDIR -lbenchlab" ||
    fail "benchlab.pc's Libs are '$(pkg-config --libs benchlab)'"
  ;;

operator)
  # A program over benchlab.h: with the CMake package (benchlab::benchlab) and with
  # benchlab.pc, each linked to the SONAME and loading the installed library.
  source_dir=$(dirname "$SDK_JSON_SUMMARY")/operator
  cmake_example "$source_dir" "$SDK_WORK/operator"
  rm -f "$SDK_WORK/operator-pc"
  cc -std=c99 -Wall -Wextra -Werror "$source_dir/version.c" $(pkg-config --cflags --libs benchlab) \
    -o "$SDK_WORK/operator-pc" || fail "building against benchlab.pc failed"
  version=$(grep -m1 '^#define BENCHLAB_VERSION_STRING' "$SDK_PREFIX/include/benchlab/benchlab.h" |
            cut -d'"' -f2)
  abi=$(awk '$1 == "#define" && $2 == "BL_ABI_MAJOR" { major = $3 }
             $1 == "#define" && $2 == "BL_ABI_MINOR" { minor = $3 }
             END { print major "." minor }' "$SDK_PREFIX/include/benchlab/plugin.h")
  for program in "$SDK_WORK/operator/operator-version" "$SDK_WORK/operator-pc"; do
    readelf -d "$program" | grep -q 'NEEDED.*\[libbenchlab\.so\.1\]' ||
      fail "$program is not linked to libbenchlab.so.1: $(readelf -d "$program" | grep NEEDED)"
    said=$(LD_LIBRARY_PATH="$SDK_PREFIX/$SDK_LIBDIR" "$program") || fail "$program failed"
    [ "$said" = "$version $version $abi" ] ||
      fail "$program says '$said', expected header and library $version hosting plugin ABI $abi"
  done
  ;;

plugin-hello)
  cmake_example plugin-hello "$SDK_WORK/plugin-hello"
  exports_only_entry "$SDK_WORK/plugin-hello/hello.so"
  # The default install directory is where the installed benchlab looks: no --plugin-dir,
  # no BENCHLAB_PLUGIN_PATH below.
  "$SDK_CMAKE" --install "$SDK_WORK/plugin-hello" || fail "installing examples/plugin-hello failed"
  [ -f "$plugin_dir/hello.so" ] || fail "hello.so was not installed into $plugin_dir"
  rm -f "$SDK_WORK/hello.db"
  "$benchlab" run hello -o limit=1000000 -n 1 --warmup 0 --probes none --db "$SDK_WORK/hello.db" ||
    fail "benchlab run hello failed"
  summary=$(results "$SDK_WORK/hello.db" hello)
  [ "$(value result.0.status "$summary")" = ok ] || fail "hello: $(value result.0.reason "$summary")"
  [ "$(value result.0.plugin_file "$summary")" = "$plugin_dir/hello.so" ] ||
    fail "hello ran from $(value result.0.plugin_file "$summary"), not from $plugin_dir"
  # pi(10^6) = 78498: the option reached the plugin and the value came back.
  expect_near "$(value result.0.metric.primes "$summary")" 78498 0 "hello's primes up to 10^6"

  # SameMajorVersion: a project asking for benchlab 2 must not accept this 1.x. (A language,
  # so that CMake knows the multiarch directory, lib/<triplet>/cmake, to search.)
  rm -rf "$SDK_WORK/wants-2"
  mkdir -p "$SDK_WORK/wants-2"
  printf '%s\n' 'cmake_minimum_required(VERSION 3.18)' 'project(wants2 LANGUAGES C)' \
    'find_package(benchlab 2 CONFIG REQUIRED)' >"$SDK_WORK/wants-2/CMakeLists.txt"
  if "$SDK_CMAKE" -S "$SDK_WORK/wants-2" -B "$SDK_WORK/wants-2/build" \
       -DCMAKE_PREFIX_PATH="$SDK_PREFIX" >"$SDK_WORK/wants-2.log" 2>&1; then
    fail "find_package(benchlab 2) accepted benchlab 1"
  fi
  grep -q "1\.0\.0" "$SDK_WORK/wants-2.log" ||
    fail "find_package(benchlab 2) failed without naming the version found: $(tail -5 "$SDK_WORK/wants-2.log")"
  ;;

plugin-c)
  # cc and pkg-config only, as the Makefile says; PKG_CONFIG_LIBDIR (above) is the prefix's.
  rm -rf "$SDK_WORK/plugin-c" "$SDK_WORK/c-plugins"
  cp -r "$SDK_EXAMPLES/plugin-c" "$SDK_WORK/plugin-c"
  make -C "$SDK_WORK/plugin-c" CFLAGS="-O2 -Werror" || fail "make in examples/plugin-c failed"
  make -C "$SDK_WORK/plugin-c" install PLUGINDIR="$SDK_WORK/c-plugins" ||
    fail "make install in examples/plugin-c failed"
  exports_only_entry "$SDK_WORK/c-plugins/checksum.so"
  # The one-line form of the docs makes a plugin too.
  cc $(pkg-config --cflags --libs benchlab-plugin) "$SDK_EXAMPLES/probe-constant/constant.c" \
    -o "$SDK_WORK/one-line.so" || fail "cc \$(pkg-config --cflags --libs benchlab-plugin) failed"
  exports_only_entry "$SDK_WORK/one-line.so"
  chmod 755 "$SDK_WORK/c-plugins"  # benchlab refuses directories others may write to
  rm -f "$SDK_WORK/c.db"
  "$benchlab" run checksum --plugin-dir "$SDK_WORK/c-plugins" -o size_mib=16 -n 1 --warmup 0 \
    --probes none --db "$SDK_WORK/c.db" || fail "benchlab run checksum failed"
  summary=$(results "$SDK_WORK/c.db" checksum)
  [ "$(value result.0.status "$summary")" = ok ] || fail "checksum: $(value result.0.reason "$summary")"
  [ "$(value result.0.plugin_file "$summary")" = "$SDK_WORK/c-plugins/checksum.so" ] ||
    fail "checksum ran from $(value result.0.plugin_file "$summary")"
  awk -v r="$(value result.0.metric.mib_per_s "$summary")" 'BEGIN { exit !(r > 0) }' ||
    fail "checksum's mib_per_s is not positive"

  # The memory need declared in setup() (ext/requirements.h) makes a size this machine
  # cannot hold "cannot run" before any trial, instead of a failed allocation.
  memory=$(value inventory.memory_bytes "$summary")
  if awk -v m="$memory" 'BEGIN { exit !(m < 4 * 1024 ^ 4) }'; then
    rm -f "$SDK_WORK/c-big.db"
    "$benchlab" run checksum --plugin-dir "$SDK_WORK/c-plugins" -o size_mib=4194304 -n 1 \
      --warmup 0 --probes none --db "$SDK_WORK/c-big.db" || true
    summary=$(results "$SDK_WORK/c-big.db" checksum-big)
    [ "$(value result.0.status "$summary")" = cannot_run ] ||
      fail "checksum with 4 TiB on a machine of $memory bytes: status $(value result.0.status "$summary"), not cannot_run"
    value result.0.reason "$summary" | grep -q "choose a smaller size_mib" ||
      fail "the cannot-run reason lacks the plugin's hint: $(value result.0.reason "$summary")"
  else
    echo "this machine has 4 TiB or more: the memory gate is not exercised"
  fi
  ;;

probe-constant)
  # Installed elsewhere than the default, found through BENCHLAB_PLUGIN_PATH.
  cmake_example probe-constant "$SDK_WORK/probe-constant" \
    -DBENCHLAB_PLUGIN_INSTALL_DIR="$SDK_WORK/probes"
  rm -rf "$SDK_WORK/probes"
  "$SDK_CMAKE" --install "$SDK_WORK/probe-constant" || fail "installing examples/probe-constant failed"
  exports_only_entry "$SDK_WORK/probes/probe-constant.so"
  [ ! -e "$plugin_dir/probe-constant.so" ] ||
    fail "BENCHLAB_PLUGIN_INSTALL_DIR was ignored: probe-constant.so went into $plugin_dir"
  chmod 755 "$SDK_WORK/probes"
  rm -f "$SDK_WORK/probe.db"
  # hello (installed by the plugin-hello test) runs while only this probe samples.
  BENCHLAB_PLUGIN_PATH="$SDK_WORK/probes" "$benchlab" run hello -o limit=2000000 -n 1 --warmup 0 \
    --probes constant --probe-option constant.watts=37.25 --db "$SDK_WORK/probe.db" ||
    fail "benchlab run hello --probes constant failed"
  summary=$(BENCHLAB_PLUGIN_PATH="$SDK_WORK/probes" results "$SDK_WORK/probe.db" probe)
  [ "$(value probe.constant.status "$summary")" = stopped ] ||
    fail "the constant probe: $(value probe.constant.status "$summary"): $(value probe.constant.reason "$summary")"
  [ "$(value probe.constant.path "$summary")" = "$SDK_WORK/probes/probe-constant.so" ] ||
    fail "the constant probe was loaded from $(value probe.constant.path "$summary")"
  [ "$(value result.0.status "$summary")" = ok ] || fail "hello: $(value result.0.reason "$summary")"
  # A constant reading integrates to exactly that power over the trial.
  expect_near "$(value result.0.metric.power.constant.power.mean "$summary")" 37.25 1e-6 \
    "the mean power of the constant probe"
  expect_near "$(value result.0.metric.power.constant.power.peak "$summary")" 37.25 1e-9 \
    "the peak power of the constant probe"
  ;;

*)
  echo "sdk_test.sh: unknown step '$step'" >&2
  exit 2
  ;;
esac
echo "sdk $step: ok"
