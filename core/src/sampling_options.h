/* SPDX-License-Identifier: MIT */
// How a run samples its probes: which ones, how often, with which probe options, and the
// idle baseline and cool-down around its trials. Stored with the run (settings.sampling)
// so that `--resume` samples the way the run began.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace benchlab {

struct SamplingOptions {
  // "auto": every probe plugin that opens; "none": no sampling; else a comma-separated
  // list of probe ids, each of which must open.
  std::string probes = "auto";
  std::uint32_t interval_ms = 100;                                 // at least 10
  std::vector<std::pair<std::string, std::string>> probe_options;  // ("wall.file", "/run/w")
  double idle_baseline_s = 0;                                      // 0: none
  double cooldown_max_s = 0;                                       // 0: no cool-down wait

  bool enabled() const { return probes != "none"; }
  // The explicitly named probes (empty for auto and none).
  std::vector<std::string> named() const;
  // The options of one probe, with the "PROBE." prefix taken off.
  std::vector<std::pair<std::string, std::string>> options_of(const std::string& probe) const;
  // Why these settings cannot be used ("probe interval 5 ms is below the 10 ms minimum"),
  // or "" when they can.
  std::string invalid() const;
};

inline constexpr std::uint32_t kMinProbeIntervalMs = 10;
// Without --idle-baseline, --cooldown measures this many seconds of idle first: it needs
// something to come back to.
inline constexpr double kCooldownIdleSeconds = 10;

// To and from the "sampling" object of a run's settings JSON.
std::string sampling_to_json(const SamplingOptions& o);
SamplingOptions sampling_from_json(const std::string& json);  // defaults for "" / null

}  // namespace benchlab
