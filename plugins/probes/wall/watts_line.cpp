// SPDX-License-Identifier: MIT
#include "watts_line.hpp"

#include <benchlab_common/text.hpp>
#include <charconv>
#include <cmath>
#include <string>

namespace wall {

namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = (a[i] >= 'A' && a[i] <= 'Z') ? char(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<double> parse_watts_line(std::string_view line) {
  line = benchlab::common::trim(line);
  double watts = 0;
  const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), watts);
  if (ec != std::errc() || !std::isfinite(watts) || watts < 0) return std::nullopt;
  const std::string_view unit = benchlab::common::trim(line.substr(end - line.data()));
  if (!unit.empty() && !equals_ignoring_case(unit, "w") && !equals_ignoring_case(unit, "watt") &&
      !equals_ignoring_case(unit, "watts"))
    return std::nullopt;
  return watts;
}

std::string_view last_line(std::string_view text) {
  while (!text.empty()) {
    const std::size_t end = text.find_last_not_of(" \t\r\n");
    if (end == std::string_view::npos) return {};
    text = text.substr(0, end + 1);
    const std::size_t start = text.find_last_of('\n');
    const std::string_view line =
        benchlab::common::trim(start == std::string_view::npos ? text : text.substr(start + 1));
    if (!line.empty()) return line;
    text = text.substr(0, start == std::string_view::npos ? 0 : start);
  }
  return {};
}

}  // namespace wall
