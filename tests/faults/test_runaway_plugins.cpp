// SPDX-License-Identifier: MIT
// Plugins that run away from the harness: a flood of output on stdout, stderr, log frames
// or raw output; processes left behind (a child, an orphaned grandchild holding the
// frame pipe, one that left the process group); a frame pipe closed behind the host's
// back. Each trial ends with an outcome and, when it fails, a reason; benchlab's memory
// stays bounded; nothing of the plugin's process group survives the trial; nothing hangs.
#include <signal.h>

#include <catch2/catch.hpp>
#include <regex>

#include "fault_fixture.h"

using namespace it;
using namespace ft;
using Catch::Matchers::Contains;

namespace {

constexpr std::uint64_t kMiB = 1u << 20;
// The trial's stored log: the worker's stderr tail and log lines, each capped at 64 KiB.
constexpr std::size_t kStoredLogCap = 128u << 10;

struct Outcome {
  Exit exit;
  std::uint64_t peak_hwm = 0;  // benchlab's own VmHWM, sampled
  std::vector<StoredTrial> trials;
  std::string output;  // what benchlab printed
};

// `benchlab run PLUGIN -o ... -n 1` as a child process, its memory sampled.
Outcome run_plugin(const TempDir& tmp, const std::string& plugin,
                   const std::vector<std::string>& options, double timeout_s = 0) {
  static int runs = 0;
  const fs::path db = tmp.path() / "results.db";
  const fs::path log = tmp.path() / ("benchlab-" + std::to_string(++runs) + ".log");
  std::vector<std::string> args = {"run", plugin, "-n", "1", "-q"};
  for (const auto& o : options) {
    args.push_back("-o");
    args.push_back(o);
  }
  if (timeout_s > 0) {
    args.push_back("--timeout");
    args.push_back(std::to_string(timeout_s));
  }
  Outcome o;
  o.exit = run_benchlab(store_args(db, args), log, {}, &o.peak_hwm);
  o.output = read_file(log);
  Db d(db);
  o.trials = stored_trials(d, d.integer("SELECT MAX(id) FROM runs"), 1);
  return o;
}

std::string mib(std::uint64_t b) { return std::to_string(double(b) / double(kMiB)) + " MiB"; }

// "left pid P in process group G" from a trial's log.
std::pair<pid_t, pid_t> left_behind(const std::string& log) {
  std::smatch m;
  static const std::regex re("left pid ([0-9]+) in process group ([0-9]+)");
  if (!std::regex_search(log, m, re)) return {0, 0};
  return {std::stoi(m[1]), std::stoi(m[2])};
}

bool alive(pid_t pid) {
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z';
}

}  // namespace

TEST_CASE("1 GiB printed to stdout: the trial succeeds and benchlab stays under 100 MB",
          "[flood][integration]") {
  TempDir tmp;
  // What the same benchlab takes for a trial that prints nothing, for the report.
  Outcome quiet = run_plugin(tmp, "flood", {"kib=0"});
  Outcome o = run_plugin(tmp, "flood", {"stream=stdout", "kib=1048576"});
  INFO("benchlab output:\n" << o.output);
  WARN("peak RSS of benchlab: " << mib(quiet.peak_hwm) << " for a silent trial, " << mib(o.peak_hwm)
                                << " (VmHWM) / " << mib(o.exit.max_rss_bytes)
                                << " (wait4, workers included) for 1 GiB on stdout, in "
                                << o.exit.elapsed.count() << " s");
  CHECK(o.exit.describe() == "exit status 0");
  REQUIRE(o.trials.size() == 1);
  CHECK(o.trials[0].ok);
  CHECK(o.trials[0].value == 1.0);
  // The stored log is the end of what it printed, not a gigabyte.
  CHECK(o.trials[0].log.size() <= kStoredLogCap);
  CHECK_THAT(o.trials[0].log, Contains("flood line 1048575 "));
#if defined(__SANITIZE_ADDRESS__)
  WARN("AddressSanitizer build: its quarantine inflates RSS; the 100 MB bound is not checked");
#else
  CHECK(o.peak_hwm > 0);
  CHECK(o.peak_hwm < 100'000'000u);
  CHECK(o.exit.max_rss_bytes < 100'000'000u);
#endif
}

