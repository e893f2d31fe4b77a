// SPDX-License-Identifier: MIT
// Rendering of comparisons (report.h, docs/report.md): ratio formatting, the text, Markdown
// and CSV formats of `benchlab compare`, and the HTML and Markdown pages of `benchlab
// report`, on hand-built Comparison objects (tests/report_browser/sample_comparison.hpp:
// a baseline, a faster system, a system named <script>alert(1)</script> that cannot run
// everything; lower- and higher-is-better rows, a CI including 1, an unbounded CI, missing,
// failed and cannot-run cells).
#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <limits>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "report.h"
#include "sample_comparison.hpp"

using benchlab::CompareFormat;
using benchlab::Comparison;
using benchlab::format_comparison;
using benchlab::format_ratio;
using benchlab::render_html;
using benchlab::render_markdown;
using benchlab::ReportMeta;

namespace {

std::size_t count(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string_view::npos;
       pos = haystack.find(needle, pos + needle.size()))
    ++n;
  return n;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::string lower(std::string s) {
  for (char& ch : s)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return s;
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t nl = s.find('\n'); nl != std::string::npos; nl = s.find('\n', start)) {
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  if (start < s.size()) out.push_back(s.substr(start));
  return out;
}

// Display columns before byte offset `bytes` (every character of these tests is one column
// wide: count the bytes that do not continue a UTF-8 sequence).
std::size_t columns(std::string_view s, std::size_t bytes) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < bytes && i < s.size(); ++i)
    n += (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// RFC 4180 reader: quoted fields with doubled quotes, commas and line breaks inside.
std::vector<std::vector<std::string>> parse_csv(const std::string& s) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, any = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    if (quoted) {
      if (ch != '"') {
        field += ch;
      } else if (i + 1 < s.size() && s[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        quoted = false;
      }
      continue;
    }
    if (ch == '"') {
      REQUIRE(field.empty());  // a quote only opens a field
      quoted = any = true;
    } else if (ch == ',') {
      record.push_back(field);
      field.clear();
      any = true;
    } else if (ch == '\n') {
      record.push_back(field);
      records.push_back(record);
      record.clear();
      field.clear();
      any = false;
    } else {
      field += ch;
      any = true;
    }
  }
  REQUIRE_FALSE(quoted);
  if (any) {
    record.push_back(field);
    records.push_back(record);
  }
  return records;
}

ReportMeta meta() {
  ReportMeta m;
  m.title = "Ryzen vs Spark";
  m.generated_at = "2025-06-01T12:00:00Z";
  m.benchlab_version = "0.3.0";
  m.stores = {"a.sqlite", "b.sqlite"};
  return m;
}

}  // namespace

TEST_CASE("ratios have two decimals below 10, one below 100, none above", "[report]") {
  CHECK(format_ratio(1.0) == "1.00x");
  CHECK(format_ratio(0.64) == "0.64x");
  CHECK(format_ratio(0.6449) == "0.64x");
  CHECK(format_ratio(3.2101) == "3.21x");
  CHECK(format_ratio(9.994) == "9.99x");
  CHECK(format_ratio(9.996) == "10.0x");  // rounding moves it into the next band
  CHECK(format_ratio(12.34) == "12.3x");
  CHECK(format_ratio(99.96) == "100x");
  CHECK(format_ratio(150.4) == "150x");
  CHECK(format_ratio(2048) == "2048x");
  CHECK(format_ratio(0.1) == "0.10x");
  CHECK(format_ratio(0.042) == "0.042x");  // two significant figures below 0.1
  CHECK(format_ratio(0.00123) == "0.0012x");
  CHECK(format_ratio(0) == "0.00x");
  CHECK(format_ratio(-0.5) == "-0.50x");
  CHECK(format_ratio(std::numeric_limits<double>::quiet_NaN()) == "n/a");
  CHECK(format_ratio(std::numeric_limits<double>::infinity()) == "∞x");
  CHECK(format_ratio(-std::numeric_limits<double>::infinity()) == "-∞x");
}

