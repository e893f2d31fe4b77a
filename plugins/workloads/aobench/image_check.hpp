// SPDX-License-Identifier: MIT
// Validation of a rendered aobench image: a wrong pixel means a miscompiled or broken
// machine, and its time must not enter the results.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "parallel_render.hpp"

namespace aobench {

// 64-bit FNV-1a (Fowler/Noll/Vo) of the bytes.
std::uint64_t fnv1a64(std::span<const std::uint8_t> bytes);

// The checksum of the correct image of this size, for the sizes it is known for (the
// default among them); nullopt for other sizes.
std::optional<std::uint64_t> known_checksum(int size);

// The rows re-rendered to check an image of a size without a known checksum: eight rows
// spread evenly from the first to the last (fewer for tiny images).
std::vector<int> spot_check_rows(int size);

// Empty when the image is correct: its checksum matches the known one or, for other
// sizes, the spot-check rows equal a single-threaded re-render. Otherwise a message that
// starts with "image checksum mismatch".
std::string verify_image(const Image& image);

}  // namespace aobench
