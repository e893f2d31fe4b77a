#include "raytrace_options.h"

#include <array>
#include <charconv>
#include <cstring>
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

std::string_view option_text(const bl_host& host, const char* name) {
  const char* value = host.option(&host, name);
  return value == nullptr ? std::string_view{} : std::string_view{value};
}

int read_int(const bl_host& host, const char* name, int fallback, int min, int max) {
  const std::string_view text = option_text(host, name);
  if (text.empty()) return fallback;
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    throw InvalidOption("option " + std::string(name) + " = '" + std::string(text) +
                        "' is not a whole number from " + std::to_string(min) + " to " +
                        std::to_string(max) + "; set it in that range");
  }
  return static_cast<int>(value);
}

}  // namespace

RenderOptions read_options(const bl_host& host) {
  RenderOptions options;
  options.resolution = option_text(host, "resolution");
  if (options.resolution.empty()) options.resolution = "1080p";
  for (const Resolution& r : kResolutions) {
    if (options.resolution == r.name) {
      options.width = r.width;
      options.height = r.height;
    }
  }
  if (options.width == 0) {
    throw InvalidOption("option resolution = '" + options.resolution +
                        "' is not one of 1080p, 4k, 5k; use one of those");
  }
  options.samples = read_int(host, "samples", kDefaultSamples, 1, kMaxSamples);
  options.threads = static_cast<unsigned>(read_int(host, "threads", 0, 0, kMaxThreads));
  options.save_image = option_text(host, "save_image");
  return options;
}

}  // namespace raytrace
