// SPDX-License-Identifier: MIT
#include "cpu_list.hpp"

#include <algorithm>
#include <benchlab_common/sysfs_file.hpp>
#include <benchlab_common/text.hpp>

namespace benchlab::cpufreq {

std::vector<int> parse_cpu_list(std::string_view text) {
  constexpr std::int64_t max_cpu = 1 << 20;  // a bound, so that "0-4000000000" stays cheap
  std::vector<int> cpus;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto part = common::trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const auto dash = part.find('-');
    const auto first = common::parse_integer(part.substr(0, dash));
    const auto last =
        dash == std::string_view::npos ? first : common::parse_integer(part.substr(dash + 1));
    if (!first || !last || *first < 0 || *last < *first || *last > max_cpu) continue;
    for (auto cpu = *first; cpu <= *last; ++cpu) cpus.push_back(static_cast<int>(cpu));
  }
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  return cpus;
}

std::string format_cpu_list(const std::vector<int>& cpus) {
  std::string text;
  for (std::size_t i = 0; i < cpus.size();) {
    std::size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!text.empty()) text += ',';
    text += std::to_string(cpus[i]);
    if (j > i) text += "-" + std::to_string(cpus[j]);
    i = j + 1;
  }
  return text;
}

}  // namespace benchlab::cpufreq
