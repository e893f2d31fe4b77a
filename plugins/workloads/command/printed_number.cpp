// SPDX-License-Identifier: MIT
#include "printed_number.hpp"

#include <benchlab_common/text.hpp>
#include <charconv>
#include <cmath>
#include <string>

namespace benchlab::command {

using benchlab::common::trim;
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Copies the integer part of `s` (from `pos`) into `out` without its separators; false
// when commas are present but do not form groups of three after a lead of one to three.
bool take_integer_part(std::string_view s, std::size_t& pos, std::string& out) {
  const std::size_t start = pos;
  std::size_t lead = 0;
  while (pos < s.size() && is_digit(s[pos])) {
    out += s[pos++];
    ++lead;
  }
  if (pos >= s.size() || s[pos] != ',') return true;
  if (lead == 0 || lead > 3 || s[start] == '0') return false;
  while (pos < s.size() && s[pos] == ',') {
    ++pos;
    for (int i = 0; i < 3; ++i) {
      if (pos >= s.size() || !is_digit(s[pos])) return false;
      out += s[pos++];
    }
  }
  return pos >= s.size() || !is_digit(s[pos]);
}

}  // namespace

std::optional<double> parse_printed_number(std::string_view text) {
  const std::string_view s = trim(text);
  std::string clean;
  clean.reserve(s.size());
  std::size_t pos = 0;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    if (s[pos] == '-') clean += '-';  // from_chars takes '-' but not '+'
    ++pos;
  }
  const std::size_t mantissa_start = clean.size();
  if (!take_integer_part(s, pos, clean)) return std::nullopt;
  if (pos < s.size() && s[pos] == '.') {
    clean += s[pos++];
    while (pos < s.size() && is_digit(s[pos])) clean += s[pos++];
  }
  bool has_digit = false;
  for (std::size_t i = mantissa_start; i < clean.size(); ++i) has_digit |= is_digit(clean[i]);
  if (!has_digit) return std::nullopt;
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    clean += s[pos++];
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) clean += s[pos++];
    if (pos >= s.size() || !is_digit(s[pos])) return std::nullopt;
    while (pos < s.size() && is_digit(s[pos])) clean += s[pos++];
  }
  if (pos != s.size()) return std::nullopt;

  double value = 0;
  const char* first = clean.data();
  const char* last = first + clean.size();
  auto [end, ec] = std::from_chars(first, last, value, std::chars_format::general);
  if (ec != std::errc() || end != last || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace benchlab::command
