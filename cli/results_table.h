/* SPDX-License-Identifier: MIT */
// The results table the CLI prints: one row per result and metric.
#pragma once

#include <benchlab/benchlab.h>

#include <cstdint>
#include <string>
#include <vector>

namespace benchlab_cli {

struct Row {
  std::string test, options, metric, unit, status, reason;
  std::string plugin, plugin_version, plugin_path, plugin_sha256, containment;
  int direction = 1;
  unsigned n = 0, failed = 0, outliers = 0, throttled = 0;
  bool derived = false;  // from probe samples (energy.*, power.*, *.per_joule)
  double mean = 0, ci95 = 0, cov = 0, min = 0, max = 0;
  std::string description;   // the metric's definition
  std::uint64_t dist_n = 0;  // pooled values given one by one; 0: none
  double dist_mean = 0, dist_p50 = 0, dist_p90 = 0, dist_p99 = 0;
};

// Reads every row of a cursor.
std::vector<Row> read_rows(benchlab_cursor* cur);

// A fixed-width text table (reasons of failed and cannot-run results below it). Of the
// metrics derived from probe samples it shows the totals (power.total.*, energy.total*)
// and work per joule; `all_derived` shows every channel's too.
std::string render_table(const std::vector<Row>& rows, bool all_derived = false);

// The metrics with many values per trial (e.g. every request's latency), one row each
// with the percentiles over all values of all measured trials; "" when there are none.
std::string render_distributions(const std::vector<Row>& rows);

// What each metric measures, by which definition: "  ttft [ms]: time from ...", one line
// per metric name (`benchlab results -v`); "" when no metric has a description.
std::string render_definitions(const std::vector<Row>& rows);

// Which code produced each test's result and what held its processes, one line per test
// (`benchlab results -v`): "raytrace-1080p: raytrace 1.0.0, FILE, sha256 HASH; cgroup".
std::string render_provenance(const std::vector<Row>& rows);

// "3.412", "1234", "0.0123": four significant digits, no exponent for common ranges.
std::string format_value(double v);

}  // namespace benchlab_cli
