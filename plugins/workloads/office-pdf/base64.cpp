// SPDX-License-Identifier: MIT
#include "base64.hpp"

#include <cstdint>

namespace office_pdf {

std::string base64_encode(std::string_view bytes, std::size_t line_length) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4 + (line_length ? bytes.size() / line_length + 1 : 0));
  std::size_t on_line = 0;
  auto put = [&](char c) {
    if (line_length != 0 && on_line == line_length) {
      out += '\n';
      on_line = 0;
    }
    out += c;
    ++on_line;
  };
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t group = 0;
    for (std::size_t k = 0; k < 3; ++k)
      group = (group << 8) | (k < n ? static_cast<std::uint8_t>(bytes[i + k]) : 0u);
    put(kAlphabet[(group >> 18) & 63]);
    put(kAlphabet[(group >> 12) & 63]);
    put(n > 1 ? kAlphabet[(group >> 6) & 63] : '=');
    put(n > 2 ? kAlphabet[group & 63] : '=');
  }
  return out;
}

}  // namespace office_pdf
