// SPDX-License-Identifier: MIT
#include "transcode_job.hpp"

#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace transcode {
namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

}  // namespace

FrameSize parse_frame_size(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  const std::size_t x = text.find('x');
  if (x == std::string_view::npos)
    throw std::invalid_argument(quoted +
                                " is not a frame size: write WIDTHxHEIGHT, e.g. 3840x2160");
  FrameSize size;
  const auto side = [&](std::string_view digits, std::uint32_t& out, const char* what) {
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
      throw std::invalid_argument(quoted + ": the " + what +
                                  " is not a whole number; write WIDTHxHEIGHT, e.g. 3840x2160");
    if (out < 16 || out > 16384 || out % 2 != 0)
      throw std::invalid_argument(quoted + ": the " + what +
                                  " must be an even number from 16 to 16384 (4:2:0 video)");
  };
  side(text.substr(0, x), size.width, "width");
  side(text.substr(x + 1), size.height, "height");
  return size;
}

std::string to_string(const FrameSize& size) {
  return std::to_string(size.width) + "x" + std::to_string(size.height);
}

std::string_view encoder_name(Encoder encoder) {
  return encoder == Encoder::handbrake ? "handbrake" : "ffmpeg";
}

std::string_view encoder_program(Encoder encoder) {
  return encoder == Encoder::handbrake ? "HandBrakeCLI" : "ffmpeg";
}

std::string source_file_name(const TranscodeJob& job) {
  return "testsrc2-g" + std::to_string(kSourceGeneratorVersion) + "-" + to_string(job.source) +
         "-" + std::to_string(job.frame_rate) + "fps-" + std::to_string(job.frames) + "f-h264.mp4";
}

std::vector<std::string> source_command(const TranscodeJob& job,
                                        const std::filesystem::path& output) {
  return {"ffmpeg",
          "-nostdin",
          "-hide_banner",
          "-loglevel",
          "error",
          "-y",
          "-f",
          "lavfi",
          "-i",
          "testsrc2=size=" + to_string(job.source) + ":rate=" + std::to_string(job.frame_rate),
          "-frames:v",
          std::to_string(job.frames),
          "-c:v",
          "libx264",
          "-preset",
          "medium",
          "-crf",
          "18",
          "-pix_fmt",
          "yuv420p",
          "-x264-params",
          "threads=4",
          "-bitexact",
          "-f",
          "mp4",  // the file is written under a temporary name without .mp4
          output.string()};
}

std::vector<std::string> transcode_command(Encoder encoder, const TranscodeJob& job,
                                           const std::filesystem::path& source,
                                           const std::filesystem::path& output) {
  const std::string width = std::to_string(job.output.width);
  const std::string height = std::to_string(job.output.height);
  if (encoder == Encoder::handbrake)
    // No --preset: HandBrake 1.6 has no H.265 1080p preset, so the settings are explicit.
    // Without --crop-mode none HandBrake would crop borders it detects, and without
    // --non-anamorphic it may store another width than the one asked for.
    return {"HandBrakeCLI", "-i",        source.string(),     "-o",      output.string(),
            "--format",     "av_mkv",    "--encoder",         "x265",    "--encoder-preset",
            job.preset,     "--quality", number(job.quality), "--width", width,
            "--height",     height,      "--crop-mode",       "none",    "--non-anamorphic",
            "--audio",      "none"};
  return {"ffmpeg",       "-nostdin",
          "-hide_banner", "-y",
          "-i",           source.string(),
          "-map",         "0:v:0",
          "-vf",          "scale=" + width + ":" + height,
          "-c:v",         "libx265",
          "-preset",      job.preset,
          "-crf",         number(job.quality),
          "-an",          "-sn",
          "-nostats",     output.string()};
}

std::vector<std::string> probe_command(const std::filesystem::path& file) {
  return {"ffprobe",       "-v",
          "error",         "-select_streams",
          "v:0",           "-count_frames",
          "-show_entries", "stream=codec_name,width,height,nb_read_frames",
          "-of",           "default=noprint_wrappers=1",
          file.string()};
}

std::vector<std::string> version_command(Encoder encoder) {
  if (encoder == Encoder::handbrake) return {"HandBrakeCLI", "--version"};
  return {"ffmpeg", "-version"};
}

}  // namespace transcode
