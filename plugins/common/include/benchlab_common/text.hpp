// SPDX-License-Identifier: MIT
// Text helpers the plugins (and the core) share, for reading program output and files.
#pragma once

#include <string_view>

namespace benchlab::common {

// ASCII whitespace: ' ', '\t', '\n', '\v', '\f', '\r' (isspace() in the C locale, without
// depending on the process's locale).
constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// `text` without its leading and trailing whitespace (is_space); a view into `text`.
std::string_view trim(std::string_view text) noexcept;

}  // namespace benchlab::common
