// SPDX-License-Identifier: MIT
// The names a plugin declares, as the host accepts them: the plugin id and version (they
// name cache directories and rows of the store), option names and probe channel ids. One
// place for each rule, so that the loader, the record discovery reads, the sampler and
// `benchlab plugin validate` cannot disagree.
#pragma once

#include <cstddef>
#include <string_view>

namespace benchlab {

inline constexpr std::size_t kMaxPluginIdLength = 64;
inline constexpr std::size_t kMaxPluginVersionLength = 256;
inline constexpr std::size_t kMaxChannelIdLength = 64;

inline bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// [a-z0-9][a-z0-9._-]*, at most 64 characters.
inline bool valid_plugin_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxPluginIdLength) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (!lower_alnum(c) && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
  }
  return true;
}

// Names a directory under the plugin's cache directory: not empty, ".", ".." or longer
// than 256 bytes, and without '/' or NUL.
inline bool valid_plugin_version(std::string_view v) {
  return !v.empty() && v.size() <= kMaxPluginVersionLength && v != "." && v != ".." &&
         v.find_first_of(std::string_view("/\0", 2)) == std::string_view::npos;
}

// [a-z0-9_.-]+
inline bool valid_option_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!lower_alnum(c) && c != '_' && c != '.' && c != '-') return false;
  return true;
}

// [a-z0-9_.-]+, at most 64 characters.
inline bool valid_channel_id(std::string_view id) {
  return id.size() <= kMaxChannelIdLength && valid_option_name(id);
}

}  // namespace benchlab
