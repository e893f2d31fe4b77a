// SPDX-License-Identifier: MIT
// file:// URLs for local paths, as LibreOffice's -env:UserInstallation wants them.
#pragma once

#include <filesystem>
#include <string>

namespace office_pdf {

// "file:///abs/path" with every byte outside RFC 3986's unreserved set and '/'
// percent-encoded, so spaces, '%' or non-ASCII names survive. `path` must be absolute.
std::string file_url(const std::filesystem::path& path);

}  // namespace office_pdf
