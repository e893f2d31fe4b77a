// SPDX-License-Identifier: MIT
#include "raytrace_options.h"

#include <array>
#include <benchlab/plugin.hpp>
#include <string_view>

namespace raytrace {
namespace {

struct Resolution {
  const char* name;
  int width, height;
};

constexpr std::array kResolutions{
    Resolution{"1080p", 1920, 1080},
    Resolution{"4k", 3840, 2160},
    Resolution{"5k", 5120, 2880},
};

constexpr const char* kResolutionNames[] = {"1080p", "4k", "5k", nullptr};

// The enum option's position in kResolutionNames is the row of kResolutions.
constexpr bool names_match_rows() {
  for (std::size_t i = 0; i < kResolutions.size(); ++i)
    if (std::string_view(kResolutionNames[i]) != kResolutions[i].name) return false;
  return kResolutionNames[kResolutions.size()] == nullptr;
}
static_assert(names_match_rows());

constexpr int kMaxThreads = 4096;
constexpr int kMaxSamples = 4096;

// The default as text, checked against kDefaultSamples at compile time.
constexpr char kDefaultSamplesText[] = "16";
constexpr bool text_is(const char* text, int value) {
  int parsed = 0;
  for (; *text != '\0'; ++text) parsed = parsed * 10 + (*text - '0');
  return parsed == value;
}
static_assert(text_is(kDefaultSamplesText, kDefaultSamples));

}  // namespace

constexpr std::array<bl_option_desc, kOptionCount> kOptionDescriptors{
    bl_option_desc{sizeof(bl_option_desc), "resolution", BL_OPTION_ENUM, 0, "1080p",
                   kResolutionNames, 0.0, 0.0,
                   "image size: 1080p (1920x1080), 4k (3840x2160) or 5k (5120x2880)"},
    bl_option_desc{sizeof(bl_option_desc), "threads", BL_OPTION_INT, 0, "0", nullptr, 0.0,
                   double{kMaxThreads}, "render threads; 0 = one per online CPU"},
    bl_option_desc{sizeof(bl_option_desc), "samples", BL_OPTION_INT, 0, kDefaultSamplesText,
                   nullptr, 1.0, double{kMaxSamples},
                   "camera rays per pixel (supersampling); the work grows linearly with it"},
    bl_option_desc{sizeof(bl_option_desc), "save_image", BL_OPTION_STRING, 0, "", nullptr, 0.0, 0.0,
                   "write the image as PPM to this path (relative: under the scratch "
                   "directory); empty: do not"},
};

namespace {

namespace sdk = benchlab::sdk;

// An empty value means the default, as it always has for this plugin.
int read_int(const bl_host& host, const char* name, int fallback, int min, int max) {
  if (sdk::option_string(&host, name).empty()) return fallback;
  static constexpr sdk::option_texts texts{
      .invalid =
          "option {name} = '{value}' is not a whole number from {min} to {max}; set it "
          "in that range"};
  return static_cast<int>(sdk::option_int(&host, name, min, max, texts));
}

}  // namespace

RenderOptions read_options(const bl_host& host) {
  static constexpr sdk::option_texts resolution_texts{
      .invalid = "option {name} = '{value}' is not one of {allowed}; use one of those"};
  RenderOptions options;
  const std::size_t resolution =
      sdk::option_string(&host, "resolution").empty()
          ? 0  // 1080p, the default
          : sdk::option_enum(&host, "resolution", kResolutionNames, resolution_texts);
  options.resolution = kResolutions[resolution].name;
  options.width = kResolutions[resolution].width;
  options.height = kResolutions[resolution].height;
  options.samples = read_int(host, "samples", kDefaultSamples, 1, kMaxSamples);
  options.threads = static_cast<unsigned>(read_int(host, "threads", 0, 0, kMaxThreads));
  options.save_image = sdk::option_string(&host, "save_image");
  return options;
}

}  // namespace raytrace
