/* SPDX-License-Identifier: MIT */
// The measured window of a trial: CLOCK_MONOTONIC nanoseconds right before and right
// after the plugin's run(), taken in the process that runs it. The one clock of trial
// windows and probe samples, so a sample belongs to a trial when its time falls inside.
#pragma once

#include <cstdint>
#include <string>

namespace benchlab {

struct MeasuredWindow {
  std::uint64_t begin_ns = 0, end_ns = 0;  // 0: run() never returned (crash, timeout)

  bool complete() const { return begin_ns != 0 && end_ns >= begin_ns; }
  std::uint64_t duration_ns() const { return complete() ? end_ns - begin_ns : 0; }
  bool contains(std::uint64_t t_ns) const {
    return complete() && t_ns >= begin_ns && t_ns <= end_ns;
  }
};

// A phase the workload marked inside its trial (benchlab/ext/mark.h): the window `name`
// starts at t_ns and lasts until the next mark or the end of the measured window.
struct Mark {
  std::string name;
  std::uint64_t t_ns = 0;
};

}  // namespace benchlab
