// SPDX-License-Identifier: MIT
#include "image_checksum.h"

#include <cstdio>

namespace raytrace {

std::uint64_t fnv1a64(std::span<const std::uint8_t> bytes, std::uint64_t hash) {
  constexpr std::uint64_t kPrime = 0x100000001b3ull;
  for (const std::uint8_t byte : bytes) {
    hash ^= byte;
    hash *= kPrime;
  }
  return hash;
}

std::string checksum_text(std::uint64_t checksum) {
  char text[19];
  std::snprintf(text, sizeof text, "0x%016llx", static_cast<unsigned long long>(checksum));
  return text;
}

}  // namespace raytrace
