// SPDX-License-Identifier: MIT
#include "results_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace benchlab_cli {

namespace {

const char* status_text(int32_t s) {
  switch (s) {
    case BENCHLAB_STATUS_OK:
      return "ok";
    case BENCHLAB_STATUS_FAILED:
      return "FAILED";
    case BENCHLAB_STATUS_CANNOT_RUN:
      return "cannot run";
    case BENCHLAB_STATUS_PARTIAL:
      return "partial";
    default:
      return "pending";
  }
}

// Display width of UTF-8 text: count code points, not bytes ("±" is one column).
std::size_t width(const std::string& s) {
  std::size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

std::string truncate(const std::string& s, std::size_t max) {
  if (width(s) <= max) return s;
  std::string out;
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size() && w < max - 1; ++i) {
    out += s[i];
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++w;
    while (i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) out += s[++i];
  }
  return out + "…";
}

}  // namespace

std::string format_value(double v) {
  if (!std::isfinite(v)) return "-";
  double a = std::fabs(v);
  if (a == 0) return "0";
  if (a >= 1e7 || a < 1e-3) return fmt::format("{:.3e}", v);
  int digits = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : 3;
  if (a < 1) digits = 3 - static_cast<int>(std::floor(std::log10(a)));
  return fmt::format("{:.{}f}", v, digits);
}

std::vector<Row> read_rows(benchlab_cursor* cur) {
  std::vector<Row> rows;
  benchlab_result r{};
  r.struct_size = sizeof r;
  while (benchlab_cursor_next(cur, &r) == BENCHLAB_OK) {
    Row row;
    row.test = r.test;
    row.options = r.options ? r.options : "";
    row.metric = r.metric ? r.metric : "";
    row.unit = r.unit ? r.unit : "";
    row.status = status_text(r.status);
    row.reason = r.reason ? r.reason : "";
    row.plugin = r.plugin ? r.plugin : "";
    row.plugin_version = r.plugin_version ? r.plugin_version : "";
    row.plugin_path = r.plugin_path ? r.plugin_path : "";
    row.plugin_sha256 = r.plugin_sha256 ? r.plugin_sha256 : "";
    row.containment = r.containment ? r.containment : "";
    row.throttled = r.throttled;
    row.derived = r.derived != 0;
    row.direction = r.direction;
    row.n = r.n;
    row.failed = r.failed;
    row.outliers = r.outliers;
    row.mean = r.mean;
    row.ci95 = r.ci95;
    row.cov = r.cov;
    row.min = r.min;
    row.max = r.max;
    row.description = r.description ? r.description : "";
    row.dist_n = r.dist_n;
    row.dist_mean = r.dist_mean;
    row.dist_p50 = r.dist_p50;
    row.dist_p90 = r.dist_p90;
    row.dist_p99 = r.dist_p99;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string render_provenance(const std::vector<Row>& rows) {
  std::string out = "Produced by:\n";
  std::string last;
  for (const auto& r : rows) {
    std::string line =
        "  " + r.test + ": " + r.plugin + " " + r.plugin_version + ", " + r.plugin_path +
        (r.plugin_sha256.empty() ? ", sha256 not recorded" : ", sha256 " + r.plugin_sha256) +
        "; processes held by " + (r.containment.empty() ? "(not recorded)" : r.containment) + "\n";
    if (line != last) out += line;  // one line per test, not per metric
    last = line;
  }
  return out;
}

namespace {

// The derived metrics the table shows by default: the machine's totals and work per joule,
// not every channel of every probe.
bool headline(const Row& r) {
  if (!r.derived) return true;
  auto ends = [&](const std::string& tail) {
    return r.metric.size() >= tail.size() &&
           r.metric.compare(r.metric.size() - tail.size(), tail.size(), tail) == 0;
  };
  return r.metric == "energy.total" || r.metric == "energy.total.net" ||
         r.metric == "power.total.mean" || r.metric == "power.total.peak" || ends(".per_joule");
}

// "key=value, key=value" split at ", " before a key (values may hold ", " of their own).
std::vector<std::string> option_items(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  for (std::size_t at = text.find(", "); at != std::string::npos; at = text.find(", ", at + 2)) {
    const std::size_t eq = text.find('=', at + 2), next = text.find(", ", at + 2);
    if (eq == std::string::npos || (next != std::string::npos && next < eq)) continue;
    items.push_back(text.substr(start, at - start));
    start = at + 2;
  }
  if (start < text.size()) items.push_back(text.substr(start));
  return items;
}

// What tells a test's results apart: of a test with results at several option values
// (a sweep: users=1, 2, 4, 8), only the options that differ between them, so the value
// that matters is not cut off behind a long base_url; otherwise all its options.
std::vector<std::string> distinguishing_options(const std::vector<Row>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) {
    const auto mine = option_items(r.options);
    std::string shown;
    for (const auto& item : mine) {
      bool varies = false;
      for (const auto& other : rows)
        if (other.test == r.test && other.options != r.options) {
          const auto theirs = option_items(other.options);
          varies = varies || std::find(theirs.begin(), theirs.end(), item) == theirs.end();
        }
      if (varies) shown += (shown.empty() ? "" : ", ") + item;
    }
    out.push_back(shown.empty() ? r.options : shown);
  }
  return out;
}

// Columns padded to their widest cell, a rule under the header row; columns first_number
// to last_number align right.
std::string render_cells(const std::vector<std::vector<std::string>>& cells,
                         std::size_t first_number, std::size_t last_number) {
  std::vector<std::size_t> w(cells[0].size(), 0);
  for (const auto& row : cells)
    for (std::size_t i = 0; i < row.size(); ++i) w[i] = std::max(w[i], width(row[i]));
  std::string out;
  for (std::size_t ri = 0; ri < cells.size(); ++ri) {
    std::string line;
    for (std::size_t i = 0; i < cells[ri].size(); ++i) {
      const std::string& c = cells[ri][i];
      bool right = i >= first_number && i <= last_number;
      std::string pad(w[i] - width(c), ' ');
      line += right ? pad + c : c + (i + 1 < cells[ri].size() ? pad : "");
      if (i + 1 < cells[ri].size()) line += "  ";
    }
    out += line + "\n";
    if (ri == 0) {
      std::size_t total = 0;
      for (auto x : w) total += x + 2;
      out += std::string(total - 2, '-') + "\n";
    }
  }
  return out;
}

}  // namespace

std::string render_distributions(const std::vector<Row>& rows) {
  std::vector<std::vector<std::string>> cells;
  cells.push_back({"Test", "Options", "Metric", "n", "p50", "p90", "p99", "Mean"});
  const auto options = distinguishing_options(rows);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    if (r.dist_n == 0) continue;
    cells.push_back({r.test, truncate(options[i], 32),
                     r.metric + (r.unit.empty() ? "" : " [" + r.unit + "]"),
                     std::to_string(r.dist_n), format_value(r.dist_p50), format_value(r.dist_p90),
                     format_value(r.dist_p99), format_value(r.dist_mean)});
  }
  if (cells.size() == 1) return {};
  return "Distributions (every value of every measured trial, pooled):\n" +
         render_cells(cells, 3, 7);
}

