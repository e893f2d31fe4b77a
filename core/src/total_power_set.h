/* SPDX-License-Identifier: MIT */
// Which power and energy channels add up to the machine's total (energy.total,
// power.total.*), so that nothing is counted twice (docs/energy.md, "The total"):
//  1. a WALL channel measures everything: the wall channels, if any;
//  2. else PSYS / SYSTEM channels contain the components: those, if any;
//  3. else the components: every POWER or ENERGY channel of a known domain, but PACKAGE
//     and CORE when a SOC channel exists (an APU's SoC power includes its CPU); OTHER-domain
//     channels only when nothing else is there (an unknown meter may overlap any other).
// In every case only roots count (a channel with a parent is inside it), and of channels
// with the same domain and device (two readings of one GPU, by one probe or two) only one:
// an energy counter before a power reading, else the first.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "probe_channel.h"

namespace benchlab {

enum class TotalRule { none, wall, platform, components, other };

struct TotalPowerSet {
  TotalRule rule = TotalRule::none;  // none: no power or energy channel at all
  std::vector<std::size_t> members;  // indices into the input, in input order
  // Each POWER or ENERGY channel left out, "rapl.package-0: inside rapl.psys".
  std::vector<std::string> left_out;
};

TotalPowerSet select_total_power_set(std::span<const ChannelInfo> channels);

// One line for the log: "total = rapl.psys (platform channels)".
std::string describe(const TotalPowerSet& set, std::span<const ChannelInfo> channels);

}  // namespace benchlab
