# SPDX-License-Identifier: MIT
# What test_deb.sh and test_rpm.sh share; sourced after they set `src` and `work`.
#   fail MESSAGE                    the test fails with MESSAGE
#   require_tools HINT TOOL...      exit 77 (skipped) naming the first TOOL missing, and HINT
#   run_benchlab ARGS...            the extracted $root/usr/bin/benchlab, its library from
#                                   $root$libdir, with a private home and no BENCHLAB_* set
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

require_tools() {
  local hint=$1 tool
  shift
  for tool; do
    if ! command -v "$tool" >/dev/null; then
      echo "SKIP: $tool is not installed; $hint"
      exit 77
    fi
  done
}

run_benchlab() {
  env HOME="$work/home" XDG_CACHE_HOME="$work/home/cache" XDG_DATA_HOME="$work/home/data" \
    LD_LIBRARY_PATH="$root$libdir" "$root/usr/bin/benchlab" "$@"
}

# The packaged benchlab must find everything relative to its library, as once installed.
for v in $(compgen -e | grep '^BENCHLAB_' || true); do unset "$v"; done