std::string render_definitions(const std::vector<Row>& rows) {
  std::string out;
  std::vector<std::string> seen;
  for (const auto& r : rows) {
    if (r.description.empty() || r.metric.empty()) continue;
    if (std::find(seen.begin(), seen.end(), r.metric) != seen.end()) continue;
    seen.push_back(r.metric);
    out +=
        "  " + r.metric + (r.unit.empty() ? "" : " [" + r.unit + "]") + ": " + r.description + "\n";
  }
  return out.empty() ? out : "Metrics:\n" + out;
}

std::string render_table(const std::vector<Row>& rows, bool all_derived) {
  std::vector<std::vector<std::string>> cells;
  cells.push_back({"Test", "Options", "Metric", "Mean", "±95% CI", "CoV", "n", "Status"});
  std::vector<std::string> notes;
  const auto options = distinguishing_options(rows);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    if (!all_derived && !headline(r)) continue;
    bool has = !r.metric.empty() && r.n > 0;
    std::string metric =
        r.metric.empty() ? "" : r.metric + (r.unit.empty() ? "" : " [" + r.unit + "]");
    if (!r.metric.empty()) metric += r.direction > 0 ? " ↑" : " ↓";
    std::string ci = has && r.n > 1 && r.mean != 0
                         ? fmt::format("±{:.1f}%", 100.0 * r.ci95 / std::fabs(r.mean))
                         : "";
    std::string cov = has && r.n > 1 ? fmt::format("{:.1f}%", 100.0 * r.cov) : "";
    std::string status = r.status;
    if (r.failed) status += fmt::format(" ({} failed)", r.failed);
    if (r.outliers) status += fmt::format(" ({} outlier{})", r.outliers, r.outliers > 1 ? "s" : "");
    if (r.throttled) status += fmt::format(" ({} throttled)", r.throttled);
    cells.push_back({r.test, truncate(options[i], 32), metric, has ? format_value(r.mean) : "-", ci,
                     cov, has ? std::to_string(r.n) : "0", status});
    // One note per result (a result has a row per metric); no "x: x: why" stutter.
    std::string note = r.reason.rfind(r.test + ": ", 0) == 0 ? r.reason : r.test + ": " + r.reason;
    if (!r.reason.empty() && (notes.empty() || notes.back() != note)) notes.push_back(note);
  }
  std::string out = render_cells(cells, 3, 6);
  for (const auto& n : notes) out += "  " + n + "\n";
  return out;
}

}  // namespace benchlab_cli
