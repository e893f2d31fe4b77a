// SPDX-License-Identifier: MIT
// Renders a whole aobench image on several threads, rows handed out one at a time (rows
// differ in cost: the sky is cheap, the spheres are not).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace aobench {

// One grey byte per pixel, row-major, size x size.
struct Image {
  int size = 0;
  std::vector<std::uint8_t> pixels;
};

// Called on the rendering caller's thread about every 100 ms with the fraction of rows
// done (so it may use services that are main-thread only); returning false stops the
// render.
using RenderObserver = std::function<bool(double fraction_done)>;

// Renders a size x size image with `threads` worker threads (at least 1, at most one per
// row). Returns nullopt when the observer asked to stop. Throws std::system_error when a
// thread cannot be started (after joining those that were).
std::optional<Image> render_parallel(int size, unsigned threads, const RenderObserver& observer);

}  // namespace aobench
