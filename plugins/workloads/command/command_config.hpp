// SPDX-License-Identifier: MIT
// The command workload's options, checked and with placeholders expanded: what a phase
// needs to run the program and read its metrics. Built from plain strings, so it is
// tested without a host.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "outcome.hpp"
#include "placeholders.hpp"
#include "rule.hpp"

namespace benchlab::command {

// Option values as the host hands them over; unset single options are nullopt.
struct RawOptions {
  std::vector<std::string> arg, env, setup_arg, teardown_arg, rule;
  std::optional<std::string> timeout, expect_exit, cwd, stdin_path, hint;
};

struct CommandConfig {
  std::vector<std::string> argv;           // never empty
  std::vector<std::string> setup_argv;     // may be empty
  std::vector<std::string> teardown_argv;  // may be empty
  std::vector<std::string> env;            // NAME=VALUE
  std::vector<Rule> rules;                 // never empty
  double timeout_s = 0;                    // 0: none of its own
  int expect_exit = 0;
  std::string cwd;                        // where the programs run
  std::optional<std::string> stdin_path;  // fed to the program's stdin; none: /dev/null
  std::string hint;                       // what to do when the program is missing; may be empty

  // True when a rule reads the output at all (rather than only the wall time).
  bool reads_output() const;
};

// Check every option and expand placeholders. Errors name the option, its position among
// repeated values (1-based) and what is wrong; they are BL_INVALID_ARGUMENT to the host.
Outcome<CommandConfig> make_config(const RawOptions& raw, const PlaceholderValues& values);

// "mbw -n 3 64": an argv for messages, with arguments that hold blanks or quotes quoted.
std::string describe_argv(const std::vector<std::string>& argv);

}  // namespace benchlab::command
