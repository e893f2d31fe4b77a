#include "phase_reaper.h"

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
#include <thread>
#include <vector>

namespace benchlab::worker {
namespace {

volatile sig_atomic_t g_stopping = 0;  // SIGTERM or SIGINT: the phase is being stopped
extern "C" void on_stop(int) { g_stopping = 1; }

// The pids listed in a /proc/.../children file.
void read_pids(const std::string& path, std::vector<pid_t>& out) {
  if (FILE* f = std::fopen(path.c_str(), "r")) {
    long pid = 0;
    while (std::fscanf(f, "%ld", &pid) == 1) out.push_back(static_cast<pid_t>(pid));
    std::fclose(f);
  }
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

// This process's children. A re-parented orphan may land on any of its threads, so every
// thread's children file is read; without those files (CONFIG_PROC_CHILDREN off) every
// process in /proc is checked for its parent.
std::vector<pid_t> children() {
  std::vector<pid_t> out;
  const pid_t self = getpid();
  const bool have_children_files =
      access(("/proc/self/task/" + std::to_string(self) + "/children").c_str(), R_OK) == 0;
  const char* dir_path = have_children_files ? "/proc/self/task" : "/proc";
  DIR* dir = opendir(dir_path);
  if (!dir) return out;
  while (const dirent* e = readdir(dir)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    if (have_children_files)
      read_pids(std::string(dir_path) + "/" + e->d_name + "/children", out);
    else if (parent_of(e->d_name) == self)
      out.push_back(static_cast<pid_t>(std::atol(e->d_name)));
  }
  closedir(dir);
  return out;
}

// SIGKILLs the children outside this process's group (or every child), so the ones that
// left the group get what the core's kill of the group gives the others.
void kill_children(bool outside_group_only) {
  const pid_t group = getpgrp();
  for (pid_t pid : children())
    if (!outside_group_only || getpgid(pid) != group) kill(pid, SIGKILL);
}

void sleep_ms(long ms) {
  timespec t{0, ms * 1'000'000L};
  nanosleep(&t, nullptr);
}

// Kills and reaps every descendant: each round SIGKILLs this process's children and reaps
// them, and their own children, re-parented here by the subreaper flag, are the next
// round's. Gives up after 10 s of finding children it cannot kill (a process stuck in the
// kernel), with a warning: the core's kill of the group still follows.
void end_descendants() {
  for (int idle_rounds = 0; idle_rounds < 10'000;) {
    kill_children(false);
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

// Dies as the phase's process died: the same exit code, or the same signal (without a
// core file: the plugin's process already wrote one if the limits asked for it).
[[noreturn]] void exit_like(int status) {
  if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
  const int sig = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  kill(getpid(), sig);
  _exit(128 + sig);  // not reached for a signal whose default action ends the process
}

// When benchlab dies (even by kill -9), `on_death` runs. PDEATHSIG would fire when the
// core's *thread* that started us ends, not its process, so a thread watches a pidfd of
// the parent instead (polling getppid() once a second where pidfds are missing). Only for
// a worker started by benchlab, which makes it a process group leader.
template <class OnDeath>
void watch_parent(OnDeath on_death) {
  if (getpgrp() != getpid()) return;
  const pid_t parent = getppid();
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, parent, 0));
  prctl(PR_SET_PDEATHSIG, 0);
  if (getppid() != parent) on_death();  // orphaned before the pidfd was taken
  std::thread([pidfd, parent, on_death] {
    pollfd p{pidfd, POLLIN, 0};
    while (getppid() == parent) {
      // Readable: the parent exited. If the fd was closed under us, poll getppid().
      if (poll(&p, 1, p.fd < 0 ? 1000 : -1) > 0 && getppid() == parent) p.fd = -1;
    }
    on_death();
  }).detach();
}

}  // namespace

void become_phase_reaper() {
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  const pid_t phase = fork();
  if (phase < 0) {
    std::fprintf(stderr,
                 "benchlab-worker: warning: cannot fork the phase (%s); processes that "
                 "leave the process group will outlive it\n",
                 std::strerror(errno));
    prctl(PR_SET_CHILD_SUBREAPER, 0);
    watch_parent([] { kill(0, SIGKILL); });
    return;
  }
  if (phase == 0) {
    prctl(PR_SET_CHILD_SUBREAPER, 0);  // its orphans come to the reaper
    return;
  }

  // The reaper. The frame channel is the phase's alone.
  if (const int null = open("/dev/null", O_WRONLY | O_CLOEXEC); null >= 0) {
    dup2(null, STDOUT_FILENO);
    close(null);
  }
  struct sigaction sa{};
  sa.sa_handler = on_stop;  // no SA_RESTART: waitpid returns EINTR
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  // The phase's death brings the clean-up below; everything else follows from it.
  watch_parent([phase] { kill(phase, SIGKILL); });

  int status = 0;
  for (;;) {
    const pid_t w = waitpid(-1, &status, 0);
    if (w == phase) break;
    if (w < 0 && errno == ECHILD) {  // cannot happen while the phase lives
      status = W_EXITCODE(2, 0);
      break;
    }
    // The core's SIGTERM reaches the group; processes outside it are stopped here, and so
    // are those re-parented here later (each re-parented orphan's end wakes this loop).
    if (g_stopping) kill_children(true);
  }
  end_descendants();
  exit_like(status);
}

}  // namespace benchlab::worker
