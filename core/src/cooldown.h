/* SPDX-License-Identifier: MIT */
// The cool-down predicate (--cooldown): is the machine back near its idle baseline, and if
// not, what still differs, for the progress line (docs/energy.md, "Cool-down"). Near idle
// means: every temperature of the baseline at most `temperature_c` above its idle mean,
// and the total power at most max(power_fraction × idle, power_min_w) above idle, both as
// means over the recent window the caller passes (e.g. the last 3 s).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "channel_series.h"
#include "idle_baseline.h"

namespace benchlab {

struct CooldownMargins {
  double temperature_c = 3.0;
  double power_fraction = 0.10;
  double power_min_w = 2.0;
};

struct CooldownState {
  bool near_idle = false;  // no difference (what is unknown does not hold the wait)
  // What is still above idle: "Package id 0 61.0 °C, idle 45.2 °C", "total power 85.3 W,
  // idle 40.1 W".
  std::vector<std::string> differences;
  // Baseline channels without a value in the recent window, and why.
  std::vector<std::string> unknown;
};

// `recent`: the channels' samples over [b, e] (or more); each must cover 90% of it.
CooldownState cooldown_state(std::span<const ChannelSeries> recent, std::uint64_t b,
                             std::uint64_t e, const IdleBaseline& idle,
                             const CooldownMargins& margins = {});

}  // namespace benchlab
