// SPDX-License-Identifier: MIT
#include "ppm_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

namespace raytrace {
namespace {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

[[noreturn]] void fail(const std::filesystem::path& path, int error) {
  throw std::runtime_error("cannot write image to " + path.string() + ": " + std::strerror(error) +
                           "; check that the directory exists and is writable");
}

}  // namespace

void write_ppm(const std::filesystem::path& path, const Image& image) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "wb"));
  if (!file) fail(path, errno);
  const std::string header =
      "P6\n" + std::to_string(image.width) + " " + std::to_string(image.height) + "\n255\n";
  if (std::fwrite(header.data(), 1, header.size(), file.get()) != header.size() ||
      std::fwrite(image.rgb.data(), 1, image.rgb.size(), file.get()) != image.rgb.size()) {
    fail(path, errno);
  }
  // fclose flushes; a full disk may only show here.
  if (std::fclose(file.release()) != 0) fail(path, errno);
}

}  // namespace raytrace
