/* SPDX-License-Identifier: MIT */
// The rules for programs a workload reports (benchlab/ext/programs.h): checked in the
// worker, where the plugin calls report_program(), and again in the core, which reads the
// frame.
#pragma once

#include <benchlab/ext/programs.h>

#include <string>
#include <string_view>

namespace benchlab {

// Why (name, version, path) cannot be recorded ("the name is empty"), or "" when it can.
// name: 1..BL_PROGRAM_NAME_MAX printable ASCII; version: 1..BL_PROGRAM_VERSION_MAX bytes
// without control characters; path: at most BL_PROGRAM_PATH_MAX bytes without them.
inline std::string invalid_program(std::string_view name, std::string_view version,
                                   std::string_view path) {
  const auto control = [](std::string_view s) {
    for (unsigned char c : s)
      if (c < 0x20 || c == 0x7f) return true;
    return false;
  };
  if (name.empty()) return "the name is empty";
  if (name.size() > BL_PROGRAM_NAME_MAX)
    return "the name is longer than " + std::to_string(BL_PROGRAM_NAME_MAX) + " bytes";
  for (unsigned char c : name)
    if (c < 0x20 || c > 0x7e) return "the name has a character that is not printable ASCII";
  if (version.empty()) return "the version is empty";
  if (version.size() > BL_PROGRAM_VERSION_MAX)
    return "the version is longer than " + std::to_string(BL_PROGRAM_VERSION_MAX) + " bytes";
  if (control(version)) return "the version has a control character";
  if (path.size() > BL_PROGRAM_PATH_MAX)
    return "the path is longer than " + std::to_string(BL_PROGRAM_PATH_MAX) + " bytes";
  if (control(path)) return "the path has a control character";
  return {};
}

}  // namespace benchlab
