/* SPDX-License-Identifier: MIT */
// A channel's reading as a function of time, rebuilt from its samples, so that energy,
// mean and peak over any window are exact functions of the samples (docs/energy.md):
//  - a reading (POWER, TEMPERATURE, ...; kind INSTANT): the piecewise-linear curve through
//    the points, held at the first and last value outside them;
//  - a running total (quantity ENERGY, or any COUNTER but POWER): the counter unwrapped
//    (a drop is a wrap at counter_range, or a reset when there is no range or the wrap is
//    implausible), linearly interpolated; its rate (W for energy) is constant between
//    points, and runs on at the first and last interval's rate outside them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "channel_series.h"

namespace benchlab {

// Pairs of counter samples closer than this give no rate of their own: a counter's
// quantisation step over a tiny interval would read as a huge power.
inline constexpr std::uint64_t kMinRateIntervalNs = 1'000'000;

// A step of a counter that went down without a believable wrap: it counts nothing.
struct CounterReset {
  std::uint64_t from_ns = 0, to_ns = 0;
  double from_value = 0, to_value = 0;  // raw readings before and after
};

class ChannelCurve {
 public:
  // From `series` (sorted here when it is not; a point at the time of the one before it is
  // dropped). Any number of points; with none, every function below returns 0 or NaN.
  explicit ChannelCurve(const ChannelSeries& series);

  const ChannelInfo& info() const { return info_; }
  bool cumulative() const { return cumulative_; }
  std::size_t size() const { return t_.size(); }
  std::uint64_t first_ns() const { return t_.empty() ? 0 : t_.front(); }
  std::uint64_t last_ns() const { return t_.empty() ? 0 : t_.back(); }

  // Fraction of [b, e] that lies between the first and the last point; 0 when e <= b.
  double coverage(std::uint64_t b, std::uint64_t e) const;
  // Reading: the integral over [b, e] (W -> J). Running total: its increase from b to e.
  double integral(std::uint64_t b, std::uint64_t e) const;
  // Reading: the largest value of the curve on [b, e] (points inside and both edges).
  // Running total: the largest rate of an interval that overlaps (b, e), resets left out;
  // NaN when there is none.
  double peak(std::uint64_t b, std::uint64_t e) const;
  // The reading at t (interpolated, held outside the points); a running total's rate at t.
  double value_at(std::uint64_t t) const;
  // Appends to `out` the times in (b, e) where the curve has a kink or a step: on the
  // segments between them, a reading is linear and a rate constant.
  void breakpoints(std::uint64_t b, std::uint64_t e, std::vector<std::uint64_t>& out) const;
  // On [t0, t1] with no breakpoint inside: the values at t0 and t1, from inside the segment.
  std::pair<double, double> segment_ends(std::uint64_t t0, std::uint64_t t1) const;
  // Steps where the counter went down and was not taken as a wrap.
  const std::vector<CounterReset>& resets() const { return resets_; }

 private:
  double antiderivative(std::uint64_t t) const;   // reading: ∫ from t_[0]; total: unwrapped
  double interpolate(std::uint64_t t) const;      // y_ at t, held outside
  std::size_t rate_piece(std::uint64_t t) const;  // the rate piece holding t (extended)

  ChannelInfo info_;
  bool cumulative_ = false;
  std::vector<std::uint64_t> t_;
  std::vector<double> y_;       // readings, or the unwrapped counter (0 at the first point)
  std::vector<double> prefix_;  // reading: ∫ from t_[0] to t_[i] (trapezoids)
  // Running total: rate pieces between kept points (kMinRateIntervalNs apart).
  std::vector<std::size_t> kept_;  // indices into t_
  std::vector<double> rate_;       // per piece (kept_.size() - 1)
  std::vector<bool> reset_;        // per piece: holds a reset step
  std::vector<CounterReset> resets_;
};

// The peak of the sum of `curves` over [b, e]: the sum is linear between the union of their
// breakpoints, so its maximum is at a segment's end, evaluated from inside the segment.
double peak_of_sum(std::span<const ChannelCurve* const> curves, std::uint64_t b, std::uint64_t e);

// Signed seconds a - b of two CLOCK_MONOTONIC nanosecond times.
inline double seconds_between(std::uint64_t a, std::uint64_t b) {
  return static_cast<double>(static_cast<std::int64_t>(a - b)) * 1e-9;
}

}  // namespace benchlab
