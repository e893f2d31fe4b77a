// SPDX-License-Identifier: MIT
// A channel's samples as a function of time (channel_curve.h); the definitions are in
// docs/energy.md, "Integral over a window".
#include "channel_curve.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace benchlab {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

ChannelCurve::ChannelCurve(const ChannelSeries& series) : info_(series.info) {
  // Power is always a reading and energy always a running total, whatever kind a probe
  // declared: a "cumulative power" or an "instantaneous energy" has no other meaning.
  cumulative_ = info_.quantity == BL_QUANTITY_ENERGY ||
                (info_.kind == BL_CHANNEL_COUNTER && info_.quantity != BL_QUANTITY_POWER);

  std::vector<ChannelPoint> points;
  points.reserve(series.points.size());
  for (const ChannelPoint& p : series.points) {
    if (std::isfinite(p.value)) points.push_back(p);
  }
  const auto earlier = [](const ChannelPoint& a, const ChannelPoint& b) { return a.t_ns < b.t_ns; };
  if (!std::is_sorted(points.begin(), points.end(), earlier)) {
    std::stable_sort(points.begin(), points.end(), earlier);
  }
  std::vector<double> raw;
  for (const ChannelPoint& p : points) {
    if (!t_.empty() && p.t_ns == t_.back()) continue;
    t_.push_back(p.t_ns);
    raw.push_back(p.value);
  }
  const std::size_t n = t_.size();
  if (n == 0) return;

  if (!cumulative_) {
    y_ = raw;
    prefix_.assign(n, 0.0);
    for (std::size_t i = 1; i < n; ++i) {
      prefix_[i] = prefix_[i - 1] + seconds_between(t_[i], t_[i - 1]) * (y_[i] + y_[i - 1]) / 2;
    }
    return;
  }

  // Unwrap. A drop is a wrap when adding the range leaves a step of at most half the range
  // (a true wrap goes from near the top to near 0); anything else (no range, a glitch, a
  // driver reload) is a reset: the step counts nothing.
  const double range = info_.counter_range;
  std::vector<bool> reset_step(n, false);
  y_.assign(n, 0.0);
  for (std::size_t i = 1; i < n; ++i) {
    double d = raw[i] - raw[i - 1];
    if (d < 0) {
      const double wrapped = d + range;
      if (range > 0 && wrapped >= 0 && wrapped <= range / 2) {
        d = wrapped;
      } else {
        resets_.push_back({t_[i - 1], t_[i], raw[i - 1], raw[i]});
        reset_step[i] = true;
        d = 0;
      }
    }
    y_[i] = y_[i - 1] + d;
  }

  // Rate pieces between points at least kMinRateIntervalNs apart; a point too close to the
  // last kept one is skipped, except the very last, which replaces it (the end of the
  // samples stays the end of the pieces).
  kept_.push_back(0);
  for (std::size_t i = 1; i < n; ++i) {
    if (t_[i] - t_[kept_.back()] >= kMinRateIntervalNs) {
      kept_.push_back(i);
    } else if (i == n - 1) {
      if (kept_.size() > 1)
        kept_.back() = i;
      else
        kept_.push_back(i);
    }
  }
  for (std::size_t j = 0; j + 1 < kept_.size(); ++j) {
    const std::size_t a = kept_[j], b = kept_[j + 1];
    rate_.push_back((y_[b] - y_[a]) / seconds_between(t_[b], t_[a]));
    bool any_reset = false;
    for (std::size_t i = a + 1; i <= b; ++i) any_reset = any_reset || reset_step[i];
    reset_.push_back(any_reset);
  }
}

double ChannelCurve::coverage(std::uint64_t b, std::uint64_t e) const {
  if (e <= b || t_.empty()) return 0;
  const std::uint64_t lo = std::max(b, t_.front()), hi = std::min(e, t_.back());
  if (hi <= lo) return 0;
  return static_cast<double>(hi - lo) / static_cast<double>(e - b);
}

double ChannelCurve::interpolate(std::uint64_t t) const {
  if (t_.empty()) return kNaN;
  const std::size_t i = std::upper_bound(t_.begin(), t_.end(), t) - t_.begin();
  if (i == 0) return y_.front();
  if (i == t_.size()) return y_.back();
  const std::size_t k = i - 1;
  const double f = seconds_between(t, t_[k]) / seconds_between(t_[i], t_[k]);
  return y_[k] + (y_[i] - y_[k]) * f;
}

