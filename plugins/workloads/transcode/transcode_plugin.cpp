// The transcode workload: a 4K H.264 clip (generated once, cached) transcoded to 1080p
// H.265 by HandBrakeCLI, or by ffmpeg with libx265 where HandBrake is not installed. Every
// trial's output is checked with ffprobe: H.265, the asked size, every frame.
#include <benchlab/plugin.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <new>
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

// A setting a user got wrong; becomes BL_INVALID_ARGUMENT.
struct OptionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A status other than BL_OK with its reason, raised deep inside a phase.
struct PhaseStop : std::runtime_error {
  PhaseStop(int32_t status, const std::string& reason)
      : std::runtime_error(reason), status(status) {}
  int32_t status;
};

std::string string_option(const bl_host* host, const char* name) {
  const char* value = host->option(host, name);
  return value ? value : "";
}

long long int_option(const bl_host* host, const char* name, long long min, long long max) {
  const std::string value = string_option(host, name);
  long long parsed = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || parsed < min ||
      parsed > max)
    throw OptionError("option " + std::string(name) + " is '" + value +
                      "': give a whole number from " + std::to_string(min) + " to " +
                      std::to_string(max));
  return parsed;
}

double float_option(const bl_host* host, const char* name, double min, double max) {
  const std::string value = string_option(host, name);
  char* end = nullptr;
  const double parsed = std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0' || !(parsed >= min && parsed <= max))
    throw OptionError("option " + std::string(name) + " is '" + value + "': give a number from " +
                      std::to_string(min) + " to " + std::to_string(max));
  return parsed;
}

transcode::FrameSize size_option(const bl_host* host, const char* name) {
  try {
    return transcode::parse_frame_size(string_option(host, name));
  } catch (const std::invalid_argument& e) {
    throw OptionError("option " + std::string(name) + ": " + e.what());
  }
}

transcode::TranscodeJob read_job(const bl_host* host) {
  transcode::TranscodeJob job;
  job.source = size_option(host, "source_size");
  job.output = size_option(host, "output_size");
  job.frames = static_cast<std::uint32_t>(int_option(host, "frames", 1, 100000));
  job.frame_rate = static_cast<std::uint32_t>(int_option(host, "frame_rate", 1, 240));
  job.preset = string_option(host, "preset");
  job.quality = float_option(host, "quality", 0, 51);
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

struct Finished {
  int32_t exit_code = 0, term_signal = 0;
  uint64_t wall_ns = 0;
  std::string out, err;
};

std::string describe(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& arg : argv) text += (text.empty() ? "" : " ") + arg;
  return text;
}

Finished spawn(const bl_host* host, const std::vector<std::string>& argv, const fs::path& cwd,
               const char* hint) {
  std::vector<const char*> args;
  for (const auto& arg : argv) args.push_back(arg.c_str());
  args.push_back(nullptr);
  const std::string dir = cwd.string();
  bl_spawn request{};
  request.struct_size = sizeof request;
  request.argv = args.data();
  request.cwd = dir.c_str();
  bl_spawn_result result{};
  result.struct_size = sizeof result;
  const int32_t status = host->spawn(host, &request, &result);
  if (status == BL_CANCELLED) throw PhaseStop(BL_CANCELLED, describe(argv) + ": cancelled");
  if (status == BL_TIMEOUT) throw PhaseStop(BL_TIMEOUT, describe(argv) + ": timed out");
  if (status != BL_OK)
    throw PhaseStop(BL_CANNOT_RUN,
                    "cannot start '" + argv[0] + "': is it installed and on PATH? (" + hint + ")");
  Finished done;
  done.exit_code = result.exit_code;
  done.term_signal = result.term_signal;
  done.wall_ns = result.wall_ns;
  if (result.out) done.out.assign(result.out, result.out_size);
  if (result.err) done.err.assign(result.err, result.err_size);
  return done;
}

void require_success(const Finished& done, const std::vector<std::string>& argv) {
  if (done.exit_code == 0 && done.term_signal == 0) return;
  std::string reason = describe(argv) + " failed (" +
                       (done.term_signal != 0 ? "signal " + std::to_string(done.term_signal)
                                              : "exit status " + std::to_string(done.exit_code)) +
                       ")";
  const std::string said =
      transcode::closing_lines(done.err.empty() ? done.out : done.err, kErrorLines);
  if (!said.empty()) reason += "; its last lines:\n" + said;
  throw PhaseStop(BL_ERROR, reason);
}

// ffprobe's view of `file` against what it should be; throws PhaseStop naming `what`.
transcode::ProbedStream probe_and_check(const bl_host* host, const fs::path& file,
                                        const transcode::ExpectedStream& expected,
                                        const fs::path& cwd, const std::string& what) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) throw PhaseStop(BL_ERROR, what + " " + file.string() + " was not written");
  if (size == 0) throw PhaseStop(BL_ERROR, what + " " + file.string() + " is empty");
  const std::vector<std::string> argv = transcode::probe_command(file);
  const Finished probed = spawn(host, argv, cwd, kFfmpegHint);
  require_success(probed, argv);
  const transcode::ProbedStream stream = transcode::parse_probe(probed.out);
  const std::string mismatch = transcode::stream_mismatch(stream, expected);
  if (!mismatch.empty())
    throw PhaseStop(BL_ERROR, what + " " + file.string() + " is not what was asked: " + mismatch);
  return stream;
}

