// SPDX-License-Identifier: MIT
// Channels and sample series for the energy tests (test_energy_*.cpp): analytic curves
// sampled like a probe would, at times far from 0 like CLOCK_MONOTONIC's.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

#include "channel_series.h"

namespace energy_test {

using benchlab::ChannelInfo;
using benchlab::ChannelSeries;

inline constexpr std::uint64_t kT0 = 1'000'000'000'000;  // 1000 s after boot

// Nanoseconds at `s` seconds after kT0.
inline std::uint64_t at(double s) {
  return kT0 + static_cast<std::uint64_t>(std::llround(s * 1e9));
}

inline ChannelInfo channel(std::string probe, std::string id, int32_t quantity, int32_t domain,
                           int32_t kind = BL_CHANNEL_INSTANT, std::string parent = "",
                           std::string device = "", double counter_range = 0, double limit = 0) {
  ChannelInfo c;
  c.probe = std::move(probe);
  c.id = std::move(id);
  c.quantity = quantity;
  c.domain = domain;
  c.kind = kind;
  c.parent = std::move(parent);
  c.device = std::move(device);
  c.counter_range = counter_range;
  c.limit = limit;
  return c;
}

inline ChannelInfo power(std::string probe, std::string id, int32_t domain = BL_DOMAIN_PACKAGE,
                         std::string parent = "", std::string device = "") {
  return channel(std::move(probe), std::move(id), BL_QUANTITY_POWER, domain, BL_CHANNEL_INSTANT,
                 std::move(parent), std::move(device));
}

inline ChannelInfo energy(std::string probe, std::string id, int32_t domain = BL_DOMAIN_PACKAGE,
                          std::string parent = "", std::string device = "", double range = 0) {
  return channel(std::move(probe), std::move(id), BL_QUANTITY_ENERGY, domain, BL_CHANNEL_COUNTER,
                 std::move(parent), std::move(device), range);
}

// f(t) sampled every `step_s` from `from_s` to `to_s` (inclusive, seconds after kT0).
inline ChannelSeries sampled(ChannelInfo info, const std::function<double(double)>& f,
                             double from_s, double to_s, double step_s) {
  ChannelSeries s;
  s.info = std::move(info);
  const long n = std::lround((to_s - from_s) / step_s);
  for (long i = 0; i <= n; ++i) {
    const double t = from_s + static_cast<double>(i) * step_s;
    s.points.push_back({at(t), f(t)});
  }
  return s;
}

// A constant power P as a power reading, or as an energy counter starting at `start` J.
inline ChannelSeries constant_power(ChannelInfo info, double watts, double from_s, double to_s,
                                    double step_s = 0.1, double start = 0) {
  const bool counter = info.quantity == BL_QUANTITY_ENERGY;
  return sampled(
      std::move(info), [&](double t) { return counter ? start + watts * t : watts; }, from_s, to_s,
      step_s);
}

// P(t) = 50 + 30 sin(2 pi t / 3 s) and its exact integral from a to b.
inline double sine_power(double t) { return 50 + 30 * std::sin(2 * std::numbers::pi * t / 3); }
inline double sine_energy(double a, double b) {
  const double k = 2 * std::numbers::pi / 3;
  return 50 * (b - a) - 30 / k * (std::cos(k * b) - std::cos(k * a));
}

}  // namespace energy_test
