// SPDX-License-Identifier: MIT
// A rule of the `command` workload: how one metric is read from a program's output.
//
//   name=NAME unit=UNIT direction=lower|higher [scale=FACTOR]
//   [source=stdout|stderr|wall] [match=first|last|all-sum|all-mean] regex=REGEX
//
// Keys are separated by blanks and may come in any order, except that regex= comes last
// and takes the rest of the text verbatim, so a regex may hold blanks, '=' and '|'.
// The regex is RE2 syntax (docs/workloads/command.md), matched against one line at a time
// in time linear in the line, whatever the pattern: a program's output cannot stall a trial.
// This file knows nothing of plugin.h, so the rule engine is tested and fuzzed directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "outcome.hpp"

namespace re2 {
class RE2;
}

namespace benchlab::command {

enum class Source { stdout_text, stderr_text, wall };
enum class Match { first, last, all_sum, all_mean };
enum class Direction { lower = -1, higher = 1 };

struct Rule {
  std::string name;
  std::string unit;
  Direction direction = Direction::higher;
  double scale = 1.0;
  Source source = Source::stdout_text;
  Match match = Match::first;
  std::string pattern;                    // the regex as written; empty for source=wall
  std::shared_ptr<const re2::RE2> regex;  // compiled `pattern`; null for source=wall
};

// A rule refuses a stream larger than this (the host's own capture limit per stream).
inline constexpr std::size_t kMaxRuleInputBytes = 16 * 1024 * 1024;
// Longest metric name; the host refuses longer ones.
inline constexpr std::size_t kMaxNameBytes = 128;

std::string_view source_name(Source source);  // "stdout", "stderr", "wall"

// Parse one rule. The error text names the key at fault and what it accepts, without a
// "rule N:" prefix (parse_rules adds it).
Outcome<Rule> parse_rule(std::string_view text);

// Parse every rule of a profile, in order. Errors start with "rule N: " (1-based), and a
// metric name used twice is an error.
Outcome<std::vector<Rule>> parse_rules(const std::vector<std::string>& texts);

// The rule's value in `text` (the stream it reads): the captured number of the selected
// match, times scale. Errors (no match, a capture that is not a number, input too large)
// start with "rule NAME: " and end with the last lines of the text.
Outcome<double> apply_rule(const Rule& rule, std::string_view text);

// The value of a source=wall rule for a program that ran `wall_ns` nanoseconds.
double wall_value(const Rule& rule, std::uint64_t wall_ns);

}  // namespace benchlab::command
