#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The ABI check of docs/abi-stability.md, in one place for the baselines and the tests.
#
#   abi_check.sh dump  OBJECT HEADERS_DIR OUT.abi
#       Writes OBJECT's ABI, as far as the public headers under HEADERS_DIR define it, to
#       OUT.abi (abidw; what scripts/abi-baseline.sh commits under packaging/abi/).
#   abi_check.sh check BASELINE.abi OBJECT HEADERS_DIR [--expect-incompatible REGEX]
#       Compares OBJECT with BASELINE.abi (abidiff) and judges the changes. Exit 0: no
#       change, or only compatible ones (added functions or variables, fields appended
#       to a struct past its old end); 1: an incompatible change; 2: the tools failed;
#       77: OBJECT has no debug info (built without -g), so there is nothing to compare.
#       With --expect-incompatible (the check's own negative test) the verdicts swap:
#       exit 0 only when the change is judged incompatible and a verdict line matches
#       REGEX, 1 otherwise.
#
# Why the report is read and not just abidiff's exit status: libabigail 2.2 (Debian 12)
# sets ABIDIFF_ABI_INCOMPATIBLE_CHANGE (8) only for a removed function or variable. A
# reordered, removed or retyped struct field sets only ABIDIFF_ABI_CHANGE (4), exactly as
# an added function or an appended field does, so the leaf changes decide: a changed type
# passes only when its size grew and every change is a data member inserted at or past
# the old size. A field placed in the old tail padding does not pass: a plugin built
# against the old header may leave garbage there, and its struct_size cannot say so.
set -euo pipefail

