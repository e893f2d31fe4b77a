// SPDX-License-Identifier: MIT
// A slow source read on a thread of its own, so that a probe's sample() stays cheap
// (plugin.h: < 1 ms, no blocking reads of slow devices): the thread reads every `period`
// and sample() copies the newest values, NaN for values older than `stale_after`. Used for
// sensors whose reads go to firmware or a device (drivetemp's ATA commands, CPPC counters
// read by IPI on many-core Arm parts).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace benchlab::common {

class BackgroundReader {
 public:
  // [any on the thread] Fills values[0, positions.size()) with one reading each.
  using Read = std::function<void(double* values)>;

  // [main] Starts the thread. `positions`: where latest() puts each value in the caller's
  // array. `first`: positions.size() values read just now (so that the first sample has
  // them). The thread reads first after `period`.
  BackgroundReader(std::vector<std::size_t> positions, Read read, const double* first,
                   std::chrono::nanoseconds period, std::chrono::nanoseconds stale_after);
  // [main] Stops the thread and waits for its read in progress to end.
  ~BackgroundReader();
  BackgroundReader(const BackgroundReader&) = delete;
  BackgroundReader& operator=(const BackgroundReader&) = delete;

  // [any] values[positions[i]] = the newest reading i, or NaN when it is older than
  // stale_after (a read that hangs). Holds a lock only to copy.
  void latest(double* values) const noexcept;

 private:
  void run();

  const std::vector<std::size_t> positions_;
  const Read read_;
  const std::chrono::nanoseconds period_, stale_after_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;                              // guarded by mutex_
  std::vector<double> values_;                     // guarded by mutex_
  std::chrono::steady_clock::time_point read_at_;  // guarded by mutex_
  std::thread thread_;                             // last: starts after the rest exists
};

// [any] The period for a source whose one read takes `read_time`: 100 ms, or 20 times the
// read time when that is longer, so the thread is busy at most 5% of the time.
std::chrono::nanoseconds background_period(std::chrono::nanoseconds read_time);
// [any] When a value of a reader with `period` counts as stale: three periods and a second.
std::chrono::nanoseconds background_stale_after(std::chrono::nanoseconds period);

// [any] How long `f()` took.
template <class F>
std::chrono::nanoseconds time_of(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::steady_clock::now() - start;
}

}  // namespace benchlab::common
