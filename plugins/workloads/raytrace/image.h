/* SPDX-License-Identifier: MIT */
// An 8-bit RGB image, the render's output and what its checksum is taken over.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace raytrace {

struct Image {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgb;  // 3 bytes per pixel, rows top to bottom, no padding

  Image() = default;
  Image(int w, int h) : width(w), height(h), rgb(static_cast<std::size_t>(w) * h * 3) {}

  std::size_t row_bytes() const { return static_cast<std::size_t>(width) * 3; }
  std::span<std::uint8_t> row(int y) { return {rgb.data() + y * row_bytes(), row_bytes()}; }
  std::span<const std::uint8_t> row(int y) const {
    return {rgb.data() + y * row_bytes(), row_bytes()};
  }
};

}  // namespace raytrace
