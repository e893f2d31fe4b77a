/* SPDX-License-Identifier: MIT */
// Running a child process by argv (never a shell) with captured output, a timeout that
// kills the whole process group, and the exit status and resource use from wait4().
// Used by the core (inventory, discovery's plugin check) and by the worker to run a
// plugin's programs; spawn_process() alone starts benchlab-worker.
//
// Every child starts with posix_spawn(), which glibc implements with a vfork-like clone:
// the parent's page tables are not copied, so starting a program costs the same from a
// core with SQLite and every plugin mapped as from a small process.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace benchlab {

struct SpawnSpec {
  std::vector<std::string> argv;        // argv[0] without '/' is searched on PATH
  std::vector<std::string> env_add;     // "NAME=VALUE" set on top of this process's environment
  std::string cwd;                      // empty: inherit
  std::string stdin_path;               // empty: /dev/null
  bool new_process_group = false;       // child leads its own group; signals go to the group
  bool merge_stderr = false;            // stderr into the stdout sink
  std::chrono::nanoseconds timeout{0};  // 0: none
  std::chrono::nanoseconds kill_grace{std::chrono::seconds(2)};  // SIGTERM → SIGKILL delay
};

struct ExitInfo {
  int exit_code = -1;   // exit status, or -1 when ended by a signal
  int term_signal = 0;  // signal that ended it, or 0
  bool timed_out = false;
  bool cancelled = false;
  std::uint64_t wall_ns = 0, user_ns = 0, sys_ns = 0;
  std::uint64_t max_rss_bytes = 0;  // of the child and the descendants it waited for
  std::uint64_t start_ns = 0;       // CLOCK_MONOTONIC at spawn
};

// The program could not be started (not found, not executable, bad cwd).
class SpawnError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An owned file descriptor, closed when it goes.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  ~UniqueFd() { reset(); }
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// A pipe whose two ends are close-on-exec (only what a child gets as 0, 1 or 2 survives
// its exec). Throws SpawnError.
struct Pipe {
  UniqueFd read, write;
  static Pipe make();
};

// Starts spec.argv with the given descriptors as its stdin, stdout and stderr (-1:
// /dev/null; spec.stdin_path, when set, wins over stdin_fd), its own process group when
// spec.new_process_group, spec.env_add and spec.cwd applied, signal mask empty and every
// signal's action the default. Returns the pid; timeout and merge_stderr are the
// caller's business. Throws SpawnError naming the program and the reason.
pid_t spawn_process(const SpawnSpec& spec, int stdin_fd, int stdout_fd, int stderr_fd);

// A child spoken to in frames (benchlab-worker, for a result or a probe): commands go to
// it over a socket, so that send(MSG_NOSIGNAL) to a child that is gone fails with EPIPE
// instead of raising SIGPIPE in the process benchlab runs in; its frames come on a pipe
// from its stdout and its stderr on another, both non-blocking; pidfd is -1 on kernels
// without pidfds. Throws SpawnError.
struct FramedChild {
  pid_t pid = -1;
  UniqueFd commands, frames, errors, pidfd;
};
FramedChild spawn_framed(const SpawnSpec& spec);

// Sends a command of a few bytes on a socket whole, again after EINTR; false when the
// peer is gone (EPIPE) or the send failed.
bool send_command(int fd, std::string_view frame);

using OutputSink = std::function<void(std::string_view)>;

// Runs the process to its end. Sinks get output as it arrives, on the calling thread.
// `cancel`, when set to true, kills the process like a timeout (cancelled = true).
// When new_process_group is set, every process left in the group after the child exits
// is killed, so nothing a trial started outlives it. Throws SpawnError.
ExitInfo run_process(const SpawnSpec& spec, const OutputSink& on_stdout,
                     const OutputSink& on_stderr, const std::atomic<bool>* cancel = nullptr);

// Full path of a program: argv0 itself when it contains '/', else the first executable
// match on PATH; empty when not found.
std::string find_program(std::string_view name);

// CLOCK_MONOTONIC in nanoseconds: the one clock of trial windows and samples.
std::uint64_t monotonic_ns();

// The exit status and resource use that wait4() returned, into `x` (an ExitInfo, or the
// worker protocol's PhaseEnd): exit_code or term_signal, user_ns, sys_ns, max_rss_bytes;
// the other fields are left as they are.
template <class Exit>
void record_wait_status(Exit& x, int status, const rusage& ru) {
  auto ns = [](const timeval& tv) {
    return static_cast<std::uint64_t>(tv.tv_sec) * 1'000'000'000ull +
           static_cast<std::uint64_t>(tv.tv_usec) * 1000ull;
  };
  if (WIFEXITED(status))
    x.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    x.term_signal = WTERMSIG(status);
  x.user_ns = ns(ru.ru_utime);
  x.sys_ns = ns(ru.ru_stime);
  x.max_rss_bytes = static_cast<std::uint64_t>(ru.ru_maxrss) * 1024ull;
}

// Writes all of `data` to `fd`, again after EINTR and short writes; false on any other
// failure.
bool write_all(int fd, std::string_view data);

// "SIGSEGV (Segmentation fault)"
std::string signal_description(int sig);

}  // namespace benchlab
