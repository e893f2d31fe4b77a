/* SPDX-License-Identifier: MIT */
// One channel's readings over a span of time: what the energy computations (energy.h) take
// as input. Built from a probe's sample rows, one series per channel, NaN readings dropped.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "probe_channel.h"

namespace benchlab {

struct ChannelPoint {
  std::uint64_t t_ns = 0;  // CLOCK_MONOTONIC, the clock of MeasuredWindow
  double value = 0;        // in the channel's unit (plugin.h: W, J, °C, Hz, ...)
};

struct ChannelSeries {
  ChannelInfo info;
  std::vector<ChannelPoint> points;  // sorted by t_ns, never NaN
};

// "probe.channel", e.g. "rapl.package-0": how logs, notes and metric names refer to a channel.
std::string channel_key(const ChannelInfo& channel);

// The series of each of one probe's `channels` from its sample rows (row.values[i] is
// channels[i]'s reading), in the order of `channels`; NaN readings and readings past the
// end of a short row are left out, and the points are sorted by time.
std::vector<ChannelSeries> series_from_rows(std::span<const ChannelInfo> channels,
                                            std::span<const SampleRow> rows);

}  // namespace benchlab
