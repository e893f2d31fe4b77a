/* SPDX-License-Identifier: MIT */
// Energy, mean and peak of one channel over one window [b, e] (docs/energy.md, "Integral
// over a window"), or why there is no value: the samples must cover at least 90% of the
// window. The core brackets each trial with a sample right before and right after it, so a
// trial's window is covered even when it is shorter than the sampling interval.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "channel_curve.h"
#include "channel_series.h"

namespace benchlab {

// Least fraction of a window that must lie between a channel's first and last sample.
inline constexpr double kMinCoverage = 0.9;

struct WindowIntegral {
  bool ok = false;
  // POWER and ENERGY channels: J, W and W. Other readings: value × s, the time-weighted
  // mean and the largest value, in the channel's unit.
  double integral = 0;
  double mean = 0;                                         // integral / (e - b)
  double peak = std::numeric_limits<double>::quiet_NaN();  // NaN: unknown (every step a reset)
  double coverage = 0;                                     // fraction of [b, e] covered
  std::string missing;             // why !ok, a sentence without the channel's name
  std::vector<std::string> notes;  // counter resets inside the window, one sentence each
};

WindowIntegral integrate_window(const ChannelCurve& curve, std::uint64_t b, std::uint64_t e);
WindowIntegral integrate_window(const ChannelSeries& series, std::uint64_t b, std::uint64_t e);

}  // namespace benchlab
