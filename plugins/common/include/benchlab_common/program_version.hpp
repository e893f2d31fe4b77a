// SPDX-License-Identifier: MIT
// The version of a program a workload wraps (ffmpeg, hmmsearch, the compiler), asked once
// in setup() and reported with the host's programs extension (benchlab/ext/programs.h),
// so that every result says what produced it.
#pragma once

#include <benchlab/plugin.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace benchlab::common {

// The first line of `text` that `pattern` (ECMAScript) matches somewhere: its first
// capture group when the pattern has one, else the whole line; trimmed. "" when no line
// matches or the pattern is not a valid regex.
std::string first_matching_line(std::string_view text, const std::string& pattern);

// Where PATH finds `program` (itself when it holds a '/'), or "" when nowhere.
std::string find_on_path(const std::string& program);

// [main] Runs `argv` through host->spawn with its stderr merged into stdout (many programs
// print their version there) and at most `timeout_ms`, and returns first_matching_line()
// of what it printed, whatever its exit status (`hmmsearch -h` and friends print a banner
// and exit 0 or 1). "" when it cannot be started, times out or prints no such line.
std::string program_version(const bl_host* host, const std::vector<std::string>& argv,
                            const std::string& pattern, std::uint64_t timeout_ms = 5000);

// [main] Asks `argv` for its version (program_version) and reports it as program `name`
// with the path where PATH finds argv[0]. Nothing is run when the host has no programs
// extension. Returns the version reported, or "" when none was.
std::string report_program_version(const bl_host* host, const std::string& name,
                                   const std::vector<std::string>& argv, const std::string& pattern,
                                   std::uint64_t timeout_ms = 5000);

}  // namespace benchlab::common
