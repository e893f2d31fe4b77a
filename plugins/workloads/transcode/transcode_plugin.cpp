// SPDX-License-Identifier: MIT
// The transcode workload: a 4K H.264 clip (generated once, cached) transcoded to 1080p
// H.265 by HandBrakeCLI, or by ffmpeg with libx265 where HandBrake is not installed. Every
// trial's output is checked with ffprobe: H.265, the asked size, every frame.
#include <unistd.h>

#include <benchlab/plugin.hpp>
#include <benchlab_common/host_extensions.hpp>
#include <benchlab_common/program_version.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "encoder_log.hpp"
#include "program_search.hpp"
#include "stream_probe.hpp"
#include "transcode_job.hpp"

namespace {

namespace fs = std::filesystem;
using transcode::Encoder;

constexpr char kFfmpegHint[] = "apt-get install ffmpeg";
constexpr char kHandbrakeHint[] = "apt-get install handbrake-cli";
constexpr std::size_t kErrorLines = 15;

namespace sdk = benchlab::sdk;
namespace common = benchlab::common;
using sdk::failure;

constexpr sdk::option_texts kIntTexts{
    .invalid = "option {name} is '{value}': give a whole number from {min} to {max}"};
constexpr sdk::option_texts kFloatTexts{
    .invalid = "option {name} is '{value}': give a number from {min:f} to {max:f}"};

transcode::FrameSize size_option(const bl_host* host, const char* name) {
  try {
    return transcode::parse_frame_size(sdk::option_string(host, name));
  } catch (const std::invalid_argument& e) {
    throw sdk::invalid_option("option " + std::string(name) + ": " + e.what());
  }
}

transcode::TranscodeJob read_job(const bl_host* host) {
  transcode::TranscodeJob job;
  job.source = size_option(host, "source_size");
  job.output = size_option(host, "output_size");
  job.frames = static_cast<std::uint32_t>(sdk::option_int(host, "frames", 1, 100000, kIntTexts));
  job.frame_rate =
      static_cast<std::uint32_t>(sdk::option_int(host, "frame_rate", 1, 240, kIntTexts));
  job.preset = sdk::option_string(host, "preset");
  job.quality = sdk::option_float(host, "quality", 0, 51, kFloatTexts);
  return job;
}

struct Layout {
  fs::path scratch, encoder_file, output, source;
  Layout(const bl_host* host, const transcode::TranscodeJob& job) {
    if (host->scratch_dir == nullptr || *host->scratch_dir == '\0')
      throw std::runtime_error("the host gave no scratch directory");
    scratch = fs::absolute(host->scratch_dir);
    encoder_file = scratch / "encoder.txt";  // setup's choice, so every trial uses the same
    output = scratch / "transcoded.mkv";
    // The clip takes minutes to encode at 4K on a small machine: make it once per plugin
    // version and keep it, unless the host gave no cache.
    const bool cached = host->cache_dir != nullptr && *host->cache_dir != '\0';
    source = (cached ? fs::path(host->cache_dir) : scratch) / transcode::source_file_name(job);
  }
};

constexpr sdk::spawn_texts kSpawnTexts{
    .cancelled = "{command}: cancelled",
    .timed_out = "{command}: timed out",
    .not_started = "cannot start '{program}': is it installed and on PATH? ({hint})",
};

sdk::spawn_result spawn(const bl_host* host, const std::vector<std::string>& argv,
                        const fs::path& cwd, const char* hint) {
  sdk::spawn_texts texts = kSpawnTexts;
  texts.hint = hint;
  return sdk::spawn_checked(host, {.argv = argv, .cwd = cwd.string()}, texts);
}

void require_success(const sdk::spawn_result& done, const std::vector<std::string>& argv) {
  sdk::require_success(done, sdk::command_text(argv), {}, kErrorLines, transcode::closing_lines);
}

// ffprobe's view of `file` against what it should be; throws failure naming `what`.
transcode::ProbedStream probe_and_check(const bl_host* host, const fs::path& file,
                                        const transcode::ExpectedStream& expected,
                                        const fs::path& cwd, const std::string& what) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) throw failure(BL_ERROR, what + " " + file.string() + " was not written");
  if (size == 0) throw failure(BL_ERROR, what + " " + file.string() + " is empty");
  const std::vector<std::string> argv = transcode::probe_command(file);
  const sdk::spawn_result probed = spawn(host, argv, cwd, kFfmpegHint);
  require_success(probed, argv);
  const transcode::ProbedStream stream = transcode::parse_probe(probed.out);
  const std::string mismatch = transcode::stream_mismatch(stream, expected);
  if (!mismatch.empty())
    throw failure(BL_ERROR, what + " " + file.string() + " is not what was asked: " + mismatch);
  return stream;
}