TEST_CASE("the compare table shows ratios, intervals, ≈, counts and cell states", "[report]") {
  const Comparison c = report_sample::comparison();
  const std::string t = format_comparison(c, CompareFormat::table);
  INFO(t);
  CHECK(contains(t, "Baseline: ryzen-7950x"));
  CHECK(contains(t, "ryzen-7950x (baseline)"));
  // the baseline column: absolute mean ± ci95 with its unit and n
  CHECK(contains(t, "120.0 ± 2.0 s n=5"));
  CHECK(contains(t, "10.00 ± 0.20 Mpix/s n=5"));
  // lower-is-better row: the faster system's ratio is above 1, bounded CI
  CHECK(contains(t, "time (s, lower is better)"));
  CHECK(contains(t, "1.50x [1.40–1.60] n=5"));
  CHECK(contains(t, "rate (Mpix/s, higher is better)"));
  CHECK(contains(t, "3.21x [3.10–3.30] n=5"));
  // CI includes 1: ≈; unbounded CI: ≈ and no interval
  CHECK(contains(t, "≈1.02x [0.98–1.05] n=5"));
  CHECK(contains(t, "≈2.00x n=1 partial throttled=1"));
  // cannot run, shortened in the table; failed with its reason on one line; missing
  CHECK(contains(t, "cannot run: needs 64 GiB of memory for the"));
  CHECK_FALSE(contains(t, report_sample::kLongReason));
  CHECK(contains(t, "…"));
  CHECK(contains(t, "cannot run: no GPU"));
  CHECK(contains(t, "failed: exit status 1 CUDA error: out of memory"));
  CHECK(contains(t, "—"));
  // geometric means: one line per CategoryMean with the count behind each
  CHECK(contains(t, "Geometric means"));
  CHECK(contains(t, "2.09x [1.80–2.40] (3)"));
  CHECK(contains(t, "2.20x [1.90–2.50] (4)"));
  const auto lines = lines_of(t);
  std::size_t mean_lines = 0;
  for (const auto& l : lines)
    if (l.rfind("cpu ", 0) == 0 || l.rfind("gpu ", 0) == 0 || l.rfind("overall ", 0) == 0)
      ++mean_lines;
  CHECK(mean_lines == c.rows.size() + c.categories.size());  // result rows + mean rows
}

TEST_CASE("the compare table's columns line up in display columns, not bytes", "[report]") {
  const Comparison c = report_sample::comparison();
  const auto lines = lines_of(format_comparison(c, CompareFormat::table));
  // lines[0] "Baseline: ...", lines[1] empty, then the header and the rule
  REQUIRE(lines.size() > 4);
  const std::string& header = lines[2];
  const std::string& rule = lines[3];
  REQUIRE(rule.find_first_not_of("- ") == std::string::npos);
  std::vector<std::size_t> starts;  // display column where each column starts
  for (std::size_t i = 0; i < rule.size(); ++i)
    if (rule[i] == '-' && (i == 0 || rule[i - 1] == ' ')) starts.push_back(i);
  REQUIRE(starts.size() == 4 + c.systems.size());
  CHECK(columns(header, header.find(report_sample::kHostile)) == starts.back());
  CHECK(columns(header, header.find("dgx-spark")) == starts[5]);
  for (std::size_t li = 4; li < 4 + c.rows.size(); ++li) {
    const std::string& l = lines[li];
    INFO(l);
    // the text before each column start ends in two spaces (in display columns)
    std::vector<std::size_t> space_cols;
    for (std::size_t i = 0; i < l.size(); ++i)
      if (l[i] == ' ') space_cols.push_back(columns(l, i));
    for (std::size_t k = 1; k < starts.size(); ++k) {
      const bool two =
          std::find(space_cols.begin(), space_cols.end(), starts[k] - 1) != space_cols.end() &&
          std::find(space_cols.begin(), space_cols.end(), starts[k] - 2) != space_cols.end();
      CHECK(two);
    }
  }
  // the compile row: "±" (2 bytes) and "–" (3 bytes) come before the last column
  const std::string& compile = lines[4];
  REQUIRE(contains(compile, "≈1.02x"));
  CHECK(columns(compile, compile.find("≈1.02x")) == starts.back());
  const std::string& ray = lines[5];
  CHECK(columns(ray, ray.find("cannot run:")) == starts.back());
}