TEST_CASE("stderr without end: the trial times out with its last lines, memory bounded",
          "[flood][integration]") {
  TempDir tmp;
  Outcome o = run_plugin(tmp, "flood", {"stream=stderr", "kib=-1"}, 2);
  INFO("benchlab output:\n" << o.output);
  WARN("peak RSS of benchlab under endless stderr: " << mib(o.peak_hwm));
  CHECK(o.exit.describe() == "exit status 1");  // some trials failed
  CHECK(o.exit.elapsed.count() < 20);
  REQUIRE(o.trials.size() == 1);
  CHECK_FALSE(o.trials[0].ok);
  CHECK_THAT(o.trials[0].reason, Contains("run() timed out after 2 s"));
  CHECK_THAT(o.trials[0].reason, Contains("last output: flood line"));
  CHECK(o.trials[0].reason.size() < 16u << 10);
  CHECK(o.trials[0].log.size() <= kStoredLogCap);
#if !defined(__SANITIZE_ADDRESS__)
  CHECK(o.peak_hwm < 100'000'000u);
#endif
}

TEST_CASE("log lines without end on the frame channel: timed out, memory bounded",
          "[flood][integration]") {
  TempDir tmp;
  Outcome o = run_plugin(tmp, "flood", {"stream=log", "kib=-1"}, 2);
  INFO("benchlab output:\n" << o.output);
  WARN("peak RSS of benchlab under endless log frames: " << mib(o.peak_hwm));
  CHECK(o.exit.describe() == "exit status 1");
  CHECK(o.exit.elapsed.count() < 20);
  REQUIRE(o.trials.size() == 1);
  CHECK_FALSE(o.trials[0].ok);
  CHECK_THAT(o.trials[0].reason, Contains("timed out after 2 s"));
  CHECK(o.trials[0].log.size() <= kStoredLogCap);
  CHECK_THAT(o.trials[0].log, Contains("flood line"));
#if !defined(__SANITIZE_ADDRESS__)
  CHECK(o.peak_hwm < 100'000'000u);
#endif
}

TEST_CASE("raw output without end is cut at the host's cap and the store keeps 1 MiB",
          "[flood][integration]") {
  TempDir tmp;
  Outcome o = run_plugin(tmp, "flood", {"stream=output", "kib=-1"}, 30);
  INFO("benchlab output:\n" << o.output);
  WARN("peak RSS of benchlab under endless raw output: " << mib(o.peak_hwm));
  REQUIRE(o.trials.size() == 1);
  CHECK_FALSE(o.trials[0].ok);
  CHECK_THAT(o.trials[0].reason, Contains("raw output exceeds 16 MiB"));
  Db d(tmp.path() / "results.db");
  CHECK(d.integer("SELECT length(output) FROM trials") == 1 << 20);
#if !defined(__SANITIZE_ADDRESS__)
  CHECK(o.peak_hwm < 100'000'000u);
#endif
}

TEST_CASE("a child that ignores SIGTERM and never exits does not outlive its trial",
          "[orphans][integration]") {
  TempDir tmp;
  Outcome o = run_plugin(tmp, "rogue", {"leave=child"});
  INFO("benchlab output:\n" << o.output);
  CHECK(o.exit.describe() == "exit status 0");
  CHECK(o.exit.elapsed.count() < 10);
  REQUIRE(o.trials.size() == 1);
  CHECK(o.trials[0].ok);
  auto [pid, group] = left_behind(o.trials[0].log);
  INFO("trial log: " << o.trials[0].log);
  REQUIRE(pid > 0);
  CHECK(wait_until([group = group] { return live_group_members(group).empty(); },
                   std::chrono::milliseconds(1000)));
}

