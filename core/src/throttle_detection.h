/* SPDX-License-Identifier: MIT */
// Whether the hardware throttled during a trial, and the sentence that says how
// (docs/energy.md, "Throttling"). A trial is flagged when, inside [b, e]:
//  - a THROTTLE channel read non-zero (INSTANT) or rose (COUNTER, from the last sample
//    at or before b to the first at or after e); or
//  - a TEMPERATURE channel with a limit came within kThrottleTemperatureMargin of it while
//    a FREQUENCY channel (of the same device when both name one) read below
//    kThrottleFrequencyFraction of its limit, or of its window maximum when it has none.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "channel_series.h"

namespace benchlab {

inline constexpr double kThrottleTemperatureMargin = 2.0;  // °C below the limit
inline constexpr double kThrottleFrequencyFraction = 0.9;

// "" when nothing shows throttling; else one reason per cause, joined by "; ", e.g.
// "cpufreq.cluster-0 fell to 2.1 GHz (max 5.0 GHz) while hwmon.coretemp.temp1 was at
// 99 °C (limit 100 °C)".
std::string throttle_reason(std::span<const ChannelSeries> channels, std::uint64_t b,
                            std::uint64_t e);

}  // namespace benchlab
