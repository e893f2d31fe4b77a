/* SPDX-License-Identifier: MIT */
// What holds a phase's processes and ends whatever is left of them when the phase ends:
// a cgroup v2 of its own where the core found a writable one ("cgroup"), else the
// worker as the phases' subreaper alone ("subreaper"). In both, the worker is the
// subreaper, and the phase's process leads a process group of its own.
//
// With a cgroup, nothing the phase started escapes, whatever it does (setsid(), double
// forks, leaving the process group): cgroup.kill takes the whole tree at once, and the
// memory controller, where handed down, gives memory.peak and enforces memory.max. The
// subreaper catches every descendant, but not a process the phase had started by someone
// else (another daemon), nor anything once the worker itself is killed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "subprocess.h"

namespace benchlab::worker {

class PhaseContainment {
 public:
  // `parent`: where to make the phases' cgroups (cgroup::phase_parent() in the core), or
  // empty for the subreaper alone. `memory_max_bytes` (0: none) becomes each phase
  // cgroup's memory.max where the memory controller is handed down.
  PhaseContainment(std::string parent, std::uint64_t memory_max_bytes);
  PhaseContainment(const PhaseContainment&) = delete;
  PhaseContainment& operator=(const PhaseContainment&) = delete;
  ~PhaseContainment();  // close()

  // Puts `pid`, a freshly forked phase process that has not run plugin code yet, into a
  // cgroup of its own: an empty one, fresh where memory is accounted (so that memory.peak
  // and the OOM count are the phase's alone), else the one the last phase left empty.
  // When that cannot be done, says why on stderr once and holds this and every later
  // phase with the subreaper alone.
  void adopt(pid_t pid);

  // The phase is being stopped (timeout, cancel): SIGTERM to its group and, with a cgroup,
  // to every process in it; without one, SIGKILL to the processes that left the group.
  void stop(pid_t group);
  // The grace after stop() is over, or benchlab is gone: SIGKILL to everything of the phase.
  void kill(pid_t group);

  // After the phase's process was reaped: kills and reaps everything it left, then reads
  // the memory figures of its cgroup.
  struct Figures {
    std::uint64_t memory_peak_bytes = 0, oom_kills = 0;
  };
  Figures end(pid_t group);

  // After the phase was reported, off the measured path: removes its cgroup where memory
  // is accounted; else keeps it, empty, for the next phase.
  void release();
  // Removes the cgroup for good: the worker ends.
  void close();
  // In a phase process: closes the worker's descriptors of the cgroup (its copy of them).
  void drop_descriptors();

  const char* kind() const { return parent_.empty() ? "subreaper" : "cgroup"; }
  const std::string& cgroup() const { return cgroup_; }  // the current phase's, or ""

 private:
  void fall_back(const std::string& why);
  bool populated() const;  // anything alive in the current phase's cgroup
  std::string parent_;     // empty: the subreaper alone
  std::uint64_t memory_max_;
  bool memory_ = false;  // the memory controller is handed down to the phases
  unsigned seq_ = 0;
  std::string cgroup_;  // the current phase's cgroup
  // Its cgroup.events and cgroup.kill, opened ahead, off the measured path.
  UniqueFd events_, kill_;
};

}  // namespace benchlab::worker
