/* SPDX-License-Identifier: MIT */
// The raytrace plugin's options: their descriptors (for the plugin's descriptor) and
// reading them from the host into checked values.
#pragma once

#include <benchlab/plugin.h>

#include <array>
#include <cstddef>
#include <string>

namespace raytrace {

// The samples option's default, chosen so a 1080p render takes about 5 s on a 2-core
// machine (measurements in docs/workloads/raytrace.md).
inline constexpr int kDefaultSamples = 16;

struct RenderOptions {
  std::string resolution;  // "1080p", "4k" or "5k"
  int width = 0, height = 0;
  int samples = kDefaultSamples;
  unsigned threads = 0;    // 0: one per online CPU
  std::string save_image;  // empty: none
};

// The option descriptors, in the order `benchlab list plugins -v` shows them.
inline constexpr std::size_t kOptionCount = 4;
extern const std::array<bl_option_desc, kOptionCount> kOptionDescriptors;

// Throws benchlab::sdk::invalid_option naming the option and what to give instead.
RenderOptions read_options(const bl_host& host);

}  // namespace raytrace
