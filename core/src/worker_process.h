/* SPDX-License-Identifier: MIT */
// One benchlab-worker process serving the phases of one result, seen from the core:
// started with posix_spawn (the core's page tables are not copied), leading a process
// group of its own, with a socket for commands on its stdin, and pipes for the frames on
// its stdout and for its stderr, which the plugin's stdout and stderr share. The worker ends when
// its stdin closes, so it cannot outlive the core.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "phase_runner.h"
#include "subprocess.h"
#include "worker_protocol.h"

namespace benchlab {

class WorkerProcess {
 public:
  // Starts the worker for `req` (plugin, directories, options, memory limit, and the
  // cgroup its phases' cgroups go under). Throws SpawnError.
  explicit WorkerProcess(const PhaseRequest& req);
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;
  // Closes its stdin, which ends it; waits a moment for it, then kills it and whatever
  // its last phase left.
  ~WorkerProcess();

  // Sends a command; false when the worker is gone.
  bool send(const protocol::Message& m);

  pid_t pid() const { return pid_; }
  int frames() const { return frames_.get(); }
  int errors() const { return errors_.get(); }
  int pidfd() const { return pidfd_.get(); }  // -1 without pidfds: poll reap() instead

  // Reaps the worker if it has ended (exit status, signal, resource use).
  std::optional<ExitInfo> reap();
  // Kills the worker and its phase in progress (its group and cgroup, from the last
  // phase_process), and reaps it: for a worker that broke the protocol or stopped
  // answering. Returns how the worker ended.
  ExitInfo kill_and_reap();
  // Kills what the phase in progress left, by its group and cgroup: for a worker that
  // died, whose phase process then dies of PDEATHSIG but whose descendants would not.
  void kill_orphaned_phase();

  protocol::Decoder decoder;             // frames read so far
  std::optional<protocol::Hello> hello;  // sent once, when the plugin is loaded
  protocol::PhaseProcess phase{0, {}};   // the process the next (or current) phase runs in

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  UniqueFd commands_, frames_, errors_, pidfd_;
};

}  // namespace benchlab
