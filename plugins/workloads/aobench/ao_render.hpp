// SPDX-License-Identifier: MIT
// The aobench scene (Syoyo Fujita's ambient-occlusion benchmark: three spheres over a
// plane) and its per-row renderer, written so that every pixel is a pure function of its
// coordinates: the same bytes on any thread count, compiler or run.
#pragma once

#include <cstdint>

namespace aobench {

// The original's quality constants: 2x2 supersampling, 8x8 occlusion rays per hit.
inline constexpr int kSubsamples = 2;
inline constexpr int kAoSamples = 8;

// Renders rows [y_begin, y_end) of a size x size image into `out`, one grey byte per
// pixel (the original's r, g and b are always equal), `size` bytes per row, row y_begin
// first. Thread-safe: touches nothing but `out`.
void render_rows(int size, int y_begin, int y_end, std::uint8_t* out);

}  // namespace aobench
