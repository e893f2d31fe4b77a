// SPDX-License-Identifier: MIT
#include "subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

extern char** environ;

namespace benchlab {

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
  auto runnable = [](const std::string& p) {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec) && access(p.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string_view::npos) {
    return runnable(std::string(name)) ? std::string(name) : std::string();
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  for (;;) {
    const auto colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    if (dir.empty()) dir = ".";  // an empty entry is the working directory
    std::string candidate = dir + "/" + std::string(name);
    if (runnable(candidate)) return candidate;
    if (colon == std::string_view::npos) return {};
    dirs.remove_prefix(colon + 1);
  }
}

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

Pipe Pipe::make() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    throw SpawnError(std::string("cannot create a pipe: ") + std::strerror(errno));
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

namespace {

// posix_spawn's attribute and file-action objects, released however the spawn ends.
struct SpawnAttr {
  posix_spawnattr_t attr;
  SpawnAttr() { posix_spawnattr_init(&attr); }
  SpawnAttr(const SpawnAttr&) = delete;
  SpawnAttr& operator=(const SpawnAttr&) = delete;
  ~SpawnAttr() { posix_spawnattr_destroy(&attr); }
};

struct SpawnActions {
  posix_spawn_file_actions_t actions;
  SpawnActions() { posix_spawn_file_actions_init(&actions); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
  ~SpawnActions() { posix_spawn_file_actions_destroy(&actions); }
};

// This process's environment with `add` ("NAME=VALUE") set on top.
std::vector<std::string> environment_with(const std::vector<std::string>& add) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  for (const auto& kv : add) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) throw SpawnError("bad environment entry '" + kv + "'");
    const std::string_view name(kv.data(), eq + 1);  // "NAME="
    std::erase_if(env, [&](const std::string& x) { return x.starts_with(name); });
    env.push_back(kv);
  }
  return env;
}

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

}  // namespace

pid_t spawn_process(const SpawnSpec& spec, int stdin_fd, int stdout_fd, int stderr_fd) {
  if (spec.argv.empty()) throw SpawnError("empty argv");
  const std::string exe = find_program(spec.argv[0]);
  if (exe.empty()) {
    throw SpawnError(spec.argv[0].find('/') == std::string::npos
                         ? spec.argv[0] + ": not found on PATH"
                         : spec.argv[0] + ": not an executable file");
  }
  if (!spec.cwd.empty() && !std::filesystem::is_directory(spec.cwd)) {
    throw SpawnError("working directory " + spec.cwd + " does not exist");
  }
  const std::vector<std::string> env = environment_with(spec.env_add);

  SpawnActions fa;
  auto std_fd = [&](int fd, int target, int null_flags) {
    if (fd >= 0)
      posix_spawn_file_actions_adddup2(&fa.actions, fd, target);
    else
      posix_spawn_file_actions_addopen(&fa.actions, target, "/dev/null", null_flags, 0);
  };
  if (!spec.stdin_path.empty())
    posix_spawn_file_actions_addopen(&fa.actions, STDIN_FILENO, spec.stdin_path.c_str(), O_RDONLY,
                                     0);
  else
    std_fd(stdin_fd, STDIN_FILENO, O_RDONLY);
  std_fd(stdout_fd, STDOUT_FILENO, O_WRONLY);
  std_fd(stderr_fd, STDERR_FILENO, O_WRONLY);
  if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa.actions, spec.cwd.c_str());

  SpawnAttr sa;
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);  // what this process ignores (SIGPIPE in the worker) the child must not
  posix_spawnattr_setsigmask(&sa.attr, &none);
  posix_spawnattr_setsigdefault(&sa.attr, &all);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (spec.new_process_group) {
    posix_spawnattr_setpgroup(&sa.attr, 0);
    flags |= POSIX_SPAWN_SETPGROUP;
  }
  posix_spawnattr_setflags(&sa.attr, flags);

  std::vector<char*> argv, envp;
  argv.push_back(const_cast<char*>(exe.c_str()));
  for (std::size_t i = 1; i < spec.argv.size(); ++i)
    argv.push_back(const_cast<char*>(spec.argv[i].c_str()));
  argv.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  pid_t pid = 0;
  if (const int err =
          posix_spawn(&pid, exe.c_str(), &fa.actions, &sa.attr, argv.data(), envp.data()))
    throw SpawnError("cannot start " + exe + ": " + std::strerror(err));
  return pid;
}

ExitInfo run_process(const SpawnSpec& spec, const OutputSink& on_stdout,
                     const OutputSink& on_stderr, const std::atomic<bool>* cancel) {
  Pipe out = Pipe::make();
  Pipe err = spec.merge_stderr ? Pipe{} : Pipe::make();
  ExitInfo info;
  info.start_ns = monotonic_ns();
  const pid_t pid = spawn_process(spec, -1, out.write.get(),
                                  spec.merge_stderr ? out.write.get() : err.write.get());
  // Our copies of the write ends must go, or EOF never comes.
  out.write.reset();
  err.write.reset();
  const int out_fd = out.read.get();
  const int err_fd = err.read.get();
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
      if (cancel && cancel->load())
        info.cancelled = true;
      else
        info.timed_out = true;
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
    if (out_open) {
      out_i = static_cast<int>(n);
      fds[n++] = {out_fd, POLLIN, 0};
    }
    if (err_open) {
      err_i = static_cast<int>(n);
      fds[n++] = {err_fd, POLLIN, 0};
    }
    if (pidfd >= 0) {
      pid_i = static_cast<int>(n);
      fds[n++] = {pidfd, POLLIN, 0};
    }
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

  record_wait_status(info, status, ru);
  return info;
}

bool write_all(int fd, std::string_view data) {
  std::size_t n = 0;
  while (n < data.size()) {
    const ssize_t w = write(fd, data.data() + n, data.size() - n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    n += static_cast<std::size_t>(w);
  }
  return true;
}

FramedChild spawn_framed(const SpawnSpec& spec) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    throw SpawnError(std::string("cannot create the command socket: ") + std::strerror(errno));
  UniqueFd ours(sv[0]), theirs(sv[1]);
  Pipe out = Pipe::make(), err = Pipe::make();
  FramedChild c;
  c.pid = spawn_process(spec, theirs.get(), out.write.get(), err.write.get());
  c.commands = std::move(ours);
  c.frames = std::move(out.read);
  c.errors = std::move(err.read);
  for (int fd : {c.frames.get(), c.errors.get()})
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  c.pidfd.reset(static_cast<int>(syscall(SYS_pidfd_open, c.pid, 0)));
  return c;
}

bool send_command(int fd, std::string_view frame) {
  for (;;) {
    const ssize_t n = ::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL);
    if (n == static_cast<ssize_t>(frame.size())) return true;
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

}  // namespace benchlab
