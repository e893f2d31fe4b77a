// SPDX-License-Identifier: MIT
#include "ipmi_dcmi_reading.hpp"

#include <benchlab_common/text.hpp>
#include <charconv>
#include <cmath>

namespace wall {

namespace {

// The text after "KEY:" on the first line that starts (after blanks) with KEY; nullopt
// when no line does.
std::optional<std::string_view> value_of(std::string_view output, std::string_view key) {
  std::size_t at = 0;
  while (at <= output.size()) {
    const std::size_t end = output.find('\n', at);
    const std::string_view line = benchlab::common::trim(
        output.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
    if (line.starts_with(key)) {
      std::string_view rest = benchlab::common::trim(line.substr(key.size()));
      if (rest.starts_with(':')) return benchlab::common::trim(rest.substr(1));
    }
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return std::nullopt;
}

}  // namespace

std::optional<double> parse_dcmi_power_reading(std::string_view output) {
  if (const auto state = value_of(output, "Power reading state is");
      state && state->starts_with("deactivated"))
    return std::nullopt;
  const auto reading = value_of(output, "Instantaneous power reading");
  if (!reading) return std::nullopt;
  double watts = 0;
  const auto [end, ec] = std::from_chars(reading->data(), reading->data() + reading->size(), watts);
  if (ec != std::errc() || !std::isfinite(watts) || watts < 0) return std::nullopt;
  const std::string_view unit = benchlab::common::trim(reading->substr(end - reading->data()));
  if (unit != "Watts" && unit != "Watt" && unit != "W") return std::nullopt;
  return watts;
}

}  // namespace wall
