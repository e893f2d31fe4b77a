// SPDX-License-Identifier: MIT
#include "file_url.hpp"

#include <stdexcept>

namespace office_pdf {

std::string file_url(const std::filesystem::path& path) {
  if (!path.is_absolute())
    throw std::invalid_argument("file_url: '" + path.string() + "' is not an absolute path");
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string url = "file://";
  for (const char ch : path.string()) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (keep) {
      url += ch;
    } else {
      url += '%';
      url += kHex[c >> 4];
      url += kHex[c & 15];
    }
  }
  return url;
}

}  // namespace office_pdf
