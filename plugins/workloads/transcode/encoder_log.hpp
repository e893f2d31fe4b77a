// SPDX-License-Identifier: MIT
// What HandBrakeCLI and ffmpeg say about an encode: x265's own summary, HandBrake's end
// of job, the programs' versions, and the lines worth quoting when an encode fails. Plain
// C++, tested on output captured from HandBrakeCLI 1.6.1 and ffmpeg 5.1 with libx265 3.5.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace transcode {

// x265's closing line, printed under both programs:
// "encoded 60 frames in 20.48s (2.93 fps), 4532.34 kb/s, Avg QP:27.47".
struct X265Summary {
  std::uint64_t frames = 0;
  double seconds = 0, fps = 0;
};
std::optional<X265Summary> parse_x265_summary(std::string_view log);

// x265's version as it announces itself ("HEVC encoder version 3.5+1-f0c1022b6"), or "".
std::string x265_version(std::string_view log);

// HandBrakeCLI's end of a successful job: "Encode done!" on stderr (HandBrake may exit 0
// after "No title found." or a failed job, so the exit status alone is not enough).
bool handbrake_finished(std::string_view log);

// "HandBrake 1.6.1" from `HandBrakeCLI --version`, "ffmpeg 5.1.9-0+deb12u1" from
// `ffmpeg -version`; "" when the text has neither.
std::string program_version(std::string_view version_output);

// The last `count` non-empty lines of `log`, with HandBrake's carriage-return progress
// overwrites reduced to their last state: what to quote when an encode fails.
std::string closing_lines(std::string_view log, std::size_t count);

}  // namespace transcode
