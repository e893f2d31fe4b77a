// SPDX-License-Identifier: MIT
// Rates and counts per joule (work_per_joule.h).
#include "work_per_joule.h"

#include <array>
#include <cmath>

namespace benchlab {
namespace {

constexpr std::array<std::string_view, 13> kCountUnits = {
    "tokens", "token", "tok",      "frames",  "frame", "images", "image",
    "items",  "item",  "requests", "request", "ops",   "op"};

}  // namespace

WorkUnit classify_work_unit(std::string_view unit) {
  if (unit.size() > 2 && unit.ends_with("/s")) return WorkUnit::rate;
  for (std::string_view c : kCountUnits) {
    if (unit == c) return WorkUnit::count;
  }
  return WorkUnit::none;
}

std::vector<TrialValue> work_per_joule(std::span<const TrialValue> workload, double energy_j,
                                       double mean_power_w) {
  std::vector<TrialValue> out;
  if (!(energy_j > 0) || !(mean_power_w > 0)) return out;
  for (const TrialValue& w : workload) {
    if (!std::isfinite(w.value)) continue;
    TrialValue v;
    v.name = w.name + ".per_joule";
    v.direction = w.direction;
    switch (classify_work_unit(w.unit)) {
      case WorkUnit::rate:
        v.unit = w.unit.substr(0, w.unit.size() - 2) + "/J";
        v.value = w.value / mean_power_w;
        break;
      case WorkUnit::count:
        v.unit = w.unit + "/J";
        v.value = w.value / energy_j;
        break;
      case WorkUnit::none:
        continue;
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace benchlab
