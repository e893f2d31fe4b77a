// SPDX-License-Identifier: MIT
#include "subreaper.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace benchlab::worker {
namespace {

// Appends the pids listed in a /proc/.../children file; false when it cannot be read.
bool read_pids(const std::string& path, std::vector<pid_t>& out) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return false;
  long pid = 0;
  while (std::fscanf(f, "%ld", &pid) == 1) out.push_back(static_cast<pid_t>(pid));
  std::fclose(f);
  return true;
}

// The parent pid in /proc/PID/stat ("pid (comm) state ppid ..."; comm may hold anything).
pid_t parent_of(const char* pid) {
  char buf[512];
  const int fd = open((std::string("/proc/") + pid + "/stat").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  const ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = '\0';
  const char* close_paren = std::strrchr(buf, ')');
  char state = 0;
  long ppid = -1;
  if (!close_paren || std::sscanf(close_paren + 1, " %c %ld", &state, &ppid) != 2) return -1;
  return static_cast<pid_t>(ppid);
}

// This process's children. The reaper has one thread, whose children file lists them all;
// without that file (CONFIG_PROC_CHILDREN off) every process in /proc is asked its parent.
std::vector<pid_t> children() {
  std::vector<pid_t> out;
  const pid_t self = getpid();
  if (read_pids("/proc/self/task/" + std::to_string(self) + "/children", out)) return out;
  if (DIR* dir = opendir("/proc")) {
    while (const dirent* e = readdir(dir))
      if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && parent_of(e->d_name) == self)
        out.push_back(static_cast<pid_t>(std::atol(e->d_name)));
    closedir(dir);
  }
  return out;
}

void sleep_ms(long ms) {
  timespec t{0, ms * 1'000'000L};
  nanosleep(&t, nullptr);
}

}  // namespace

bool become_subreaper() { return prctl(PR_SET_CHILD_SUBREAPER, 1) == 0; }

void kill_children_outside(pid_t group) {
  for (pid_t pid : children())
    if (getpgid(pid) != group) kill(pid, SIGKILL);
}

void end_descendants() {
  for (int idle_rounds = 0; idle_rounds < 10'000;) {
    for (pid_t pid : children()) kill(pid, SIGKILL);
    int status = 0;
    const pid_t w = waitpid(-1, &status, WNOHANG);
    if (w < 0 && errno == ECHILD) return;
    if (w > 0) {
      idle_rounds = 0;
      continue;
    }
    sleep_ms(1);
    ++idle_rounds;
  }
  std::fprintf(stderr, "benchlab-worker: processes the plugin left would not die\n");
}

}  // namespace benchlab::worker