Encoder choose_encoder(const bl_host* host) {
  const std::string wanted = string_option(host, "encoder");
  const char* path = std::getenv("PATH");
  const bool have_handbrake =
      transcode::find_on_path("HandBrakeCLI", path ? path : "/usr/bin:/bin").has_value();
  if (wanted == "ffmpeg") return Encoder::ffmpeg;
  if (wanted == "handbrake") {
    if (!have_handbrake)
      throw PhaseStop(BL_CANNOT_RUN,
                      std::string("encoder=handbrake, but HandBrakeCLI is not on PATH (") +
                          kHandbrakeHint + "); encoder=ffmpeg uses ffmpeg's libx265 instead");
    return Encoder::handbrake;
  }
  if (wanted != "auto")
    throw OptionError("option encoder is '" + wanted + "': give auto, handbrake or ffmpeg");
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

template <typename Body>
int32_t guarded(const bl_host* host, Body&& body) noexcept {
  try {
    return body();
  } catch (const PhaseStop& e) {
    host->set_error(host, e.what());
    return e.status;
  } catch (const OptionError& e) {
    host->set_error(host, e.what());
    return BL_INVALID_ARGUMENT;
  } catch (const std::bad_alloc&) {
    host->set_error(host, "out of memory in the transcode plugin");
    return BL_NO_MEMORY;
  } catch (const std::exception& e) {
    host->set_error(host, e.what());
    return BL_ERROR;
  } catch (...) {
    host->set_error(host, "unknown exception in the transcode plugin");
    return BL_ERROR;
  }
}

struct Instance {
  const bl_host* host;
};

int32_t create(const bl_host* host, void** out_instance) {
  *out_instance = nullptr;
  return guarded(host, [&] {
    *out_instance = std::make_unique<Instance>(Instance{host}).release();
    return BL_OK;
  });
}

void destroy(void* instance) { std::unique_ptr<Instance>(static_cast<Instance*>(instance)); }

// Picks the encoder, checks it can encode H.265, and makes sure the source clip exists.
int32_t setup(void* instance) {
  const bl_host* host = static_cast<Instance*>(instance)->host;
  return guarded(host, [&] {
    const transcode::TranscodeJob job = read_job(host);
    const Layout layout(host, job);
    const Encoder encoder = choose_encoder(host);
    const char* hint = encoder == Encoder::handbrake ? kHandbrakeHint : kFfmpegHint;

    if (encoder == Encoder::ffmpeg) {
      const std::vector<std::string> list{"ffmpeg", "-hide_banner", "-encoders"};
      const Finished encoders = spawn(host, list, layout.scratch, kFfmpegHint);
      require_success(encoders, list);
      if (encoders.out.find(" libx265 ") == std::string::npos)
        throw PhaseStop(BL_CANNOT_RUN,
                        "this ffmpeg was built without the libx265 encoder (ffmpeg -encoders "
                        "does not list it); install a build with x265 (Debian's ffmpeg has it) "
                        "or HandBrakeCLI (" +
                            std::string(kHandbrakeHint) + ")");
    }
    const std::vector<std::string> ask = transcode::version_command(encoder);
    const Finished version = spawn(host, ask, layout.scratch, hint);
    std::string banner = transcode::program_version(version.out);
    if (banner.empty())
      banner = std::string(transcode::encoder_program(encoder)) + " (version unknown)";

    const std::string chosen = std::string(transcode::encoder_name(encoder));
    std::ofstream(layout.encoder_file) << chosen << "\n" << banner << "\n";
    host->log(host, BL_LOG_INFO,
              ("encoder: " + chosen + " (" + banner + ")" +
               (string_option(host, "encoder") == "auto" ? encoder == Encoder::handbrake
                                                               ? ", found on PATH"
                                                               : ", as HandBrakeCLI is not on PATH"
                                                         : ""))
                  .c_str());
    ensure_source(host, job, layout);
    return BL_OK;
  });
}

// One trial: the transcode (timed), then ffprobe decodes the result to check it.
int32_t run(void* instance) {
  const bl_host* host = static_cast<Instance*>(instance)->host;
  return guarded(host, [&] {
    const transcode::TranscodeJob job = read_job(host);
    const Layout layout(host, job);
    std::istringstream chosen(read_text(layout.encoder_file));
    std::string name, banner;
    std::getline(chosen, name);
    std::getline(chosen, banner);
    if (name != "handbrake" && name != "ffmpeg")
      throw PhaseStop(BL_ERROR,
                      layout.encoder_file.string() + " names no encoder: setup did not complete");
    const Encoder encoder = name == "handbrake" ? Encoder::handbrake : Encoder::ffmpeg;
    if (!fs::is_regular_file(layout.source))
      throw PhaseStop(BL_ERROR, "the source clip " + layout.source.string() +
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
    const Finished done = spawn(host, argv, layout.scratch,
                                encoder == Encoder::handbrake ? kHandbrakeHint : kFfmpegHint);
    require_success(done, argv);
    if (encoder == Encoder::handbrake && !transcode::handbrake_finished(done.err))
      throw PhaseStop(BL_ERROR, "HandBrakeCLI exited without \"Encode done!\"; its last lines:\n" +
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
                         ")\ncommand: " + describe(argv) + "\n";
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
    host->report_metric(host, "seconds", seconds);
    host->report_metric(host, "fps", fps);
    return BL_OK;
  });
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
    create,
    destroy,
    setup,
    run,
    nullptr,
    nullptr,
};

const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "transcode",
    "1.0.0",
    "4K H.264 to 1080p H.265 transcode with HandBrakeCLI (or ffmpeg + libx265)",
    "benchlab",
    &kWorkload,
    nullptr,
    nullptr,
};

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  if (host_abi_major_min > BL_ABI_MAJOR || host_abi_major_max < BL_ABI_MAJOR) return nullptr;
  return &kPlugin;
}
