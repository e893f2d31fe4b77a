#include "subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace benchlab {
namespace bp = boost::process;

std::uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

std::string signal_description(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  const char* desc = sigdescr_np(sig);
  std::string s = abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
  if (desc) s += std::string(" (") + desc + ")";
  return s;
}

std::string find_program(std::string_view name) {
  if (name.empty()) return {};
  if (name.find('/') != std::string_view::npos) {
    return access(std::string(name).c_str(), X_OK) == 0 ? std::string(name) : std::string();
  }
  auto p = bp::search_path(std::string(name));
  return p.empty() ? std::string() : p.string();
}

namespace {

// What the child does between fork and exec: its own process group (so a timeout kills
// everything it started), death with its parent, default SIGPIPE, and stdin.
struct ChildSetup : bp::extend::handler {
  bool group;
  pid_t parent;
  template <class Exec>
  void on_exec_setup(Exec&) const {
    if (group) setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died before prctl
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
  }
};

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Reads what is available; returns false at EOF or error.
bool drain(int fd, const OutputSink& sink) {
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      if (sink) sink(std::string_view(buf, static_cast<std::size_t>(n)));
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

std::uint64_t tv_ns(const timeval& tv) {
  return static_cast<std::uint64_t>(tv.tv_sec) * 1'000'000'000ull +
         static_cast<std::uint64_t>(tv.tv_usec) * 1000ull;
}

}  // namespace

ExitInfo run_process(const SpawnSpec& spec, const OutputSink& on_stdout,
                     const OutputSink& on_stderr, const std::atomic<bool>* cancel) {
  if (spec.argv.empty()) throw SpawnError("empty argv");
  std::string exe = find_program(spec.argv[0]);
  if (exe.empty()) {
    throw SpawnError(spec.argv[0].find('/') == std::string::npos
                         ? spec.argv[0] + ": not found on PATH"
                         : spec.argv[0] + ": not an executable file");
  }
  if (!spec.cwd.empty() && !std::filesystem::is_directory(spec.cwd)) {
    throw SpawnError("working directory " + spec.cwd + " does not exist");
  }

  bp::environment env = boost::this_process::environment();
  for (const auto& kv : spec.env_add) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) throw SpawnError("bad environment entry '" + kv + "'");
    env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }

  bp::pipe out_pipe, err_pipe;
  // Only the child's stdout/stderr (dup2'd, which clears the flag) may survive exec:
  // a leaked pipe end in a grandchild would hold the channel open.
  for (int fd : {out_pipe.native_source(), out_pipe.native_sink(), err_pipe.native_source(), err_pipe.native_sink()})
    fcntl(fd, F_SETFD, FD_CLOEXEC);
  std::vector<std::string> args(spec.argv.begin() + 1, spec.argv.end());
  ChildSetup setup;
  setup.group = spec.new_process_group;
  setup.parent = getpid();

  ExitInfo info;
  info.start_ns = monotonic_ns();
  pid_t pid;
  try {
    std::error_code ec;
    auto start = [&](auto&& in) {
      if (spec.merge_stderr) {
        return bp::child(bp::exe = exe, bp::args = args, (bp::std_out & bp::std_err) > out_pipe, in,
                         bp::start_dir = spec.cwd.empty() ? "." : spec.cwd, env, setup, ec);
      }
      return bp::child(bp::exe = exe, bp::args = args, bp::std_out > out_pipe,
                       bp::std_err > err_pipe, in, bp::start_dir = spec.cwd.empty() ? "." : spec.cwd,
                       env, setup, ec);
    };
    bp::child c = spec.stdin_path.empty() ? start(bp::std_in < bp::null)
                                          : start(bp::std_in < spec.stdin_path);
    if (ec) throw SpawnError("cannot start " + exe + ": " + ec.message());
    pid = c.id();
    c.detach();  // reaped below with wait4(), which also gives the resource use
  } catch (const bp::process_error& e) {
    throw SpawnError("cannot start " + exe + ": " + e.what());
  }
  // Our copies of the write ends must go, or EOF never comes.
  for (bp::pipe* p : {&out_pipe, &err_pipe}) {
    if (p->native_sink() >= 0) ::close(p->native_sink());
    p->assign_sink(-1);
  }
  int out_fd = out_pipe.native_source();
  int err_fd = spec.merge_stderr ? -1 : err_pipe.native_source();
  set_nonblocking(out_fd);
  if (err_fd >= 0) set_nonblocking(err_fd);

  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  auto signal_child = [&](int sig) {
    if (spec.new_process_group) kill(-pid, sig);
    kill(pid, sig);
  };

  const std::uint64_t t0 = info.start_ns;
  std::uint64_t deadline = spec.timeout.count() > 0 ? t0 + spec.timeout.count() : 0;
  std::uint64_t kill_at = 0;  // when SIGKILL follows the SIGTERM already sent
  bool out_open = true, err_open = err_fd >= 0, exited = false;
  int status = 0;
  rusage ru{};

  while (!exited) {
    std::uint64_t now = monotonic_ns();
    bool stop_now = (deadline && now >= deadline) || (cancel && cancel->load());
    if (stop_now && kill_at == 0) {
      if (cancel && cancel->load()) info.cancelled = true; else info.timed_out = true;
      signal_child(SIGTERM);
      kill_at = now + static_cast<std::uint64_t>(spec.kill_grace.count());
    }
    if (kill_at && now >= kill_at) {
      signal_child(SIGKILL);
      kill_at = UINT64_MAX;  // sent once
    }
    int wait_ms = 100;
    auto until = [&](std::uint64_t t) {
      if (t && t != UINT64_MAX && t > now) {
        wait_ms = std::min<int>(wait_ms, static_cast<int>((t - now) / 1'000'000 + 1));
      }
    };
    until(kill_at ? kill_at : deadline);
    if (pidfd < 0) wait_ms = std::min(wait_ms, 10);

    pollfd fds[3];
    nfds_t n = 0;
    int out_i = -1, err_i = -1, pid_i = -1;
    if (out_open) { out_i = static_cast<int>(n); fds[n++] = {out_fd, POLLIN, 0}; }
    if (err_open) { err_i = static_cast<int>(n); fds[n++] = {err_fd, POLLIN, 0}; }
    if (pidfd >= 0) { pid_i = static_cast<int>(n); fds[n++] = {pidfd, POLLIN, 0}; }
    int r = poll(fds, n, wait_ms);
    if (r < 0 && errno != EINTR) break;
    if (out_i >= 0 && fds[out_i].revents) out_open = drain(out_fd, on_stdout);
    if (err_i >= 0 && fds[err_i].revents) err_open = drain(err_fd, on_stderr);
    if (pidfd < 0 || (pid_i >= 0 && fds[pid_i].revents)) {
      pid_t w = wait4(pid, &status, WNOHANG, &ru);
      if (w == pid) exited = true;
    }
  }
  info.wall_ns = monotonic_ns() - t0;
  if (!exited) {  // poll failed: make sure the child is gone
    signal_child(SIGKILL);
    wait4(pid, &status, 0, &ru);
  }
  // Whatever the child left in the pipes, then nothing it started may outlive it.
  if (out_open) drain(out_fd, on_stdout);
  if (err_open) drain(err_fd, on_stderr);
  if (spec.new_process_group) kill(-pid, SIGKILL);
  if (pidfd >= 0) close(pidfd);

  if (WIFEXITED(status)) {
    info.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    info.term_signal = WTERMSIG(status);
  }
  info.user_ns = tv_ns(ru.ru_utime);
  info.sys_ns = tv_ns(ru.ru_stime);
  info.max_rss_bytes = static_cast<std::uint64_t>(ru.ru_maxrss) * 1024ull;
  return info;
}

}  // namespace benchlab
