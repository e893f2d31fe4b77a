// SPDX-License-Identifier: MIT
#include "phase_supervisor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "frame_channel.h"
#include "phase_containment.h"
#include "phase_process.h"
#include "plugin_loader.h"
#include "subprocess.h"
#include "subreaper.h"
#include "worker_protocol.h"

namespace benchlab::worker {
namespace {

std::atomic<bool> g_cancel{false};  // in a phase process: SIGTERM asked the phase to stop
static_assert(std::atomic<bool>::is_always_lock_free);
volatile sig_atomic_t g_quit = 0;  // in the worker: SIGTERM or SIGINT, end everything

extern "C" void on_cancel(int) { g_cancel.store(true); }
extern "C" void on_quit(int) { g_quit = 1; }

// What the worker tells a waiting phase process to run.
struct Go {
  std::int32_t phase;
  std::uint32_t trial;
};

int pidfd_open(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

// A phase process forked ahead of its phase, waiting for the Go on its pipe.
struct Standby {
  pid_t pid = -1;
  UniqueFd pidfd, go;
};

class Supervisor {
 public:
  Supervisor(const WorkerOptions& o, int frame_fd)
      : opt_(o), frame_fd_(frame_fd), containment_(o.cgroup_parent, o.memory_max_bytes) {}

  int serve();

 private:
  void send(const protocol::Message& m);
  [[noreturn]] void shut_down(int status);
  // Reads what stdin holds into the decoder; false at EOF (or a read error).
  bool read_commands();
  void fork_standby();
  [[noreturn]] void be_phase_process(pid_t worker, int go_fd);
  void run_phase(const protocol::RunPhase& c);
  void refuse_phase(const std::string& why);

  const WorkerOptions& opt_;
  const int frame_fd_;
  std::unique_ptr<LoadedPlugin> plugin_;
  bl_workload workload_{};
  std::string load_error_;  // the plugin cannot be loaded: every phase fails with this
  PhaseContainment containment_;
  protocol::Decoder commands_;
  Standby standby_;
  std::string standby_error_;
  pid_t running_ = -1;  // the phase process in progress
  sigset_t unblocked_{};
};

void Supervisor::send(const protocol::Message& m) {
  const std::string frame = protocol::encode(m);
  const char* p = frame.data();
  std::size_t left = frame.size();
  while (left > 0) {
    const ssize_t n = write(frame_fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) shut_down(3);  // the core is gone
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

void Supervisor::shut_down(int status) {
  if (running_ > 0) {
    containment_.kill(running_);
    int st;
    while (waitpid(running_, &st, 0) < 0 && errno == EINTR) {
    }
    containment_.end(running_);
  }
  if (standby_.pid > 0) kill(standby_.pid, SIGKILL);
  end_descendants();
  containment_.close();
  _exit(status);
}

bool Supervisor::read_commands() {
  char buf[4096];
  for (;;) {
    const ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n > 0) {
      commands_.feed(std::string_view(buf, static_cast<std::size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
}

void Supervisor::be_phase_process(pid_t worker, int go_fd) {
  // Leads its own group, so that a signal to the phase spares the worker; dies with the
  // worker, which has one thread, so PDEATHSIG is exact.
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != worker) _exit(127);  // the worker died before prctl()
  if (const int null = open("/dev/null", O_RDONLY); null >= 0) {
    dup2(null, STDIN_FILENO);  // the command channel is the worker's alone
    close(null);
  }
  struct sigaction sa {};
  sa.sa_handler = on_cancel;  // no SA_RESTART: a plugin's sleep returns at once
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);

  Go go{};
  ssize_t n;
  while ((n = read(go_fd, &go, sizeof go)) < 0 && errno == EINTR) {
  }
  if (n != static_cast<ssize_t>(sizeof go)) _exit(0);  // not needed after all
  close(go_fd);
  WorkerPhase phase = opt_.phase;
  phase.phase = go.phase;
  phase.trial = go.trial;
  run_phase_process(plugin_->info(), workload_, frame_fd_, phase, g_cancel);
}

void Supervisor::fork_standby() {
  Pipe go;
  try {
    go = Pipe::make();
  } catch (const SpawnError& e) {
    standby_error_ = e.what();
    return;
  }
  const pid_t worker = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    standby_error_ = std::string("cannot fork the phase's process: ") + std::strerror(errno);
    return;
  }
  if (pid == 0) {
    go.write.reset();
    containment_.drop_descriptors();  // the plugin gets none of the worker's own
    be_phase_process(worker, go.read.release());
  }
  setpgid(pid, pid);  // as the child does, so that the group exists whoever runs first
  standby_.pid = pid;
  standby_.pidfd.reset(pidfd_open(pid));
  standby_.go = std::move(go.write);
  containment_.adopt(pid);
  // Before its Go: once the phase runs, its frames share the channel with ours. Sent
  // while the core stores the previous trial, so that it does not wake the core.
  send(protocol::PhaseProcess{pid, containment_.cgroup()});
}

void Supervisor::refuse_phase(const std::string& why) {
  send(protocol::Done{BL_ERROR, why});
  protocol::PhaseEnd e;
  e.exit_code = 0;
  e.containment = containment_.kind();
  send(e);
}

void Supervisor::run_phase(const protocol::RunPhase& c) {
  if (!load_error_.empty()) return refuse_phase(load_error_);
  if (standby_.pid < 0) fork_standby();
  if (standby_.pid < 0) return refuse_phase(standby_error_);
  Standby s = std::move(standby_);
  standby_ = Standby{};
  const pid_t pid = s.pid;
  running_ = pid;

  protocol::PhaseEnd e;
  e.start_ns = monotonic_ns();
  const Go go{c.phase, c.trial};
  (void)!write(s.go.get(), &go, sizeof go);  // if it died already, wait4 says how
  s.go.reset();

  const std::uint64_t deadline = c.timeout_ns ? e.start_ns + c.timeout_ns : 0;
  std::uint64_t kill_at = 0;  // SIGKILL after the SIGTERM of a stop, once
  auto stop = [&](std::uint64_t now) {
    if (kill_at) return;
    containment_.stop(pid);
    kill_at = now + c.kill_grace_ns;
  };
  int status = 0;
  rusage ru{};
  for (bool ended = false; !ended;) {
    // Commands the last read brought along with the run_phase.
    while (auto m = commands_.next()) {
      if (std::holds_alternative<protocol::Stop>(*m)) {
        if (!e.timed_out) e.cancelled = true;
        stop(monotonic_ns());
      } else {
        std::fprintf(stderr, "benchlab-worker: a command other than stop while a phase runs\n");
        shut_down(2);
      }
    }
    if (!commands_.error().empty()) {
      std::fprintf(stderr, "benchlab-worker: bad command: %s\n", commands_.error().c_str());
      shut_down(2);
    }
    std::uint64_t now = monotonic_ns();
    if (deadline && now >= deadline && !kill_at) {
      e.timed_out = true;
      stop(now);
    }
    if (kill_at && kill_at != UINT64_MAX && now >= kill_at) {
      containment_.kill(pid);
      kill_at = UINT64_MAX;
    }
    std::uint64_t wake = kill_at == 0 ? deadline : kill_at != UINT64_MAX ? kill_at : 0;  // 0: none
    if (s.pidfd.get() < 0) wake = wake ? std::min(wake, now + 10'000'000) : now + 10'000'000;
    timespec wait{}, *timeout = nullptr;
    if (wake) {
      const std::uint64_t d = wake > now ? wake - now : 0;
      wait = {static_cast<time_t>(d / 1'000'000'000), static_cast<long>(d % 1'000'000'000)};
      timeout = &wait;
    }
    pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {s.pidfd.get(), POLLIN, 0}};
    ppoll(fds, s.pidfd.get() < 0 ? 1 : 2, timeout, &unblocked_);
    if (g_quit) shut_down(0);
    if (fds[0].revents && !read_commands()) shut_down(0);  // benchlab is gone
    if (s.pidfd.get() < 0 || fds[1].revents) ended = wait4(pid, &status, WNOHANG, &ru) == pid;
  }
  running_ = -1;
  e.wall_ns = monotonic_ns() - e.start_ns;
  s.pidfd.reset();  // not to be inherited by the next phase's process
  const auto figures = containment_.end(pid);
  record_wait_status(e, status, ru);
  e.memory_peak_bytes = figures.memory_peak_bytes;
  e.oom_kills = figures.oom_kills;
  e.containment = containment_.kind();
  send(e);
  // Off the measured path: the core stores the trial meanwhile. Nothing follows a teardown.
  containment_.release();
  if (c.phase != BL_PHASE_TEARDOWN) fork_standby();
}

int Supervisor::serve() {
  // SIGTERM and SIGINT are caught only inside ppoll(), so none is lost between a check of
  // g_quit and the wait.
  sigset_t quit;
  sigemptyset(&quit);
  sigaddset(&quit, SIGTERM);
  sigaddset(&quit, SIGINT);
  sigprocmask(SIG_BLOCK, &quit, &unblocked_);
  sigdelset(&unblocked_, SIGTERM);
  sigdelset(&unblocked_, SIGINT);
  struct sigaction sa {};
  sa.sa_handler = on_quit;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);

  try {
    plugin_ = LoadedPlugin::load(opt_.plugin_path);
    const PluginInfo& info = plugin_->info();
    send(protocol::Hello{info.abi_major, info.abi_minor, info.id, info.version});
    if (info.kind != BL_KIND_WORKLOAD) {
      load_error_ = "not a workload plugin";
    } else {
      const bl_workload* src = plugin_->descriptor().workload;
      std::memcpy(&workload_, src, std::min<std::size_t>(src->struct_size, sizeof workload_));
    }
  } catch (const std::exception& e) {
    load_error_ = e.what();
  }
  if (load_error_.empty()) fork_standby();

  for (;;) {
    while (auto m = commands_.next()) {
      if (auto* c = std::get_if<protocol::RunPhase>(&*m)) {
        run_phase(*c);
      } else if (!std::holds_alternative<protocol::Stop>(*m)) {  // a stop that came late
        std::fprintf(stderr, "benchlab-worker: unexpected command\n");
        shut_down(2);
      }
    }
    if (!commands_.error().empty()) {
      std::fprintf(stderr, "benchlab-worker: bad command: %s\n", commands_.error().c_str());
      shut_down(2);
    }
    pollfd fd{STDIN_FILENO, POLLIN, 0};
    ppoll(&fd, 1, nullptr, &unblocked_);
    if (g_quit) shut_down(0);
    if (fd.revents && !read_commands()) shut_down(0);
  }
}

}  // namespace

int serve(const WorkerOptions& options) {
  signal(SIGPIPE, SIG_IGN);
  if (!become_subreaper())
    std::fprintf(stderr, "benchlab-worker: warning: cannot become a subreaper: %s\n",
                 std::strerror(errno));
  const int fd = private_stdout();
  if (fd < 0) return 2;
  if (chdir(options.phase.scratch_dir.c_str()) != 0) {
    std::fprintf(stderr, "benchlab-worker: cannot enter scratch directory %s: %s\n",
                 options.phase.scratch_dir.c_str(), std::strerror(errno));
    return 2;
  }
  WorkerOptions o = options;
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);  // reads sysfs: once, not per phase
  o.phase.cpu_count = cpus > 0 ? static_cast<std::uint32_t>(cpus) : 1;
  Supervisor s(o, fd);
  return s.serve();
}

}  // namespace benchlab::worker
