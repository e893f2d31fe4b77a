// SPDX-License-Identifier: MIT
#include "png_writer.hpp"

#include <array>
#include <stdexcept>

namespace office_pdf {
namespace {

constexpr std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

constexpr auto kCrcTable = make_crc_table();

void put_u32_be(std::string& out, std::uint32_t value) {
  out += static_cast<char>(value >> 24);
  out += static_cast<char>(value >> 16);
  out += static_cast<char>(value >> 8);
  out += static_cast<char>(value);
}

void put_chunk(std::string& out, std::string_view type, std::string_view data) {
  put_u32_be(out, static_cast<std::uint32_t>(data.size()));
  std::string typed(type);
  typed += data;
  out += typed;
  put_u32_be(out, png_crc32(typed));  // over type and data, not the length
}

// A zlib stream of stored blocks (RFC 1950/1951): no compression, at most 65535 bytes per
// block, each with its length and the length's one's complement.
std::string zlib_stored(std::string_view raw) {
  constexpr std::size_t kMaxBlock = 65535;
  std::string out;
  out += static_cast<char>(0x78);  // deflate, 32 KiB window
  out += static_cast<char>(0x01);  // no preset dictionary, lowest level; 0x7801 % 31 == 0
  std::size_t pos = 0;
  do {
    const std::size_t len = std::min(kMaxBlock, raw.size() - pos);
    const bool last = pos + len == raw.size();
    out += static_cast<char>(last ? 1 : 0);  // BFINAL, BTYPE 00 (stored)
    out += static_cast<char>(len & 0xff);
    out += static_cast<char>(len >> 8);
    out += static_cast<char>(~len & 0xff);
    out += static_cast<char>((~len >> 8) & 0xff);
    out.append(raw.substr(pos, len));
    pos += len;
  } while (pos < raw.size());
  put_u32_be(out, adler32(raw));
  return out;
}

}  // namespace

std::uint32_t png_crc32(std::string_view bytes) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (const char ch : bytes) c = kCrcTable[(c ^ static_cast<std::uint8_t>(ch)) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::uint32_t adler32(std::string_view bytes) {
  constexpr std::uint32_t kMod = 65521;
  std::uint32_t a = 1, b = 0;
  for (const char ch : bytes) {
    a = (a + static_cast<std::uint8_t>(ch)) % kMod;
    b = (b + a) % kMod;
  }
  return (b << 16) | a;
}

std::string encode_png(const RgbImage& image) {
  if (image.width == 0 || image.height == 0)
    throw std::invalid_argument("encode_png: the image has no pixels");
  const std::size_t row = static_cast<std::size_t>(image.width) * 3;
  if (image.pixels.size() != row * image.height)
    throw std::invalid_argument("encode_png: " + std::to_string(image.pixels.size()) +
                                " bytes of pixels for a " + std::to_string(image.width) + "x" +
                                std::to_string(image.height) + " RGB image");

  std::string scanlines;
  scanlines.reserve((row + 1) * image.height);
  for (std::uint32_t y = 0; y < image.height; ++y) {
    scanlines += '\0';  // filter type 0 (None) for every row
    scanlines.append(reinterpret_cast<const char*>(image.pixels.data()) + y * row, row);
  }

  std::string header;
  put_u32_be(header, image.width);
  put_u32_be(header, image.height);
  header += static_cast<char>(8);  // bit depth
  header += static_cast<char>(2);  // colour type: truecolour (RGB)
  header += '\0';                  // compression method: deflate
  header += '\0';                  // filter method: adaptive
  header += '\0';                  // no interlace

  std::string png("\x89PNG\r\n\x1a\n", 8);
  put_chunk(png, "IHDR", header);
  put_chunk(png, "IDAT", zlib_stored(scanlines));
  put_chunk(png, "IEND", {});
  return png;
}

}  // namespace office_pdf
