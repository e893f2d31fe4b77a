// Running a child process by argv (never a shell) with captured output, a timeout that
// kills the whole process group, and the exit status and resource use from wait4().
// Used by the core to run benchlab-worker and by the worker to run a plugin's programs.
#pragma once

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
  std::vector<std::string> argv;     // argv[0] without '/' is searched on PATH
  std::vector<std::string> env_add;  // "NAME=VALUE" set on top of this process's environment
  std::string cwd;                   // empty: inherit
  std::string stdin_path;            // empty: /dev/null
  bool new_process_group = false;    // child leads its own group; signals go to the group
  bool merge_stderr = false;         // stderr into the stdout sink
  std::chrono::nanoseconds timeout{0};          // 0: none
  std::chrono::nanoseconds kill_grace{std::chrono::seconds(2)};  // SIGTERM → SIGKILL delay
};

struct ExitInfo {
  int exit_code = -1;    // exit status, or -1 when ended by a signal
  int term_signal = 0;   // signal that ended it, or 0
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

// "SIGSEGV (Segmentation fault)"
std::string signal_description(int sig);

}  // namespace benchlab
