#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The HTML report in headless Chromium (ctest report_browser:chromium).
# Usage: report_browser.sh REPORT_FIXTURE ARTIFACT_DIR
# report-fixture writes the page of a hand-built comparison (two categories, a cannot-run
# cell, a system named <script>alert(1)</script>); Chromium loads it from file:// with no
# network, dumps the DOM after parsing and takes a screenshot. Checks: the page rendered
# (title, summary section), one chart per category each with bars, the hostile name shown
# as text and no <script> element anywhere, the screenshot a real PNG of some size. The
# screenshot is kept as ARTIFACT_DIR/report.png. Exit 77 (skipped) without Chromium.
# Chromium runs with a fresh profile, no sandbox (containers), no GPU and no background
# network, at most 60 s per invocation.
set -euo pipefail
fixture=$1
artifacts=$2

# BENCHLAB_CHROMIUM, when set, names the browser to use instead (the skip path is tested
# with a name that does not exist).
if [ -n "${BENCHLAB_CHROMIUM+set}" ]; then
  chromium=$BENCHLAB_CHROMIUM
elif [ -x /usr/bin/chromium ]; then
  chromium=/usr/bin/chromium
else
  chromium=$(command -v chromium || true)
fi
if [ -z "$chromium" ] || [ ! -x "$chromium" ]; then
  echo "SKIP: chromium is not installed (scripts/deps.sh test installs it)"
  exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
page="$work/report.html"
# report-fixture prints the comparison's categories, one a line.
mapfile -t categories < <("$fixture" "$page")
[ ${#categories[@]} -ge 2 ] || { echo "FAIL: report-fixture printed no categories" >&2; exit 1; }

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# One Chromium invocation: no profile, no network, no GPU, bounded in time.
run_chromium() {
  local profile
  profile=$(mktemp -d "$work/profile.XXXXXX")
  timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-default-apps --disable-extensions --mute-audio --hide-scrollbars \
    --user-data-dir="$profile" "$@"
}

# 1. The DOM after parsing.
dom="$work/dom.html"
if ! run_chromium --dump-dom "file://$page" >"$dom" 2>"$work/dump.log"; then
  cat "$work/dump.log" >&2
  fail "chromium --dump-dom failed"
fi
[ -s "$dom" ] || { cat "$work/dump.log" >&2; fail "the dumped DOM is empty"; }

grep -q '<title>benchlab report: Ryzen 9 7950X vs DGX Spark</title>' "$dom" ||
  fail "the dumped DOM has no title"
grep -q '<section id="summary">' "$dom" || fail "the dumped DOM has no summary section"
grep -q '<section id="tco">' "$dom" || fail "the dumped DOM has no cost-of-ownership section"

# One chart per category, each with bars.
charts=$(grep -o '<svg class="chart"' "$dom" | wc -l)
[ "$charts" -eq ${#categories[@]} ] ||
  fail "$charts charts in the DOM, expected ${#categories[@]} (${categories[*]})"
for cat in "${categories[@]}"; do
  chart=$(awk -v cat="$cat" '
    index($0, "<svg class=\"chart\" data-category=\"" cat "\"") { on = 1 }
    on { print }
    on && index($0, "</svg>") { exit }' "$dom")
  [ -n "$chart" ] || fail "no chart for category $cat"
  bars=$(grep -o '<rect class="bar"' <<<"$chart" | wc -l)
  [ "$bars" -gt 0 ] || fail "the chart of category $cat has no bars"
  echo "chart $cat: $bars bars"
done
grep -q 'class="cannot-run"' "$dom" || fail "no cannot-run placeholder in the charts"

# The hostile system name is text, never markup.
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$dom" ||
  fail "the system named <script>alert(1)</script> is not shown as escaped text"
if grep -qi '<script' "$dom"; then
  grep -ni '<script' "$dom" | head -5 >&2
  fail "the dumped DOM has a <script element"
fi

# 2. The screenshot.
mkdir -p "$artifacts"
png="$artifacts/report.png"
rm -f "$png"
if ! run_chromium --screenshot="$png" --window-size=1280,2400 "file://$page" \
    >"$work/shot.log" 2>&1; then
  cat "$work/shot.log" >&2
  fail "chromium --screenshot failed"
fi
[ -f "$png" ] || { cat "$work/shot.log" >&2; fail "no screenshot written"; }
magic=$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')
[ "$magic" = 89504e470d0a1a0a ] || fail "the screenshot is not a PNG (magic $magic)"
size=$(stat -c %s "$png")
[ "$size" -gt 20000 ] || fail "the screenshot is only $size bytes"

echo "report rendered: $charts charts, screenshot $size bytes"
echo "screenshot: $png"
