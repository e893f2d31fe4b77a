// SPDX-License-Identifier: MIT
// Fuzz target: the command workload's rule parser and matcher
// (plugins/workloads/command/rule.hpp), which read a profile's rule= options and then the
// benchmarked program's output. The input is one rule, a newline, then the output the
// rule reads. Refusals are Outcome failures with a message; a crash, an exception, a
// sanitizer report or a slow input (rules are RE2: linear in the output) is a finding.
#include <cmath>
#include <string_view>

#include "../../plugins/workloads/command/printed_number.hpp"
#include "../../plugins/workloads/command/rule.hpp"
#include "fuzz_check.h"

namespace command = benchlab::command;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view rule_text = input.substr(0, newline);
  const std::string_view output =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);

  // The number reader is what every captured value goes through.
  if (const auto number = command::parse_printed_number(output)) FUZZ_CHECK(std::isfinite(*number));

  const auto rule = command::parse_rule(rule_text);
  if (!rule) {
    FUZZ_CHECK(!rule.error().empty());
    return 0;
  }
  FUZZ_CHECK(!rule.value().name.empty());
  if (rule.value().source == command::Source::wall) {
    FUZZ_CHECK(rule.value().regex == nullptr);
    return 0;
  }
  FUZZ_CHECK(rule.value().regex != nullptr);
  const auto value = command::apply_rule(rule.value(), output);
  if (value.ok())
    FUZZ_CHECK(std::isfinite(value.value()));
  else
    FUZZ_CHECK(value.error().starts_with("rule " + rule.value().name + ": "));
  return 0;
}
