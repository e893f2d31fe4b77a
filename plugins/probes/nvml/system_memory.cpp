// SPDX-License-Identifier: MIT
#include "system_memory.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

namespace nvml {

std::optional<std::uint64_t> parse_mem_total(std::string_view meminfo) {
  constexpr std::string_view key = "MemTotal:";
  std::size_t at = 0;
  while (at < meminfo.size()) {
    const std::size_t end = meminfo.find('\n', at);
    const std::string_view line =
        meminfo.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    if (line.starts_with(key)) {
      std::string_view rest = line.substr(key.size());
      while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
      std::uint64_t kib = 0;
      const auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), kib);
      if (ec != std::errc() || ptr == rest.data()) return std::nullopt;
      return kib * 1024u;
    }
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> read_mem_total(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return parse_mem_total(text.str());
}

}  // namespace nvml
