// SPDX-License-Identifier: MIT
// Placeholders in the command workload's arguments, environment and paths:
// {scratch}, {cache}, {data}, {nproc}; {{ and }} stand for literal braces.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "outcome.hpp"

namespace benchlab::command {

struct PlaceholderValues {
  std::optional<std::string> scratch;  // the result's scratch directory
  std::optional<std::string> cache;    // the plugin's cache directory, kept across runs
  std::optional<std::string> data;     // the profile's directory; none without a profile
  unsigned nproc = 1;                  // online CPUs
};

// `text` with every placeholder replaced. Errors name the placeholder and the column
// (1-based) where it starts: an unknown name, an unavailable value, a '{' never closed
// or a single '}'.
Outcome<std::string> expand_placeholders(std::string_view text, const PlaceholderValues& values);

}  // namespace benchlab::command
