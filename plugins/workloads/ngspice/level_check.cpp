// SPDX-License-Identifier: MIT
#include "level_check.hpp"

#include <cstdio>

namespace ngspice_workload {
namespace {

constexpr std::size_t kShown = 3;

std::string volts(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f V", v);
  return buffer;
}

}  // namespace

std::string check_levels(const std::vector<LevelCheck>& checks,
                         const std::map<std::string, double>& measures, double supply_volts) {
  const double high_min = kLogicMargin * supply_volts;
  const double low_max = (1.0 - kLogicMargin) * supply_volts;
  std::size_t wrong = 0;
  std::string shown;
  for (const LevelCheck& c : checks) {
    std::string problem;
    const auto it = measures.find(c.measure);
    if (it == measures.end()) {
      problem = c.measure + " missing from ngspice's output";
    } else if (c.high ? it->second < high_min : it->second > low_max) {
      problem = c.measure + " (" + c.signal + " after vector " + std::to_string(c.vector) +
                ") = " + volts(it->second) + ", expected logic " + (c.high ? "1 (>= " : "0 (<= ") +
                volts(c.high ? high_min : low_max) + ")";
    } else {
      continue;
    }
    if (++wrong <= kShown) shown += (shown.empty() ? "" : "; ") + problem;
  }
  if (wrong == 0) return {};
  return std::to_string(wrong) + " of " + std::to_string(checks.size()) +
         " measured outputs are wrong: " + shown + (wrong > kShown ? "; ..." : "");
}

}  // namespace ngspice_workload
