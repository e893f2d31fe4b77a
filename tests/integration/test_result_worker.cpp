// SPDX-License-Identifier: MIT
// The phases of one result through ResultWorker, the core's side of benchlab-worker, with
// the real worker and the test plugins of tests/plugins (worker-plugins): one worker per
// result and a fresh process per phase; a refused report_metric() fails the trial; both
// raw streams reach parse_streams() and the outcome apart; nothing a phase starts
// outlives it, under the subreaper alone and, where cgroup v2 is writable, in a cgroup
// even when the worker itself is killed; timeouts, cancellation and a lost worker.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "cgroup.h"
#include "phase_runner.h"

using namespace benchlab;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "benchlab-rw-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
    fs::create_directories(path_ / "scratch");
    fs::create_directories(path_ / "cache");
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

PhaseRequest request(const TempDir& tmp, const std::string& plugin,
                     std::vector<std::pair<std::string, std::string>> options = {}) {
  PhaseRequest r;
  r.worker = BENCHLAB_WORKER_PATH;
  r.plugin_path = std::string(WORKER_PLUGIN_DIR) + "/" + plugin + ".so";
  r.plugin_id = plugin;
  r.options = std::move(options);
  r.scratch_dir = (tmp.path() / "scratch").string();
  r.cache_dir = (tmp.path() / "cache").string();
  r.timeout = std::chrono::seconds(30);
  r.kill_grace = std::chrono::milliseconds(500);
  return r;
}

// "phase pid P worker W loads L calls C" from a phaseprobe log.
struct PhaseLine {
  int pid = 0, worker = 0, loads = 0, calls = 0;
};
PhaseLine phase_line(const std::string& log) {
  static const std::regex re("phase pid ([0-9]+) worker ([0-9]+) loads ([0-9]+) calls ([0-9]+)");
  std::smatch m;
  if (!std::regex_search(log, m, re)) return {};
  return {std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]), std::stoi(m[4])};
}

// "left pid P in session S" from a phaseprobe log: the daemon and its session.
std::pair<pid_t, pid_t> left_behind(const std::string& log) {
  static const std::regex re("left pid ([0-9]+) in session ([0-9]+)");
  std::smatch m;
  if (!std::regex_search(log, m, re)) return {0, 0};
  return {std::stoi(m[1]), std::stoi(m[2])};
}

bool alive(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z';
}

