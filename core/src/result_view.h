/* SPDX-License-Identifier: MIT */
// Results as operators read them: one row per result and metric with its statistics,
// computed from the stored trial values (the store keeps raw values only, so a better
// formula later re-reads every old run correctly). Also the JSON document of a run.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "stats.h"
#include "store.h"

namespace benchlab {

struct ResultLine {
  std::int64_t run_id = 0, result_id = 0;
  std::string system, test, plugin, plugin_version, options_text;
  std::string plugin_path, plugin_sha256;  // the file the result ran and its content's hash
  std::string containment;                 // of its trials: "cgroup", "subreaper" or both
  std::string metric, unit;                // empty when the result has no metric values
  std::string description;                 // what the metric measures, by which definition
  int direction = 1;
  std::string status, reason;  // status: pending, ok, partial, failed, cannot_run
  unsigned failed = 0;         // failed measured trials
  unsigned throttled = 0;      // measured trials during which a probe saw throttling
  bool derived = false;        // derived from probe samples, not reported by the workload
  // energy.total.net: the standard uncertainty the idle baseline's mean adds to the mean
  // (mean trial duration x the idle power's standard error), already carried into
  // summary.ci95; 0 for every other metric.
  double idle_uncertainty = 0;
  Summary summary;
  // The metric's many values (benchlab/ext/values.h) over all measured trials, pooled;
  // n == 0 when the workload reported none.
  Distribution distribution;
};

// Whether a metric name is one the host derives from probe samples (energy.*, power.*,
// *.per_joule): names a workload should not use for its own metrics.
bool is_derived_metric(const std::string& name);

// What held the trials' processes ("cgroup", "subreaper", both in trial order, or "" for
// trials stored before benchlab recorded it).
std::string containment_text(const std::vector<TrialRow>& trials);

// Rows of run `run_id` in plan order.
std::vector<ResultLine> result_lines(const Store& store, std::int64_t run_id);

// The version of the JSON documents below (docs/json-format.md): raised when a field
// changes meaning or is removed; new fields may appear without a raise.
inline constexpr int kJsonFormatVersion = 1;

// {"format_version", "run", "inventory", "results"}: the run, its system inventory,
// every result with statistics and every trial.
std::string run_json(const Store& store, std::int64_t run_id);

// {"format_version", "runs": [{"run", "inventory", "results"}, ...]}: every run of the
// store, oldest first.
std::string runs_json(const Store& store);

// An option list as JSON: [{"name": ..., "value": ...}, ...] in order, repeats included.
boost::json::array options_json(const OptionList& options);

// A number as JSON: null when it is not finite (NaN and infinities are not JSON).
boost::json::value json_number(double x);

// JSON text written by benchlab into the store (settings, policy, inventory), parsed.
// Older benchlab versions wrote NaN or Infinity for a non-finite number, which is not
// JSON: those read as null rather than making the whole document unreadable.
boost::json::value parse_stored_json(const std::string& text);

}  // namespace benchlab
