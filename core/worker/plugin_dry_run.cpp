// SPDX-License-Identifier: MIT
#include "plugin_dry_run.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>

#include "descriptor_checks.h"
#include "frame_channel.h"
#include "probe_host.h"
#include "worker_host.h"

namespace benchlab::worker {
namespace {

namespace fs = std::filesystem;

class Steps {
 public:
  explicit Steps(int fd) : fd_(fd) {}
  void operator()(const char* call) { write_all(fd_, std::string(call) + "\n"); }

 private:
  int fd_;
};

std::multimap<std::string, std::string> defaults(const std::vector<OptionInfo>& options) {
  std::multimap<std::string, std::string> out;
  for (const auto& o : options)
    if (o.has_default && !(o.flags & BL_OPTION_REQUIRED)) out.emplace(o.name, o.default_value);
  return out;
}

std::string required_unset(const std::vector<OptionInfo>& options) {
  std::string names;
  for (const auto& o : options)
    if (o.flags & BL_OPTION_REQUIRED) names += (names.empty() ? "" : ", ") + o.name;
  return names;
}

std::uint32_t cpu_count() {
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<std::uint32_t>(n) : 1;
}

[[noreturn]] void dry_run_workload(Report& r, Steps& step, const DryRun& d) {
  const auto w = read_sized<bl_workload>(d.desc->workload, d.desc->workload->struct_size);
  const int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);  // the frames a run would send
  WorkerPhase phase;
  phase.phase = BL_PHASE_SETUP;
  phase.scratch_dir = d.scratch + "/scratch";
  phase.cache_dir = d.scratch + "/cache";
  phase.options = defaults(d.options);
  phase.cpu_count = cpu_count();
  std::atomic<bool> cancel{false};
  WorkerHost host(devnull, *d.info, phase, cancel);

  step("create()");
  void* inst = nullptr;
  const int32_t st = w.create(host.table(), &inst);
  if (st == BL_CANNOT_RUN) {
    r.note("create()",
           "says it cannot run here: " +
               (host.error().empty() ? std::string("(no reason given)") : host.error()) +
               "; benchlab stores that as \"cannot run\"");
  } else if (st != BL_OK) {
    const std::string what = returned_status(st, host.error());
    if (const std::string req = required_unset(d.options); !req.empty())
      r.warning("create()", what +
                                " with the default options, which leave the required "
                                "options " +
                                req +
                                " unset; fine if it needs them, but create() usually "
                                "only allocates and setup() checks");
    else
      r.error("create()", what +
                              " with the default options: every run with its defaults "
                              "would fail; create() should allocate, and checks that can "
                              "fail belong in setup()");
    if (inst)
      r.warning("create()",
                "set *out_instance although it failed: leave it NULL on failure "
                "(the host does not destroy it)");
  }
  if (st == BL_OK) {
    step("destroy()");
    w.destroy(inst);
  }
  step("destroy(NULL)");
  w.destroy(nullptr);
  if (st == BL_OK)
    r.note("dry run", "create() with the default options and destroy() returned normally");
  step("done");
  _exit(0);
}

[[noreturn]] void dry_run_probe(Report& r, Steps& step, const DryRun& d) {
  const auto p = read_sized<bl_probe>(d.desc->probe, d.desc->probe->struct_size);
  const int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  FrameChannel channel(devnull);
  ProbeHost host(channel, "/", defaults(d.options), cpu_count());

  step("open()");
  void* inst = nullptr;
  const int32_t st = p.open(host.table(), &inst);
  if (st == BL_UNSUPPORTED) {
    const std::string why = host.take_error();
    if (why.empty())
      r.warning("open()",
                "returned BL_UNSUPPORTED without a reason: call host->set_error() "
                "with what is missing and what to do");
    else
      r.note("open()", "says the probe is unavailable here: " + why +
                           "; channels() and sample() were not called");
  } else if (st != BL_OK) {
    r.warning("open()", returned_status(st, host.take_error()) +
                            ": a probe that cannot open here returns BL_UNSUPPORTED with the "
                            "reason");
  } else {
    step("channels()");
    const bl_channel_desc* arr = nullptr;
    std::uint32_t n = 0;
    const int32_t cs = p.channels(inst, &arr, &n);
    if (cs != BL_OK) {
      r.error("channels()",
              returned_status(cs, host.take_error()) + ": an open probe must list its channels");
    } else {
      check_channels(r, arr, n, d.minor);
      if (n > 0 && n <= kMaxChannels) {
        step("sample()");
        std::vector<double> values(n, std::numeric_limits<double>::quiet_NaN());
        const int32_t ss = p.sample(inst, values.data(), n);
        if (ss != BL_OK)
          r.warning("sample()", returned_status(ss, host.take_error()) +
                                    ": the first sample after open() failed");
        else if (std::any_of(values.begin(), values.end(), [](double v) { return std::isinf(v); }))
          r.warning("sample()",
                    "gave an infinite value: give NaN for a channel without a "
                    "reading");
        else
          r.note("dry run", "open(), channels(), one sample() and close() returned normally");
      }
    }
    step("close()");
    p.close(inst);
  }
  step("close(NULL)");
  p.close(nullptr);
  step("done");
  _exit(0);
}

}  // namespace

