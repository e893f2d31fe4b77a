// SPDX-License-Identifier: MIT
#include "membw/memory_available.hpp"

#include <fstream>
#include <sstream>
#include <string>

namespace membw {

std::optional<std::uint64_t> memory_available_bytes(const std::filesystem::path& meminfo) {
  std::ifstream in(meminfo);
  std::string line;
  while (std::getline(in, line)) {
    // "MemAvailable:   23667000 kB"
    std::istringstream fields(line);
    std::string key, unit;
    std::uint64_t value = 0;
    if (!(fields >> key >> value)) continue;
    if (key != "MemAvailable:") continue;
    fields >> unit;
    return unit == "kB" ? value * 1024 : value;
  }
  return {};
}

}  // namespace membw
