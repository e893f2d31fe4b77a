/* SPDX-License-Identifier: MIT */
// Renders rows of the fixed scene into 8-bit RGB. This is the benchmark's measured work
// and also what its correctness check re-runs, so the output must be bit-identical on
// every compiler and CPU: see the rules at the top of tracer.cpp.
#pragma once

#include <cstdint>
#include <span>

#include "vec3.h"

namespace raytrace {

class Tracer {
 public:
  // An image of width x height pixels with `samples` camera rays per pixel (all >= 1).
  Tracer(int width, int height, int samples);

  int width() const { return width_; }
  int height() const { return height_; }
  int samples() const { return samples_; }

  // Fill `rgb` (3 * width bytes) with row `y` (0 = top). Thread-safe: const, no state.
  void render_row(int y, std::span<std::uint8_t> rgb) const;

 private:
  int width_, height_, samples_;
  Vec3 forward_, right_, up_;  // camera basis; right_ and up_ scaled by the view's half-height
};

}  // namespace raytrace
