// SPDX-License-Identifier: MIT
// The machine's memory as /proc/meminfo states it: what a unified-memory GPU (GB10, GH200's
// GPU when NVML reports no memory of its own) can use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nvml {

// [any] MemTotal of a meminfo text, in bytes (the file says kB, meaning KiB); nullopt when
// the line is missing or malformed.
std::optional<std::uint64_t> parse_mem_total(std::string_view meminfo);

// [main] MemTotal of the file `path` (<sysroot>/proc/meminfo); nullopt when unreadable.
std::optional<std::uint64_t> read_mem_total(const std::string& path);

}  // namespace nvml
