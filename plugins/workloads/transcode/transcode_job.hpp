// SPDX-License-Identifier: MIT
// What one transcode trial does, as data: the source clip (generated once, H.264), the
// target (H.265), and the argv of every program involved. Plain C++ without plugin.h, so
// the commands are tested as the exact lists the plugin spawns.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace transcode {

// Bump when the generated source changes (pattern, codec settings), so a cached clip of
// an older generator is never reused; it is part of the clip's file name.
inline constexpr unsigned kSourceGeneratorVersion = 1;

struct FrameSize {
  std::uint32_t width = 0, height = 0;
  friend bool operator==(const FrameSize&, const FrameSize&) = default;
};

// "3840x2160" -> {3840, 2160}. Both sides even (4:2:0 chroma) and from 16 to 16384;
// throws std::invalid_argument saying what is wrong otherwise.
FrameSize parse_frame_size(std::string_view text);
std::string to_string(const FrameSize& size);

enum class Encoder { handbrake, ffmpeg };
std::string_view encoder_name(Encoder encoder);     // "handbrake", "ffmpeg"
std::string_view encoder_program(Encoder encoder);  // "HandBrakeCLI", "ffmpeg"

struct TranscodeJob {
  FrameSize source{3840, 2160};
  FrameSize output{1920, 1080};
  std::uint32_t frames = 60;
  std::uint32_t frame_rate = 30;
  std::string preset = "medium";  // x265 preset
  double quality = 22;            // x265 constant quality: HandBrake RF, ffmpeg CRF
};

// The cached source clip's file name: every parameter that changes its bytes is in it.
std::string source_file_name(const TranscodeJob& job);

// ffmpeg writing the source clip: the lavfi testsrc2 pattern, H.264 (libx264, preset
// medium, CRF 18) in MP4. x264 threads are fixed, so the clip is the same bytes for a
// given x264 whatever the machine's core count.
std::vector<std::string> source_command(const TranscodeJob& job,
                                        const std::filesystem::path& output);

// The measured transcode to H.265 in Matroska, video only, scaled to job.output.
std::vector<std::string> transcode_command(Encoder encoder, const TranscodeJob& job,
                                           const std::filesystem::path& source,
                                           const std::filesystem::path& output);

// ffprobe reporting codec, size and the decoded frame count of the first video stream,
// one key=value per line.
std::vector<std::string> probe_command(const std::filesystem::path& file);

// The program's version banner request (`HandBrakeCLI --version`, `ffmpeg -version`).
std::vector<std::string> version_command(Encoder encoder);

}  // namespace transcode
