// SPDX-License-Identifier: MIT
// Reading what `ngspice -b` prints (checked against ngspice 39): the .measure results,
// the statistics `.options acct` adds ("Total elapsed time (seconds) = 1.234"), and the
// errors it writes to stderr. Plain C++, no plugin ABI, so it is tested on captured output.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ngspice_workload {

struct NgspiceOutput {
  std::string circuit;                     // the "Circuit: ..." title (ngspice lower-cases it)
  std::map<std::string, double> measures;  // "Measurements for ..." sections: name -> value
  std::map<std::string, double> stats;     // other "Label = number" lines, e.g. the acct ones
  std::vector<std::string> errors;         // "Error..." lines and ".meas ... failed!" lines
  std::vector<std::string> warnings;       // "Warning..." lines

  // A statistic by its exact label, e.g. "Total elapsed time (seconds)".
  std::optional<double> stat(const std::string& label) const;
};

// The labels of the acct statistics the workload reads.
inline constexpr const char* kElapsedLabel = "Total elapsed time (seconds)";
inline constexpr const char* kAnalysisLabel = "Total analysis time (seconds)";
inline constexpr const char* kTransientLabel = "Transient analysis time";
inline constexpr const char* kIterationsLabel = "Total iterations";
inline constexpr const char* kTimepointsLabel = "Transient timepoints";

// Parses ngspice's stdout and stderr. Never throws on odd text: what it does not
// recognise is ignored, and what is missing is absent from the result.
NgspiceOutput parse_ngspice_output(std::string_view out, std::string_view err);

// ngspice's stderr without its "Reference value : 1.2e-09\r" progress counter, which
// can run to megabytes on a long transient; every other line is kept.
std::string strip_progress(std::string_view err);

}  // namespace ngspice_workload
