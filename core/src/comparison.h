/* SPDX-License-Identifier: MIT */
// Machines compared: every result of every system relative to a baseline system, read
// from one or several stores, with each ratio's 95% confidence interval computed from the
// raw trial values (Fieller's theorem, docs/statistics.md), geometric means per category
// and overall, power and energy beside performance, and what each system is. The model
// behind `benchlab compare` and `benchlab report` (report.h renders it).
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "stats.h"
#include "tco.h"

namespace benchlab {

// A ratio of two means with its 95% confidence interval. `ratio` > 1 always means the
// system did better than the baseline (direction-aware: for a lower-is-better metric it
// is baseline mean / system mean). `bounded` is false when the interval is not a finite
// interval (the denominator's mean is not significantly different from 0, or a side has
// fewer than 2 trials): lo and hi are then NaN.
struct Ratio {
  double ratio = 0, lo = 0, hi = 0;
  bool bounded = false;
  // whether the interval contains 1.0 (shown as "≈"): no evidence of a difference;
  // true as well when the interval is unknown
  bool includes_one = true;
};

// One system's result for a row.
struct CompareCell {
  // "ok", "partial" (some trials failed), "failed" (no successful trial), "cannot_run"
  // (the result's requirement gate refused it, `reason` says why), or "missing" (the
  // system has no such result)
  std::string status;
  std::string reason;
  Summary summary;             // of the measured successful trials' values
  std::optional<Ratio> ratio;  // set when both this cell and the baseline have values
  std::int64_t run_id = 0;     // the run the result belongs to (0 when missing)
  std::string store;           // the store file it was read from
  bool imported = false;       // from an imported run (Phoronix result file)
  unsigned trials = 0;         // measured successful trials (== summary.n)
  unsigned throttled = 0;      // measured trials during which a probe saw throttling
};

// One test, option combination and metric: a row of the comparison.
struct CompareRow {
  std::string category;  // the profile's category, or "other"
  std::string test, options_text, metric, unit, description;
  int direction = 1;               // -1 lower is better, 1 higher is better
  bool primary = false;            // the result's first metric: the one geometric means use
  std::vector<CompareCell> cells;  // one per Comparison::systems, in that order
};

// Geometric mean of the primary rows' ratios of one category (or "overall") per system,
// with its 95% interval (delta method on the log ratios, docs/statistics.md).
struct CategoryMean {
  std::string category;           // "overall" for all categories together
  std::vector<Ratio> per_system;  // one per system; the baseline's is 1 with a zero-width CI
  std::vector<unsigned> count;    // rows with a ratio behind each system's mean
};

// Power and energy of one system's result (probe-derived metrics, docs/energy.md).
struct PowerRow {
  std::string test, options_text, system;
  std::string metric, unit;  // e.g. "power.total.mean" W, "energy.total" J
  Summary summary;
};

// A program a workload wrapped, or a plugin, with its version, per system.
struct VersionRow {
  std::string system, kind;  // kind: "plugin" or "program"
  std::string name, version;
};

struct SystemSummary {
  std::string name;
  bool baseline = false;
  std::vector<std::int64_t> runs;      // runs the cells came from
  std::vector<std::string> stores;     // store files they were read from
  bool imported = false;               // every cell came from an imported run
  boost::json::object inventory;       // the latest run's inventory (inventory_to_json keys)
  std::optional<double> idle_power_w;  // "total" idle baseline mean of the latest run with one
  std::optional<double> wall_power_w;  // mean wall power over measured trials, when probed
};

struct Comparison {
  std::string baseline;
  std::vector<SystemSummary> systems;    // baseline first, then by name
  std::vector<CompareRow> rows;          // by category, then test, options, metric order
  std::vector<CategoryMean> categories;  // by category name, "overall" last
  std::vector<PowerRow> power;
  std::vector<VersionRow> versions;
  std::vector<Tco> tco;  // one per system with a price, when prices were given
};

// Fieller's 95% interval of mean(num) / mean(den) for two independent samples with
// unequal variances, Student t with Welch-Satterthwaite degrees of freedom evaluated at
// the ratio (docs/statistics.md). Requires both means > 0; unbounded (bounded == false)
// when a side has fewer than 2 values or the denominator's mean is not significantly
// above 0.
Ratio fieller_ratio(const Summary& num, const Summary& den);

// A ratio row's two sides, as fieller_ratio takes them, for the geometric mean.
struct RatioTerms {
  Summary num, den;
};
// The geometric mean of the ratios of `terms` with a 95% interval from the delta method on
// the log ratios: Var(mean log R) = sum (s_num^2/(n_num m_num^2) + s_den^2/(n_den m_den^2))
// / k^2, Student t with Welch-Satterthwaite degrees of freedom over all the terms.
// Unbounded when a term has fewer than 2 values on a side. Empty `terms`: ratio 0.
Ratio geometric_mean_ratio(const std::vector<RatioTerms>& terms);

// Reads every store (read-only; each must exist) and compares the latest result of each
// system per test and options (docs/compare.md says how results are chosen). Throws
// NotFoundError when `baseline` is no system of the stores (naming those that are), and
// StoreError for a store that cannot be read. An empty `baseline` takes the system of the
// newest run.
Comparison build_comparison(const std::vector<std::filesystem::path>& stores,
                            const std::string& baseline);

// The comparison as a JSON document (docs/json-format.md): what `compare --format json`
// and `report -o FILE.json` write.
std::string comparison_to_json(const Comparison& c);

}  // namespace benchlab
