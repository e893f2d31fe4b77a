/* SPDX-License-Identifier: MIT */
// The rules for phases a workload marks inside a trial (benchlab/ext/mark.h): checked in
// the worker, where the plugin calls mark(), and again in the core, which reads the frame.
#pragma once

#include <cstddef>
#include <string_view>

namespace benchlab {

inline constexpr std::size_t kMaxMarks = 1024;   // a trial
inline constexpr std::size_t kMaxMarkName = 32;  // characters

// [a-z0-9_-]+, at most kMaxMarkName characters: it becomes part of metric names.
inline bool valid_mark_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxMarkName) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

}  // namespace benchlab
