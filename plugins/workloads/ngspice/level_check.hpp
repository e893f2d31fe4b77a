// SPDX-License-Identifier: MIT
// The correctness check of a simulation: every measured output must sit at the logic
// level the circuit's arithmetic predicts, so a simulator that computes the wrong
// waveform (or skips the analysis) fails the trial instead of posting a fast time.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "logic_testbench.hpp"

namespace ngspice_workload {

// A logic 1 must measure at least this fraction of the supply, a logic 0 at most
// 1 - this fraction: static CMOS settles to within millivolts of the rails.
inline constexpr double kLogicMargin = 0.8;

// Empty when every check's measure is present and at its level; otherwise one line
// naming how many are wrong and the first few, with their values.
std::string check_levels(const std::vector<LevelCheck>& checks,
                         const std::map<std::string, double>& measures, double supply_volts);

}  // namespace ngspice_workload
