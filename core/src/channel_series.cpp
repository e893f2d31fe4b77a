// SPDX-License-Identifier: MIT
// Sample rows of one probe -> one time series per channel (channel_series.h).
#include "channel_series.h"

#include <algorithm>
#include <cmath>

namespace benchlab {

std::string channel_key(const ChannelInfo& channel) { return channel.probe + "." + channel.id; }

std::vector<ChannelSeries> series_from_rows(std::span<const ChannelInfo> channels,
                                            std::span<const SampleRow> rows) {
  std::vector<ChannelSeries> out(channels.size());
  for (std::size_t c = 0; c < channels.size(); ++c) {
    out[c].info = channels[c];
    out[c].points.reserve(rows.size());
  }
  for (const SampleRow& row : rows) {
    const std::size_t n = std::min(row.values.size(), channels.size());
    for (std::size_t c = 0; c < n; ++c) {
      if (!std::isnan(row.values[c])) out[c].points.push_back({row.t_ns, row.values[c]});
    }
  }
  for (ChannelSeries& s : out) {
    std::stable_sort(s.points.begin(), s.points.end(),
                     [](const ChannelPoint& a, const ChannelPoint& b) { return a.t_ns < b.t_ns; });
  }
  return out;
}

}  // namespace benchlab