// The forked process's calls, one step line before each, so that this process can name
// the call that crashed, hung or exited.
void dry_run(Report& r, const DryRun& d, double timeout_s) {
  std::error_code ec;
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/benchlab-validate-XXXXXX";
  const char* made = mkdtemp(pattern.data());
  if (!made) {
    r.warning("dry run", std::string("not made: no temporary directory: ") + std::strerror(errno));
    return;
  }
  DryRun run = d;
  run.scratch = made;
  fs::create_directories(run.scratch + "/scratch", ec);
  fs::create_directories(run.scratch + "/cache", ec);

  Pipe steps = Pipe::make();
  const pid_t pid = fork();
  if (pid < 0) {
    r.warning("dry run", std::string("not made: fork failed: ") + std::strerror(errno));
    fs::remove_all(run.scratch, ec);
    return;
  }
  if (pid == 0) {
    steps.read.reset();
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (chdir((run.scratch + "/scratch").c_str()) != 0) _exit(4);
    Steps step(steps.write.get());
    if (d.desc->kind == BL_KIND_WORKLOAD) dry_run_workload(r, step, run);
    dry_run_probe(r, step, run);
  }
  setpgid(pid, pid);
  steps.write.reset();
  fcntl(steps.read.get(), F_SETFL, O_NONBLOCK);

  using Clock = std::chrono::steady_clock;
  const auto limit = std::chrono::duration<double>(timeout_s);
  std::string call = "the dry run", pending;
  auto since = Clock::now();
  bool eof = false, timed_out = false;
  int status = 0;
  auto read_steps = [&] {
    char chunk[256];
    for (;;) {
      const ssize_t n = read(steps.read.get(), chunk, sizeof chunk);
      if (n == 0) eof = true;
      if (n <= 0) return;
      pending.append(chunk, static_cast<std::size_t>(n));
      for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
        call = pending.substr(0, nl);
        pending.erase(0, nl + 1);
        since = Clock::now();
      }
    }
  };
  for (;;) {
    if (waitpid(pid, &status, WNOHANG) == pid) break;
    if (Clock::now() - since > limit) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      timed_out = true;
      break;
    }
    if (eof) {
      usleep(10'000);
      continue;
    }
    pollfd pfd{steps.read.get(), POLLIN, 0};
    poll(&pfd, 1, 20);
    read_steps();
  }
  read_steps();
  kill(-pid, SIGKILL);  // whatever the plugin started in the dry run
  fs::remove_all(run.scratch, ec);

  if (timed_out)
    r.error(call, fmt::format("did not return within {:g} s (the dry run's limit; --timeout sets "
                              "it): a call that waits must give up, and long work belongs in "
                              "setup() or run(), which check host->is_cancelled()",
                              timeout_s));
  else if (WIFSIGNALED(status))
    r.error(call, "crashed: " + signal_description(WTERMSIG(status)) +
                      " (in the dry run; run it under gdb or valgrind to find where)");
  else if (call != "done")
    r.error(call, fmt::format("ended the process with exit status {}: a plugin must never call "
                              "exit(); return a status and say why with host->set_error()",
                              WIFEXITED(status) ? WEXITSTATUS(status) : -1));
}

}  // namespace benchlab::worker