TEST_CASE("terminal text loses control characters, bidi overrides and broken UTF-8", "[report]") {
  Comparison c = report_sample::comparison();
  c.systems[1].name = "evil\x1b[31m\u202e\xff\nname";
  c.rows[0].test = "tab\there";
  const std::string t = format_comparison(c, CompareFormat::table);
  CHECK_FALSE(contains(t, "\x1b"));
  CHECK_FALSE(contains(t, "\u202e"));
  CHECK_FALSE(contains(t, "\xff"));
  CHECK(contains(t, "evil\uFFFD[31m\uFFFD\uFFFD name"));
  CHECK(contains(t, "tab here"));
}

TEST_CASE("CSV: one record per row and system, then the geometric means, RFC 4180 quoting",
          "[report]") {
  const Comparison c = report_sample::comparison();
  const std::string csv = format_comparison(c, CompareFormat::csv);
  INFO(csv);
  const auto records = parse_csv(csv);
  const std::size_t n = c.systems.size();
  REQUIRE(records.size() == 1 + c.rows.size() * n + c.categories.size() * n);
  const std::vector<std::string> header{
      "category", "test",   "options",  "metric",   "unit",     "direction",
      "primary",  "system", "baseline", "status",   "reason",   "mean",
      "ci95",     "n",      "ratio",    "ratio_lo", "ratio_hi", "includes_one"};
  CHECK(records[0] == header);
  for (const auto& r : records) CHECK(r.size() == header.size());

  auto field = [&](const std::vector<std::string>& r, const char* name) {
    const auto it = std::find(header.begin(), header.end(), name);
    return r[static_cast<std::size_t>(it - header.begin())];
  };
  // compile × dgx-spark: lower is better, ratio 1.5 in [1.4, 1.6]
  const auto& spark_compile = records[1 + 1];
  CHECK(field(spark_compile, "test") == "compile");
  CHECK(field(spark_compile, "system") == "dgx-spark");
  CHECK(field(spark_compile, "direction") == "lower");
  CHECK(field(spark_compile, "baseline") == "false");
  CHECK(field(spark_compile, "status") == "ok");
  CHECK(field(spark_compile, "mean") == "80");
  CHECK(field(spark_compile, "ci95") == "1.5");
  CHECK(field(spark_compile, "n") == "5");
  CHECK(field(spark_compile, "ratio") == "1.5");
  CHECK(field(spark_compile, "ratio_lo") == "1.4");
  CHECK(field(spark_compile, "ratio_hi") == "1.6");
  CHECK(field(spark_compile, "includes_one") == "false");
  // the comma of raytrace's options and the whole reason of the cannot-run cell
  const auto& hostile_ray = records[1 + n + 2];
  CHECK(field(hostile_ray, "options") == "scene=large, threads=all");
  CHECK(field(hostile_ray, "system") == report_sample::kHostile);
  CHECK(field(hostile_ray, "status") == "cannot_run");
  CHECK(field(hostile_ray, "reason") == report_sample::kLongReason);
  CHECK(field(hostile_ray, "ratio").empty());
  CHECK(contains(csv, "\"scene=large, threads=all\""));
  // unbounded CI: ratio without bounds
  const auto& spark_membw = records[1 + 2 * n + 1];
  CHECK(field(spark_membw, "ratio") == "2");
  CHECK(field(spark_membw, "ratio_lo").empty());
  CHECK(field(spark_membw, "includes_one") == "true");
  CHECK(field(spark_membw, "status") == "partial");
  // missing cell
  CHECK(field(records[1 + 2 * n + 2], "status") == "missing");
  // quotes doubled, a line break inside a quoted field
  const auto& llama_base = records[1 + 3 * n];
  CHECK(field(llama_base, "options") == "model=\"llama 8B\" n_gen=128");
  CHECK(contains(csv, "\"model=\"\"llama 8B\"\" n_gen=128\""));
  CHECK(field(records[1 + 3 * n + 2], "reason") == "exit status 1\nCUDA error: out of memory");
  // the geometric means: test "(geomean)", count in n
  const auto& overall_spark = records[records.size() - n + 1];
  CHECK(field(overall_spark, "category") == "overall");
  CHECK(field(overall_spark, "test") == "(geomean)");
  CHECK(field(overall_spark, "ratio") == "2.2");
  CHECK(field(overall_spark, "n") == "4");
}

