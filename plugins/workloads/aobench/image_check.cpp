// SPDX-License-Identifier: MIT
#include "image_check.hpp"

#include <cinttypes>
#include <cstdio>

#include "ao_render.hpp"

namespace aobench {
namespace {

// Checksums of the reference renders, produced by this renderer (which is
// bit-reproducible by construction, see ao_render.cpp) and checked by the unit tests.
struct KnownChecksum {
  int size;
  std::uint64_t fnv1a64;
};
constexpr KnownChecksum kKnownChecksums[] = {
    {64, 0x8e96c1d784640b49ull},  {128, 0x69a404c94bd1a641ull},  {256, 0x23c6508a3b95303dull},
    {512, 0xbc8f6b5f3c529918ull}, {1024, 0x682bc1af1bd8a216ull}, {1280, 0x2ad3c1dbf71418c2ull},
};

std::string hex(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%016" PRIx64, value);
  return text;
}

}  // namespace

std::uint64_t fnv1a64(std::span<const std::uint8_t> bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const std::uint8_t byte : bytes) {
    hash ^= byte;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

std::optional<std::uint64_t> known_checksum(int size) {
  for (const auto& known : kKnownChecksums)
    if (known.size == size) return known.fnv1a64;
  return std::nullopt;
}

std::vector<int> spot_check_rows(int size) {
  constexpr int kRows = 8;
  std::vector<int> rows;
  for (int k = 0; k < kRows && size > 0; ++k) {
    const int y = static_cast<int>(static_cast<long long>(k) * (size - 1) / (kRows - 1));
    if (rows.empty() || rows.back() != y) rows.push_back(y);
  }
  return rows;
}

std::string verify_image(const Image& image) {
  const auto size = static_cast<std::size_t>(image.size);
  if (image.size <= 0 || image.pixels.size() != size * size)
    return "image checksum mismatch: the image has " + std::to_string(image.pixels.size()) +
           " bytes, expected " + std::to_string(size * size);

  const std::uint64_t actual = fnv1a64(image.pixels);
  if (const auto expected = known_checksum(image.size)) {
    if (actual == *expected) return {};
    return "image checksum mismatch: the " + std::to_string(size) + "x" + std::to_string(size) +
           " image has FNV-1a " + hex(actual) + ", the correct one has " + hex(*expected) +
           " (a miscompiled renderer or a faulty CPU or memory)";
  }

  // No reference for this size: re-render a few rows on this thread alone, which also
  // catches a fault that only shows under multi-threaded load.
  std::vector<std::uint8_t> row(size);
  for (const int y : spot_check_rows(image.size)) {
    render_rows(image.size, y, y + 1, row.data());
    const std::span<const std::uint8_t> rendered(image.pixels.data() + y * size, size);
    const std::uint64_t expected = fnv1a64(row);
    if (fnv1a64(rendered) != expected)
      return "image checksum mismatch: row " + std::to_string(y) + " of the " +
             std::to_string(size) + "x" + std::to_string(size) + " image has FNV-1a " +
             hex(fnv1a64(rendered)) + ", a single-threaded re-render has " + hex(expected) +
             " (a miscompiled renderer or a faulty CPU or memory)";
  }
  return {};
}

}  // namespace aobench
