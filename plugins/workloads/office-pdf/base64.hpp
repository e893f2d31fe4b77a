// SPDX-License-Identifier: MIT
// Base64 (RFC 4648, standard alphabet, padded), for binary data inside XML documents.
#pragma once

#include <string>
#include <string_view>

namespace office_pdf {

// `line_length` > 0 breaks the output into lines of that many characters (a multiple of 4),
// as ODF files written by LibreOffice do; 0 gives one line.
std::string base64_encode(std::string_view bytes, std::size_t line_length = 0);

}  // namespace office_pdf