usage() {
  sed -n '4,16p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# The same view of an object for abidw and abidiff: only what the public headers define
# (types from elsewhere are private: dropped), only exported functions, and nothing of
# the machine it was built on (paths, architecture, DT_NEEDED) in the baseline.
dump_options=(--drop-private-types --exported-interfaces-only --no-corpus-path
  --no-comp-dir-path --short-locs --no-architecture --no-elf-needed)
diff_options=(--no-default-suppression --drop-private-types --exported-interfaces-only
  --no-corpus-path --no-architecture --leaf-changes-only --show-bits --show-dec
  --fail-no-debug-info)

has_debug_info() {
  LC_ALL=C readelf -S --wide "$1" 2>/dev/null | grep -q '\.debug_info'
}

need_tool() {
  command -v "$1" >/dev/null || {
    echo "abi_check: $1 not found: apt-get install abigail-tools" >&2
    exit 2
  }
}

# Reads an abidiff --leaf-changes-only report on stdin; prints one verdict line per
# finding and, last, "VERDICT compatible" or "VERDICT incompatible".
classify() {
  awk '
    function bad(why) { print "INCOMPATIBLE: " why; incompatible = 1 }
    function ok(what) { print "compatible: " what }
    function close_type() {
      if (type == "") return
      if (type_bad) bad(type ": " type_why)
      else if (!(grew && inserted)) bad(type ": changed without growing by appended fields")
      else ok(type ": fields appended past its old end (" old_size " -> " new_size " bits)")
      type = ""
    }
    # "...summary: R Removed, C Changed, A Added ..." (three counts) or, for symbols
    # without debug info, "...summary: R Removed, A Added ..." (two); "(k filtered out)"
    # after a count is dropped first.
    function counts(line, what, three,   parts) {
      sub(/^[^:]*: */, "", line)
      gsub(/ *\([0-9]+ filtered out\)/, "", line)
      split(line, parts, /[^0-9]+/)
      if (parts[1] + 0 > 0) bad(parts[1] " " what " removed")
      if (three && parts[2] + 0 > 0) bad(parts[2] " " what " changed (parameters or return type)")
      if (parts[three ? 3 : 2] + 0 > 0) ok(parts[three ? 3 : 2] " " what " added")
    }
    BEGIN { type = ""; incompatible = 0 }
    /^[ \t]*$/ { next }
    # A changed type: its block is the indented lines that follow.
    /^\x27.*\x27 changed:$/ {
      close_type(); type = $0; sub(/ changed:$/, "", type)
      type_bad = 0; type_why = ""; nwhy = 0; grew = 0; inserted = 0; in_insertions = 0
      old_size = 0; new_size = 0; next
    }
    type != "" && /^  / {
      if (match($0, /^  type size changed from [0-9]+ to [0-9]+ \(in bits\)$/)) {
        split($0, n, /[^0-9]+/); old_size = n[2] + 0; new_size = n[3] + 0
        if (new_size > old_size) grew = 1
        else { type_bad = 1; nwhy++; type_why = "shrank from " old_size " to " new_size " bits" }
        in_insertions = 0
      } else if ($0 ~ /^  [0-9]+ data member insertions?:$/) {
        in_insertions = 1
      } else if (in_insertions && $0 ~ /^    \x27.*\x27, at offset [0-9]+ \(in bits\)/) {
        off = $0; sub(/^.*\x27, at offset /, "", off); off = off + 0
        if (off < old_size || !grew) {
          type_bad = 1; nwhy++
          type_why = type_why (nwhy > 1 ? "; " : "") "a field inserted at bit " off \
            (grew ? ", inside the old size " old_size : " without the size growing") \
            " (into padding or between fields)"
        } else inserted = 1
      } else if ($0 !~ /^  (type size hasn.t changed|there are data member changes:)$/) {
        # Everything else (an offset moved, a field deleted or retyped) is a break; the
        # first three lines say which.
        line = $0; sub(/^ +/, "", line); type_bad = 1; nwhy++
        if (nwhy <= 3) type_why = type_why (nwhy > 1 ? "; " : "") line
        else if (nwhy == 4) type_why = type_why "; ..."
      }
      next
    }
    { close_type() }
    /^Leaf changes summary:/ || /^Changed leaf types summary:/ { next }
    /^ELF SONAME changed$/ { next }
    /^SONAME changed from / { bad($0 ": another major version, whose baselines start afresh"); next }
    /^Removed\/Changed\/Added functions summary:/ { counts($0, "function(s)", 1); next }
    /^Removed\/Changed\/Added variables summary:/ { counts($0, "variable(s)", 1); next }
    /^Function symbols changes summary:/ { counts($0, "function symbol(s)", 0); next }
    /^Variable symbols changes summary:/ { counts($0, "variable symbol(s)", 0); next }
    /^[0-9]+ Added (function|variable)/ { listing = "A"; next }
    listing == "A" && /^  \[A\] / { next }
    # Removed or changed functions: already counted above; their names follow.
    /^[0-9]+ (Removed|Deleted|Changed) / || /^[0-9]+ functions? with / { listing = "D"; next }
    listing == "D" && /^  / { line = $0; sub(/^ +/, "", line); bad(line); next }
    { listing = ""; bad("a line this check does not understand: " $0) }
    END {
      close_type()
      print "VERDICT " (incompatible ? "incompatible" : "compatible")
    }
  '
}

cmd=${1:-}
[ -n "$cmd" ] || usage
shift

case "$cmd" in
  dump)
    [ $# -eq 3 ] || usage
    object=$1 headers=$2 out=$3
    need_tool abidw
    if ! has_debug_info "$object"; then
      echo "abi_check: $object has no debug info: build it with -g (RelWithDebInfo)" >&2
      exit 2
    fi
    abidw --headers-dir "$headers" "${dump_options[@]}" --out-file "$out" "$object"
    ;;
  check)
    [ $# -eq 3 ] || [ $# -eq 5 ] || usage
    baseline=$1 object=$2 headers=$3 expect_regex=""
    if [ $# -eq 5 ]; then
      [ "$4" = --expect-incompatible ] || usage
      expect_regex=$5
    fi
    need_tool abidiff
    [ -f "$baseline" ] || {
      echo "abi_check: no baseline $baseline: run scripts/abi-baseline.sh BUILD_DIR" >&2
      exit 2
    }
    if ! has_debug_info "$object"; then
      echo "abi_check: $object has no debug info (a build without -g): nothing to compare"
      exit 77
    fi
    echo "== abidiff $(basename "$baseline") $(basename "$object")"
    set +e
    report=$(abidiff --hd2 "$headers" "${diff_options[@]}" "$baseline" "$object" 2>&1)
    status=$?
    set -e
    [ -z "$report" ] || printf '%s\n' "$report"
    # abidiff's status bits: 1 error, 2 usage error, 4 ABI change, 8 incompatible change.
    if [ $((status & 3)) -ne 0 ]; then
      echo "abi_check: abidiff failed (exit status $status)" >&2
      exit 2
    fi
    if [ "$status" -eq 0 ]; then
      verdict="VERDICT compatible"
      findings=""
      echo "== no ABI change"
    else
      findings=$(printf '%s\n' "$report" | classify)
      verdict=$(printf '%s\n' "$findings" | tail -n 1)
      findings=$(printf '%s\n' "$findings" | sed '$d')
      if [ $((status & 8)) -ne 0 ]; then
        findings=$(printf '%s\nINCOMPATIBLE: abidiff: a function or variable was removed\n' \
          "$findings")
        verdict="VERDICT incompatible"
      fi
      echo "== the changes, judged:"
      printf '%s\n' "$findings" | sed '/^$/d; s/^/   /'
    fi
    if [ -n "$expect_regex" ]; then
      if [ "$verdict" = "VERDICT incompatible" ] &&
        printf '%s\n' "$findings" | grep '^INCOMPATIBLE: ' | grep -Eq -- "$expect_regex"; then
        echo "== incompatible, as expected (a finding matches /$expect_regex/)"
        exit 0
      fi
      echo "== expected an incompatible change matching /$expect_regex/; the check let it pass" >&2
      exit 1
    fi
    if [ "$verdict" = "VERDICT incompatible" ]; then
      cat >&2 <<EOF
== INCOMPATIBLE change to the ABI of $(basename "$baseline" .abi).
   Programs and plugins built against the baseline would break. Undo it, or append
   instead (docs/abi-stability.md); a deliberate break needs a new major version.
EOF
      exit 1
    fi
    if [ "$status" -ne 0 ]; then
      cat <<EOF
== compatible: only additions. Once they are meant to stay (a minor release), refresh
   the baseline: scripts/abi-baseline.sh BUILD_DIR, and commit packaging/abi/.
EOF
    fi
    exit 0
    ;;
  *)
    usage
    ;;
esac
