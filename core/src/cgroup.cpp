// SPDX-License-Identifier: MIT
#include "cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

namespace benchlab::cgroup {
namespace {

namespace fs = std::filesystem;

std::string read_text(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return out;
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The value after `key` in a flat-keyed file such as cgroup.events ("populated 1").
std::optional<std::uint64_t> keyed_value(const std::string& path, std::string_view key) {
  std::istringstream in(read_text(path));
  std::string k;
  std::uint64_t v = 0;
  while (in >> k >> v)
    if (k == key) return v;
  return std::nullopt;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

void sleep_us(long us) {
  timespec t{0, us * 1000L};
  nanosleep(&t, nullptr);
}

// Every pid in `dir` and the cgroups below it.
void procs_below(const std::string& dir, std::vector<pid_t>& out) {
  for (pid_t p : procs(dir)) out.push_back(p);
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_directory(ec)) procs_below(it->path().string(), out);
}

std::string decide_phase_parent(std::string& why) {
  const std::string mount = mount_point();
  if (mount.empty()) {
    why = "no cgroup v2 hierarchy is mounted";
    return {};
  }
  const std::string own = own_dir();
  if (own.empty()) {
    why = "this process's cgroup v2 is not under " + mount + " (a cgroup namespace?)";
    return {};
  }
  if (access((own + "/cgroup.procs").c_str(), W_OK) != 0 || access(own.c_str(), W_OK) != 0) {
    why = "cgroup " + own + " is not writable by this user: " + std::strerror(errno);
    return {};
  }
  // Hand memory and pids down to the phases' cgroups, if this cgroup offers them and this
  // process may empty it: only when it is alone there, so nobody else is moved.
  std::vector<std::string> wanted;
  const auto offered = controllers(own), handed = subtree_controllers(own);
  for (const char* c : {"memory", "pids"})
    if (contains(offered, c) && !contains(handed, c)) wanted.push_back(c);
  const bool root = own == mount;
  const auto members = procs(own);
  if (!wanted.empty() && !root && members.size() == 1 && members[0] == getpid()) {
    const std::string leaf = own + "/benchlab-core";
    if ((mkdir(leaf.c_str(), 0755) == 0 || errno == EEXIST) &&
        write_file(leaf, "cgroup.procs", std::to_string(getpid()))) {
      std::string given;
      for (const auto& c : wanted)
        if (write_file(own, "cgroup.subtree_control", "+" + c))
          given += (given.empty() ? "" : " ") + c;
      why = "moved benchlab into " + leaf +
            " and handed down: " + (given.empty() ? "nothing" : given);
    }
  }
  const auto now_handed = subtree_controllers(own);
  if (why.empty())
    why = contains(now_handed, "memory") ? "the memory controller is handed down"
                                         : "without the memory controller (memory.peak unknown)";
  return own;
}

}  // namespace

std::string mount_point() {
  std::istringstream in(read_text("/proc/self/mounts"));
  std::string device, dir, type, rest;
  for (std::string line; std::getline(in, line);) {
    std::istringstream l(line);
    if (l >> device >> dir >> type && type == "cgroup2") {
      // Spaces in a mount point are written as \040.
      for (std::size_t p; (p = dir.find("\\040")) != std::string::npos;) dir.replace(p, 4, " ");
      return dir;
    }
  }
  return {};
}

std::string own_dir() {
  const std::string mount = mount_point();
  if (mount.empty()) return {};
  std::istringstream in(read_text("/proc/self/cgroup"));
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("0::")) continue;
    std::string path = line.substr(3);
    if (path.starts_with("/..") || path.find(" (deleted)") != std::string::npos) return {};
    return path == "/" ? mount : mount + path;
  }
  return {};
}

std::string phase_parent(std::string* why) {
  static std::once_flag once;
  static std::string parent, reason;
  std::call_once(once, [] { parent = decide_phase_parent(reason); });
  if (why) *why = reason;
  return parent;
}

std::vector<std::string> subtree_controllers(const std::string& dir) {
  return words(read_text(dir + "/cgroup.subtree_control"));
}

std::vector<std::string> controllers(const std::string& dir) {
  return words(read_text(dir + "/cgroup.controllers"));
}

std::vector<pid_t> procs(const std::string& dir) {
  std::vector<pid_t> out;
  std::istringstream in(read_text(dir + "/cgroup.procs"));
  for (long pid; in >> pid;) out.push_back(static_cast<pid_t>(pid));
  return out;
}

std::optional<bool> populated(const std::string& dir) {
  auto v = keyed_value(dir + "/cgroup.events", "populated");
  if (!v) return std::nullopt;
  return *v != 0;
}

bool write_file(const std::string& dir, const char* file, const std::string& value) {
  const std::string path = dir + "/" + file;
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const ssize_t n = write(fd, value.data(), value.size());
  const int saved = errno;
  close(fd);
  errno = saved;
  return n == static_cast<ssize_t>(value.size());
}

bool kill_all(const std::string& dir, bool use_kill_file) {
  if (use_kill_file && write_file(dir, "cgroup.kill", "1")) return true;
  // Before 5.14: freeze, so that nothing forks between reading the pids and killing
  // them, kill every pid, thaw. Freezing takes effect asynchronously (cgroup.events).
  const bool frozen = write_file(dir, "cgroup.freeze", "1");
  for (int i = 0; frozen && i < 1000; ++i) {
    if (keyed_value(dir + "/cgroup.events", "frozen").value_or(1) == 1) break;
    sleep_us(100);
  }
  std::vector<pid_t> pids;
  procs_below(dir, pids);
  for (pid_t p : pids) kill(p, SIGKILL);
  if (frozen) write_file(dir, "cgroup.freeze", "0");
  return frozen || access((dir + "/cgroup.procs").c_str(), R_OK) == 0;
}

std::uint64_t memory_peak(const std::string& dir) {
  const std::string text = read_text(dir + "/memory.peak");
  if (text.empty()) return 0;
  return std::strtoull(text.c_str(), nullptr, 10);
}

std::uint64_t oom_kills(const std::string& dir) {
  return keyed_value(dir + "/memory.events", "oom_kill").value_or(0);
}

}  // namespace benchlab::cgroup