std::size_t ChannelCurve::rate_piece(std::uint64_t t) const {
  // Pieces j = 0 .. rate_.size() - 1 run from t_[kept_[j]] to t_[kept_[j + 1]]; the first
  // and last extend outward.
  std::size_t lo = 0, hi = kept_.size();  // first kept point later than t
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (t_[kept_[mid]] <= t)
      lo = mid + 1;
    else
      hi = mid;
  }
  const std::size_t j = lo == 0 ? 0 : lo - 1;
  return std::min(j, rate_.size() - 1);
}

double ChannelCurve::value_at(std::uint64_t t) const {
  if (!cumulative_) return interpolate(t);
  return rate_.empty() ? kNaN : rate_[rate_piece(t)];
}

double ChannelCurve::antiderivative(std::uint64_t t) const {
  const std::size_t n = t_.size();
  if (n == 0) return 0;
  const std::size_t i = std::upper_bound(t_.begin(), t_.end(), t) - t_.begin();
  if (cumulative_) {
    const double first_rate = rate_.empty() ? 0 : rate_.front();
    const double last_rate = rate_.empty() ? 0 : rate_.back();
    if (i == 0) return seconds_between(t, t_.front()) * first_rate;
    if (i == n) return y_.back() + seconds_between(t, t_.back()) * last_rate;
    return interpolate(t);
  }
  if (i == 0) return seconds_between(t, t_.front()) * y_.front();
  if (i == n) return prefix_.back() + seconds_between(t, t_.back()) * y_.back();
  const std::size_t k = i - 1;
  return prefix_[k] + seconds_between(t, t_[k]) * (y_[k] + interpolate(t)) / 2;
}

double ChannelCurve::integral(std::uint64_t b, std::uint64_t e) const {
  return antiderivative(e) - antiderivative(b);
}

double ChannelCurve::peak(std::uint64_t b, std::uint64_t e) const {
  if (t_.empty()) return kNaN;
  if (!cumulative_) {
    double best = std::max(interpolate(b), interpolate(e));
    auto it = std::upper_bound(t_.begin(), t_.end(), b);
    for (; it != t_.end() && *it < e; ++it) best = std::max(best, y_[it - t_.begin()]);
    return best;
  }
  double best = kNaN;
  if (rate_.empty()) return best;
  for (std::size_t j = rate_piece(b); j < rate_.size(); ++j) {
    if (j > 0 && t_[kept_[j]] >= e) break;  // starts at or after the window's end
    if (reset_[j]) continue;
    best = std::isnan(best) ? rate_[j] : std::max(best, rate_[j]);
  }
  return best;
}

void ChannelCurve::breakpoints(std::uint64_t b, std::uint64_t e,
                               std::vector<std::uint64_t>& out) const {
  if (cumulative_) {
    for (std::size_t k : kept_) {
      if (t_[k] > b && t_[k] < e) out.push_back(t_[k]);
    }
    return;
  }
  for (auto it = std::upper_bound(t_.begin(), t_.end(), b); it != t_.end() && *it < e; ++it) {
    out.push_back(*it);
  }
}

std::pair<double, double> ChannelCurve::segment_ends(std::uint64_t t0, std::uint64_t t1) const {
  if (cumulative_) {
    const double r = value_at(t0 + (t1 - t0) / 2);
    return {r, r};
  }
  return {interpolate(t0), interpolate(t1)};
}

double peak_of_sum(std::span<const ChannelCurve* const> curves, std::uint64_t b, std::uint64_t e) {
  if (curves.empty()) return kNaN;
  std::vector<std::uint64_t> times{b, e};
  for (const ChannelCurve* c : curves) c->breakpoints(b, e, times);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  if (times.size() == 1) {  // an empty window: the sum at that instant
    double sum = 0;
    for (const ChannelCurve* c : curves) sum += c->value_at(b);
    return sum;
  }
  double best = -std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k + 1 < times.size(); ++k) {
    double left = 0, right = 0;
    for (const ChannelCurve* c : curves) {
      const auto [l, r] = c->segment_ends(times[k], times[k + 1]);
      left += l;
      right += r;
    }
    best = std::max({best, left, right});
  }
  return best;
}

}  // namespace benchlab
