/* SPDX-License-Identifier: MIT */
// cgroup v2, the parts benchlab uses to hold a phase's processes: where the hierarchy is
// and where this process sits in it, which cgroup the phases' cgroups go under, killing
// everything in a cgroup, and its memory figures. Plain file operations on cgroupfs; every
// function reports failure rather than throwing, since a machine without a writable
// cgroup v2 falls back to the worker's subreaper (core/worker/phase_containment.h).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace benchlab::cgroup {

// The mount point of the cgroup v2 hierarchy ("/sys/fs/cgroup", or
// "/sys/fs/cgroup/unified" on a hybrid v1/v2 system); empty when none is mounted.
std::string mount_point();

// The cgroup v2 directory of this process (mount point + its path in /proc/self/cgroup);
// empty when unknown or outside the mount (a cgroup namespace set up without it).
std::string own_dir();

// Where benchlab-worker creates a cgroup per phase, decided once per process: this
// process's own cgroup when it is writable, else empty (then the worker's subreaper
// holds the phases). When this process is alone in its cgroup and that cgroup offers
// controllers it does not hand down (benchlab started in a delegated cgroup of its own,
// e.g. `systemd-run --scope -p Delegate=yes`), it first moves itself into a child
// "benchlab-core" and hands memory and pids down, as BenchExec does: the kernel lets a
// cgroup give controllers to its children only while it holds no process itself, and
// the phases need the memory controller for memory.peak and memory.max. `why`, when
// given, gets what was decided and why, for the operator.
std::string phase_parent(std::string* why = nullptr);

// The controllers a cgroup's children can use (its cgroup.subtree_control), or those it
// could offer (cgroup.controllers).
std::vector<std::string> subtree_controllers(const std::string& dir);
std::vector<std::string> controllers(const std::string& dir);

// Pids in dir/cgroup.procs (empty when it cannot be read).
std::vector<pid_t> procs(const std::string& dir);

// Whether any process is in `dir` or below (cgroup.events "populated 1"); nullopt when
// it cannot be read.
std::optional<bool> populated(const std::string& dir);

// Kills every process in `dir` and its descendant cgroups: cgroup.kill (Linux 5.14) when
// present and `use_kill_file`, else freeze the cgroup, SIGKILL every pid in cgroup.procs
// and thaw it (a frozen process still dies of SIGKILL). Does not wait for them to be gone.
// False when nothing could be done (not a cgroup, no permission).
bool kill_all(const std::string& dir, bool use_kill_file = true);

// Writes `value` into dir/file; false (errno set) when it cannot.
bool write_file(const std::string& dir, const char* file, const std::string& value);

// dir/memory.peak (Linux 5.19, memory controller): the most memory its processes used at
// once, page cache included; 0 when unknown.
std::uint64_t memory_peak(const std::string& dir);

// The oom_kill count of dir/memory.events: processes the OOM killer ended in it because
// of its memory.max; 0 when unknown.
std::uint64_t oom_kills(const std::string& dir);

}  // namespace benchlab::cgroup