TEST_CASE("compare as Markdown escapes pipes and keeps one cell per column", "[report]") {
  Comparison c = report_sample::comparison();
  c.rows[0].test = "a|b";
  c.rows[1].options_text = "line one\nline two";
  const std::string m = format_comparison(c, CompareFormat::markdown);
  INFO(m);
  CHECK(contains(m, "a\\|b"));
  CHECK(contains(m, "line one<br>line two"));
  CHECK(contains(m, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK_FALSE(contains(m, "<script"));
  // every table line has the same number of unescaped pipes as its header
  std::size_t expected = 0;
  for (const auto& l : lines_of(m)) {
    if (l.empty() || l[0] != '|') {
      expected = 0;
      continue;
    }
    std::size_t pipes = 0;
    for (std::size_t i = 0; i < l.size(); ++i)
      if (l[i] == '|' && (i == 0 || l[i - 1] != '\\')) ++pipes;
    if (expected == 0) expected = pipes;
    CHECK(pipes == expected);
  }
}

TEST_CASE("the HTML page is self-contained, script-free and escapes every name", "[report]") {
  const Comparison c = report_sample::comparison();
  const std::string html = render_html(c, meta());
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(contains(html, "<meta charset=\"utf-8\">"));
  CHECK(contains(html, "<title>Ryzen vs Spark</title>"));
  const std::string l = lower(html);
  CHECK_FALSE(contains(l, "<script"));
  CHECK_FALSE(contains(l, "http://"));
  CHECK_FALSE(contains(l, "https://"));
  CHECK_FALSE(contains(l, "//cdn"));
  CHECK_FALSE(contains(l, "src="));
  CHECK_FALSE(contains(l, "@import"));
  CHECK_FALSE(contains(l, "javascript:"));
  CHECK_FALSE(std::regex_search(l, std::regex(" on[a-z]+=")));  // no event handler attribute
  CHECK(count(html, "url(") == count(html, "url(#"));           // only the page's own patterns
  CHECK(contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK(contains(html, "&lt;b&gt;host&lt;/b&gt;"));  // from the inventory too
  for (const char* id : {"summary", "charts", "results", "systems", "versions", "power", "tco"})
    CHECK(contains(html, std::string("<section id=\"") + id + "\">"));
}

TEST_CASE("hostile text in every field of the model stays text", "[report]") {
  const std::string evil = "\"'><img src=x onerror=alert(1)>&<script>alert(2)</script>";
  Comparison c = report_sample::comparison();
  c.baseline = c.systems[0].name = evil;
  for (auto& row : c.rows) {
    row.category = row.test == "llama-bench" || row.test == "comfyui" ? evil : row.category;
    row.test = row.options_text = row.metric = row.unit = row.description = evil;
    for (auto& cell : row.cells)
      if (!cell.reason.empty()) cell.reason = evil;
  }
  for (auto& m : c.categories)
    if (m.category == "gpu") m.category = evil;
  for (auto& p : c.power) p.test = p.options_text = p.metric = p.unit = evil;
  for (auto& v : c.versions) v.kind = v.name = v.version = evil;
  c.tco[0].input.system = c.tco[0].input.power_source = evil;
  c.systems[1].inventory["cpu_model"] = boost::json::string(evil);
  boost::json::object gpu;
  gpu["name"] = boost::json::string(evil);
  c.systems[1].inventory["gpus"] = boost::json::array{gpu};
  ReportMeta m = meta();
  m.title = m.generated_at = m.benchlab_version = evil;
  m.stores = {evil};

  const std::string html = render_html(c, m);
  const std::string l = lower(html);
  CHECK_FALSE(contains(l, "<script"));
  CHECK_FALSE(contains(l, "<img"));
  CHECK_FALSE(contains(l, "'>"));
  CHECK(contains(html, "&quot;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;&lt;script&gt;"));
  CHECK(count(html, "<svg class=\"chart\"") == 2);  // "cpu" and the hostile category

  const std::string md = render_markdown(c, m);
  CHECK_FALSE(contains(lower(md), "<script"));
  CHECK_FALSE(contains(lower(md), "<img"));
  for (const auto format : {CompareFormat::table, CompareFormat::markdown, CompareFormat::csv})
    CHECK_FALSE(format_comparison(c, format).empty());
}

TEST_CASE("one chart per category, with bars, whiskers, the line at 1 and cannot-run marks",
          "[report]") {
  const Comparison c = report_sample::comparison();
  const std::string html = render_html(c, meta());
  CHECK(count(html, "<svg class=\"chart\"") == 2);
  CHECK(contains(html, "<svg class=\"chart\" data-category=\"cpu\""));
  CHECK(contains(html, "<svg class=\"chart\" data-category=\"gpu\""));
  CHECK(count(html, "<svg class=\"geomean-chart\"") == 1);
  // per chart: bars, a line at 1.0, whiskers where the CI is bounded
  for (const char* cat : {"cpu", "gpu"}) {
    const std::size_t start = html.find(std::string("<svg class=\"chart\" data-category=\"") + cat);
    const std::size_t end = html.find("</svg>", start);
    REQUIRE(end != std::string::npos);
    const std::string chart = html.substr(start, end - start);
    INFO(cat);
    CHECK(count(chart, "<rect class=\"bar\"") >= 2);
    CHECK(count(chart, "<line class=\"one\"") == 1);
    CHECK(count(chart, "class=\"ci\"") >= 1);
    CHECK(contains(chart, "<rect class=\"cannot-run\""));
    CHECK(contains(chart, "&lt;script&gt;alert(1)&lt;/script&gt;"));  // the legend
  }
  CHECK(contains(html, "&gt;1.50x&lt;") == false);
  CHECK(contains(html, ">1.50x<"));
  CHECK(contains(html, ">≈1.02x<"));
  CHECK(contains(html, ">3.21x<"));
  CHECK(contains(html, "cannot run: no GPU"));
  CHECK(contains(html, "failed: exit status 1 CUDA error: out of memory"));
  // the absolute values: mean ± ci95 with unit, n
  CHECK(contains(html, "120.0 ± 2.0 s"));
  CHECK(contains(html, "n=5"));
}

TEST_CASE("systems, versions, power and cost of ownership sections", "[report]") {
  const Comparison c = report_sample::comparison();
  for (const std::string& page : {render_html(c, meta()), render_markdown(c, meta())}) {
    INFO(page.substr(0, 200));
    // configuration from the inventory JSON
    CHECK(contains(page, "10x Cortex-X925 + 10x Cortex-A725"));
    CHECK(contains(page, "AMD Ryzen 9 7950X 16-Core Processor"));
    CHECK(contains(page, "NVIDIA GB10, 120 GiB unified"));
    CHECK(contains(page, "24 GiB discrete"));
    CHECK(contains(page, "LPDDR5X, 8533 MT/s"));
    CHECK(contains(page, "DDR5, 4800 MT/s"));
    CHECK(contains(page, "2x 32 GiB DIMM Kingston KF560C36-32"));
    CHECK(contains(page, "Samsung SSD 990 PRO 2TB (2 TB, SSD)"));
    CHECK(contains(page, "1654 03/15/2024"));
    CHECK(contains(page, "6.11.0-1016-nvidia"));
    CHECK(contains(page, "Ubuntu 24.04.2 LTS"));
    CHECK(contains(page, "unknown"));  // the sparse inventory
    // versions
    CHECK(contains(page, "13.3.0"));
    CHECK(contains(page, "1.16.0"));
    // power
    CHECK(contains(page, "205.3 ± 3.1 W"));
    CHECK(contains(page, "7896 ± 110 J"));
    CHECK(contains(page, "58.25 W"));
    CHECK(contains(page, "212.4 W"));
    // cost of ownership
    CHECK(contains(page, "$3,999"));
    CHECK(contains(page, "$2.50/h"));
    CHECK(contains(page, "$140.00"));
    CHECK(contains(page, "$608.33"));
    CHECK(contains(page, "$0.24"));
    CHECK(contains(page, "202 days"));
    CHECK(contains(page, "never"));
  }
}

TEST_CASE("without prices the cost section says how to get one", "[report]") {
  Comparison c = report_sample::comparison();
  c.tco.clear();
  c.power.clear();
  c.versions.clear();
  for (auto& s : c.systems) s.idle_power_w = s.wall_power_w = std::nullopt;
  const std::string html = render_html(c, meta());
  CHECK(contains(html, "benchlab report --price SYSTEM=USD --cloud-rate USD_PER_H"));
  CHECK(contains(html, "No power or energy measurements"));
  CHECK(contains(html, "No plugin or program versions recorded"));
  const std::string md = render_markdown(c, meta());
  CHECK(contains(md, "`benchlab report --price SYSTEM=USD --cloud-rate USD_PER_H`"));
}

TEST_CASE("empty and inconsistent models render without failing", "[report]") {
  Comparison empty;
  CHECK(contains(format_comparison(empty, CompareFormat::table), "No results to compare"));
  CHECK(parse_csv(format_comparison(empty, CompareFormat::csv)).size() == 1);
  CHECK(count(render_html(empty, ReportMeta{}), "<svg class=\"chart\"") == 0);
  CHECK(contains(render_markdown(empty, ReportMeta{}), "No results to compare"));

  // cells and means shorter than the systems, NaN ratios, garbage inventory
  Comparison c = report_sample::comparison();
  c.rows[0].cells.pop_back();
  c.categories[0].per_system.pop_back();
  c.categories[0].count.clear();
  c.rows[1].cells[1].ratio->ratio = std::numeric_limits<double>::quiet_NaN();
  c.systems[0].inventory = boost::json::parse(
                               R"({"clusters": [1, {"name": 2}], "memory_bytes": -5,
                                   "gpus": {}, "storage": "nvme", "memory_speed_mts": "fast"})")
                               .as_object();
  const std::string html = render_html(c, meta());
  CHECK(count(html, "<svg class=\"chart\"") == 2);
  CHECK(contains(html, "unknown size"));
  const std::string t = format_comparison(c, CompareFormat::table);
  CHECK(contains(t, "—"));
  const auto records = parse_csv(format_comparison(c, CompareFormat::csv));
  for (const auto& r : records) CHECK(r.size() == 18);
}

TEST_CASE("the Markdown report has every section and escapes its cells", "[report]") {
  const Comparison c = report_sample::comparison();
  const std::string md = render_markdown(c, meta());
  INFO(md);
  CHECK(md.rfind("# Ryzen vs Spark\n", 0) == 0);
  for (const char* heading :
       {"## Summary", "## Relative performance", "### cpu", "### gpu", "## Measured values",
        "## System configuration", "## Versions", "## Power and energy", "## Cost of ownership"})
    CHECK(contains(md, std::string("\n") + heading + "\n"));
  CHECK(contains(md, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK_FALSE(contains(md, "<script"));
  CHECK(contains(md, "≈1.02x \\[0.98–1.05\\] n=5"));
  CHECK(contains(md, "exit status 1 CUDA error: out of memory"));  // one line per cell
  CHECK(contains(md, report_sample::kLongReason));
}
