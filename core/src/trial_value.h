/* SPDX-License-Identifier: MIT */
// A value a trial stores for one metric, with what the store needs to declare the metric:
// the workload's own values, and those the core derives from probe samples (energy.h).
#pragma once

#include <benchlab/plugin.h>

#include <cstdint>
#include <string>

namespace benchlab {

struct TrialValue {
  std::string name, unit;
  int32_t direction = BL_LOWER_IS_BETTER;  // BL_LOWER_IS_BETTER or BL_HIGHER_IS_BETTER
  double value = 0;
  // Standard uncertainty of an error every trial of the result shares (the idle mean
  // subtracted from energy.total.net); 0 for none. It does not shrink with more trials:
  // combined_ci95() (idle_baseline.h) adds it to the CI of the result's mean.
  double systematic_u = 0;
  double systematic_dof = 0;  // degrees of freedom of systematic_u
};

}  // namespace benchlab
