// SPDX-License-Identifier: MIT
// A minimal PNG encoder for the figures embedded in the generated documents: 8-bit RGB,
// zlib "stored" (uncompressed) blocks, so it needs no compression library and its bytes
// depend on nothing but the pixels.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace office_pdf {

// 8-bit RGB pixels, rows top to bottom, 3 bytes per pixel.
struct RgbImage {
  std::uint32_t width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // width * height * 3
};

// The PNG file's bytes. Throws std::invalid_argument for an empty image or one whose pixel
// buffer does not match its size.
std::string encode_png(const RgbImage& image);

// CRC-32 as PNG chunks use it (ISO 3309, reflected, polynomial 0xEDB88320).
std::uint32_t png_crc32(std::string_view bytes);

// Adler-32, the checksum that ends a zlib stream.
std::uint32_t adler32(std::string_view bytes);

}  // namespace office_pdf
