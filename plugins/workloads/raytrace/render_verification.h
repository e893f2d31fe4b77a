/* SPDX-License-Identifier: MIT */
// Decides whether a finished render is right, so that a wrong image never scores: the
// image's checksum against the value known for its size and sample count, or, for a sample
// count without a known value, a single-threaded re-render of some rows against the same
// rows of the image.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "image.h"
#include "tracer.h"

namespace raytrace {

// The FNV-1a checksum of the full image for the plugin's resolutions at the sample counts
// listed in render_verification.cpp, or nullopt when not known.
std::optional<std::uint64_t> expected_checksum(int width, int height, int samples);

// The rows re-rendered when no checksum is known: spread over the image, top and bottom
// included, in increasing order.
std::vector<int> verification_rows(int height);

// Empty when `image` is right; otherwise why not, beginning "image checksum mismatch".
// With `expected` set the whole image is compared with it; without, the rows of
// verification_rows() are re-rendered by `tracer` on this thread and compared.
std::string verify_image(const Tracer& tracer, const Image& image,
                         std::optional<std::uint64_t> expected);

// verify_image with expected_checksum() of the tracer's image.
std::string verify_image(const Tracer& tracer, const Image& image);

}  // namespace raytrace
