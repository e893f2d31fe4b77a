// SPDX-License-Identifier: MIT
// The newest watts a meter's thread read and when, for sample() on the sampler thread:
// sample() never waits for a slow meter, it takes what is there, NaN when too old.
#pragma once

#include <chrono>
#include <limits>
#include <mutex>

namespace wall {

class LatestReading {
 public:
  using Clock = std::chrono::steady_clock;  // CLOCK_MONOTONIC, the host's clock

  // [any]
  void store(double watts, Clock::time_point at = Clock::now()) {
    const std::lock_guard<std::mutex> hold(mutex_);
    watts_ = watts;
    at_ = at;
    has_ = true;
  }
  // [any] The newest reading when it is at most `max_age` old (any age when max_age is
  // zero), else NaN.
  double fresh(Clock::duration max_age, Clock::time_point now = Clock::now()) const {
    const std::lock_guard<std::mutex> hold(mutex_);
    if (!has_) return std::numeric_limits<double>::quiet_NaN();
    if (max_age != Clock::duration::zero() && now - at_ > max_age)
      return std::numeric_limits<double>::quiet_NaN();
    return watts_;
  }

 private:
  mutable std::mutex mutex_;
  double watts_ = 0;
  Clock::time_point at_{};
  bool has_ = false;
};

}  // namespace wall
