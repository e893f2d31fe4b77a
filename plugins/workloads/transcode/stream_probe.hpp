// SPDX-License-Identifier: MIT
// What ffprobe says about a video stream, and whether that is the transcode asked for.
// Plain C++, tested on ffprobe output captured from real files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "transcode_job.hpp"

namespace transcode {

// The first video stream as `ffprobe ... -of default=noprint_wrappers=1` prints it
// (probe_command). A key ffprobe did not print, or printed as N/A, stays empty.
struct ProbedStream {
  std::string codec;  // "hevc", "h264"
  std::optional<std::uint32_t> width, height;
  std::optional<std::uint64_t> frames;  // nb_read_frames: decoded, so a broken stream shows
};
ProbedStream parse_probe(std::string_view ffprobe_stdout);

struct ExpectedStream {
  std::string codec;
  FrameSize size;
  std::uint64_t frames = 0;
};

// Empty when the stream is what was expected; else one sentence per difference, e.g.
// "codec is h264, expected hevc; 59 frames, expected 60".
std::string stream_mismatch(const ProbedStream& probed, const ExpectedStream& expected);

}  // namespace transcode
