// SPDX-License-Identifier: MIT
// Throttling seen by the probes during a trial (throttle_detection.h).
#include "throttle_detection.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "channel_curve.h"

namespace benchlab {
namespace {

std::string frequency_text(double hz) {
  return hz >= 1e9 ? fmt::format("{:.1f} GHz", hz / 1e9) : fmt::format("{:.0f} MHz", hz / 1e6);
}

std::string throttle_channel_reason(const ChannelSeries& s, std::uint64_t b, std::uint64_t e) {
  const std::string key = channel_key(s.info);
  const auto& p = s.points;
  if (s.info.kind != BL_CHANNEL_COUNTER) {
    for (const ChannelPoint& x : p) {
      if (x.t_ns >= b && x.t_ns <= e && x.value != 0) {
        return fmt::format("{} reported throttling (value {} at {:+.3f} s)", key, x.value,
                           seconds_between(x.t_ns, b));
      }
    }
    return {};
  }
  // From the last sample at or before b (else the first inside) to the first at or after e
  // (else the last inside): the sum of the rises. A drop (a wrap, a reset, a CPU gone
  // offline from a sum) adds nothing.
  std::optional<std::size_t> from, to;
  for (std::size_t i = 0; i < p.size() && p[i].t_ns <= b; ++i) from = i;
  for (std::size_t i = 0; !from && i < p.size(); ++i) {
    if (p[i].t_ns > b && p[i].t_ns <= e) from = i;
  }
  for (std::size_t i = 0; i < p.size() && !to; ++i) {
    if (p[i].t_ns >= e) to = i;
  }
  for (std::size_t i = p.size(); !to && i-- > 0;) {
    if (p[i].t_ns >= b && p[i].t_ns < e) to = i;
  }
  if (!from || !to || *to <= *from) return {};
  double rise = 0;
  for (std::size_t i = *from + 1; i <= *to; ++i) rise += std::max(0.0, p[i].value - p[i - 1].value);
  if (rise > 0) return fmt::format("{} counted {} throttling events during the trial", key, rise);
  return {};
}

struct Drop {
  double ratio = 1;  // reading / reference
  std::string text;
};

// The frequency channel's deepest fall below 90% of its reference while the temperature
// channel was within the margin of its limit, if any.
std::optional<Drop> hot_drop(const ChannelSeries& freq, const ChannelSeries& temp,
                             const ChannelCurve& temp_curve, std::uint64_t b, std::uint64_t e) {
  double window_max = 0;
  for (const ChannelPoint& x : freq.points) {
    if (x.t_ns >= b && x.t_ns <= e) window_max = std::max(window_max, x.value);
  }
  const bool by_limit = freq.info.limit > 0;
  const double reference = by_limit ? freq.info.limit : window_max;
  if (!(reference > 0)) return std::nullopt;
  const double hot = temp.info.limit - kThrottleTemperatureMargin;
  std::optional<Drop> best;
  for (const ChannelPoint& x : freq.points) {
    if (x.t_ns < b || x.t_ns > e || x.value >= kThrottleFrequencyFraction * reference) continue;
    const double t = temp_curve.value_at(x.t_ns);
    if (!(t >= hot)) continue;
    const double ratio = x.value / reference;
    if (best && ratio >= best->ratio) continue;
    best = Drop{ratio, fmt::format("{} fell to {} ({} {}) while {} was at {:.4g} °C (limit "
                                   "{:.4g} °C)",
                                   channel_key(freq.info), frequency_text(x.value),
                                   by_limit ? "limit" : "max", frequency_text(reference),
                                   channel_key(temp.info), t, temp.info.limit)};
  }
  return best;
}

}  // namespace

std::string throttle_reason(std::span<const ChannelSeries> channels, std::uint64_t b,
                            std::uint64_t e) {
  std::vector<std::string> reasons;
  for (const ChannelSeries& s : channels) {
    if (s.info.quantity != BL_QUANTITY_THROTTLE) continue;
    std::string why = throttle_channel_reason(s, b, e);
    if (!why.empty()) reasons.push_back(std::move(why));
  }

  // Temperature at its limit while a frequency fell: the deepest fall of all pairs, and
  // how many other frequency channels fell too.
  std::vector<const ChannelSeries*> temps;
  std::vector<ChannelCurve> temp_curves;
  for (const ChannelSeries& t : channels) {
    if (t.info.quantity != BL_QUANTITY_TEMPERATURE || !(t.info.limit > 0) || t.points.empty()) {
      continue;
    }
    temps.push_back(&t);
    temp_curves.emplace_back(t);
  }
  std::optional<Drop> deepest;
  std::size_t falling = 0;
  for (const ChannelSeries& f : channels) {
    if (f.info.quantity != BL_QUANTITY_FREQUENCY) continue;
    std::optional<Drop> worst;
    for (std::size_t k = 0; k < temps.size(); ++k) {
      const ChannelInfo& t = temps[k]->info;
      if (!f.info.device.empty() && !t.device.empty() && f.info.device != t.device) continue;
      std::optional<Drop> d = hot_drop(f, *temps[k], temp_curves[k], b, e);
      if (d && (!worst || d->ratio < worst->ratio)) worst = std::move(d);
    }
    if (!worst) continue;
    ++falling;
    if (!deepest || worst->ratio < deepest->ratio) deepest = std::move(worst);
  }
  if (deepest) {
    reasons.push_back(falling > 1 ? fmt::format("{} (and {} more frequency channel{})",
                                                deepest->text, falling - 1, falling > 2 ? "s" : "")
                                  : deepest->text);
  }

  std::string out;
  for (const std::string& r : reasons) {
    if (!out.empty()) out += "; ";
    out += r;
  }
  return out;
}

}  // namespace benchlab
