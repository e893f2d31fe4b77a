// SPDX-License-Identifier: MIT
// transcode: the commands it spawns, ffprobe's and the encoders' output as captured from
// the real programs (tests/fixtures/transcode), and the plugin run end to end by the
// benchlab command line, on ffmpeg and on HandBrakeCLI where it is installed.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "encoder_log.hpp"
#include "program_search.hpp"
#include "sqlite_stmt.h"
#include "store.h"
#include "stream_probe.hpp"
#include "transcode_job.hpp"
#include "unit_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Catch::Matchers::Contains;
using transcode::Encoder;

const fs::path kFixtures = fs::path(FIXTURES_DIR) / "transcode";

std::string fixture(const std::string& name) {
  std::ifstream in(kFixtures / name, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

using unit::TempDir;

// `needle` appears in `argv` as consecutive arguments.
bool has_sequence(const std::vector<std::string>& argv, const std::vector<std::string>& needle) {
  return std::search(argv.begin(), argv.end(), needle.begin(), needle.end()) != argv.end();
}

std::string path_of_this_process() {
  const char* path = std::getenv("PATH");
  return path ? path : "/usr/bin:/bin";
}

bool installed(const std::string& program) {
  return transcode::find_on_path(program, path_of_this_process()).has_value();
}

using unit::CliRun;
using unit::run_benchlab;

// One result of `benchlab run transcode ... --json`, run with XDG directories and the
// store inside `home`, and PATH as given.
struct Outcome {
  json::object result;
  std::string outputs;  // every trial's raw output, as stored
};

Outcome run_transcode(const fs::path& home, const std::string& path,
                      const std::vector<std::string>& options) {
  std::vector<std::string> args{
      "run", "transcode", "-n",     "1",    "--warmup",
      "0",   "-q",        "--json", "--db", (home / "results.db").string()};
  for (const auto& option : options) {
    args.push_back("-o");
    args.push_back(option);
  }
  const CliRun ran =
      run_benchlab(args, {"XDG_DATA_HOME=" + (home / "data").string(),
                          "XDG_CACHE_HOME=" + (home / "cache").string(), "PATH=" + path});
  INFO("benchlab stderr: " << ran.err);
  INFO("benchlab stdout: " << ran.out);
  json::value doc;
  REQUIRE_NOTHROW(doc = json::parse(ran.out));
  const json::array& results = doc.at("results").as_array();
  REQUIRE(results.size() == 1);
  Outcome outcome{results[0].as_object(), {}};
  benchlab::Store store(home / "results.db");
  benchlab::Stmt trials(store.handle(), "SELECT output FROM trials ORDER BY id");
  while (trials.step()) outcome.outputs += trials.text(0);
  return outcome;
}

const std::vector<std::string> kTinyJob = {"source_size=320x180", "output_size=160x90", "frames=8"};

// A PATH with ffmpeg and ffprobe (when installed) and nothing else, so HandBrakeCLI is
// absent whatever this machine has.
std::string path_without_handbrake(const fs::path& dir) {
  fs::create_directories(dir);
  for (const char* program : {"ffmpeg", "ffprobe"})
    if (const auto found = transcode::find_on_path(program, path_of_this_process()))
      fs::create_symlink(*found, dir / program);
  return dir.string();
}

}  // namespace

TEST_CASE("frame sizes are read as WIDTHxHEIGHT and sizes x265 cannot take are refused",
          "[transcode]") {
  CHECK(transcode::parse_frame_size("3840x2160") == transcode::FrameSize{3840, 2160});
  CHECK(transcode::to_string(transcode::parse_frame_size("1920x1080")) == "1920x1080");
  CHECK_THROWS_WITH(transcode::parse_frame_size("1920*1080"), Contains("WIDTHxHEIGHT"));
  CHECK_THROWS_WITH(transcode::parse_frame_size("1921x1080"), Contains("width must be an even"));
  CHECK_THROWS_WITH(transcode::parse_frame_size("1920x8"), Contains("height must be an even"));
  CHECK_THROWS_WITH(transcode::parse_frame_size("x1080"), Contains("not a whole number"));
  CHECK_THROWS_WITH(transcode::parse_frame_size("4Kx2160"), Contains("not a whole number"));
}

TEST_CASE("the cached source clip's name changes with everything that changes its bytes",
          "[transcode]") {
  const transcode::TranscodeJob base;
  const std::string name = transcode::source_file_name(base);
  CHECK(name == "testsrc2-g1-3840x2160-30fps-60f-h264.mp4");
  transcode::TranscodeJob other = base;
  other.frames = 61;
  CHECK(transcode::source_file_name(other) != name);
  other = base;
  other.frame_rate = 25;
  CHECK(transcode::source_file_name(other) != name);
  other = base;
  other.source = {1920, 1080};
  CHECK(transcode::source_file_name(other) != name);
  // The output side does not touch the source: one clip serves every target.
  other = base;
  other.output = {1280, 720};
  other.preset = "slow";
  other.quality = 28;
  CHECK(transcode::source_file_name(other) == name);
}

TEST_CASE("the source clip is a fixed-thread x264 encode of testsrc2, so its bytes repeat",
          "[transcode]") {
  const auto argv = transcode::source_command(transcode::TranscodeJob{}, "/tmp/clip.part");
  CHECK(argv.front() == "ffmpeg");
  CHECK(has_sequence(argv, {"-i", "testsrc2=size=3840x2160:rate=30"}));
  CHECK(has_sequence(argv, {"-frames:v", "60"}));
  CHECK(has_sequence(argv, {"-c:v", "libx264"}));
  CHECK(has_sequence(argv, {"-x264-params", "threads=4"}));
  // Written under a temporary name, so the container cannot come from the extension.
  CHECK(has_sequence(argv, {"-f", "mp4", "/tmp/clip.part"}));
}

TEST_CASE("both encoders get the same x265 preset, quality and output size", "[transcode]") {
  transcode::TranscodeJob job;
  job.preset = "slow";
  job.quality = 20.5;
  const auto hb = transcode::transcode_command(Encoder::handbrake, job, "/in.mp4", "/out.mkv");
  CHECK(hb.front() == "HandBrakeCLI");
  CHECK(has_sequence(hb, {"-i", "/in.mp4", "-o", "/out.mkv"}));
  CHECK(has_sequence(hb, {"--encoder", "x265", "--encoder-preset", "slow"}));
  CHECK(has_sequence(hb, {"--quality", "20.5"}));
  CHECK(has_sequence(hb, {"--width", "1920", "--height", "1080"}));
  // HandBrake would otherwise crop what it takes for black borders and keep audio.
  CHECK(has_sequence(hb, {"--crop-mode", "none"}));
  CHECK(has_sequence(hb, {"--audio", "none"}));

  const auto ff = transcode::transcode_command(Encoder::ffmpeg, job, "/in.mp4", "/out.mkv");
  CHECK(ff.front() == "ffmpeg");
  CHECK(has_sequence(ff, {"-i", "/in.mp4"}));
  CHECK(has_sequence(ff, {"-vf", "scale=1920:1080"}));
  CHECK(has_sequence(ff, {"-c:v", "libx265", "-preset", "slow", "-crf", "20.5"}));
  CHECK(ff.back() == "/out.mkv");
  CHECK(std::find(ff.begin(), ff.end(), "-nostdin") != ff.end());  // never waits for a key
}

TEST_CASE("ffprobe's report of a real HandBrake 1080p output is the HEVC stream asked for",
          "[transcode]") {
  const auto stream = transcode::parse_probe(fixture("ffprobe-handbrake-1080p.stdout.txt"));
  CHECK(stream.codec == "hevc");
  CHECK(stream.width == 1920u);
  CHECK(stream.height == 1080u);
  CHECK(stream.frames == 60u);
  CHECK(transcode::stream_mismatch(stream, {"hevc", {1920, 1080}, 60}).empty());
  CHECK_THAT(transcode::stream_mismatch(stream, {"hevc", {1920, 1080}, 61}),
             Contains("60 frames, expected 61"));
}

TEST_CASE("the untouched 4K H.264 source does not pass for a transcode", "[transcode]") {
  const auto stream = transcode::parse_probe(fixture("ffprobe-source-4k.stdout.txt"));
  const std::string mismatch = transcode::stream_mismatch(stream, {"hevc", {1920, 1080}, 60});
  CHECK_THAT(mismatch, Contains("codec is h264, expected hevc"));
  CHECK_THAT(mismatch, Contains("frame size is 3840x2160, expected 1920x1080"));
  CHECK_THAT(mismatch, !Contains("frames, expected"));  // all 60 are there
}

TEST_CASE("an output cut short is caught by its decoded frame count", "[transcode]") {
  // The first 600 kB of the HandBrake output: ffprobe exits 0 and decodes 28 frames.
  const auto stream = transcode::parse_probe(fixture("ffprobe-truncated.stdout.txt"));
  CHECK(stream.codec == "hevc");
  CHECK(transcode::stream_mismatch(stream, {"hevc", {1920, 1080}, 60}) == "28 frames, expected 60");
}

TEST_CASE("no ffprobe output at all is three problems, not a pass", "[transcode]") {
  const std::string mismatch =
      transcode::stream_mismatch(transcode::parse_probe(""), {"hevc", {1920, 1080}, 60});
  CHECK_THAT(mismatch, Contains("no video stream"));
  CHECK_THAT(mismatch, Contains("no frame size"));
  CHECK_THAT(mismatch, Contains("could not count the frames"));
  CHECK_FALSE(transcode::parse_probe("codec_name=hevc\nnb_read_frames=N/A\n").frames.has_value());
}

TEST_CASE("x265's own summary is read from HandBrake's and ffmpeg's logs", "[transcode]") {
  const auto hb = transcode::parse_x265_summary(fixture("handbrake-4k-to-1080p.stderr.txt"));
  REQUIRE(hb.has_value());
  CHECK(hb->frames == 60);
  CHECK(hb->seconds == Approx(20.93));
  CHECK(hb->fps == Approx(2.87));
  const auto ff = transcode::parse_x265_summary(fixture("ffmpeg-4k-to-1080p.stderr.txt"));
  REQUIRE(ff.has_value());
  CHECK(ff->frames == 60);
  CHECK(ff->fps == Approx(3.42));
  CHECK(transcode::x265_version(fixture("handbrake-4k-to-1080p.stderr.txt")) == "3.5+1-f0c1022b6");
  CHECK(transcode::x265_version(fixture("ffmpeg-4k-to-1080p.stderr.txt")) == "3.5+1-f0c1022b6");
  CHECK_FALSE(transcode::parse_x265_summary(fixture("handbrake-missing-input.stderr.txt")));
}

TEST_CASE("HandBrake's finished job is told from its failed one", "[transcode]") {
  CHECK(transcode::handbrake_finished(fixture("handbrake-4k-to-1080p.stderr.txt")));
  const std::string failed = fixture("handbrake-missing-input.stderr.txt");
  CHECK_FALSE(transcode::handbrake_finished(failed));
  // What the error quotes: the reason, not the libdvdread banner.
  const std::string quoted = transcode::closing_lines(failed, 3);
  CHECK_THAT(quoted, Contains("No title found."));
  CHECK_THAT(quoted, !Contains("css library"));
  CHECK_THAT(transcode::closing_lines(fixture("ffmpeg-missing-input.stderr.txt"), 3),
             Contains("missing.mp4: No such file or directory"));
}

TEST_CASE("HandBrake's carriage-return progress collapses in quoted output", "[transcode]") {
  const std::string quoted =
      transcode::closing_lines(fixture("handbrake-4k-to-1080p.stdout.txt"), 2);
  CHECK(std::count(quoted.begin(), quoted.end(), '\n') == 1);
  CHECK_THAT(quoted, Contains("Muxing"));
}

TEST_CASE("the encoders' versions are read from their banners", "[transcode]") {
  CHECK(transcode::program_version(fixture("handbrake-version.stdout.txt")) == "HandBrake 1.6.1");
  CHECK(transcode::program_version(fixture("ffmpeg-version.stdout.txt")) ==
        "ffmpeg 5.1.9-0+deb12u1");
  // HandBrake's stderr says "HandBrake has exited.", which is no version.
  CHECK(transcode::program_version(fixture("handbrake-version.stderr.txt")).empty());
}

TEST_CASE("programs are found on PATH only as executable files", "[transcode]") {
  TempDir tmp;
  const fs::path a = tmp.path / "a", b = tmp.path / "b";
  fs::create_directories(a);
  fs::create_directories(b);
  std::ofstream(a / "HandBrakeCLI") << "#!/bin/sh\n";  // not executable
  std::ofstream(b / "HandBrakeCLI") << "#!/bin/sh\n";
  fs::permissions(b / "HandBrakeCLI", fs::perms::owner_all);
  fs::create_directories(a / "ffmpeg");  // a directory is no program
  const std::string path = a.string() + ":" + b.string();
  CHECK(transcode::find_on_path("HandBrakeCLI", path) == (b / "HandBrakeCLI").string());
  CHECK_FALSE(transcode::find_on_path("ffmpeg", path));
  CHECK_FALSE(transcode::find_on_path("", path));
}

TEST_CASE("benchlab runs transcode with ffmpeg end to end, or says it cannot", "[transcode][e2e]") {
  TempDir home;
  const Outcome run = run_transcode(home.path, path_of_this_process(), [] {
    auto o = kTinyJob;
    o.push_back("encoder=ffmpeg");
    return o;
  }());
  if (!installed("ffmpeg")) {
    CHECK(run.result.at("status").as_string() == "cannot_run");
    CHECK_THAT(std::string(run.result.at("reason").as_string()),
               Contains("apt-get install ffmpeg"));
    return;
  }
  INFO("reason: " << run.result.at("reason"));
  REQUIRE(run.result.at("status").as_string() == "ok");
  const json::array& trials = run.result.at("trials").as_array();
  REQUIRE(trials.size() == 1);
  const json::object& values = trials[0].at("values").as_object();
  const double seconds = values.at("seconds").to_number<double>();
  CHECK(seconds > 0);
  CHECK(values.at("fps").to_number<double>() == Approx(8 / seconds).epsilon(1e-6));
  CHECK_THAT(run.outputs, Contains("transcode: encoder=ffmpeg (ffmpeg "));
  CHECK_THAT(run.outputs, Contains("-> 160x90 hevc 8 frames"));
  // The result says which ffmpeg encoded: the version `ffmpeg -version` prints.
  const json::array& programs = run.result.at("programs").as_array();
  REQUIRE(programs.size() == 1);
  CHECK(programs[0].at("name").as_string() == "ffmpeg");
  CHECK_THAT(std::string(programs[0].at("version").as_string()),
             Catch::Matches(R"(n?\d+(\.\d+)*\S*)"));
  CHECK_THAT(std::string(programs[0].at("path").as_string()), Catch::EndsWith("/ffmpeg"));
  // The source clip stays in the cache for the next run.
  CHECK(fs::exists(home.path / "cache" / "benchlab" / "transcode" / "1.0.0" /
                   "testsrc2-g1-320x180-30fps-8f-h264.mp4"));
}

TEST_CASE(
    "encoder=auto falls back to ffmpeg, and encoder=handbrake cannot run, without "
    "HandBrakeCLI",
    "[transcode][e2e]") {
  TempDir home;
  const std::string path = path_without_handbrake(home.path / "bin");
  auto options = kTinyJob;
  options.push_back("encoder=handbrake");
  const Outcome forced = run_transcode(home.path, path, options);
  CHECK(forced.result.at("status").as_string() == "cannot_run");
  const std::string reason(forced.result.at("reason").as_string());
  CHECK_THAT(reason, Contains(installed("ffmpeg") ? "apt-get install handbrake-cli"
                                                  : "apt-get install ffmpeg"));
  if (!installed("ffmpeg")) return;
  CHECK_THAT(reason, Contains("HandBrakeCLI is not on PATH"));

  options.back() = "encoder=auto";
  const Outcome fallback = run_transcode(home.path, path, options);
  CHECK(fallback.result.at("status").as_string() == "ok");
  CHECK_THAT(fallback.outputs, Contains("encoder=ffmpeg"));
}

TEST_CASE("benchlab runs transcode with HandBrakeCLI end to end, or says it cannot",
          "[transcode][e2e]") {
  TempDir home;
  auto options = kTinyJob;
  options.push_back("encoder=handbrake");
  const Outcome run = run_transcode(home.path, path_of_this_process(), options);
  if (!installed("HandBrakeCLI") || !installed("ffmpeg")) {
    CHECK(run.result.at("status").as_string() == "cannot_run");
    CHECK_THAT(std::string(run.result.at("reason").as_string()), Contains("apt-get install"));
    return;
  }
  INFO("reason: " << run.result.at("reason"));
  REQUIRE(run.result.at("status").as_string() == "ok");
  CHECK_THAT(run.outputs, Contains("transcode: encoder=handbrake (HandBrake "));
  CHECK_THAT(run.outputs, Contains("-> 160x90 hevc 8 frames"));
  // The result says which ffmpeg encoded: the version `ffmpeg -version` prints.
  const json::array& programs = run.result.at("programs").as_array();
  REQUIRE(programs.size() == 1);
  CHECK(programs[0].at("name").as_string() == "ffmpeg");
  CHECK_THAT(std::string(programs[0].at("version").as_string()),
             Catch::Matches(R"(n?\d+(\.\d+)*\S*)"));
  CHECK_THAT(std::string(programs[0].at("path").as_string()), Catch::EndsWith("/ffmpeg"));
  CHECK(run.result.at("trials").at(0).at("values").at("fps").to_number<double>() > 0);
}

TEST_CASE("without ffmpeg the transcode cannot run, and says what to install", "[transcode][e2e]") {
  TempDir home;
  fs::create_directories(home.path / "empty-bin");
  const Outcome run = run_transcode(home.path, (home.path / "empty-bin").string(), kTinyJob);
  CHECK(run.result.at("status").as_string() == "cannot_run");
  CHECK_THAT(std::string(run.result.at("reason").as_string()),
             Contains("ffmpeg not found on PATH (apt-get install ffmpeg)"));
  CHECK(run.result.at("trials").as_array().empty());
}
