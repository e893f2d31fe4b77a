/* SPDX-License-Identifier: MIT */
// Writes an image as binary PPM (P6), so a person can look at what was rendered.
#pragma once

#include <filesystem>

#include "image.h"

namespace raytrace {

// Throws std::runtime_error "cannot write image to PATH: REASON" on failure.
void write_ppm(const std::filesystem::path& path, const Image& image);

}  // namespace raytrace
