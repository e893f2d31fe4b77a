// SPDX-License-Identifier: MIT
// A program the wall probe runs: ipmitool for each BMC reading, or an external meter's
// long-running bridge. Started with posix_spawn (argv, no shell), stdin from /dev/null,
// stdout and stderr into one pipe the probe reads without blocking, in a process group of
// its own so that stopping it stops what it started too. The probe runs inside the host's
// sampler process, so it starts, reads, stops and reaps its children itself; the host's
// spawn service is for workload phases.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace wall {

class ChildProcess {
 public:
  // [any] Starts argv[0] (a path, or a name searched on PATH) with argv. Throws
  // std::system_error naming the program when it cannot be started (not found, not
  // executable).
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();  // stop()
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The read end of its stdout+stderr pipe, non-blocking; -1 after close_output().
  int output_fd() const noexcept { return output_; }
  void close_output() noexcept;
  // [any] SIGTERM to its process group, SIGKILL when still there after `grace`, then reaps
  // it. Returns its wait status; idempotent.
  int stop(std::chrono::milliseconds grace = std::chrono::milliseconds(500)) noexcept;
  // Reaps it and returns its wait status, blocking until it exits.
  int wait() noexcept;
  // Reaps it when it exits within `limit`: its wait status, else nullopt (still running).
  std::optional<int> wait_for(std::chrono::milliseconds limit) noexcept;

 private:
  std::optional<int> reap(bool block) noexcept;

  pid_t pid_ = -1;
  int output_ = -1;
  std::optional<int> status_;  // set once reaped
};

// What a program printed and how it ended.
struct ProgramRun {
  std::string output;      // stdout and stderr as they interleaved
  int status = 0;          // wait status (WIFEXITED...)
  bool timed_out = false;  // killed after the time limit
  bool stopped = false;    // killed because `stop` was set
};

// [any] Runs argv to its end and collects its output, killing it after `limit` or when
// *stop becomes true (checked every 50 ms). Throws std::system_error when it cannot start.
ProgramRun run_program(const std::vector<std::string>& argv, std::chrono::milliseconds limit,
                       const std::atomic<bool>* stop = nullptr);

// [any] "exit status 1", "signal 9": how a wait status ended.
std::string describe_status(int status);

}  // namespace wall
