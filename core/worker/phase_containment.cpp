// SPDX-License-Identifier: MIT
#include "phase_containment.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "cgroup.h"
#include "subreaper.h"

namespace benchlab::worker {
namespace {

bool has(const std::vector<std::string>& v, const char* x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

void warn(const std::string& what) {
  std::fprintf(stderr, "benchlab-worker: warning: %s\n", what.c_str());
}

// Phase cgroups are named benchlab-<worker pid>-<sequence>.
constexpr std::string_view kPrefix = "benchlab-";

// Removes the phase cgroups of workers that are gone (killed before they could), killing
// what is still in them: a phase must not outlive its worker.
void sweep_stale(const std::string& parent) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(kPrefix) || name == "benchlab-core") continue;
    const long owner = std::atol(name.c_str() + kPrefix.size());
    if (owner <= 0 || owner == getpid() || ::kill(static_cast<pid_t>(owner), 0) == 0 ||
        errno != ESRCH)
      continue;
    cgroup::kill_all(it->path().string());
    for (int i = 0; i < 100 && rmdir(it->path().c_str()) != 0 && errno == EBUSY; ++i) {
      timespec t{0, 1'000'000};
      nanosleep(&t, nullptr);
    }
  }
}

}  // namespace

PhaseContainment::PhaseContainment(std::string parent, std::uint64_t memory_max_bytes)
    : parent_(std::move(parent)), memory_max_(memory_max_bytes) {
  if (!parent_.empty()) {
    memory_ = has(cgroup::subtree_controllers(parent_), "memory");
    sweep_stale(parent_);
  }
  if (memory_max_ && !memory_)
    warn("the memory limit is not enforced: " +
         (parent_.empty() ? std::string("no writable cgroup v2")
                          : "cgroup " + parent_ + " does not hand the memory controller down"));
}

PhaseContainment::~PhaseContainment() { close(); }

void PhaseContainment::fall_back(const std::string& why) {
  warn(why + "; from now on the worker holds its phases as their subreaper only");
  parent_.clear();
  memory_ = false;
}

void PhaseContainment::adopt(pid_t pid) {
  if (parent_.empty()) return;
  if (!cgroup_.empty()) {  // the last phase's, empty: end() saw to it
    if (cgroup::write_file(cgroup_, "cgroup.procs", std::to_string(pid))) return;
    const int err = errno;
    const std::string dir = cgroup_;
    close();
    fall_back("cannot move the phase process into cgroup " + dir + ": " + std::strerror(err));
    return;
  }
  const std::string dir = parent_ + "/" + std::string(kPrefix) + std::to_string(getpid()) + "-" +
                          std::to_string(++seq_);
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    fall_back("cannot create cgroup " + dir + ": " + std::strerror(errno));
    return;
  }
  if (memory_ && memory_max_) {
    if (!cgroup::write_file(dir, "memory.max", std::to_string(memory_max_)))
      warn("cannot set memory.max of " + dir + ": " + std::strerror(errno));
    cgroup::write_file(dir, "memory.swap.max",
                       "0");  // a limit, not a slow swap; absent without swap
  }
  if (!cgroup::write_file(dir, "cgroup.procs", std::to_string(pid))) {
    const int err = errno;
    rmdir(dir.c_str());
    fall_back("cannot move the phase process into cgroup " + dir + ": " + std::strerror(err));
    return;
  }
  cgroup_ = dir;
  events_.reset(open((dir + "/cgroup.events").c_str(), O_RDONLY | O_CLOEXEC));
  kill_.reset(open((dir + "/cgroup.kill").c_str(), O_WRONLY | O_CLOEXEC));  // Linux 5.14
}

bool PhaseContainment::populated() const {
  char buf[256];
  const ssize_t n = events_ ? pread(events_.get(), buf, sizeof buf - 1, 0) : -1;
  if (n <= 0) return cgroup::populated(cgroup_).value_or(false);
  buf[n] = '\0';
  const char* p = std::strstr(buf, "populated ");
  return !p || p[10] != '0';
}

void PhaseContainment::stop(pid_t group) {
  ::kill(-group, SIGTERM);
  if (!cgroup_.empty()) {
    for (pid_t p : cgroup::procs(cgroup_)) ::kill(p, SIGTERM);
  } else {
    kill_children_outside(group);
  }
}

void PhaseContainment::kill(pid_t group) {
  ::kill(-group, SIGKILL);
  if (!cgroup_.empty())
    cgroup::kill_all(cgroup_);
  else
    kill_children_outside(group);
}

PhaseContainment::Figures PhaseContainment::end(pid_t group) {
  ::kill(-group, SIGKILL);
  if (!cgroup_.empty() && populated() && !(kill_ && pwrite(kill_.get(), "1", 1, 0) == 1))
    cgroup::kill_all(cgroup_);
  end_descendants();
  Figures f;
  if (cgroup_.empty()) return f;
  // What was killed but is no child of ours (moved in by someone else) still has to go.
  for (int i = 0; i < 10'000 && populated(); ++i) {
    timespec t{0, 1'000'000};
    nanosleep(&t, nullptr);
  }
  if (memory_) {
    f.memory_peak_bytes = cgroup::memory_peak(cgroup_);
    f.oom_kills = cgroup::oom_kills(cgroup_);
  }
  return f;
}

void PhaseContainment::release() {
  if (memory_) close();
}

void PhaseContainment::drop_descriptors() {
  events_.reset();
  kill_.reset();
}

void PhaseContainment::close() {
  events_.reset();
  kill_.reset();
  if (cgroup_.empty()) return;
  for (int i = 0; rmdir(cgroup_.c_str()) != 0 && errno == EBUSY && i < 100; ++i) {
    timespec t{0, 1'000'000};
    nanosleep(&t, nullptr);
  }
  cgroup_.clear();
}

}  // namespace benchlab::worker