Encoder choose_encoder(const bl_host* host) {
  const std::string wanted = sdk::option_string(host, "encoder");
  const char* path = std::getenv("PATH");
  const bool have_handbrake =
      transcode::find_on_path("HandBrakeCLI", path ? path : "/usr/bin:/bin").has_value();
  if (wanted == "ffmpeg") return Encoder::ffmpeg;
  if (wanted == "handbrake") {
    if (!have_handbrake)
      throw failure(BL_CANNOT_RUN,
                    std::string("encoder=handbrake, but HandBrakeCLI is not on PATH (") +
                        kHandbrakeHint + "); encoder=ffmpeg uses ffmpeg's libx265 instead");
    return Encoder::handbrake;
  }
  if (wanted != "auto")
    throw sdk::invalid_option("option encoder is '" + wanted + "': give auto, handbrake or ffmpeg");
  return have_handbrake ? Encoder::handbrake : Encoder::ffmpeg;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Generates the source clip unless a finished one is there. Written under a temporary
// name and renamed, so a clip cut short (a killed setup, a full disk) is never reused,
// and two results generating at once both end with a whole file.
void ensure_source(const bl_host* host, const transcode::TranscodeJob& job, const Layout& layout) {
  std::error_code ec;
  const auto existing = fs::file_size(layout.source, ec);
  if (!ec && existing > 0) {
    host->log(host, BL_LOG_INFO, ("reusing the source clip " + layout.source.string()).c_str());
    return;
  }
  fs::create_directories(layout.source.parent_path());
  fs::path partial = layout.source;
  partial += ".part-" + std::to_string(getpid());
  host->log(host, BL_LOG_INFO, ("generating the source clip " + layout.source.string()).c_str());
  host->progress(host, -1.0, ("generating the " + to_string(job.source) + " source clip").c_str());
  const std::vector<std::string> argv = transcode::source_command(job, partial);
  try {
    require_success(spawn(host, argv, layout.scratch, kFfmpegHint), argv);
    probe_and_check(host, partial, {"h264", job.source, job.frames}, layout.scratch,
                    "the generated source clip");
  } catch (...) {
    fs::remove(partial, ec);
    throw;
  }
  fs::rename(partial, layout.source);
}

constexpr sdk::guard_texts kGuard{
    .out_of_memory = "out of memory in the transcode plugin",
    .unknown = "unknown exception in the transcode plugin",
};

using Entry = sdk::entry_points<sdk::host_instance, kGuard>;

// Picks the encoder, checks it can encode H.265, and makes sure the source clip exists.
int32_t setup(const bl_host* host) {
  const transcode::TranscodeJob job = read_job(host);
  const Layout layout(host, job);
  const Encoder encoder = choose_encoder(host);
  const char* hint = encoder == Encoder::handbrake ? kHandbrakeHint : kFfmpegHint;

  if (encoder == Encoder::ffmpeg) {
    const std::vector<std::string> list{"ffmpeg", "-hide_banner", "-encoders"};
    const sdk::spawn_result encoders = spawn(host, list, layout.scratch, kFfmpegHint);
    require_success(encoders, list);
    if (encoders.out.find(" libx265 ") == std::string::npos)
      throw failure(BL_CANNOT_RUN,
                    "this ffmpeg was built without the libx265 encoder (ffmpeg -encoders "
                    "does not list it); install a build with x265 (Debian's ffmpeg has it) "
                    "or HandBrakeCLI (" +
                        std::string(kHandbrakeHint) + ")");
  }
  const std::vector<std::string> ask = transcode::version_command(encoder);
  const sdk::spawn_result version = spawn(host, ask, layout.scratch, hint);
  std::string banner = transcode::program_version(version.out);
  const std::string program(transcode::encoder_program(encoder));
  if (banner.empty()) {
    banner = program + " (version unknown)";
  } else {
    // "ffmpeg 5.1.9-0+deb12u1": the result records which encoder build produced it.
    common::report_program(host, program, banner.substr(banner.find(' ') + 1),
                           common::find_on_path(program));
  }

  const std::string chosen = std::string(transcode::encoder_name(encoder));
  std::ofstream(layout.encoder_file) << chosen << "\n" << banner << "\n";
  host->log(
      host, BL_LOG_INFO,
      ("encoder: " + chosen + " (" + banner + ")" +
       (sdk::option_string(host, "encoder") == "auto"
            ? encoder == Encoder::handbrake ? ", found on PATH" : ", as HandBrakeCLI is not on PATH"
            : ""))
          .c_str());
  ensure_source(host, job, layout);
  return BL_OK;
}

// One trial: the transcode (timed), then ffprobe decodes the result to check it.
int32_t run(const bl_host* host) {
  const transcode::TranscodeJob job = read_job(host);
  const Layout layout(host, job);
  std::istringstream chosen(read_text(layout.encoder_file));
  std::string name, banner;
  std::getline(chosen, name);
  std::getline(chosen, banner);
  if (name != "handbrake" && name != "ffmpeg")
    throw failure(BL_ERROR,
                  layout.encoder_file.string() + " names no encoder: setup did not complete");
  const Encoder encoder = name == "handbrake" ? Encoder::handbrake : Encoder::ffmpeg;
  if (!fs::is_regular_file(layout.source))
    throw failure(BL_ERROR, "the source clip " + layout.source.string() +
                                " is missing: setup did not complete, or the cache was "
                                "cleared since");

  std::error_code ec;
  fs::remove(layout.output, ec);
  const std::vector<std::string> argv =
      transcode::transcode_command(encoder, job, layout.source, layout.output);
  host->log(host, BL_LOG_INFO, ("encoder: " + name + " (" + banner + ")").c_str());
  host->progress(host, -1.0,
                 ("transcoding " + std::to_string(job.frames) + " frames with " +
                  std::string(transcode::encoder_program(encoder)))
                     .c_str());
  const sdk::spawn_result done = spawn(
      host, argv, layout.scratch, encoder == Encoder::handbrake ? kHandbrakeHint : kFfmpegHint);
  require_success(done, argv);
  if (encoder == Encoder::handbrake && !transcode::handbrake_finished(done.err))
    throw failure(BL_ERROR, "HandBrakeCLI exited without \"Encode done!\"; its last lines:\n" +
                                transcode::closing_lines(done.err, kErrorLines));
  probe_and_check(host, layout.output, {"hevc", job.output, job.frames}, layout.scratch,
                  "the transcoded file");
  const auto bytes = fs::file_size(layout.output);
  fs::remove(layout.output, ec);

  const double seconds = static_cast<double>(done.wall_ns) / 1e9;
  const double fps = seconds > 0 ? job.frames / seconds : 0;
  std::string x265 = transcode::x265_version(done.err);
  char line[512];
  std::string record = "transcode: encoder=" + name + " (" + banner + ", x265 " +
                       (x265.empty() ? "version unknown" : x265) +
                       ")\ncommand: " + sdk::command_text(argv) + "\n";
  std::snprintf(line, sizeof line,
                "result: %s h264 %u frames (source generator %u) -> %s hevc %u frames, %ju "
                "bytes, %.3f s, %.3f fps\n",
                to_string(job.source).c_str(), job.frames, transcode::kSourceGeneratorVersion,
                to_string(job.output).c_str(), job.frames, static_cast<std::uintmax_t>(bytes),
                seconds, fps);
  record += line;
  if (const auto summary = transcode::parse_x265_summary(done.err)) {
    std::snprintf(line, sizeof line, "x265: %ju frames in %.2f s, %.2f fps\n",
                  static_cast<std::uintmax_t>(summary->frames), summary->seconds, summary->fps);
    record += line;
  }
  host->append_output(host, record.data(), record.size());
  sdk::report_metric(host, "seconds", seconds);
  sdk::report_metric(host, "fps", fps);
  return BL_OK;
}

const char* const kEncoders[] = {"auto", "handbrake", "ffmpeg", nullptr};
const char* const kPresets[] = {"ultrafast", "superfast", "veryfast", "faster",  "fast", "medium",
                                "slow",      "slower",    "veryslow", "placebo", nullptr};

const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "encoder", BL_OPTION_ENUM, 0, "auto", kEncoders, 0, 0,
     "auto: HandBrakeCLI when on PATH, else ffmpeg; handbrake or ffmpeg to insist on one"},
    {sizeof(bl_option_desc), "source_size", BL_OPTION_STRING, 0, "3840x2160", nullptr, 0, 0,
     "frame size of the generated H.264 source clip, WIDTHxHEIGHT"},
    {sizeof(bl_option_desc), "output_size", BL_OPTION_STRING, 0, "1920x1080", nullptr, 0, 0,
     "frame size of the H.265 output, WIDTHxHEIGHT"},
    {sizeof(bl_option_desc), "frames", BL_OPTION_INT, 0, "60", nullptr, 1, 100000,
     "frames of the source clip, all transcoded"},
    {sizeof(bl_option_desc), "frame_rate", BL_OPTION_INT, 0, "30", nullptr, 1, 240,
     "frames per second of the source clip"},
    {sizeof(bl_option_desc), "preset", BL_OPTION_ENUM, 0, "medium", kPresets, 0, 0,
     "x265 speed preset"},
    {sizeof(bl_option_desc), "quality", BL_OPTION_FLOAT, 0, "22", nullptr, 0, 51,
     "x265 constant quality (HandBrake RF, ffmpeg CRF); lower is better quality"},
};

