/* SPDX-License-Identifier: MIT */
// Test profiles and suites: the XML files under profiles/ (format: docs/profiles.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace benchlab {

// A malformed profile or suite: what() reads "FILE:LINE: <element>: what is wrong".
class ProfileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Trial policy. Precedence, lowest first: harness defaults, the profile's, the suite's
// (outer suites before inner ones), the operator's.
struct TrialPolicy {
  std::optional<unsigned> trials;      // fixed count
  std::optional<unsigned> min_trials;  // dynamic count: at least
  std::optional<unsigned> max_trials;  // dynamic count: at most
  std::optional<double> target_ci;     // dynamic count: stop at this relative CI half-width
  std::optional<unsigned> warmup;      // warm-up trials, not counted
  std::optional<double> timeout_s;     // per phase (setup, trial, teardown)
};

struct Requirement {
  int32_t kind = 0;  // BL_REQ_* of plugin.h
  std::string name;
  std::uint64_t amount = 0;
  std::string hint;
};

struct Profile {
  std::string id;  // the file's `id` attribute
  std::string title, description;
  // <category>cpu</category>: how `compare` and `report` group results ("cpu", "ai",
  // "memory", ...; lower-case id characters); empty when the profile names none
  std::string category;
  std::string plugin;                                        // workload plugin id
  std::vector<std::pair<std::string, std::string>> options;  // in file order, repeats kept
  // <sweep name="users">1 2 4 8</sweep>: one result per value (per combination of values
  // when several options sweep, the first sweep outermost), in file order
  std::vector<std::pair<std::string, std::vector<std::string>>> sweeps;
  TrialPolicy policy;
  std::vector<Requirement> requirements;
  std::filesystem::path path;  // the file
};

struct Suite {
  std::string id, title, description;
  std::vector<std::string> members;  // profile (or suite) ids, in order
  TrialPolicy policy;                // overrides its members' own policies
  std::filesystem::path path;
};

// Parse one file. Throws ProfileError naming file, line and element.
Profile load_profile(const std::filesystem::path& file);
Suite load_suite(const std::filesystem::path& file);

// Parse a file whose root element is <profile> or <suite>; throws ProfileError.
struct ProfileOrSuite {
  std::optional<Profile> profile;
  std::optional<Suite> suite;
};
ProfileOrSuite load_profile_file(const std::filesystem::path& file);

// Bytes in "70GiB", "512MiB", "20GB", "1073741824": a whole number, optional spaces, then
// B, KiB/MiB/GiB/TiB (powers of 1024) or KB (also kB)/MB/GB/TB (powers of 1000).
// Throws std::invalid_argument saying what is wrong, also when the result overflows.
std::uint64_t parse_size(std::string_view text);

// Seconds in "600", "90s", "10m", "1h", "1.5h": a non-negative decimal number, optional
// spaces, then s, m or h (none means seconds). Throws std::invalid_argument.
double parse_duration_s(std::string_view text);

}  // namespace benchlab
