// SPDX-License-Identifier: MIT
#include "stream_probe.hpp"

#include <charconv>

namespace transcode {
namespace {

template <typename Number>
std::optional<Number> whole_number(std::string_view text) {
  Number value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

ProbedStream parse_probe(std::string_view text) {
  ProbedStream stream;
  // Only the first stream counts (-select_streams v:0 prints one; a later one is ignored).
  bool seen_codec = false;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "codec_name") {
      if (seen_codec) break;
      seen_codec = true;
      stream.codec = std::string(value);
    } else if (key == "width") {
      stream.width = whole_number<std::uint32_t>(value);
    } else if (key == "height") {
      stream.height = whole_number<std::uint32_t>(value);
    } else if (key == "nb_read_frames") {
      stream.frames = whole_number<std::uint64_t>(value);
    }
  }
  return stream;
}

std::string stream_mismatch(const ProbedStream& probed, const ExpectedStream& expected) {
  std::string problems;
  const auto add = [&](const std::string& problem) {
    problems += (problems.empty() ? "" : "; ") + problem;
  };
  if (probed.codec.empty())
    add("ffprobe found no video stream");
  else if (probed.codec != expected.codec)
    add("codec is " + probed.codec + ", expected " + expected.codec);
  if (!probed.width || !probed.height)
    add("ffprobe gave no frame size");
  else if (*probed.width != expected.size.width || *probed.height != expected.size.height)
    add("frame size is " + to_string(FrameSize{*probed.width, *probed.height}) + ", expected " +
        to_string(expected.size));
  if (!probed.frames)
    add("ffprobe could not count the frames");
  else if (*probed.frames != expected.frames)
    add(std::to_string(*probed.frames) + " frames, expected " + std::to_string(expected.frames));
  return problems;
}

}  // namespace transcode