TEST_CASE(
    "an orphaned grandchild holding the frame pipe neither delays the trial nor "
    "survives it",
    "[orphans][integration]") {
  TempDir tmp;
  Outcome o = run_plugin(tmp, "rogue", {"leave=daemon"});
  INFO("benchlab output:\n" << o.output);
  CHECK(o.exit.describe() == "exit status 0");
  CHECK(o.exit.elapsed.count() < 10);  // not waiting for an EOF that never comes
  REQUIRE(o.trials.size() == 1);
  CHECK(o.trials[0].ok);
  CHECK(o.trials[0].value == 1.0);
  CHECK(o.trials[0].wall_ns < 5'000'000'000LL);
  auto [pid, group] = left_behind(o.trials[0].log);
  INFO("trial log: " << o.trials[0].log);
  REQUIRE(pid > 0);
  CHECK(pid != group);  // a grandchild, not the worker
  CHECK(wait_until([group = group] { return live_group_members(group).empty(); },
                   std::chrono::milliseconds(1000)));
}

TEST_CASE(
    "a daemon that left the process group and session neither hangs the trial nor "
    "survives it",
    "[orphans][integration]") {
  TempDir tmp;
  Outcome o = run_plugin(tmp, "rogue", {"leave=setsid"});
  INFO("benchlab output:\n" << o.output);
  REQUIRE(o.trials.size() == 1);
  auto [pid, group] = left_behind(o.trials[0].log);
  INFO("trial log: " << o.trials[0].log);
  REQUIRE(pid > 0);
  CHECK(group == pid);  // it really left the worker's group
  const bool ended =
      wait_until([pid = pid] { return !alive(pid); }, std::chrono::milliseconds(1000));
  if (!ended) kill(pid, SIGKILL);
  CHECK(ended);
  CHECK(o.exit.describe() == "exit status 0");
  CHECK(o.exit.elapsed.count() < 10);
  CHECK(o.trials[0].ok);
}

TEST_CASE(
    "a daemon outside the process group does not survive a trial that crashes or times "
    "out",
    "[orphans][integration]") {
  TempDir tmp;
  for (const char* then : {"abort", "hang"}) {
    INFO("then=" << then);
    Outcome o = run_plugin(tmp, "rogue", {"leave=setsid", std::string("then=") + then},
                           std::string(then) == "hang" ? 1.0 : 0);
    INFO("benchlab output:\n" << o.output);
    REQUIRE(o.trials.size() == 1);
    CHECK_FALSE(o.trials[0].ok);
    CHECK_THAT(o.trials[0].reason, Contains(std::string(then) == "hang" ? "timed out" : "SIGABRT"));
    auto [pid, group] = left_behind(o.trials[0].log);
    INFO("trial log: " << o.trials[0].log);
    REQUIRE(pid > 0);
    CHECK(group == pid);
    const bool ended =
        wait_until([pid = pid] { return !alive(pid); }, std::chrono::milliseconds(1000));
    if (!ended) kill(pid, SIGKILL);
    CHECK(ended);
  }
}

TEST_CASE("a plugin that closes the frame pipe fails its trial with a reason",
          "[channel][integration]") {
  TempDir tmp;
  for (const char* then : {"report", "return"}) {
    INFO("then=" << then);
    Outcome o = run_plugin(tmp, "rogue", {"close_channel=true", std::string("then=") + then});
    INFO("benchlab output:\n" << o.output);
    CHECK(o.exit.describe() == "exit status 1");
    CHECK(o.exit.elapsed.count() < 10);
    REQUIRE(o.trials.size() == 1);
    CHECK_FALSE(o.trials[0].ok);
    CHECK_THAT(o.trials[0].reason, Contains("run()"));
    CHECK_THAT(o.trials[0].reason, Contains("frame"));  // says what went wrong: the channel
  }
}

TEST_CASE("a plugin that closes the frame pipe and hangs is ended by its timeout",
          "[channel][integration]") {
  TempDir tmp;
  Outcome o = run_plugin(tmp, "rogue", {"close_channel=true", "then=hang"}, 1);
  INFO("benchlab output:\n" << o.output);
  CHECK(o.exit.describe() == "exit status 1");
  CHECK(o.exit.elapsed.count() < 15);
  REQUIRE(o.trials.size() == 1);
  CHECK_FALSE(o.trials[0].ok);
  CHECK_THAT(o.trials[0].reason, Contains("run() timed out after 1 s"));
}
