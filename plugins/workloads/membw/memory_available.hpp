// SPDX-License-Identifier: MIT
// How much memory the kernel says can be allocated without swapping.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

namespace membw {

// MemAvailable of a /proc/meminfo-format file, in bytes; nullopt when the file or the line
// is missing (kernels before 3.14).
std::optional<std::uint64_t> memory_available_bytes(const std::filesystem::path& meminfo);

}  // namespace membw
