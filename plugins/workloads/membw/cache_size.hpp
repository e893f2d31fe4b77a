// SPDX-License-Identifier: MIT
// The last-level cache as Linux describes it under /sys/devices/system/cpu, and the array
// size that keeps a bandwidth run out of it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace membw {

// "32768K", "1024K", "8M", "512" (bytes) as written in cache/index*/size; nullopt when
// the text is not such a size.
std::optional<std::uint64_t> parse_cache_size(std::string_view text);

struct last_level_cache {
  unsigned level = 0;       // 0 when no cache could be read
  std::uint64_t bytes = 0;  // one instance, as cpu0 sees it
  unsigned instances = 0;   // distinct instances over all CPUs (CCDs, sockets)
  std::uint64_t total_bytes() const { return bytes * instances; }
};

// Reads cpu*/cache/index*/{level,type,size,shared_cpu_list} under `cpu_root` (normally
// /sys/devices/system/cpu): the highest-level data or unified cache of cpu0, and how many
// distinct instances of that level the machine has.
last_level_cache read_last_level_cache(const std::filesystem::path& cpu_root);

// Smallest array size for size_mb=0: each array at least 256 MiB, at least 8x cpu0's
// last-level cache and at least 4x all last-level caches together (STREAM's rule), so no
// kernel is served from a cache. Rounded up to whole MiB.
inline constexpr std::uint64_t min_auto_array_bytes = 256ull << 20;
std::uint64_t auto_array_bytes(const last_level_cache& llc);

}  // namespace membw