const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "seconds", "s", BL_LOWER_IS_BETTER,
     "wall time of the transcode, from program start to exit"},
    {sizeof(bl_metric_desc), "fps", "frames/s", BL_HIGHER_IS_BETTER,
     "frames transcoded per second of that wall time"},
};

const bl_requirement kRequirements[] = {
    {sizeof(bl_requirement), BL_REQ_PROGRAM, "ffmpeg", 0, kFfmpegHint},
    {sizeof(bl_requirement), BL_REQ_PROGRAM, "ffprobe", 0, kFfmpegHint},
};

const bl_workload kWorkload = {
    sizeof(bl_workload),
    0,
    sizeof kOptions / sizeof kOptions[0],
    kOptions,
    sizeof kMetrics / sizeof kMetrics[0],
    kMetrics,
    sizeof kRequirements / sizeof kRequirements[0],
    kRequirements,
    Entry::create,
    Entry::destroy,
    Entry::call<setup>,
    Entry::call<run>,
    nullptr,
    nullptr,
};

constexpr bl_plugin kPlugin = sdk::workload_plugin(
    "transcode", "1.0.0",
    "4K H.264 to 1080p H.265 transcode with HandBrakeCLI (or ffmpeg + libx265)", "benchlab",
    kWorkload);

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  return benchlab::sdk::offer(kPlugin, host_abi_major_min, host_abi_major_max);
}
