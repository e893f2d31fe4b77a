// Results as operators read them: one row per result and metric with its statistics,
// computed from the stored trial values (the store keeps raw values only, so a better
// formula later re-reads every old run correctly). Also the JSON document of a run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stats.h"
#include "store.h"

namespace benchlab {

struct ResultLine {
  std::int64_t run_id = 0, result_id = 0;
  std::string system, test, plugin, plugin_version, options_text;
  std::string metric, unit;  // empty when the result has no metric values
  int direction = 1;
  std::string status, reason;  // status: pending, ok, partial, failed, cannot_run
  unsigned failed = 0;         // failed measured trials
  Summary summary;
};

// Rows of run `run_id` in plan order.
std::vector<ResultLine> result_lines(const Store& store, std::int64_t run_id);

// The run, its system inventory, every result with statistics and every trial.
std::string run_json(const Store& store, std::int64_t run_id);

}  // namespace benchlab
