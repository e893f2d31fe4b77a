// SPDX-License-Identifier: MIT
#include "text_tail.hpp"

#include <benchlab_common/text.hpp>
#include <vector>

namespace benchlab::command {

using benchlab::common::trim;
namespace {

std::string quote_line(std::string_view line, std::size_t max_chars) {
  std::string out = "\"";
  const bool cut = line.size() > max_chars;
  for (char c : cut ? line.substr(0, max_chars) : line) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  if (cut) out += "...";
  out += '"';
  return out;
}

}  // namespace

std::string last_lines(std::string_view text, std::size_t max_lines, std::size_t max_line_chars) {
  std::vector<std::string_view> picked;  // newest first
  std::size_t end = text.size();
  while (end > 0 && picked.size() < max_lines) {
    const std::size_t nl = text.rfind('\n', end - 1);
    const std::size_t begin = nl == std::string_view::npos ? 0 : nl + 1;
    const std::string_view line = trim(text.substr(begin, end - begin));
    if (!line.empty()) picked.push_back(line);
    if (nl == std::string_view::npos) break;
    end = nl;
  }
  std::string out;
  for (auto it = picked.rbegin(); it != picked.rend(); ++it) {
    if (!out.empty()) out += ", ";
    out += quote_line(*it, max_line_chars);
  }
  return out;
}

std::string describe_tail(std::string_view stream_name, std::string_view text, bool name_stream) {
  const std::string tail = last_lines(text);
  if (tail.empty()) return " (" + std::string(stream_name) + " was empty)";
  if (!name_stream) return " (last lines: " + tail + ")";
  return " (last lines of " + std::string(stream_name) + ": " + tail + ")";
}

}  // namespace benchlab::command
