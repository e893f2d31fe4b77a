// SPDX-License-Identifier: MIT
// The channels that make the total (total_power_set.h; docs/energy.md, "The total").
#include "total_power_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "channel_series.h"

namespace benchlab {
namespace {

bool is_power(const ChannelInfo& c) {
  return c.quantity == BL_QUANTITY_POWER || c.quantity == BL_QUANTITY_ENERGY;
}

// The channel of the same probe that `c` names as its parent, if it is there.
std::optional<std::size_t> parent_of(std::span<const ChannelInfo> channels, const ChannelInfo& c) {
  if (c.parent.empty()) return std::nullopt;
  for (std::size_t i = 0; i < channels.size(); ++i) {
    if (channels[i].probe == c.probe && channels[i].id == c.parent) return i;
  }
  return std::nullopt;
}

bool in_platform(const ChannelInfo& c) {
  return c.domain == BL_DOMAIN_PSYS || c.domain == BL_DOMAIN_SYSTEM;
}

const char* rule_name(TotalRule rule) {
  switch (rule) {
    case TotalRule::wall:
      return "wall meters";
    case TotalRule::platform:
      return "platform channels";
    case TotalRule::components:
      return "component channels";
    case TotalRule::other:
      return "channels of unknown domain";
    case TotalRule::none:
      break;
  }
  return "no power channel";
}

}  // namespace

TotalPowerSet select_total_power_set(std::span<const ChannelInfo> channels) {
  TotalPowerSet set;
  std::vector<std::size_t> roots;
  for (std::size_t i = 0; i < channels.size(); ++i) {
    const ChannelInfo& c = channels[i];
    if (!is_power(c)) continue;
    if (auto p = parent_of(channels, c)) {
      set.left_out.push_back(
          fmt::format("{}: inside {}", channel_key(c), channel_key(channels[*p])));
      continue;
    }
    roots.push_back(i);
  }
  if (roots.empty()) return set;

  const auto any = [&](auto pred) {
    return std::any_of(roots.begin(), roots.end(),
                       [&](std::size_t i) { return pred(channels[i]); });
  };
  const bool wall = any([](const ChannelInfo& c) { return c.domain == BL_DOMAIN_WALL; });
  const bool platform = any(in_platform);
  const bool soc = any([](const ChannelInfo& c) { return c.domain == BL_DOMAIN_SOC; });

  set.rule = wall ? TotalRule::wall : platform ? TotalRule::platform : TotalRule::components;
  std::vector<std::size_t> chosen;
  std::vector<std::string> not_chosen;
  for (std::size_t i : roots) {
    const ChannelInfo& c = channels[i];
    std::string why;
    if (wall) {
      if (c.domain != BL_DOMAIN_WALL) why = "a wall meter measures it too";
    } else if (platform) {
      if (!in_platform(c)) why = "a psys/system channel contains it";
    } else if (c.domain == BL_DOMAIN_OTHER) {
      why = "unknown domain, may overlap the others";
    } else if (soc && (c.domain == BL_DOMAIN_PACKAGE || c.domain == BL_DOMAIN_CORE)) {
      why = "the SoC channel includes the CPU";
    }
    if (why.empty())
      chosen.push_back(i);
    else
      not_chosen.push_back(fmt::format("{}: {}", channel_key(c), why));
  }
  if (chosen.empty()) {  // only OTHER-domain roots: the best there is
    set.rule = TotalRule::other;
    chosen = roots;
  } else {
    set.left_out.insert(set.left_out.end(), not_chosen.begin(), not_chosen.end());
  }

  // One channel per (domain, device): an energy counter integrates exactly, so it wins.
  for (std::size_t i : chosen) {
    const ChannelInfo& c = channels[i];
    auto same = std::find_if(set.members.begin(), set.members.end(), [&](std::size_t m) {
      return !c.device.empty() && channels[m].device == c.device && channels[m].domain == c.domain;
    });
    if (same == set.members.end()) {
      set.members.push_back(i);
      continue;
    }
    const bool replace =
        c.quantity == BL_QUANTITY_ENERGY && channels[*same].quantity != BL_QUANTITY_ENERGY;
    const std::size_t dropped = replace ? *same : i;
    const std::size_t kept = replace ? i : *same;
    set.left_out.push_back(fmt::format("{}: same device and domain as {}",
                                       channel_key(channels[dropped]),
                                       channel_key(channels[kept])));
    if (replace) *same = i;
  }
  std::sort(set.members.begin(), set.members.end());
  return set;
}

std::string describe(const TotalPowerSet& set, std::span<const ChannelInfo> channels) {
  if (set.members.empty()) return "no total: no power or energy channel";
  std::string names;
  for (std::size_t i : set.members) {
    if (!names.empty()) names += " + ";
    names += channel_key(channels[i]);
  }
  return fmt::format("total = {} ({})", names, rule_name(set.rule));
}

}  // namespace benchlab
