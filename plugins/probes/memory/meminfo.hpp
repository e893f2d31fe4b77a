// SPDX-License-Identifier: MIT
// Fields of /proc/meminfo ("MemAvailable:   22422740 kB"), parsed in place: the sampler
// reads the file into a buffer on its stack and looks values up without allocating.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace benchlab::memory {

// [any] The value of field `key` (e.g. "MemAvailable") in `text` in bytes (the file's "kB"
// are KiB), or nullopt when the field is missing or malformed.
std::optional<std::uint64_t> meminfo_bytes(std::string_view text, std::string_view key) noexcept;

}  // namespace benchlab::memory