bool gone_within(pid_t pid, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (alive(pid)) {
    if (std::chrono::steady_clock::now() > end) {
      kill(pid, SIGKILL);  // do not leave it to the next test
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

double metric(const PhaseOutcome& o, const std::string& name) {
  for (const auto& [k, v] : o.metrics)
    if (k == name) return v;
  return -1;
}

// Empty with the reason when this machine gives benchlab no writable cgroup v2.
std::string cgroup_parent_or_warn(const char* what) {
  std::string why;
  std::string parent = cgroup::phase_parent(&why);
  if (parent.empty())
    WARN("cgroup v2 is not writable here (" << why << "): " << what << " not tested");
  return parent;
}

}  // namespace

TEST_CASE("one worker serves a result's phases, each in a freshly forked process",
          "[worker][integration]") {
  TempDir tmp;
  ResultWorker rw(request(tmp, "phaseprobe"), nullptr, nullptr);
  std::vector<PhaseOutcome> outs;
  outs.push_back(rw.setup());
  for (std::uint32_t i = 0; i < 3; ++i) outs.push_back(rw.trial(i));
  outs.push_back(rw.teardown());
  std::set<int> pids, workers;
  for (const auto& o : outs) {
    INFO(o.reason << "\n" << o.log);
    CHECK(o.kind == PhaseOutcome::Kind::ok);
    const PhaseLine l = phase_line(o.log);
    REQUIRE(l.pid > 0);
    pids.insert(l.pid);
    workers.insert(l.worker);
    CHECK(l.loads == 1);  // loaded once, into the worker, before it forked the phase
    CHECK(l.calls == 1);  // nothing of an earlier phase's memory
    CHECK((o.containment == "cgroup" || o.containment == "subreaper"));
  }
  CHECK(pids.size() == outs.size());
  CHECK(workers.size() == 1);
  WARN("phases held by: " << outs.front().containment);
  // The measured window lies inside the phase's process life.
  const PhaseOutcome& t = outs[1];
  CHECK(t.window.begin_ns >= t.exit.start_ns);
  CHECK(t.window.end_ns <= t.exit.start_ns + t.exit.wall_ns);
  CHECK(t.exit.exit_code == 0);
  CHECK(t.exit.max_rss_bytes > 0);
}

TEST_CASE("a refused report_metric() fails the phase with its reason, status ignored or not",
          "[worker][integration]") {
  TempDir tmp;
  struct Case {
    const char* how;
    const char* reason;
  };
  for (const Case c : {Case{"undeclared", "report_metric(\"bogus\") failed: no such metric"},
                       Case{"nan", "report_metric(\"value\") failed: the value is NaN"},
                       Case{"inf", "report_metric(\"value\") failed: the value is infinite"}}) {
    INFO("how=" << c.how);
    ResultWorker rw(request(tmp, "badmetric", {{"how", c.how}}), nullptr, nullptr);
    REQUIRE(rw.setup().kind == PhaseOutcome::Kind::ok);
    const PhaseOutcome o = rw.trial(0);
    CHECK(o.kind == PhaseOutcome::Kind::failed);
    CHECK_THAT(o.reason, Contains(c.reason));
  }
  ResultWorker in_setup(request(tmp, "badmetric", {{"how", "setup"}}), nullptr, nullptr);
  const PhaseOutcome s = in_setup.setup();
  CHECK(s.kind == PhaseOutcome::Kind::failed);
  CHECK_THAT(s.reason, Contains("report_metric(\"value\") failed: only run() and parse() report "
                                "metrics, not setup()"));

  ResultWorker fine(request(tmp, "badmetric", {{"how", "none"}}), nullptr, nullptr);
  const PhaseOutcome ok = fine.trial(0);
  CHECK(ok.kind == PhaseOutcome::Kind::ok);
  CHECK(metric(ok, "value") == 1.0);
}

TEST_CASE("both raw streams reach parse_streams() apart and come back in the outcome",
          "[worker][integration]") {
  TempDir tmp;
  ResultWorker rw(request(tmp, "streams"), nullptr, nullptr);
  const PhaseOutcome o = rw.trial(0);
  INFO(o.reason << "\n" << o.log);
  REQUIRE(o.kind == PhaseOutcome::Kind::ok);  // its parse() would have failed
  CHECK(o.output == "out:direct\nout:spawned\n");
  CHECK(o.error_output == "err:direct\nerr:spawned\n");
  CHECK(metric(o, "out_bytes") == double(o.output.size()));
  CHECK(metric(o, "err_bytes") == double(o.error_output.size()));
}

TEST_CASE("the error output kept with a trial stops at 1 MiB; parse_streams() gets it all",
          "[worker][integration]") {
  TempDir tmp;
  ResultWorker rw(request(tmp, "streams", {{"err_kib", "2048"}}), nullptr, nullptr);
  const PhaseOutcome o = rw.trial(0);
  INFO(o.reason);
  REQUIRE(o.kind == PhaseOutcome::Kind::ok);
  CHECK(o.error_output.size() == (1u << 20));
  CHECK(o.error_output.starts_with("err:direct\n"));
  CHECK(metric(o, "err_bytes") > double(2u << 20));
}

TEST_CASE("a daemon that left the session does not outlive its trial under the subreaper",
          "[worker][containment][integration]") {
  TempDir tmp;
  PhaseRequest req = request(tmp, "phaseprobe", {{"leave", "setsid"}});
  req.use_cgroup = false;
  ResultWorker rw(req, nullptr, nullptr);
  const PhaseOutcome o = rw.trial(0);
  INFO(o.reason << "\n" << o.log);
  CHECK(o.kind == PhaseOutcome::Kind::ok);
  CHECK(o.containment == "subreaper");
  const auto [daemon, session] = left_behind(o.log);
  REQUIRE(daemon > 0);
  CHECK(session == daemon);  // it really left the session, and with it the group
  CHECK(gone_within(daemon, std::chrono::milliseconds(1000)));
}

TEST_CASE("in a cgroup, nothing a phase started outlives it, even when its worker is killed",
          "[worker][containment][integration]") {
  if (cgroup_parent_or_warn("cgroup containment").empty()) return;
  TempDir tmp;
  // Trial 0 leaves a daemon outside its group and session, then kills the worker: no
  // subreaper is left to find the daemon, only its cgroup holds it.
  ResultWorker rw(request(tmp, "phaseprobe",
                          {{"leave", "setsid"}, {"then", "kill_worker"}, {"then_trial", "0"}}),
                  nullptr, nullptr);
  const PhaseOutcome killed = rw.trial(0);
  INFO(killed.reason << "\n" << killed.log);
  CHECK(killed.kind == PhaseOutcome::Kind::failed);
  CHECK_THAT(killed.reason, Contains("the worker died during run(): SIGKILL"));
  const auto [daemon, session] = left_behind(killed.log);
  REQUIRE(daemon > 0);
  CHECK(session == daemon);
  CHECK(gone_within(daemon, std::chrono::milliseconds(1000)));

  // The next phase gets a new worker; its daemon goes with the phase's end, as always.
  const PhaseOutcome next = rw.trial(1);
  INFO(next.reason << "\n" << next.log);
  CHECK(next.kind == PhaseOutcome::Kind::ok);
  CHECK(next.containment == "cgroup");
  CHECK(phase_line(next.log).worker != phase_line(killed.log).worker);
  const pid_t second = left_behind(next.log).first;
  REQUIRE(second > 0);
  CHECK(gone_within(second, std::chrono::milliseconds(1000)));
}

TEST_CASE("a phase cgroup records the phase's memory.peak and enforces memory.max",
          "[worker][containment][integration]") {
  const std::string parent = cgroup_parent_or_warn("memory.peak and memory.max");
  if (parent.empty()) return;
  const auto handed = cgroup::subtree_controllers(parent);
  if (std::find(handed.begin(), handed.end(), "memory") == handed.end()) {
    WARN("cgroup " << parent << " does not hand the memory controller down: memory.peak "
                   << "and memory.max not tested");
    return;
  }
  TempDir tmp;
  ResultWorker rw(request(tmp, "phaseprobe", {{"touch_mib", "64"}}), nullptr, nullptr);
  const PhaseOutcome o = rw.trial(0);
  INFO(o.reason);
  CHECK(o.kind == PhaseOutcome::Kind::ok);
  CHECK(o.memory_peak_bytes >= (64u << 20));

  PhaseRequest limited = request(tmp, "phaseprobe", {{"touch_mib", "256"}});
  limited.memory_max_bytes = 64u << 20;
  ResultWorker small(limited, nullptr, nullptr);
  const PhaseOutcome oom = small.trial(0);
  CHECK(oom.kind == PhaseOutcome::Kind::failed);
  CHECK_THAT(oom.reason, Contains("ran out of memory"));
}

TEST_CASE("a timeout ends the phase, and the same worker serves the next one",
          "[worker][integration]") {
  TempDir tmp;
  PhaseRequest req = request(tmp, "phaseprobe", {{"then", "hang"}, {"then_trial", "0"}});
  req.timeout = std::chrono::seconds(1);
  ResultWorker rw(req, nullptr, nullptr);
  const PhaseOutcome hung = rw.trial(0);
  CHECK(hung.kind == PhaseOutcome::Kind::failed);
  CHECK_THAT(hung.reason, Contains("run() timed out after 1 s"));
  CHECK(hung.exit.timed_out);
  CHECK(hung.exit.term_signal == SIGKILL);  // it ignored the SIGTERM
  CHECK(hung.exit.wall_ns >= 1'000'000'000ull);
  CHECK(hung.exit.wall_ns < 5'000'000'000ull);
  const PhaseOutcome next = rw.trial(1);
  CHECK(next.kind == PhaseOutcome::Kind::ok);
  CHECK(phase_line(next.log).worker == phase_line(hung.log).worker);
}

TEST_CASE("cancelling stops the phase in progress: interrupted, not failed",
          "[worker][integration]") {
  TempDir tmp;
  std::atomic<bool> cancel{false};
  ResultWorker rw(request(tmp, "phaseprobe", {{"then", "hang"}, {"honour_cancel", "true"}}),
                  nullptr, &cancel);
  std::thread operator_([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel = true;
  });
  const auto t0 = std::chrono::steady_clock::now();
  const PhaseOutcome o = rw.trial(0);
  operator_.join();
  CHECK(o.kind == PhaseOutcome::Kind::interrupted);
  CHECK(o.reason == "interrupted by the operator");
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
}

TEST_CASE("a worker killed between phases is replaced for the next phase",
          "[worker][integration]") {
  TempDir tmp;
  ResultWorker rw(request(tmp, "phaseprobe"), nullptr, nullptr);
  const PhaseOutcome first = rw.trial(0);
  REQUIRE(first.kind == PhaseOutcome::Kind::ok);
  const int worker = phase_line(first.log).worker;
  REQUIRE(worker > 0);
  kill(worker, SIGKILL);
  REQUIRE(gone_within(worker, std::chrono::milliseconds(1000)));
  const PhaseOutcome second = rw.trial(1);
  INFO(second.reason);
  CHECK(second.kind == PhaseOutcome::Kind::ok);
  CHECK(phase_line(second.log).worker != worker);
}

TEST_CASE("a plugin file that cannot be loaded fails every phase with the reason",
          "[worker][integration]") {
  TempDir tmp;
  PhaseRequest req = request(tmp, "phaseprobe");
  req.plugin_path = (tmp.path() / "missing.so").string();
  ResultWorker rw(req, nullptr, nullptr);
  const PhaseOutcome s = rw.setup();
  CHECK(s.kind == PhaseOutcome::Kind::failed);
  CHECK_THAT(s.reason, Contains("missing.so"));
  CHECK(rw.trial(0).kind == PhaseOutcome::Kind::failed);
}

TEST_CASE("without cgroup.kill, freezing and SIGKILL empty a cgroup", "[cgroup][integration]") {
  const std::string parent = cgroup_parent_or_warn("the freeze-and-kill path");
  if (parent.empty()) return;
  const std::string dir = parent + "/benchlab-test-" + std::to_string(getpid());
  REQUIRE((mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST));
  const pid_t child = fork();
  if (child == 0) {
    if (!cgroup::write_file(dir, "cgroup.procs", "0")) _exit(2);
    if (fork() == 0) execlp("sleep", "sleep", "30", (char*)nullptr);  // a grandchild too
    execlp("sleep", "sleep", "30", (char*)nullptr);
    _exit(127);
  }
  for (int i = 0; i < 200 && cgroup::procs(dir).size() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(cgroup::procs(dir).size() == 2);
  CHECK(cgroup::populated(dir) == true);
  CHECK(cgroup::kill_all(dir, /*use_kill_file=*/false));
  int status = 0;
  waitpid(child, &status, 0);
  CHECK(WIFSIGNALED(status));
  for (int i = 0; i < 200 && cgroup::populated(dir).value_or(false); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(cgroup::populated(dir) == false);
  CHECK(rmdir(dir.c_str()) == 0);
}
