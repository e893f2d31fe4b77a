// SPDX-License-Identifier: MIT
#include "membw/cache_size.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <system_error>

namespace membw {
namespace {

std::string read_line(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  return line;
}

std::optional<unsigned> read_unsigned(const std::filesystem::path& file) {
  const std::string text = read_line(file);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return {};
  return value;
}

struct cache_entry {
  unsigned level = 0;
  std::uint64_t bytes = 0;
  std::string shared_cpus;
};

// The highest-level data or unified cache listed under one cpuN directory.
std::optional<cache_entry> highest_cache(const std::filesystem::path& cpu_dir) {
  std::error_code ec;
  std::filesystem::directory_iterator it(cpu_dir / "cache", ec);
  if (ec) return {};
  std::optional<cache_entry> best;
  for (const auto& entry : it) {
    if (entry.path().filename().string().rfind("index", 0) != 0) continue;
    const std::string type = read_line(entry.path() / "type");
    if (type != "Data" && type != "Unified") continue;  // instruction caches hold no data
    const auto level = read_unsigned(entry.path() / "level");
    const auto bytes = parse_cache_size(read_line(entry.path() / "size"));
    if (!level || !bytes) continue;
    if (!best || *level > best->level) {
      best = cache_entry{*level, *bytes, read_line(entry.path() / "shared_cpu_list")};
    }
  }
  return best;
}

}  // namespace

std::optional<std::uint64_t> parse_cache_size(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end == text.data()) return {};
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  if (unit.empty()) return value;
  if (unit == "K") return value << 10;
  if (unit == "M") return value << 20;
  if (unit == "G") return value << 30;
  return {};
}

last_level_cache read_last_level_cache(const std::filesystem::path& cpu_root) {
  const auto cpu0 = highest_cache(cpu_root / "cpu0");
  if (!cpu0) return {};
  // Instances are told apart by the CPUs sharing them: one L3 per CCD on AMD, one per
  // socket elsewhere. Offline CPUs list no cache and are skipped.
  std::set<std::string> instances;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(cpu_root, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 4 || name.rfind("cpu", 0) != 0 ||
        !std::all_of(name.begin() + 3, name.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
      continue;
    const auto cache = highest_cache(entry.path());
    if (cache && cache->level == cpu0->level) instances.insert(cache->shared_cpus);
  }
  return {cpu0->level, cpu0->bytes,
          static_cast<unsigned>(std::max<std::size_t>(instances.size(), 1))};
}

std::uint64_t auto_array_bytes(const last_level_cache& llc) {
  const std::uint64_t bytes =
      std::max({min_auto_array_bytes, 8 * llc.bytes, 4 * llc.total_bytes()});
  constexpr std::uint64_t mib = 1ull << 20;
  return (bytes + mib - 1) / mib * mib;
}

}  // namespace membw
