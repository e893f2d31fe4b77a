// SPDX-License-Identifier: MIT
// Back near idle or not (cooldown.h).
#include "cooldown.h"

#include <fmt/format.h>

#include <algorithm>

#include "channel_integral.h"

namespace benchlab {
namespace {

const ChannelSeries* find_series(std::span<const ChannelSeries> recent, const std::string& key) {
  for (const ChannelSeries& s : recent) {
    if (channel_key(s.info) == key) return &s;
  }
  return nullptr;
}

// The channel's mean over [b, e], or the reason there is none.
bool recent_mean(std::span<const ChannelSeries> recent, const std::string& key, std::uint64_t b,
                 std::uint64_t e, double& mean, std::string& why) {
  const ChannelSeries* s = find_series(recent, key);
  if (!s) {
    why = key + ": no samples";
    return false;
  }
  const WindowIntegral w = integrate_window(*s, b, e);
  if (!w.ok) {
    why = key + ": " + w.missing;
    return false;
  }
  mean = w.mean;
  return true;
}

}  // namespace

CooldownState cooldown_state(std::span<const ChannelSeries> recent, std::uint64_t b,
                             std::uint64_t e, const IdleBaseline& idle,
                             const CooldownMargins& margins) {
  CooldownState st;
  for (const IdleChannel& c : idle.channels) {
    if (c.info.quantity != BL_QUANTITY_TEMPERATURE) continue;
    const std::string key = channel_key(c.info);
    double mean = 0;
    std::string why;
    if (!recent_mean(recent, key, b, e, mean, why)) {
      st.unknown.push_back(why);
      continue;
    }
    if (mean > c.value.mean + margins.temperature_c) {
      st.differences.push_back(fmt::format("{} {:.1f} °C, idle {:.1f} °C",
                                           c.info.label.empty() ? key : c.info.label, mean,
                                           c.value.mean));
    }
  }
  if (idle.has_total) {
    double total = 0;
    bool complete = true;
    for (const std::string& key : idle.total_channels) {
      double mean = 0;
      std::string why;
      if (!recent_mean(recent, key, b, e, mean, why)) {
        st.unknown.push_back("total power: " + why);
        complete = false;
        break;
      }
      total += mean;
    }
    const double allowed = std::max(margins.power_fraction * idle.total.mean, margins.power_min_w);
    if (complete && total > idle.total.mean + allowed) {
      st.differences.push_back(
          fmt::format("total power {:.1f} W, idle {:.1f} W", total, idle.total.mean));
    }
  }
  st.near_idle = st.differences.empty();
  return st;
}

}  // namespace benchlab
