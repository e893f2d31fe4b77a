// SPDX-License-Identifier: MIT
#include "encoder_log.hpp"

#include <benchlab_common/text.hpp>
#include <cstdlib>
#include <string>
#include <vector>

namespace transcode {

using benchlab::common::trim;
namespace {

// Lines split on '\n' and '\r' alike: HandBrake redraws its progress with '\r'.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i)
    if (i == text.size() || text[i] == '\n' || text[i] == '\r') {
      lines.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  return lines;
}

// A decimal number at the start of `s` (strtod, on a copy that is NUL-terminated);
// advances `s` past it.
std::optional<double> leading_number(std::string_view& s) {
  const std::string copy(s.substr(0, 40));
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end == copy.c_str()) return std::nullopt;
  s.remove_prefix(static_cast<std::size_t>(end - copy.c_str()));
  return value;
}

bool consume(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

}  // namespace

std::optional<X265Summary> parse_x265_summary(std::string_view log) {
  std::optional<X265Summary> found;
  for (std::string_view line : lines_of(log)) {
    line = trim(line);
    if (!consume(line, "encoded ")) continue;
    X265Summary summary;
    const auto frames = leading_number(line);
    if (!frames || !consume(line, " frames in ")) continue;
    const auto seconds = leading_number(line);
    if (!seconds || !consume(line, "s (")) continue;
    const auto fps = leading_number(line);
    if (!fps || !consume(line, " fps)")) continue;
    summary.frames = static_cast<std::uint64_t>(*frames);
    summary.seconds = *seconds;
    summary.fps = *fps;
    found = summary;  // the last one wins: it closes the encode
  }
  return found;
}

std::string x265_version(std::string_view log) {
  constexpr std::string_view kMarker = "HEVC encoder version ";
  const std::size_t at = log.find(kMarker);
  if (at == std::string_view::npos) return {};
  std::string_view rest = log.substr(at + kMarker.size());
  return std::string(trim(rest.substr(0, rest.find_first_of("\r\n"))));
}

bool handbrake_finished(std::string_view log) {
  for (const std::string_view line : lines_of(log))
    if (trim(line) == "Encode done!") return true;
  return false;
}

std::string program_version(std::string_view text) {
  for (std::string_view line : lines_of(text)) {
    line = trim(line);
    std::string_view rest = line;
    if (consume(rest, "HandBrake ") && !rest.empty() && rest.front() >= '0' && rest.front() <= '9')
      return std::string(line.substr(0, line.find(' ', 10)));
    rest = line;
    if (consume(rest, "ffmpeg version "))
      return "ffmpeg " + std::string(rest.substr(0, rest.find(' ')));
  }
  return {};
}

std::string closing_lines(std::string_view log, std::size_t count) {
  std::vector<std::string_view> kept;
  for (const std::string_view line : lines_of(log))
    if (!trim(line).empty()) kept.push_back(line);
  std::string text;
  for (std::size_t i = kept.size() > count ? kept.size() - count : 0; i < kept.size(); ++i)
    text += (text.empty() ? "" : "\n") + std::string(kept[i]);
  return text;
}

}  // namespace transcode
