// SPDX-License-Identifier: MIT
#include "meminfo.hpp"

#include <algorithm>
#include <benchlab_common/text.hpp>
#include <charconv>
#include <cstdint>

namespace benchlab::memory {

std::optional<std::uint64_t> meminfo_bytes(std::string_view text, std::string_view key) noexcept {
  std::size_t at = 0;
  while (at < text.size()) {
    const auto end = std::min(text.find('\n', at), text.size());
    std::string_view line = text.substr(at, end - at);
    at = end + 1;
    if (!line.starts_with(key) || line.size() <= key.size() || line[key.size()] != ':') continue;
    line = common::trim(line.substr(key.size() + 1));
    std::uint64_t value = 0;
    const auto [rest, ec] = std::from_chars(line.data(), line.data() + line.size(), value);
    if (ec != std::errc()) return std::nullopt;
    const auto unit = common::trim(line.substr(static_cast<std::size_t>(rest - line.data())));
    if (unit.empty()) return value;  // a count, e.g. HugePages_Total
    if (unit != "kB" || value > UINT64_MAX / 1024) return std::nullopt;
    return value * 1024;
  }
  return std::nullopt;
}

}  // namespace benchlab::memory
