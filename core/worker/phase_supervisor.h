/* SPDX-License-Identifier: MIT */
// The worker's loop: one benchlab-worker serves the phases of one result. It loads the
// plugin once (dlopen, relocations, constructors), then for each `run_phase` command on
// its stdin hands the phase to a fresh fork of itself, forked ahead of time while the core
// stores the previous trial; holds that process in its containment (phase_containment.h);
// stops it at its timeout or at the core's `stop` (SIGTERM, then SIGKILL after the
// grace); waits for it with wait4; ends whatever it left; and reports `phase_end`. The
// phase's own frames go from its process straight to the core on the same channel.
//
// The worker runs no plugin code after loading it and has one thread, so every fork of it
// starts from the same state and PR_SET_PDEATHSIG in a phase process is exact. EOF on
// stdin (the core closed it, or died) or SIGTERM ends the phase in progress, everything
// it left, and the worker.
#pragma once

#include <cstdint>
#include <string>

#include "worker_host.h"

namespace benchlab::worker {

struct WorkerOptions {
  std::string plugin_path;
  WorkerPhase phase;                   // directories and options; phase and trial come per command
  std::string cgroup_parent;           // where the phases' cgroups go; empty: the subreaper alone
  std::uint64_t memory_max_bytes = 0;  // each phase cgroup's memory.max; 0: none
};

// Serves commands until EOF on stdin; returns the worker's exit status.
int serve(const WorkerOptions& options);

}  // namespace benchlab::worker
