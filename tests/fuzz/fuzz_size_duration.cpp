// SPDX-License-Identifier: MIT
// Fuzz target: parse_size and parse_duration_s (core/src/profile.h), which read sizes and
// durations from profiles and from the command line. Bad text must throw
// std::invalid_argument; what they return must be what the header promises.
#include <cmath>
#include <stdexcept>
#include <string_view>

#include "fuzz_check.h"
#include "profile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const std::uint64_t bytes = benchlab::parse_size(text);
    // A size is a whole number of bytes written in decimal digits: no digits, no size.
    FUZZ_CHECK(text.find_first_of("0123456789") != std::string_view::npos);
    (void)bytes;
  } catch (const std::invalid_argument& e) {
    FUZZ_CHECK(*e.what() != '\0');
  }
  try {
    const double seconds = benchlab::parse_duration_s(text);
    FUZZ_CHECK(std::isfinite(seconds));
    FUZZ_CHECK(seconds >= 0);
  } catch (const std::invalid_argument& e) {
    FUZZ_CHECK(*e.what() != '\0');
  }
  return 0;
}
