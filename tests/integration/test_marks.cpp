// SPDX-License-Identifier: MIT
// Phases marked inside a trial (benchlab/ext/mark.h) through the real worker: the
// workload's host offers the extension, a trial's marks reach PhaseOutcome::marks in
// order and inside the measured window, and what the header forbids is refused (a bad
// name, a mark outside run(), more than 1024 marks a trial).
#include <benchlab/plugin.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>

#include "phase_runner.h"

using namespace benchlab;
namespace fs = std::filesystem;

namespace {

class MarkTempDir {
 public:
  MarkTempDir() {
    std::string tmpl = (fs::temp_directory_path() / "benchlab-marks-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
    fs::create_directories(path_ / "scratch");
    fs::create_directories(path_ / "cache");
  }
  ~MarkTempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  MarkTempDir(const MarkTempDir&) = delete;
  MarkTempDir& operator=(const MarkTempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

PhaseRequest phasemark(const MarkTempDir& tmp,
                       std::vector<std::pair<std::string, std::string>> options = {}) {
  PhaseRequest r;
  r.worker = BENCHLAB_WORKER_PATH;
  r.plugin_path = std::string(WORKER_PLUGIN_DIR) + "/phasemark.so";
  r.plugin_id = "phasemark";
  r.options = std::move(options);
  r.scratch_dir = (tmp.path() / "scratch").string();
  r.cache_dir = (tmp.path() / "cache").string();
  r.timeout = std::chrono::seconds(30);
  r.kill_grace = std::chrono::milliseconds(500);
  return r;
}

double metric(const PhaseOutcome& o, const std::string& name) {
  for (const auto& [k, v] : o.metrics)
    if (k == name) return v;
  FAIL("metric " << name << " not reported");
  return 0;
}

}  // namespace

TEST_CASE("a workload's marks reach the outcome in order, inside the measured window",
          "[marks][integration]") {
  MarkTempDir tmp;
  ResultWorker rw(phasemark(tmp, {{"phase_ms", "20"}}), nullptr, nullptr);
  const PhaseOutcome setup = rw.setup();
  INFO(setup.reason << "\n" << setup.log);
  REQUIRE(setup.kind == PhaseOutcome::Kind::ok);
  CHECK(setup.marks.empty());
  // Setup is not a trial: mark() is refused there.
  CHECK_THAT(setup.log, Catch::Contains("mark in setup: " + std::to_string(BL_INVALID_ARGUMENT)));

  for (std::uint32_t trial = 0; trial < 2; ++trial) {
    const PhaseOutcome o = rw.trial(trial);
    INFO("trial " << trial << ": " << o.reason << "\n" << o.log);
    REQUIRE(o.kind == PhaseOutcome::Kind::ok);
    REQUIRE(o.marks.size() == 2);  // each trial its own, none carried over
    CHECK(o.marks[0].name == "prefill");
    CHECK(o.marks[1].name == "decode");
    CHECK(o.window.contains(o.marks[0].t_ns));
    CHECK(o.window.contains(o.marks[1].t_ns));
    // 20 ms of work between them, and after decode before run() returned.
    CHECK(o.marks[1].t_ns - o.marks[0].t_ns >= 20'000'000u);
    CHECK(o.window.end_ns - o.marks[1].t_ns >= 20'000'000u);
    // What the header forbids is refused with BL_INVALID_ARGUMENT and not recorded.
    CHECK(metric(o, "bad_name") == BL_INVALID_ARGUMENT);
    CHECK(metric(o, "long_name") == BL_INVALID_ARGUMENT);
    CHECK(metric(o, "in_parse") == BL_INVALID_ARGUMENT);  // parse() is outside run()
  }
  CHECK(rw.teardown().kind == PhaseOutcome::Kind::ok);
}

TEST_CASE("a trial keeps at most 1024 marks; the rest are refused", "[marks][integration]") {
  MarkTempDir tmp;
  ResultWorker rw(phasemark(tmp, {{"phase_ms", "0"}, {"extra", "1100"}}), nullptr, nullptr);
  const PhaseOutcome o = rw.trial(0);
  INFO(o.reason << "\n" << o.log);
  REQUIRE(o.kind == PhaseOutcome::Kind::ok);
  CHECK(metric(o, "extra") == 1022);  // prefill and decode took two of the 1024
  REQUIRE(o.marks.size() == 1024);
  CHECK(o.marks.back().name == "step");
  bool ordered = true;
  for (std::size_t i = 1; i < o.marks.size(); ++i)
    ordered = ordered && o.marks[i].t_ns >= o.marks[i - 1].t_ns;
  CHECK(ordered);
}
