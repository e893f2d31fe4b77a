// The results table the CLI prints: one row per result and metric.
#pragma once

#include <benchlab/benchlab.h>

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
};

// Reads every row of a cursor.
std::vector<Row> read_rows(benchlab_cursor* cur);

// A fixed-width text table (reasons of failed and cannot-run results below it). Of the
// metrics derived from probe samples it shows the totals (power.total.*, energy.total*)
// and work per joule; `all_derived` shows every channel's too.
std::string render_table(const std::vector<Row>& rows, bool all_derived = false);

// Which code produced each test's result and what held its processes, one line per test
// (`benchlab results -v`): "raytrace-1080p: raytrace 1.0.0, FILE, sha256 HASH; cgroup".
std::string render_provenance(const std::vector<Row>& rows);

// "3.412", "1234", "0.0123": four significant digits, no exponent for common ranges.
std::string format_value(double v);

}  // namespace benchlab_cli
